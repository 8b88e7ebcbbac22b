/**
 * Versioned schema migrations for call records and the webhook outbox. Each migration runs once,
 * in order, in its own transaction, and is recorded in `ck_schema_migrations`; a database newer
 * than this code (a version we do not know) is refused rather than guessed at. Add a migration by
 * appending to {@link MIGRATIONS}; never edit one that has shipped.
 */
import type { Db } from './db.js';

export interface Migration {
  version: number;
  name: string;
  sql: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'call records and webhook outbox',
    sql: [
      `CREATE TABLE ck_call_records (
        call_id TEXT PRIMARY KEY,
        caller_id TEXT NOT NULL,
        media_type TEXT NOT NULL,
        group_id TEXT,
        started_at BIGINT NOT NULL,
        connected_at BIGINT,
        ended_at BIGINT NOT NULL,
        end_reason TEXT NOT NULL,
        duration_ms BIGINT NOT NULL
      )`,
      `CREATE INDEX ck_call_records_ended ON ck_call_records (ended_at DESC, call_id DESC)`,
      `CREATE TABLE ck_call_members (
        call_id TEXT NOT NULL REFERENCES ck_call_records (call_id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        is_caller BOOLEAN NOT NULL,
        outcome TEXT NOT NULL,
        joined_at BIGINT,
        position INTEGER NOT NULL,
        missed BOOLEAN NOT NULL DEFAULT FALSE,
        missed_delivered BOOLEAN NOT NULL DEFAULT TRUE,
        ended_at BIGINT NOT NULL,
        PRIMARY KEY (call_id, user_id)
      )`,
      `CREATE INDEX ck_call_members_user ON ck_call_members (user_id, ended_at DESC, call_id DESC)`,
      `CREATE INDEX ck_call_members_missed ON ck_call_members (user_id) WHERE missed AND NOT missed_delivered`,
      `CREATE TABLE ck_webhook_outbox (
        id BIGSERIAL PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        call_id TEXT NOT NULL,
        body TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at BIGINT NOT NULL,
        delivered_at BIGINT,
        last_error TEXT
      )`,
      `CREATE INDEX ck_webhook_outbox_due ON ck_webhook_outbox (next_at, id) WHERE delivered_at IS NULL`,
    ],
  },
];

/** The newest schema version this code knows. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Brings the schema up to {@link SCHEMA_VERSION}; returns the versions it applied. */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await db.query(`CREATE TABLE IF NOT EXISTS ck_schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
  )`);
  const rows = await db.query<{ version: number }>('SELECT version FROM ck_schema_migrations ORDER BY version');
  const have = new Set(rows.map((r) => Number(r.version)));
  const newest = migrations[migrations.length - 1]?.version ?? 0;
  const unknown = [...have].filter((v) => v > newest);
  if (unknown.length > 0) {
    throw new Error(`callkit-server: the database schema is at version ${Math.max(...unknown)}, newer than this server (${newest})`);
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (have.has(m.version)) continue;
    await db.transaction(async (tx) => {
      for (const statement of m.sql) await tx.query(statement);
      await tx.query('INSERT INTO ck_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
    });
    applied.push(m.version);
  }
  return applied;
}
