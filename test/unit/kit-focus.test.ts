/**
 * `callKit.setFocusedMember` (issue 15, simulcast): the call view's focus reaches the engine as a
 * hint (`setFocus`), and so do its tiles' rendered widths (`setTileSizes`, from `ck-tile-sizes`);
 * engines without them ignore them; before `init` they are no-ops.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startSignalingServer } from '../../server/index.js';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { WebRTCEngine } from '../../src/engine/webrtc/index.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { TEST_SERVER, quietLogger, sigFor } from '../helpers/ws-client.js';
import { CAN_CALL } from '../helpers/capabilities.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

class RecordingEngine extends WebRTCEngine {
  focus: string[] = [];
  sizes: Readonly<Record<string, number>>[] = [];
  override setFocus(userId: string): void {
    this.focus.push(userId);
    super.setFocus(userId);
  }
  override setTileSizes(sizes: Readonly<Record<string, number>>): void {
    this.sizes.push(sizes);
    super.setTileSizes(sizes);
  }
}

async function kitWith(engine: WebRTCEngine | SimulatedEngine): Promise<CallKit> {
  const s = await startSignalingServer({ port: 0, ...TEST_SERVER, logger: quietLogger });
  cleanup.push(() => s.close());
  const kit = new CallKit();
  await kit.init({ SDKAppID: TEST_SERVER.sdkAppId, userID: 'alice', userSig: sigFor('alice'), server: s.url, engine });
  cleanup.push(() => kit.dispose());
  return kit;
}

describe('callKit.setFocusedMember', () => {
  it('passes the focus to the engine (anything but a string: none)', async () => {
    new CallKit().setFocusedMember('bob'); // before init: nothing to tell
    const engine = new RecordingEngine({ WebSocket: WebSocket as never, capabilities: CAN_CALL });
    const kit = await kitWith(engine);
    kit.setFocusedMember('bob');
    kit.setFocusedMember('');
    kit.setFocusedMember(7 as never);
    assert.deepEqual(engine.focus, ['bob', '', '']);
  });

  it('an engine without the hint ignores it', async () => {
    const kit = await kitWith(new SimulatedEngine());
    assert.doesNotThrow(() => kit.setFocusedMember('bob'));
    assert.doesNotThrow(() => kit.setTileSizes({ bob: 320 }));
  });

  it("passes the call view's tile widths to the engine (not an object: nothing)", async () => {
    new CallKit().setTileSizes({ bob: 320 }); // before init: nothing to tell
    const engine = new RecordingEngine({ WebSocket: WebSocket as never, capabilities: CAN_CALL });
    const kit = await kitWith(engine);
    kit.setTileSizes({ bob: 320, carol: 1280 });
    kit.setTileSizes(null as never);
    kit.setTileSizes({});
    assert.deepEqual(engine.sizes, [{ bob: 320, carol: 1280 }, {}]);
  });
});
