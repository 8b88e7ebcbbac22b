/**
 * Audio -> video upgrade (issue 17 item 1) on the server: `video-upgrade {callId, action}` from an
 * accepted member of a 1v1 audio call reaches the other member only (stamped `from`); `accept`
 * makes the call a video call (joiners and resumes see `video`), `decline` / `cancel` leave it
 * audio; out-of-turn answers are `invalid-state`, group calls `not-supported`, non-members
 * `call-not-found`; bad frames are `invalid-field`.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { parseClientMessage, parseServerMessage } from '../../src/protocol/messages.js';
import type { Msg, TestClient } from '../helpers/ws-client.js';
import { ServerHarness } from '../helpers/server-harness.js';

const h = new ServerHarness();
afterEach(() => h.stop());

async function audioCall(caller: TestClient, callee: TestClient, calleeId: string): Promise<string> {
  const ok = (await caller.ask({ type: 'invite', to: [calleeId], mediaType: 'audio' })) as Msg<'invite-ok'>;
  await callee.waitForType('incoming');
  await callee.ask({ type: 'accept', callId: ok.callId });
  await caller.waitForType('member-state', (m) => m.member.state === 'accepted');
  return ok.callId;
}

describe('video upgrade: protocol', () => {
  it('parses the client and server frames and refuses bad ones', () => {
    const callId = 'A'.repeat(22);
    for (const action of ['request', 'accept', 'decline', 'cancel']) {
      assert.ok(parseClientMessage(JSON.stringify({ v: 1, type: 'video-upgrade', callId, action })).ok, action);
      assert.ok(parseServerMessage(JSON.stringify({ v: 1, type: 'video-upgrade', callId, from: 'bob', action })).ok, action);
    }
    const bad = parseClientMessage(JSON.stringify({ v: 1, type: 'video-upgrade', callId, action: 'force' }));
    assert.equal(bad.ok, false);
    assert.equal(!bad.ok && bad.code, 'invalid-field');
    // The server stamps `from`: a client may not send it.
    assert.equal(parseClientMessage(JSON.stringify({ v: 1, type: 'video-upgrade', callId, action: 'request', from: 'x' })).ok, false);
    assert.equal(parseClientMessage(JSON.stringify({ v: 1, type: 'video-upgrade', callId: 'short', action: 'request' })).ok, false);
  });
});

describe('video upgrade over the server', () => {
  it('request -> accept: relayed to the other member only, the call becomes video', async () => {
    await h.start();
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    const carol = await h.user('carol');
    const callId = await audioCall(alice, bob, 'bob');
    assert.equal((await alice.ask({ type: 'video-upgrade', callId, action: 'request' })).type, 'ok');
    assert.deepEqual(await bob.waitForType('video-upgrade'), { v: 1, type: 'video-upgrade', callId, from: 'alice', action: 'request' });
    // A second request while one is pending, from either side, is out of turn.
    await alice.askError({ type: 'video-upgrade', callId, action: 'request' }, 'invalid-state');
    await bob.askError({ type: 'video-upgrade', callId, action: 'request' }, 'invalid-state');
    // The requester cannot answer its own request.
    await alice.askError({ type: 'video-upgrade', callId, action: 'accept' }, 'invalid-state');
    // Not a member: the same answer as an unknown call, nothing relayed.
    await carol.askError({ type: 'video-upgrade', callId, action: 'accept' }, 'call-not-found');
    assert.equal((await bob.ask({ type: 'video-upgrade', callId, action: 'accept' })).type, 'ok');
    assert.deepEqual(await alice.waitForType('video-upgrade'), { v: 1, type: 'video-upgrade', callId, from: 'bob', action: 'accept' });
    // The call is video now: a new request is refused, and the server's view says video.
    await alice.askError({ type: 'video-upgrade', callId, action: 'request' }, 'invalid-state');
    await carol.expectNothingPending();
    // Whoever joins later rings for video.
    await bob.ask({ type: 'invite-user', callId, to: ['carol'] });
    assert.equal((await carol.waitForType('incoming')).mediaType, 'video');
    await carol.ask({ type: 'reject', callId });
    await alice.ask({ type: 'hangup', callId });
    await bob.waitForType('call-ended');
    await h.settled();
  });

  it('decline and cancel leave the call audio; answers without a pending request are invalid-state', async () => {
    await h.start();
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    const callId = await audioCall(alice, bob, 'bob');
    await bob.askError({ type: 'video-upgrade', callId, action: 'decline' }, 'invalid-state');
    await alice.askError({ type: 'video-upgrade', callId, action: 'cancel' }, 'invalid-state');
    await alice.ask({ type: 'video-upgrade', callId, action: 'request' });
    await bob.waitForType('video-upgrade');
    assert.equal((await bob.ask({ type: 'video-upgrade', callId, action: 'decline' })).type, 'ok');
    assert.deepEqual(await alice.waitForType('video-upgrade'), { v: 1, type: 'video-upgrade', callId, from: 'bob', action: 'decline' });
    // Bob asks now; alice's side gives up (her bounded wait): cancel reaches bob.
    await bob.ask({ type: 'video-upgrade', callId, action: 'request' });
    await alice.waitForType('video-upgrade', (m) => m.action === 'request');
    await bob.askError({ type: 'video-upgrade', callId, action: 'decline' }, 'invalid-state');
    assert.equal((await bob.ask({ type: 'video-upgrade', callId, action: 'cancel' })).type, 'ok');
    assert.deepEqual(await alice.waitForType('video-upgrade'), { v: 1, type: 'video-upgrade', callId, from: 'bob', action: 'cancel' });
    // Accepting a cancelled request is out of turn (the late answer of a request that timed out).
    await alice.askError({ type: 'video-upgrade', callId, action: 'accept' }, 'invalid-state');
    const carol = await h.user('carol');
    await bob.ask({ type: 'invite-user', callId, to: ['carol'] });
    assert.equal((await carol.waitForType('incoming')).mediaType, 'audio');
    await carol.ask({ type: 'reject', callId });
    await alice.ask({ type: 'hangup', callId });
    await bob.waitForType('call-ended');
    await h.settled();
  });

  it('refused: a video call (invalid-state), a group call (not-supported), a ringing call (call-not-found)', async () => {
    await h.start();
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    const carol = await h.user('carol');
    const video = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'video' })) as Msg<'invite-ok'>;
    await bob.waitForType('incoming');
    // Still ringing: bob is not in the call yet.
    await bob.askError({ type: 'video-upgrade', callId: video.callId, action: 'request' }, 'call-not-found');
    await bob.ask({ type: 'accept', callId: video.callId });
    await alice.waitForType('member-state', (m) => m.member.state === 'accepted');
    await alice.askError({ type: 'video-upgrade', callId: video.callId, action: 'request' }, 'invalid-state');
    await alice.ask({ type: 'hangup', callId: video.callId });
    await bob.waitForType('call-ended');

    const group = (await alice.ask({ type: 'invite', to: ['bob', 'carol'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    await bob.waitForType('incoming', (m) => m.callId === group.callId);
    await carol.waitForType('incoming');
    await bob.ask({ type: 'accept', callId: group.callId });
    await carol.ask({ type: 'accept', callId: group.callId });
    await alice.waitForType('member-state', (m) => m.member.userId === 'carol' && m.member.state === 'accepted');
    const err = await alice.askError({ type: 'video-upgrade', callId: group.callId, action: 'request' }, 'not-supported');
    assert.match(err.message, /1v1/);
    await bob.sync();
    assert.ok(!bob.received.some((m) => m.type === 'video-upgrade'));
    assert.ok(!carol.received.some((m) => m.type === 'video-upgrade'));
    await alice.ask({ type: 'hangup', callId: group.callId });
    await bob.ask({ type: 'hangup', callId: group.callId });
    await carol.waitForType('call-ended');
    await h.settled();
  });

  it('a pending request ends with the call: the next call starts clean', async () => {
    await h.start();
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    const first = await audioCall(alice, bob, 'bob');
    await alice.ask({ type: 'video-upgrade', callId: first, action: 'request' });
    await bob.waitForType('video-upgrade');
    await alice.ask({ type: 'hangup', callId: first });
    await bob.waitForType('call-ended');
    await bob.askError({ type: 'video-upgrade', callId: first, action: 'accept' }, 'call-not-found');
    const second = await audioCall(bob, alice, 'alice');
    assert.equal((await alice.ask({ type: 'video-upgrade', callId: second, action: 'request' })).type, 'ok');
    await bob.waitForType('video-upgrade', (m) => m.callId === second);
    await alice.ask({ type: 'hangup', callId: second });
    await bob.waitForType('call-ended', (m) => m.callId === second);
    await h.settled();
  });
});
