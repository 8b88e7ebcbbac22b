import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallMediaType, CallRole, CallStatus, LegacyStatus } from '../../src/constants.js';
import { formatDuration } from '../../src/i18n/format.js';
import { legacyStatus } from '../../src/store/selectors.js';
import { CallStore } from '../../src/store/store.js';

function loggedIn(): CallStore {
  const store = new CallStore();
  store.dispatch({ type: 'login', userId: 'alice', name: 'Alice' });
  return store;
}

test('a caller goes idle -> dialing -> connected -> idle, with legacy statuses', () => {
  const store = loggedIn();
  const seen: string[] = [];
  store.subscribe((s) => seen.push(legacyStatus(s)));
  assert.equal(legacyStatus(store.getState()), LegacyStatus.IDLE);
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLER,
    callId: 'c1',
    mediaType: CallMediaType.VIDEO,
    callerId: 'alice',
    members: [{ userId: 'bob' }],
  });
  assert.equal(store.getState().status, CallStatus.CALLING);
  assert.equal(store.getState().isGroup, false);
  store.dispatch({ type: 'member-upsert', userId: 'bob', status: 'accepted' });
  store.dispatch({ type: 'call-connected' });
  assert.equal(store.getState().status, CallStatus.CONNECTED);
  assert.ok(store.getState().connectedAt > 0);
  store.dispatch({ type: 'call-reset' });
  assert.equal(store.getState().status, CallStatus.IDLE);
  assert.equal(store.getState().self.userId, 'alice', 'the logged-in user survives the reset');
  assert.equal(store.getState().self.name, 'Alice');
  assert.deepEqual([...new Set(seen)], [LegacyStatus.DIALING_C2C, LegacyStatus.CALLING_C2C_VIDEO, LegacyStatus.IDLE]);
});

test('callee and group legacy statuses', () => {
  const store = loggedIn();
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLEE,
    callId: 'c1',
    mediaType: CallMediaType.AUDIO,
    callerId: 'bob',
    members: [{ userId: 'bob', status: 'accepted' }],
  });
  assert.equal(legacyStatus(store.getState()), LegacyStatus.BE_INVITED);
  store.dispatch({ type: 'call-connected' });
  assert.equal(legacyStatus(store.getState()), LegacyStatus.CALLING_C2C_AUDIO);
  store.dispatch({ type: 'call-reset' });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLER,
    callId: 'c2',
    mediaType: CallMediaType.VIDEO,
    callerId: 'alice',
    members: [{ userId: 'bob' }, { userId: 'carol' }],
  });
  assert.equal(legacyStatus(store.getState()), LegacyStatus.DIALING_GROUP);
  store.dispatch({ type: 'call-connected' });
  assert.equal(legacyStatus(store.getState()), LegacyStatus.CALLING_GROUP_VIDEO);
});

test('call-start never lists the user as a remote member (servers send full member lists)', () => {
  const store = loggedIn();
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLER,
    callId: 'c',
    mediaType: CallMediaType.VIDEO,
    callerId: 'alice',
    members: [{ userId: 'alice', status: 'accepted' }, { userId: 'bob' }],
  });
  assert.deepEqual(
    store.getState().members.map((m) => m.userId),
    ['bob'],
  );
  assert.equal(store.getState().isGroup, false);
  assert.equal(legacyStatus(store.getState()), LegacyStatus.DIALING_C2C);
});

test('call-connected only applies while calling', () => {
  const store = loggedIn();
  const before = store.getState();
  store.dispatch({ type: 'call-connected' });
  assert.equal(store.getState(), before);
});

test('volume ticks keep unchanged members identical and skip no-op updates', () => {
  const store = loggedIn();
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLER,
    callId: 'c',
    mediaType: CallMediaType.VIDEO,
    callerId: 'alice',
    members: [{ userId: 'bob' }, { userId: 'carol' }],
  });
  const [bob, carol] = store.getState().members;
  let notified = 0;
  store.subscribe(() => notified++);
  store.dispatch({ type: 'volumes', volumes: { bob: 40 } });
  const after = store.getState().members;
  assert.notEqual(after[0], bob);
  assert.equal(after[0].volume, 40);
  assert.equal(after[1], carol, 'carol did not change: same object');
  assert.equal(notified, 1);
  store.dispatch({ type: 'volumes', volumes: { bob: 40 } });
  assert.equal(notified, 1, 'same volume: no notification');
  store.dispatch({ type: 'volumes', volumes: { alice: 12 } });
  assert.equal(store.getState().self.volume, 12);
});

test('members: upsert, media, stream, remove; self is never a remote member', () => {
  const store = loggedIn();
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLER,
    callId: 'c',
    mediaType: CallMediaType.VIDEO,
    callerId: 'alice',
    members: [{ userId: 'bob' }],
  });
  store.dispatch({ type: 'member-upsert', userId: 'alice', status: 'accepted' });
  assert.equal(store.getState().members.length, 1);
  store.dispatch({ type: 'member-upsert', userId: 'bob', name: 'Bob', status: 'accepted' });
  store.dispatch({ type: 'member-media', userId: 'bob', audio: true, video: false });
  const bob = store.getState().members[0];
  assert.equal(bob.name, 'Bob');
  assert.equal(bob.audioAvailable, true);
  assert.equal(bob.videoAvailable, false);
  store.dispatch({ type: 'member-upsert', userId: 'dave' });
  assert.equal(store.getState().isGroup, true);
  store.dispatch({ type: 'member-remove', userId: 'dave' });
  assert.deepEqual(
    store.getState().members.map((m) => m.userId),
    ['bob'],
  );
  store.dispatch({ type: 'self-media', audio: true, video: true });
  assert.equal(store.getState().self.videoAvailable, true);
});

