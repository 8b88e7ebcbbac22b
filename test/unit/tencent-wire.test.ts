/**
 * The TUICallKit v2 codec (src/engine/tencent/wire.ts) against the message fixtures in
 * test/fixtures/tuicallkit-v2 (see its README for their provenance), plus round trips and
 * totality on garbage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ActionType,
  buildCallPayload,
  callCmd,
  encodeCallPayload,
  encodeSignalingEnvelope,
  isLineBusy,
  parseCallPayload,
  parseSignalingEnvelope,
  parseSignalingMessage,
  type BuildPayloadOptions,
  type ParsedCallPayload,
  type SignalingEnvelope,
} from '../../src/engine/tencent/wire.js';
import { CallMediaType } from '../../src/constants.js';

interface Fixture {
  description: string;
  source: string;
  provenance: string;
  /** Captured from the official engine (test/interop): envelope keys in the chat SDK's real order. */
  captured?: boolean;
  message: { type: string; from: string; to: string; conversationType: string; payload: { data: string } };
  build?: BuildPayloadOptions;
  expected: { envelope: SignalingEnvelope; call: ParsedCallPayload | null };
}

const dir = fileURLToPath(new URL('../fixtures/tuicallkit-v2/', import.meta.url));
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, ...(JSON.parse(readFileSync(dir + file, 'utf8')) as Fixture) }));

test("the fixture set covers web, android and iOS senders (and the official engine's own output), every action and every line-busy variant", () => {
  const platforms = new Set(fixtures.map((f) => f.expected.call?.platform).filter(Boolean));
  // 'Linux': TUICallEngine 3.3.4 sends its OS name (captured fixtures).
  assert.deepEqual([...platforms].sort(), ['Linux', 'android', 'iOS', 'web']);
  assert.ok(fixtures.filter((f) => f.captured).length >= 8, 'fixtures captured from the official engine');
  const actions = new Set(fixtures.map((f) => f.expected.envelope.actionType));
  assert.deepEqual([...actions].sort(), [1, 2, 3, 4, 5]);
  const busy = fixtures.filter((f) => f.expected.call?.lineBusy).map((f) => JSON.parse(f.expected.envelope.data));
  assert.ok(
    busy.some((p) => p.line_busy === 'line_busy'),
    "line_busy: 'line_busy'",
  );
  assert.ok(
    busy.some((p) => p.line_busy === ''),
    "line_busy: ''",
  );
  assert.ok(
    busy.some((p) => !('line_busy' in p) && p.data.message === 'lineBusy'),
    "data.message: 'lineBusy' alone",
  );
  const kinds = new Set(fixtures.map((f) => f.expected.call?.kind));
  for (const kind of ['call', 'hangup', 'switchToAudio']) assert.ok(kinds.has(kind as never), kind);
});

for (const f of fixtures) {
  test(`fixture ${f.file}: parses as expected (${f.source})`, () => {
    const parsed = parseSignalingMessage(f.message);
    assert.ok(parsed, 'a signaling message');
    assert.deepEqual(parsed.envelope, f.expected.envelope);
    assert.deepEqual(parsed.call, f.expected.call);
    // The same through the two lower-level entry points.
    assert.deepEqual(parseSignalingEnvelope(f.message.payload.data), f.expected.envelope);
    assert.deepEqual(parseCallPayload(f.expected.envelope.data), f.expected.call);
    assert.deepEqual(parseCallPayload(JSON.parse(f.expected.envelope.data)), f.expected.call, 'accepts an already parsed object');
    // The envelope round-trips through our encoder (byte for byte for the hand-written ones; the
    // chat SDK's real key order, kept in captured fixtures, differs and matters to no reader).
    if (f.captured) assert.deepEqual(JSON.parse(encodeSignalingEnvelope(f.expected.envelope)), JSON.parse(f.message.payload.data));
    else assert.equal(encodeSignalingEnvelope(f.expected.envelope), f.message.payload.data);
  });

  if (f.build) {
    test(`fixture ${f.file}: what this kit sends is exactly the fixture's payload`, () => {
      const built = encodeCallPayload(f.build as BuildPayloadOptions);
      assert.equal(built, f.expected.envelope.data, 'byte for byte, same key order');
      assert.deepEqual(buildCallPayload(f.build as BuildPayloadOptions), JSON.parse(f.expected.envelope.data));
    });
  }
}

