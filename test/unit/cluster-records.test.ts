/**
 * Many nodes over Redis with records, webhooks and limits (docs/multi-node.md): two nodes share a
 * throwaway Postgres and Redis and one webhook receiver.
 * - webhooks: every node runs a sender over the shared outbox; each event is claimed by one of
 *   them, so each event id reaches the receiver exactly once (the receiver answers slowly, so a
 *   second sender polling while a delivery is in flight would send it again);
 * - the invite budget is the service's, not a node's: a user spreading invites over two nodes gets
 *   no more than `--invites-per-minute`;
 * - a call's `max-duration` limit and its record survive a leader change: the new leader ends the
 *   call at the limit (`max-duration` for both members) and writes the full record;
 * - `--call-policy-url`: the node that takes an invite asks the backend (the same test server, path
 *   `/can-call`) and the leader uses its answers.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { startRedis, redisUnavailable } from '../helpers/redis.js';
import type { TestRedis } from '../helpers/redis.js';
import { postgresAvailable, startPostgres } from '../helpers/postgres.js';
import type { TestPostgres } from '../helpers/postgres.js';
import { startNode } from '../helpers/cluster.js';
import type { TestNode } from '../helpers/cluster.js';
import { TestClient, waitUntil } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';
import type { CallRecord } from '../../src/protocol/records.js';

const WAIT = 15_000;
const ADMIN_SECRET = 'cluster-admin-secret-0123456789-abcdefghijkl';
const HOOK_SECRET = 'cluster-hook-secret-0123456789-abcdefghijklmn';
const INVITES_PER_MINUTE = 3;
/** How long the receiver holds each delivery before its 200: longer than a sender's poll (1 s). */
const RECEIVER_DELAY_MS = 1500;
const skip = redisUnavailable() ?? (postgresAvailable() ? false : 'postgresql is not installed');

