import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_MESSAGE_TYPES, MAX_FRAME_BYTES, encode, parseClientMessage, parseServerMessage } from '../../src/protocol/messages.js';
import type { ClientMessage, ServerMessage } from '../../src/protocol/messages.js';
import { MAX_INVITEES } from '../../src/constants.js';

const CALL = 'AbCdEfGhIjKlMnOpQrStUv';
const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\na=fingerprint:sha-256 00:11\r\n';

const validClient: Record<ClientMessage['type'], Record<string, unknown>> = {
  login: {
    v: 1,
    id: 'r1',
    type: 'login',
    sdkAppId: 1400000000,
    userId: 'alice',
    userSig: 'eJx*abc_',
    name: 'Alice',
    avatar: 'https://x/a.png',
  },
  renew: { v: 1, id: 'r7', type: 'renew', userSig: 'eJx*abc_' },
  turn: { v: 1, id: 'r8', type: 'turn' },
  profile: { v: 1, type: 'profile', name: 'Alice A.' },
  invite: { v: 1, id: 'r2', type: 'invite', to: ['bob', 'carol'], mediaType: 'video', timeout: 30, userData: '{}', groupId: 'g1' },
  cancel: { v: 1, type: 'cancel', callId: CALL },
  accept: { v: 1, type: 'accept', callId: CALL },
  reject: { v: 1, type: 'reject', callId: CALL, reason: 'busy' },
  hangup: { v: 1, type: 'hangup', callId: CALL },
  'invite-user': { v: 1, id: 'r4', type: 'invite-user', callId: CALL, to: ['dave'] },
  join: { v: 1, id: 'r5', type: 'join', callId: CALL },
  'group-call-query': { v: 1, id: 'r6', type: 'group-call-query', groupId: 'g1' },
  resume: { v: 1, id: 'r3', type: 'resume', callId: CALL },
  relay: { v: 1, type: 'relay', callId: CALL, to: 'bob', data: { kind: 'description', description: { type: 'offer', sdp: SDP } } },
  'pre-connect': { v: 1, type: 'pre-connect', callId: CALL, to: 'bob', data: { kind: 'close' } },
  'media-state': { v: 1, type: 'media-state', callId: CALL, audio: true, video: false },
  'video-upgrade': { v: 1, id: 'r11', type: 'video-upgrade', callId: CALL, action: 'request' },
  'records-query': { v: 1, id: 'r8', type: 'records-query', limit: 20, cursor: 'abc' },
  'presence-subscribe': { v: 1, id: 'r9', type: 'presence-subscribe', userIds: ['bob', 'carol'] },
  'presence-unsubscribe': { v: 1, id: 'r10', type: 'presence-unsubscribe' },
  sfu: { v: 1, type: 'sfu', callId: CALL, data: { kind: 'publish', description: { type: 'offer', sdp: SDP } } },
};

