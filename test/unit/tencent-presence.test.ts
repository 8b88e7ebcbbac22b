/**
 * Presence on the Tencent engines, `tencent` and `tuicall` (issue 17 item 5's gap): `subscribePresence` / `unsubscribePresence`
 * over Chat's user status (`subscribeUserStatus`, `getUserStatus`, `onUserStatusUpdated`), against
 * the in-memory chat double (test/helpers/tencent-double.ts). Chat knows online / offline only:
 * never `busy`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TencentEngine } from '../../src/engine/tencent/index.js';
import type { PresenceEntry } from '../../src/engine/types.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import { TUICallEngineAdapter, type TUICallEngineModule } from '../../src/engine/tuicall/index.js';
import { FakeCloud, fakeStreamFactory, type FakeChat } from '../helpers/tencent-double.js';

const SDK_APP_ID = 1400000001;

async function login(cloud: FakeCloud, id: string): Promise<{ engine: TencentEngine; changes: PresenceEntry[][] }> {
  const trtc = cloud.trtcModuleFor(id);
  const engine = new TencentEngine({
    loadChat: async () => cloud.chatModule,
    loadTRTC: async () => trtc,
    createMediaStream: fakeStreamFactory,
  });
  const changes: PresenceEntry[][] = [];
  engine.on('onPresenceChanged', (e) => changes.push(e.users));
  await engine.login({ SDKAppID: SDK_APP_ID, userID: id, userSig: `sig-${id}` });
  return { engine, changes };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('snapshot from getUserStatus, then online / offline changes of watched users only; unsubscribe stops them', async () => {
  const cloud = new FakeCloud();
  const bob = await login(cloud, 'bob');
  const alice = await login(cloud, 'alice');
  assert.deepEqual(await alice.engine.subscribePresence(['bob', 'carol']), [
    { userId: 'bob', status: 'online' },
    { userId: 'carol', status: 'offline' },
  ]);
  const chat = cloud.chatsOf('alice')[0];
  assert.deepEqual(
    chat.log.filter((c) => c.method === 'subscribeUserStatus').map((c) => c.args[0]),
    [{ userIDList: ['bob', 'carol'] }],
  );

  const carol = await login(cloud, 'carol');
  await until(() => alice.changes.length === 1, 'carol online');
  assert.deepEqual(alice.changes[0], [{ userId: 'carol', status: 'online' }]);
  await login(cloud, 'dave'); // not watched: nothing
  await bob.engine.logout();
  await until(() => alice.changes.length === 2, 'bob offline');
  assert.deepEqual(alice.changes[1], [{ userId: 'bob', status: 'offline' }]);

  await alice.engine.unsubscribePresence(['carol']);
  await carol.engine.logout();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(alice.changes.length, 2, 'carol is no longer watched');
  await alice.engine.unsubscribePresence();
  assert.equal(chat.statusListeners, 0, 'the status listener is gone once nobody is watched');
  await alice.engine.destroy();
  await bob.engine.destroy();
});

test('busy is never reported (Chat has no in-a-call status); logged out: SDK_NOT_INITIALIZED; Chat errors: FAILED', async () => {
  const cloud = new FakeCloud();
  const alice = await login(cloud, 'alice');
  const bob = await login(cloud, 'bob');
  const { callId } = await alice.engine.calls({ userIDList: ['bob'], mediaType: 1 });
  assert.ok(callId);
  assert.deepEqual(await alice.engine.subscribePresence(['bob']), [{ userId: 'bob', status: 'online' }]);
  cloud.statusFailure = { code: 72001, message: 'user status is not enabled' };
  await assert.rejects(
    alice.engine.subscribePresence(['carol']),
    (e: unknown) => e instanceof CallKitError && e.code === ErrorCode.FAILED && /72001/.test(e.message),
  );
  await alice.engine.hangup();
  await alice.engine.logout();
  await assert.rejects(
    alice.engine.subscribePresence(['bob']),
    (e: unknown) => e instanceof CallKitError && e.code === ErrorCode.SDK_NOT_INITIALIZED,
  );
  await alice.engine.destroy();
  await bob.engine.destroy();
});

test('the tuicall engine: presence from the chat it hands the official engine', async () => {
  const cloud = new FakeCloud();
  const bob = await login(cloud, 'bob');
  const chat = cloud.chatModule.create({ SDKAppID: SDK_APP_ID }) as FakeChat;
  // The official engine logs the app's chat in (TUICallEngine.login); this stand-in does only that.
  const official = {
    on: () => undefined,
    off: () => undefined,
    login: (p: { userID: string; userSig: string }) => chat.login(p),
    logout: () => chat.logout(),
  };
  const loadEngine = async () =>
    ({ TUICallEngine: { createInstance: () => official, once: () => undefined } }) as unknown as TUICallEngineModule;
  const engine = new TUICallEngineAdapter({ loadEngine, chat, createMediaStream: fakeStreamFactory });
  const changes: PresenceEntry[][] = [];
  engine.on('onPresenceChanged', (e) => changes.push(e.users));
  await assert.rejects(
    engine.subscribePresence(['bob']),
    (e: unknown) => e instanceof CallKitError && e.code === ErrorCode.SDK_NOT_INITIALIZED,
  );
  await engine.login({ SDKAppID: SDK_APP_ID, userID: 'alice', userSig: 'sig-alice' });
  assert.deepEqual(await engine.subscribePresence(['bob']), [{ userId: 'bob', status: 'online' }]);
  await bob.engine.logout();
  await until(() => changes.length === 1, 'bob offline');
  assert.deepEqual(changes[0], [{ userId: 'bob', status: 'offline' }]);
  await engine.logout();
  assert.equal(chat.statusListeners, 0);
  await bob.engine.destroy();
});