test('round trip: every message the kit sends parses back to what was meant', () => {
  const rooms = [1, 129316570, 2147483647, 'room-a', 'ios_room_0042'];
  const cmds = ['videoCall', 'audioCall', 'hangup', 'switchToAudio'] as const;
  for (const room of rooms) {
    for (const cmd of cmds) {
      for (const mediaType of [CallMediaType.AUDIO, CallMediaType.VIDEO]) {
        for (const lineBusy of [false, true]) {
          const options: BuildPayloadOptions = {
            cmd,
            mediaType,
            room,
            inviter: 'alice',
            userIDs: ['bob', 'carol'],
            callEnd: cmd === 'hangup' ? 17 : 0,
            userData: 'x',
            lineBusy,
            excludeFromHistory: cmd === 'switchToAudio',
          };
          const parsed = parseCallPayload(encodeCallPayload(options));
          assert.ok(parsed);
          assert.equal(parsed.kind, cmd === 'hangup' ? 'hangup' : cmd === 'switchToAudio' ? 'switchToAudio' : 'call');
          assert.equal(parsed.cmd, cmd);
          assert.equal(parsed.mediaType, mediaType);
          assert.equal(parsed.room, room);
          assert.equal(parsed.inviter, 'alice');
          assert.deepEqual(parsed.userIDs, ['bob', 'carol']);
          assert.equal(parsed.callEnd, cmd === 'hangup' ? 17 : 0);
          assert.equal(parsed.lineBusy, lineBusy);
          assert.equal(parsed.platform, 'web');
          assert.equal(parsed.version, 4);
          assert.equal(parsed.userData, 'x');
        }
      }
    }
  }
});

test('the payload shape: version 4, av_call, call_type, room in both places, call_end, platform web', () => {
  const p = buildCallPayload({ cmd: callCmd(CallMediaType.AUDIO), mediaType: CallMediaType.AUDIO, room: 42, inviter: 'a', userIDs: ['b'] });
  assert.deepEqual(p, {
    version: 4,
    businessID: 'av_call',
    call_type: 1,
    room_id: 42,
    call_end: 0,
    platform: 'web',
    data: { cmd: 'audioCall', room_id: 42, str_room_id: '', inviter: 'a', userIDs: ['b'], message: '' },
  });
  assert.equal(callCmd(CallMediaType.VIDEO), 'videoCall');
  // A hangup's call_end is whole, non-negative seconds.
  assert.equal(buildCallPayload({ cmd: 'hangup', mediaType: 2, room: 1, inviter: 'a', userIDs: [], callEnd: 64.6 }).call_end, 65);
  assert.equal(buildCallPayload({ cmd: 'hangup', mediaType: 2, room: 1, inviter: 'a', userIDs: [], callEnd: -3 }).call_end, 0);
  // Our non-busy messages never carry a line_busy key (an empty one would mean busy).
  assert.equal('line_busy' in buildCallPayload({ cmd: 'videoCall', mediaType: 2, room: 1, inviter: 'a', userIDs: [] }), false);
});

test("line-busy detection: all of TUIChat's variants, and nothing else", () => {
  const base = { version: 4, businessID: 'av_call', call_type: 2, room_id: 9, data: { cmd: 'videoCall', message: '' } };
  assert.equal(isLineBusy({ ...base, line_busy: 'line_busy' }), true);
  assert.equal(isLineBusy({ ...base, line_busy: '' }), true);
  assert.equal(isLineBusy({ ...base, data: { cmd: 'videoCall', message: 'lineBusy' } }), true);
  assert.equal(isLineBusy({ ...base, data: { cmd: 'lineBusy' } }), true);
  assert.equal(isLineBusy(JSON.stringify({ ...base, line_busy: 'line_busy' })), true);
  assert.equal(isLineBusy(base), false);
  assert.equal(isLineBusy({ ...base, line_busy: 'no' }), false);
  assert.equal(isLineBusy({ ...base, line_busy: null }), false);
  assert.equal(isLineBusy({ businessID: 'other', line_busy: 'line_busy' }), false);
  assert.equal(isLineBusy('garbage'), false);
});

