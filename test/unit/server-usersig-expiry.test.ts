/**
 * Issue 14 item 3 (security review M5): a userSig has a maximum lifetime, and a session does not
 * outlive its userSig. Attacks from the review: a sig with `TLS.time 0, expire 2^53-1` logged in; a
 * sig expiring in 2 s still placed an invite 3.5 s later on the same socket.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startSignalingServer } from '../../server/index.js';
import type { SignalingServerOptions } from '../../server/index.js';
import { parseCli } from '../../server/cli.js';
import { TestClient, TEST_SERVER, recordingLogger, sigFor, waitUntil } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';
import { CAN_CALL } from '../helpers/capabilities.js';

type Started = Awaited<ReturnType<typeof startSignalingServer>>;

let server: Started | undefined;
let clients: TestClient[] = [];
let logger = recordingLogger();

async function start(options: Partial<SignalingServerOptions> = {}): Promise<Started> {
  logger = recordingLogger();
  server = await startSignalingServer({ port: 0, ...TEST_SERVER, logger, ...options });
  return server;
}

async function socket(label: string): Promise<TestClient> {
  assert.ok(server);
  const c = await TestClient.connect(server.url, label);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients) {
    assert.deepEqual(c.invalid, [], `${c.label} received frames outside the protocol`);
    c.close();
  }
  clients = [];
  await server?.close();
  server = undefined;
  assert.deepEqual(
    logger.lines.filter((l) => l.level === 'error'),
    [],
  );
});

describe('userSig lifetime', () => {
  it('refuses at login a userSig signed for longer than the maximum (default 7 days), with a clear error', async () => {
    await start();
    const forever = await socket('forever');
    const err = await forever.askError(
      { type: 'login', sdkAppId: TEST_SERVER.sdkAppId, userId: 'eve', userSig: sigFor('eve', { expireSeconds: 100 * 365 * 86400 }) },
      'auth-failed',
    );
    assert.match(err.message, /lifetime .* over this server's maximum of 604800 s/);
    assert.equal((await forever.waitClose()).code, 4401);
    // Exactly 7 days is fine.
    const week = await socket('week');
    await week.login('eve', { userSig: sigFor('eve', { expireSeconds: 7 * 86400 }) });
  });

  it('the maximum is an option and a CLI flag / env var', async () => {
    await start({ maxUserSigLifetimeS: 3600 });
    const c = await socket('day');
    await c.askError(
      { type: 'login', sdkAppId: TEST_SERVER.sdkAppId, userId: 'eve', userSig: sigFor('eve', { expireSeconds: 86400 }) },
      'auth-failed',
    );
    const env = { CALLKIT_SECRET: 's'.repeat(32) };
    const a = parseCli(['--allowed-origins', '*', '--max-usersig-lifetime', '86400'], env);
    assert.ok(!a.help && a.options.maxUserSigLifetimeS === 86400);
    const b = parseCli(['--allowed-origins', '*'], { ...env, CALLKIT_MAX_USERSIG_LIFETIME: '15552000' });
    assert.ok(!b.help && b.options.maxUserSigLifetimeS === 15_552_000);
    assert.throws(() => parseCli(['--allowed-origins', '*', '--max-usersig-lifetime', '0'], env), /--max-usersig-lifetime/);
  });

  it('a socket whose userSig expires is warned, then closed with 4409 userSigExpired; its call is left', async () => {
    const s = await start({ userSigWarnMs: 1500 });
    const alice = await socket('alice');
    await alice.login('alice', { userSig: sigFor('alice', { expireSeconds: 2 }) });
    const warned = (await alice.waitForType('usersig-expiring', undefined, 3000)) as Msg<'usersig-expiring'>;
    assert.ok(warned.expiresAt > Date.now() - 1000 && warned.expiresAt <= Date.now() + 2000);
    const closed = await alice.waitClose(4000);
    assert.deepEqual(closed, { code: 4409, reason: 'userSigExpired' });
    assert.ok(Date.now() >= warned.expiresAt - 50, 'not before the expiry');
    await waitUntil(() => s.stats().users === 0, 'the user is gone');
  });

  it('renew with a fresh userSig keeps the socket; a bad or other-user renew is refused and changes nothing', async () => {
    await start({ userSigWarnMs: 1500 });
    const alice = await socket('alice');
    await alice.login('alice', { userSig: sigFor('alice', { expireSeconds: 2 }) });
    await alice.waitForType('usersig-expiring', undefined, 3000);
    await alice.askError({ type: 'renew', userSig: sigFor('bob') }, 'auth-failed');
    await alice.askError({ type: 'renew', userSig: sigFor('alice', { expireSeconds: 30 * 86400 }) }, 'auth-failed');
    await alice.askError({ type: 'renew', userSig: sigFor('alice', { secret: 'x'.repeat(40) }) }, 'auth-failed');
    assert.equal((await alice.ask({ type: 'renew', userSig: sigFor('alice', { expireSeconds: 3600 }) })).type, 'ok');
    // Past the first sig's expiry, the socket is still open and usable.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(alice.closeInfo, undefined);
    await alice.sync();
  });
});

describe('the default engine and an expiring userSig', () => {
  it('renewUserSig() keeps the session past the first expiry; without it the engine reports kickedOut userSigExpired', async () => {
    const { WebSocket } = await import('ws');
    const { WebRTCEngine } = await import('../../src/engine/webrtc/index.js');
    const s = await start({ userSigWarnMs: 1000 });
    const login = (engine: InstanceType<typeof WebRTCEngine>, userID: string) =>
      engine.login({ server: s.url, SDKAppID: TEST_SERVER.sdkAppId, userID, userSig: sigFor(userID, { expireSeconds: 2 }) });
    const capabilities = CAN_CALL;
    const renewing = new WebRTCEngine({ WebSocket: WebSocket as never, reconnectGiveUpMs: 100, capabilities });
    const lapsing = new WebRTCEngine({ WebSocket: WebSocket as never, reconnectGiveUpMs: 100, capabilities });
    const kicked: string[] = [];
    lapsing.on('onKickedOffline', (e) => kicked.push(e.reason));
    renewing.on('onKickedOffline', (e) => kicked.push(`renewing: ${e.reason}`));
    try {
      await login(renewing, 'alice');
      await login(lapsing, 'bob');
      await renewing.renewUserSig(sigFor('alice', { expireSeconds: 3600 }));
      await waitUntil(() => kicked.length > 0, 'bob kicked out', 5000);
      assert.deepEqual(kicked, ['userSigExpired']);
      await waitUntil(() => s.stats().users === 1, 'alice still logged in', 3000);
      await assert.rejects(renewing.renewUserSig(sigFor('alice', { expireSeconds: 365 * 86400 })), /renew refused|auth-failed/);
    } finally {
      await renewing.destroy();
      await lapsing.destroy();
    }
  });
});
