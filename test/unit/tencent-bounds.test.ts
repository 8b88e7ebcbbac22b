/**
 * Every wait of the Tencent engine is bounded (issue 21): chat's `login()` and TRTC's `enterRoom()`
 * that never answer (doubles whose promises never settle, as behind a firewall or offline) end in a
 * typed CONNECTION_FAILED within the engine's documented bound, and a call that cannot enter its
 * room ends on both sides instead of staying "connecting".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TencentEngine, type TencentEngineOptions } from '../../src/engine/tencent/index.js';
import type { CallEngineEvents } from '../../src/engine/types.js';
import { CallMediaType } from '../../src/constants.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import { FakeCloud, FakeTRTC, fakeStreamFactory } from '../helpers/tencent-double.js';
import type { ChatModuleLike, TRTCModuleLike } from '../../src/engine/tencent/sdk-types.js';

const SDK_APP_ID = 1400000001;
const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

async function until(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A TRTC module whose instances never answer `enterRoom`. */
function silentRooms(cloud: FakeCloud, label: string): TRTCModuleLike {
  const real = cloud.trtcModuleFor(label);
  return {
    ...real,
    create: (options) => {
      const trtc = real.create(options) as FakeTRTC;
      trtc.enterRoom = () => never();
      return trtc;
    },
  } as TRTCModuleLike;
}

function engineFor(cloud: FakeCloud, id: string, options: TencentEngineOptions = {}) {
  const engine = new TencentEngine({
    loadChat: async () => cloud.chatModule,
    loadTRTC: async () => cloud.trtcModuleFor(id),
    createMediaStream: fakeStreamFactory,
    roomEntryTimeoutMs: 100,
    loginTimeoutMs: 100,
    ...options,
  });
  const ends: CallEngineEvents['onCallEnd'][] = [];
  const received: CallEngineEvents['onCallReceived'][] = [];
  engine.on('onCallEnd', (e) => ends.push(e));
  engine.on('onCallReceived', (e) => received.push(e));
  return { engine, ends, received };
}

test('login: a chat login that never answers rejects with CONNECTION_FAILED login-timeout within loginTimeoutMs', async () => {
  const cloud = new FakeCloud();
  const chatModule: ChatModuleLike = {
    create: (options) => {
      const chat = cloud.chatModule.create(options);
      chat.login = () => never();
      return chat;
    },
  };
  const { engine } = engineFor(cloud, 'alice', { loadChat: async () => chatModule, loginTimeoutMs: 150 });
  const started = Date.now();
  const failure = await engine.login({ SDKAppID: SDK_APP_ID, userID: 'alice', userSig: 'sig-alice' }).catch((e: unknown) => e);
  const took = Date.now() - started;
  assert.ok(failure instanceof CallKitError, String(failure));
  assert.equal(failure.code, ErrorCode.CONNECTION_FAILED);
  assert.equal(failure.reason, 'login-timeout');
  assert.ok(took >= 140 && took < 2000, `rejected after ${took} ms`);
  await assert.rejects(engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO }), { code: ErrorCode.SDK_NOT_INITIALIZED });
  await engine.destroy();
});

test('room entry: a caller whose TRTC room never answers gets CONNECTION_FAILED room-timeout from calls()', async () => {
  const cloud = new FakeCloud();
  const alice = engineFor(cloud, 'alice', { loadTRTC: async () => silentRooms(cloud, 'alice') });
  const bob = engineFor(cloud, 'bob');
  await alice.engine.login({ SDKAppID: SDK_APP_ID, userID: 'alice', userSig: 'sig-alice' });
  await bob.engine.login({ SDKAppID: SDK_APP_ID, userID: 'bob', userSig: 'sig-bob' });
  const failure = await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO }).catch((e: unknown) => e);
  assert.ok(failure instanceof CallKitError, String(failure));
  assert.equal(failure.code, ErrorCode.CONNECTION_FAILED);
  assert.equal(failure.reason, 'room-timeout');
  await alice.engine.destroy();
  await bob.engine.destroy();
});

