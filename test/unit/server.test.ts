import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSignalingServer, verifyUserSig } from '../../server/index.js';
import { main, parseCli, DEFAULT_SDK_APP_ID } from '../../server/cli.js';
import { TestClient, TEST_SECRET, TEST_SDK_APP_ID, TEST_SERVER, quietLogger, recordingLogger, waitUntil } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';
import { ServerHarness, states } from '../helpers/server-harness.js';

const SDP_OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 00:11\r\n';
const SDP_ANSWER = 'v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 00:11\r\n';
const CANDIDATE = { candidate: 'candidate:1 1 udp 2122260223 10.99.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };

const h = new ServerHarness();
afterEach(() => h.stop());

const start = h.start;
const user = h.user;
const settled = h.settled;

/** A invites B (1v1) and both sides see it: returns the call id. */
async function invite(a: TestClient, b: TestClient, mediaType: 'audio' | 'video' = 'video'): Promise<string> {
  const answer = await a.ask({ type: 'invite', to: [b.userId], mediaType });
  assert.equal(answer.type, 'invite-ok', JSON.stringify(answer));
  const ok = answer as Msg<'invite-ok'>;
  const incoming = await b.waitForType('incoming', (m) => m.callId === ok.callId);
  assert.equal(incoming.caller.userId, a.userId);
  return ok.callId;
}

/** A calls B and B accepts: returns the call id. */
async function connect(a: TestClient, b: TestClient): Promise<string> {
  const callId = await invite(a, b);
  const started = await b.ask({ type: 'accept', callId });
  assert.equal(started.type, 'call-started', JSON.stringify(started));
  await a.waitForType('member-state', (m) => m.callId === callId && m.member.userId === b.userId && m.member.state === 'accepted');
  return callId;
}

describe('signaling server: call flows', () => {
  it('connects a call: invite, incoming, accept, relay both ways with from stamped, media-state, hangup', async () => {
    await start();
    const alice = await user('alice', { name: 'Alice' });
    const bob = await user('bob', { name: 'Bob', avatar: 'https://example.com/b.png' });

    const inviteId = alice.request({ type: 'invite', to: ['bob'], mediaType: 'video', userData: 'hello' });
    const ok = (await alice.reply(inviteId)) as Msg<'invite-ok'>;
    assert.equal(ok.type, 'invite-ok');
    assert.match(ok.callId, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(ok.mediaType, 'video');
    assert.equal(ok.timeout, 30);
    assert.deepEqual(ok.members, [
      { userId: 'alice', name: 'Alice', state: 'accepted' },
      // A ringing invitee's name and avatar are not shown before it answers (no profile probing).
      { userId: 'bob', state: 'ringing' },
    ]);
    const incoming = await bob.waitForType('incoming');
    assert.deepEqual(
      { ...incoming, members: undefined },
      {
        v: 1,
        type: 'incoming',
        callId: ok.callId,
        caller: { userId: 'alice', name: 'Alice' },
        mediaType: 'video',
        members: undefined,
        timeout: 30,
        userData: 'hello',
      },
    );
    assert.deepEqual(h.server.stats(), { sockets: 2, users: 2, calls: 1, timers: 1, watchers: 0 });

    const acceptId = bob.request({ type: 'accept', callId: ok.callId });
    const started = (await bob.reply(acceptId)) as Msg<'call-started'>;
    assert.equal(started.type, 'call-started');
    assert.deepEqual(states(started.members), { alice: 'accepted', bob: 'accepted' });
    const joined = await alice.next();
    assert.deepEqual(joined, {
      v: 1,
      type: 'member-state',
      callId: ok.callId,
      member: { userId: 'bob', name: 'Bob', avatar: 'https://example.com/b.png', state: 'accepted' },
    });
    assert.equal(h.server.stats().timers, 0);

    // Offer/answer and candidates both ways; the server writes `from`.
    alice.send({
      v: 1,
      type: 'relay',
      callId: ok.callId,
      to: 'bob',
      data: { kind: 'description', description: { type: 'offer', sdp: SDP_OFFER } },
    });
    const offer = await bob.waitForType('relay');
    assert.deepEqual(offer, {
      v: 1,
      type: 'relay',
      callId: ok.callId,
      from: 'alice',
      data: { kind: 'description', description: { type: 'offer', sdp: SDP_OFFER } },
    });
    bob.send({
      v: 1,
      type: 'relay',
      callId: ok.callId,
      to: 'alice',
      data: { kind: 'description', description: { type: 'answer', sdp: SDP_ANSWER } },
    });
    bob.send({ v: 1, type: 'relay', callId: ok.callId, to: 'alice', data: { kind: 'candidate', candidate: CANDIDATE } });
    bob.send({ v: 1, type: 'relay', callId: ok.callId, to: 'alice', data: { kind: 'candidate', candidate: null } });
    const answer = await alice.next();
    assert.deepEqual(answer, {
      v: 1,
      type: 'relay',
      callId: ok.callId,
      from: 'bob',
      data: { kind: 'description', description: { type: 'answer', sdp: SDP_ANSWER } },
    });
    assert.deepEqual(await alice.next(), {
      v: 1,
      type: 'relay',
      callId: ok.callId,
      from: 'bob',
      data: { kind: 'candidate', candidate: CANDIDATE },
    });
    assert.deepEqual(await alice.next(), {
      v: 1,
      type: 'relay',
      callId: ok.callId,
      from: 'bob',
      data: { kind: 'candidate', candidate: null },
    });

    // media-state is forwarded to the other accepted members and kept in the member entry.
    bob.send({ v: 1, type: 'media-state', callId: ok.callId, audio: true, video: false });
    assert.deepEqual(await alice.next(), { v: 1, type: 'media-state', callId: ok.callId, userId: 'bob', audio: true, video: false });
    await bob.expectNothingPending();

    const hangupId = alice.request({ type: 'hangup', callId: ok.callId });
    assert.deepEqual(await alice.reply(hangupId), { v: 1, type: 'ok', ref: hangupId });
    const left = (await bob.next()) as Msg<'member-state'>;
    assert.deepEqual(left, { v: 1, type: 'member-state', callId: ok.callId, member: { userId: 'alice', name: 'Alice', state: 'left' } });
    assert.deepEqual(await bob.next(), { v: 1, type: 'call-ended', callId: ok.callId, reason: 'hangup' });
    await alice.expectNothingPending();
    await settled();
    // The call is gone: relaying into it is call-not-found.
    await bob.askError({ type: 'relay', callId: ok.callId, to: 'alice', data: { kind: 'candidate', candidate: null } }, 'call-not-found');
  });

  it('hangup from the callee side ends the call for the caller', async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const callId = await connect(alice, bob);
    alice.send({ v: 1, type: 'media-state', callId, audio: false, video: true });
    await bob.waitForType('media-state', (m) => m.userId === 'alice' && !m.audio && m.video);
    assert.equal((await bob.ask({ type: 'hangup', callId })).type, 'ok');
    const left = await alice.waitForType('member-state', (m) => m.member.userId === 'bob');
    assert.equal(left.member.state, 'left');
    assert.deepEqual(await alice.next(), { v: 1, type: 'call-ended', callId, reason: 'hangup' });
    await bob.expectNothingPending();
    await settled();
  });

  it("switching to audio: media-state with mediaType 'audio' reaches the others and later invitees ring for audio", async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const carol = await user('carol');
    const callId = await connect(alice, bob);
    bob.send({ v: 1, type: 'media-state', callId, audio: true, video: false, mediaType: 'audio' });
    assert.deepEqual(await alice.waitForType('media-state'), {
      v: 1,
      type: 'media-state',
      callId,
      userId: 'bob',
      audio: true,
      video: false,
      mediaType: 'audio',
    });
    // Announced once: a later plain media-state carries no mediaType, and audio stays audio.
    bob.send({ v: 1, type: 'media-state', callId, audio: false, video: false });
    assert.deepEqual(await alice.waitForType('media-state'), {
      v: 1,
      type: 'media-state',
      callId,
      userId: 'bob',
      audio: false,
      video: false,
    });
    assert.equal((await alice.ask({ type: 'invite-user', callId, to: ['carol'] })).type, 'ok');
    const incoming = await carol.waitForType('incoming', (m) => m.callId === callId);
    assert.equal(incoming.mediaType, 'audio');
    // Not a member: refused, nothing relayed.
    await carol.askError({ type: 'media-state', callId, audio: true, video: false, mediaType: 'audio' }, 'call-not-found');
  });

  it('reject: the caller gets member-state rejected, then call-ended rejected', async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const callId = await invite(alice, bob);
    const rejectId = bob.request({ type: 'reject', callId });
    assert.deepEqual(await bob.reply(rejectId), { v: 1, type: 'ok', ref: rejectId });
    assert.deepEqual(await alice.next(), { v: 1, type: 'member-state', callId, member: { userId: 'bob', state: 'rejected' } });
    assert.deepEqual(await alice.next(), { v: 1, type: 'call-ended', callId, reason: 'rejected' });
    await bob.expectNothingPending();
    await settled();
  });

  it('reject with reason busy: the caller gets busy', async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const callId = await invite(alice, bob);
    assert.equal((await bob.ask({ type: 'reject', callId, reason: 'busy' })).type, 'ok');
    assert.deepEqual(await alice.next(), { v: 1, type: 'member-state', callId, member: { userId: 'bob', state: 'busy' } });
    assert.deepEqual(await alice.next(), { v: 1, type: 'call-ended', callId, reason: 'busy' });
    await settled();
  });

  it('reject with reason unsupported (a browser that cannot carry calls): the caller gets rejected, then call-ended unsupported', async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const callId = await invite(alice, bob);
    assert.equal((await bob.ask({ type: 'reject', callId, reason: 'unsupported' })).type, 'ok');
    assert.deepEqual(await alice.next(), { v: 1, type: 'member-state', callId, member: { userId: 'bob', state: 'rejected' } });
    assert.deepEqual(await alice.next(), { v: 1, type: 'call-ended', callId, reason: 'unsupported' });
    await settled();
  });

  it('reject unsupported from one of two tabs: declines for that tab only, the other keeps ringing and can answer', async () => {
    await start();
    const alice = await user('alice');
    const bob1 = await user('bob');
    const bob2 = await user('bob');
    const callId = await invite(alice, bob1);
    await bob2.waitForType('incoming');
    assert.equal((await bob1.ask({ type: 'reject', callId, reason: 'unsupported' })).type, 'ok');
    assert.equal((await bob2.ask({ type: 'accept', callId })).type, 'call-started');
    await alice.waitForType('member-state', (m) => m.member.state === 'accepted');
    assert.equal((await bob2.ask({ type: 'hangup', callId })).type, 'ok');
    await alice.waitForType('call-ended', (m) => m.reason === 'hangup');
    await settled();
  });

  it('reject unsupported from every tab of a user: the call ends unsupported once the last tab declined', async () => {
    await start();
    const alice = await user('alice');
    const bob1 = await user('bob');
    const bob2 = await user('bob');
    const callId = await invite(alice, bob1);
    await bob2.waitForType('incoming');
    assert.equal((await bob1.ask({ type: 'reject', callId, reason: 'unsupported' })).type, 'ok');
    assert.equal((await bob2.ask({ type: 'reject', callId, reason: 'unsupported' })).type, 'ok');
    await alice.waitForType('call-ended', (m) => m.reason === 'unsupported');
    await settled();
  });

  it('cancel while ringing: the callee gets call-ended cancelled, the caller ok', async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const callId = await invite(alice, bob);
    const cancelId = alice.request({ type: 'cancel', callId });
    assert.deepEqual(await alice.reply(cancelId), { v: 1, type: 'ok', ref: cancelId });
    assert.deepEqual(await bob.next(), { v: 1, type: 'call-ended', callId, reason: 'cancelled' });
    await alice.expectNothingPending();
    await settled();
    // Too late to answer.
    await bob.askError({ type: 'accept', callId }, 'call-not-found');
  });

  it('a caller hangup before anyone accepted is a cancel; cancel after accept is refused', async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    let callId = await invite(alice, bob);
    assert.equal((await alice.ask({ type: 'hangup', callId })).type, 'ok');
    assert.deepEqual(await bob.next(), { v: 1, type: 'call-ended', callId, reason: 'cancelled' });
    await settled();
    callId = await connect(alice, bob);
    await alice.askError({ type: 'cancel', callId }, 'invalid-state');
    await bob.askError({ type: 'cancel', callId }, 'invalid-state');
    assert.equal((await alice.ask({ type: 'hangup', callId })).type, 'ok');
    await bob.waitForType('call-ended', (m) => m.reason === 'hangup');
    await settled();
  });

  it('busy: C calls B while B is in a call with A; C gets busy at once, A-B is unaffected', async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const carol = await user('carol');
    const callId = await connect(alice, bob);

    const inviteId = carol.request({ type: 'invite', to: ['bob'], mediaType: 'audio' });
    const ok = (await carol.reply(inviteId)) as Msg<'invite-ok'>;
    assert.equal(ok.type, 'invite-ok');
    assert.deepEqual(states(ok.members), { carol: 'accepted', bob: 'busy' });
    assert.deepEqual(await carol.next(), { v: 1, type: 'member-state', callId: ok.callId, member: { userId: 'bob', state: 'busy' } });
    assert.deepEqual(await carol.next(), { v: 1, type: 'call-ended', callId: ok.callId, reason: 'busy' });
    await alice.expectNothingPending();
    await bob.expectNothingPending();
    assert.equal(h.server.stats().calls, 1);

    // A caller who is in a call cannot invite.
    await alice.askError({ type: 'invite', to: ['carol'], mediaType: 'audio' }, 'already-in-call');
    // A-B still relays.
    bob.send({ v: 1, type: 'relay', callId, to: 'alice', data: { kind: 'candidate', candidate: CANDIDATE } });
    assert.equal((await alice.next()).type, 'relay');
    assert.equal((await bob.ask({ type: 'hangup', callId })).type, 'ok');
    await alice.waitForType('call-ended');
    await settled();
  });

  it('a user ringing for another call is busy', async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const carol = await user('carol');
    const callId = await invite(alice, bob);
    const ok = (await carol.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    assert.deepEqual(states(ok.members), { carol: 'accepted', bob: 'busy' });
    await carol.waitForType('call-ended', (m) => m.reason === 'busy');
    // A ringing user cannot place a call either.
    await bob.askError({ type: 'invite', to: ['carol'], mediaType: 'audio' }, 'already-in-call');
    assert.equal((await alice.ask({ type: 'cancel', callId })).type, 'ok');
    await settled();
  });

  it('ring timeout: the callee gets call-ended timeout, the caller no-response then timeout', async () => {
    await start({ ringTimeoutS: 0.3 });
    const alice = await user('alice');
    const bob = await user('bob');
    const started = Date.now();
    const ok = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    assert.equal(ok.timeout, 0.3);
    const incoming = await bob.waitForType('incoming');
    assert.equal(incoming.timeout, 0.3);
    assert.deepEqual(await bob.next(), { v: 1, type: 'call-ended', callId: ok.callId, reason: 'timeout' });
    assert.deepEqual(await alice.next(), {
      v: 1,
      type: 'member-state',
      callId: ok.callId,
      member: { userId: 'bob', state: 'no-response' },
    });
    assert.deepEqual(await alice.next(), { v: 1, type: 'call-ended', callId: ok.callId, reason: 'timeout' });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 280 && elapsed < 2000, `timed out after ${elapsed} ms`);
    await settled();
  });

  it('two tabs of one user: both ring; accepting on one sends answered-elsewhere to the other', async () => {
    await start();
    const alice = await user('alice');
    const bob1 = await user('bob');
    const bob2 = await user('bob');
    assert.deepEqual(h.server.stats(), { sockets: 3, users: 2, calls: 0, timers: 0, watchers: 0 });
    const ok = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'video' })) as Msg<'invite-ok'>;
    const { callId } = ok;
    await bob1.waitForType('incoming', (m) => m.callId === callId);
    await bob2.waitForType('incoming', (m) => m.callId === callId);

    assert.equal((await bob2.ask({ type: 'accept', callId })).type, 'call-started');
    assert.deepEqual(await bob1.next(), { v: 1, type: 'call-ended', callId, reason: 'answered-elsewhere' });
    await alice.waitForType('member-state', (m) => m.member.state === 'accepted');

    // Only the accepting tab is in the call.
    alice.send({ v: 1, type: 'relay', callId, to: 'bob', data: { kind: 'candidate', candidate: null } });
    assert.equal((await bob2.next()).type, 'relay');
    await bob1.expectNothingPending();
    await bob1.askError({ type: 'hangup', callId }, 'call-not-found');
    await bob1.askError({ type: 'accept', callId }, 'call-not-found');
    await bob1.askError({ type: 'relay', callId, to: 'alice', data: { kind: 'candidate', candidate: null } }, 'call-not-found');
    // The idle tab's user is busy (in a call on the other tab).
    await bob1.askError({ type: 'invite', to: ['alice'], mediaType: 'audio' }, 'already-in-call');
    // Closing the idle tab changes nothing.
    bob1.close();
    await bob1.waitClose();
    await alice.expectNothingPending();
    assert.equal((await bob2.ask({ type: 'hangup', callId })).type, 'ok');
    await alice.waitForType('call-ended', (m) => m.reason === 'hangup');
    await settled();
  });

  it('two tabs of one user: rejecting on one sends rejected-elsewhere to the other', async () => {
    await start();
    const alice = await user('alice');
    const bob1 = await user('bob');
    const bob2 = await user('bob');
    const callId = await invite(alice, bob1);
    await bob2.waitForType('incoming');
    assert.equal((await bob1.ask({ type: 'reject', callId })).type, 'ok');
    assert.deepEqual(await bob2.next(), { v: 1, type: 'call-ended', callId, reason: 'rejected-elsewhere' });
    await alice.waitForType('call-ended', (m) => m.reason === 'rejected');
    await settled();
  });

  it('self-call is refused', async () => {
    await start();
    const alice = await user('alice');
    const err = await alice.askError({ type: 'invite', to: ['alice'], mediaType: 'audio' }, 'self-call');
    assert.equal(err.field, 'to');
    await alice.askError({ type: 'invite', to: ['bob', 'alice'], mediaType: 'audio' }, 'self-call');
    const dup = await alice.askError({ type: 'invite', to: ['bob', 'bob'], mediaType: 'audio' }, 'invalid-field');
    assert.equal(dup.field, 'to');
    await settled();
  });

  it('an offline user is unavailable: the call ends at once', async () => {
    await start();
    const alice = await user('alice');
    const ok = (await alice.ask({ type: 'invite', to: ['ghost'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    assert.equal(ok.type, 'invite-ok');
    assert.deepEqual(states(ok.members), { alice: 'accepted', ghost: 'unavailable' });
    assert.deepEqual(await alice.next(), {
      v: 1,
      type: 'member-state',
      callId: ok.callId,
      member: { userId: 'ghost', state: 'unavailable' },
    });
    assert.deepEqual(await alice.next(), { v: 1, type: 'call-ended', callId: ok.callId, reason: 'unavailable' });
    await settled();
  });

  it('group call: members see each other; the call goes on while two members are live', async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const carol = await user('carol');
    const ok = (await alice.ask({
      type: 'invite',
      to: ['bob', 'carol', 'ghost'],
      mediaType: 'video',
      groupId: 'team',
    })) as Msg<'invite-ok'>;
    const { callId } = ok;
    assert.deepEqual(states(ok.members), { alice: 'accepted', bob: 'ringing', carol: 'ringing', ghost: 'unavailable' });
    const inc = await carol.waitForType('incoming');
    assert.equal(inc.groupId, 'team');
    await bob.waitForType('incoming');
    await alice.waitForType('member-state', (m) => m.member.userId === 'ghost');

    assert.equal((await bob.ask({ type: 'accept', callId })).type, 'call-started');
    await alice.waitForType('member-state', (m) => m.member.userId === 'bob' && m.member.state === 'accepted');
    // A ringing invitee hears about the others too.
    await carol.waitForType('member-state', (m) => m.member.userId === 'bob' && m.member.state === 'accepted');
    assert.equal((await carol.ask({ type: 'reject', callId })).type, 'ok');
    await alice.waitForType('member-state', (m) => m.member.userId === 'carol' && m.member.state === 'rejected');
    await bob.waitForType('member-state', (m) => m.member.userId === 'carol' && m.member.state === 'rejected');
    await alice.expectNothingPending(); // still in the call with bob
    assert.equal(h.server.stats().calls, 1);

    assert.equal((await alice.ask({ type: 'hangup', callId })).type, 'ok');
    await bob.waitForType('member-state', (m) => m.member.userId === 'alice' && m.member.state === 'left');
    assert.deepEqual(await bob.next(), { v: 1, type: 'call-ended', callId, reason: 'hangup' });
    await settled();
  });

  it('profile updates reach the call peers as member-state', async () => {
    await start();
    const alice = await user('alice', { name: 'Alice' });
    const bob = await user('bob');
    const callId = await connect(alice, bob);
    assert.equal((await bob.ask({ type: 'profile', name: 'Robert' })).type, 'ok');
    const update = await alice.waitForType('member-state', (m) => m.member.userId === 'bob');
    assert.deepEqual(update.member, { userId: 'bob', name: 'Robert', state: 'accepted' });
    assert.equal((await alice.ask({ type: 'hangup', callId })).type, 'ok');
    await settled();
  });
});

describe('signaling server: glare', () => {
  it('the invite from the lower user id wins when it arrives second', async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    // bob -> alice first (bob sorts higher), then alice -> bob.
    const bobCall = await invite(bob, alice);
    const aliceInvite = alice.request({ type: 'invite', to: ['bob'], mediaType: 'video' });
    assert.deepEqual(await alice.next(), { v: 1, type: 'call-ended', callId: bobCall, reason: 'glare' });
    const ok = (await alice.reply(aliceInvite)) as Msg<'invite-ok'>;
    assert.equal(ok.type, 'invite-ok');
    assert.deepEqual(await bob.next(), { v: 1, type: 'call-ended', callId: bobCall, reason: 'glare' });
    const incoming = (await bob.next()) as Msg<'incoming'>;
    assert.equal(incoming.type, 'incoming');
    assert.equal(incoming.callId, ok.callId);
    assert.equal(incoming.caller.userId, 'alice');
    assert.deepEqual(h.server.stats(), { sockets: 2, users: 2, calls: 1, timers: 1, watchers: 0 });
    // The surviving call works.
    assert.equal((await bob.ask({ type: 'accept', callId: ok.callId })).type, 'call-started');
    await alice.waitForType('member-state', (m) => m.member.state === 'accepted');
    assert.equal((await bob.ask({ type: 'hangup', callId: ok.callId })).type, 'ok');
    await alice.waitForType('call-ended', (m) => m.reason === 'hangup');
    await settled();
  });

  it('the invite from the higher user id loses when it arrives second (error glare)', async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const aliceCall = await invite(alice, bob);
    const err = await bob.askError({ type: 'invite', to: ['alice'], mediaType: 'video' }, 'glare');
    assert.equal(err.field, 'to');
    assert.deepEqual(h.server.stats(), { sockets: 2, users: 2, calls: 1, timers: 1, watchers: 0 });
    await alice.expectNothingPending();
    // bob still has alice's incoming call and answers it.
    assert.equal((await bob.ask({ type: 'accept', callId: aliceCall })).type, 'call-started');
    await alice.waitForType('member-state', (m) => m.member.state === 'accepted');
    assert.equal((await alice.ask({ type: 'hangup', callId: aliceCall })).type, 'ok');
    await settled();
  });

  it('simultaneous invites end in exactly one call, from the lower id, whatever the order', async () => {
    await start({ rateLimits: { connectionBurst: 100 } });
    for (let round = 0; round < 10; round++) {
      const alice = await user(`a${round}`);
      const bob = await user(`b${round}`);
      const ids =
        round % 2
          ? [
              bob.request({ type: 'invite', to: [alice.userId], mediaType: 'audio' }),
              alice.request({ type: 'invite', to: [bob.userId], mediaType: 'audio' }),
            ]
          : [
              alice.request({ type: 'invite', to: [bob.userId], mediaType: 'audio' }),
              bob.request({ type: 'invite', to: [alice.userId], mediaType: 'audio' }),
            ];
      const [aliceId, bobId] = round % 2 ? [ids[1], ids[0]] : ids;
      const aliceAnswer = (await alice.reply(aliceId)) as Msg<'invite-ok'>;
      assert.equal(aliceAnswer.type, 'invite-ok');
      const bobAnswer = await bob.reply(bobId);
      if (bobAnswer.type === 'invite-ok') {
        // bob's invite was handled first, then cancelled by alice's.
        await bob.waitForType('call-ended', (m) => m.callId === bobAnswer.callId && m.reason === 'glare');
      } else {
        assert.equal(bobAnswer.type === 'error' && bobAnswer.code, 'glare');
      }
      await bob.waitForType('incoming', (m) => m.callId === aliceAnswer.callId && m.caller.userId === alice.userId);
      assert.equal(h.server.stats().calls, 1);
      assert.equal((await alice.ask({ type: 'cancel', callId: aliceAnswer.callId })).type, 'ok');
      await settled();
    }
  });
});

