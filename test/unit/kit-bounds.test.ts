/**
 * The kit's side of issue 21: `init` settles within INIT_TIMEOUT_MS whatever the engine does, the
 * default engine refuses a host that cannot carry calls with UNSUPPORTED_BROWSER (Node has no
 * RTCPeerConnection), `stayReachable` reaches the engine, and toasts come from i18n keys by error
 * code while the technical message goes to `ck-error` (never into the toast).
 */
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { CallKit, INIT_TIMEOUT_MS } from '../../src/kit/call-kit-api.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import { CallMediaType } from '../../src/constants.js';
import { Emitter } from '../../src/engine/emitter.js';
import type { CallEngine, CallEngineEvents, EngineLoginParams } from '../../src/engine/types.js';

function engineDouble(
  overrides: Partial<CallEngine> = {},
): CallEngine & { emitter: Emitter<CallEngineEvents>; logins: EngineLoginParams[] } {
  const emitter = new Emitter<CallEngineEvents>();
  const logins: EngineLoginParams[] = [];
  const none = async () => undefined;
  return {
    name: 'double',
    emitter,
    logins,
    on: emitter.on.bind(emitter),
    off: emitter.off.bind(emitter),
    login: async (p) => {
      logins.push(p);
    },
    logout: none,
    calls: async () => ({ callId: 'x' }),
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
    ...overrides,
  };
}

/** The toast without its id: what the user reads is the key (and its params: none here). */
function toast(kit: CallKit) {
  const t = kit.store.getState().toast;
  return t && { key: t.key, type: t.type, params: t.params };
}

const valid = { SDKAppID: 1400000000, userID: 'alice', userSig: 'sig', server: 'ws://127.0.0.1:1/ck' };

test('init settles within INIT_TIMEOUT_MS when the engine never finishes logging in (fake timers)', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const kit = new CallKit();
    const engine = engineDouble({ login: () => new Promise<void>(() => undefined) });
    let settled: unknown = 'pending';
    const run = kit.init({ ...valid, engine }).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    void run.then((v) => (settled = v));
    mock.timers.tick(INIT_TIMEOUT_MS - 1);
    await Promise.resolve();
    assert.equal(settled, 'pending');
    mock.timers.tick(1);
    const error = await run;
    assert.ok(error instanceof CallKitError, String(error));
    assert.equal(error.code, ErrorCode.CONNECTION_FAILED);
    assert.equal(error.reason, 'login-timeout');
    assert.equal(kit.engine, null, 'the engine was released');
    assert.equal(kit.store.getState().loggedIn, false);
    await kit.dispose();
  } finally {
    mock.timers.reset();
  }
});

test('the default engine refuses a host without WebRTC: UNSUPPORTED_BROWSER naming what is missing; getCapabilities says so', async () => {
  const kit = new CallKit();
  const capabilities = kit.getCapabilities();
  assert.equal(capabilities.canCall, false);
  assert.ok(capabilities.missing.includes('RTCPeerConnection'));
  await assert.rejects(kit.init(valid), (e: unknown) => {
    assert.ok(e instanceof CallKitError);
    assert.equal(e.code, ErrorCode.UNSUPPORTED_BROWSER);
    assert.equal(e.reason, 'unsupported-browser');
    assert.match(e.message, /RTCPeerConnection/);
    return true;
  });
  assert.equal(kit.engine, null);
  await kit.dispose();
});

test('engine tencent on a host without WebRTC: UNSUPPORTED_BROWSER before any SDK is loaded, even with stayReachable', async () => {
  const kit = new CallKit();
  await assert.rejects(kit.init({ ...valid, engine: 'tencent', stayReachable: true }), {
    code: ErrorCode.UNSUPPORTED_BROWSER,
    reason: 'unsupported-browser',
  });
  assert.equal(kit.engine, null);
  await kit.dispose();
});

test('stayReachable reaches the engine (default false) and must be a boolean', async () => {
  const kit = new CallKit();
  const engine = engineDouble();
  await kit.init({ ...valid, engine });
  await kit.init({ ...valid, engine, stayReachable: true });
  assert.deepEqual(
    engine.logins.map((l) => l.stayReachable),
    [false, true],
  );
  await assert.rejects(kit.init({ ...valid, engine, stayReachable: 'yes' as unknown as boolean }), { code: ErrorCode.INVALID_PARAMETER });
  await kit.dispose();
});

