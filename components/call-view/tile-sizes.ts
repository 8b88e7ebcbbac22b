import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { TileSizesEvent } from '../../src/events/requests.js';

/**
 * Watches the rendered width of the call view's tiles (a `ResizeObserver`, made when the view
 * connects, never at import) and tells `<call-kit>` each other member's tile width in device pixels
 * (CSS width × `devicePixelRatio`) with `ck-tile-sizes`, debounced, when they changed. A member
 * without a tile, or whose tile is not rendered (the view hidden while the call is minimized), is
 * left out: no visible tile. The engine picks each member's simulcast layer from them (issue 15).
 */
export class TileSizes implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #tiles: () => Iterable<HTMLElement>;
  readonly #self: () => string;
  readonly #debounceMs: number;
  #observer: ResizeObserver | null = null;
  /** Observed tiles and their last CSS width. */
  readonly #widths = new Map<HTMLElement, number>();
  #told = '';
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    host: ReactiveControllerHost & HTMLElement,
    options: { tiles: () => Iterable<HTMLElement>; self: () => string; debounceMs?: number },
  ) {
    this.#host = host;
    this.#tiles = options.tiles;
    this.#self = options.self;
    this.#debounceMs = options.debounceMs ?? 300;
    host.addController(this);
  }

  hostConnected(): void {
    if (typeof ResizeObserver === 'undefined' || this.#observer) return;
    this.#observer = new ResizeObserver((entries) => {
      for (const e of entries) {
        const tile = e.target as HTMLElement;
        if (this.#widths.has(tile)) this.#widths.set(tile, e.contentRect.width);
      }
      this.#schedule();
    });
  }

  /** After each render: observes new tiles, forgets removed ones. */
  hostUpdated(): void {
    const observer = this.#observer;
    if (!observer) return;
    const now = new Set(this.#tiles());
    let removed = false;
    for (const tile of [...this.#widths.keys()]) {
      if (now.has(tile)) continue;
      observer.unobserve(tile);
      this.#widths.delete(tile);
      removed = true;
    }
    for (const tile of now) {
      if (this.#widths.has(tile)) continue;
      this.#widths.set(tile, 0);
      observer.observe(tile); // reports its size at once
    }
    if (removed) this.#schedule();
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = null;
    this.#widths.clear();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#told = '';
  }

  /** The widths to tell now: other members' visible tiles, in device px. */
  get sizes(): Record<string, number> {
    const self = this.#self();
    const ratio = typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1;
    const out: Record<string, number> = {};
    for (const [tile, width] of this.#widths) {
      const userId = tile.getAttribute('user-id') ?? '';
      if (!userId || userId === self || !(width > 0) || !tile.isConnected) continue;
      out[userId] = Math.max(out[userId] ?? 0, Math.round(width * ratio));
    }
    return out;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const sizes = this.sizes;
      const key = JSON.stringify(Object.entries(sizes).sort(([a], [b]) => (a < b ? -1 : 1)));
      if (key === this.#told) return;
      this.#told = key;
      this.#host.dispatchEvent(new TileSizesEvent({ sizes }));
    }, this.#debounceMs);
  }
}
