/**
 * The weak-network tuning's decisions (`src/engine/webrtc/media-tuning.ts`); the measured effect is
 * `test/e2e/weak-network.test.ts` and `npm run bench:weak-network`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AUDIO_RESERVE_BPS,
  CAP_FROM_LOSS,
  MIN_VIDEO_BPS,
  audioCodecOrder,
  capChanged,
  degradationFor,
  linkSample,
  linkVideoBitrate,
} from '../../src/engine/webrtc/media-tuning.js';

const codec = (mimeType: string): RTCRtpCodec => ({ mimeType, clockRate: 48000 });

test('audio codecs: RED first, then Opus, then the rest in their order', () => {
  const list = ['audio/opus', 'audio/red', 'audio/G722', 'audio/PCMU', 'audio/CN'].map(codec);
  assert.deepEqual(
    audioCodecOrder(list)?.map((c) => c.mimeType),
    ['audio/red', 'audio/opus', 'audio/G722', 'audio/PCMU', 'audio/CN'],
  );
});

test('audio codecs: no RED (or no Opus) in the browser -> nothing changed', () => {
  assert.equal(audioCodecOrder(['audio/opus', 'audio/PCMU'].map(codec)), null);
  assert.equal(audioCodecOrder(['audio/red', 'audio/PCMU'].map(codec)), null);
});

test('degradation: 1v1 keeps the frame rate, groups balance', () => {
  assert.equal(degradationFor(2), 'maintain-framerate');
  assert.equal(degradationFor(3), 'balanced');
  assert.equal(degradationFor(9), 'balanced');
});

const entries = (...list: Record<string, unknown>[]) =>
  new Map(list.map((s) => [String(s.id), s as Record<string, unknown> & { id: string; type: string }]));

test("link sample: the selected pair estimate and the loss the other side reports on our video (audio's only without video)", () => {
  const sample = linkSample(
    entries(
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P2' },
      { id: 'P1', type: 'candidate-pair', nominated: true, state: 'succeeded', availableOutgoingBitrate: 9 },
      { id: 'P2', type: 'candidate-pair', availableOutgoingBitrate: 700_000 },
      { id: 'RA', type: 'remote-inbound-rtp', kind: 'audio', fractionLost: 0.2 },
      { id: 'RV', type: 'remote-inbound-rtp', kind: 'video', fractionLost: 0.05 },
    ),
  );
  // Video's report comes every second; audio's every ~5 s, so after the loss ends it still says 20 %
  // for seconds and would hold the cap (and the ramp-up behind it) for nothing.
  assert.deepEqual(sample, { availableOutgoingBitrate: 700_000, remoteLoss: 0.05 });
  assert.deepEqual(linkSample(entries({ id: 'RA', type: 'remote-inbound-rtp', kind: 'audio', fractionLost: 0.2 })), {
    availableOutgoingBitrate: undefined,
    remoteLoss: 0.2,
  });
  assert.deepEqual(linkSample(entries()), { availableOutgoingBitrate: undefined, remoteLoss: 0 });
});

test('video cap under reported loss: 90 % of the estimate minus the audio, less the loss; none without loss, on a wide link or before an estimate', () => {
  assert.equal(
    linkVideoBitrate({ availableOutgoingBitrate: 1_000_000, remoteLoss: 0.05 }),
    Math.round((900_000 - AUDIO_RESERVE_BPS) * 0.95),
  );
  assert.equal(linkVideoBitrate({ availableOutgoingBitrate: 1_000_000, remoteLoss: 0.2 }), Math.round((900_000 - AUDIO_RESERVE_BPS) * 0.8));
  assert.equal(linkVideoBitrate({ availableOutgoingBitrate: 100_000, remoteLoss: 0.1 }), MIN_VIDEO_BPS);
  assert.equal(linkVideoBitrate({ availableOutgoingBitrate: 5_000_000, remoteLoss: 0.1 }), null);
  assert.equal(linkVideoBitrate({ availableOutgoingBitrate: undefined, remoteLoss: 0.3 }), null);
  // No loss reported: the encoder follows the estimate by itself (a trailing cap slowed the ramp-up).
  assert.equal(linkVideoBitrate({ availableOutgoingBitrate: 300_000, remoteLoss: CAP_FROM_LOSS / 2 }), null);
});

test('video cap: re-applied only on a change of more than 15 % (or to / from no cap)', () => {
  assert.equal(capChanged(500_000, 560_000), false);
  assert.equal(capChanged(500_000, 600_000), true);
  assert.equal(capChanged(500_000, 400_000), true);
  assert.equal(capChanged(null, 500_000), true);
  assert.equal(capChanged(500_000, null), true);
  assert.equal(capChanged(null, null), false);
});
