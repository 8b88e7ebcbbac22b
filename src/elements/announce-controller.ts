import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Delay between showing something and filling the live region: screen readers announce changes of
 * regions they already track, not regions inserted together with their text.
 */
export const ANNOUNCE_DELAY_MS = 100;

/**
 * The text of a live region that is always rendered (`role="status"` / `aria-live`), filled a
 * moment after `announce()` so the change is spoken. The host renders `controller.text`.
 */
export class AnnounceController implements ReactiveController {
  #text = '';
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** What the live region holds now. */
  get text(): string {
    return this.#text;
  }

  /** Empties the region now and says `text` after `ANNOUNCE_DELAY_MS`. */
  announce(text: string): void {
    this.#set('');
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#set(text), ANNOUNCE_DELAY_MS);
  }

  /** Empties the region and drops a pending announcement. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#set('');
  }

  hostDisconnected(): void {
    this.clear();
  }

  #set(text: string): void {
    if (text === this.#text) return;
    this.#text = text;
    this.host.requestUpdate();
  }
}
