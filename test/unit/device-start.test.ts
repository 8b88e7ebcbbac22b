/**
 * Issue 21, "every wait bounded ... device start": once the page holds the camera/microphone
 * permission, a start that never comes back (a hung device or driver) fails after
 * `deviceStartTimeoutMs` with CAMERA_START_FAILED / MICROPHONE_START_FAILED, reason
 * `device-timeout`, and a late start is stopped (no camera left on). While the browser prompts the
 * user, the start waits for the answer.
 */
import { strict as assert } from 'node:assert';
import { afterEach, describe, it } from 'node:test';
import { ErrorCode, CallKitError } from '../../src/errors.js';
import { LocalMedia } from '../../src/engine/webrtc/media.js';

class FakeTrack {
  readyState: 'live' | 'ended' = 'live';
  enabled = true;
  constructor(readonly kind: 'audio' | 'video') {}
  stop(): void {
    this.readyState = 'ended';
  }
}
class FakeStream {
  readonly #tracks: FakeTrack[];
  constructor(tracks: FakeTrack[] = []) {
    this.#tracks = [...tracks];
  }
  getTracks(): FakeTrack[] {
    return this.#tracks;
  }
  getAudioTracks(): FakeTrack[] {
    return this.#tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks(): FakeTrack[] {
    return this.#tracks.filter((t) => t.kind === 'video');
  }
  addTrack(t: FakeTrack): void {
    this.#tracks.push(t);
  }
  removeTrack(t: FakeTrack): void {
    this.#tracks.splice(this.#tracks.indexOf(t), 1);
  }
}

const saved = { navigator: Object.getOwnPropertyDescriptor(globalThis, 'navigator'), MediaStream: globalThis.MediaStream };

/** A page whose getUserMedia answers after `delayMs` (never: -1) and whose permission is `state`. */
function page(state: 'granted' | 'prompt', delayMs: number): { started: FakeTrack[] } {
  const started: FakeTrack[] = [];
  const getUserMedia = (c: { video?: unknown }) =>
    new Promise<FakeStream>((resolve) => {
      if (delayMs < 0) return;
      setTimeout(() => {
        const track = new FakeTrack(c.video ? 'video' : 'audio');
        started.push(track);
        resolve(new FakeStream([track]));
      }, delayMs);
    });
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    value: { mediaDevices: { getUserMedia }, permissions: { query: async () => ({ state }) } },
  });
  (globalThis as { MediaStream: unknown }).MediaStream = FakeStream;
  return { started };
}

afterEach(() => {
  if (saved.navigator) Object.defineProperty(globalThis, 'navigator', saved.navigator);
  else delete (globalThis as { navigator?: unknown }).navigator;
  (globalThis as { MediaStream: unknown }).MediaStream = saved.MediaStream;
});

describe('device start is bounded once permission is granted', () => {
  it('a camera that never starts fails with CAMERA_START_FAILED, reason device-timeout', async () => {
    page('granted', -1);
    const media = new LocalMedia();
    media.deviceStartTimeoutMs = 50;
    await assert.rejects(
      media.startCamera(),
      (e: unknown) => e instanceof CallKitError && e.code === ErrorCode.CAMERA_START_FAILED && e.reason === 'device-timeout',
    );
  });

  it('a microphone that starts too late fails, and the late track is stopped', async () => {
    const { started } = page('granted', 150);
    const media = new LocalMedia();
    media.deviceStartTimeoutMs = 50;
    await assert.rejects(
      media.acquire({ audio: true, video: false }),
      (e: unknown) => e instanceof CallKitError && e.code === ErrorCode.MICROPHONE_START_FAILED && e.reason === 'device-timeout',
    );
    // The late start (150 ms) is stopped as soon as it arrives.
    for (let i = 0; i < 200 && started[0]?.readyState !== 'ended'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(started.length, 1);
    assert.equal(started[0].readyState, 'ended');
  });

  it('while the browser prompts the user, the start waits for the answer', async () => {
    page('prompt', 150);
    const media = new LocalMedia();
    media.deviceStartTimeoutMs = 50;
    await media.acquire({ audio: true, video: false });
    assert.equal(media.audioTrack?.readyState, 'live');
  });
});
