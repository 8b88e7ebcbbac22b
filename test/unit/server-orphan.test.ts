/**
 * A killed or crashed tab (no `pagehide`, so no `hangup`) leaves its call "orphaned": the member
 * keeps its place for the grace period, waiting for a `resume` that will never come. A new page of
 * the same user (`login {newPage: true}`) ends that call at once, so the other side is told now and
 * the new page can call and be called; so does an `invite` or `accept` from another tab of the
 * user. A reconnecting page (no `newPage`) still resumes (server-resume.test.ts).
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { TestClient, Msg } from '../helpers/ws-client.js';
import { waitUntil } from '../helpers/ws-client.js';
import { ServerHarness } from '../helpers/server-harness.js';

const h = new ServerHarness();
afterEach(() => h.stop());

/** A calls B and B accepts: returns the call id and B's resume token. */
async function connect(a: TestClient, b: TestClient): Promise<{ callId: string; token: string }> {
  const ok = (await a.ask({ type: 'invite', to: [b.userId], mediaType: 'video' })) as Msg<'invite-ok'>;
  assert.equal(ok.type, 'invite-ok', JSON.stringify(ok));
  await b.waitForType('incoming', (m) => m.callId === ok.callId);
  const started = (await b.ask({ type: 'accept', callId: ok.callId })) as Msg<'call-started'>;
  assert.equal(started.type, 'call-started');
  await a.waitForType('member-state', (m) => m.callId === ok.callId && m.member.state === 'accepted');
  return { callId: ok.callId, token: started.resumeToken ?? '' };
}

describe('signaling server: a killed tab and a new page of the same user', () => {
  it('a new page (login newPage) ends the orphaned call at once; the other side gets disconnected; the page can call', async () => {
    const s = await h.start({ graceMs: 60_000 });
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    const { callId } = await connect(alice, bob);
    bob.terminate(); // killed tab: no hangup
    await waitUntil(() => s.stats().sockets === 1, 'bob socket gone');
    await alice.expectNothingPending();
    const startedAt = Date.now();
    const bob2 = await h.user('bob', { newPage: true });
    assert.deepEqual(await alice.next(5000), { v: 1, type: 'member-state', callId, member: { userId: 'bob', state: 'left' } });
    assert.deepEqual(await alice.next(5000), { v: 1, type: 'call-ended', callId, reason: 'disconnected' });
    assert.ok(Date.now() - startedAt < 5000, 'told well before the 60 s grace');
    // bob's new page can place a call, and be called.
    const again = (await bob2.ask({ type: 'invite', to: ['alice'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    assert.equal(again.type, 'invite-ok', JSON.stringify(again));
    assert.equal(again.members.find((m) => m.userId === 'alice')?.state, 'ringing');
    await alice.waitForType('incoming', (m) => m.callId === again.callId);
    assert.equal((await bob2.ask({ type: 'cancel', callId: again.callId })).type, 'ok');
    await h.settled();
  });

  it('a new page can be called at once after a killed tab', async () => {
    const s = await h.start({ graceMs: 60_000 });
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    const carol = await h.user('carol');
    const { callId } = await connect(alice, bob);
    bob.terminate();
    await waitUntil(() => s.stats().sockets === 2, 'bob socket gone');
    const bob2 = await h.user('bob', { newPage: true });
    await alice.waitForType('call-ended', (m) => m.callId === callId);
    const ok = (await carol.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    assert.equal(ok.members.find((m) => m.userId === 'bob')?.state, 'ringing');
    await bob2.waitForType('incoming', (m) => m.callId === ok.callId);
    assert.equal((await carol.ask({ type: 'cancel', callId: ok.callId })).type, 'ok');
    await h.settled();
  });

  it('a reconnecting page (no newPage) keeps the orphaned call: resume still works', async () => {
    const s = await h.start({ graceMs: 60_000 });
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    const { callId, token } = await connect(alice, bob);
    bob.terminate();
    await waitUntil(() => s.stats().sockets === 1, 'bob socket gone');
    const bob2 = await h.user('bob');
    const resumed = await bob2.ask({ type: 'resume', callId, resumeToken: token });
    assert.equal(resumed.type, 'resumed', JSON.stringify(resumed));
    await alice.expectNothingPending();
    assert.equal((await bob2.ask({ type: 'hangup', callId })).type, 'ok');
    await h.settled();
  });

  it('a new page does not end a call still bound to an open tab of the user', async () => {
    await h.start({ graceMs: 60_000 });
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    const { callId } = await connect(alice, bob);
    const bob2 = await h.user('bob', { newPage: true });
    await alice.expectNothingPending();
    assert.equal((await bob2.ask({ type: 'invite', to: ['carol'], mediaType: 'audio' })).type, 'error');
    assert.equal((await bob.ask({ type: 'hangup', callId })).type, 'ok');
    await h.settled();
  });

  it('an invite from another open tab of the user ends the orphaned call first', async () => {
    const s = await h.start({ graceMs: 60_000 });
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    const bobIdleTab = await h.user('bob');
    const { callId } = await connect(alice, bob);
    bob.terminate();
    await waitUntil(() => s.stats().sockets === 2, 'bob socket gone');
    const ok = (await bobIdleTab.ask({ type: 'invite', to: ['alice'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    assert.equal(ok.type, 'invite-ok', JSON.stringify(ok));
    await alice.waitForType('call-ended', (m) => m.callId === callId && m.reason === 'disconnected');
    await alice.waitForType('incoming', (m) => m.callId === ok.callId);
    assert.equal((await bobIdleTab.ask({ type: 'cancel', callId: ok.callId })).type, 'ok');
    await h.settled();
  });
});