const member = { userId: 'alice', name: 'Alice', state: 'accepted', audio: true, video: false };
const validServer: Record<ServerMessage['type'], Record<string, unknown>> = {
  'login-ok': { v: 1, ref: 'r1', type: 'login-ok', userId: 'alice', serverTime: 1 },
  turn: {
    v: 1,
    ref: 'r8',
    type: 'turn',
    turn: {
      iceServers: [{ urls: ['turn:turn.example.com:3478'], username: '1800000000:alice', credential: 'abc=' }],
      iceTransportPolicy: 'relay',
      expiresAt: 1_800_000_000_000,
    },
  },
  ok: { v: 1, ref: 'r1', type: 'ok' },
  'usersig-expiring': { v: 1, type: 'usersig-expiring', expiresAt: 1_800_000_000_000 },
  error: { v: 1, ref: 'r1', type: 'error', code: 'call-not-found', message: 'no such call', field: 'callId' },
  'invite-ok': {
    v: 1,
    type: 'invite-ok',
    callId: CALL,
    mediaType: 'audio',
    members: [member, { userId: 'bob', state: 'ringing' }],
    timeout: 30,
  },
  incoming: {
    v: 1,
    type: 'incoming',
    callId: CALL,
    caller: { userId: 'alice', name: 'Alice' },
    mediaType: 'video',
    members: [member],
    timeout: 29.5,
    userData: 'x',
    groupId: 'g',
  },
  'call-started': { v: 1, type: 'call-started', callId: CALL, mediaType: 'video', members: [member] },
  resumed: { v: 1, ref: 'r3', type: 'resumed', callId: CALL, mediaType: 'video', members: [member] },
  'member-state': { v: 1, type: 'member-state', callId: CALL, member: { userId: 'bob', state: 'no-response' } },
  presence: {
    v: 1,
    ref: 'r9',
    type: 'presence',
    users: [
      { userId: 'bob', status: 'busy' },
      { userId: 'carol', status: 'offline' },
    ],
  },
  'group-call': { v: 1, ref: 'r6', type: 'group-call', groupId: 'g1', call: { callId: CALL, mediaType: 'audio', members: [member] } },
  'call-ended': { v: 1, type: 'call-ended', callId: CALL, reason: 'glare' },
  relay: { v: 1, type: 'relay', callId: CALL, from: 'bob', data: { kind: 'candidate', candidate: null } },
  'pre-connect': { v: 1, type: 'pre-connect', callId: CALL, from: 'bob', data: { kind: 'adopt' } },
  sfu: {
    v: 1,
    type: 'sfu',
    callId: CALL,
    data: { kind: 'offer', description: { type: 'offer', sdp: SDP }, streams: [{ mid: '0', kind: 'video', userId: 'bob' }] },
  },
  'media-state': { v: 1, type: 'media-state', callId: CALL, userId: 'bob', audio: false, video: true },
  'video-upgrade': { v: 1, type: 'video-upgrade', callId: CALL, from: 'bob', action: 'accept' },
  records: {
    v: 1,
    ref: 'r8',
    type: 'records',
    records: [
      {
        callId: CALL,
        callerId: 'alice',
        mediaType: 'video',
        members: [{ userId: 'bob', outcome: 'accepted', joinedAt: 2 }],
        startedAt: 1,
        connectedAt: 2,
        endedAt: 3,
        endReason: 'hangup',
        durationMs: 1,
      },
    ],
    nextCursor: 'MzpBYkNk',
  },
  'missed-calls': {
    v: 1,
    type: 'missed-calls',
    calls: [{ callId: CALL, callerId: 'alice', mediaType: 'audio', startedAt: 1, outcome: 'offline' }],
  },
};

function rejects(raw: unknown, code: string, field?: string): void {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  const result = parseClientMessage(text);
  assert.equal(result.ok, false, `accepted ${text.slice(0, 200)}`);
  if (result.ok) return;
  assert.equal(result.code, code, `${text.slice(0, 200)}: ${JSON.stringify(result)}`);
  if (field !== undefined) assert.equal(result.field, field, `${text.slice(0, 200)}: ${JSON.stringify(result)}`);
  assert.ok(result.message.length <= 1024);
  assert.ok((result.field ?? '').length <= 256);
}

