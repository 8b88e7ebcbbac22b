/**
 * The kit's group-call API (inviteUser, join, queryGroupCall): argument validation, policy (9
 * members at most), engines without group support, and the store slices it feeds. Plus the mesh
 * video caps by member count. Real group calls are tested end to end (test/e2e/group.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import { CallMediaType, CallRole } from '../../src/constants.js';
import { Emitter } from '../../src/engine/emitter.js';
import type { CallEngine, CallEngineEvents, GroupCallInfo } from '../../src/engine/types.js';
import { videoLimitFor } from '../../src/engine/webrtc/video-caps.js';

const CALL = 'AbCdEfGhIjKlMnOpQrStUv';

interface Recorded {
  method: string;
  args: unknown[];
}

function groupEngine(withGroups = true): CallEngine & { log: Recorded[]; emitter: Emitter<CallEngineEvents> } {
  const emitter = new Emitter<CallEngineEvents>();
  const log: Recorded[] = [];
  const none = async () => undefined;
  const engine: CallEngine & { log: Recorded[]; emitter: Emitter<CallEngineEvents> } = {
    name: 'recording',
    emitter,
    log,
    on: emitter.on.bind(emitter),
    off: emitter.off.bind(emitter),
    login: none,
    logout: none,
    calls: async (p) => {
      log.push({ method: 'calls', args: [p] });
      emitter.emit('onCallStarted', { callId: CALL, mediaType: p.mediaType, members: p.userIDList.map((userId) => ({ userId })) });
      return { callId: CALL };
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
  if (withGroups) {
    engine.inviteUser = async (p) => {
      log.push({ method: 'inviteUser', args: [p] });
      for (const userId of p.userIDList) emitter.emit('onUserInvited', { userId });
    };
    engine.join = async (p) => {
      log.push({ method: 'join', args: [p] });
      emitter.emit('onCallStarted', {
        callId: p.callId,
        mediaType: CallMediaType.AUDIO,
        role: CallRole.CALLEE,
        members: [
          { userId: 'bob', status: 'accepted' },
          { userId: 'carol', status: 'accepted' },
        ],
      });
      emitter.emit('onCallBegin', { callId: p.callId, mediaType: CallMediaType.AUDIO, role: CallRole.CALLEE });
    };
    engine.queryGroupCall = async (groupID) => {
      log.push({ method: 'queryGroupCall', args: [groupID] });
      if (groupID !== 'team') return null;
      const info: GroupCallInfo = { callId: CALL, mediaType: CallMediaType.VIDEO, members: [{ userId: 'bob', status: 'accepted' }] };
      return info;
    };
  }
  return engine;
}

async function rejectsWith(fn: () => Promise<unknown>, code: number, pattern?: RegExp): Promise<void> {
  await assert.rejects(fn, (error: unknown) => {
    assert.ok(error instanceof CallKitError, `expected CallKitError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

async function setup(withGroups = true) {
  const kit = new CallKit();
  const engine = groupEngine(withGroups);
  await kit.init({ SDKAppID: 1400000000, userID: 'alice', userSig: 'sig', engine });
  return { kit, engine };
}

test('inviteUser validates its list and needs a call; a 1v1 call becomes a group call', async () => {
  const { kit, engine } = await setup();
  await rejectsWith(() => kit.inviteUser({ userIDList: ['bob'] }), ErrorCode.INVALID_STATE);
  await kit.calls({ userIDList: ['bob'], type: CallMediaType.AUDIO });
  engine.emitter.emit('onUserAccept', { userId: 'bob' });
  engine.emitter.emit('onCallBegin', { callId: CALL, mediaType: CallMediaType.AUDIO, role: CallRole.CALLER });
  assert.equal(kit.store.getState().isGroup, false);
  await rejectsWith(() => kit.inviteUser(undefined as never), ErrorCode.INVALID_PARAMETER);
  await rejectsWith(() => kit.inviteUser({ userIDList: [] }), ErrorCode.INVALID_PARAMETER);
  await rejectsWith(() => kit.inviteUser({ userIDList: ['bad id'] }), ErrorCode.INVALID_PARAMETER);
  await rejectsWith(() => kit.inviteUser({ userIDList: ['carol', 'carol'] }), ErrorCode.INVALID_PARAMETER, /duplicate/);
  await rejectsWith(() => kit.inviteUser({ userIDList: ['alice'] }), ErrorCode.SELF_CALL);
  await rejectsWith(() => kit.inviteUser({ userIDList: ['bob'] }), ErrorCode.INVALID_PARAMETER, /already in the call/);
  const eight = Array.from({ length: 8 }, (_, i) => `u${i}`);
  await rejectsWith(() => kit.inviteUser({ userIDList: eight }), ErrorCode.CALLEE_COUNT);
  assert.equal(engine.log.filter((l) => l.method === 'inviteUser').length, 0, 'nothing reached the engine');

  await kit.inviteUser({ userIDList: eight.slice(0, 7) });
  const s = kit.store.getState();
  assert.equal(s.isGroup, true);
  assert.equal(s.members.filter((m) => m.status === 'ringing').length, 7);
  await rejectsWith(() => kit.inviteUser({ userIDList: ['u9'] }), ErrorCode.CALLEE_COUNT, /at most 9/);
  // Members who are gone free their place.
  engine.emitter.emit('onUserReject', { userId: 'u0' });
  assert.equal(kit.store.getState().members.find((m) => m.userId === 'u0')?.status, 'rejected');
  await kit.inviteUser({ userIDList: ['u9'] });
  await kit.dispose();
});

test('join validates, needs to be idle, uses the queried media type, and starts a connected group call', async () => {
  const { kit, engine } = await setup();
  await rejectsWith(() => kit.join(undefined as never), ErrorCode.INVALID_PARAMETER);
  await rejectsWith(() => kit.join({ callId: '' }), ErrorCode.INVALID_PARAMETER);
  await rejectsWith(() => kit.join({ callId: 'x y' }), ErrorCode.INVALID_PARAMETER);
  assert.equal(await kit.queryGroupCall('team').then((c) => c?.callId), CALL);
  await kit.join({ callId: CALL });
  assert.deepEqual(engine.log.find((l) => l.method === 'join')?.args, [{ callId: CALL, mediaType: CallMediaType.VIDEO }]);
  const s = kit.store.getState();
  assert.equal(s.status, 'connected');
  assert.equal(s.role, CallRole.CALLEE);
  assert.equal(s.isGroup, true);
  assert.deepEqual(
    s.members.map((m) => `${m.userId}:${m.status}`),
    ['bob:accepted', 'carol:accepted'],
  );
  await rejectsWith(() => kit.join({ callId: CALL }), ErrorCode.ALREADY_IN_CALL);
  await kit.dispose();
});

test('queryGroupCall validates and fills state.groupCalls', async () => {
  const { kit } = await setup();
  await rejectsWith(() => kit.queryGroupCall('' as string), ErrorCode.INVALID_PARAMETER);
  await rejectsWith(() => kit.queryGroupCall(42 as never), ErrorCode.INVALID_PARAMETER);
  await rejectsWith(() => kit.queryGroupCall('x'.repeat(65)), ErrorCode.INVALID_PARAMETER);
  assert.equal(await kit.queryGroupCall('nobody'), null);
  const info = await kit.queryGroupCall('team');
  assert.equal(info?.mediaType, CallMediaType.VIDEO);
  assert.deepEqual(kit.store.getState().groupCalls, { nobody: null, team: info });
  await kit.dispose();
});

test('an engine without group support: FAILED with reason not-supported', async () => {
  const { kit } = await setup(false);
  for (const fn of [() => kit.queryGroupCall('team'), () => kit.join({ callId: CALL })]) {
    await assert.rejects(fn, (e: unknown) => e instanceof CallKitError && e.code === ErrorCode.FAILED && e.reason === 'not-supported');
  }
  await kit.dispose();
});

test('mesh video caps by member count: none for 2, then 500 kbps / half / 15 fps, then 250 kbps / quarter / 10 fps', () => {
  assert.equal(videoLimitFor(1), null);
  assert.equal(videoLimitFor(2), null);
  assert.deepEqual(videoLimitFor(3), { maxBitrate: 500_000, scaleResolutionDownBy: 2, maxFramerate: 15 });
  assert.deepEqual(videoLimitFor(4), videoLimitFor(3));
  assert.deepEqual(videoLimitFor(5), { maxBitrate: 250_000, scaleResolutionDownBy: 4, maxFramerate: 10 });
  assert.deepEqual(videoLimitFor(9), videoLimitFor(5));
});
