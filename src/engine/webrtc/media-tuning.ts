/**
 * Weak-network tuning of the default engine (issue 20), measured by `npm run bench:weak-network`
 * against Chromium's defaults (README "Weak networks"). What Chromium already does by itself is left
 * alone; what it does not, this module adds, all through APIs (no SDP string surgery):
 *
 * - **Audio RED** (RFC 2198, each Opus frame also carried in the next packet): Chromium offers
 *   `red/48000/2` but lists it after Opus, so it is never used. `setCodecPreferences` puts RED
 *   first on every audio transceiver before each local description, on both sides of a call (the
 *   answer keeps the answerer's order; each side sends the first codec negotiated). A lost packet
 *   is then rebuilt from the next one: at 20 % loss the concealed share drops from ~13 % to a few %.
 *   RED costs about one more Opus bitrate (~30 kbit/s), small beside video.
 * - **Opus in-band FEC**: Chromium's SDP already carries `useinbandfec=1` in both directions, and its
 *   Opus encoder raises FEC with the loss that RTCP reports. Nothing to add, so no munging.
 * - **Video NACK, RTX, RED/ULPFEC**: negotiated by Chromium's defaults (`nack`, `nack pli`, `rtx`,
 *   `red`, `ulpfec`); libwebrtc picks NACK alone at low RTT and adds ULPFEC as the RTT grows. The
 *   codec preferences keep them (they are only reordered for audio).
 * - **Degradation preference** (`RTCRtpSendParameters.degradationPreference`): in a 1v1 call the
 *   camera keeps its frame rate and drops resolution first (`maintain-framerate`: motion and lips
 *   stay fluid on a thin link). libwebrtc picks the same for an unset camera sender unless a field
 *   trial or a content hint says otherwise; set explicitly, it no longer depends on them. With more
 *   members the mesh caps already lower frame rate and resolution (`video-caps.ts`), and
 *   `balanced` lets both give.
 * - **Bitrate cap from the measured link**: while the other side reports loss on our video
 *   (`remote-inbound-rtp` `fractionLost` >= 5 %; audio's report only when we send no video: it
 *   comes every ~5 s and outlived the loss), the video sender's `maxBitrate` follows the
 *   connection's own estimate (`availableOutgoingBitrate` of the selected candidate pair) minus the
 *   audio and the share the loss will take in retransmissions, so a lossy link keeps room for audio,
 *   NACK repairs and key frames instead of queueing video behind them; lifted once the loss is gone.
 *   Applied by `video-caps.ts` (the one writer of the video encodings), only on a change of more
 *   than 15 %.
 *
 * `mediaTuning: false` (engine option, or `init({ mediaTuning: false })`) turns all of it off:
 * Chromium's defaults, the benchmark's baseline.
 */
import { setLinkVideo } from './video-caps.js';

type StatsEntry = Record<string, unknown> & { id: string; type: string };

/** Audio codecs, RED first when the browser has it (null: nothing to change). */
export function audioCodecOrder(codecs: readonly RTCRtpCodec[]): RTCRtpCodec[] | null {
  const red = codecs.filter((c) => c.mimeType.toLowerCase() === 'audio/red');
  const opus = codecs.filter((c) => c.mimeType.toLowerCase() === 'audio/opus');
  if (!red.length || !opus.length) return null;
  const rest = codecs.filter((c) => !red.includes(c) && !opus.includes(c));
  return [...red, ...opus, ...rest];
}

const tuned = new WeakSet<RTCRtpTransceiver>();

/**
 * Puts RED first on every audio transceiver of `pc` not tuned yet. Call before each local
 * description (offer or answer); a browser without RED or without `setCodecPreferences` is left as is.
 */
export function preferCodecs(pc: RTCPeerConnection): void {
  const caps = typeof RTCRtpReceiver !== 'undefined' ? RTCRtpReceiver.getCapabilities?.('audio') : null;
  const order = caps ? audioCodecOrder(caps.codecs) : null;
  if (!order) return;
  for (const t of pc.getTransceivers()) {
    if (tuned.has(t) || t.receiver.track.kind !== 'audio' || t.currentDirection === 'stopped' || !t.setCodecPreferences) continue;
    try {
      t.setCodecPreferences(order);
      tuned.add(t);
    } catch {
      // A codec list this browser refuses: its defaults stay.
    }
  }
}

