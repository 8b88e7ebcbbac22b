/**
 * The default engine's media half is a chunk loaded on first use (src/engine/webrtc/media-half.ts,
 * issue 18): one import however many wait, FAILED `chunk-load-failed` when it cannot load (then the
 * next use tries again), a ring prefetches it silently, and a call that ended while it loaded is not
 * given media. The real chunk and the real engine: test/browser/webrtc-engine.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CallMediaType, CallRole } from '../../src/constants.js';
import { ErrorCode } from '../../src/errors.js';
import { EngineContext, newCall } from '../../src/engine/webrtc/call-model.js';
import { callMediaOptions, MediaHalf, type MediaImport } from '../../src/engine/webrtc/media-half.js';
import type { CallMedia } from '../../src/engine/webrtc/call-media.js';

/** A stand-in for the chunk: records `pre.onRing` calls. */
function fakeChunk(rings: unknown[]): Awaited<ReturnType<MediaImport>> {
  class FakeMedia {
    readonly pre = { onRing: (call: unknown) => rings.push(call) };
  }
  return { CallMedia: FakeMedia as unknown as typeof CallMedia };
}

const machine = () => ({ onIceFatal: () => undefined, onPeerConnected: () => undefined });

function half(load: MediaImport) {
  const ctx = new EngineContext();
  return {
    ctx,
    media: new MediaHalf(
      ctx,
      callMediaOptions({}, () => ({}), machine),
      load,
    ),
  };
}

describe('MediaHalf (the engine media chunk, loaded on first use)', () => {
  it('imports once however many wait, and keeps what it loaded', async () => {
    let imports = 0;
    const { media } = half(async () => {
      imports++;
      return fakeChunk([]);
    });
    assert.equal(media.now, undefined);
    const [a, b] = await Promise.all([media.load(), media.load()]);
    assert.equal(a, b);
    assert.equal(media.now, a);
    assert.equal(await media.load(), a);
    assert.equal(imports, 1);
  });

  it('a chunk that cannot load: FAILED chunk-load-failed with the cause, and the next use tries again', async () => {
    let fail = true;
    const { media } = half(async () => {
      if (fail) throw new TypeError('Failed to fetch dynamically imported module');
      return fakeChunk([]);
    });
    await assert.rejects(media.load(), (error: Error & { code: number; reason?: string }) => {
      assert.equal(error.code, ErrorCode.FAILED);
      assert.equal(error.reason, 'chunk-load-failed');
      assert.match(error.message, /could not load the call media code.*Failed to fetch/);
      return true;
    });
    assert.equal(media.now, undefined);
    fail = false;
    assert.ok(await media.load());
  });

  it('a ring prefetches it and starts pre-connect once loaded, if the call still rings; a failed prefetch is silent', async () => {
    const rings: unknown[] = [];
    const { ctx, media } = half(async () => fakeChunk(rings));
    const call = newCall(CallRole.CALLEE, 'ringing', CallMediaType.AUDIO);
    ctx.call = call;
    media.ring(call);
    await media.load();
    await Promise.resolve();
    assert.deepEqual(rings, [call]);
    // Loaded: the next ring starts at once.
    const next = newCall(CallRole.CALLEE, 'ringing', CallMediaType.AUDIO);
    ctx.call = next;
    media.ring(next);
    assert.deepEqual(rings, [call, next]);

    // A call that ended while the chunk loaded gets no pre-connection; a prefetch that fails throws nowhere.
    const late: unknown[] = [];
    const other = half(async () => fakeChunk(late));
    const gone = newCall(CallRole.CALLEE, 'ringing', CallMediaType.AUDIO);
    other.ctx.call = gone;
    other.media.ring(gone);
    other.ctx.call = null;
    await other.media.load();
    await Promise.resolve();
    assert.deepEqual(late, []);
    const failing = half(() => Promise.reject(new TypeError('offline')));
    failing.ctx.call = gone;
    failing.media.ring(gone); // an unhandled rejection would fail this test run
    await new Promise((r) => setTimeout(r, 10));
  });

  it("loadFor: INVALID_STATE with the caller's words when the call ended while the chunk loaded", async () => {
    const { ctx, media } = half(async () => fakeChunk([]));
    const call = newCall(CallRole.CALLER, 'dialing', CallMediaType.AUDIO);
    ctx.call = call;
    const loading = media.loadFor(call, 'the call was cancelled before it was placed');
    ctx.call = null;
    await assert.rejects(loading, { code: ErrorCode.INVALID_STATE, message: 'the call was cancelled before it was placed' });
  });
});
