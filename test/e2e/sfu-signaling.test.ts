/**
 * The signaling server's SFU wiring against a real Janus, with protocol clients (no browser): which
 * calls go through the SFU (`always`, `auto` at the 4th member, `never`, no Janus), who may send
 * `sfu` messages (and choose a simulcast layer of whom), and a Janus crash ending the calls through it with a clear reason.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JanusInstance } from '../../server/sfu/janus-process.js';
import { startTestJanus } from '../helpers/janus.js';
import { ServerHarness } from '../helpers/server-harness.js';
import type { TestClient } from '../helpers/ws-client.js';

const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 00:11\r\n';

let janus: JanusInstance;
before(async () => {
  janus = await startTestJanus();
});
after(async () => {
  await janus?.stop();
});

const h = new ServerHarness();
afterEach(() => h.stop());

/** `caller` invites `others`; each accepts; returns the call id. */
async function groupCall(caller: TestClient, others: TestClient[], mediaType: 'audio' | 'video' = 'video'): Promise<string> {
  const id = caller.request({ type: 'invite', to: others.map((o) => o.userId), mediaType });
  const ok = await caller.waitForType('invite-ok', (m) => m.ref === id);
  return ok.callId;
}

describe('SFU signaling (real Janus, protocol clients)', { timeout: 120_000 }, () => {
  test('auto: mesh up to 3 video members; the 4th member moves everyone to the SFU; outsiders are refused', async () => {
    await h.start({ sfu: 'auto', janus: { url: janus.url } });
    const [ann, bob, cat, dan, eve] = await Promise.all(['ann', 'bob', 'cat', 'dan', 'eve'].map((u) => h.user(u)));
    const callId = await groupCall(ann, [bob, cat, dan]);
    for (const c of [bob, cat]) {
      await c.waitForType('incoming', (m) => m.callId === callId);
      c.request({ type: 'accept', callId });
      const started = await c.waitForType('call-started', (m) => m.callId === callId);
      assert.equal(started.sfu, undefined, `${c.userId}: 3 members stay mesh`);
    }
    await dan.waitForType('incoming', (m) => m.callId === callId);
    dan.request({ type: 'accept', callId });
    const started = await dan.waitForType('call-started', (m) => m.callId === callId);
    assert.equal(started.sfu, true, 'the 4th member starts on the SFU');
    for (const c of [ann, bob, cat]) {
      const start = await c.waitForType('sfu', (m) => m.callId === callId, 10_000);
      assert.deepEqual(start.data, { kind: 'start' });
    }
    // Someone who is not in the call is refused as for relay (no probing of call ids).
    const ref = eve.request({ type: 'sfu', callId, data: { kind: 'publish', description: { type: 'offer', sdp: SDP } } });
    const refused = await eve.waitForType('error', (m) => m.ref === ref);
    assert.equal(refused.code, 'call-not-found');
    // A publish the media server cannot use is answered with an error, and the call goes on.
    const bad = ann.request({ type: 'sfu', callId, data: { kind: 'publish', description: { type: 'offer', sdp: SDP } } });
    assert.equal((await ann.waitForType('error', (m) => m.ref === bad, 20_000)).code, 'internal');
    for (const c of [ann, bob, cat, dan]) c.request({ type: 'hangup', callId });
    await h.settled();
  });

  test('auto: an audio call stays mesh with 4 members; always: a 1v1 call goes through the SFU', async () => {
    await h.start({ sfu: 'auto', janus: { url: janus.url } });
    const [ann, bob, cat, dan] = await Promise.all(['ann', 'bob', 'cat', 'dan'].map((u) => h.user(u)));
    const callId = await groupCall(ann, [bob, cat, dan], 'audio');
    for (const c of [bob, cat, dan]) {
      await c.waitForType('incoming', (m) => m.callId === callId);
      c.request({ type: 'accept', callId });
      assert.equal((await c.waitForType('call-started', (m) => m.callId === callId)).sfu, undefined);
    }
    for (const c of [ann, bob, cat, dan]) c.request({ type: 'hangup', callId });
    await h.settled();
    await h.stop();

    await h.start({ sfu: 'always', janus: { url: janus.url } });
    const [amy, ben] = await Promise.all(['amy', 'ben'].map((u) => h.user(u)));
    const id = amy.request({ type: 'invite', to: ['ben'], mediaType: 'video' });
    const ok = await amy.waitForType('invite-ok', (m) => m.ref === id);
    assert.equal(ok.sfu, true);
    await ben.waitForType('incoming', (m) => m.callId === ok.callId);
    ben.request({ type: 'accept', callId: ok.callId });
    assert.equal((await ben.waitForType('call-started', (m) => m.callId === ok.callId)).sfu, true);
    // Simulcast layer choice: only for another accepted member, substream 0 or 1.
    const fine = amy.request({ type: 'sfu', callId: ok.callId, data: { kind: 'layer', userId: 'ben', substream: 0 } });
    for (const userId of ['zed', 'amy']) {
      const ref = amy.request({ type: 'sfu', callId: ok.callId, data: { kind: 'layer', userId, substream: 1 } });
      const refused = await amy.waitForType('error', (m) => m.ref === ref);
      assert.deepEqual([refused.code, refused.field], ['not-in-call', 'userId'], userId);
    }
    const bad = amy.request({ type: 'sfu', callId: ok.callId, data: { kind: 'layer', userId: 'ben', substream: 2 } } as never);
    assert.equal((await amy.waitForType('error', (m) => m.ref === bad)).code, 'invalid-field');
    amy.request({ type: 'hangup', callId: ok.callId });
    await h.settled();
    assert.equal(amy.received.filter((m) => m.type === 'error' && m.ref === fine).length, 0, 'a layer for a member is accepted');
  });

  test('without Janus (or with sfu never) login-ok says no SFU and sfu messages are not supported', async () => {
    for (const options of [{}, { sfu: 'never' as const, janus: { url: janus.url } }]) {
      await h.start(options);
      const ann = await h.user('ann');
      const loginOk = ann.received.find((m) => m.type === 'login-ok');
      assert.equal(loginOk?.type === 'login-ok' && loginOk.sfu, false);
      const ref = ann.request({ type: 'sfu', callId: 'AbCdEfGhIjKlMnOpQrStUv', data: { kind: 'candidate', pc: 'pub', candidate: null } });
      assert.equal((await ann.waitForType('error', (m) => m.ref === ref)).code, 'not-supported');
      await h.stop();
    }
  });

  test('an unreachable Janus: one warning, calls are mesh', async () => {
    const lines: string[] = [];
    const logger = { info: () => undefined, warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    await h.start({ sfu: 'always', janus: { url: 'ws://127.0.0.1:9' }, logger });
    const ann = await h.user('ann');
    const loginOk = ann.received.find((m) => m.type === 'login-ok');
    assert.equal(loginOk?.type === 'login-ok' && loginOk.sfu, false);
    assert.equal(lines.filter((l) => l.includes('SFU unavailable')).length, 1, lines.join('\n'));
  });

  test('a Janus crash mid-call ends the calls through it with reason ended and a message', async () => {
    const own = await startTestJanus();
    try {
      await h.start({ sfu: 'always', janus: { url: own.url } });
      const [ann, bob] = await Promise.all(['ann', 'bob'].map((u) => h.user(u)));
      const callId = await groupCall(ann, [bob]);
      await bob.waitForType('incoming', (m) => m.callId === callId);
      bob.request({ type: 'accept', callId });
      await bob.waitForType('call-started', (m) => m.callId === callId);
      await own.stop();
      for (const c of [ann, bob]) {
        const ended = await c.waitForType('call-ended', (m) => m.callId === callId, 30_000);
        assert.equal(ended.reason, 'ended');
        assert.match(ended.message ?? '', /media server/);
      }
      await h.settled();
      // Later calls are mesh.
      const later = await h.user('cat');
      const loginOk = later.received.find((m) => m.type === 'login-ok');
      assert.equal(loginOk?.type === 'login-ok' && loginOk.sfu, false);
    } finally {
      await own.stop();
    }
  });
});
