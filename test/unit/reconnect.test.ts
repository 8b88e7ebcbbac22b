/**
 * The default engine's network recovery policies, without a browser: the reconnect backoff
 * (reliability R4: 0, 0.3, 1.2, 2.7, 4.8, 7... s ± jitter, giving up near a minute) and the ICE
 * recovery of one peer connection (R6: restart on `failed` and on a long `disconnected`, no restart
 * for a short blip, two failures before ever connecting -> fatal, no third attempt), with a fake
 * RTCPeerConnection; and the "reconnecting" state of a member (R6/R8b): ICE `disconnected`/`failed`
 * at once, or the member's announced audio stalled for 2 s.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { reconnectDelayMs } from '../../src/engine/webrtc/reconnect.js';
import { Peer, StallDetector, type PeerOptions } from '../../src/engine/webrtc/peer.js';

describe('reconnect backoff', () => {
  it('follows 0, 0.3, 1.2, 2.7, 4.8, then 7 s (no jitter at random = 0.5)', () => {
    const delays = Array.from({ length: 8 }, (_, i) => reconnectDelayMs(i, () => 0.5));
    assert.deepEqual(delays, [0, 300, 1200, 2700, 4800, 7000, 7000, 7000]);
  });

  it('jitters each delay by ±20 %', () => {
    assert.equal(
      reconnectDelayMs(3, () => 0),
      2160,
    );
    assert.equal(
      reconnectDelayMs(3, () => 1),
      3240,
    );
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
  /** What getStats() reports. */
  stats: Record<string, unknown>[] = [];
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
  async getStats(): Promise<{ forEach(fn: (s: Record<string, unknown>) => void): void }> {
    return { forEach: (fn) => this.stats.forEach(fn) };
  }
  /** Inbound audio packets received so far. */
  audioPackets(n: number): void {
    this.stats = [{ id: 'in-a', type: 'inbound-rtp', kind: 'audio', packetsReceived: n, packetsLost: 0 }];
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

  function peer(options: Partial<PeerOptions> = {}) {
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

  it('reconnecting: reported at once on ICE disconnected/failed, cleared when connected again', () => {
    const changes: boolean[] = [];
    const { p, pc } = peer({ onInterrupted: (r: boolean) => changes.push(r) });
    pc.set('connected');
    assert.deepEqual(changes, []);
    pc.set('disconnected');
    assert.deepEqual(changes, [true]);
    assert.equal(p.interrupted, true);
    pc.set('failed');
    assert.deepEqual(changes, [true], 'no repeat while still interrupted');
    pc.set('connected');
    assert.deepEqual(changes, [true, false]);
    p.close();
  });

  it('reconnecting: announced audio that stops arriving for 2 s, cleared when packets flow again', async () => {
    const changes: boolean[] = [];
    const { p, pc } = peer({ onInterrupted: (r: boolean) => changes.push(r) });
    pc.set('connected');
    pc.audioPackets(100);
    assert.equal(await p.sampleQuality(true, 0), 0, 'not down while audio flows (unknown: no round-trip time here)');
    pc.audioPackets(150);
    await p.sampleQuality(true, 500);
    await p.sampleQuality(true, 1000);
    await p.sampleQuality(true, 2400);
    assert.deepEqual(changes, [], '1.9 s without packets is not yet a stall');
    assert.equal(await p.sampleQuality(true, 2500), 6, 'a stall rates the link down');
    assert.deepEqual(changes, [true]);
    await p.sampleQuality(true, 3000);
    pc.audioPackets(151);
    await p.sampleQuality(true, 3500);
    assert.deepEqual(changes, [true, false]);
    p.close();
  });

  it('network quality: audio losing 20 % is poor even when retransmissions keep the video whole (loss per kind, not pooled)', async () => {
    const { p, pc } = peer();
    pc.set('connected');
    const at = (audio: [number, number], video: [number, number]) => {
      pc.stats = [
        { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
        { id: 'P', type: 'candidate-pair', currentRoundTripTime: 0.02 },
        { id: 'in-a', type: 'inbound-rtp', kind: 'audio', packetsReceived: audio[0], packetsLost: audio[1] },
        { id: 'in-v', type: 'inbound-rtp', kind: 'video', packetsReceived: video[0], packetsLost: video[1] },
      ];
    };
    at([100, 0], [1000, 0]);
    assert.equal(await p.sampleQuality(true, 0), 1, 'clean');
    // 0.5 s: audio 20 of 25 packets arrive; video 100 of 100 (NACK repaired the rest).
    at([120, 5], [1100, 0]);
    assert.ok((await p.sampleQuality(true, 500)) >= 4, 'poor: the audio lost 20 %');
    p.close();
  });

  it('network quality: what the other side reports losing of ours comes from the video reports when we send video', async () => {
    const { p, pc } = peer();
    pc.set('connected');
    const report = (audioLost: number, videoLost?: number) => {
      pc.stats = [
        { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
        { id: 'P', type: 'candidate-pair', currentRoundTripTime: 0.02 },
        { id: 'ra', type: 'remote-inbound-rtp', kind: 'audio', fractionLost: audioLost },
        ...(videoLost === undefined ? [] : [{ id: 'rv', type: 'remote-inbound-rtp', kind: 'video', fractionLost: videoLost }]),
      ];
    };
    report(0.2, 0);
    assert.equal(await p.sampleQuality(false, 0), 1, 'a stale audio report (one every ~5 s) is not used beside fresh video ones');
    report(0.2, 0.2);
    assert.ok((await p.sampleQuality(false, 500)) >= 4, 'the video reports loss: poor');
    report(0.2);
    assert.ok((await p.sampleQuality(false, 1000)) >= 4, 'audio only: its reports count');
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

describe('inbound audio stall detector', () => {
  it('fires after stallMs without new packets while audio is announced on', () => {
    const d = new StallDetector(2000);
    assert.equal(d.update(10, true, 0), false);
    assert.equal(d.update(10, true, 1999), false);
    assert.equal(d.update(10, true, 2000), true);
    assert.equal(d.update(11, true, 2100), false, 'packets again: cleared');
  });

  it('never fires before the first packet (the remote may not send yet)', () => {
    const d = new StallDetector(2000);
    for (const t of [0, 1000, 5000, 60_000]) assert.equal(d.update(0, true, t), false);
  });

  it('never fires while the audio is announced off (a microphone turned off), and gives a grace period when it comes back on', () => {
    const d = new StallDetector(2000);
    d.update(50, true, 0);
    for (const t of [1000, 3000, 10_000]) assert.equal(d.update(50, false, t), false);
    assert.equal(d.update(50, true, 10_500), false, 'announced on again: the clock restarts at the last sample that saw it off');
    assert.equal(d.update(50, true, 11_900), false);
    assert.equal(d.update(50, true, 12_000), true, 'still nothing 2 s later');
    assert.equal(d.update(50, false, 13_100), false, 'announced off: cleared at once');
  });
});
