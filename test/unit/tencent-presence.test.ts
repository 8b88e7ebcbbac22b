/**
 * Presence on the Tencent engine (issue 17 item 5): `subscribePresence` over chat's user status API
 * (`subscribeUserStatus`, `getUserStatus`, `onUserStatusUpdated`) against the chat double, and the
 * kit's store / `onPresenceChanged` / `ck-presence-changed` with that engine. Tencent knows online
 * and offline; `busy` is only a member of our own call. Typed refusals: the feature not enabled
 * (3122, `presence-disabled`), more users than the cap (`too-many-watched`, never a silent eviction).
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { TencentEngine, type TencentEngineOptions } from '../../src/engine/tencent/index.js';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { CallMediaType } from '../../src/constants.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import type { PresenceEntry } from '../../src/engine/types.js';
import { FakeCloud, fakeStreamFactory, type FakeChat } from '../helpers/tencent-double.js';

const SDK_APP_ID = 1400000001;
const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function engineFor(cloud: FakeCloud, id: string, options: TencentEngineOptions = {}): TencentEngine {
  const engine = new TencentEngine({
    loadChat: async () => cloud.chatModule,
    loadTRTC: async () => cloud.trtcModuleFor(id),
    createMediaStream: fakeStreamFactory,
    ...options,
  });
  cleanup.push(() => engine.destroy());
  return engine;
}

async function loggedIn(cloud: FakeCloud, id: string, options: TencentEngineOptions = {}): Promise<TencentEngine> {
  const engine = engineFor(cloud, id, options);
  await engine.login({ SDKAppID: SDK_APP_ID, userID: id, userSig: `sig-${id}` });
  return engine;
}

async function kitFor(cloud: FakeCloud, id: string): Promise<CallKit> {
  const kit = new CallKit();
  await kit.init({ SDKAppID: SDK_APP_ID, userID: id, userSig: `sig-${id}`, engine: engineFor(cloud, id) });
  cleanup.push(() => kit.destroyed());
  return kit;
}

function chatOf(cloud: FakeCloud, id: string): FakeChat {
  const chat = cloud.chatsOf(id)[0];
  assert.ok(chat, `${id} has no chat`);
  return chat;
}

function isKitError(code: number, reason: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof CallKitError, String(error));
    assert.equal(error.code, code, error.message);
    assert.equal(error.reason, reason);
    return true;
  };
}

describe('Tencent engine presence', () => {
  it('kit: snapshot, then chat status updates in the store, the callback and ck-presence-changed; unsubscribe', async () => {
    const cloud = new FakeCloud();
    await loggedIn(cloud, 'bob');
    const kit = await kitFor(cloud, 'alice');
    const events: PresenceEntry[][] = [];
    const callbacks: PresenceEntry[][] = [];
    kit.addEventListener('ck-presence-changed', (e) => events.push((e as CustomEvent<{ users: PresenceEntry[] }>).detail.users));
    kit.setCallback({ onPresenceChanged: (users) => callbacks.push(users) });
    const snap = await kit.subscribePresence(['bob', 'carol']);
    assert.deepEqual(snap, [
      { userId: 'bob', status: 'online' },
      { userId: 'carol', status: 'offline' },
    ]);
    assert.deepEqual(kit.store.getState().presence, { bob: 'online', carol: 'offline' });
    const chat = chatOf(cloud, 'alice');
    assert.deepEqual(chat.statusSubscriptions, ['bob', 'carol']);
    const carol = await loggedIn(cloud, 'carol');
    await until(() => kit.store.getState().presence.carol === 'online', 'carol online in the store');
    await carol.logout();
    await until(() => kit.store.getState().presence.carol === 'offline', 'carol offline (UNLOGINED) in the store');
    assert.ok(events.some((u) => u.some((e) => e.userId === 'carol' && e.status === 'online')));
    assert.deepEqual(callbacks, events);
    await kit.unsubscribePresence(['carol']);
    assert.deepEqual(kit.store.getState().presence, { bob: 'online' });
    assert.deepEqual(chat.statusSubscriptions, ['bob']);
    await kit.unsubscribePresence();
    assert.deepEqual(kit.store.getState().presence, {});
    assert.deepEqual(chat.statusSubscriptions, []);
    assert.deepEqual(chat.log.at(-1), { method: 'unsubscribeUserStatus', args: [{ userIDList: undefined }] });
  });

  it('busy: a watched user in our own call is busy while in it, online again after', async () => {
    const cloud = new FakeCloud();
    const bob = await loggedIn(cloud, 'bob');
    const alice = await loggedIn(cloud, 'alice');
    const seen: PresenceEntry[] = [];
    alice.on('onPresenceChanged', (e) => seen.push(...e.users));
    assert.deepEqual(await alice.subscribePresence(['bob']), [{ userId: 'bob', status: 'online' }]);
    let begun = false;
    alice.on('onCallBegin', () => (begun = true));
    let ringing = false;
    bob.on('onCallReceived', () => (ringing = true));
    await alice.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
    await until(() => ringing, 'bob rings');
    assert.equal(seen.at(-1)?.status, 'online', 'ringing is not busy');
    await bob.accept();
    await until(() => begun && seen.at(-1)?.status === 'busy', 'bob busy in our call');
    await bob.hangup();
    await until(() => seen.at(-1)?.status === 'online', 'bob online after the call');
    assert.deepEqual(
      seen.map((u) => u.status),
      ['online', 'busy', 'online'],
    );
  });

  it('the app without user status (plan or console switch): FAILED, reason presence-disabled', async () => {
    const cloud = new FakeCloud();
    cloud.userStatusEnabled = false;
    const kit = await kitFor(cloud, 'alice');
    const listeners = chatOf(cloud, 'alice').listenerCount;
    await assert.rejects(kit.subscribePresence(['bob']), (error: unknown) => {
      isKitError(ErrorCode.FAILED, 'presence-disabled')(error);
      assert.match((error as Error).message, /console/);
      return true;
    });
    assert.deepEqual(kit.store.getState().presence, {});
    assert.equal(chatOf(cloud, 'alice').listenerCount, listeners, 'no status listener left behind');
  });

  it('the cap: batches of 100 to chat (nothing dropped), more than the cap refused, never evicted', async () => {
    const cloud = new FakeCloud();
    cloud.statusSubscriptionCap = 150;
    const alice = await loggedIn(cloud, 'alice', { maxPresenceSubscriptions: 150 });
    const ids = Array.from({ length: 120 }, (_, i) => `u${i}`);
    const snap = await alice.subscribePresence(ids);
    assert.equal(snap.length, 120);
    const chat = chatOf(cloud, 'alice');
    assert.deepEqual(chat.statusSubscriptions, ids, 'all 120 subscribed (the SDK drops past 100 a request)');
    assert.deepEqual(
      chat.log.filter((l) => l.method === 'subscribeUserStatus').map((l) => (l.args[0] as { userIDList: string[] }).userIDList.length),
      [100, 20],
    );
    const more = Array.from({ length: 31 }, (_, i) => `v${i}`);
    await assert.rejects(alice.subscribePresence(more), isKitError(ErrorCode.SERVER_ERROR, 'too-many-watched'));
    assert.deepEqual(chat.statusSubscriptions, ids, 'nobody evicted');
    // Already watched users do not count twice.
    await alice.subscribePresence([...ids.slice(0, 10), ...more.slice(0, 30)]);
    assert.equal(chat.statusSubscriptions.length, 150);
  });

  it('logout and kick-out forget the watch list and the chat listener; before login: SDK_NOT_INITIALIZED', async () => {
    const cloud = new FakeCloud();
    const fresh = engineFor(cloud, 'dave');
    await assert.rejects(fresh.subscribePresence(['bob']), { code: ErrorCode.SDK_NOT_INITIALIZED });
    const alice = await loggedIn(cloud, 'alice');
    const chat = chatOf(cloud, 'alice');
    const before = chat.listenerCount;
    await alice.subscribePresence(['bob']);
    assert.equal(chat.listenerCount, before + 1);
    await alice.logout();
    assert.equal(chat.listenerCount, 0);
    await alice.login({ SDKAppID: SDK_APP_ID, userID: 'alice', userSig: 'sig-alice' });
    const again = chatOf(cloud, 'alice');
    await alice.subscribePresence(['bob']);
    const seen: PresenceEntry[] = [];
    alice.on('onPresenceChanged', (e) => seen.push(...e.users));
    cloud.kick('alice', 'multipleAccount');
    assert.equal(again.listenerCount, 0);
    await loggedIn(cloud, 'bob');
    await cloud.settle();
    assert.deepEqual(seen, [], 'nothing told after the kick');
  });
});
