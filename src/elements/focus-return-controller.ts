import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { deepActiveElement } from './active-element.js';

/**
 * Remembers where focus was before an element took it, and gives it back once the element lets go
 * (only if focus fell back to the body: the user may have moved on meanwhile).
 */
export class FocusReturnController implements ReactiveController {
  #back: HTMLElement | null = null;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  /** Whether a place to return to is held. */
  get holding(): boolean {
    return this.#back !== null;
  }

  /** Records the focused element (outside the host) unless one is already held. */
  remember(): void {
    if (this.#back) return;
    const active = deepActiveElement();
    this.#back = active instanceof HTMLElement && !this.#inHost(active) && active !== document.body ? active : null;
  }

  /** Gives focus back if nothing else took it; forgets the place either way. */
  restore(): void {
    const back = this.#back;
    this.#back = null;
    const active = deepActiveElement();
    if (back?.isConnected && (!active || active === document.body || active === document.documentElement)) back.focus();
  }

  hostDisconnected(): void {
    this.#back = null;
  }

  #inHost(el: Element): boolean {
    return this.host.contains(el) || this.host.shadowRoot?.contains(el) === true;
  }
}
