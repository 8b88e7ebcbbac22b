/**
 * Call records and the webhook outbox in SQL (see `migrations.ts` for the tables). A finished call
 * is written in one transaction with the webhook events it produced, so a record and its events
 * are stored together or not at all. Pages are keyset-paginated (ended_at, call_id), newest first.
 */
import type { CallRecord, MemberOutcome, MissedCall, RecordMember } from '../../src/protocol/records.js';
import type { Db } from './db.js';

/** A stored member row: the record member, whether it missed the call and whether that was delivered. */
export interface StoredMember extends RecordMember {
  missed: boolean;
  /** False: a missed call to deliver at the user's next login. */
  missedDelivered: boolean;
}

export interface RecordToStore {
  record: CallRecord;
  caller: { outcome: MemberOutcome; joinedAt?: number };
  members: StoredMember[];
}

/** One webhook event to deliver (see `webhooks.ts`). */
export interface OutboxEvent {
  eventId: string;
  callId: string;
  body: string;
}

export interface OutboxRow extends OutboxEvent {
  id: number;
  attempts: number;
}

export interface RecordFilter {
  userId?: string;
  callId?: string;
  since?: number;
  until?: number;
  limit: number;
  cursor?: string;
}

interface RecordRow {
  call_id: string;
  caller_id: string;
  media_type: 'audio' | 'video';
  group_id: string | null;
  started_at: number;
  connected_at: number | null;
  ended_at: number;
  end_reason: string;
  duration_ms: number;
}

interface MemberRow {
  call_id: string;
  user_id: string;
  outcome: MemberOutcome;
  joined_at: number | null;
  is_caller: boolean;
}

export function encodeCursor(endedAt: number, callId: string): string {
  return Buffer.from(`${endedAt}:${callId}`).toString('base64url');
}

/** The position a cursor names, or null for a cursor we did not make. */
export function decodeCursor(cursor: string): { endedAt: number; callId: string } | null {
  const m = /^(\d{1,16}):([A-Za-z0-9_-]{22})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? { endedAt: Number(m[1]), callId: m[2] } : null;
}

export class RecordStore {
  /** `db` may still be opening: every method waits for it. */
  constructor(private readonly opening: Promise<Db>) {}

  db(): Promise<Db> {
    return this.opening;
  }

