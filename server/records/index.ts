/**
 * Call records, missed calls and webhooks, wired for the server: opens the database (PGlite by
 * default, Postgres by URL), migrates it, and gives the registry a {@link CallRecorder} as its
 * observer, the dispatcher the per-user queries, and the outbox to the {@link WebhookSender}.
 */
import type { CallRecord, MissedCall } from '../../src/protocol/records.js';
import type { Logger } from '../options.js';
import { openDb } from './db.js';
import type { Db } from './db.js';
import { migrate } from './migrations.js';
import { CallRecorder } from './recorder.js';
import { RecordStore } from './store.js';
import type { RecordFilter } from './store.js';
import { WebhookSender } from './webhooks.js';
import type { WebhookOptions } from './webhooks.js';

export interface RecordsOptions {
  /** `postgres://user@host/db` (a real Postgres), a PGlite data directory, or `memory://`. */
  databaseUrl: string;
  /** Webhooks for the operator's backend; absent: none are queued. */
  webhooks?: WebhookOptions;
}

export class RecordsService {
  readonly store: RecordStore;
  readonly recorder: CallRecorder;
  readonly sender: WebhookSender | null;
  readonly #ready: Promise<Db>;

  constructor(options: RecordsOptions, log: Logger) {
    this.#ready = openDb(options.databaseUrl).then(async (db) => {
      try {
        const applied = await migrate(db);
        if (applied.length) log.info(`call records: ${db.kind} schema migrated to version ${applied[applied.length - 1]}`);
        return db;
      } catch (err) {
        await db.close().catch(() => undefined);
        throw err;
      }
    });
    this.#ready.catch(() => undefined); // reported by ready()
    this.store = new RecordStore(this.#ready);
    this.sender = options.webhooks ? new WebhookSender(this.store, options.webhooks, log) : null;
    this.recorder = new CallRecorder({
      store: this.store,
      webhooks: this.sender !== null,
      log,
      onWritten: () => this.sender?.wake(),
    });
  }

  /** Resolves once the database is open and migrated (rejects if it cannot be); starts webhooks. */
  async ready(): Promise<void> {
    await this.#ready;
    this.sender?.start();
  }

  /** A user's own records, newest first. */
  listForUser(userId: string, limit: number, cursor?: string): Promise<{ records: CallRecord[]; nextCursor?: string }> {
    return this.store.list({ userId, limit, cursor });
  }

  list(filter: RecordFilter): Promise<{ records: CallRecord[]; nextCursor?: string }> {
    return this.store.list(filter);
  }

  takeMissed(userId: string): Promise<MissedCall[]> {
    return this.store.takeMissed(userId);
  }

  async close(): Promise<void> {
    await this.sender?.stop();
    await this.recorder.flush();
    const db = await this.#ready.catch(() => null);
    await db?.close();
  }
}
