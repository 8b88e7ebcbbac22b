/**
 * Webhooks on both databases: events come from the persistent outbox, signed (HMAC-SHA256 over
 * "<t>.<body>"), retried with exponential backoff while the receiver refuses, and in the end every
 * event arrives exactly once by id, in order per call, also across a server restart.
 */
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backoffMs, signWebhook, verifyWebhook, WebhookSender } from '../../server/records/webhooks.js';
import type { RecordStore } from '../../server/records/store.js';
import type { Logger } from '../../server/options.js';
import { ServerHarness } from '../helpers/server-harness.js';
import { waitUntil } from '../helpers/ws-client.js';
import type { Msg, TestClient } from '../helpers/ws-client.js';
import { recordsBackends } from '../helpers/records-backends.js';

const HOOK_SECRET = 'webhook-test-secret-0123456789-abcdefghij';

interface Received {
  id: string;
  type: string;
  callId: string;
  seq: number;
  body: Record<string, unknown>;
}

/** A webhook receiver that refuses (503) while `refusing`, and checks every signature. */
class Receiver {
  refusing = true;
  refused = 0;
  readonly accepted: Received[] = [];
  readonly badSignatures: string[] = [];
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        if (!verifyWebhook(raw, req.headers['x-callkit-signature'] as string | undefined, HOOK_SECRET)) {
          this.badSignatures.push(raw);
          res.writeHead(401).end();
          return;
        }
        if (this.refusing) {
          this.refused++;
          res.writeHead(503).end();
          return;
        }
        const body = JSON.parse(raw) as Record<string, unknown>;
        assert.equal(req.headers['x-callkit-event-id'], body.id);
        this.accepted.push({ id: String(body.id), type: String(body.type), callId: String(body.callId), seq: Number(body.seq), body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server?.address() as { port: number }).port}/hooks`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.#server?.closeAllConnections();
      this.#server?.close(() => resolve());
    });
  }
}

describe('webhook signatures and backoff', () => {
  it('verify: the signed body within the replay window only', () => {
    const body = '{"id":"x"}';
    const now = 1_800_000_000;
    const sig = signWebhook(HOOK_SECRET, body, now);
    assert.match(sig, /^t=1800000000,v1=[0-9a-f]{64}$/);
    assert.equal(verifyWebhook(body, sig, HOOK_SECRET, { nowS: now + 10 }), true);
    assert.equal(verifyWebhook('{"id":"y"}', sig, HOOK_SECRET, { nowS: now }), false, 'tampered body');
    assert.equal(verifyWebhook(body, sig, `${HOOK_SECRET}!`, { nowS: now }), false, 'other secret');
    assert.equal(verifyWebhook(body, sig, HOOK_SECRET, { nowS: now + 301 }), false, 'replayed after the window');
    assert.equal(verifyWebhook(body, undefined, HOOK_SECRET, { nowS: now }), false);
  });

  it('backoff doubles from the base up to the cap', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 10, 60].map((a) => backoffMs(a, 1000, 600_000)),
      [1000, 2000, 4000, 8000, 600_000, 600_000],
    );
  });

  it('stop: an event claimed while the sender stops is still tried and its outcome written, never left claimed', async () => {
    // A store whose outbox read is held until the test lets it go: stop() lands while the claim is in flight.
    let release: (rows: { id: number; eventId: string; callId: string; body: string; attempts: number }[]) => void = () => undefined;
    let reads = 0;
    const outcomes: string[] = [];
    const store = {
      due: () => (reads++ === 0 ? new Promise((resolve) => (release = resolve)) : Promise.resolve([])),
      delivered: async (id: number) => void outcomes.push(`delivered ${id}`),
      failed: async (id: number) => void outcomes.push(`failed ${id}`),
    } as unknown as RecordStore;
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
    // Nothing listens on port 9 (discard): the try fails at once, which is an outcome too.
    const sender = new WebhookSender(store, { url: 'http://127.0.0.1:9/hook', secret: HOOK_SECRET, timeoutMs: 2000 }, quiet);
    sender.start();
    await waitUntil(() => reads === 1, 'the sender reads the outbox', 5000);
    const stopped = sender.stop();
    release([{ id: 7, eventId: 'e7', callId: 'c1', body: '{}', attempts: 0 }]);
    await stopped;
    assert.deepEqual(outcomes, ['failed 7'], 'the claimed event was tried before the sender stopped');
  });
});

async function oneToOne(alice: TestClient, bob: TestClient): Promise<string> {
  const { callId } = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
  await bob.waitForType('incoming', (m) => m.callId === callId);
  assert.equal((await bob.ask({ type: 'accept', callId })).type, 'call-started');
  assert.equal((await alice.ask({ type: 'hangup', callId })).type, 'ok');
  await bob.waitForType('call-ended', (m) => m.callId === callId);
  return callId;
}

function checkExactlyOnceInOrder(events: Received[]): Map<string, string[]> {
  const ids = events.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, `an event arrived twice: ${ids.join(' ')}`);
  const byCall = new Map<string, Received[]>();
  for (const e of events) byCall.set(e.callId, [...(byCall.get(e.callId) ?? []), e]);
  const types = new Map<string, string[]>();
  for (const [callId, list] of byCall) {
    assert.deepEqual(
      list.map((e) => e.seq),
      list.map((_e, i) => i + 1),
      `events of ${callId} out of order or missing`,
    );
    types.set(
      callId,
      list.map((e) => e.type),
    );
  }
  return types;
}

for (const backend of recordsBackends()) {
  describe(`webhooks on ${backend.name}`, { skip: backend.skip, timeout: 120_000 }, () => {
    const h = new ServerHarness();
    const receiver = new Receiver();
    const dirs: string[] = [];
    before(async () => {
      await backend.setUp();
      await receiver.start();
    });
    after(async () => {
      await receiver.stop();
      await backend.tearDown();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });
    afterEach(() => h.stop());

    const webhooks = () => ({ url: receiver.url, secret: HOOK_SECRET, retryBaseMs: 20, maxDelayMs: 200, pollMs: 50 });

    it('a receiver that refuses for a while gets every event exactly once, in order per call', async () => {
      receiver.refusing = true;
      receiver.accepted.length = 0;
      await h.start({ databaseUrl: await backend.url(), webhooks: webhooks(), ringTimeoutS: 0.3 });
      const [alice, bob] = await Promise.all(['alice', 'bob', 'carol'].map((u) => h.user(u))); // carol is online: she rings
      const first = await oneToOne(alice, bob);
      // A group call where carol does not answer: a `missed` event for her.
      const { callId: second } = (await alice.ask({ type: 'invite', to: ['bob', 'carol'], mediaType: 'video' })) as Msg<'invite-ok'>;
      await bob.waitForType('incoming', (m) => m.callId === second);
      assert.equal((await bob.ask({ type: 'accept', callId: second })).type, 'call-started');
      await alice.waitForType(
        'member-state',
        (m) => m.callId === second && m.member.userId === 'carol' && m.member.state === 'no-response',
      );
      assert.equal((await bob.ask({ type: 'hangup', callId: second })).type, 'ok');
      await alice.waitForType('call-ended', (m) => m.callId === second);
      await h.server.records?.recorder.flush();
      // The receiver is down until it has refused a good number of tries (backoff keeps retrying).
      await waitUntil(() => receiver.refused >= 8, 'the receiver refused 8 tries', 20_000);
      receiver.refusing = false;
      await waitUntil(() => receiver.accepted.filter((e) => e.type === 'call-ended').length === 2, 'both call-ended events', 20_000);
      // The sender marks the last event delivered once the receiver's 200 reached it (not before).
      for (let i = 0; i < 200 && (await h.server.records?.store.pending()) !== 0; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(await h.server.records?.store.pending(), 0);
      assert.deepEqual(receiver.badSignatures, []);
      const types = checkExactlyOnceInOrder(receiver.accepted);
      assert.deepEqual(types.get(first), ['call-started', 'member-state', 'member-state', 'call-ended']);
      assert.deepEqual(types.get(second), ['call-started', 'member-state', 'member-state', 'member-state', 'missed', 'call-ended']);
      const missed = receiver.accepted.find((e) => e.type === 'missed');
      assert.equal(missed?.body.userId, 'carol');
      assert.equal(missed?.body.outcome, 'no-answer');
      const ended = receiver.accepted.find((e) => e.type === 'call-ended' && e.callId === first);
      assert.equal((ended?.body.record as { callerId: string }).callerId, 'alice');
    });

    it('events still in the outbox when the server stops are delivered after a restart', async () => {
      receiver.refusing = true;
      receiver.accepted.length = 0;
      let url = await backend.url();
      if (url === 'memory://') {
        url = mkdtempSync(join(tmpdir(), 'ck-pglite-'));
        dirs.push(url);
      }
      await h.start({ databaseUrl: url, webhooks: webhooks() });
      const [alice, bob] = await Promise.all(['alice', 'bob'].map((u) => h.user(u)));
      const callId = await oneToOne(alice, bob);
      await h.server.records?.recorder.flush();
      assert.equal(await h.server.records?.store.pending(), 4);
      await h.stop();
      receiver.refusing = false;
      await h.start({ databaseUrl: url, webhooks: webhooks() });
      await waitUntil(() => receiver.accepted.length === 4, 'the 4 events after the restart', 20_000);
      assert.deepEqual(checkExactlyOnceInOrder(receiver.accepted).get(callId), [
        'call-started',
        'member-state',
        'member-state',
        'call-ended',
      ]);
    });
  });
}
