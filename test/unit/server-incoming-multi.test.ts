/**
 * Several incoming calls on the signaling server (protocol header, "Several incoming calls"):
 * `multiIncoming` (up to 3 invitations ring at once for a user in no call) and `callWaiting` (one
 * invitation rings for a user in a call), both opt-in per socket; without them the one-call rules
 * (busy at once) hold unchanged.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_CONCURRENT_INCOMING } from '../../src/constants.js';
import type { Msg, TestClient } from '../helpers/ws-client.js';
import { ServerHarness, states } from '../helpers/server-harness.js';

const h = new ServerHarness();
afterEach(() => h.stop());

const start = h.start;
async function user(userId: string, flags: { multiIncoming?: boolean; callWaiting?: boolean } = {}): Promise<TestClient> {
  const c = await h.user(userId);
  if (Object.keys(flags).length) assert.equal((await c.ask({ type: 'profile', ...flags })).type, 'ok');
  return c;
}

const settled = h.settled;

async function inviteOk(from: TestClient, to: string): Promise<Msg<'invite-ok'>> {
  const answer = await from.ask({ type: 'invite', to: [to], mediaType: 'audio' });
  assert.equal(answer.type, 'invite-ok', JSON.stringify(answer));
  return answer as Msg<'invite-ok'>;
}

describe('several incoming calls (server)', () => {
  it('multiIncoming: 3 invitations ring at once, a 4th is busy; each is answered by its callId', async () => {
    await start();
    const bob = await user('bob', { multiIncoming: true });
    const [alice, carol, dave, erin] = [await user('alice'), await user('carol'), await user('dave'), await user('erin')];
    assert.equal(MAX_CONCURRENT_INCOMING, 3);
    const a = await inviteOk(alice, 'bob');
    const c = await inviteOk(carol, 'bob');
    const d = await inviteOk(dave, 'bob');
    for (const ok of [a, c, d]) {
      assert.deepEqual(states(ok.members)['bob'], 'ringing');
      await bob.waitForType('incoming', (m) => m.callId === ok.callId);
    }
    const e = await inviteOk(erin, 'bob');
    assert.equal(states(e.members)['bob'], 'busy');
    await erin.waitForType('call-ended', (m) => m.callId === e.callId && m.reason === 'busy');

    // Accept carol's: the others keep ringing.
    assert.equal((await bob.ask({ type: 'accept', callId: c.callId })).type, 'call-started');
    await carol.waitForType('member-state', (m) => m.member.userId === 'bob' && m.member.state === 'accepted');
    // One call at a time: accepting another while in carol's is refused.
    await bob.askError({ type: 'accept', callId: d.callId }, 'already-in-call');
    // Decline alice's by its callId; dave cancels his.
    assert.equal((await bob.ask({ type: 'reject', callId: a.callId })).type, 'ok');
    await alice.waitForType('call-ended', (m) => m.callId === a.callId && m.reason === 'rejected');
    assert.equal((await dave.ask({ type: 'cancel', callId: d.callId })).type, 'ok');
    await bob.waitForType('call-ended', (m) => m.callId === d.callId && m.reason === 'cancelled');
    // Carol's call is untouched.
    assert.equal((await bob.ask({ type: 'hangup', callId: c.callId })).type, 'ok');
    await carol.waitForType('call-ended', (m) => m.callId === c.callId && m.reason === 'hangup');
    await settled();
  });

  it('without the flag (or with one old tab) a ringing user is busy, as before', async () => {
    await start();
    const bob = await user('bob', { multiIncoming: true });
    const oldTab = await user('bob'); // a second tab without the flag
    const alice = await user('alice');
    const carol = await user('carol');
    const a = await inviteOk(alice, 'bob');
    await bob.waitForType('incoming', (m) => m.callId === a.callId);
    await oldTab.waitForType('incoming', (m) => m.callId === a.callId);
    const c = await inviteOk(carol, 'bob');
    assert.equal(states(c.members)['bob'], 'busy');
    await carol.waitForType('call-ended', (m) => m.callId === c.callId && m.reason === 'busy');
    // The old tab opts in too: now every socket of bob allows it.
    assert.equal((await oldTab.ask({ type: 'profile', multiIncoming: true })).type, 'ok');
    const c2 = await inviteOk(carol, 'bob');
    assert.equal(states(c2.members)['bob'], 'ringing');
    assert.equal((await alice.ask({ type: 'cancel', callId: a.callId })).type, 'ok');
    assert.equal((await carol.ask({ type: 'cancel', callId: c2.callId })).type, 'ok');
    await settled();
  });

  it('callWaiting off: a user in a call is busy at once and the call goes on', async () => {
    await start();
    const bob = await user('bob', { multiIncoming: true });
    const alice = await user('alice');
    const carol = await user('carol');
    const a = await inviteOk(alice, 'bob');
    await bob.waitForType('incoming', (m) => m.callId === a.callId);
    assert.equal((await bob.ask({ type: 'accept', callId: a.callId })).type, 'call-started');
    await alice.waitForType('member-state', (m) => m.member.userId === 'bob' && m.member.state === 'accepted');
    const c = await inviteOk(carol, 'bob');
    assert.equal(states(c.members)['bob'], 'busy');
    await carol.waitForType('call-ended', (m) => m.callId === c.callId && m.reason === 'busy');
    await bob.expectNothingPending();
    await alice.expectNothingPending();
    assert.equal((await alice.ask({ type: 'hangup', callId: a.callId })).type, 'ok');
    await bob.waitForType('call-ended', (m) => m.callId === a.callId && m.reason === 'hangup');
    await settled();
  });

  it('callWaiting on: one waiting invitation rings, a further one is busy; end and accept', async () => {
    await start();
    const bob = await user('bob');
    const alice = await user('alice');
    const carol = await user('carol');
    const dave = await user('dave');
    const a = await inviteOk(alice, 'bob');
    assert.equal((await bob.ask({ type: 'accept', callId: a.callId })).type, 'call-started');
    // Turned on during the call (profile flag).
    assert.equal((await bob.ask({ type: 'profile', callWaiting: true })).type, 'ok');
    const c = await inviteOk(carol, 'bob');
    assert.equal(states(c.members)['bob'], 'ringing');
    await bob.waitForType('incoming', (m) => m.callId === c.callId);
    const d = await inviteOk(dave, 'bob');
    assert.equal(states(d.members)['bob'], 'busy');
    await dave.waitForType('call-ended', (m) => m.callId === d.callId && m.reason === 'busy');
    // End and accept: hang up alice's call, then accept carol's.
    assert.equal((await bob.ask({ type: 'hangup', callId: a.callId })).type, 'ok');
    await alice.waitForType('call-ended', (m) => m.callId === a.callId && m.reason === 'hangup');
    const started = (await bob.ask({ type: 'accept', callId: c.callId })) as Msg<'call-started'>;
    assert.equal(started.type, 'call-started');
    assert.deepEqual(states(started.members), { carol: 'accepted', bob: 'accepted' });
    assert.equal((await carol.ask({ type: 'hangup', callId: c.callId })).type, 'ok');
    await bob.waitForType('call-ended', (m) => m.callId === c.callId);
    await settled();
  });
});
