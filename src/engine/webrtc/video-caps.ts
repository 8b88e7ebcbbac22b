/**
 * Keeps a mesh usable: every member sends its video once per other member, so each outgoing video
 * is capped by the number of members in the call (`RTCRtpSender.setParameters`, no renegotiation).
 * Audio is never touched: it always goes first.
 *
 * | members | max bitrate | resolution      | frame rate |
 * |---------|-------------|-----------------|------------|
 * | 2       | browser's   | as captured     | as captured|
 * | 3-4     | 500 kbps    | 1/2 (scale 2)   | 15 fps     |
 * | 5-9     | 250 kbps    | 1/4 (scale 4)   | 10 fps     |
 *
 * The figures follow `reference/feasibility.md` §2.5 (a 2-core machine: 4 video members use ~95 %
 * CPU at 640x480, 6 peg it and received video drops to 4-11 fps).
 *
 * The weak-network tuning (`media-tuning.ts`) adds, per connection, a bitrate cap from the measured
 * link and a degradation preference ({@link setLinkVideo}); this module stays the one writer of the
 * video encodings, and the lower of the two bitrate caps wins.
 */

export interface VideoLimit {
  /** bits per second */
  maxBitrate: number;
  scaleResolutionDownBy: number;
  maxFramerate: number;
}

/** The cap for a call of `members` accepted members (us included); null = no cap. */
export function videoLimitFor(members: number): VideoLimit | null {
  if (members <= 2) return null;
  if (members <= 4) return { maxBitrate: 500_000, scaleResolutionDownBy: 2, maxFramerate: 15 };
  return { maxBitrate: 250_000, scaleResolutionDownBy: 4, maxFramerate: 10 };
}

/** Per-connection settings of the weak-network tuning (null: the browser's own). */
export interface LinkVideo {
  maxBitrate: number | null;
  degradation: RTCDegradationPreference | null;
}

interface CapState {
  limit: VideoLimit | null;
  link: LinkVideo;
  /** A setParameters call is running; `again` re-runs it once it is done. */
  busy: boolean;
  again: boolean;
}

const states = new WeakMap<RTCPeerConnection, CapState>();

/**
 * Applies `limit` to every video sender of `pc`, now and after every negotiation (a sender has no
 * encodings before its first negotiation, and a new camera sender appears with a renegotiation).
 */
export function capVideo(pc: RTCPeerConnection, limit: VideoLimit | null): void {
  const state = stateOf(pc, limit);
  state.limit = limit;
  void apply(pc, state);
}

/** Sets the weak-network part of `pc`'s video parameters (see `media-tuning.ts`); the rest stays. */
export function setLinkVideo(pc: RTCPeerConnection, link: Partial<LinkVideo>): void {
  const state = stateOf(pc, null);
  state.link = { ...state.link, ...link };
  void apply(pc, state);
}

function stateOf(pc: RTCPeerConnection, limit: VideoLimit | null): CapState {
  let state = states.get(pc);
  if (!state) {
    state = { limit, link: { maxBitrate: null, degradation: null }, busy: false, again: false };
    states.set(pc, state);
    const s = state;
    pc.addEventListener('signalingstatechange', () => {
      if (pc.signalingState === 'stable') void apply(pc, s);
    });
  }
  return state;
}

/** The limit last asked for on `pc` (tests). */
export function videoCapOf(pc: RTCPeerConnection): VideoLimit | null {
  return states.get(pc)?.limit ?? null;
}

/** The weak-network settings last asked for on `pc` (tests). */
export function linkVideoOf(pc: RTCPeerConnection): LinkVideo | null {
  return states.get(pc)?.link ?? null;
}

async function apply(pc: RTCPeerConnection, state: CapState): Promise<void> {
  if (state.busy) {
    state.again = true;
    return;
  }
  state.busy = true;
  try {
    do {
      state.again = false;
      if (pc.signalingState === 'closed') return;
      for (const sender of pc.getSenders()) {
        if (sender.track?.kind !== 'video' && !(sender.track === null && isVideoSender(pc, sender))) continue;
        const params = sender.getParameters();
        if (!params.encodings?.length) continue;
        let changed = false;
        const degradation = state.link.degradation;
        if (degradation && params.degradationPreference !== degradation) {
          params.degradationPreference = degradation;
          changed = true;
        }
        for (const enc of params.encodings) changed = setEncoding(enc, state.limit, state.link.maxBitrate) || changed;
        if (!changed) continue;
        try {
          await sender.setParameters(params);
        } catch {
          // Not negotiated yet, or a parameters race with a renegotiation: retried when stable.
        }
      }
    } while (state.again);
  } finally {
    state.busy = false;
  }
}

function isVideoSender(pc: RTCPeerConnection, sender: RTCRtpSender): boolean {
  return pc.getTransceivers().some((t) => t.sender === sender && t.receiver.track.kind === 'video');
}

/** Writes `limit` (and the link's bitrate cap) into one encoding; returns whether anything changed. */
function setEncoding(enc: RTCRtpEncodingParameters, limit: VideoLimit | null, linkBitrate: number | null): boolean {
  const caps = [limit?.maxBitrate, linkBitrate ?? undefined].filter((n): n is number => n !== undefined);
  const want = {
    maxBitrate: caps.length ? Math.min(...caps) : undefined,
    scaleResolutionDownBy: limit ? limit.scaleResolutionDownBy : 1,
    maxFramerate: limit?.maxFramerate,
  };
  let changed = false;
  for (const key of ['maxBitrate', 'scaleResolutionDownBy', 'maxFramerate'] as const) {
    const current = enc[key];
    if (current === want[key] || (key === 'scaleResolutionDownBy' && want[key] === 1 && current === undefined)) continue;
    if (want[key] === undefined) delete enc[key];
    else enc[key] = want[key];
    changed = true;
  }
  return changed;
}
