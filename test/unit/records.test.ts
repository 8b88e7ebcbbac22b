/**
 * Call records on both databases (embedded PGlite and a real PostgreSQL): versioned migrations,
 * the record of every call as the server writes it from its call model (1v1 and group, every
 * member outcome), `records-query` showing a user only their own records with cursor paging, and
 * missed calls delivered once at the next login.
 */
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openDb } from '../../server/records/db.js';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from '../../server/records/migrations.js';
import { ServerHarness } from '../helpers/server-harness.js';
import type { Msg, TestClient } from '../helpers/ws-client.js';
import { recordsBackends } from '../helpers/records-backends.js';
import type { CallRecord } from '../../src/protocol/records.js';

async function call(caller: TestClient, to: string[], mediaType = 'audio'): Promise<string> {
  const answer = await caller.ask({ type: 'invite', to, mediaType });
  assert.equal(answer.type, 'invite-ok', JSON.stringify(answer));
  return (answer as Msg<'invite-ok'>).callId;
}

async function records(c: TestClient, extra: Record<string, unknown> = {}): Promise<Msg<'records'>> {
  const answer = await c.ask({ type: 'records-query', ...extra });
  assert.equal(answer.type, 'records', JSON.stringify(answer));
  return answer as Msg<'records'>;
}

