/**
 * Surviving the network on the server side (reliability R3, R4, R8, R9): the grace period of a lost
 * call socket, `resume` re-binding a call to a new socket, `call-not-found` for a call the server
 * does not know (e.g. after a restart), the ping-timeout drop of a silent client, and crossed
 * invites (glare) at scale. Timers are scaled down through the server options.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli } from '../../server/cli.js';
import { TestClient, waitUntil } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';
import { ServerHarness } from '../helpers/server-harness.js';

const SDP_OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 00:11\r\n';

const h = new ServerHarness();
afterEach(() => h.stop());

const start = h.start;
const user = h.user;
const settled = h.settled;

/** A calls B and B accepts: returns the call id. */
async function connect(a: TestClient, b: TestClient): Promise<string> {
  const ok = (await a.ask({ type: 'invite', to: [b.userId], mediaType: 'video' })) as Msg<'invite-ok'>;
  assert.equal(ok.type, 'invite-ok', JSON.stringify(ok));
  await b.waitForType('incoming', (m) => m.callId === ok.callId);
  const started = (await b.ask({ type: 'accept', callId: ok.callId })) as Msg<'call-started'>;
  assert.equal(started.type, 'call-started');
  tokens.set(ok.callId, started.resumeToken ?? '');
  await a.waitForType('member-state', (m) => m.callId === ok.callId && m.member.state === 'accepted');
  return ok.callId;
}

/** The callee's resume token per call (`resume` must present it). */
const tokens = new Map<string, string>();

