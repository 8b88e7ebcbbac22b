/**
 * The kit's argument validation and policy. The engine here is a recording double that only
 * answers login (validation happens before any engine work); real calls are tested end to end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import { CallMediaType } from '../../src/constants.js';
import { Emitter } from '../../src/engine/emitter.js';
import type { CallEngine, CallEngineEvents } from '../../src/engine/types.js';

function recordingEngine(): CallEngine & { calls_: unknown[]; emitter: Emitter<CallEngineEvents> } {
  const emitter = new Emitter<CallEngineEvents>();
  const calls_: unknown[] = [];
  const none = async () => undefined;
  return {
    name: 'recording',
    emitter,
    calls_,
    on: emitter.on.bind(emitter),
    off: emitter.off.bind(emitter),
    login: none,
    logout: none,
    calls: async (p) => {
      calls_.push(p);
      return { callId: 'x' };
    },
    accept: none,
    reject: none,
    hangup: none,
    openCamera: none,
    closeCamera: none,
    openMicrophone: none,
    closeMicrophone: none,
    switchDevice: none,
    getDeviceList: async () => [],
    setVideoQuality: none,
    switchCallMediaType: none,
    setSelfInfo: none,
    destroy: none,
  };
}

async function rejectsWith(fn: () => Promise<unknown> | unknown, code: number, pattern?: RegExp): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (error: unknown) => {
      assert.ok(error instanceof CallKitError, `expected CallKitError, got ${String(error)}`);
      assert.equal(error.code, code, error.message);
      if (pattern) assert.match(error.message, pattern);
      return true;
    },
  );
}

const valid = { SDKAppID: 1400000000, userID: 'alice', userSig: 'sig', server: 'ws://127.0.0.1:1/ck' };

test('methods before init throw SDK_NOT_INITIALIZED', async () => {
  const kit = new CallKit();
  await rejectsWith(() => kit.calls({ userIDList: ['bob'], type: CallMediaType.VIDEO }), ErrorCode.SDK_NOT_INITIALIZED);
  await rejectsWith(() => kit.accept(), ErrorCode.SDK_NOT_INITIALIZED);
  await rejectsWith(() => kit.reject(), ErrorCode.SDK_NOT_INITIALIZED);
  await kit.hangup(); // a no-op when idle
  await kit.dispose();
});

test('init validates its parameters', async () => {
  const kit = new CallKit();
  const bad: unknown[] = [
    undefined,
    null,
    'alice',
    { ...valid, SDKAppID: 0 },
    { ...valid, SDKAppID: '1400000000' },
    { ...valid, userID: '' },
    { ...valid, userID: 'a b' },
    { ...valid, userID: 'x'.repeat(65) },
    { ...valid, userSig: '' },
    { ...valid, server: 'http://example' },
    { ...valid, secretKey: 'never' },
    { ...valid, engine: {} },
  ];
  for (const params of bad) {
    await rejectsWith(() => kit.init(params as never), ErrorCode.INVALID_PARAMETER);
  }
  const { server: _server, ...noServer } = valid;
  await rejectsWith(() => kit.init(noServer), ErrorCode.INVALID_PARAMETER, /server/);
  await kit.dispose();
});

test('calls() validates the callee list and media type', async () => {
  const kit = new CallKit();
  const engine = recordingEngine();
  await kit.init({ ...valid, engine });
  await rejectsWith(() => kit.calls({ userIDList: [], type: CallMediaType.VIDEO }), ErrorCode.CALLEE_COUNT);
  await rejectsWith(
    () => kit.calls({ userIDList: Array.from({ length: 9 }, (_, i) => `u${i}`), type: CallMediaType.VIDEO }),
    ErrorCode.CALLEE_COUNT,
  );
  await rejectsWith(() => kit.calls({ userIDList: ['alice'], type: CallMediaType.VIDEO }), ErrorCode.SELF_CALL);
  await rejectsWith(() => kit.calls({ userIDList: ['bob', 'bob'], type: CallMediaType.VIDEO }), ErrorCode.INVALID_PARAMETER);
  await rejectsWith(() => kit.calls({ userIDList: ['bob'], type: 3 as never }), ErrorCode.INVALID_PARAMETER, /type/);
  await rejectsWith(() => kit.calls({ userIDList: 'bob' as never, type: CallMediaType.VIDEO }), ErrorCode.INVALID_PARAMETER);
  await rejectsWith(() => kit.calls({ userIDList: ['<script>'], type: CallMediaType.VIDEO }), ErrorCode.INVALID_PARAMETER);
  await rejectsWith(
    () => kit.calls({ userIDList: ['bob'], type: CallMediaType.VIDEO, timeout: 5 }),
    ErrorCode.INVALID_PARAMETER,
    /timeout/,
  );
  await rejectsWith(() => kit.calls(null as never), ErrorCode.INVALID_PARAMETER);
  assert.equal(engine.calls_.length, 0, 'nothing reached the engine');
  await kit.calls({ userIDList: ['bob'], type: CallMediaType.AUDIO, timeout: 20 });
  assert.deepEqual(engine.calls_, [
    { userIDList: ['bob'], mediaType: CallMediaType.AUDIO, timeout: 20, userData: undefined, groupID: undefined },
  ]);
  await kit.dispose();
});

test('one outgoing call at a time; accept/reject need an incoming call', async () => {
  const kit = new CallKit();
  const engine = recordingEngine();
  await kit.init({ ...valid, engine });
  await rejectsWith(() => kit.accept(), ErrorCode.INVALID_STATE);
  await rejectsWith(() => kit.reject(), ErrorCode.INVALID_STATE);
  engine.emitter.emit('onCallStarted', { callId: 'c1', mediaType: CallMediaType.VIDEO, members: [{ userId: 'bob' }] });
  assert.equal(kit.store.getState().status, 'calling');
  await rejectsWith(() => kit.calls({ userIDList: ['carol'], type: CallMediaType.VIDEO }), ErrorCode.ALREADY_IN_CALL);
  await rejectsWith(() => kit.destroyed(), ErrorCode.ALREADY_IN_CALL);
  await rejectsWith(() => kit.accept(), ErrorCode.INVALID_STATE, /incoming/);
  await kit.dispose();
});

test('engine events drive the store and ck-status-changed with legacy strings', async () => {
  const kit = new CallKit();
  const engine = recordingEngine();
  await kit.init({ ...valid, engine });
  const seen: string[] = [];
  kit.addEventListener('ck-status-changed', (e) => seen.push((e as CustomEvent).detail.newStatus));
  const statuses: string[] = [];
  kit.setCallback({ statusChanged: ({ newStatus }) => statuses.push(newStatus) });
  engine.emitter.emit('onCallReceived', {
    callId: 'c1',
    caller: { userId: 'bob', name: 'Bob' },
    calleeIdList: ['alice'],
    members: [{ userId: 'bob', name: 'Bob' }],
    mediaType: CallMediaType.VIDEO,
  });
  const ringing = kit.store.getState();
  assert.equal(ringing.role, 'callee');
  assert.equal(ringing.callerId, 'bob');
  assert.equal(ringing.members[0].name, 'Bob');
  assert.equal(ringing.tip?.key, 'callee-calling-video-message');
  engine.emitter.emit('onCallBegin', { callId: 'c1', mediaType: CallMediaType.VIDEO, role: 'callee' });
  engine.emitter.emit('onUserVideoAvailable', { userId: 'bob', available: true });
  assert.equal(kit.store.getState().members[0].videoAvailable, true);
  engine.emitter.emit('onCallEnd', { callId: 'c1', reason: 1, cause: 'hangup', totalTime: 3 });
  assert.equal(kit.store.getState().status, 'idle');
  assert.equal(kit.store.getState().toast?.key, 'other-side-hangup');
  assert.deepEqual(seen, ['be-invited', 'calling-c2c-video', 'idle']);
  assert.deepEqual(statuses, seen);
  await kit.dispose();
});

test('settings setters validate', async () => {
  const kit = new CallKit();
  assert.throws(() => kit.setLanguage('' as never), CallKitError);
  assert.throws(() => kit.setLayoutMode('big' as never), CallKitError);
  assert.throws(() => kit.setVideoDisplayMode('stretch' as never), CallKitError);
  assert.throws(() => kit.hideFeatureButton('hangup' as never), CallKitError);
  assert.throws(() => kit.enableMuteMode('yes' as never), CallKitError);
  assert.throws(() => kit.setCallback({ statusChanged: 'x' as never }), CallKitError);
  await assert.rejects(() => kit.setVideoResolution('4k' as never), CallKitError);
  kit.setLanguage('zh-cn');
  kit.hideFeatureButton('camera');
  kit.hideFeatureButton('camera');
  assert.equal(kit.store.getState().settings.language, 'zh-cn');
  assert.deepEqual(kit.store.getState().settings.hiddenButtons, ['camera']);
  await kit.dispose();
});

test('connecting gate: answered calls stay `calling` (connecting) until the engine says onCallBegin; a failure ends them unconnected', async () => {
  const kit = new CallKit();
  const engine = recordingEngine();
  await kit.init({ ...valid, engine });
  const statuses: string[] = [kit.store.getState().status];
  kit.store.subscribe((s, p) => {
    if (s.status !== p.status) statuses.push(s.status);
  });
  // Callee: accept() resolved (the server confirmed), no onCallBegin yet.
  engine.emitter.emit('onCallReceived', {
    callId: 'c1',
    caller: { userId: 'bob', name: 'Bob' },
    calleeIdList: ['alice'],
    members: [{ userId: 'bob', name: 'Bob' }],
    mediaType: CallMediaType.AUDIO,
  });
  await kit.accept();
  let s = kit.store.getState();
  assert.equal(s.status, 'calling');
  assert.equal(s.connecting, true, 'the call view shows "connecting"');
  assert.deepEqual(s.incoming, [], 'no longer ringing');
  assert.equal(s.answering, '');
  assert.equal(s.connectedAt, 0, 'no timer');
  await rejectsWith(() => kit.reject(), ErrorCode.INVALID_STATE);
  engine.emitter.emit('onCallBegin', { callId: 'c1', mediaType: CallMediaType.AUDIO, role: 'callee' });
  s = kit.store.getState();
  assert.equal(s.status, 'connected');
  assert.equal(s.connecting, false);
  engine.emitter.emit('onCallEnd', { callId: 'c1', reason: 1, cause: 'hangup', totalTime: 3 });
  // Caller: the callee accepted, the media path then fails: never connected, ends with `network`.
  engine.emitter.emit('onCallStarted', { callId: 'c2', mediaType: CallMediaType.VIDEO, members: [{ userId: 'bob' }] });
  assert.equal(kit.store.getState().connecting, false, 'dialing is not connecting');
  engine.emitter.emit('onUserAccept', { userId: 'bob' });
  engine.emitter.emit('onUserJoin', { userId: 'bob' });
  s = kit.store.getState();
  assert.equal(s.status, 'calling');
  assert.equal(s.connecting, true);
  assert.equal(s.tip?.key, 'connecting');
  engine.emitter.emit('onCallEnd', { callId: 'c2', reason: 0, cause: 'network', totalTime: 0 });
  s = kit.store.getState();
  assert.equal(s.status, 'idle');
  assert.equal(s.connecting, false);
  assert.equal(s.toast?.key, 'network-unsupported');
  assert.deepEqual(statuses, ['idle', 'calling', 'connected', 'idle', 'calling', 'idle']);
  await kit.dispose();
});

test('seed callbacks: beforeCalling before an incoming invitation rings too, afterCalling when the call ends (not at connect)', async () => {
  const kit = new CallKit();
  const engine = recordingEngine();
  await kit.init({ ...valid, engine });
  const seen: string[] = [];
  kit.setCallback({
    beforeCalling: (type) => seen.push(`before ${type} ${kit.store.getState().status}`),
    afterCalling: () => seen.push(`after ${kit.store.getState().status}`),
  });
  engine.emitter.emit('onCallReceived', {
    callId: 'c1',
    caller: { userId: 'bob' },
    calleeIdList: ['alice'],
    members: [{ userId: 'bob' }],
    mediaType: CallMediaType.VIDEO,
  });
  assert.deepEqual(seen, [`before ${CallMediaType.VIDEO} idle`], 'before the invitation rings');
  engine.emitter.emit('onCallBegin', { callId: 'c1', mediaType: CallMediaType.VIDEO, role: 'callee' });
  assert.deepEqual(seen.length, 1, 'nothing at connect');
  engine.emitter.emit('onCallEnd', { callId: 'c1', reason: 1, cause: 'hangup', totalTime: 3 });
  assert.deepEqual(seen.at(-1), 'after idle', 'after the call ended');
  // An outgoing call that is never answered ends too: afterCalling once.
  await kit.calls({ userIDList: ['carol'], type: CallMediaType.AUDIO });
  engine.emitter.emit('onCallStarted', { callId: 'x', mediaType: CallMediaType.AUDIO, members: [{ userId: 'carol' }] });
  engine.emitter.emit('onCallEnd', { callId: 'x', reason: 3, cause: 'timeout', totalTime: 0 });
  assert.deepEqual(seen, [`before ${CallMediaType.VIDEO} idle`, 'after idle', `before ${CallMediaType.AUDIO} idle`, 'after idle']);
  await kit.dispose();
});

test("the caller's userData is readable by the callee: the incoming entry, the current call, ck-status-changed", async () => {
  const kit = new CallKit();
  const engine = recordingEngine();
  await kit.init({ ...valid, engine });
  const details: { newStatus: string; userData?: string }[] = [];
  kit.addEventListener('ck-status-changed', (e) => details.push((e as CustomEvent).detail));
  engine.emitter.emit('onCallReceived', {
    callId: 'c1',
    caller: { userId: 'bob' },
    calleeIdList: ['alice'],
    members: [{ userId: 'bob' }],
    mediaType: CallMediaType.AUDIO,
    userData: '{"order":42}',
  });
  const s = kit.store.getState();
  assert.equal(s.incoming[0].userData, '{"order":42}');
  assert.equal(s.userData, '{"order":42}');
  assert.equal(details.at(-1)?.newStatus, 'be-invited');
  assert.equal(details.at(-1)?.userData, '{"order":42}');
  engine.emitter.emit('onCallEnd', { callId: 'c1', reason: 1, cause: 'hangup', totalTime: 0 });
  assert.equal(kit.store.getState().userData, '', 'cleared with the call');
  await kit.dispose();
});

test('per-member events for hosts: ck-user-invited/accepted/joined/left/declined/busy/no-response with { callId, userId }', async () => {
  const kit = new CallKit();
  const engine = recordingEngine();
  await kit.init({ ...valid, engine });
  const names = [
    'ck-user-invited',
    'ck-user-accepted',
    'ck-user-joined',
    'ck-user-left',
    'ck-user-declined',
    'ck-user-busy',
    'ck-user-no-response',
  ] as const;
  const seen: string[] = [];
  for (const name of names) kit.addEventListener(name, (e) => seen.push(`${name} ${JSON.stringify((e as CustomEvent).detail)}`));
  await kit.calls({ userIDList: ['bob', 'carol', 'dave', 'erin'], type: CallMediaType.AUDIO });
  engine.emitter.emit('onCallStarted', {
    callId: 'g',
    mediaType: CallMediaType.AUDIO,
    members: ['bob', 'carol', 'dave', 'erin'].map((userId) => ({ userId })),
  });
  engine.emitter.emit('onUserAccept', { userId: 'bob' });
  engine.emitter.emit('onCallBegin', { callId: 'g', mediaType: CallMediaType.AUDIO, role: 'caller' });
  engine.emitter.emit('onUserJoin', { userId: 'bob' });
  engine.emitter.emit('onUserReject', { userId: 'carol' });
  engine.emitter.emit('onUserLineBusy', { userId: 'dave' });
  engine.emitter.emit('onUserNoResponse', { userId: 'erin' });
  engine.emitter.emit('onUserInvited', { userId: 'frank' });
  engine.emitter.emit('onUserLeave', { userId: 'bob' });
  const d = (userId: string) => JSON.stringify({ callId: 'g', userId });
  assert.deepEqual(seen, [
    `ck-user-accepted ${d('bob')}`,
    `ck-user-joined ${d('bob')}`,
    `ck-user-declined ${d('carol')}`,
    `ck-user-busy ${d('dave')}`,
    `ck-user-no-response ${d('erin')}`,
    `ck-user-invited ${d('frank')}`,
    `ck-user-left ${d('bob')}`,
  ]);
  await kit.dispose();
});
