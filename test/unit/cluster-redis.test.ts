/**
 * Many nodes over Redis (README "Multi-node deployment", docs/multi-node.md): a throwaway
 * `redis-server` and signaling-server processes on loopback, started with `--redis-url`. Users on
 * different nodes call each other (ring, accept, relay, end reasons, busy, a group with members on
 * both nodes); a node killed with SIGKILL mid-call loses no call: its users resume through another
 * node, and a member that does not come back is dropped by the grace timer of a surviving node.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRedis, redisUnavailable } from '../helpers/redis.js';
import type { TestRedis } from '../helpers/redis.js';
import { startNode } from '../helpers/cluster.js';
import type { TestNode } from '../helpers/cluster.js';
import { TestClient, waitUntil } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';
import type { ServerMessage } from '../../src/protocol/messages.js';

const WAIT = 15_000;
const ADMIN_SECRET = 'cluster-admin-secret-0123456789-abcdefghijkl';
const ADMIN_ENV = { CALLKIT_ADMIN_SECRET: ADMIN_SECRET };

/** An admin REST call on `node` (the follower, in these tests). */
async function admin(node: TestNode, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const url = node.url.replace(/^ws/, 'http') + '/admin' + path;
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${ADMIN_SECRET}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}
/** Grace period of a lost call socket: long enough to reconnect on a loaded machine. */
const GRACE = ['--grace', '10'];
const skip = redisUnavailable() ?? false;

const clients: TestClient[] = [];
async function user(node: TestNode, userId: string): Promise<TestClient> {
  const c = await TestClient.login(node.url, userId);
  clients.push(c);
  return c;
}

function isType<T extends ServerMessage['type']>(type: T, callId: string) {
  return (m: ServerMessage): m is Msg<T> => m.type === type && 'callId' in m && m.callId === callId;
}

async function memberState(c: TestClient, callId: string, userId: string, state: string): Promise<void> {
  await c.waitFor(
    (m) => m.type === 'member-state' && m.callId === callId && m.member.userId === userId && m.member.state === state,
    `${userId} ${state}`,
    WAIT,
  );
}

async function ended(c: TestClient, callId: string): Promise<string> {
  const m = (await c.waitFor(isType('call-ended', callId), 'call-ended', WAIT)) as Msg<'call-ended'>;
  return m.reason;
}

/** `a` calls `b` (on any nodes) and `b` accepts: the call id and both resume tokens. */
async function connect(a: TestClient, b: TestClient): Promise<{ callId: string; tokenA: string; tokenB: string }> {
  const ok = (await a.ask({ type: 'invite', to: [b.userId], mediaType: 'video' }, WAIT)) as Msg<'invite-ok'>;
  assert.equal(ok.type, 'invite-ok', JSON.stringify(ok));
  await b.waitFor(isType('incoming', ok.callId), `incoming (caller got ${JSON.stringify(a.received)})`, WAIT);
  const started = (await b.ask({ type: 'accept', callId: ok.callId }, WAIT)) as Msg<'call-started'>;
  assert.equal(started.type, 'call-started', JSON.stringify(started));
  await memberState(a, ok.callId, b.userId as string, 'accepted');
  return { callId: ok.callId, tokenA: ok.resumeToken ?? '', tokenB: started.resumeToken ?? '' };
}

async function relayArrives(from: TestClient, to: TestClient, callId: string): Promise<void> {
  const data = { kind: 'candidate', candidate: null };
  from.request({ type: 'relay', callId, to: to.userId, data });
  const got = (await to.waitFor(isType('relay', callId), 'relay', WAIT)) as Msg<'relay'>;
  assert.equal(got.from, from.userId);
}