describe('signaling server: disconnects', () => {
  it('a socket closed mid-call: after the grace period the other side gets the member left, then call-ended disconnected', async () => {
    await start({ graceMs: 50 });
    const alice = await user('alice');
    const bob = await user('bob');
    const callId = await connect(alice, bob);
    bob.terminate();
    assert.deepEqual(await alice.next(), { v: 1, type: 'member-state', callId, member: { userId: 'bob', state: 'left' } });
    assert.deepEqual(await alice.next(), { v: 1, type: 'call-ended', callId, reason: 'disconnected' });
    await settled();
    await waitUntil(() => h.server.stats().users === 1, 'bob to be offline');
  });

  it('the caller socket closed while ringing cancels the call', async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const callId = await invite(alice, bob);
    alice.close();
    assert.deepEqual(await bob.next(), { v: 1, type: 'call-ended', callId, reason: 'cancelled' });
    await settled();
  });

  it('a ringing callee that loses its last socket keeps ringing; a new login rings again', async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const callId = await invite(alice, bob);
    bob.terminate();
    await waitUntil(() => h.server.stats().sockets === 1, 'bob socket gone');
    await alice.expectNothingPending();
    assert.equal(h.server.stats().calls, 1);
    const bobAgain = await user('bob');
    const incoming = await bobAgain.waitForType('incoming', (m) => m.callId === callId);
    assert.ok(incoming.timeout > 0 && incoming.timeout <= 30);
    assert.equal((await bobAgain.ask({ type: 'accept', callId })).type, 'call-started');
    await alice.waitForType('member-state', (m) => m.member.state === 'accepted');
    assert.equal((await alice.ask({ type: 'hangup', callId })).type, 'ok');
    await settled();
  });

  it('a ringing callee with no socket left times out normally', async () => {
    await start({ ringTimeoutS: 0.3 });
    const alice = await user('alice');
    const bob = await user('bob');
    const callId = await invite(alice, bob);
    bob.close();
    await alice.waitForType('member-state', (m) => m.member.state === 'no-response');
    assert.deepEqual(await alice.next(), { v: 1, type: 'call-ended', callId, reason: 'timeout' });
    await settled();
  });

  it('close() terminates sockets and clears timers', async () => {
    const s = await start();
    const alice = await user('alice');
    const bob = await user('bob');
    await invite(alice, bob);
    const idle = await TestClient.connect(s.url, 'idle');
    h.track(idle);
    await waitUntil(() => s.stats().sockets === 3, 'three sockets');
    assert.equal(s.stats().timers, 2); // one ring timer + one login timer
    await s.close();
    assert.deepEqual(s.stats(), { sockets: 0, users: 0, calls: 0, timers: 0, watchers: 0 });
    assert.equal((await alice.waitClose()).code, 1001);
    assert.equal((await idle.waitClose()).code, 1001);
  });
});

