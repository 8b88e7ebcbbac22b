/**
 * Simulcast through the SFU (issue 15): which layer of each other member's video we receive.
 * Every member uploads two layers (`SIMULCAST_ENCODINGS`); Janus forwards one per subscriber and
 * stream, chosen with `sfu {kind: 'layer', userId, substream}` (0 low, 1 high).
 *
 * The rule: the member the UI shows large (`focus`, from the call view's focus button through
 * `setFocus`) gets the high layer; with at most {@link HIGH_UP_TO} other members sending video the
 * tiles are large (1v1-like), so everyone gets it; in a grid of more, the others get the low layer.
 * Changes (focus, members joining or leaving) are sent after a short debounce, only where the
 * layer differs from the last one sent (a member new to our subscription always gets one).
 */
import type { SfuClientData } from '../../protocol/messages.js';

/** `setFocus` is a module of its own: the engine loads it first; this module comes with the SFU. */
export { setFocus } from './focus.js';

/** The upload's video layers, high first (as janus.js lists them): full size, and 1/4 size at a low bitrate. */
export const SIMULCAST_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'h', active: true },
  { rid: 'l', active: true, scaleResolutionDownBy: 4, maxBitrate: 150_000 },
];

/** Other members with video up to which everyone is received at the high layer. */
export const HIGH_UP_TO = 2;

/** The layer (0 low, 1 high) to receive for each of `videoMembers`. */
export function chooseLayers(videoMembers: readonly string[], focus: string): Map<string, 0 | 1> {
  const all = videoMembers.length <= HIGH_UP_TO;
  return new Map(videoMembers.map((u) => [u, all || u === focus ? 1 : 0]));
}

export class SfuLayers {
  /** Per member, the layer last asked for and the `mid` it was for (a new `mid` is a new stream: asked again). */
  readonly #sent = new Map<string, { substream: 0 | 1; mid: string }>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (data: Extract<SfuClientData, { kind: 'layer' }>) => void,
    private readonly debounceMs = 250,
  ) {}

  /** Schedules a check: `current()` gives the members we receive video from (with its `mid`), and the focus. */
  update(current: () => { video: ReadonlyMap<string, string>; focus: string }): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const { video, focus } = current();
      const wanted = chooseLayers([...video.keys()], focus);
      for (const userId of [...this.#sent.keys()]) if (!wanted.has(userId)) this.#sent.delete(userId);
      for (const [userId, substream] of wanted) {
        const mid = video.get(userId) ?? '';
        const last = this.#sent.get(userId);
        if (last?.substream === substream && last.mid === mid) continue;
        this.#sent.set(userId, { substream, mid });
        this.send({ kind: 'layer', userId, substream });
      }
    }, this.debounceMs);
  }

  /** The layers last asked for, per member (tests, debug). */
  get sent(): Record<string, 0 | 1> {
    return Object.fromEntries([...this.#sent].map(([userId, { substream }]) => [userId, substream]));
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
