/**
 * The two databases call records run on, for suites that must pass on both: the embedded default
 * (PGlite, `memory://`) and a throwaway real Postgres cluster (`postgres.ts`), one fresh database
 * per test. Use: `for (const backend of recordsBackends()) describe(backend.name, () => { ... })`
 * with `before(backend.setUp)`, `after(backend.tearDown)` and `await backend.url()` per test.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresAvailable, startPostgres } from './postgres.js';
import type { TestPostgres } from './postgres.js';

export interface RecordsBackend {
  name: string;
  /** Skip reason when the backend cannot run here (Postgres not installed). */
  skip: string | false;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** A fresh, empty database for one test. */
  url(): Promise<string>;
}

export function recordsBackends(): RecordsBackend[] {
  let cluster: TestPostgres | undefined;
  return [
    { name: 'embedded PGlite', skip: false, setUp: async () => undefined, tearDown: async () => undefined, url: async () => 'memory://' },
    {
      name: 'PostgreSQL 15',
      // CI installs postgresql (scripts/system-packages.mjs); a machine without it skips loudly.
      skip: postgresAvailable() ? false : 'postgresql is not installed (apt-get install postgresql)',
      setUp: async () => {
        cluster = await startPostgres();
      },
      tearDown: async () => {
        await cluster?.stop();
        cluster = undefined;
      },
      url: async () => {
        if (!cluster) throw new Error('no cluster');
        const name = `t_${randomBytes(6).toString('hex')}`;
        const admin = new pg.Client({ connectionString: cluster.url });
        await admin.connect();
        try {
          await admin.query(`CREATE DATABASE ${name}`);
        } finally {
          await admin.end();
        }
        return cluster.url.replace(/\/postgres$/, `/${name}`);
      },
    },
  ];
}
