/** The kit's call flows against the scripted simulated engine (UI-level logic; real media is tested end to end). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { CallMediaType } from '../../src/constants.js';

async function setup() {
  const kit = new CallKit();
  const engine = new SimulatedEngine();
  await kit.init({ SDKAppID: 1, userID: 'alice', userSig: 'x', engine });
  const ended: string[] = [];
  kit.addEventListener('ck-call-ended', (e) => ended.push((e as CustomEvent).detail.cause));
  return { kit, engine, ended };
}

test('outgoing 1v1: dialing tip, accepted, connected, remote hangup ends it with a toast', async () => {
  const { kit, engine, ended } = await setup();
  await kit.calls({ userIDList: ['bob'], type: CallMediaType.VIDEO });
  assert.equal(kit.store.getState().tip?.key, 'caller-calling-message');
  assert.equal(kit.store.getState().self.videoAvailable, true);
  engine.remoteAccept('bob', { name: 'Bob' });
  const connected = kit.store.getState();
  assert.equal(connected.status, 'connected');
  assert.equal(connected.members[0].name, 'Bob');
  assert.equal(connected.members[0].videoAvailable, true);
  assert.equal(connected.tip, null);
  engine.remoteHangup('bob');
  assert.equal(kit.store.getState().status, 'idle');
  assert.deepEqual(ended, ['hangup']);
  assert.equal(kit.store.getState().toast?.key, 'other-side-hangup');
  await kit.dispose();
});

test('our own hangup shows no "other side" toast', async () => {
  const { kit, engine, ended } = await setup();
  await kit.calls({ userIDList: ['bob'], type: CallMediaType.AUDIO });
  engine.remoteAccept('bob');
  await kit.hangup();
  assert.equal(kit.store.getState().status, 'idle');
  assert.deepEqual(ended, ['hangup']);
  assert.equal(kit.store.getState().toast, null);
  await kit.dispose();
});

test('incoming call accepted as audio turns the call into an audio call', async () => {
  const { kit, engine } = await setup();
  engine.remoteInvite({ userId: 'bob', name: 'Bob' }, CallMediaType.VIDEO);
  assert.equal(kit.store.getState().role, 'callee');
  await kit.accept({ audioOnly: true });
  const s = kit.store.getState();
  assert.equal(s.status, 'connected');
  assert.equal(s.mediaType, CallMediaType.AUDIO);
  assert.equal(s.self.videoAvailable, false);
  assert.deepEqual(engine.log.find((l) => l.method === 'accept')?.args, [{ mediaType: CallMediaType.AUDIO }]);
  await kit.hangup();
  await kit.dispose();
});

test('group call: a member who declines keeps a `rejected` status (off the grid) with a named toast; the call goes on', async () => {
  const { kit, engine } = await setup();
  await kit.calls({ userIDList: ['bob', 'carol'], type: CallMediaType.VIDEO });
  assert.equal(kit.store.getState().isGroup, true);
  assert.equal(kit.store.getState().tip?.key, 'wait-to-be-called');
  engine.remoteAccept('bob');
  engine.remoteReject('carol');
  const s = kit.store.getState();
  assert.equal(s.status, 'connected');
  // Gone members stay in the store with their status; the call view shows accepted and ringing ones.
  assert.deepEqual(
    s.members.map((m) => `${m.userId}:${m.status}`),
    ['bob:accepted', 'carol:rejected'],
  );
  assert.equal(s.toast?.key, 'other-side-reject-call-group');
  assert.equal(s.toast?.params?.name, 'carol');
  await kit.dispose();
});

test('the caller cancelling shows "cancelled" to the callee; mute mode and status callbacks', async () => {
  const { kit, engine, ended } = await setup();
  const statuses: string[] = [];
  kit.setCallback({ statusChanged: ({ newStatus }) => statuses.push(newStatus) });
  engine.remoteInvite({ userId: 'bob' }, CallMediaType.AUDIO);
  engine.remoteCancel();
  assert.deepEqual(ended, ['cancelled']);
  assert.equal(kit.store.getState().toast?.key, 'other-side-cancelled');
  assert.deepEqual(statuses, ['be-invited', 'idle']);
  await kit.dispose();
});

test('presence (simulated fake): subscribe snapshot from remotePresence, later changes only for watched users', async () => {
  const { kit, engine } = await setup();
  engine.remotePresence('bob', 'busy');
  assert.deepEqual(await kit.subscribePresence(['bob', 'carol']), [
    { userId: 'bob', status: 'busy' },
    { userId: 'carol', status: 'offline' },
  ]);
  engine.remotePresence('carol', 'online');
  engine.remotePresence('dave', 'online');
  assert.deepEqual(kit.store.getState().presence, { bob: 'busy', carol: 'online' });
  await kit.unsubscribePresence(['bob']);
  engine.remotePresence('bob', 'online');
  assert.deepEqual(kit.store.getState().presence, { carol: 'online' });
  await kit.dispose();
});
