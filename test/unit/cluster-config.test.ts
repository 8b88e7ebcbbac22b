/**
 * Multi-node configuration (docs/multi-node.md): with `--redis-url`, call records need one shared
 * Postgres. The embedded PGlite is per node, so records (and the webhook outbox) would be split
 * between nodes: the CLI and the library refuse to start that way, with a message saying what to do.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli } from '../../server/cli.js';
import { createSignalingServer } from '../../server/server.js';
import { TEST_SDK_APP_ID, TEST_SECRET } from '../helpers/ws-client.js';

const REDIS = ['--dev', '--redis-url', 'redis://127.0.0.1:6379'];

describe('multi-node configuration: records need a shared Postgres', () => {
  it('the CLI refuses --redis-url with the embedded database (default or a directory), with a clear message', () => {
    assert.throws(() => parseCli(REDIS, {}), /--redis-url.*--database-url postgres:\/\/.*--no-records/s);
    assert.throws(() => parseCli([...REDIS, '--database-url', './data'], {}), /embedded database .*per node/);
    assert.throws(() => parseCli(REDIS, { CALLKIT_DATABASE_URL: 'memory://' }), /embedded database .*per node/);
  });

  it('the CLI accepts --redis-url with a postgres:// database or with --no-records', () => {
    const pg = parseCli([...REDIS, '--database-url', 'postgres://ck@db/ck'], {});
    assert.ok(!pg.help && pg.options.databaseUrl === 'postgres://ck@db/ck' && pg.options.redisUrl === 'redis://127.0.0.1:6379');
    const none = parseCli([...REDIS, '--no-records'], {});
    assert.ok(!none.help && none.options.databaseUrl === undefined);
  });

  it('the library refuses redisUrl with a PGlite databaseUrl', () => {
    const base = { secret: TEST_SECRET, sdkAppId: TEST_SDK_APP_ID, allowedOrigins: ['*'], redisUrl: 'redis://127.0.0.1:1' };
    assert.throws(() => createSignalingServer({ ...base, databaseUrl: 'memory://' }), /embedded database .*per node/);
  });
});
