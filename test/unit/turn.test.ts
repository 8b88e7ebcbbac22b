/**
 * TURN credentials (issue 14 item 6): the TURN REST API scheme coturn implements with
 * `use-auth-secret`, checked against a fixed vector and against a real coturn (Allocate succeeds
 * with a minted credential, fails with an expired one or one signed with another secret).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mintTurn, resolveTurn, turnCredential } from '../../server/turn.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../../server/cli.js';
import { startSignalingServer } from '../../server/index.js';
import { allocate, coturnUnavailable, startCoturn, type Coturn } from '../helpers/coturn.js';
import { TestClient, TEST_SERVER, quietLogger } from '../helpers/ws-client.js';

describe('TURN REST API credentials', () => {
  test('username is <expiry>:<userId>, credential base64(HMAC-SHA1(secret, username))', () => {
    // Vector: printf %s '1796297322:alice' | openssl dgst -sha1 -hmac s3cret -binary | base64
    assert.equal(turnCredential('s3cret', '1796297322:alice'), 'xf94EoVm0+PvZWEJRDsYFPLbYJg=');
    const config = resolveTurn({ urls: ['turn:turn.example.com:3478'], secret: 's3cret', ttlS: 600 })!;
    const grant = mintTurn(config, 'alice', 1_796_296_722_500);
    assert.deepEqual(grant, {
      iceServers: [{ urls: ['turn:turn.example.com:3478'], username: '1796297322:alice', credential: 'xf94EoVm0+PvZWEJRDsYFPLbYJg=' }],
      expiresAt: 1_796_297_322_000,
    });
    const relay = mintTurn(resolveTurn({ urls: ['turn:t:3478'], secret: 'x', relayOnly: true })!, 'bob', 0);
    assert.equal(relay.iceTransportPolicy, 'relay');
    assert.equal(relay.expiresAt, 86_400_000, 'default lifetime 24 h');
  });

  test('bad TURN options are refused', () => {
    assert.equal(resolveTurn(undefined), null);
    assert.throws(() => resolveTurn({ urls: [], secret: 'x' }), /turn\.urls/);
    assert.throws(() => resolveTurn({ urls: ['http://x'], secret: 'x' }), /turn\.urls/);
    assert.throws(() => resolveTurn({ urls: ['turn:x:3478'], secret: '' }), /turn\.secret/);
    assert.throws(() => resolveTurn({ urls: ['turn:x:3478'], secret: 'x', ttlS: 1 }), /turn\.ttlS/);
  });
});

const unavailable = coturnUnavailable();
describe('against a real coturn', { skip: unavailable ?? false }, () => {
  let coturn: Coturn;
  before(async () => {
    coturn = await startCoturn({ secret: 'the-static-auth-secret' });
  });
  after(async () => {
    await coturn?.stop();
  });

  test('a minted credential allocates a relay; an expired or wrongly signed one is refused (401)', async () => {
    const config = resolveTurn({ urls: coturn.urls, secret: coturn.secret, ttlS: 60 })!;
    const ok = mintTurn(config, 'alice').iceServers[0];
    assert.equal(await allocate('127.0.0.1', coturn.port, ok.username, ok.credential), 'ok', coturn.output());
    const expired = mintTurn(config, 'alice', Date.now() - 120_000).iceServers[0];
    assert.equal(await allocate('127.0.0.1', coturn.port, expired.username, expired.credential), 401);
    const wrong = mintTurn({ ...config, secret: 'another-secret' }, 'alice').iceServers[0];
    assert.equal(await allocate('127.0.0.1', coturn.port, wrong.username, wrong.credential), 401);
  });
});

describe('the signaling server hands out TURN credentials', () => {
  let server: Awaited<ReturnType<typeof startSignalingServer>> | undefined;
  const clients: TestClient[] = [];
  after(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  test('login-ok carries a set for the user; `turn` answers a fresh one; no TURN: `error unavailable`', async () => {
    server = await startSignalingServer({
      port: 0,
      ...TEST_SERVER,
      logger: quietLogger,
      turn: { urls: ['turn:127.0.0.1:3478'], secret: 'turn-secret', ttlS: 120, relayOnly: true },
    });
    const alice = await TestClient.connect(server.url, 'alice');
    clients.push(alice);
    const before = Math.floor(Date.now() / 1000);
    const ok = await alice.login('alice');
    assert.ok(ok.turn, 'login-ok has turn');
    const [ice] = ok.turn.iceServers;
    const [expiry, user] = ice.username.split(':');
    assert.equal(user, 'alice');
    assert.ok(Number(expiry) >= before + 120 && Number(expiry) <= before + 122, `expiry ${expiry} is now + 120 s`);
    assert.equal(ice.credential, turnCredential('turn-secret', ice.username));
    assert.deepEqual(ice.urls, ['turn:127.0.0.1:3478']);
    assert.equal(ok.turn.iceTransportPolicy, 'relay');
    assert.equal(ok.turn.expiresAt, Number(expiry) * 1000);
    const fresh = await alice.ask({ type: 'turn' });
    assert.equal(fresh.type, 'turn');
    await server.close();

    server = await startSignalingServer({ port: 0, ...TEST_SERVER, logger: quietLogger });
    const bob = await TestClient.connect(server.url, 'bob');
    clients.push(bob);
    assert.equal((await bob.login('bob')).turn, undefined);
    const none = await bob.ask({ type: 'turn' });
    assert.equal(none.type === 'error' && none.code, 'unavailable');
  });

  test('CLI: --turn-url, --turn-secret-file / CALLKIT_TURN_SECRET, --turn-ttl, --turn-relay-only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ck-turn-cli-'));
    try {
      writeFileSync(join(dir, 'turn.secret'), 'from-file\n');
      const base = ['--dev', '--turn-url', 'turn:a:3478, turns:a:5349'];
      const cmd = parseCli([...base, '--turn-secret-file', join(dir, 'turn.secret'), '--turn-ttl', '600', '--turn-relay-only'], {});
      assert.ok(!cmd.help);
      assert.deepEqual(cmd.options.turn, { urls: ['turn:a:3478', 'turns:a:5349'], secret: 'from-file', ttlS: 600, relayOnly: true });
      const env = parseCli(['--dev'], { CALLKIT_TURN_URL: 'turn:b:3478', CALLKIT_TURN_SECRET: 's', CALLKIT_TURN_TTL: '60' });
      assert.ok(!env.help);
      assert.deepEqual(env.options.turn, { urls: ['turn:b:3478'], secret: 's', ttlS: 60, relayOnly: false });
      assert.throws(() => parseCli(base, {}), /static-auth-secret/);
      assert.throws(() => parseCli(['--dev', '--turn-relay-only'], {}), /need --turn-url/);
      assert.throws(() => parseCli([...base, '--turn-ttl', '5'], { CALLKIT_TURN_SECRET: 's' }), /--turn-ttl/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
