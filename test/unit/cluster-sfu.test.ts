/**
 * The SFU on a cluster (issue 15, docs/multi-node.md "Group video through the SFU"): a throwaway
 * `redis-server`, a throwaway Janus and three signaling-server processes (`--redis-url`, `--sfu auto`,
 * `--janus-url`): A leads and holds no sockets, the members are on B and C. The leader owns the
 * call's Janus room; each member's `sfu` messages go from its node to the leader through the inbox,
 * and Janus's answers come back on the member's node channel. Protocol clients, no browser: the
 * upload offer is a browser-shaped SDP (`helpers/sdp-offer.ts`) that Janus answers. Membership
 * checks hold across nodes; when the leader dies mid-call, the new leader ends the SFU call with a
 * clear reason (its Janus handles went with the old leader) and carries new SFU calls itself.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRedis, redisUnavailable, type TestRedis } from '../helpers/redis.js';
import { startNode, type TestNode } from '../helpers/cluster.js';
import { startTestJanus, janusAvailable } from '../helpers/janus.js';
import type { JanusInstance } from '../../server/sfu/janus-process.js';
import { TestClient, waitUntil, type Msg } from '../helpers/ws-client.js';
import type { ServerMessage } from '../../src/protocol/messages.js';
import { publishOffer } from '../helpers/sdp-offer.js';

/** Generous: three nodes, Janus and Redis on a loaded 2-core machine. */
const WAIT = 30_000;
const skip = redisUnavailable() ?? (janusAvailable() ? false : 'janus is not installed (Debian package janus)');

const clients: TestClient[] = [];
async function user(node: TestNode, userId: string): Promise<TestClient> {
  const c = await TestClient.login(node.url, userId);
  clients.push(c);
  return c;
}

function isType<T extends ServerMessage['type']>(type: T, callId: string) {
  return (m: ServerMessage): m is Msg<T> => m.type === type && 'callId' in m && m.callId === callId;
}

/** `caller` invites `others`, who accept one by one; the 4th accepted member moves the call to the SFU. */
async function groupCall(caller: TestClient, others: TestClient[]): Promise<string> {
  const ok = (await caller.ask({ type: 'invite', to: others.map((o) => o.userId), mediaType: 'video' }, WAIT)) as Msg<'invite-ok'>;
  assert.equal(ok.type, 'invite-ok', JSON.stringify(ok));
  for (const c of others) {
    await c.waitFor(isType('incoming', ok.callId), `${c.userId} rings`, WAIT);
    const started = (await c.ask({ type: 'accept', callId: ok.callId }, WAIT)) as Msg<'call-started'>;
    assert.equal(started.type, 'call-started', JSON.stringify(started));
  }
  return ok.callId;
}

/** Every member of an SFU call is told `sfu start` (or joined with `call-started {sfu: true}`). */
async function movedToSfu(members: TestClient[], callId: string): Promise<void> {
  for (const c of members) {
    const started = c.received.find((m) => m.type === 'call-started' && m.callId === callId);
    if (started?.type === 'call-started' && started.sfu === true) continue;
    const start = (await c.waitFor(isType('sfu', callId), `${c.userId}: sfu start`, WAIT)) as Msg<'sfu'>;
    assert.deepEqual(start.data, { kind: 'start' }, c.userId);
  }
}

/** `c` publishes its upload offer; Janus's answer comes back to `c`'s socket, on `c`'s node. */
async function publishes(c: TestClient, callId: string): Promise<void> {
  const ref = c.request({
    type: 'sfu',
    callId,
    data: { kind: 'publish', description: { type: 'offer', sdp: publishOffer(`u${c.userId}`) } },
  });
  const got = await c.waitFor(
    (m) => (m.type === 'sfu' && m.callId === callId && m.data.kind === 'answer') || (m.type === 'error' && m.ref === ref),
    `${c.userId}: Janus's answer`,
    WAIT,
  );
  assert.equal(got.type, 'sfu', JSON.stringify(got));
  const data = (got as Msg<'sfu'>).data;
  assert.equal(data.kind, 'answer');
  assert.match(data.kind === 'answer' ? data.description.sdp : '', /^v=0\r\n[\s\S]*m=video /, 'an SDP answer with video');
}