describe('protocol: client messages', () => {
  it('has one valid example for every type, and each parses to itself', () => {
    assert.deepEqual(Object.keys(validClient).sort(), [...CLIENT_MESSAGE_TYPES].sort());
    for (const example of Object.values(validClient)) {
      const result = parseClientMessage(JSON.stringify(example));
      assert.ok(result.ok, `${JSON.stringify(example)}: ${JSON.stringify(result)}`);
      assert.deepEqual(result.message, example);
    }
  });

  it('validates sfu messages both ways (kinds, sdp, candidates, stream ids, the sfu flags)', () => {
    for (const data of [
      { kind: 'answer', description: { type: 'answer', sdp: SDP } },
      { kind: 'candidate', pc: 'sub', candidate: { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ host', sdpMid: '0' } },
      { kind: 'candidate', pc: 'pub', candidate: null },
      { kind: 'restart' },
      { kind: 'layer', userId: 'bob', substream: 0 },
      { kind: 'layer', userId: 'bob', substream: 1 },
    ]) {
      assert.ok(parseClientMessage(JSON.stringify({ ...validClient.sfu, data })).ok, JSON.stringify(data));
    }
    for (const data of [{ kind: 'start' }, { kind: 'answer', description: { type: 'answer', sdp: SDP } }]) {
      assert.ok(parseServerMessage(JSON.stringify({ ...validServer.sfu, data })).ok, JSON.stringify(data));
    }
    const bad = (data: unknown) => parseClientMessage(JSON.stringify({ ...validClient.sfu, data }));
    assert.equal(bad({ kind: 'start' }).ok, false, "start is the server's");
    assert.equal(bad({ kind: 'publish', description: { type: 'answer', sdp: SDP } }).ok, false, 'publish is an offer');
    assert.equal(bad({ kind: 'publish', description: { type: 'offer', sdp: 'v=0\r\n' } }).ok, false, 'no fingerprint');
    assert.equal(bad({ kind: 'candidate', pc: 'both', candidate: null }).ok, false);
    assert.equal(bad({ kind: 'restart', pc: 'pub' }).ok, false, 'restart is for the receiving connection only');
    assert.equal(bad({ kind: 'layer', userId: 'bob', substream: 2 }).ok, false, 'two layers: 0 or 1');
    assert.equal(bad({ kind: 'layer', userId: 'bad id', substream: 0 }).ok, false, 'a user id');
    assert.equal(bad({ kind: 'answer', description: { type: 'answer', sdp: SDP }, streams: [] }).ok, false, 'strict');
    const streams = [{ mid: '0', kind: 'video', userId: 'bad id' }];
    assert.equal(
      parseServerMessage(JSON.stringify({ ...validServer.sfu, data: { ...(validServer.sfu.data as object), streams } })).ok,
      false,
    );
    assert.ok(parseServerMessage(JSON.stringify({ ...validServer['login-ok'], sfu: true })).ok);
    assert.ok(parseServerMessage(JSON.stringify({ ...validServer['call-started'], sfu: true })).ok);
    assert.ok(parseServerMessage(JSON.stringify({ ...validServer['invite-ok'], sfu: true })).ok);
    assert.ok(parseServerMessage(JSON.stringify({ ...validServer.resumed, sfu: true })).ok);
  });

  it('accepts the other relay payloads (answer, rollback, candidates, end of candidates)', () => {
    for (const data of [
      { kind: 'description', description: { type: 'answer', sdp: SDP } },
      { kind: 'description', description: { type: 'rollback' } },
      {
        kind: 'candidate',
        candidate: {
          candidate: 'candidate:1 1 udp 2122260223 10.0.0.1 5000 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
          usernameFragment: 'abcd',
        },
      },
      { kind: 'candidate', candidate: { candidate: '', sdpMid: null, sdpMLineIndex: null } },
      { kind: 'candidate', candidate: null },
    ]) {
      assert.ok(parseClientMessage(JSON.stringify({ ...validClient.relay, data })).ok, JSON.stringify(data));
    }
  });

  it('rejects wrong types and missing fields with invalid-field and the field path', () => {
    rejects({ ...validClient.login, sdkAppId: '1400000000' }, 'invalid-field', 'sdkAppId');
    rejects({ ...validClient.login, sdkAppId: 1.5 }, 'invalid-field', 'sdkAppId');
    rejects({ ...validClient.login, userSig: '' }, 'invalid-field', 'userSig');
    rejects({ ...validClient.login, userSig: 'x'.repeat(4097) }, 'invalid-field', 'userSig');
    const { userId: _userId, ...noUser } = validClient.login;
    rejects(noUser, 'invalid-field', 'userId');
    rejects({ ...validClient.invite, to: 'bob' }, 'invalid-field', 'to');
    rejects({ ...validClient.invite, to: [] }, 'invalid-field', 'to');
    rejects({ ...validClient.invite, mediaType: 'screen' }, 'invalid-field', 'mediaType');
    rejects({ ...validClient.invite, timeout: 5 }, 'invalid-field', 'timeout');
    rejects({ ...validClient.invite, timeout: 601 }, 'invalid-field', 'timeout');
    rejects({ ...validClient.invite, userData: 'x'.repeat(4097) }, 'invalid-field', 'userData');
    rejects({ ...validClient.reject, reason: 'because' }, 'invalid-field', 'reason');
    rejects({ ...validClient['media-state'], audio: 'yes' }, 'invalid-field', 'audio');
    const { callId: _callId, ...noCall } = validClient.accept;
    rejects(noCall, 'invalid-field', 'callId');
    rejects({ ...validClient.relay, data: { kind: 'blob' } }, 'invalid-field', 'data.kind');
    rejects(
      { ...validClient.relay, data: { kind: 'candidate', candidate: { candidate: 'x'.repeat(1025) } } },
      'invalid-field',
      'data.candidate.candidate',
    );
    rejects(
      { ...validClient.relay, data: { kind: 'candidate', candidate: { candidate: 'candidate:c', sdpMLineIndex: -1 } } },
      'invalid-field',
      'data.candidate.sdpMLineIndex',
    );
  });

  it('rejects extra properties, __proto__ and constructor keys, and client-supplied from', () => {
    rejects({ ...validClient.accept, extra: 1 }, 'invalid-field', 'extra');
    rejects({ ...validClient.relay, from: 'bob' }, 'invalid-field', 'from');
    rejects('{"v":1,"type":"accept","callId":"' + CALL + '","__proto__":{"admin":true}}', 'invalid-field', '__proto__');
    rejects('{"v":1,"type":"profile","constructor":{"prototype":{"x":1}}}', 'invalid-field', 'constructor');
    rejects({ ...validClient.relay, data: { ...(validClient.relay.data as object), from: 'x' } }, 'invalid-field', 'data.from');
    rejects(
      { ...validClient.relay, data: { kind: 'description', description: { type: 'offer', sdp: SDP, x: 1 } } },
      'invalid-field',
      'data.description.x',
    );
    // Nothing leaked onto Object.prototype.
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });

  it('rejects bad user ids, call ids and names', () => {
    for (const bad of ['', 'a b', 'ali.ce', 'x'.repeat(65), 'élise', '../etc', 'a\u0000']) {
      rejects({ ...validClient.login, userId: bad }, 'invalid-field', 'userId');
      rejects({ ...validClient.invite, to: [bad] }, 'invalid-field', 'to.0');
    }
    for (const bad of ['', 'short', CALL + 'x', CALL.slice(1) + '!', CALL.slice(1) + '=']) {
      rejects({ ...validClient.accept, callId: bad }, 'invalid-field', 'callId');
    }
    rejects({ ...validClient.profile, name: 'x'.repeat(65) }, 'invalid-field', 'name');
    rejects({ ...validClient.profile, name: 'evil\u202Eeman' }, 'invalid-field', 'name');
    rejects({ ...validClient.profile, name: 'line\nbreak' }, 'invalid-field', 'name');
    rejects({ ...validClient.profile, avatar: 'javascript:alert(1)' }, 'invalid-field', 'avatar');
    rejects({ ...validClient.profile, avatar: 'data:image/svg+xml;base64,AAAA' }, 'invalid-field', 'avatar');
  });

  it(`rejects more than ${MAX_INVITEES} invitees`, () => {
    const to = Array.from({ length: MAX_INVITEES + 1 }, (_, i) => `u${i}`);
    rejects({ ...validClient.invite, to }, 'invalid-field', 'to');
    assert.ok(parseClientMessage(JSON.stringify({ ...validClient.invite, to: to.slice(0, MAX_INVITEES) })).ok);
  });

  it('rejects an SDP that does not start with v=0 or is over 32 KiB', () => {
    const relay = (sdp: string) => ({ ...validClient.relay, data: { kind: 'description', description: { type: 'offer', sdp } } });
    rejects(relay('o=- 1 2 IN IP4 0.0.0.0'), 'invalid-field', 'data.description.sdp');
    rejects(relay(''), 'invalid-field', 'data.description.sdp');
    rejects(relay(SDP + 'a'.repeat(32 * 1024)), 'invalid-field', 'data.description.sdp');
  });

  it('rejects non-JSON, non-objects, oversize frames and deep nesting', () => {
    rejects('{"v":1,', 'invalid-json');
    rejects('', 'invalid-json');
    rejects('\u0000', 'invalid-json');
    for (const raw of ['[]', '[1,2]', '42', 'null', '"str"', 'true']) rejects(raw, 'invalid-message');
    rejects(JSON.stringify({ ...validClient.profile, name: 'x'.repeat(MAX_FRAME_BYTES) }), 'invalid-message');
    rejects(JSON.stringify({ ...validClient.profile, deep: JSON.parse('['.repeat(20) + ']'.repeat(20)) }), 'invalid-message');
    rejects('['.repeat(30000) + ']'.repeat(30000), 'invalid-message');
    rejects('{"v":1,"type":"profile","a":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) + '}', 'invalid-message');
  });

  it('rejects a wrong or missing protocol version, and unknown or missing types', () => {
    rejects({ ...validClient.accept, v: 2 }, 'invalid-field', 'v');
    rejects({ ...validClient.accept, v: '1' }, 'invalid-field', 'v');
    const { v: _v, ...noV } = validClient.accept;
    rejects(noV, 'invalid-field', 'v');
    rejects({ v: 1, type: 'offer' }, 'unknown-type', 'type');
    rejects({ v: 1, type: 'toString' }, 'unknown-type', 'type');
    rejects({ v: 1, type: '__proto__' }, 'unknown-type', 'type');
    rejects({ v: 1, type: 42 }, 'unknown-type', 'type');
    rejects({ v: 1 }, 'unknown-type', 'type');
    // Server-only types are unknown from a client.
    rejects({ v: 1, type: 'incoming' }, 'unknown-type', 'type');
  });

  it('echoes a valid request id in errors, never an invalid one', () => {
    const bad = parseClientMessage(JSON.stringify({ ...validClient.accept, id: 'req-9', callId: 'x' }));
    assert.ok(!bad.ok && bad.id === 'req-9');
    for (const id of ['', 'x'.repeat(65), 5]) {
      const r = parseClientMessage(JSON.stringify({ ...validClient.accept, id, callId: 'x' }));
      assert.ok(!r.ok && r.id === undefined, JSON.stringify(r));
    }
  });

  it('keeps error texts short even when the input quotes huge values', () => {
    const huge = 'k'.repeat(20000);
    for (const raw of [JSON.stringify({ ...validClient.invite, mediaType: huge }), JSON.stringify({ ...validClient.profile, [huge]: 1 })]) {
      const r = parseClientMessage(raw);
      assert.ok(!r.ok);
      const answer = encode<ServerMessage>({ type: 'error', code: r.code, message: r.message, field: r.field, ref: r.id });
      assert.ok(parseServerMessage(answer).ok, answer.slice(0, 300));
    }
  });
});

describe('protocol: server messages', () => {
  it('has one valid example for every type, each round-trips through encode', () => {
    for (const example of Object.values(validServer)) {
      const result = parseServerMessage(JSON.stringify(example));
      assert.ok(result.ok, `${JSON.stringify(example)}: ${JSON.stringify(result)}`);
      assert.deepEqual(result.message, example);
      const { v: _v, ...rest } = example;
      assert.deepEqual(JSON.parse(encode<ServerMessage>(rest as never)), example);
    }
  });

  it('rejects invalid server messages', () => {
    const bad = (raw: unknown, field?: string) => {
      const r = parseServerMessage(JSON.stringify(raw));
      assert.ok(!r.ok, JSON.stringify(raw));
      if (field !== undefined) assert.equal(r.field, field);
    };
    bad({ ...validServer['call-ended'], reason: 'whatever' }, 'reason');
    bad({ ...validServer['member-state'], member: { userId: 'bob', state: 'invited' } }, 'member.state');
    bad({ ...validServer.error, code: 'nope' }, 'code');
    bad({ ...validServer.error, message: 'x'.repeat(1025) }, 'message');
    bad({ ...validServer.relay, from: 'a b' }, 'from');
    bad({ ...validServer.ok, ref: '' }, 'ref');
    bad({ ...validServer['invite-ok'], extra: true }, 'extra');
  });
});
