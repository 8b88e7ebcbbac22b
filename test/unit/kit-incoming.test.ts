/**
 * Several incoming calls through the kit and the simulated engine (issue 3): up to 3 ring at once
 * while idle, each answered or declined by its callId; call waiting (opt-in) with "end and accept";
 * withdrawn invitations; argument validation; the tab title and system notifications.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { IncomingAlerts } from '../../src/kit/incoming-alerts.js';
import { loadLocale } from '../../src/i18n/index.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { CallEndReason, CallMediaType, LegacyStatus } from '../../src/constants.js';
import { ErrorCode } from '../../src/errors.js';
import { CallStore } from '../../src/store/store.js';
import { legacyStatus } from '../../src/store/selectors.js';

async function setup() {
  const kit = new CallKit();
  const engine = new SimulatedEngine();
  await kit.init({ SDKAppID: 1, userID: 'bob', userSig: 'x', engine });
  const ended: { callId: string; cause: string }[] = [];
  kit.addEventListener('ck-call-ended', (e) =>
    ended.push({ callId: (e as CustomEvent).detail.callId, cause: (e as CustomEvent).detail.cause }),
  );
  const statuses: string[] = [];
  kit.addEventListener('ck-status-changed', (e) => statuses.push((e as CustomEvent).detail.newStatus));
  return { kit, engine, ended, statuses };
}

const ids = (kit: CallKit) => kit.store.getState().incoming.map((c) => c.callerId);

async function rejects(run: () => Promise<unknown>, code: number): Promise<void> {
  await assert.rejects(run, (e: { code?: number }) => e.code === code);
}

test('three calls ring at once while idle, a fourth is busy; answered in turn by callId', async () => {
  const { kit, engine, ended } = await setup();
  const a = engine.remoteInvite({ userId: 'alice', name: 'Alice', avatar: 'https://example.com/a.png' }, CallMediaType.VIDEO);
  const c = engine.remoteInvite({ userId: 'carol', name: 'Carol' }, CallMediaType.AUDIO);
  const e = engine.remoteInvite({ userId: 'erin' }, CallMediaType.VIDEO);
  const f = engine.remoteInvite({ userId: 'frank' }, CallMediaType.VIDEO);
  assert.deepEqual(engine.busyCalls, [f]);
  let s = kit.store.getState();
  assert.deepEqual(ids(kit), ['alice', 'carol', 'erin']);
  assert.deepEqual(
    {
      callId: s.incoming[0]!.callId,
      name: s.incoming[0]!.callerName,
      avatar: s.incoming[0]!.callerAvatar,
      media: s.incoming[0]!.mediaType,
      group: s.incoming[0]!.isGroup,
    },
    { callId: a, name: 'Alice', avatar: 'https://example.com/a.png', media: CallMediaType.VIDEO, group: false },
  );
  assert.equal(s.incoming[1]!.mediaType, CallMediaType.AUDIO);
  assert.ok(s.incoming.every((x) => x.receivedAt > 0));
  // The first one is the current call: the seed's legacy status is unchanged.
  assert.equal(s.callId, a);
  assert.equal(legacyStatus(s), LegacyStatus.BE_INVITED);

  // Accept carol's (not the current one): it becomes the current call and connects; the banner
  // shows "connecting" for it meanwhile (store.answering).
  const answering: string[] = [];
  const off = kit.store.subscribe((st, prev) => {
    if (st.answering !== prev.answering) answering.push(st.answering);
  });
  await kit.accept({ callId: c });
  off();
  assert.deepEqual(answering, [c, '']);
  s = kit.store.getState();
  assert.equal(s.status, 'connected');
  assert.equal(s.callId, c);
  assert.equal(s.callerId, 'carol');
  assert.equal(s.mediaType, CallMediaType.AUDIO);
  assert.equal(engine.callId, c);
  assert.deepEqual(ids(kit), ['alice', 'erin'], 'the others still ring');
  assert.deepEqual(engine.pendingCallIds, [a, e]);

  // Hang up: the oldest still ringing becomes the current call (as in the engine).
  await kit.hangup();
  s = kit.store.getState();
  assert.equal(s.status, 'calling');
  assert.equal(s.role, 'callee');
  assert.equal(s.callId, a);
  assert.equal(engine.callId, a);
  assert.deepEqual(ended, [{ callId: c, cause: 'hangup' }]);

  // Decline erin's by callId, accept the current (alice's) without an argument, as before.
  await kit.reject({ callId: e });
  assert.deepEqual(ids(kit), ['alice']);
  assert.deepEqual(engine.pendingCallIds, []);
  await kit.accept();
  assert.equal(kit.store.getState().status, 'connected');
  assert.equal(kit.store.getState().callId, a);
  assert.deepEqual(ids(kit), []);
  await kit.hangup();
  assert.equal(kit.store.getState().status, 'idle');
  await kit.dispose();
});

test('withdrawn invitations leave the list; the current one ending promotes the oldest pending', async () => {
  const { kit, engine, ended } = await setup();
  const a = engine.remoteInvite({ userId: 'alice' }, CallMediaType.VIDEO);
  const c = engine.remoteInvite({ userId: 'carol' }, CallMediaType.VIDEO);
  const e = engine.remoteInvite({ userId: 'erin' }, CallMediaType.AUDIO);
  engine.remoteCancel(c); // a pending one is cancelled by its caller
  assert.deepEqual(ids(kit), ['alice', 'erin']);
  assert.equal(kit.store.getState().callId, a, 'the current call is untouched');
  assert.deepEqual(ended, [], 'a withdrawn pending call is not a call end');
  engine.remoteTimeout(a); // the current one times out
  const s = kit.store.getState();
  assert.deepEqual(ended, [{ callId: a, cause: 'timeout' }]);
  assert.equal(s.status, 'calling');
  assert.equal(s.callId, e);
  assert.equal(s.mediaType, CallMediaType.AUDIO);
  assert.equal(engine.callId, e);
  engine.remoteAnsweredElsewhere(e);
  assert.equal(kit.store.getState().status, 'idle');
  assert.deepEqual(ids(kit), []);
  await kit.dispose();
});

test('call waiting off (default): busy at once while in a call, the call goes on', async () => {
  const { kit, engine } = await setup();
  await kit.calls({ userIDList: ['dave'], type: CallMediaType.AUDIO });
  engine.remoteAccept('dave');
  const c = engine.remoteInvite({ userId: 'carol' }, CallMediaType.VIDEO);
  assert.deepEqual(engine.busyCalls, [c]);
  assert.deepEqual(ids(kit), []);
  assert.equal(kit.store.getState().status, 'connected');
  await kit.hangup();
  await kit.dispose();
});

test('call waiting on: one waiting call rings; end and accept hangs up, then accepts it', async () => {
  const { kit, engine, ended } = await setup();
  await kit.enableCallWaiting(true);
  assert.equal(engine.callWaiting, true);
  assert.equal(kit.store.getState().settings.callWaiting, true);
  await kit.calls({ userIDList: ['dave'], type: CallMediaType.AUDIO });
  engine.remoteAccept('dave');
  const current = kit.store.getState().callId;
  const c = engine.remoteInvite({ userId: 'carol', name: 'Carol' }, CallMediaType.VIDEO);
  const e = engine.remoteInvite({ userId: 'erin' }, CallMediaType.VIDEO);
  assert.deepEqual(engine.busyCalls, [e], 'only one waiting call');
  assert.deepEqual(ids(kit), ['carol']);
  assert.equal(kit.store.getState().status, 'connected', 'the running call is untouched');
  await rejects(() => kit.accept({ callId: c }), ErrorCode.ALREADY_IN_CALL);
  assert.equal(kit.store.getState().callId, current);
  await kit.accept({ callId: c, endCurrent: true });
  const s = kit.store.getState();
  assert.deepEqual(ended, [{ callId: current, cause: 'hangup' }]);
  assert.equal(s.status, 'connected');
  assert.equal(s.callId, c);
  assert.equal(s.members[0]!.name, 'Carol');
  assert.deepEqual(ids(kit), []);
  // Decline a waiting call instead.
  const g = engine.remoteInvite({ userId: 'gina' }, CallMediaType.AUDIO);
  await kit.reject({ callId: g });
  assert.deepEqual(ids(kit), []);
  assert.equal(kit.store.getState().callId, c);
  await kit.enableCallWaiting(false);
  assert.equal(engine.callWaiting, false);
  await kit.hangup();
  await kit.dispose();
});

test('accept / reject / settings validate their arguments with typed errors', async () => {
  const { kit, engine } = await setup();
  engine.remoteInvite({ userId: 'alice' }, CallMediaType.VIDEO);
  await rejects(() => kit.accept({ callId: 5 as never }), ErrorCode.INVALID_PARAMETER);
  await rejects(() => kit.accept({ callId: 'x y' }), ErrorCode.INVALID_PARAMETER);
  await rejects(() => kit.accept('call' as never), ErrorCode.INVALID_PARAMETER);
  await rejects(() => kit.accept({ endCurrent: 'yes' as never }), ErrorCode.INVALID_PARAMETER);
  await rejects(() => kit.accept({ callId: 'no-such-call' }), ErrorCode.INVALID_STATE);
  await rejects(() => kit.reject({ callId: 'no-such-call' }), ErrorCode.INVALID_STATE);
  await rejects(() => kit.reject({ callId: [] as never }), ErrorCode.INVALID_PARAMETER);
  await rejects(() => kit.enableCallWaiting('on' as never), ErrorCode.INVALID_PARAMETER);
  assert.throws(
    () => kit.enableNotifications(1 as never),
    (e: { code?: number }) => e.code === ErrorCode.INVALID_PARAMETER,
  );
  assert.equal(kit.store.getState().status, 'calling', 'nothing changed');
  await kit.reject();
  assert.equal(kit.store.getState().status, 'idle');
  await rejects(() => kit.reject(), ErrorCode.INVALID_STATE);
  await kit.dispose();
});

// ---- tab title and system notifications (IncomingAlerts, with fake browser globals) -------------

interface FakeNote {
  title: string;
  options: { body?: string; tag?: string; icon?: string };
  closed: boolean;
  onclick: (() => void) | null;
}

function fakeBrowser(permission: string) {
  const g = globalThis as Record<string, unknown>;
  const saved = { document: g.document, Notification: g.Notification, focus: g.focus };
  const doc = { title: 'My app', visibilityState: 'hidden' as 'hidden' | 'visible' };
  const notes: FakeNote[] = [];
  let asked = 0;
  let focused = 0;
  class Note implements FakeNote {
    static permission = permission;
    static requestPermission() {
      asked++;
      return Promise.resolve('granted');
    }
    closed = false;
    onclick: (() => void) | null = null;
    constructor(
      readonly title: string,
      readonly options: FakeNote['options'] = {},
    ) {
      notes.push(this);
    }
    close() {
      this.closed = true;
    }
  }
  g.document = doc;
  g.Notification = Note;
  g.focus = () => focused++;
  return {
    doc,
    notes,
    asked: () => asked,
    focused: () => focused,
    restore() {
      g.document = saved.document;
      g.Notification = saved.Notification;
      g.focus = saved.focus;
    },
  };
}

function entry(callId: string, callerId: string, name = '') {
  return {
    callId,
    callerId,
    callerName: name,
    callerAvatar: '',
    mediaType: CallMediaType.VIDEO,
    groupId: '',
    isGroup: false,
    members: [{ userId: callerId, status: 'accepted' as const }],
    receivedAt: 1,
  };
}

function alertsOn(store: CallStore) {
  const alerts = new IncomingAlerts();
  store.subscribe((s, p) => alerts.update(s, p));
  return alerts;
}

test('the tab title shows the ringing call and is restored after; a lazily loaded language retitles it when it arrives', async () => {
  const browser = fakeBrowser('granted');
  try {
    const store = new CallStore();
    const alerts = alertsOn(store);
    store.dispatch({ type: 'incoming-add', call: entry('c1', 'alice', 'Alice') });
    assert.equal(browser.doc.title, 'Call from Alice');
    store.dispatch({ type: 'incoming-add', call: entry('c2', 'carol') });
    assert.equal(browser.doc.title, 'Call from carol', 'the newest call');
    store.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
    store.dispatch({ type: 'incoming-remove', callId: 'c2' });
    await loadLocale('zh-cn');
    assert.equal(browser.doc.title, 'Alice 来电');
    store.dispatch({ type: 'incoming-remove', callId: 'c1' });
    assert.equal(browser.doc.title, 'My app');
    alerts.dispose();
  } finally {
    browser.restore();
  }
});

test('notifications: only when opted in, granted and hidden; never asks permission; click focuses the tab', () => {
  const browser = fakeBrowser('granted');
  try {
    const store = new CallStore();
    const alerts = alertsOn(store);
    store.dispatch({ type: 'incoming-add', call: entry('c1', 'alice', 'Alice') });
    assert.equal(browser.notes.length, 0, 'not opted in');
    store.dispatch({ type: 'incoming-remove', callId: 'c1' });
    store.dispatch({ type: 'settings', settings: { notifications: true } });
    browser.doc.visibilityState = 'visible';
    store.dispatch({ type: 'incoming-add', call: entry('c2', 'carol', 'Carol') });
    assert.equal(browser.notes.length, 0, 'the tab is visible');
    browser.doc.visibilityState = 'hidden';
    store.dispatch({ type: 'incoming-add', call: entry('c3', 'erin', 'Erin') });
    assert.equal(browser.notes.length, 1);
    const note = browser.notes[0]!;
    assert.equal(note.title, 'Incoming video call from Erin');
    assert.equal(note.options.tag, 'callkit-c3');
    note.onclick?.();
    assert.equal(browser.focused(), 1);
    assert.equal(note.closed, true);
    store.dispatch({ type: 'incoming-add', call: entry('c4', 'gina') });
    assert.equal(browser.notes.length, 2);
    store.dispatch({ type: 'incoming-remove', callId: 'c4' });
    assert.equal(browser.notes[1]!.closed, true, 'closed when it stops ringing');
    assert.equal(browser.asked(), 0, 'the kit never requests the permission');
    alerts.dispose();
  } finally {
    browser.restore();
  }
  const denied = fakeBrowser('default');
  try {
    const store = new CallStore({ notifications: true });
    const alerts = alertsOn(store);
    store.dispatch({ type: 'incoming-add', call: entry('c1', 'alice') });
    assert.equal(denied.notes.length, 0, 'no permission: nothing');
    assert.equal(denied.asked(), 0);
    alerts.dispose();
  } finally {
    denied.restore();
  }
});

test('the kit follows the engine: onIncomingPromoted makes that call current, onCallEnd alone promotes nothing', async () => {
  const { kit, engine } = await setup();
  const promoted: string[] = [];
  engine.on('onIncomingPromoted', (e) => promoted.push(e.callId));
  const a = engine.remoteInvite({ userId: 'alice' }, CallMediaType.VIDEO);
  const c = engine.remoteInvite({ userId: 'carol' }, CallMediaType.AUDIO);
  const e = engine.remoteInvite({ userId: 'erin' }, CallMediaType.VIDEO);
  engine.remoteCancel(a);
  assert.deepEqual(promoted, [c], 'the engine promoted the oldest pending call');
  assert.equal(kit.store.getState().callId, c);
  // An engine event with no end before it: the kit makes erin's call current (no rule of its own).
  engine.emit('onIncomingPromoted', { callId: e });
  let s = kit.store.getState();
  assert.equal(s.status, 'calling');
  assert.equal(s.callId, e);
  assert.equal(s.callerId, 'erin');
  // An end without the event leaves the kit idle even though calls still ring.
  engine.emit('onCallEnd', { callId: e, reason: CallEndReason.HANGUP, cause: 'hangup', totalTime: 0 });
  s = kit.store.getState();
  assert.equal(s.status, 'idle');
  assert.deepEqual(ids(kit), ['carol']);
  await kit.dispose();
});

test('accept({ camera: false }) answers a video call with the camera off: still a video call, no local video (issue 17 item 2b)', async () => {
  const { kit, engine } = await setup();
  engine.remoteInvite({ userId: 'alice', name: 'Alice' }, CallMediaType.VIDEO);
  await kit.accept({ camera: false });
  const s = kit.store.getState();
  assert.equal(s.mediaType, CallMediaType.VIDEO);
  assert.equal(s.self.videoAvailable, false);
  assert.equal(s.self.audioAvailable, true);
  assert.ok(
    engine.log.some((e) => e.method === 'closeCamera'),
    'the engine closed the camera',
  );
  await rejects(() => kit.accept({ camera: 'no' as never }), ErrorCode.INVALID_PARAMETER);
  await kit.hangup();

  // Without it (the default camera setting on), the camera stays on.
  engine.remoteInvite({ userId: 'carol', name: 'Carol' }, CallMediaType.VIDEO);
  await kit.accept();
  assert.equal(kit.store.getState().self.videoAvailable, true);
  await kit.hangup();
});
