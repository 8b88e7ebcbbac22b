/**
 * `detectCapabilities` (issue 21): the APIs a call needs, and the codecs (opus for audio, VP8 or
 * H264 for video) the page can both send and receive, read from a fake scope.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { detectCapabilities, unsupportedBrowser } from '../../src/engine/capabilities.js';

type Codec = { mimeType: string };
const rtp = (codecs: Codec[] | null) => ({
  getCapabilities: (kind: string) => (codecs ? { codecs: codecs.filter((c) => c.mimeType.startsWith(kind)) } : null),
});
const OPUS = { mimeType: 'audio/opus' };
const VP8 = { mimeType: 'video/VP8' };
const H264 = { mimeType: 'video/H264' };

function scope(sender: Codec[] | null | undefined, receiver: Codec[] | null | undefined = sender): object {
  function RTCPeerConnection() {}
  function WebSocket() {}
  const s: Record<string, unknown> = {
    RTCPeerConnection,
    WebSocket,
    isSecureContext: true,
    navigator: { mediaDevices: { getUserMedia: () => undefined } },
  };
  if (sender !== undefined) s.RTCRtpSender = rtp(sender);
  if (receiver !== undefined) s.RTCRtpReceiver = rtp(receiver);
  return s;
}

describe('codecs in the capability check', () => {
  test('opus and VP8 both ways: calls of both types', () => {
    const c = detectCapabilities(scope([OPUS, VP8]));
    assert.deepEqual({ canCall: c.canCall, canVideo: c.canVideo, missing: c.missing }, { canCall: true, canVideo: true, missing: [] });
    assert.deepEqual(c.codecs, { opus: true, vp8: true, h264: false });
  });

  test('H264 alone carries video', () => {
    const c = detectCapabilities(scope([OPUS, H264]));
    assert.equal(c.canVideo, true);
    assert.deepEqual(c.codecs, { opus: true, vp8: false, h264: true });
  });

  test('no video codec both ways: audio calls only', () => {
    // VP8 can be received but not sent: no video codec the call could use in both directions.
    const c = detectCapabilities(scope([OPUS], [OPUS, VP8]));
    assert.deepEqual({ canCall: c.canCall, canVideo: c.canVideo, missing: c.missing }, { canCall: true, canVideo: false, missing: [] });
  });

  test('no opus: no calls at all, and the error names it', () => {
    const c = detectCapabilities(scope([{ mimeType: 'audio/PCMU' }, VP8]));
    assert.equal(c.canCall, false);
    assert.equal(c.canVideo, false);
    assert.deepEqual(c.missing, ['opus']);
    assert.match(unsupportedBrowser(c).message, /opus/);
  });

  test('a browser that cannot list its codecs is trusted (getCapabilities absent or null)', () => {
    for (const s of [scope(undefined), scope(null)]) {
      const c = detectCapabilities(s);
      assert.deepEqual({ canCall: c.canCall, canVideo: c.canVideo }, { canCall: true, canVideo: true });
      assert.equal(c.codecs, null);
    }
  });

  test('without RTCPeerConnection there is neither', () => {
    const s = scope([OPUS, VP8]) as Record<string, unknown>;
    delete s.RTCPeerConnection;
    const c = detectCapabilities(s);
    assert.deepEqual(
      { canCall: c.canCall, canVideo: c.canVideo, missing: c.missing },
      { canCall: false, canVideo: false, missing: ['RTCPeerConnection'] },
    );
  });
});
