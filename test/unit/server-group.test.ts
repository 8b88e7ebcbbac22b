/**
 * Group calls on the signaling server: several invitees with mixed answers, the mesh between
 * callees, `invite-user`, `join`, `group-call-query` and its auth rule, and the end rule
 * ("the call goes on while two members remain"). Every flow ends with no call and no timer left.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { TestClient } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';
import { ServerHarness, states } from '../helpers/server-harness.js';

const SDP_OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 00:11\r\n';

const h = new ServerHarness();
afterEach(() => h.stop());

const start = h.start;
const settled = h.settled;

function users(...ids: string[]): Promise<TestClient[]> {
  return Promise.all(ids.map((id) => h.user(id, { name: id.toUpperCase() })));
}

function memberState(c: TestClient, callId: string, userId: string, state: string): Promise<Msg<'member-state'>> {
  return c.waitForType('member-state', (m) => m.callId === callId && m.member.userId === userId && m.member.state === state);
}

async function placeGroup(caller: TestClient, to: TestClient[], extra: Record<string, unknown> = {}): Promise<string> {
  const answer = await caller.ask({ type: 'invite', to: to.map((c) => c.userId), mediaType: 'audio', ...extra });
  assert.equal(answer.type, 'invite-ok', JSON.stringify(answer));
  const { callId } = answer as Msg<'invite-ok'>;
  for (const c of to) await c.waitForType('incoming', (m) => m.callId === callId);
  return callId;
}

async function accept(c: TestClient, callId: string): Promise<Msg<'call-started'>> {
  const started = await c.ask({ type: 'accept', callId });
  assert.equal(started.type, 'call-started', JSON.stringify(started));
  return started as Msg<'call-started'>;
}

describe('signaling server: group calls', () => {
  it('rings 4 invitees at once: accepted, declined, busy, no answer; everyone live sees every state', async () => {
    await start({ ringTimeoutS: 0.4 });
    const [alice, bob, carol, dave, erin, frank] = await users('alice', 'bob', 'carol', 'dave', 'erin', 'frank');
    // dave is busy: frank is calling him.
    const other = await frank.ask({ type: 'invite', to: ['dave'], mediaType: 'audio', timeout: 600 });
    assert.equal(other.type, 'invite-ok');
    await dave.waitForType('incoming');

    const answer = (await alice.ask({ type: 'invite', to: ['bob', 'carol', 'dave', 'erin'], mediaType: 'video' })) as Msg<'invite-ok'>;
    assert.equal(answer.type, 'invite-ok');
    const { callId } = answer;
    assert.deepEqual(states(answer.members), { alice: 'accepted', bob: 'ringing', carol: 'ringing', dave: 'busy', erin: 'ringing' });
    await memberState(alice, callId, 'dave', 'busy');
    const incoming = await carol.waitForType('incoming', (m) => m.callId === callId);
    assert.deepEqual(
      incoming.members.map((m) => m.userId),
      ['alice', 'bob', 'carol', 'dave', 'erin'],
    );
    await bob.waitForType('incoming', (m) => m.callId === callId);
    await erin.waitForType('incoming', (m) => m.callId === callId);

    const started = await accept(bob, callId);
    assert.deepEqual(states(started.members), { alice: 'accepted', bob: 'accepted', carol: 'ringing', dave: 'busy', erin: 'ringing' });
    await memberState(alice, callId, 'bob', 'accepted');
    await memberState(carol, callId, 'bob', 'accepted'); // ringing invitees see it too

    assert.equal((await carol.ask({ type: 'reject', callId })).type, 'ok');
    await memberState(alice, callId, 'carol', 'rejected');
    await memberState(bob, callId, 'carol', 'rejected');

    // erin never answers: her tabs get timeout, the others a member-state; the call goes on.
    assert.deepEqual((await erin.waitForType('call-ended', (m) => m.callId === callId)).reason, 'timeout');
    await memberState(alice, callId, 'erin', 'no-response');
    await memberState(bob, callId, 'erin', 'no-response');
    assert.equal(h.server.stats().calls, 2);

    // Two remain: bob leaves, alice is the last one and the call ends for her.
    assert.equal((await bob.ask({ type: 'hangup', callId })).type, 'ok');
    assert.equal((await alice.waitForType('call-ended', (m) => m.callId === callId)).reason, 'hangup');
    assert.equal((await frank.ask({ type: 'cancel', callId: (other as Msg<'invite-ok'>).callId })).type, 'ok');
    await settled();
  });

  it('a second callee connects to the caller and to the first callee (mesh), relays flow between callees', async () => {
    await start();
    const [alice, bob, carol] = await users('alice', 'bob', 'carol');
    const callId = await placeGroup(alice, [bob, carol]);
    await accept(bob, callId);
    const started = await accept(carol, callId);
    assert.deepEqual(states(started.members), { alice: 'accepted', bob: 'accepted', carol: 'accepted' });
    await memberState(alice, callId, 'carol', 'accepted');
    await memberState(bob, callId, 'carol', 'accepted');
    carol.request({ type: 'relay', callId, to: 'bob', data: { kind: 'description', description: { type: 'offer', sdp: SDP_OFFER } } });
    const relayed = await bob.waitForType('relay', (m) => m.callId === callId);
    assert.equal(relayed.from, 'carol');

    // The caller leaves: bob and carol go on.
    assert.equal((await alice.ask({ type: 'hangup', callId })).type, 'ok');
    await memberState(bob, callId, 'alice', 'left');
    await memberState(carol, callId, 'alice', 'left');
    assert.equal(h.server.stats().calls, 1);
    assert.equal((await carol.ask({ type: 'hangup', callId })).type, 'ok');
    assert.equal((await bob.waitForType('call-ended', (m) => m.callId === callId)).reason, 'hangup');
    await settled();
  });

  it('invite-user: a 1v1 call grows; the invitee rings with the inviter as caller and can accept', async () => {
    await start();
    const [alice, bob, carol, dave] = await users('alice', 'bob', 'carol', 'dave');
    const callId = await placeGroup(alice, [bob]);
    await accept(bob, callId);
    await memberState(alice, callId, 'bob', 'accepted');

    // Only accepted members may invite; errors first.
    await carol.askError({ type: 'invite-user', callId, to: ['dave'] }, 'call-not-found');
    await bob.askError({ type: 'invite-user', callId, to: ['bob'] }, 'self-call');
    await bob.askError({ type: 'invite-user', callId, to: ['alice'] }, 'invalid-field');
    await bob.askError({ type: 'invite-user', callId, to: ['carol', 'carol'] }, 'invalid-field');
    await bob.askError({ type: 'invite-user', callId, to: ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8'] }, 'too-many-members');

    assert.equal((await bob.ask({ type: 'invite-user', callId, to: ['carol', 'nobody'] })).type, 'ok');
    const incoming = await carol.waitForType('incoming', (m) => m.callId === callId);
    assert.equal(incoming.caller.userId, 'bob');
    assert.deepEqual(states(incoming.members), { alice: 'accepted', bob: 'accepted', carol: 'ringing', nobody: 'unavailable' });
    await memberState(alice, callId, 'carol', 'ringing');
    await memberState(alice, callId, 'nobody', 'unavailable');
    await memberState(bob, callId, 'carol', 'ringing');

    const started = await accept(carol, callId);
    assert.deepEqual(states(started.members), { alice: 'accepted', bob: 'accepted', carol: 'accepted', nobody: 'unavailable' });
    await memberState(alice, callId, 'carol', 'accepted');
    await memberState(bob, callId, 'carol', 'accepted');

    // Declined invitees may be invited again; a ringing invitee cannot invite.
    assert.equal((await carol.ask({ type: 'invite-user', callId, to: ['dave'] })).type, 'ok');
    await dave.waitForType('incoming', (m) => m.callId === callId);
    await dave.askError({ type: 'invite-user', callId, to: ['nobody'] }, 'call-not-found');
    assert.equal((await dave.ask({ type: 'reject', callId })).type, 'ok');
    await memberState(alice, callId, 'dave', 'rejected');
    assert.equal((await alice.ask({ type: 'invite-user', callId, to: ['dave'] })).type, 'ok');
    await dave.waitForType('incoming', (m) => m.callId === callId && m.caller.userId === 'alice');
    assert.equal((await dave.ask({ type: 'reject', callId })).type, 'ok');

    for (const c of [alice, bob]) assert.equal((await c.ask({ type: 'hangup', callId })).type, 'ok');
    assert.equal((await carol.waitForType('call-ended', (m) => m.callId === callId)).reason, 'hangup');
    await settled();
  });

  it('join and group-call-query: only former invitees see and enter the call; a ringing invitee joining accepts', async () => {
    await start();
    const [alice, bob, carol, dave, mallory] = await users('alice', 'bob', 'carol', 'dave', 'mallory');
    const callId = await placeGroup(alice, [bob, carol, dave], { groupId: 'team-1' });
    await accept(bob, callId);
    assert.equal((await carol.ask({ type: 'reject', callId })).type, 'ok');

    // Query: members of the call's record see it; others get null (as for no call at all).
    const seen = (await carol.ask({ type: 'group-call-query', groupId: 'team-1' })) as Msg<'group-call'>;
    assert.equal(seen.type, 'group-call');
    assert.equal(seen.call?.callId, callId);
    assert.equal(seen.call?.mediaType, 'audio');
    assert.deepEqual(states(seen.call?.members ?? []), { alice: 'accepted', bob: 'accepted', carol: 'rejected', dave: 'ringing' });
    const hidden = (await mallory.ask({ type: 'group-call-query', groupId: 'team-1' })) as Msg<'group-call'>;
    assert.equal(hidden.type, 'group-call');
    assert.equal(hidden.call, null);
    assert.equal(((await alice.ask({ type: 'group-call-query', groupId: 'other' })) as Msg<'group-call'>).call, null);

    // Join: strangers cannot; a former invitee can, and the others see it accepted.
    await mallory.askError({ type: 'join', callId }, 'call-not-found');
    await bob.askError({ type: 'join', callId }, 'invalid-state');
    const joined = await carol.ask({ type: 'join', callId });
    assert.equal(joined.type, 'call-started', JSON.stringify(joined));
    assert.equal((joined as Msg<'call-started'>).mediaType, 'audio');
    await memberState(alice, callId, 'carol', 'accepted');
    await memberState(bob, callId, 'carol', 'accepted');
    await memberState(dave, callId, 'carol', 'accepted');

    // A ringing invitee's join is an accept.
    const daveJoined = await dave.ask({ type: 'join', callId });
    assert.equal(daveJoined.type, 'call-started');
    await memberState(alice, callId, 'dave', 'accepted');

    // Someone in another call cannot join.
    assert.equal((await carol.ask({ type: 'hangup', callId })).type, 'ok');
    await memberState(alice, callId, 'carol', 'left');
    const busy = (await mallory.ask({ type: 'invite', to: ['carol'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    await carol.waitForType('incoming', (m) => m.callId === busy.callId);
    await carol.askError({ type: 'join', callId }, 'already-in-call');
    assert.equal((await mallory.ask({ type: 'cancel', callId: busy.callId })).type, 'ok');
    await carol.waitForType('call-ended', (m) => m.callId === busy.callId);
    // ...and once free, a member who left can come back.
    assert.equal((await carol.ask({ type: 'join', callId })).type, 'call-started');

    // Members leave one by one: the call ends when one remains.
    for (const c of [alice, bob, dave]) {
      assert.equal((await c.ask({ type: 'hangup', callId })).type, 'ok');
    }
    assert.equal((await carol.waitForType('call-ended', (m) => m.callId === callId)).reason, 'hangup');
    assert.equal(((await carol.ask({ type: 'group-call-query', groupId: 'team-1' })) as Msg<'group-call'>).call, null);
    await carol.askError({ type: 'join', callId }, 'call-not-found');
    await settled();
  });

  it('invite-user is counted by the invite rate limit', async () => {
    await start({ rateLimits: { invitesPerMinute: 2 } });
    const [alice, bob, carol] = await users('alice', 'bob', 'carol');
    const callId = await placeGroup(alice, [bob]);
    await accept(bob, callId);
    assert.equal((await alice.ask({ type: 'invite-user', callId, to: ['carol'] })).type, 'ok');
    await carol.waitForType('incoming');
    await alice.askError({ type: 'invite-user', callId, to: ['dave'] }, 'rate-limited');
    // alice leaves; bob (accepted) and carol (ringing) remain, then bob leaves: carol's ring is cancelled.
    assert.equal((await alice.ask({ type: 'hangup', callId })).type, 'ok');
    assert.equal(h.server.stats().calls, 1);
    assert.equal((await bob.ask({ type: 'hangup', callId })).type, 'ok');
    assert.equal((await carol.waitForType('call-ended', (m) => m.callId === callId)).reason, 'cancelled');
    await settled();
  });
});