for (const backend of recordsBackends()) {
  describe(`call records on ${backend.name}`, { skip: backend.skip, timeout: 120_000 }, () => {
    const h = new ServerHarness();
    before(backend.setUp);
    after(backend.tearDown);
    afterEach(() => h.stop());

    const start = async (options: Record<string, unknown> = {}) => {
      const server = await h.start({ databaseUrl: await backend.url(), ...options });
      return server;
    };
    const flushed = async () => {
      await h.settled();
      await h.server.records?.recorder.flush();
    };

    it('migrations: applied once in order, recorded, and a newer database is refused', async () => {
      const db = await openDb(await backend.url());
      try {
        assert.deepEqual(
          await migrate(db),
          MIGRATIONS.map((m) => m.version),
        );
        assert.deepEqual(await migrate(db), []);
        const rows = await db.query<{ version: number }>('SELECT version FROM ck_schema_migrations ORDER BY version');
        assert.deepEqual(
          rows.map((r) => Number(r.version)),
          [SCHEMA_VERSION],
        );
        // A later migration runs on the existing schema; a failing one rolls back whole.
        const next = [...MIGRATIONS, { version: 2, name: 'test', sql: ['ALTER TABLE ck_call_records ADD COLUMN note TEXT'] }];
        assert.deepEqual(await migrate(db, next), [2]);
        const broken = [...next, { version: 3, name: 'broken', sql: ['CREATE TABLE ck_t3 (x INT)', 'SELECT nonsense FROM nowhere'] }];
        await assert.rejects(migrate(db, broken));
        assert.equal((await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'ck_t3'`)).length, 0);
        await assert.rejects(migrate(db), /newer than this server/);
      } finally {
        await db.close();
      }
    });

    it('a 1v1 call: both users read the same record; others see nothing of it', async () => {
      await start();
      const alice = await h.user('alice');
      const bob = await h.user('bob');
      const carol = await h.user('carol');
      const callId = await call(alice, ['bob'], 'video');
      await bob.waitForType('incoming');
      assert.equal((await bob.ask({ type: 'accept', callId })).type, 'call-started');
      assert.equal((await bob.ask({ type: 'hangup', callId })).type, 'ok');
      await alice.waitForType('call-ended');
      await flushed();

      const mine = (await records(alice)).records;
      assert.equal(mine.length, 1);
      const [rec] = mine;
      assert.equal(rec.callId, callId);
      assert.equal(rec.callerId, 'alice');
      assert.equal(rec.mediaType, 'video');
      assert.equal(rec.endReason, 'hangup');
      assert.equal(rec.members.length, 1);
      assert.equal(rec.members[0].userId, 'bob');
      assert.equal(rec.members[0].outcome, 'accepted');
      assert.ok(rec.connectedAt !== undefined && rec.startedAt <= rec.connectedAt && rec.connectedAt <= rec.endedAt);
      assert.equal(rec.durationMs, rec.endedAt - rec.connectedAt);
      assert.deepEqual((await records(bob)).records, mine);
      assert.deepEqual((await records(carol)).records, []);
    });

    it('a group call: rejected, busy, no answer and cancelled members, and paging with a cursor', async () => {
      await start({ ringTimeoutS: 0.3 });
      const [alice, bob, carol, dave, erin, frank] = await Promise.all(
        ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((u) => h.user(u)),
      );
      // erin is busy: frank calls her with a long ring.
      const other = await frank.ask({ type: 'invite', to: ['erin'], mediaType: 'audio', timeout: 600 });
      await erin.waitForType('incoming');
      const callId = await call(alice, ['bob', 'carol', 'dave', 'erin']);
      await bob.waitForType('incoming', (m) => m.callId === callId);
      await carol.waitForType('incoming', (m) => m.callId === callId);
      assert.equal((await carol.ask({ type: 'reject', callId })).type, 'ok');
      assert.equal((await bob.ask({ type: 'accept', callId })).type, 'call-started');
      await dave.waitForType('call-ended', (m) => m.callId === callId && m.reason === 'timeout');
      assert.equal((await alice.ask({ type: 'hangup', callId })).type, 'ok');
      await bob.waitForType('call-ended', (m) => m.callId === callId);
      // frank gives up on erin: a cancelled call for her, ended in a later millisecond than alice's
      // (records are ordered by end time; two ends in one millisecond would tie on a fast machine).
      const endedBy = Date.now();
      while (Date.now() <= endedBy) await new Promise((resolve) => setTimeout(resolve, 1));
      assert.equal((await frank.ask({ type: 'cancel', callId: (other as Msg<'invite-ok'>).callId })).type, 'ok');
      await flushed();

      const rec = (await records(alice)).records[0];
      assert.equal(rec.callId, callId);
      assert.deepEqual(Object.fromEntries(rec.members.map((m) => [m.userId, m.outcome])), {
        bob: 'accepted',
        carol: 'rejected',
        dave: 'no-answer',
        erin: 'busy',
      });
      const erins = (await records(erin)).records;
      assert.equal(erins.length, 2);
      assert.deepEqual(
        erins.map((r) => [r.callerId, r.members.find((m) => m.userId === 'erin')?.outcome]),
        [
          ['frank', 'cancelled'],
          ['alice', 'busy'],
        ],
      );
      // One at a time: the cursor walks to the older record and then ends.
      const first = await records(erin, { limit: 1 });
      assert.equal(first.records[0].callerId, 'frank');
      assert.ok(first.nextCursor);
      const second = await records(erin, { limit: 1, cursor: first.nextCursor });
      assert.deepEqual(
        second.records.map((r: CallRecord) => r.callId),
        [callId],
      );
      assert.equal(second.nextCursor, undefined);
      const bad = await erin.askError({ type: 'records-query', cursor: 'bm90LWEtY3Vyc29y' }, 'invalid-field');
      assert.equal(bad.field, 'cursor');
    });

    it('missed calls: a call to an offline user is delivered once, at its next login', async () => {
      await start();
      const alice = await h.user('alice');
      const callId = await call(alice, ['bob']);
      await alice.waitForType('call-ended', (m) => m.callId === callId && m.reason === 'unavailable');
      await flushed();
      const bob = await h.user('bob');
      const missed = await bob.waitForType('missed-calls');
      assert.deepEqual(
        missed.calls.map((c) => [c.callId, c.callerId, c.outcome]),
        [[callId, 'alice', 'offline']],
      );
      assert.equal((await records(bob)).records[0].members[0].outcome, 'offline');
      // Delivered once: a second tab gets nothing.
      const tab2 = await h.user('bob');
      await tab2.sync();
      assert.equal(tab2.received.filter((m) => m.type === 'missed-calls').length, 0);
    });

    it('a server without a database answers records-query with not-supported', async () => {
      await h.start();
      const alice = await h.user('alice');
      await alice.askError({ type: 'records-query' }, 'not-supported');
    });
  });
}