test('room entry: a callee whose TRTC room never answers: accept() rejects within the bound and the call ends on both sides', async () => {
  const cloud = new FakeCloud();
  const alice = engineFor(cloud, 'alice');
  const bob = engineFor(cloud, 'bob', { loadTRTC: async () => silentRooms(cloud, 'bob') });
  await alice.engine.login({ SDKAppID: SDK_APP_ID, userID: 'alice', userSig: 'sig-alice' });
  await bob.engine.login({ SDKAppID: SDK_APP_ID, userID: 'bob', userSig: 'sig-bob' });
  const { callId } = await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
  await until(() => bob.received.length > 0, 3000, 'bob rings');
  const started = Date.now();
  const failure = await bob.engine.accept().catch((e: unknown) => e);
  assert.ok(Date.now() - started < 2000, 'accept settled within the bound');
  assert.ok(failure instanceof CallKitError, String(failure));
  assert.equal(failure.reason, 'room-timeout');
  assert.equal(bob.ends.at(-1)?.cause, 'error');
  await until(() => alice.ends.length > 0, 3000, 'alice: the call ends');
  assert.equal(alice.ends[0].callId, callId);
  await alice.engine.destroy();
  await bob.engine.destroy();
});

/** A page that holds (`granted`) or would ask for (`prompt`) the camera and microphone permission. */
function withPermission(state: 'granted' | 'prompt'): () => void {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  Object.defineProperty(globalThis, 'navigator', { configurable: true, value: { permissions: { query: async () => ({ state }) } } });
  return () => {
    if (saved) Object.defineProperty(globalThis, 'navigator', saved);
    else delete (globalThis as { navigator?: unknown }).navigator;
  };
}

/** A TRTC module whose camera does not start until `gate` settles (default never: a hung device); counts stopLocalVideo calls. */
function hungCamera(cloud: FakeCloud, label: string, stops: { video: number }, gate: Promise<void> = never()): TRTCModuleLike {
  const real = cloud.trtcModuleFor(label);
  return {
    ...real,
    create: (options) => {
      const trtc = real.create(options) as FakeTRTC;
      trtc.startLocalVideo = () => gate;
      const stop = trtc.stopLocalVideo.bind(trtc);
      trtc.stopLocalVideo = () => {
        stops.video += 1;
        return stop();
      };
      return trtc;
    },
  } as TRTCModuleLike;
}

test('device start: once permission is granted, a camera that does not start in time fails calls() with CAMERA_START_FAILED device-timeout, and a late start is stopped', async () => {
  const restore = withPermission('granted');
  try {
    const cloud = new FakeCloud();
    const stops = { video: 0 };
    let cameraStarts = (): void => undefined;
    const lateCamera = new Promise<void>((resolve) => (cameraStarts = resolve));
    const { engine } = engineFor(cloud, 'alice', {
      loadTRTC: async () => hungCamera(cloud, 'alice', stops, lateCamera),
      deviceStartTimeoutMs: 150,
    });
    await engine.login({ SDKAppID: SDK_APP_ID, userID: 'alice', userSig: 'sig-alice' });
    const failure = await engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.VIDEO }).catch((e: unknown) => e);
    assert.ok(failure instanceof CallKitError, String(failure));
    assert.equal(failure.code, ErrorCode.CAMERA_START_FAILED);
    assert.equal(failure.reason, 'device-timeout');
    // The camera comes up after all: it is stopped again, not left on behind the error.
    cameraStarts();
    await until(() => stops.video === 1, 3000, 'the late camera stopped');
    await engine.destroy();
  } finally {
    restore();
  }
});

test('device start: while the browser prompts for the camera, the start waits for the user (no timer)', async () => {
  const restore = withPermission('prompt');
  try {
    const cloud = new FakeCloud();
    let answer = (): void => undefined;
    const userAnswers = new Promise<void>((resolve) => (answer = resolve));
    const { engine } = engineFor(cloud, 'alice', {
      loadTRTC: async () => hungCamera(cloud, 'alice', { video: 0 }, userAnswers),
      deviceStartTimeoutMs: 50,
    });
    await engine.login({ SDKAppID: SDK_APP_ID, userID: 'alice', userSig: 'sig-alice' });
    let settled = false;
    const call = engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.VIDEO }).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(settled, false, 'calls() settled while the permission prompt was open');
    // The user answers the prompt: the camera starts and the call is placed.
    answer();
    await call;
    await engine.destroy();
  } finally {
    restore();
  }
});
