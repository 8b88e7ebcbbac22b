/**
 * Simulcast through the SFU (issue 15): which layer of each other member's video we receive.
 * Every member uploads two layers (`SIMULCAST_ENCODINGS`); Janus forwards one per subscriber and
 * stream, chosen with `sfu {kind: 'layer', userId, substream}` (0 low, 1 high).
 *
 * The rule ({@link chooseLayers}), once the UI has told the engine its tiles' rendered widths
 * (`setTileSizes`: the call view measures each member's tile, CSS width × devicePixelRatio): a
 * member with no visible tile (call minimized to the float window, hidden, no tile) gets the low
 * layer; the member the UI shows large (`focus`, the call view's focus button through `setFocus`)
 * the high one; every other member the smallest layer whose width covers its tile, a layer
 * covering a tile up to {@link UPSCALE} times its width (a little upscaling looks the same and
 * halves nothing else). Until the UI tells sizes (a host with its own UI), a count rule: with at most
 * {@link HIGH_UP_TO} other members sending video everyone gets the high layer, else only the focus.
 * Changes (focus, sizes, members joining or leaving) are sent after a short debounce, only where
 * the layer differs from the last one sent (a member new to our subscription always gets one).
 * Two layers, not three: a middle one did not pay for its encoding CPU on a 2-core machine
 * (`npm run bench:layers`, README "Group calls").
 */
import type { SfuClientData } from '../../protocol/messages.js';

/** `setFocus` is a module of its own: the engine loads it first; this module comes with the SFU. */
export { setFocus, setTileSizes } from './focus.js';

/** The upload's video layers, high first (as janus.js lists them): full size, and 1/4 size at a low bitrate. */
export const SIMULCAST_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'h', active: true },
  { rid: 'l', active: true, scaleResolutionDownBy: 4, maxBitrate: 150_000 },
];

/** Other members with video up to which everyone is received at the high layer. */
export const HIGH_UP_TO = 2;

/**
 * The width of each layer (low, high) for the default 720p capture (1280 px wide; the low layer is
 * a quarter of it). A member capturing less sends smaller layers; the rule stays on the safe side
 * for them (they reach the high layer for tiles their low layer could cover).
 */
export const LAYER_WIDTHS = [320, 1280] as const;

/** A layer covers a tile up to this many times its own width (upscaling by a third is not visible). */
export const UPSCALE = 4 / 3;

/** The smallest layer whose width covers a tile `width` device pixels wide (0: no visible tile: low). */
export function layerFor(width: number): 0 | 1 {
  return width > LAYER_WIDTHS[0] * UPSCALE ? 1 : 0;
}

/**
 * The layer (0 low, 1 high) to receive for each of `videoMembers`. `widths`: each member's tile in
 * device pixels as the UI last told (a member missing: no visible tile), null before it told any.
 */
export function chooseLayers(
  videoMembers: readonly string[],
  focus: string,
  widths: ReadonlyMap<string, number> | null = null,
): Map<string, 0 | 1> {
  if (!widths) {
    const all = videoMembers.length <= HIGH_UP_TO;
    return new Map(videoMembers.map((u) => [u, all || u === focus ? 1 : 0]));
  }
  return new Map(
    videoMembers.map((u): [string, 0 | 1] => {
      const width = widths.get(u) ?? 0;
      if (!(width > 0)) return [u, 0];
      return [u, u === focus ? 1 : layerFor(width)];
    }),
  );
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
  update(current: () => { video: ReadonlyMap<string, string>; focus: string; widths?: ReadonlyMap<string, number> | null }): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const { video, focus, widths } = current();
      const wanted = chooseLayers([...video.keys()], focus, widths ?? null);
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
