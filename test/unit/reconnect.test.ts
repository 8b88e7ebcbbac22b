/**
 * The default engine's network recovery policies, without a browser: the reconnect backoff
 * (reliability R4: 0, 0.3, 1.2, 2.7, 4.8, 7... s ± jitter, giving up near a minute) and the ICE
 * recovery of one peer connection (R6: restart on `failed` and on a long `disconnected`, no restart
 * for a short blip, two failures before ever connecting -> fatal, no third attempt), with a fake
 * RTCPeerConnection.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { reconnectDelayMs } from '../../src/engine/webrtc/webrtc-engine.js';
import { Peer } from '../../src/engine/webrtc/peer.js';

describe('reconnect backoff', () => {
  it('follows 0, 0.3, 1.2, 2.7, 4.8, then 7 s (no jitter at random = 0.5)', () => {
    const delays = Array.from({ length: 8 }, (_, i) => reconnectDelayMs(i, () => 0.5));
    assert.deepEqual(delays, [0, 300, 1200, 2700, 4800, 7000, 7000, 7000]);
  });

  it('jitters each delay by ±20 %', () => {
    assert.equal(reconnectDelayMs(3, () => 0), 2160);
    assert.equal(reconnectDelayMs(3, () => 1), 3240);
    for (let i = 0; i < 200; i++) {
      const d = reconnectDelayMs(5);
      assert.ok(d >= 5600 && d <= 8400, String(d));
    }
  });

  it('gives up near a minute: about 11 attempts in 60 s, never a storm', () => {
    let t = 0;
    let attempts = 0;
    while (t + reconnectDelayMs(attempts, () => 0.5) < 60_000) {
      t += reconnectDelayMs(attempts, () => 0.5);
      attempts++;
    }
    assert.ok(attempts >= 10 && attempts <= 12, `${attempts} attempts`);
  });
});

class FakePC {
  static last: FakePC;
  iceConnectionState: RTCIceConnectionState = 'new';
  connectionState = 'new';
  signalingState = 'stable';
  restarts = 0;
  oniceconnectionstatechange: (() => void) | null = null;
  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: (() => void) | null = null;
  ontrack: (() => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  constructor() {
    FakePC.last = this;
  }
  restartIce(): void {
    this.restarts++;
  }
  close(): void {
    this.signalingState = 'closed';
  }
  set(state: RTCIceConnectionState): void {
    this.iceConnectionState = state;
    this.oniceconnectionstatechange?.();
  }
}

describe('ICE recovery of a peer', () => {
  const g = globalThis as { RTCPeerConnection?: unknown };
  let saved: unknown;
  before(() => {
    saved = g.RTCPeerConnection;
    g.RTCPeerConnection = FakePC;
  });
  after(() => {
    g.RTCPeerConnection = saved;
  });

  function peer(options: { iceDisconnectedTimeoutMs?: number } = {}) {
    let fatal = 0;
    const p = new Peer({
      localUserId: 'a',
      remoteUserId: 'b',
      send: () => undefined,
      onRemoteStream: () => undefined,
      onIceFatal: () => fatal++,
      ...options,
    });
    return { p, pc: FakePC.last, fatal: () => fatal };
  }

  const waitFor = async (cond: () => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  it('failed after connecting -> restartIce at once, on the same connection', () => {
    const { p, pc } = peer();
    pc.set('checking');
    pc.set('connected');
    pc.set('failed');
    assert.equal(pc.restarts, 1);
    assert.equal(p.iceRestarts, 1);
    pc.set('failed');
    assert.equal(pc.restarts, 2, 'a connection that once worked keeps being restarted');
    p.close();
  });

  it('a short disconnected blip recovers with 0 restarts; a long one restarts ICE', async () => {
    const { p, pc } = peer({ iceDisconnectedTimeoutMs: 60 });
    pc.set('connected');
    pc.set('disconnected');
    pc.set('connected');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(pc.restarts, 0);
    const at = Date.now();
    pc.set('disconnected');
    await waitFor(() => pc.restarts === 1, 1000);
    assert.ok(Date.now() - at >= 55);
    p.close();
  });

  it('two failures before ever connecting are fatal: one restart, no third attempt', () => {
    const { p, pc, fatal } = peer();
    pc.set('checking');
    pc.set('failed');
    assert.equal(pc.restarts, 1);
    assert.equal(fatal(), 0);
    pc.set('checking');
    pc.set('failed');
    assert.equal(pc.restarts, 1, 'no second restart');
    assert.equal(fatal(), 1);
    p.close();
  });

  it('resync() after a reconnect re-sends an unanswered offer, or restarts a broken ICE', () => {
    const sent: unknown[] = [];
    const p = new Peer({ localUserId: 'a', remoteUserId: 'b', send: (d) => sent.push(d), onRemoteStream: () => undefined });
    const pc = FakePC.last as FakePC & { localDescription?: { type: string; sdp: string } };
    pc.set('connected');
    p.resync();
    assert.deepEqual(sent, [], 'nothing to do on a healthy connection');
    pc.signalingState = 'have-local-offer';
    pc.localDescription = { type: 'offer', sdp: 'v=0\r\n' };
    p.resync();
    assert.deepEqual(sent, [{ kind: 'description', description: { type: 'offer', sdp: 'v=0\r\n' } }]);
    pc.signalingState = 'stable';
    pc.iceConnectionState = 'disconnected';
    p.resync();
    assert.equal(pc.restarts, 1);
    p.close();
  });

  it('close() clears the disconnected timer', async () => {
    const { p, pc } = peer({ iceDisconnectedTimeoutMs: 30 });
    pc.set('connected');
    pc.set('disconnected');
    p.close();
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(pc.restarts, 0);
  });
});
