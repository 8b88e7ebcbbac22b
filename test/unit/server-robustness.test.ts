import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { startSignalingServer } from '../../server/index.js';
import type { SignalingServerOptions } from '../../server/index.js';
import { MAX_FRAME_BYTES } from '../../src/protocol/messages.js';
import { TestClient, TEST_SDK_APP_ID, TEST_SERVER, recordingLogger, sigFor, waitUntil } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';

type Started = Awaited<ReturnType<typeof startSignalingServer>>;

const OTHER_CALL = 'ZZZZZZZZZZZZZZZZZZZZZZ';
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 00:11\r\n';

let server: Started | undefined;
let clients: TestClient[] = [];
let logger = recordingLogger();

async function start(options: Partial<SignalingServerOptions> = {}): Promise<Started> {
  logger = recordingLogger();
  server = await startSignalingServer({
    port: 0,
    ...TEST_SERVER,
    logger,
    rateLimits: { connectionBurst: 100 },
    ...options,
  });
  return server;
}

async function socket(label: string): Promise<TestClient> {
  assert.ok(server);
  const c = await TestClient.connect(server.url, label);
  clients.push(c);
  return c;
}

async function user(userId: string): Promise<TestClient> {
  const c = await socket(userId);
  await c.login(userId);
  return c;
}

async function settled(): Promise<void> {
  const s = server;
  assert.ok(s);
  await waitUntil(() => s.stats().calls === 0 && s.stats().timers === 0, `calls 0 and timers 0 (${JSON.stringify(s.stats())})`);
}

afterEach(async () => {
  for (const c of clients) {
    assert.deepEqual(c.invalid, [], `${c.label} received frames outside the protocol`);
    c.close();
  }
  clients = [];
  await server?.close();
  server = undefined;
  // No exception ever escaped a handler.
  assert.deepEqual(
    logger.lines.filter((l) => l.level === 'error'),
    [],
  );
});

/** Expects `error {code}` as the next message, then returns it. */
async function nextError(c: TestClient, code: string, field?: string): Promise<Msg<'error'>> {
  const m = await c.next();
  assert.equal(m.type, 'error', JSON.stringify(m));
  const e = m as Msg<'error'>;
  assert.equal(e.code, code, JSON.stringify(e));
  if (field !== undefined) assert.equal(e.field, field, JSON.stringify(e));
  return e;
}