describe('signaling server: grace period and resume', () => {
  it('a lost call socket keeps its place for the grace period, then leaves (disconnected)', async () => {
    const graceMs = 400;
    const s = await start({ graceMs });
    const alice = await user('alice');
    const bob = await user('bob');
    const callId = await connect(alice, bob);
    const lostAt = Date.now();
    bob.terminate();
    await waitUntil(() => s.stats().sockets === 1, 'bob socket gone');
    // During the grace: nothing for alice, the call is alive, one timer (the grace).
    await alice.expectNothingPending();
    assert.equal(s.stats().calls, 1);
    assert.equal(s.stats().timers, 1);
    assert.deepEqual(await alice.next(2000), { v: 1, type: 'member-state', callId, member: { userId: 'bob', state: 'left' } });
    const elapsed = Date.now() - lostAt;
    assert.deepEqual(await alice.next(), { v: 1, type: 'call-ended', callId, reason: 'disconnected' });
    assert.ok(elapsed >= graceMs - 20 && elapsed < graceMs + 500, `left after ${elapsed} ms (grace ${graceMs})`);
    await settled();
    await waitUntil(() => s.stats().users === 1, 'bob offline');
  });

  it('resume re-binds the call to the new socket: relays reach it, hangup works, nothing sent to the others', async () => {
    const s = await start({ graceMs: 5000 });
    const alice = await user('alice');
    const bob = await user('bob');
    const callId = await connect(alice, bob);
    bob.terminate();
    await waitUntil(() => s.stats().sockets === 1, 'bob socket gone');
    // While bob is away, a relay to him is answered not-in-call (alice's engine ignores it).
    await alice.askError({ type: 'relay', callId, to: 'bob', data: { kind: 'candidate', candidate: null } }, 'not-in-call');
    const bob2 = await user('bob');
    const resumedAt = Date.now();
    const resumed = (await bob2.ask({ type: 'resume', callId, resumeToken: tokens.get(callId) })) as Msg<'resumed'>;
    assert.equal(resumed.type, 'resumed', JSON.stringify(resumed));
    assert.ok(Date.now() - resumedAt < 200);
    assert.equal(resumed.callId, callId);
    assert.equal(resumed.mediaType, 'video');
    assert.deepEqual(
      resumed.members.map((m) => [m.userId, m.state]),
      [
        ['alice', 'accepted'],
        ['bob', 'accepted'],
      ],
    );
    assert.equal(s.stats().timers, 0, 'the grace timer is cleared');
    await alice.expectNothingPending();
    alice.send({ v: 1, type: 'relay', callId, to: 'bob', data: { kind: 'description', description: { type: 'offer', sdp: SDP_OFFER } } });
    const relay = await bob2.waitForType('relay');
    assert.equal(relay.from, 'alice');
    assert.equal((await bob2.ask({ type: 'hangup', callId })).type, 'ok');
    assert.deepEqual(await alice.next(), { v: 1, type: 'member-state', callId, member: { userId: 'bob', state: 'left' } });
    assert.deepEqual(await alice.next(), { v: 1, type: 'call-ended', callId, reason: 'hangup' });
    await settled();
  });

  it('resume from a new socket while the old one is still open (half-open) takes the call over', async () => {
    const s = await start({ graceMs: 5000 });
    const alice = await user('alice');
    const bob = await user('bob');
    const callId = await connect(alice, bob);
    const bob2 = await user('bob');
    assert.equal((await bob2.ask({ type: 'resume', callId, resumeToken: tokens.get(callId) })).type, 'resumed');
    // The old socket is told it lost the call.
    await bob.waitForType('call-ended', (m) => m.callId === callId && m.reason === 'answered-elsewhere');
    // The old socket can no longer act on the call, and its close changes nothing.
    await bob.askError({ type: 'hangup', callId }, 'call-not-found');
    bob.terminate();
    await waitUntil(() => s.stats().sockets === 2, 'old bob socket gone');
    await alice.expectNothingPending();
    assert.equal(s.stats().timers, 0);
    assert.equal((await alice.ask({ type: 'hangup', callId })).type, 'ok');
    assert.deepEqual(await bob2.next(), { v: 1, type: 'member-state', callId, member: { userId: 'alice', state: 'left' } });
    assert.deepEqual(await bob2.next(), { v: 1, type: 'call-ended', callId, reason: 'hangup' });
    await settled();
  });

  it('resume of an unknown call, by a non-member, or after the grace is call-not-found', async () => {
    const s = await start({ graceMs: 150 });
    const alice = await user('alice');
    const bob = await user('bob');
    const mallory = await user('mallory');
    // Unknown call (what a restarted server answers).
    await alice.askError({ type: 'resume', callId: 'AAAAAAAAAAAAAAAAAAAAAA' }, 'call-not-found');
    const callId = await connect(alice, bob);
    await mallory.askError({ type: 'resume', callId }, 'call-not-found');
    bob.terminate();
    await alice.waitForType('call-ended', (m) => m.callId === callId && m.reason === 'disconnected', 2000);
    const bob2 = await user('bob');
    await bob2.askError({ type: 'resume', callId, resumeToken: tokens.get(callId) }, 'call-not-found');
    await settled();
    assert.equal(s.stats().calls, 0);
  });

  it('a dialing caller that loses its socket cancels at once (no grace before anyone accepted)', async () => {
    await start({ graceMs: 5000 });
    const alice = await user('alice');
    const bob = await user('bob');
    const ok = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    await bob.waitForType('incoming');
    alice.terminate();
    assert.deepEqual(await bob.next(), { v: 1, type: 'call-ended', callId: ok.callId, reason: 'cancelled' });
    await settled();
  });

  it('a client that stops answering pings is dropped; the grace counts from its last pong (crashed tab)', async () => {
    const pingTimeoutMs = 300;
    const graceMs = 600;
    const s = await start({ pingIntervalMs: 50, pingTimeoutMs, graceMs });
    const alice = await user('alice');
    const zombie = await TestClient.connect(s.url, 'zombie', { autoPong: false });
    h.track(zombie);
    await zombie.login('zombie');
    const ok = (await zombie.ask({ type: 'invite', to: ['alice'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    await alice.waitForType('incoming');
    assert.equal((await alice.ask({ type: 'accept', callId: ok.callId })).type, 'call-started');
    const lastHeard = Date.now(); // the zombie sends nothing from now on
    assert.equal((await zombie.waitClose(2000)).code, 1006, 'terminated by the ping timeout');
    const droppedAfter = Date.now() - lastHeard;
    await alice.waitForType('member-state', (m) => m.member.userId === 'zombie' && m.member.state === 'left', 3000);
    const leftAfter = Date.now() - lastHeard;
    assert.deepEqual(await alice.next(), { v: 1, type: 'call-ended', callId: ok.callId, reason: 'disconnected' });
    assert.ok(droppedAfter >= pingTimeoutMs - 20 && droppedAfter < pingTimeoutMs + 300, `dropped after ${droppedAfter} ms`);
    // The member leaves `graceMs` after it went silent (not pingTimeout + grace).
    assert.ok(leftAfter >= graceMs - 20 && leftAfter < graceMs + 350, `left after ${leftAfter} ms`);
    await settled();
    await waitUntil(() => s.stats().sockets === 1 && s.stats().users === 1, 'only alice left');
  });
});

describe('callkit-server --grace', () => {
  it('sets the grace period in seconds, refuses nonsense', () => {
    const parsed = parseCli(['--dev', '--grace', '5'], {});
    assert.equal(parsed.help, false);
    assert.equal(parsed.help === false && parsed.options.graceMs, 5000);
    assert.throws(() => parseCli(['--dev', '--grace', '-1'], {}), /--grace/);
    assert.throws(() => parseCli(['--dev', '--grace', 'x'], {}), /--grace/);
  });
});

describe('signaling server: crossed invites at scale (R9)', () => {
  it('N pairs invite each other at (nearly) the same moment: each pair ends with exactly one call', async () => {
    const N = 100;
    const s = await start({ rateLimits: false });
    const pairs: { a: TestClient; b: TestClient }[] = [];
    for (let i = 0; i < N; i++) pairs.push({ a: await user(`a${i}`), b: await user(`b${i}`) });
    const started = Date.now();
    await Promise.all(
      pairs.map(async ({ a, b }) => {
        const offset = Math.floor(Math.random() * 50);
        const first = Math.random() < 0.5 ? a : b;
        const second = first === a ? b : a;
        const idFirst = first.request({ type: 'invite', to: [second.userId], mediaType: 'audio' });
        if (offset) await new Promise((r) => setTimeout(r, offset));
        const idSecond = second.request({ type: 'invite', to: [first.userId], mediaType: 'audio' });
        const answers = new Map([
          [first, await first.reply(idFirst)],
          [second, await second.reply(idSecond)],
        ]);
        // 'a…' < 'b…': a's call is the one that survives, whatever the order.
        const aAnswer = answers.get(a);
        assert.equal(aAnswer?.type, 'invite-ok', JSON.stringify(aAnswer));
        const callId = (aAnswer as Msg<'invite-ok'>).callId;
        const bAnswer = answers.get(b);
        if (bAnswer?.type === 'invite-ok') {
          // b's invite came first and lost afterwards: it ended with `glare` on both sides.
          await b.waitForType('call-ended', (m) => m.callId === bAnswer.callId && m.reason === 'glare');
          await a.waitForType('call-ended', (m) => m.callId === bAnswer.callId && m.reason === 'glare');
        } else {
          assert.equal(bAnswer?.type, 'error');
          assert.equal((bAnswer as Msg<'error'>).code, 'glare');
        }
        await b.waitForType('incoming', (m) => m.callId === callId);
        assert.equal((await b.ask({ type: 'accept', callId })).type, 'call-started');
        await a.waitForType('member-state', (m) => m.callId === callId && m.member.state === 'accepted');
      }),
    );
    assert.equal(s.stats().calls, N, 'exactly one call a pair');
    await Promise.all(
      pairs.map(({ a }) => a.ask({ type: 'hangup', callId: (a.received.find((m) => m.type === 'invite-ok') as Msg<'invite-ok'>).callId })),
    );
    await settled();
    assert.ok(Date.now() - started < 30_000);
  });
});