test('member-reconnecting: per remote member, other members untouched, no-op repeats skipped, gone at call-reset', () => {
  const store = loggedIn();
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLER,
    callId: 'c1',
    mediaType: CallMediaType.VIDEO,
    callerId: 'alice',
    members: [{ userId: 'bob' }, { userId: 'carol' }],
  });
  const carol = store.getState().members[1];
  assert.equal(store.getState().members[0].reconnecting, false);
  let notified = 0;
  store.subscribe(() => notified++);
  store.dispatch({ type: 'member-reconnecting', userId: 'bob', reconnecting: true });
  assert.equal(store.getState().members[0].reconnecting, true);
  assert.equal(store.getState().members[1], carol, 'carol keeps her identity');
  store.dispatch({ type: 'member-reconnecting', userId: 'bob', reconnecting: true });
  assert.equal(notified, 1, 'a repeat changes nothing');
  store.dispatch({ type: 'member-reconnecting', userId: 'alice', reconnecting: true });
  assert.equal(store.getState().self.reconnecting, false, 'never on self');
  store.dispatch({ type: 'member-reconnecting', userId: 'bob', reconnecting: false });
  assert.equal(store.getState().members[0].reconnecting, false);
  store.dispatch({ type: 'member-reconnecting', userId: 'carol', reconnecting: true });
  store.dispatch({ type: 'call-reset' });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLER,
    callId: 'c2',
    mediaType: CallMediaType.VIDEO,
    callerId: 'alice',
    members: [{ userId: 'carol' }],
  });
  assert.equal(store.getState().members[0].reconnecting, false, 'a new call starts clean');
});

test('toasts get fresh ids; settings merge', () => {
  const store = loggedIn();
  store.dispatch({ type: 'toast', toast: { key: 'call-ended', type: 'info' } });
  const first = store.getState().toast;
  store.dispatch({ type: 'toast', toast: { key: 'call-ended', type: 'info' } });
  assert.notEqual(store.getState().toast?.id, first?.id);
  store.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
  assert.equal(store.getState().settings.language, 'zh-cn');
  assert.equal(store.getState().settings.displayMode, 'cover');
});

test('unsubscribe stops notifications', () => {
  const store = loggedIn();
  let n = 0;
  const off = store.subscribe(() => n++);
  off();
  store.dispatch({ type: 'settings', settings: { muteMode: true } });
  assert.equal(n, 0);
  assert.equal(store.listenerCount, 0);
});

test('formatDuration', () => {
  assert.equal(formatDuration(0), '00:00:00');
  assert.equal(formatDuration(61_500), '00:01:01');
  assert.equal(formatDuration(3_600_000 * 2 + 5_000), '02:00:05');
  assert.equal(formatDuration(-5), '00:00:00');
});

test('incoming list: add (the same call again keeps its place), remove, kept across call-reset, cleared at logout', () => {
  const store = loggedIn();
  const call = (callId: string, callerId: string) => ({
    callId,
    callerId,
    callerName: '',
    callerAvatar: '',
    mediaType: CallMediaType.VIDEO,
    groupId: '',
    isGroup: false,
    members: [{ userId: callerId, status: 'accepted' as const }],
    receivedAt: 1,
  });
  assert.deepEqual(store.getState().incoming, []);
  store.dispatch({ type: 'incoming-add', call: call('c1', 'bob') });
  store.dispatch({ type: 'incoming-add', call: call('c2', 'carol') });
  assert.deepEqual(
    store.getState().incoming.map((c) => c.callId),
    ['c1', 'c2'],
  );
  store.dispatch({ type: 'incoming-add', call: { ...call('c1', 'bob'), callerName: 'Bob' } });
  assert.deepEqual(
    store.getState().incoming.map((c) => `${c.callId}:${c.callerName}`),
    ['c1:Bob', 'c2:'],
  );
  const before = store.getState();
  store.dispatch({ type: 'incoming-remove', callId: 'nope' });
  assert.equal(store.getState(), before, 'removing an unknown call is a no-op');
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLEE,
    callId: 'c1',
    mediaType: CallMediaType.VIDEO,
    callerId: 'bob',
    members: [{ userId: 'bob', status: 'accepted' }],
  });
  assert.equal(legacyStatus(store.getState()), LegacyStatus.BE_INVITED);
  store.dispatch({ type: 'call-reset' });
  assert.deepEqual(
    store.getState().incoming.map((c) => c.callId),
    ['c1', 'c2'],
    'a call end does not drop the other invitations',
  );
  store.dispatch({ type: 'incoming-remove', callId: 'c1' });
  assert.deepEqual(
    store.getState().incoming.map((c) => c.callId),
    ['c2'],
  );
  assert.equal(store.getState().settings.callWaiting, false);
  assert.equal(store.getState().settings.notifications, false);
  store.dispatch({ type: 'logout' });
  assert.deepEqual(store.getState().incoming, []);
});