test('rooms: numbers, numeric strings, string rooms, the native nested form; invalid ids are no room', () => {
  const room = (outer: Record<string, unknown>) => parseCallPayload({ businessID: 'av_call', call_type: 1, ...outer })?.room;
  assert.equal(room({ room_id: 12 }), 12);
  assert.equal(room({ room_id: '12' }), 12);
  assert.equal(room({ room_id: 0, data: { cmd: 'audioCall', room_id: 0, str_room_id: 'abc' } }), 'abc');
  assert.equal(room({ room_id: 7, data: { cmd: 'audioCall', room_id: 7, str_room_id: 'abc' } }), 7, 'a number wins, as in TUICallKit');
  assert.equal(room({ room_id: { int_room_id: 0, str_room_id: 'nested' } }), 'nested');
  assert.equal(room({ room_id: { int_room_id: 99, str_room_id: '' } }), 99);
  assert.equal(room({ room_id: 'named-room' }), 'named-room');
  assert.equal(room({ room_id: 0 }), null);
  assert.equal(room({ room_id: -5 }), null);
  assert.equal(room({ room_id: 1.5 }), null);
  assert.equal(room({ room_id: 4294967295 }), null, 'beyond TRTC range');
  assert.equal(room({}), null);
});

test('mediaType from call_type (number or string), else from the cmd; unknown stays 0', () => {
  const media = (outer: Record<string, unknown>) => parseCallPayload({ businessID: 'av_call', room_id: 1, ...outer })?.mediaType;
  assert.equal(media({ call_type: 2 }), CallMediaType.VIDEO);
  assert.equal(media({ call_type: '1' }), CallMediaType.AUDIO);
  assert.equal(media({ data: { cmd: 'videoCall' } }), CallMediaType.VIDEO);
  assert.equal(media({ call_type: 9, data: { cmd: 'audioCall' } }), CallMediaType.AUDIO);
  assert.equal(media({ data: { cmd: 'hangup' } }), CallMediaType.UNKNOWN);
});

test('kinds: unknown cmds stay unknown; switchToVideo recognised; an old payload with only call_type is a call', () => {
  const kind = (outer: Record<string, unknown>) => parseCallPayload({ businessID: 'av_call', room_id: 1, ...outer })?.kind;
  assert.equal(kind({ data: { cmd: 'call_wait' } }), 'unknown');
  assert.equal(kind({ data: { cmd: 'switchToVideo' } }), 'switchToVideo');
  assert.equal(kind({ data: { cmd: 'switch_to_audio_call' } }), 'switchToAudio');
  assert.equal(kind({ call_type: 2 }), 'call');
  assert.equal(kind({ call_end: 3 }), 'hangup');
  assert.equal(kind({}), 'unknown');
});

test('parsing is total: garbage, foreign and hostile inputs give null or a typed result, never a throw', () => {
  const inputs: unknown[] = [
    undefined,
    null,
    0,
    NaN,
    true,
    '',
    ' ',
    'null',
    '[]',
    '{',
    '"av_call"',
    '{"businessID":"av_call","data":"{\\"cmd\\":\\"videoCall\\"}"}',
    '{"businessID":"av_call","data":[1,2,3],"userIDs":"bob"}',
    '{"businessID":"av_call","data":{"cmd":5,"userIDs":[1,null,"bob",{}],"inviter":7,"message":[]},"call_end":"x","version":"v"}',
    '{"businessID":"av_call","__proto__":{"polluted":true},"room_id":{"int_room_id":{}}}',
    'x'.repeat(2_000_000),
    [],
    [1, 2],
    { businessID: 1 },
    { businessID: 'av_call', data: null, room_id: Infinity, call_type: {} },
    Object.create(null),
    new Date(),
    () => 1,
    Symbol('s'),
    10n,
  ];
  for (const input of inputs) {
    assert.doesNotThrow(() => parseCallPayload(input));
    assert.doesNotThrow(() => parseSignalingEnvelope(input));
    assert.doesNotThrow(() => parseSignalingMessage(input));
    assert.doesNotThrow(() => parseSignalingMessage({ type: 'TIMCustomElem', payload: { data: input } }));
    assert.doesNotThrow(() => isLineBusy(input));
    const parsed = parseCallPayload(input);
    if (parsed) {
      assert.equal(typeof parsed.kind, 'string');
      assert.ok(Array.isArray(parsed.userIDs) && parsed.userIDs.every((id) => typeof id === 'string'));
      assert.ok(parsed.room === null || typeof parsed.room === 'number' || typeof parsed.room === 'string');
      assert.ok(Number.isFinite(parsed.callEnd));
    }
  }
  assert.equal(({} as { polluted?: boolean }).polluted, undefined, 'no prototype pollution');
  const weird = parseCallPayload(
    '{"businessID":"av_call","data":{"cmd":5,"userIDs":[1,null,"bob",{}],"inviter":7,"message":[]},"call_end":"x","version":"v"}',
  );
  assert.deepEqual(weird?.userIDs, ['bob']);
  assert.equal(weird?.inviter, null);
  assert.equal(weird?.callEnd, 0);
  assert.equal(weird?.version, 0);
});