/** Polls an async condition until it holds (state, not a fixed sleep). */
async function until(cond: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Arrival {
  id: string;
  type: string;
  callId: string;
  reason?: string;
}

describe('many nodes over Redis: records, webhooks, limits', { skip }, () => {
  let redis: TestRedis;
  let postgres: TestPostgres;
  let receiver: Server;
  let a: TestNode;
  let b: TestNode;
  const arrivals: Arrival[] = [];
  let inFlight = 0;
  const clients: TestClient[] = [];

  async function user(node: TestNode, userId: string): Promise<TestClient> {
    const c = await TestClient.login(node.url, userId);
    clients.push(c);
    return c;
  }

  async function admin(node: TestNode, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(node.url.replace(/^ws/, 'http') + '/admin' + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_SECRET}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: await res.json().catch(() => null) };
  }

  async function pendingEvents(): Promise<number> {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM ck_webhook_outbox WHERE delivered_at IS NULL');
      return Number(rows[0]?.n ?? 0);
    } finally {
      await client.end();
    }
  }

  /** `a` calls `b` and `b` accepts: the call id and the caller's resume token. */
  async function connect(caller: TestClient, callee: TestClient): Promise<{ callId: string; token: string }> {
    const ok = (await caller.ask({ type: 'invite', to: [callee.userId as string], mediaType: 'audio' }, WAIT)) as Msg<'invite-ok'>;
    assert.equal(ok.type, 'invite-ok', JSON.stringify(ok));
    await callee.waitFor((m) => m.type === 'incoming' && m.callId === ok.callId, 'incoming', WAIT);
    assert.equal((await callee.ask({ type: 'accept', callId: ok.callId }, WAIT)).type, 'call-started');
    await caller.waitFor(
      (m) => m.type === 'member-state' && m.callId === ok.callId && m.member.state === 'accepted',
      'the callee accepted',
      WAIT,
    );
    return { callId: ok.callId, token: ok.resumeToken ?? '' };
  }

  async function ended(c: TestClient, callId: string, timeoutMs = WAIT): Promise<string> {
    const m = (await c.waitFor((x) => x.type === 'call-ended' && x.callId === callId, 'call-ended', timeoutMs)) as Msg<'call-ended'>;
    return m.reason;
  }

  before(async () => {
    redis = await startRedis();
    postgres = await startPostgres();
    receiver = createServer((req, res) => {
      let body = '';
      if (req.url === '/can-call') {
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          const { to } = JSON.parse(body) as { to: string };
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ allowed: !to.startsWith('refused') }));
        });
        return;
      }
      inFlight++;
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const event = JSON.parse(body) as Arrival & { record?: { endReason: string } };
        arrivals.push({
          id: event.id,
          type: event.type,
          callId: event.callId,
          ...(event.record ? { reason: event.record.endReason } : {}),
        });
        setTimeout(() => {
          inFlight--;
          res.writeHead(200).end('ok');
        }, RECEIVER_DELAY_MS);
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const hook = `${base}/hook`;
    const args = [
      '--grace',
      '10',
      '--database-url',
      postgres.url,
      '--webhook-url',
      hook,
      '--invites-per-minute',
      String(INVITES_PER_MINUTE),
      '--call-policy-url',
      `${base}/can-call`,
    ];
    const env = { CALLKIT_ADMIN_SECRET: ADMIN_SECRET, CALLKIT_WEBHOOK_SECRET: HOOK_SECRET };
    a = await startNode(redis.url, args, env);
    await a.leading();
    b = await startNode(redis.url, args, env);
  });

  after(async () => {
    for (const c of clients) c.close();
    if (process.env.CK_DEBUG) console.error(`A: ${a?.output()}\nB: ${b?.output()}`);
    await a?.kill();
    await b?.kill();
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
    await postgres?.stop();
    await redis?.stop();
  });

  it('two nodes with one outbox: each webhook event arrives exactly once', async () => {
    const alice = await user(a, 'alice-hook');
    const bob = await user(b, 'bob-hook');
    const { callId } = await connect(alice, bob);
    assert.equal((await bob.ask({ type: 'hangup', callId }, WAIT)).type, 'ok');
    await ended(alice, callId);
    await waitUntil(() => arrivals.some((e) => e.callId === callId && e.type === 'call-ended'), 'the call-ended event', 60_000);
    await until(async () => (await pendingEvents()) === 0 && inFlight === 0, 'the outbox to drain', 60_000);
    // A second sender that took an event while it was in flight would have sent it by now.
    await new Promise((r) => setTimeout(r, 2 * RECEIVER_DELAY_MS));
    const ids = arrivals.filter((e) => e.callId === callId).map((e) => e.id);
    assert.ok(ids.length >= 4, `call-started, member states, call-ended: ${JSON.stringify(ids)}`);
    assert.deepEqual(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      [],
      `every event once: ${JSON.stringify(arrivals)}`,
    );
  });

  it('the invite budget is the service-wide: invites spread over two nodes get at most --invites-per-minute', async () => {
    const onA = await user(a, 'carol-budget');
    const onB = await user(b, 'carol-budget');
    const answers: string[] = [];
    for (let i = 0; i < INVITES_PER_MINUTE + 1; i++) {
      const from = i % 2 === 0 ? onA : onB;
      // Offline invitees: each call ends at once (unavailable), so carol is free for the next one.
      const answer = await from.ask({ type: 'invite', to: [`nobody-${i}`], mediaType: 'audio' }, WAIT);
      answers.push(answer.type === 'error' ? (answer as Msg<'error'>).code : answer.type);
      if (answer.type === 'invite-ok') await ended(from, answer.callId);
    }
    assert.deepEqual(answers, [...Array<string>(INVITES_PER_MINUTE).fill('invite-ok'), 'rate-limited']);
  });

  it('--call-policy-url on a cluster: the leader uses the answers the follower got for the invite', async () => {
    const dana = await user(b, 'dana-policy');
    const erin = await user(a, 'erin-policy');
    await user(a, 'refused-policy');
    const ok = (await dana.ask({ type: 'invite', to: ['erin-policy'], mediaType: 'audio' }, WAIT)) as Msg<'invite-ok'>;
    assert.equal(ok.members[1]?.state, 'ringing', JSON.stringify(ok));
    await erin.waitFor((m) => m.type === 'incoming' && m.callId === ok.callId, 'incoming', WAIT);
    assert.equal((await dana.ask({ type: 'cancel', callId: ok.callId }, WAIT)).type, 'ok');
    const refused = (await dana.ask({ type: 'invite', to: ['refused-policy'], mediaType: 'audio' }, WAIT)) as Msg<'invite-ok'>;
    assert.equal(await ended(dana, refused.callId), 'not-allowed');
  });

  it('a max-duration limit and the record survive a leader change: the new leader ends the call and writes the full record', async () => {
    const alice = await user(a, 'alice-max');
    const bob = await user(b, 'bob-max');
    const { callId, token } = await connect(alice, bob);
    const limited = await admin(b, 'PUT', `/calls/${callId}/max-duration`, { seconds: 20 });
    assert.equal(limited.status, 200, JSON.stringify(limited.json));
    const endsAt = (limited.json as { endsAt: number }).endsAt;
    await a.kill();
    await b.leading();
    const alice2 = await user(b, 'alice-max');
    const resumed = await alice2.ask({ type: 'resume', callId, resumeToken: token }, WAIT);
    assert.equal(resumed.type, 'resumed', JSON.stringify(resumed));
    // The new leader enforces the limit: both members are told why the call ended.
    assert.equal(await ended(bob, callId, 90_000), 'max-duration');
    assert.equal(await ended(alice2, callId), 'max-duration');
    assert.ok(Date.now() >= endsAt - 1000, 'not before the limit');
    let record: CallRecord | undefined;
    await until(
      async () => {
        const got = await admin(b, 'GET', `/records?callId=${callId}`);
        record = (got.json as { records?: CallRecord[] } | null)?.records?.[0];
        return record !== undefined;
      },
      'the call record',
      WAIT,
    );
    assert.equal(record?.endReason, 'max-duration');
    assert.equal(record?.callerId, 'alice-max');
    assert.deepEqual(
      record?.members.map((m) => [m.userId, m.outcome]),
      [['bob-max', 'accepted']],
    );
    assert.equal(typeof record?.connectedAt, 'number');
    assert.ok((record?.durationMs ?? 0) >= 19_000, `counted from the answer on the first leader: ${JSON.stringify(record)}`);
    await waitUntil(
      () => arrivals.some((e) => e.callId === callId && e.type === 'call-ended' && e.reason === 'max-duration'),
      'the call-ended webhook',
      60_000,
    );
  });
});