describe('signaling server: bad input beside an honest call', () => {
  it('answers every abuse with a typed error, and the honest A-B call completes normally', async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const callId = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'video' })) as Msg<'invite-ok'>;
    await bob.waitForType('incoming');
    assert.equal((await bob.ask({ type: 'accept', callId: callId.callId })).type, 'call-started');
    await alice.waitForType('member-state');
    const honest = callId.callId;

    const mallory = await user('mallory');
    // 1. Not JSON; a binary frame.
    mallory.send('{"v":1,');
    await nextError(mallory, 'invalid-json');
    mallory.send(Buffer.from(JSON.stringify({ v: 1, type: 'profile' })));
    await nextError(mallory, 'invalid-json');
    // 2. JSON but not an object.
    for (const raw of ['[1,2]', 'null', '42', '"hi"']) {
      mallory.send(raw);
      await nextError(mallory, 'invalid-message');
    }
    // 3. Unknown or missing type; the request id is echoed.
    mallory.send({ v: 1, id: 'q1', type: 'offer', sdp: SDP });
    assert.equal((await nextError(mallory, 'unknown-type', 'type')).ref, 'q1');
    mallory.send({ v: 1, id: 'q2' });
    assert.equal((await nextError(mallory, 'unknown-type')).ref, 'q2');
    // 4. Wrong field type, extra properties, __proto__, deep nesting, wrong version.
    await mallory.askError({ type: 'invite', to: 'bob', mediaType: 'video' }, 'invalid-field');
    await mallory.askError({ type: 'hangup', callId: honest, admin: true }, 'invalid-field');
    mallory.send(`{"v":1,"id":"q3","type":"hangup","callId":"${honest}","__proto__":{"admin":true}}`);
    assert.equal((await nextError(mallory, 'invalid-field', '__proto__')).ref, 'q3');
    mallory.send(`{"v":1,"type":"profile","name":${'['.repeat(50)}${']'.repeat(50)}}`);
    await nextError(mallory, 'invalid-message');
    await mallory.askError({ v: 2, type: 'profile' }, 'invalid-field');
    // Over-long values: the error stays small (the helper checks every frame against the schema).
    const long = await mallory.askError({ type: 'invite', to: ['bob'], mediaType: 'x'.repeat(50_000) }, 'invalid-field');
    assert.ok(long.message.length <= 1024);
    // 5. A forged `from` is impossible: refused by the schema.
    const forged = await mallory.askError(
      { type: 'relay', callId: honest, to: 'alice', from: 'bob', data: { kind: 'description', description: { type: 'offer', sdp: SDP } } },
      'invalid-field',
    );
    assert.equal(forged.field, 'from');
    // 6. Acting on someone else's call: the same call-not-found as for a call that does not exist.
    const relayIn = await mallory.askError(
      { type: 'relay', callId: honest, to: 'alice', data: { kind: 'candidate', candidate: null } },
      'call-not-found',
    );
    const relayNone = await mallory.askError(
      { type: 'relay', callId: OTHER_CALL, to: 'alice', data: { kind: 'candidate', candidate: null } },
      'call-not-found',
    );
    assert.deepEqual({ ...relayIn, ref: undefined }, { ...relayNone, ref: undefined });
    for (const type of ['accept', 'reject', 'hangup', 'cancel']) {
      const a = await mallory.askError({ type, callId: honest }, 'call-not-found');
      const b = await mallory.askError({ type, callId: OTHER_CALL }, 'call-not-found');
      assert.deepEqual({ ...a, ref: undefined }, { ...b, ref: undefined });
    }
    await mallory.askError({ type: 'media-state', callId: honest, audio: true, video: true }, 'call-not-found');
    // Inviting a busy member does not disturb the call.
    const busy = (await mallory.ask({ type: 'invite', to: ['alice'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    assert.equal(busy.type, 'invite-ok');
    await mallory.waitForType('call-ended', (m) => m.callId === busy.callId && m.reason === 'busy');
    // 7. A second login on the same socket.
    await mallory.askError({ type: 'login', sdkAppId: TEST_SDK_APP_ID, userId: 'alice', userSig: sigFor('alice') }, 'already-logged-in');

    // 8. Abuse inside mallory's own call with trudy.
    const trudy = await user('trudy');
    const own = (await mallory.ask({ type: 'invite', to: ['trudy'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    await trudy.waitForType('incoming');
    await mallory.askError({ type: 'relay', callId: own.callId, to: 'trudy', data: { kind: 'candidate', candidate: null } }, 'not-in-call'); // still ringing
    assert.equal((await trudy.ask({ type: 'accept', callId: own.callId })).type, 'call-started');
    await mallory.waitForType('member-state');
    await trudy.askError({ type: 'accept', callId: own.callId }, 'already-answered');
    await trudy.askError({ type: 'reject', callId: own.callId }, 'invalid-state');
    await mallory.askError({ type: 'accept', callId: own.callId }, 'invalid-state');
    const outsider = await mallory.askError(
      { type: 'relay', callId: own.callId, to: 'alice', data: { kind: 'candidate', candidate: null } },
      'not-in-call',
    );
    assert.equal(outsider.field, 'to');
    await mallory.askError(
      { type: 'relay', callId: own.callId, to: 'mallory', data: { kind: 'candidate', candidate: null } },
      'invalid-field',
    );
    // A member of one call cannot reach into another.
    await trudy.askError({ type: 'relay', callId: honest, to: 'alice', data: { kind: 'candidate', candidate: null } }, 'call-not-found');
    assert.equal((await mallory.ask({ type: 'hangup', callId: own.callId })).type, 'ok');
    await trudy.waitForType('call-ended', (m) => m.reason === 'hangup');
    await mallory.askError({ type: 'hangup', callId: own.callId }, 'call-not-found');
    // Reject after cancel.
    const again = (await mallory.ask({ type: 'invite', to: ['trudy'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    await trudy.waitForType('incoming', (m) => m.callId === again.callId);
    assert.equal((await mallory.ask({ type: 'cancel', callId: again.callId })).type, 'ok');
    await trudy.waitForType('call-ended', (m) => m.reason === 'cancelled');
    await trudy.askError({ type: 'reject', callId: again.callId }, 'call-not-found');
    await trudy.askError({ type: 'accept', callId: again.callId }, 'call-not-found');

    // 9. An oversize frame closes that socket with 1009; the server stays up.
    const big = await user('big');
    big.send(JSON.stringify({ v: 1, type: 'profile', name: 'x'.repeat(MAX_FRAME_BYTES) }));
    assert.equal((await big.waitClose()).code, 1009);
    // Invalid UTF-8 in a text frame: ws closes with 1007.
    const utf = await user('utf');
    utf.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    assert.equal((await utf.waitClose()).code, 1007);

    // 10. Not logged in / bad logins: an error, then close 4401.
    const early = await socket('early');
    early.send({ v: 1, id: 'e1', type: 'invite', to: ['bob'], mediaType: 'audio' });
    assert.equal((await nextError(early, 'not-logged-in')).ref, 'e1');
    assert.equal((await early.waitClose()).code, 4401);
    const garbageFirst = await socket('garbage-first');
    garbageFirst.send('garbage');
    await nextError(garbageFirst, 'invalid-json');
    assert.equal((await garbageFirst.waitClose()).code, 4401);
    const now = Date.now();
    for (const [label, userId, userSig, sdkAppId] of [
      ['forged', 'eve', sigFor('eve', { secret: 'an-entirely-different-secret-of-enough-length' }), TEST_SDK_APP_ID],
      ['expired', 'eve', sigFor('eve', { expireSeconds: 10, now: now - 60_000 }), TEST_SDK_APP_ID],
      ['other-user', 'alice', sigFor('eve'), TEST_SDK_APP_ID],
      ['wrong-app-sig', 'eve', sigFor('eve', { sdkAppId: TEST_SDK_APP_ID + 1 }), TEST_SDK_APP_ID],
      ['wrong-app-login', 'eve', sigFor('eve'), TEST_SDK_APP_ID + 1],
      ['garbage-sig', 'eve', 'eJxgarbage***', TEST_SDK_APP_ID],
    ] as const) {
      const c = await socket(label);
      const err = await c.askError({ type: 'login', sdkAppId, userId, userSig }, 'auth-failed');
      assert.ok(err.message.length < 200);
      assert.equal((await c.waitClose()).code, 4401, label);
    }
    // The impersonation attempt did not disturb alice.
    await alice.expectNothingPending();
    await bob.expectNothingPending();

    // 11. Three invalid frames in 10 s close the socket with 4400.
    const noisy = await user('noisy');
    for (let i = 0; i < 3; i++) noisy.send('not json');
    assert.equal((await noisy.waitClose()).code, 4400);

    // The honest call still works end to end.
    alice.send({ v: 1, type: 'relay', callId: honest, to: 'bob', data: { kind: 'description', description: { type: 'offer', sdp: SDP } } });
    const offer = (await bob.next()) as Msg<'relay'>;
    assert.equal(offer.type, 'relay');
    assert.equal(offer.from, 'alice');
    bob.send({
      v: 1,
      type: 'relay',
      callId: honest,
      to: 'alice',
      data: { kind: 'description', description: { type: 'answer', sdp: SDP } },
    });
    assert.equal(((await alice.next()) as Msg<'relay'>).from, 'bob');
    bob.send({ v: 1, type: 'media-state', callId: honest, audio: false, video: true });
    assert.equal((await alice.next()).type, 'media-state');
    assert.equal((await alice.ask({ type: 'hangup', callId: honest })).type, 'ok');
    assert.deepEqual(await bob.next(), { v: 1, type: 'member-state', callId: honest, member: { userId: 'alice', state: 'left' } });
    assert.deepEqual(await bob.next(), { v: 1, type: 'call-ended', callId: honest, reason: 'hangup' });
    await settled();
  });

  it('closes a socket that never logs in (login timeout, 4401)', async () => {
    const s = await start({ loginTimeoutMs: 150 });
    const lazy = await socket('lazy');
    assert.equal(s.stats().timers, 1);
    const started = Date.now();
    assert.equal((await lazy.waitClose()).code, 4401);
    assert.ok(Date.now() - started >= 100);
    await waitUntil(() => s.stats().sockets === 0 && s.stats().timers === 0, 'the socket and its timer to go');
  });

  it('terminates a socket that stops answering pings; its call ends for the peer', async () => {
    // The grace (counted from the last pong) is shorter than the silence: the member leaves at once.
    const s = await start({ pingIntervalMs: 30, pingTimeoutMs: 150, graceMs: 100 });
    const alice = await user('alice');
    const zombie = await TestClient.connect(s.url, 'zombie', { autoPong: false });
    clients.push(zombie);
    await zombie.login('zombie');
    const ok = (await zombie.ask({ type: 'invite', to: ['alice'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    await alice.waitForType('incoming');
    assert.equal((await alice.ask({ type: 'accept', callId: ok.callId })).type, 'call-started');
    // zombie answers nothing from now on (no pongs, no messages).
    await alice.waitForType('member-state', (m) => m.member.userId === 'zombie' && m.member.state === 'left', 2000);
    assert.deepEqual(await alice.next(), { v: 1, type: 'call-ended', callId: ok.callId, reason: 'disconnected' });
    assert.ok((await zombie.waitClose()).code === 1006);
    // alice answers pings and stays.
    await alice.sync();
    assert.equal(s.stats().sockets, 1);
    await settled();
  });

  it('rate limits: a flood gets rate-limited (once a second), invites are capped per user, upgrades per IP', async () => {
    const s = await start({
      rateLimits: { messagesPerSecond: 20, messageBurst: 40, invitesPerMinute: 3, connectionsPerSecond: 5, connectionBurst: 10 },
    });
    const flood = await user('flood');
    for (let i = 0; i < 100; i++) flood.send({ v: 1, id: `f${i}`, type: 'profile' });
    await flood.waitForType('error', (m) => m.code === 'rate-limited');
    // The burst (40, one spent on login) answered ok, one rate-limited answer, the rest dropped silently.
    // (answers keep their order, so the oks for the burst arrived before the error)
    const oks = flood.received.filter((m) => m.type === 'ok').length;
    assert.ok(oks >= 39 && oks < 60, `${oks} answered`);
    assert.equal(flood.received.filter((m) => m.type === 'error').length, 1);
    assert.equal(flood.closeInfo, undefined);

    const caller = await user('caller');
    for (let i = 0; i < 3; i++) {
      const ok = (await caller.ask({ type: 'invite', to: ['ghost'], mediaType: 'audio' })) as Msg<'invite-ok'>;
      assert.equal(ok.type, 'invite-ok');
      await caller.waitForType('call-ended', (m) => m.callId === ok.callId);
    }
    await caller.askError({ type: 'invite', to: ['ghost'], mediaType: 'audio' }, 'rate-limited');

    // 10 upgrades a burst from one IP (the 2 used above were given back when they logged in), then 429.
    const results = await Promise.allSettled(Array.from({ length: 14 }, (_, i) => TestClient.connect(s.url, `c${i}`)));
    for (const r of results) if (r.status === 'fulfilled') clients.push(r.value);
    const refused = results.filter((r) => r.status === 'rejected');
    assert.ok(refused.length >= 3, `${refused.length} refused`);
    assert.ok(refused.every((r) => r.status === 'rejected' && (r.reason as { statusCode?: number }).statusCode === 429));
    for (const r of results) if (r.status === 'fulfilled') r.value.close();
    await settled(); // their login timers are gone with them
  });

  it('refuses malformed upgrade requests with 400 and stays up', async () => {
    const s = await start();
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const sock = netConnect(s.port, '127.0.0.1', () => sock.write(request));
        let data = '';
        sock.on('data', (d) => (data += d));
        sock.on('close', () => resolve(data));
        sock.on('error', reject);
      });
    const badKey = await raw(
      'GET /ck HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: nope\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    assert.match(badKey, /^HTTP\/1\.1 400/);
    const badVersion = await raw(
      'GET /ck HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n\r\n',
    );
    assert.match(badVersion, /^HTTP\/1\.1 400/);
    // CVE-2024-37890: an upgrade with more headers than the http server's maxHeadersCount.
    const many = Array.from({ length: 2100 }, (_, i) => `X-H${i}: ${i}\r\n`).join('');
    const flooded = await raw(
      `GET /ck HTTP/1.1\r\nHost: localhost\r\n${many}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    assert.match(flooded, /^HTTP\/1\.1 (400|431)/);
    const ok = await user('after');
    await ok.sync();
  });
});