describe('many nodes over Redis', { skip }, () => {
  let redis: TestRedis;
  let a: TestNode;
  let b: TestNode;

  before(async () => {
    redis = await startRedis();
    a = await startNode(redis.url, GRACE, ADMIN_ENV);
    await a.leading();
    b = await startNode(redis.url, GRACE, ADMIN_ENV);
  });

  after(async () => {
    for (const c of clients) c.close();
    if (process.env.CK_DEBUG) console.error(`A: ${a?.output()}\nB: ${b?.output()}`);
    await a?.kill();
    await b?.kill();
    await redis?.stop();
  });

  it('alice on node A calls bob on node B: ring, accept, relay both ways, hangup', async () => {
    const alice = await user(a, 'alice1');
    const bob = await user(b, 'bob1');
    const { callId } = await connect(alice, bob);
    await relayArrives(alice, bob, callId);
    await relayArrives(bob, alice, callId);
    bob.request({ type: 'media-state', callId, audio: false, video: true });
    await alice.waitFor((m) => m.type === 'media-state' && m.callId === callId && m.audio === false, 'media-state', WAIT);
    assert.equal((await alice.ask({ type: 'hangup', callId }, WAIT)).type, 'ok');
    assert.equal(await ended(bob, callId), 'hangup');
  });

  it('end reasons across nodes: rejected, cancelled', async () => {
    const alice = await user(a, 'alice2');
    const bob = await user(b, 'bob2');
    const first = (await bob.ask({ type: 'invite', to: ['alice2'], mediaType: 'audio' }, WAIT)) as Msg<'invite-ok'>;
    await alice.waitFor(isType('incoming', first.callId), 'incoming', WAIT);
    assert.equal((await alice.ask({ type: 'reject', callId: first.callId }, WAIT)).type, 'ok');
    assert.equal(await ended(bob, first.callId), 'rejected');
    const second = (await alice.ask({ type: 'invite', to: ['bob2'], mediaType: 'audio' }, WAIT)) as Msg<'invite-ok'>;
    await bob.waitFor(isType('incoming', second.callId), 'incoming', WAIT);
    assert.equal((await alice.ask({ type: 'cancel', callId: second.callId }, WAIT)).type, 'ok');
    assert.equal(await ended(bob, second.callId), 'cancelled');
  });

  it('presence is refused with not-supported on a cluster (each node sees only its own sockets), not answered wrongly', async () => {
    const alice = await user(b, 'alice-presence');
    await user(a, 'bob-presence');
    const answer = await alice.ask({ type: 'presence-subscribe', userIds: ['bob-presence'] }, WAIT);
    assert.equal(answer.type, 'error', JSON.stringify(answer));
    assert.equal((answer as Msg<'error'>).code, 'not-supported');
  });

  it('busy across nodes: a user in a call on node B is busy for a caller on node A', async () => {
    const alice = await user(a, 'alice3');
    const bob = await user(b, 'bob3');
    const dave = await user(a, 'dave3');
    const { callId } = await connect(alice, bob);
    const ok = (await dave.ask({ type: 'invite', to: ['bob3'], mediaType: 'audio' }, WAIT)) as Msg<'invite-ok'>;
    assert.equal(ok.type, 'invite-ok');
    await memberState(dave, ok.callId, 'bob3', 'busy');
    assert.equal(await ended(dave, ok.callId), 'busy');
    // alice (node A) is busy for a caller on node B too.
    const erin = await user(b, 'erin3');
    const ok2 = (await erin.ask({ type: 'invite', to: ['alice3'], mediaType: 'audio' }, WAIT)) as Msg<'invite-ok'>;
    assert.equal(await ended(erin, ok2.callId), 'busy');
    assert.equal((await bob.ask({ type: 'hangup', callId }, WAIT)).type, 'ok');
    assert.equal(await ended(alice, callId), 'hangup');
  });

  it('a group with members on both nodes: every member hears every other, one leaves, the call goes on', async () => {
    const alice = await user(a, 'alice4');
    const bob = await user(b, 'bob4');
    const carol = await user(a, 'carol4');
    const dan = await user(b, 'dan4');
    const ok = (await alice.ask(
      { type: 'invite', to: ['bob4', 'carol4', 'dan4'], mediaType: 'video', groupId: 'g4' },
      WAIT,
    )) as Msg<'invite-ok'>;
    const { callId } = ok;
    for (const c of [bob, carol, dan]) {
      await c.waitFor(isType('incoming', callId), 'incoming', WAIT);
      assert.equal((await c.ask({ type: 'accept', callId }, WAIT)).type, 'call-started');
    }
    await memberState(alice, callId, 'dan4', 'accepted');
    await relayArrives(carol, dan, callId);
    await relayArrives(dan, carol, callId);
    await relayArrives(bob, alice, callId);
    assert.equal((await bob.ask({ type: 'hangup', callId }, WAIT)).type, 'ok');
    for (const c of [alice, carol, dan]) await memberState(c, callId, 'bob4', 'left');
    await relayArrives(alice, dan, callId);
    const q = (await bob.ask({ type: 'group-call-query', groupId: 'g4' }, WAIT)) as Msg<'group-call'>;
    assert.equal(q.call?.callId, callId);
    for (const c of [alice, carol]) assert.equal((await c.ask({ type: 'hangup', callId }, WAIT)).type, 'ok');
    assert.equal(await ended(dan, callId), 'hangup');
  });

  it('the admin API on a follower lists the live calls of the service, sets a limit and ends a call', async () => {
    const alice = await user(a, 'alice7');
    const bob = await user(b, 'bob7');
    const { callId } = await connect(alice, bob);
    const listed = await admin(b, 'GET', '/calls');
    assert.equal(listed.status, 200);
    const calls = (listed.json as { calls: { callId: string; members: { userId: string; state: string }[] }[] }).calls;
    const call = calls.find((c) => c.callId === callId);
    assert.deepEqual(
      call?.members.map((m) => [m.userId, m.state]),
      [
        ['alice7', 'accepted'],
        ['bob7', 'accepted'],
      ],
    );
    const limited = await admin(b, 'PUT', `/calls/${callId}/max-duration`, { seconds: 3600 });
    assert.equal(limited.status, 200, JSON.stringify(limited.json));
    assert.equal(typeof (limited.json as { endsAt: unknown }).endsAt, 'number');
    assert.equal((await admin(b, 'POST', '/calls/nosuchcallnosuchcall00/end', {})).status, 404);
    const endReply = await admin(b, 'POST', `/calls/${callId}/end`, { message: 'maintenance' });
    assert.equal(endReply.status, 200, JSON.stringify(endReply.json));
    assert.equal(await ended(alice, callId), 'ended-by-admin');
    assert.equal(await ended(bob, callId), 'ended-by-admin');
  });

  it('a member on a killed node that never comes back is dropped by the grace timer of a surviving node', async () => {
    // A third node (not leading) holds carol; it dies; the leader (A) sees its liveness key expire
    // and runs carol's grace timer, after which alice is told carol left and the call ends.
    const c = await startNode(redis.url, GRACE);
    try {
      const alice = await user(a, 'alice5');
      const carol = await user(c, 'carol5');
      const { callId } = await connect(alice, carol);
      await c.kill();
      await alice.waitFor((m) => m.type === 'member-state' && m.callId === callId && m.member.state === 'left', 'carol left', 40_000);
      assert.equal(await ended(alice, callId), 'disconnected');
    } finally {
      await c.kill();
    }
  });

  it('a node that stalls past the lease closes its sockets when it wakes: its member resumes', async () => {
    const c = await startNode(redis.url, GRACE);
    try {
      const alice = await user(a, 'alice8');
      const carol = await user(c, 'carol8');
      const { callId, tokenB } = await connect(alice, carol);
      const id = /cluster: node (\d+) joined/.exec(c.output())?.[1];
      c.signal('SIGSTOP');
      await waitUntil(() => a.output().includes(`cluster: node ${id} is gone (1 sockets)`), 'the leader to drop the stalled node', 20_000);
      c.signal('SIGCONT');
      // Its sockets are no longer in any call's reach: it closes them (1012) so their clients reconnect.
      assert.equal((await carol.waitClose(20_000)).code, 1012);
      const carol2 = await user(c, 'carol8');
      const resumed = (await carol2.ask({ type: 'resume', callId, resumeToken: tokenB }, WAIT)) as Msg<'resumed'>;
      assert.equal(resumed.type, 'resumed', JSON.stringify(resumed));
      await relayArrives(alice, carol2, callId);
      assert.equal((await alice.ask({ type: 'hangup', callId }, WAIT)).type, 'ok');
      assert.equal(await ended(carol2, callId), 'hangup');
    } finally {
      c.signal('SIGCONT');
      await c.kill();
    }
  });

  it('node A (the leader) is killed mid-call: alice resumes through node B, bob on B keeps the call', async () => {
    const alice = await user(a, 'alice6');
    const bob = await user(b, 'bob6');
    const { callId, tokenA } = await connect(alice, bob);
    await a.kill();
    await b.leading();
    const alice2 = await user(b, 'alice6');
    const resumed = (await alice2.ask({ type: 'resume', callId, resumeToken: tokenA }, WAIT)) as Msg<'resumed'>;
    assert.equal(resumed.type, 'resumed', JSON.stringify(resumed));
    assert.deepEqual(
      resumed.members.map((m) => [m.userId, m.state]),
      [
        ['alice6', 'accepted'],
        ['bob6', 'accepted'],
      ],
    );
    await relayArrives(alice2, bob, callId);
    await relayArrives(bob, alice2, callId);
    assert.equal((await bob.ask({ type: 'hangup', callId }, WAIT)).type, 'ok');
    assert.equal(await ended(alice2, callId), 'hangup');
  });
});
