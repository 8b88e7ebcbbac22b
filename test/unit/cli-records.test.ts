/** `callkit-server` flags for call records, webhooks and the admin API (README "Call records"). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DATA_DIR, HELP, parseCli } from '../../server/cli.js';

const LONG = 'x'.repeat(40);

describe('callkit-server CLI: records, webhooks, admin API', () => {
  it('keeps records in the embedded database by default; --database-url / env choose another; --no-records none', () => {
    const parsed = parseCli(['--dev'], {});
    assert.ok(!parsed.help);
    assert.equal(parsed.options.databaseUrl, DEFAULT_DATA_DIR);
    assert.equal(parsed.options.webhooks, undefined);
    assert.equal(parsed.options.adminSecret, undefined);
    const pg = parseCli(['--dev', '--database-url', 'postgres://u@db/ck'], {});
    assert.ok(!pg.help && pg.options.databaseUrl === 'postgres://u@db/ck');
    const env = parseCli(['--dev'], { CALLKIT_DATABASE_URL: 'memory://' });
    assert.ok(!env.help && env.options.databaseUrl === 'memory://');
    const none = parseCli(['--dev', '--no-records'], {});
    assert.ok(!none.help && none.options.databaseUrl === undefined);
    assert.throws(() => parseCli(['--dev', '--no-records', '--database-url', 'memory://'], {}), /exclude each other/);
  });

  it('webhooks need a signing secret of 32+ bytes; the admin secret turns the API on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ck-cli-rec-'));
    try {
      writeFileSync(join(dir, 'hook'), `${LONG}\n`);
      writeFileSync(join(dir, 'short'), 'short\n');
      assert.throws(() => parseCli(['--dev', '--webhook-url', 'https://ops.example/hook'], {}), /needs a signing secret/);
      assert.throws(
        () => parseCli(['--dev', '--webhook-url', 'https://ops.example/hook', '--webhook-secret-file', join(dir, 'short')], {}),
        /at least 32 bytes/,
      );
      assert.throws(
        () => parseCli(['--dev', '--no-records', '--webhook-url', 'https://x.example'], { CALLKIT_WEBHOOK_SECRET: LONG }),
        /drop --no-records/,
      );
      const hooks = parseCli(['--dev', '--webhook-url', 'https://ops.example/hook', '--webhook-secret-file', join(dir, 'hook')], {});
      assert.ok(!hooks.help);
      assert.deepEqual(hooks.options.webhooks, { url: 'https://ops.example/hook', secret: LONG });
      const fromEnv = parseCli(['--dev'], {
        CALLKIT_WEBHOOK_URL: 'https://ops.example/h',
        CALLKIT_WEBHOOK_SECRET: LONG,
        CALLKIT_ADMIN_SECRET: LONG,
      });
      assert.ok(!fromEnv.help && fromEnv.options.webhooks?.url === 'https://ops.example/h' && fromEnv.options.adminSecret === LONG);
      assert.throws(() => parseCli(['--dev'], { CALLKIT_ADMIN_SECRET: 'short' }), /admin-secret-file: the secret must be at least 32/);
      assert.match(HELP, /--database-url URL[\s\S]*--webhook-url URL/);
      assert.match(HELP, /--admin-secret-file F/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