  /** Writes a finished call and the webhook events it produced, atomically. */
  async saveCall(rec: RecordToStore, events: readonly OutboxEvent[], now: number): Promise<void> {
    const r = rec.record;
    await (
      await this.opening
    ).transaction(async (tx) => {
      {
        await tx.query(
          `INSERT INTO ck_call_records (call_id, caller_id, media_type, group_id, started_at, connected_at, ended_at, end_reason, duration_ms)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (call_id) DO NOTHING`,
          [r.callId, r.callerId, r.mediaType, r.groupId ?? null, r.startedAt, r.connectedAt ?? null, r.endedAt, r.endReason, r.durationMs],
        );
        const rows = [
          {
            userId: r.callerId,
            isCaller: true,
            outcome: rec.caller.outcome,
            joinedAt: rec.caller.joinedAt,
            missed: false,
            delivered: true,
          },
          ...rec.members.map((m) => ({
            userId: m.userId,
            isCaller: false,
            outcome: m.outcome,
            joinedAt: m.joinedAt,
            missed: m.missed,
            delivered: m.missedDelivered,
          })),
        ];
        for (const [i, m] of rows.entries()) {
          await tx.query(
            `INSERT INTO ck_call_members (call_id, user_id, is_caller, outcome, joined_at, missed, missed_delivered, ended_at, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
            [r.callId, m.userId, m.isCaller, m.outcome, m.joinedAt ?? null, m.missed, m.delivered, r.endedAt, i],
          );
        }
      }
      for (const e of events) await insertEvent(tx, e, now);
    });
  }

  /** Queues webhook events outside a record (call-started, member-state). */
  async enqueue(events: readonly OutboxEvent[], now: number): Promise<void> {
    if (events.length === 0) return;
    await (
      await this.opening
    ).transaction(async (tx) => {
      for (const e of events) await insertEvent(tx, e, now);
    });
  }

  /** Records, newest first, filtered; `nextCursor` when more may follow. */
  async list(filter: RecordFilter): Promise<{ records: CallRecord[]; nextCursor?: string }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.userId !== undefined) {
      where.push(`r.call_id IN (SELECT call_id FROM ck_call_members WHERE user_id = ${p(filter.userId)})`);
    }
    if (filter.callId !== undefined) where.push(`r.call_id = ${p(filter.callId)}`);
    if (filter.since !== undefined) where.push(`r.ended_at >= ${p(filter.since)}`);
    if (filter.until !== undefined) where.push(`r.ended_at < ${p(filter.until)}`);
    if (filter.cursor !== undefined) {
      const c = decodeCursor(filter.cursor);
      if (!c) throw new RangeError('cursor');
      where.push(`(r.ended_at, r.call_id) < (${p(c.endedAt)}, ${p(c.callId)})`);
    }
    const rows = await (
      await this.opening
    ).query<RecordRow>(
      `SELECT r.* FROM ck_call_records r ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY r.ended_at DESC, r.call_id DESC LIMIT ${p(filter.limit + 1)}`,
      params,
    );
    const more = rows.length > filter.limit;
    const page = rows.slice(0, filter.limit);
    const members = page.length
      ? await (
          await this.opening
        ).query<MemberRow>(
          `SELECT call_id, user_id, outcome, joined_at, is_caller FROM ck_call_members WHERE call_id = ANY($1) ORDER BY call_id, position`,
          [page.map((r) => r.call_id)],
        )
      : [];
    const byCall = new Map<string, RecordMember[]>();
    for (const m of members) {
      if (m.is_caller) continue;
      const list = byCall.get(m.call_id) ?? [];
      const out: RecordMember = { userId: m.user_id, outcome: m.outcome };
      if (m.joined_at !== null) out.joinedAt = Number(m.joined_at);
      list.push(out);
      byCall.set(m.call_id, list);
    }
    const records = page.map((r) => toRecord(r, byCall.get(r.call_id) ?? []));
    const last = page[page.length - 1];
    return more && last ? { records, nextCursor: encodeCursor(Number(last.ended_at), last.call_id) } : { records };
  }

  /** The missed calls not yet delivered to `userId`, oldest first, marked delivered as they are read. */
  async takeMissed(userId: string): Promise<MissedCall[]> {
    return (await this.opening).transaction(async (tx) => {
      const rows = await tx.query<RecordRow & { outcome: MemberOutcome }>(
        `SELECT r.*, m.outcome FROM ck_call_members m JOIN ck_call_records r ON r.call_id = m.call_id
         WHERE m.user_id = $1 AND m.missed AND NOT m.missed_delivered ORDER BY r.started_at, r.call_id LIMIT 50`,
        [userId],
      );
      if (rows.length === 0) return [];
      await tx.query(`UPDATE ck_call_members SET missed_delivered = TRUE WHERE user_id = $1 AND call_id = ANY($2)`, [
        userId,
        rows.map((r) => r.call_id),
      ]);
      return rows.map((r) => {
        const out: MissedCall = {
          callId: r.call_id,
          callerId: r.caller_id,
          mediaType: r.media_type,
          startedAt: Number(r.started_at),
          outcome: r.outcome,
        };
        if (r.group_id !== null) out.groupId = r.group_id;
        return out;
      });
    });
  }

  // ---- outbox ----------------------------------------------------------------------------------

  /**
   * Claims the events due for delivery: undelivered, `next_at` reached, and the oldest undelivered
   * event of their call (so a call's events go out in order, one at a time), oldest first. A claim
   * moves `next_at` to `claimUntil`, so another sender on the same outbox (another node of a
   * cluster) skips the event while this one delivers it; `delivered` or `failed` ends the claim, and
   * a sender that dies holding one leaves it to be retried after `claimUntil`.
   */
  async due(now: number, limit: number, claimUntil: number): Promise<OutboxRow[]> {
    const rows = await (
      await this.opening
    ).query<{ id: number; event_id: string; call_id: string; body: string; attempts: number }>(
      `UPDATE ck_webhook_outbox SET next_at = $3
       WHERE id IN (
         SELECT o.id FROM ck_webhook_outbox o
         WHERE o.delivered_at IS NULL AND o.next_at <= $1
           AND NOT EXISTS (SELECT 1 FROM ck_webhook_outbox e WHERE e.call_id = o.call_id AND e.delivered_at IS NULL AND e.id < o.id)
         ORDER BY o.id LIMIT $2
         FOR UPDATE SKIP LOCKED)
         AND delivered_at IS NULL AND next_at <= $1
       RETURNING id, event_id, call_id, body, attempts`,
      [now, limit, claimUntil],
    );
    return rows
      .map((r) => ({ id: Number(r.id), eventId: r.event_id, callId: r.call_id, body: r.body, attempts: Number(r.attempts) }))
      .sort((x, y) => x.id - y.id);
  }

  async delivered(id: number, now: number): Promise<void> {
    await (
      await this.opening
    ).query('UPDATE ck_webhook_outbox SET delivered_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1', [id, now]);
  }

  async failed(id: number, nextAt: number, error: string): Promise<void> {
    await (
      await this.opening
    ).query('UPDATE ck_webhook_outbox SET attempts = attempts + 1, next_at = $2, last_error = $3 WHERE id = $1', [
      id,
      nextAt,
      error.slice(0, 500),
    ]);
  }

  /** Undelivered events (for stats and tests). */
  async pending(): Promise<number> {
    const [row] = await (
      await this.opening
    ).query<{ n: number }>('SELECT COUNT(*)::int AS n FROM ck_webhook_outbox WHERE delivered_at IS NULL');
    return Number(row?.n ?? 0);
  }
}

async function insertEvent(tx: Pick<Db, 'query'>, e: OutboxEvent, now: number): Promise<void> {
  await tx.query('INSERT INTO ck_webhook_outbox (event_id, call_id, body, next_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
    e.eventId,
    e.callId,
    e.body,
    now,
  ]);
}

function toRecord(r: RecordRow, members: RecordMember[]): CallRecord {
  const out: CallRecord = {
    callId: r.call_id,
    callerId: r.caller_id,
    mediaType: r.media_type,
    members,
    startedAt: Number(r.started_at),
    endedAt: Number(r.ended_at),
    endReason: r.end_reason,
    durationMs: Number(r.duration_ms),
  };
  if (r.group_id !== null) out.groupId = r.group_id;
  if (r.connected_at !== null) out.connectedAt = Number(r.connected_at);
  return out;
}