/** The degradation preference for a call of `members` accepted members (us included). */
export function degradationFor(members: number): RTCDegradationPreference {
  return members <= 2 ? 'maintain-framerate' : 'balanced';
}

/** What the link carries, from one getStats report of a connection. */
export interface LinkSample {
  /** bits per second the connection's estimate allows (undefined: not known yet). */
  availableOutgoingBitrate: number | undefined;
  /** Loss fraction the other side reports for our video (for our audio when we send no video; 0..1). */
  remoteLoss: number;
}

export function linkSample(entries: ReadonlyMap<string, StatsEntry>): LinkSample {
  let pair: StatsEntry | undefined;
  let audio = 0;
  let video = -1;
  for (const s of entries.values()) {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') pair = entries.get(s.selectedCandidatePairId);
    else if (s.type !== 'remote-inbound-rtp') continue;
    else if (s.kind === 'video') video = Math.max(video, Number(s.fractionLost ?? 0));
    else audio = Math.max(audio, Number(s.fractionLost ?? 0));
  }
  // Our video's report when we send video (one a second); audio's comes every ~5 s and, after the
  // loss ends, kept the cap (and the ramp-up it holds back) for seconds after the link was clean.
  const remoteLoss = video < 0 ? audio : video;
  pair ??= [...entries.values()].find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
  const bps = pair?.availableOutgoingBitrate;
  return { availableOutgoingBitrate: typeof bps === 'number' && bps > 0 ? bps : undefined, remoteLoss };
}

/** Bits per second kept for audio (Opus ~32 kbit/s, twice with RED, plus headers). */
export const AUDIO_RESERVE_BPS = 80_000;
/** Never cap video below this (a picture that still moves). */
export const MIN_VIDEO_BPS = 60_000;
/**
 * Below this reported loss there is no cap: the encoder already follows the estimate, and a cap
 * that trails it held the ramp-up back after a thin link widened again (15 s to full resolution
 * after the 300 kbps cap instead of 2 s, measured).
 */
export const CAP_FROM_LOSS = 0.05;
/** Above this estimate the link is not what limits the call: no cap. */
export const UNCAPPED_ABOVE_BPS = 2_500_000;

/**
 * The video `maxBitrate` for a link sample (null: no cap): 90 % of the estimate minus the audio
 * reserve, less the share the reported loss will take in retransmissions.
 */
export function linkVideoBitrate(sample: LinkSample): number | null {
  const bps = sample.availableOutgoingBitrate;
  if (bps === undefined || bps >= UNCAPPED_ABOVE_BPS || sample.remoteLoss < CAP_FROM_LOSS) return null;
  const loss = Math.min(0.5, Math.max(0, sample.remoteLoss));
  return Math.max(MIN_VIDEO_BPS, Math.round((bps * 0.9 - AUDIO_RESERVE_BPS) * (1 - loss)));
}

/** Whether `next` differs enough from `current` to be worth a `setParameters` (15 %). */
export function capChanged(current: number | null, next: number | null): boolean {
  if (current === null || next === null) return current !== next;
  return Math.abs(next - current) > current * 0.15;
}

/** Per connection: the cap last applied. */
const applied = new WeakMap<RTCPeerConnection, number | null>();

/** Feeds one stats report of `pc` (every sampling tick) and re-caps its video on a real change. */
export function onLinkStats(pc: RTCPeerConnection, entries: ReadonlyMap<string, StatsEntry>): void {
  const next = linkVideoBitrate(linkSample(entries));
  const current = applied.has(pc) ? (applied.get(pc) ?? null) : null;
  if (applied.has(pc) && !capChanged(current, next)) return;
  applied.set(pc, next);
  setLinkVideo(pc, { maxBitrate: next });
}
