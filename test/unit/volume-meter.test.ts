/**
 * VolumeMeter.close() resolves only once every AudioContext it made is closed, also one whose close
 * an earlier, unawaited close() started (the engine's call end): Firefox closes a context that never
 * started slowly, and a destroyed engine must count no open context.
 */
import { strict as assert } from 'node:assert';
import { afterEach, describe, it } from 'node:test';
import { VolumeMeter } from '../../src/engine/webrtc/media.js';

const contexts: FakeContext[] = [];
class FakeContext {
  state: 'running' | 'suspended' | 'closed' = 'suspended';
  #finishClose: (() => void) | null = null;
  constructor() {
    contexts.push(this);
  }
  resume(): Promise<void> {
    return new Promise(() => undefined);
  }
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#finishClose = () => {
        this.state = 'closed';
        resolve();
      };
    });
  }
  finishClose(): void {
    this.#finishClose?.();
  }
  createMediaStreamSource() {
    return { connect() {}, disconnect() {} };
  }
  createAnalyser() {
    return { fftSize: 0, getFloatTimeDomainData() {} };
  }
}
class FakeMediaStream {
  constructor(readonly tracks: unknown[]) {}
}

const g = globalThis as Record<string, unknown>;
const saved = { AudioContext: g.AudioContext, MediaStream: g.MediaStream };
afterEach(() => {
  g.AudioContext = saved.AudioContext;
  g.MediaStream = saved.MediaStream;
  contexts.length = 0;
});

describe('VolumeMeter.close', () => {
  it('waits for the context an earlier close() is still closing', async () => {
    g.AudioContext = FakeContext;
    g.MediaStream = FakeMediaStream;
    const meter = new VolumeMeter();
    meter.set('alice', { readyState: 'live', enabled: true, kind: 'audio' } as unknown as MediaStreamTrack);
    assert.equal(contexts.length, 1);
    void meter.close(); // the call ends (not awaited)
    let secondDone = false;
    const second = meter.close().then(() => (secondDone = true)); // the engine is destroyed
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(secondDone, false, 'close() resolved while the context was still closing');
    assert.equal(meter.openContextCount(), 1);
    contexts[0].finishClose();
    await second;
    assert.equal(meter.openContextCount(), 0);
  });
});
