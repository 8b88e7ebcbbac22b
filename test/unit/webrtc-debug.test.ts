/**
 * The default engine's test hooks live behind `src/engine/webrtc/debug.ts`, not on the class: the
 * shipped API has no debug methods, and e2e pages reach the hooks by the `Symbol.for` key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebRTCEngine } from '../../src/engine/webrtc/index.js';
import { WEBRTC_DEBUG, WEBRTC_DEBUG_KEY, debugState } from '../../src/engine/webrtc/debug.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';

test('an idle engine reports idle counters through debug.ts', () => {
  const engine = new WebRTCEngine();
  assert.deepEqual(debugState(engine), {
    connection: 'disconnected',
    call: null,
    peers: 0,
    localTracks: 0,
    timers: 0,
    audioContexts: 0,
    pendingRequests: 0,
    listeners: 0,
    heldInvitations: 0,
    reconnectAttempts: 0,
    iceRestarts: 0,
  });
  assert.throws(() => debugState(new SimulatedEngine()), TypeError);
});

test('no debug method on the class; the hooks hide under the key the e2e pages use', () => {
  const engine = new WebRTCEngine();
  for (const name of ['debugState', 'debugDropSignaling', 'debugRestartIce', 'debugPeerConnection']) {
    assert.equal(name in engine, false, name);
  }
  // test/e2e/{network,network-namespaces}.test.ts, churn.ts and harness.ts spell this key inline.
  assert.equal(WEBRTC_DEBUG_KEY, 'callkit-elements.webrtc-engine.debug');
  assert.equal(Symbol.for(WEBRTC_DEBUG_KEY), WEBRTC_DEBUG);
  assert.equal(Object.getOwnPropertyDescriptor(engine, WEBRTC_DEBUG)?.enumerable, false);
});
