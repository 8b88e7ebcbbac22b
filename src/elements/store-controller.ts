import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallState, ReadonlyStore } from '../store/types.js';

/**
 * Subscribes a host to a slice of the store and re-renders it only when that slice changes
 * (by `Object.is`, or `equals` when given). The store can be swapped at any time with `setStore`.
 */
export class StoreController<T> implements ReactiveController {
  #store: ReadonlyStore | undefined;
  #unsubscribe: (() => void) | undefined;
  #connected = false;
  value: T;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly selector: (state: CallState) => T,
    private readonly equals: (a: T, b: T) => boolean = Object.is,
    private readonly fallback: T,
  ) {
    this.value = fallback;
    host.addController(this);
  }

  get store(): ReadonlyStore | undefined {
    return this.#store;
  }

  setStore(store: ReadonlyStore | undefined): void {
    if (store === this.#store) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#store = store;
    if (this.#connected) this.#subscribe();
    const next = store ? this.selector(store.getState()) : this.fallback;
    if (!this.equals(next, this.value)) {
      this.value = next;
      this.host.requestUpdate();
    }
  }

  #subscribe(): void {
    const store = this.#store;
    if (!store) return;
    this.#unsubscribe = store.subscribe((state) => {
      const next = this.selector(state);
      if (!this.equals(next, this.value)) {
        this.value = next;
        this.host.requestUpdate();
      }
    });
    const current = this.selector(store.getState());
    if (!this.equals(current, this.value)) {
      this.value = current;
      this.host.requestUpdate();
    }
  }

  hostConnected(): void {
    this.#connected = true;
    this.#subscribe();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }
}

/** Shallow equality for selector results that are plain objects or arrays. */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a) as (keyof T)[];
  const kb = Object.keys(b) as (keyof T)[];
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.is(a[k], b[k]));
}