describe('the SFU on a cluster (real Redis, real Janus, three nodes)', { skip, timeout: 300_000 }, () => {
  let redis: TestRedis;
  let janus: JanusInstance;
  let a: TestNode;
  let b: TestNode;
  let c: TestNode;

  before(async () => {
    redis = await startRedis();
    janus = await startTestJanus();
    const args = ['--grace', '10', '--sfu', 'auto', '--janus-url', janus.url];
    a = await startNode(redis.url, args);
    await a.leading();
    b = await startNode(redis.url, args);
    c = await startNode(redis.url, args);
  });

  after(async () => {
    for (const x of clients) x.close();
    if (process.env.CK_DEBUG) console.error(`A: ${a?.output()}\nB: ${b?.output()}\nC: ${c?.output()}`);
    await a?.kill();
    await b?.kill();
    await c?.kill();
    await janus?.stop();
    await redis?.stop();
  });

  it('members on two followers: the call moves to the SFU, each publish is answered on its own node, membership is checked; the leader dies and the SFU call ends with a reason; the new leader carries the next one', async () => {
    const [ann, bob] = await Promise.all(['ann', 'bob'].map((u) => user(b, u)));
    const [cat, dan, eve] = await Promise.all(['cat', 'dan', 'eve'].map((u) => user(c, u)));
    for (const x of [ann, bob, cat, dan]) {
      const loginOk = x.received.find((m) => m.type === 'login-ok');
      assert.equal(loginOk?.type === 'login-ok' && loginOk.sfu, true, `${x.userId}: login-ok says the cluster has an SFU`);
    }

    const callId = await groupCall(ann, [bob, cat, dan]);
    const members = [ann, bob, cat, dan];
    await movedToSfu(members, callId);
    for (const x of members) await publishes(x, callId);
    // A candidate for the upload reaches Janus through the leader (no error comes back).
    const candidateRef = bob.request({ type: 'sfu', callId, data: { kind: 'candidate', pc: 'pub', candidate: null } });

    // Someone on another node who is not in the call is refused as on one node (no probing of call ids).
    const probe = eve.request({
      type: 'sfu',
      callId,
      data: { kind: 'publish', description: { type: 'offer', sdp: publishOffer('ueve') } },
    });
    const refused = (await eve.waitFor((m) => m.type === 'error' && m.ref === probe, 'eve refused', WAIT)) as Msg<'error'>;
    assert.equal(refused.code, 'call-not-found');
    // A layer of someone outside the call is refused; one of a member is taken.
    const bad = ann.request({ type: 'sfu', callId, data: { kind: 'layer', userId: 'eve', substream: 1 } });
    const layerRefused = (await ann.waitFor((m) => m.type === 'error' && m.ref === bad, 'layer refused', WAIT)) as Msg<'error'>;
    assert.deepEqual([layerRefused.code, layerRefused.field], ['not-in-call', 'userId']);

    // The leader (A, holding the Janus room) dies: a new leader ends the SFU call with a clear reason.
    await a.kill();
    for (const x of members) {
      const ended = (await x.waitFor(isType('call-ended', callId), `${x.userId}: call-ended`, WAIT)) as Msg<'call-ended'>;
      assert.equal(ended.reason, 'ended', x.userId);
      assert.match(ended.message ?? '', /media server \(SFU\)/, x.userId);
    }
    assert.equal(
      bob.received.filter((m) => m.type === 'error' && m.ref === candidateRef).length,
      0,
      'the candidate was taken by the old leader',
    );
    await waitUntil(() => /cluster: node \d+ leads/.test(b.output() + c.output()), 'a new leader', WAIT);

    // The new leader runs the SFU for the next call (its own Janus connection).
    const next = await groupCall(dan, [cat, bob, ann]);
    await movedToSfu(members, next);
    for (const x of members) await publishes(x, next);
    for (const x of members) x.request({ type: 'hangup', callId: next });
    for (const x of members) await x.waitFor(isType('call-ended', next), `${x.userId}: the next call ends`, WAIT).catch(() => undefined);
  });
});
