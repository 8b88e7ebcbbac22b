/**
 * `callKit.enableAIVoice` (issue 17 item 4, TUICallKit's name): the switch's state in the store, the
 * button offered only where the engine has AI noise suppression, a choice made before `init`
 * applied at login, the fallback event turning the switch off with a warning toast, and the typed
 * refusal of an engine without it. The denoiser itself runs in the browser
 * (test/browser/noise-suppression.test.ts, test/e2e/noise-suppression.test.ts).
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startSignalingServer } from '../../server/index.js';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import { WebRTCEngine } from '../../src/engine/webrtc/index.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { TEST_SERVER, quietLogger, sigFor } from '../helpers/ws-client.js';
import { CAN_CALL } from '../helpers/capabilities.js';
import type { CallEngineEvents } from '../../src/engine/types.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A default engine whose denoiser switch is recorded (Node has no AudioWorklet to run it). */
class RecordingEngine extends WebRTCEngine {
  switched: boolean[] = [];
  answer = (enable: boolean) => enable;
  #listeners: ((e: CallEngineEvents['onAINoiseSuppressionChanged']) => void)[] = [];
  override on<K extends keyof CallEngineEvents>(event: K, listener: (payload: CallEngineEvents[K]) => void): () => void {
    if (event === 'onAINoiseSuppressionChanged') this.#listeners.push(listener as never);
    return super.on(event, listener);
  }
  fire(e: CallEngineEvents['onAINoiseSuppressionChanged']): void {
    for (const listener of this.#listeners) listener(e);
  }
  override setAINoiseSuppression(enable: boolean): Promise<boolean> {
    this.switched.push(enable);
    return Promise.resolve(this.answer(enable));
  }
}

async function started(): Promise<string> {
  const s = await startSignalingServer({ port: 0, ...TEST_SERVER, logger: quietLogger });
  cleanup.push(() => s.close());
  return s.url;
}

async function kitWith(url: string, engine: WebRTCEngine | SimulatedEngine, before?: (kit: CallKit) => Promise<void>): Promise<CallKit> {
  const kit = new CallKit();
  await before?.(kit);
  await kit.init({ SDKAppID: TEST_SERVER.sdkAppId, userID: 'alice', userSig: sigFor('alice'), server: url, engine });
  cleanup.push(() => kit.dispose());
  return kit;
}

describe('callKit.enableAIVoice', () => {
  it('offers the switch where the engine has it, and keeps its state in the store', async () => {
    const engine = new RecordingEngine({ WebSocket: WebSocket as never, capabilities: CAN_CALL });
    const kit = await kitWith(await started(), engine);
    const settings = () => kit.store.getState().settings;
    assert.equal(settings().aiNoiseSuppressionAvailable, true);
    assert.equal(settings().aiNoiseSuppression, false);
    await kit.enableAIVoice(true);
    assert.deepEqual(engine.switched, [true]);
    assert.equal(settings().aiNoiseSuppression, true);
    await kit.enableAIVoice(false);
    assert.equal(settings().aiNoiseSuppression, false);
    await assert.rejects(
      kit.enableAIVoice('yes' as never),
      (e: unknown) => e instanceof CallKitError && e.code === ErrorCode.INVALID_PARAMETER,
    );
  });

  it('a choice made before init applies at login', async () => {
    const engine = new RecordingEngine({ WebSocket: WebSocket as never, capabilities: CAN_CALL });
    const kit = await kitWith(await started(), engine, (k) => k.enableAIVoice(true));
    assert.deepEqual(engine.switched, [true]);
    assert.equal(kit.store.getState().settings.aiNoiseSuppression, true);
  });

  it('a denoiser that cannot run: the switch reads off, a warning toast says the browser suppression remains', async () => {
    const engine = new RecordingEngine({ WebSocket: WebSocket as never, capabilities: CAN_CALL });
    const kit = await kitWith(await started(), engine);
    engine.answer = () => false;
    await kit.enableAIVoice(true);
    assert.equal(kit.store.getState().settings.aiNoiseSuppression, false);
    // The engine says why (also later, at a new capture): the store follows, with a toast and a console warning.
    engine.answer = (enable) => enable;
    await kit.enableAIVoice(true);
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (m: unknown) => warnings.push(m);
    try {
      engine.fire({ enabled: false, fallback: '/denoiser/rnnoise.wasm: HTTP 404' });
    } finally {
      console.warn = warn;
    }
    assert.equal(kit.store.getState().settings.aiNoiseSuppression, false);
    assert.equal(kit.store.getState().toast?.key, 'noise-suppression-fallback');
    assert.equal(kit.store.getState().toast?.type, 'warn');
    assert.match(String(warnings[0]), /HTTP 404/);
  });

  it('an engine without it: no switch, and enableAIVoice rejects not-supported', async () => {
    const kit = await kitWith(await started(), new SimulatedEngine());
    assert.equal(kit.store.getState().settings.aiNoiseSuppressionAvailable, false);
    await assert.rejects(kit.enableAIVoice(true), (e: unknown) => e instanceof CallKitError && e.reason === 'not-supported');
  });
});
