/**
 * The SQL connection behind call records and the webhook outbox: one small interface, two engines
 * that speak the same SQL (Postgres):
 * - embedded (default): PGlite, the WASM build of Postgres, in a data directory (or `memory://`),
 *   so `npm install && npm start` needs no database server;
 * - production: a real Postgres through `pg` (`--database-url postgres://...`).
 * Both are loaded lazily (`import()`), so a server without records loads neither. Why PGlite and
 * not SQLite: one SQL dialect and one set of migrations for the default and for production, and the
 * test suite runs the very same statements on both (docs/records.md).
 */
export interface Db {
  /** Runs one parameterized statement ($1, $2, ...) and returns its rows. */
  query<T extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs `fn` in one transaction (BEGIN / COMMIT, ROLLBACK if it throws). */
  transaction<R>(fn: (tx: Pick<Db, 'query'>) => Promise<R>): Promise<R>;
  close(): Promise<void>;
  /** `pglite` or `postgres`, for logs. */
  readonly kind: 'pglite' | 'postgres';
}

/** True for a `postgres://` / `postgresql://` URL (a real server); anything else is a PGlite data dir. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Opens the database: `postgres://...` through `pg`, otherwise PGlite in the given data directory
 * (`memory://` keeps everything in memory, for tests and throwaway demos).
 */
export async function openDb(url: string): Promise<Db> {
  return isPostgresUrl(url) ? openPostgres(url) : openPglite(url);
}

async function openPglite(dataDir: string): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir);
  // PGlite runs one statement at a time; a transaction holds it until it ends, so statements from
  // other callers wait for the lock instead of landing inside someone else's transaction.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <R>(fn: () => Promise<R>): Promise<R> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const q = async <T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> =>
    (await pg.query<T>(sql, params as unknown[])).rows;
  return {
    kind: 'pglite',
    query: (sql, params) => serial(() => q(sql, params)),
    transaction: (fn) =>
      serial(async () => {
        await pg.exec('BEGIN');
        try {
          const out = await fn({ query: q });
          await pg.exec('COMMIT');
          return out;
        } catch (err) {
          await pg.exec('ROLLBACK');
          throw err;
        }
      }),
    close: () => serial(() => pg.close()),
  };
}

async function openPostgres(url: string): Promise<Db> {
  const { default: pg } = await import('pg');
  // BIGINT columns hold ms timestamps and ids: read them as numbers (they stay far below 2^53).
  pg.types.setTypeParser(20, (s: string) => Number(s));
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  pool.on('error', () => undefined); // an idle client lost: the next query reconnects
  await pool.query('SELECT 1');
  return {
    kind: 'postgres',
    query: async <T extends object>(sql: string, params: readonly unknown[] = []) =>
      (await pool.query(sql, params as unknown[])).rows as T[],
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn({
          query: async <T extends object>(sql: string, params: readonly unknown[] = []) =>
            (await client.query(sql, params as unknown[])).rows as T[],
        });
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
