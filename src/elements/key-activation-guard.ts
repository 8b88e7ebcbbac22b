import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Default guard after a control appears or focus is moved onto it (ms). */
export const KEY_GUARD_MS = 1000;

const ACTIVATION_KEYS = new Set(['Enter', ' ', 'Spacebar']);

/**
 * Ignores keyboard activation (Enter, Space) of guarded controls for a short time after they appear
 * or focus is moved onto them, and always when the key auto-repeats: a keystroke meant for a text
 * field must not answer a call that just arrived (mobile OSes ignore touches at the moment a call
 * screen appears the same way). Pointer clicks are not affected.
 *
 * The host arms a guard per id (`arm(id)`), forwards `keydown`/`keyup` of the guarded controls to
 * `onKeydown`/`onKeyup`, and asks `blocks(id)` in its click handler: a blocked keydown is
 * cancelled (no activation), and a click that still comes from it is refused.
 */
export class KeyActivationGuard implements ReactiveController {
  /** How long a guard lasts (ms). */
  ms = KEY_GUARD_MS;
  readonly #until = new Map<string, number>();
  /** The key whose press was refused; its click (Space clicks on keyup) is refused too. */
  #refused: { id: string; key: string } | null = null;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Starts (or restarts) the guard of `id`. */
  arm(id: string): void {
    this.#until.set(id, performance.now() + this.ms);
  }

  /** Forgets ids that are gone. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.#until.keys()) if (!ids.has(id)) this.#until.delete(id);
  }

  /** Whether `id` is inside its guard interval. */
  guarded(id: string): boolean {
    return performance.now() < (this.#until.get(id) ?? 0);
  }

  /** Cancels an activation key on a guarded control; returns whether it did. */
  onKeydown(e: KeyboardEvent, id: string): boolean {
    if (!ACTIVATION_KEYS.has(e.key)) return false;
    if (!e.repeat && !this.guarded(id)) {
      this.#refused = null;
      return false;
    }
    e.preventDefault();
    this.#refused = { id, key: e.key };
    return true;
  }

  /** Cancels the keyup of a refused Space (buttons click on Space's keyup). */
  onKeyup(e: KeyboardEvent): void {
    if (this.#refused && e.key === this.#refused.key) {
      e.preventDefault();
      // After the click that may still follow in this task (refused by `blocks`).
      setTimeout(() => (this.#refused = null));
    }
  }

  /** Whether a click on `id`'s control comes from a refused key press and must be ignored. */
  blocks(e: MouseEvent, id: string): boolean {
    return e.detail === 0 && this.#refused?.id === id;
  }

  hostDisconnected(): void {
    this.#until.clear();
    this.#refused = null;
  }
}
