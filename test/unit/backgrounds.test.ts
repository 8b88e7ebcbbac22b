/**
 * Backgrounds on the default engine (issue 17 item 3), the parts that run in Node: the controller
 * (`backgrounds.ts`: lazy load, one processor, closed when off, typed failures) with a fake
 * processor, and `callKit.setBlurBackground` / `setVirtualBackground` through a real WebRTCEngine
 * without assets (refused, nothing loaded). The pixels are checked in Chromium:
 * test/browser/backgrounds.test.ts and webrtc-backgrounds.test.ts.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startSignalingServer } from '../../server/index.js';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import { WebRTCEngine } from '../../src/engine/webrtc/index.js';
import { Backgrounds } from '../../src/engine/webrtc/backgrounds.js';
import type { BackgroundEffect } from '../../src/engine/webrtc/backgrounds/protocol.js';
import type { BackgroundProcessor } from '../../src/engine/webrtc/backgrounds/background-processor.js';
import { TEST_SERVER, quietLogger, sigFor } from '../helpers/ws-client.js';
import { CAN_CALL } from '../helpers/capabilities.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

class FakeProcessor {
  static created: FakeProcessor[] = [];
  static failCreate: Error | null = null;
  effects: BackgroundEffect[] = [];
  attached: string[] = [];
  closed = false;
  failEffect: Error | null = null;
  constructor(readonly assetsPath: string) {}
  static async create(assetsPath: string): Promise<FakeProcessor> {
    if (FakeProcessor.failCreate) throw FakeProcessor.failCreate;
    const p = new FakeProcessor(assetsPath);
    FakeProcessor.created.push(p);
    return p;
  }
  async setEffect(effect: BackgroundEffect): Promise<void> {
    if (this.failEffect) throw this.failEffect;
    this.effects.push(effect);
  }
  attach(camera: { id: string }): { id: string } {
    this.attached.push(camera.id);
    return { id: `processed-${camera.id}` };
  }
  close(): void {
    this.closed = true;
  }
}

function controller(assetsPath?: string): { backgrounds: Backgrounds; loads: () => number } {
  let loads = 0;
  FakeProcessor.created = [];
  FakeProcessor.failCreate = null;
  const backgrounds = new Backgrounds({
    assetsPath,
    loadProcessor: async () => {
      loads++;
      return { BackgroundProcessor: FakeProcessor as unknown as typeof BackgroundProcessor };
    },
  });
  return { backgrounds, loads: () => loads };
}

const track = (id: string) => ({ id }) as unknown as MediaStreamTrack;

describe('Backgrounds (the engine-side controller)', () => {
  it('loads the processor on first use only, keeps one while on, closes it when turned off', async () => {
    const { backgrounds, loads } = controller('/assets/');
    assert.equal(loads(), 0, 'nothing loaded up front');
    const transform = await backgrounds.prepare({ type: 'blur', level: 3 });
    assert.equal(loads(), 1);
    const processor = FakeProcessor.created[0]!;
    assert.equal(processor.assetsPath, '/assets/');
    assert.deepEqual(transform?.(track('cam1')), { id: 'processed-cam1' });
    await backgrounds.prepare({ type: 'image', url: '/bg.png' });
    assert.equal(FakeProcessor.created.length, 1, 'the same processor changes effect');
    assert.deepEqual(processor.effects, [
      { type: 'blur', level: 3 },
      { type: 'image', url: '/bg.png' },
    ]);
    backgrounds.settle();
    assert.equal(processor.closed, false, 'still on');
    assert.equal(await backgrounds.prepare({ type: 'none' }), null);
    backgrounds.settle();
    assert.equal(processor.closed, true, 'off: the worker is terminated');
    assert.equal(backgrounds.processor, null);
    // A transform handed out earlier falls back to the camera once its processor is closed.
    assert.deepEqual(transform?.(track('cam2')), { id: 'cam2' });
  });

  it('without an assets path: not-supported, nothing loaded (no CDN fallback)', async () => {
    const { backgrounds, loads } = controller(undefined);
    await assert.rejects(backgrounds.prepare({ type: 'blur', level: 1 }), (e: unknown) => {
      assert.ok(e instanceof CallKitError);
      assert.equal(e.reason, 'not-supported');
      assert.match(e.message, /backgroundAssetsPath/);
      return true;
    });
    assert.equal(loads(), 0);
    assert.deepEqual(backgrounds.effect, { type: 'none' });
  });

  it('a failing model or image: typed error, the fresh processor closed, the effect unchanged', async () => {
    const { backgrounds } = controller('/assets/');
    FakeProcessor.failCreate = new Error('HTTP 404');
    await assert.rejects(backgrounds.prepare({ type: 'blur', level: 2 }), (e: unknown) => {
      assert.ok(e instanceof CallKitError);
      assert.equal(e.reason, 'background-failed');
      assert.match(e.message, /HTTP 404/);
      return true;
    });
    assert.equal(backgrounds.processor, null);
    FakeProcessor.failCreate = null;
    await backgrounds.prepare({ type: 'blur', level: 2 });
    const processor = FakeProcessor.created[0]!;
    processor.failEffect = new Error('background image /x.png: HTTP 404');
    await assert.rejects(backgrounds.prepare({ type: 'image', url: '/x.png' }), /x\.png/);
    assert.deepEqual(backgrounds.effect, { type: 'blur', level: 2 }, 'the blur stays');
    assert.equal(processor.closed, false, 'a processor in use is kept');
    backgrounds.close();
    assert.equal(processor.closed, true);
  });
});

describe('callKit.setBlurBackground / setVirtualBackground on the default engine', () => {
  it('reach the engine; without backgroundAssetsPath they fail not-supported and the store keeps blur off', async () => {
    const s = await startSignalingServer({ port: 0, ...TEST_SERVER, logger: quietLogger });
    cleanup.push(() => s.close());
    const kit = new CallKit();
    const engine = new WebRTCEngine({ WebSocket: WebSocket as never, capabilities: CAN_CALL });
    await kit.init({ SDKAppID: TEST_SERVER.sdkAppId, userID: 'alice', userSig: sigFor('alice'), server: s.url, engine });
    cleanup.push(() => kit.destroyed());
    const notSupported = (e: unknown) => {
      assert.ok(e instanceof CallKitError);
      assert.equal(e.code, ErrorCode.FAILED);
      assert.equal(e.reason, 'not-supported');
      return true;
    };
    await assert.rejects(kit.setBlurBackground(true), notSupported);
    assert.equal(kit.store.getState().settings.blurBackground, false);
    await assert.rejects(kit.setVirtualBackground('/office.jpg'), notSupported);
    await assert.rejects(
      kit.setVirtualBackground(42 as unknown as string),
      (e: unknown) => e instanceof CallKitError && e.code === ErrorCode.INVALID_PARAMETER,
    );
    // Off needs nothing.
    await kit.setBlurBackground(false);
    await kit.setVirtualBackground('');
  });
});