test('a video call this browser cannot carry (no VP8/H264): its own toast, not "cannot make or take calls"', async () => {
  const kit = new CallKit();
  const engine = engineDouble({
    calls: async () => {
      throw new CallKitError(ErrorCode.UNSUPPORTED_BROWSER, 'no VP8 or H264 both ways', 'unsupported-video');
    },
  });
  await kit.init({ ...valid, engine });
  const warn = mock.method(console, 'warn', () => undefined);
  try {
    await assert.rejects(kit.calls({ userIDList: ['bob'], type: CallMediaType.VIDEO }), { reason: 'unsupported-video' });
    assert.deepEqual(toast(kit), { key: 'video-unsupported', type: 'error', params: undefined });
  } finally {
    warn.mock.restore();
  }
  await kit.dispose();
});

test('the engine could not load its media code (chunk-load-failed): "Could not load the call screen", not "the call failed"', async () => {
  const kit = new CallKit();
  const engine = engineDouble({
    calls: async () => {
      throw new CallKitError(ErrorCode.FAILED, 'could not load the call media code: TypeError', 'chunk-load-failed');
    },
  });
  await kit.init({ ...valid, engine });
  const warn = mock.method(console, 'warn', () => undefined);
  try {
    await assert.rejects(kit.calls({ userIDList: ['bob'], type: CallMediaType.AUDIO }), { reason: 'chunk-load-failed' });
    assert.deepEqual(toast(kit), { key: 'load-failed', type: 'error', params: undefined });
  } finally {
    warn.mock.restore();
  }
  await kit.dispose();
});

test('toasts come from i18n keys by error code; the technical message goes to ck-error, not the toast', async () => {
  const kit = new CallKit();
  const engine = engineDouble({
    calls: async () => {
      throw new CallKitError(
        ErrorCode.UNSUPPORTED_BROWSER,
        "ReferenceError: Can't find variable: RTCPeerConnection",
        'unsupported-browser',
      );
    },
  });
  await kit.init({ ...valid, engine });
  const events: { code: number; message: string }[] = [];
  kit.addEventListener('ck-error', (e) => events.push((e as CustomEvent<{ code: number; message: string }>).detail));
  const warn = mock.method(console, 'warn', () => undefined);
  try {
    await assert.rejects(kit.calls({ userIDList: ['bob'], type: CallMediaType.AUDIO }), { code: ErrorCode.UNSUPPORTED_BROWSER });
    assert.deepEqual(toast(kit), { key: 'browser-unsupported', type: 'error', params: undefined });

    engine.emitter.emit('onError', {
      code: ErrorCode.NOT_SUPPORTED_WEBRTC,
      message: "ReferenceError: Can't find variable: RTCPeerConnection",
    });
    assert.deepEqual(toast(kit), { key: 'browser-unsupported', type: 'error', params: undefined });
    engine.emitter.emit('onError', { code: ErrorCode.FAILED, message: 'negotiation with bob failed: InvalidStateError' });
    assert.deepEqual(toast(kit), { key: 'call-error', type: 'error', params: undefined });
    assert.deepEqual(
      events.map((e) => e.code),
      [ErrorCode.NOT_SUPPORTED_WEBRTC, ErrorCode.FAILED],
    );
    assert.match(events[0].message, /RTCPeerConnection/);
    assert.ok(
      warn.mock.calls.some((c) => String(c.arguments[0]).includes('RTCPeerConnection')),
      'the detail is in the console',
    );
  } finally {
    warn.mock.restore();
  }
  await kit.dispose();
});

test("a call the other side's browser declined ends with the other-side-unsupported toast", async () => {
  const kit = new CallKit();
  const engine = engineDouble();
  await kit.init({ ...valid, engine });
  await kit.calls({ userIDList: ['bob'], type: CallMediaType.VIDEO });
  engine.emitter.emit('onCallStarted', { callId: 'c1', mediaType: CallMediaType.VIDEO, members: [{ userId: 'bob' }] });
  engine.emitter.emit('onCallEnd', { callId: 'c1', reason: 2, cause: 'unsupported', totalTime: 0 });
  assert.equal(kit.store.getState().toast?.key, 'other-side-unsupported');
  await kit.dispose();
});
