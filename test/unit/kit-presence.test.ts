/**
 * `callKit.subscribePresence` / `unsubscribePresence` (issue 17 item 5) through the default engine
 * against a real server: the snapshot, updates in the store and as `ck-presence-changed` /
 * `onPresenceChanged`, the server's `canCall` hiding a user, the typed refusals (bad arguments, too
 * many users, an engine without presence), and the watch list surviving a reconnect.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startSignalingServer } from '../../server/index.js';
import type { SignalingServerOptions } from '../../server/index.js';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import { MAX_PRESENCE_WATCH } from '../../src/constants.js';
import { WebRTCEngine } from '../../src/engine/webrtc/index.js';
import { TencentEngine } from '../../src/engine/tencent/index.js';
import { TUICallEngineAdapter } from '../../src/engine/tuicall/index.js';
import type { PresenceEntry } from '../../src/engine/types.js';
import { TEST_SERVER, TestClient, quietLogger, sigFor, waitUntil } from '../helpers/ws-client.js';
import { CAN_CALL } from '../helpers/capabilities.js';

type Started = Awaited<ReturnType<typeof startSignalingServer>>;
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function server(options: Partial<SignalingServerOptions> = {}): Promise<Started> {
  const s = await startSignalingServer({ port: 0, ...TEST_SERVER, logger: quietLogger, ...options });
  cleanup.push(() => s.close());
  return s;
}

async function kitFor(s: Started, userID: string): Promise<{ kit: CallKit; engine: WebRTCEngine }> {
  const kit = new CallKit();
  const engine = new WebRTCEngine({ WebSocket: WebSocket as never, capabilities: CAN_CALL });
  await kit.init({ SDKAppID: TEST_SERVER.sdkAppId, userID, userSig: sigFor(userID), server: s.url, engine });
  cleanup.push(() => kit.destroyed());
  return { kit, engine };
}

async function client(s: Started, userId: string): Promise<TestClient> {
  const c = await TestClient.login(s.url, userId);
  cleanup.push(() => c.close());
  return c;
}

function isKitError(code: number, reason?: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof CallKitError, String(error));
    assert.equal(error.code, code, error.message);
    if (reason !== undefined) assert.equal(error.reason, reason);
    return true;
  };
}

describe('callKit.subscribePresence', () => {
  it('snapshot, then updates in the store, the callback and ck-presence-changed; unsubscribe forgets', async () => {
    const s = await server();
    const bob = await client(s, 'bob');
    const { kit } = await kitFor(s, 'alice');
    const events: PresenceEntry[][] = [];
    const callbacks: PresenceEntry[][] = [];
    kit.addEventListener('ck-presence-changed', (e) => events.push((e as CustomEvent<{ users: PresenceEntry[] }>).detail.users));
    kit.setCallback({ onPresenceChanged: (users) => callbacks.push(users) });
    const snap = await kit.subscribePresence(['bob', 'carol', 'bob']);
    assert.deepEqual(snap, [
      { userId: 'bob', status: 'online' },
      { userId: 'carol', status: 'offline' },
    ]);
    assert.deepEqual(kit.store.getState().presence, { bob: 'online', carol: 'offline' });
    const carol = await client(s, 'carol');
    await waitUntil(() => kit.store.getState().presence.carol === 'online', 'carol online in the store');
    await carol.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' });
    await waitUntil(() => kit.store.getState().presence.carol === 'busy', 'carol busy in the store');
    bob.close();
    await waitUntil(() => kit.store.getState().presence.bob === 'offline', 'bob offline in the store');
    assert.ok(events.some((u) => u.some((e) => e.userId === 'carol' && e.status === 'busy')));
    assert.deepEqual(callbacks, events);
    await kit.unsubscribePresence(['carol']);
    assert.deepEqual(kit.store.getState().presence, { bob: 'offline' });
    await kit.unsubscribePresence();
    assert.deepEqual(kit.store.getState().presence, {});
  });

  it("the server's canCall: a user alice may not call is offline for her, even when online", async () => {
    const s = await server({ canCall: (from, to) => !(from === 'alice' && to === 'bob') });
    await client(s, 'bob');
    const { kit } = await kitFor(s, 'alice');
    assert.deepEqual(await kit.subscribePresence(['bob']), [{ userId: 'bob', status: 'offline' }]);
  });

  it('validation: bad ids, not an array, empty, more than MAX_PRESENCE_WATCH (too-many-watched)', async () => {
    const s = await server();
    const { kit } = await kitFor(s, 'alice');
    await assert.rejects(kit.subscribePresence('bob' as never), isKitError(ErrorCode.INVALID_PARAMETER));
    await assert.rejects(kit.subscribePresence([]), isKitError(ErrorCode.INVALID_PARAMETER));
    await assert.rejects(kit.subscribePresence(['bad id']), isKitError(ErrorCode.INVALID_PARAMETER));
    await assert.rejects(kit.subscribePresence([42 as never]), isKitError(ErrorCode.INVALID_PARAMETER));
    const many = Array.from({ length: MAX_PRESENCE_WATCH + 1 }, (_, i) => `u${i}`);
    await assert.rejects(kit.subscribePresence(many), isKitError(ErrorCode.INVALID_PARAMETER, 'too-many-watched'));
    await assert.rejects(kit.unsubscribePresence([]), isKitError(ErrorCode.INVALID_PARAMETER));
    // The server's own limit across calls: the second half overflows.
    await kit.subscribePresence(many.slice(0, MAX_PRESENCE_WATCH));
    await assert.rejects(kit.subscribePresence(['extra']), isKitError(ErrorCode.SERVER_ERROR, 'too-many-watched'));
  });

  it('before init: SDK_NOT_INITIALIZED; an engine without presence: FAILED with reason not-supported', async () => {
    await assert.rejects(new CallKit().subscribePresence(['bob']), isKitError(ErrorCode.SDK_NOT_INITIALIZED));
    // Both Tencent engines have presence over chat user status (test/unit/tencent-presence.test.ts;
    // tuicall: test/interop/tuicall-engine.test.ts).
    assert.equal('subscribePresence' in TencentEngine.prototype, true);
    assert.equal('subscribePresence' in TUICallEngineAdapter.prototype, true);
    const s = await server();
    const kit = new CallKit();
    const engine = new WebRTCEngine({ WebSocket: WebSocket as never, capabilities: CAN_CALL });
    Object.defineProperty(engine, 'subscribePresence', { value: undefined });
    await kit.init({ SDKAppID: TEST_SERVER.sdkAppId, userID: 'alice', userSig: sigFor('alice'), server: s.url, engine });
    cleanup.push(() => kit.destroyed());
    await assert.rejects(kit.subscribePresence(['bob']), isKitError(ErrorCode.FAILED, 'not-supported'));
  });

  it('a reconnect subscribes again on the new socket', async () => {
    const s = await server();
    const { kit } = await kitFor(s, 'alice');
    await kit.subscribePresence(['bob']);
    // Every state the store passes through (a quick reconnect may leave 'reconnecting' between polls).
    const seen: string[] = [];
    const stop = kit.store.subscribe((state) => seen.push(state.connection));
    s.dropUser('alice');
    await waitUntil(() => seen.includes('reconnecting') && kit.store.getState().connection === 'connected', 'reconnected', 20_000);
    stop();
    await waitUntil(() => s.stats().watchers === 1, 'the new socket watches bob');
    await client(s, 'bob');
    await waitUntil(() => kit.store.getState().presence.bob === 'online', 'bob online after the reconnect');
  });
});