test('envelopes: only chat signaling (businessID 1, inviteID, actionType 1..5) is accepted', () => {
  const ok = { businessID: 1, inviteID: 'i', groupID: '', inviter: 'a', inviteeList: ['b'], data: '{}', actionType: 1, timeout: 30 };
  assert.deepEqual(parseSignalingEnvelope(ok), ok);
  assert.equal(parseSignalingEnvelope({ ...ok, businessID: 2 }), null);
  assert.equal(parseSignalingEnvelope({ ...ok, inviteID: '' }), null);
  assert.equal(parseSignalingEnvelope({ ...ok, actionType: 6 }), null);
  assert.equal(parseSignalingEnvelope({ ...ok, actionType: 0 }), null);
  assert.equal(parseSignalingEnvelope({ ...ok, actionType: '3' })?.actionType, ActionType.ACCEPT);
  // Missing optional fields default; an object data is re-serialised.
  assert.deepEqual(parseSignalingEnvelope({ businessID: 1, inviteID: 'i', actionType: 2, data: { a: 1 } }), {
    businessID: 1,
    inviteID: 'i',
    groupID: '',
    inviter: '',
    inviteeList: [],
    data: '{"a":1}',
    actionType: 2,
    timeout: 0,
  });
  // Only custom messages are signaling.
  assert.equal(parseSignalingMessage({ type: 'TIMTextElem', payload: { data: JSON.stringify(ok) } }), null);
  assert.equal(parseSignalingMessage({ type: 'TIMCustomElem', payload: { data: '{"businessID":"order"}' } }), null);
});

test('initialCallId: written in data for invitations into a running call, read from data or the outer object', () => {
  const base: BuildPayloadOptions = {
    cmd: 'audioCall',
    mediaType: CallMediaType.AUDIO,
    room: 42,
    inviter: 'alice',
    userIDs: ['bob', 'carol'],
  };
  const first = JSON.parse(encodeCallPayload(base)) as { data: Record<string, unknown> };
  assert.equal('initialCallId' in first.data, false, "a call's first invitation carries none");
  assert.equal(parseCallPayload(encodeCallPayload(base))?.initialCallId, undefined);
  const later = encodeCallPayload({ ...base, initialCallId: 'call-1' });
  assert.equal((JSON.parse(later) as { data: Record<string, unknown> }).data.initialCallId, 'call-1');
  assert.equal(parseCallPayload(later)?.initialCallId, 'call-1');
  assert.equal(parseCallPayload({ businessID: 'av_call', call_type: 1, room_id: 42, initialCallId: 'outer-1' })?.initialCallId, 'outer-1');
  // Not a string, empty or absurdly long: ignored.
  for (const bad of [7, '', 'x'.repeat(129), null]) {
    assert.equal(
      parseCallPayload({ businessID: 'av_call', call_type: 1, room_id: 42, data: { cmd: 'audioCall', initialCallId: bad } })?.initialCallId,
      undefined,
    );
  }
});