describe('signaling server: config, dev endpoint, origins', () => {
  it('refuses a bad config with a clear error', () => {
    const base = { ...TEST_SERVER, logger: quietLogger };
    assert.throws(() => createSignalingServer({ ...base, secret: 'short' }), /secret is 5 bytes; at least 32/);
    assert.throws(() => createSignalingServer({ ...base, secret: '' }), /secret/);
    assert.throws(() => createSignalingServer({ ...base, sdkAppId: 0 }), /sdkAppId/);
    assert.throws(() => createSignalingServer({ ...base, sdkAppId: 1.5 }), /sdkAppId/);
    assert.throws(() => createSignalingServer({ ...base, sdkAppId: Number.NaN }), /sdkAppId/);
    assert.throws(() => createSignalingServer({ ...base, ringTimeoutS: 0 }), /ringTimeoutS/);
    assert.throws(() => createSignalingServer({ ...base, ringTimeoutS: 601 }), /ringTimeoutS/);
    assert.throws(() => createSignalingServer({ ...base, path: 'ck' }), /path/);
  });

  it('allows a short secret in dev mode, with a warning logged once', async () => {
    const logger = recordingLogger();
    const s = createSignalingServer({ secret: 'short', sdkAppId: TEST_SDK_APP_ID, dev: true, logger });
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    assert.ok(
      warnings.some((w) => /only 5 bytes/.test(w.msg)),
      JSON.stringify(warnings),
    );
    assert.ok(
      warnings.some((w) => /dev mode/.test(w.msg)),
      JSON.stringify(warnings),
    );
    assert.equal(warnings.length, 2);
    await s.close();
  });

  it('serves dev userSigs only in dev mode; they verify and log in', async () => {
    const s = await start({ dev: true });
    const base = s.url.replace('ws://', 'http://');
    const res = await fetch(`${base}/dev-usersig?user=dave`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as { sdkAppId: number; userId: string; userSig: string };
    assert.equal(body.sdkAppId, TEST_SDK_APP_ID);
    assert.equal(body.userId, 'dave');
    assert.deepEqual(verifyUserSig(body.userSig, { sdkAppId: TEST_SDK_APP_ID, secret: TEST_SECRET }).ok, true);
    const dave = await TestClient.connect(s.url, 'dave');
    h.track(dave);
    await dave.login('dave', { userSig: body.userSig });
    assert.equal((await fetch(`${base}/dev-usersig?user=a%20b`)).status, 400);
    assert.equal((await fetch(`${base}/dev-usersig`)).status, 400);
    assert.equal((await fetch(`${base}/dev-usersig?user=x`, { method: 'POST' })).status, 405);
    assert.equal((await fetch(`${base}/health`)).status, 200);
    assert.equal((await fetch(base.replace(/\/ck$/, '/elsewhere'))).status, 404);
    await s.close();

    const prod = await start();
    const prodBase = prod.url.replace('ws://', 'http://');
    assert.equal((await fetch(`${prodBase}/dev-usersig?user=dave`)).status, 404);
  });

  it('refuses upgrades from origins not allowed (403) and on other paths (404)', async () => {
    const s = await start({ allowedOrigins: ['https://app.example.com'] });
    await assert.rejects(
      TestClient.connect(s.url, 'evil', { origin: 'https://evil.example.com' }),
      (err: { statusCode?: number }) => err.statusCode === 403,
    );
    const good = await TestClient.connect(s.url, 'good', { origin: 'https://app.example.com' });
    h.track(good);
    const native = await TestClient.connect(s.url, 'native'); // no Origin header: not a browser
    h.track(native);
    await assert.rejects(
      TestClient.connect(s.url.replace(/\/ck$/, '/other'), 'other'),
      (err: { statusCode?: number }) => err.statusCode === 404,
    );
    await good.login('good');
  });
});

describe('callkit-server CLI', () => {
  it('parses options, refuses a short or missing secret with exit code 1, prints help', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'ck-cli-'));
    writeFileSync(join(dir, 'short'), 'tooshort\n');
    writeFileSync(join(dir, 'secret'), `${TEST_SECRET}\n`);
    assert.throws(() => parseCli(['--port', '0', '--secret-file', join(dir, 'short')], {}), /8 bytes; at least 32/);
    assert.throws(() => parseCli(['--port', '0'], {}), /secret is required/);
    assert.throws(() => parseCli(['--port', '0'], { CALLKIT_SECRET: 'short' }), /at least 32/);
    assert.throws(() => parseCli(['--port', 'x', '--dev'], {}), /--port/);
    assert.throws(() => parseCli(['--bogus'], {}), /bogus/);
    assert.throws(() => parseCli(['--secret-file', join(dir, 'missing')], {}), /cannot read --secret-file/);
    const parsed = parseCli(
      [
        '--port',
        '0',
        '--secret-file',
        join(dir, 'secret'),
        '--allowed-origins',
        'https://a.example, https://b.example',
        '--ring-timeout',
        '15',
      ],
      {},
    );
    assert.ok(!parsed.help);
    assert.equal(parsed.options.secret, TEST_SECRET); // trailing newline stripped
    assert.equal(parsed.options.sdkAppId, DEFAULT_SDK_APP_ID);
    assert.equal(parsed.options.host, '127.0.0.1');
    assert.equal(parsed.options.ringTimeoutS, 15);
    assert.deepEqual(parsed.options.allowedOrigins, ['https://a.example', 'https://b.example']);
    const fromEnv = parseCli(['--port', '0'], { CALLKIT_SECRET: TEST_SECRET, CALLKIT_ALLOWED_ORIGINS: '*' });
    assert.ok(!fromEnv.help && fromEnv.options.allowedOrigins?.[0] === '*');
    const dev = parseCli(['--dev'], { CALLKIT_SECRET: 'short-dev-secret' });
    assert.ok(!dev.help && dev.options.dev && dev.options.secret === 'short-dev-secret' && dev.options.port === 8080);
    const devNoSecret = parseCli(['--dev'], {});
    assert.ok(!devNoSecret.help && devNoSecret.options.secret.length >= 32);
    assert.deepEqual(parseCli(['-h'], {}), { help: true });

    const errors: string[] = [];
    t.mock.method(console, 'error', (m: string) => errors.push(m));
    const writes: string[] = [];
    t.mock.method(process.stdout, 'write', (m: string) => (writes.push(m), true));
    assert.equal(await main(['--port', '0', '--secret-file', join(dir, 'short')], {}), 1);
    assert.match(errors.join('\n'), /at least 32 are required/);
    assert.equal(await main(['--help'], {}), 0);
    assert.match(writes.join(''), /--secret-file[\s\S]*1400000000/);
  });

  it('runs as a command: serves on a free port, stops on SIGTERM with exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ck-cli-'));
    writeFileSync(join(dir, 'secret'), `${TEST_SECRET}\n`);
    const cli = join(import.meta.dirname, '../../server/cli.ts');
    const args = [
      '--port',
      '0',
      '--secret-file',
      join(dir, 'secret'),
      '--sdk-app-id',
      String(TEST_SDK_APP_ID),
      '--ring-timeout',
      '20',
      '--allowed-origins',
      '*',
    ];
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), cli, ...args], {
      env: { ...process.env, CALLKIT_SECRET: '' },
      // The default embedded database (./callkit-data) lands in the temp dir.
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Generous: the embedded database (PGlite, WASM) starts slowly on a loaded machine.
      await waitUntil(() => /listening on ws:\/\//.test(out), `the server to listen (output: ${out})`, 90_000);
      const url = /listening on (ws:\/\/\S+)/.exec(out)?.[1];
      assert.ok(url);
      const alice = await TestClient.login(url, 'alice');
      h.track(alice);
      const bob = await TestClient.login(url, 'bob');
      h.track(bob);
      const okInvite = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
      assert.equal(okInvite.timeout, 20);
      assert.equal((await alice.ask({ type: 'cancel', callId: okInvite.callId })).type, 'ok');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });
});
