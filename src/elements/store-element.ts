import { ContextConsumer } from '@lit/context';
import { LitElement, type CSSResultGroup, type CSSResultOrNative } from 'lit';
import { property } from 'lit/decorators.js';
import { LocalizeController } from './localize-controller.js';
import { onIconsChanged } from '../icon-registry.js';
import { toggleState } from './custom-states.js';
import { sharedStyles } from './shared-styles.js';
import { storeContext } from './context.js';
import { initialState } from '../store/store.js';
import { StoreController } from './store-controller.js';
import type { CallState, ReadonlyStore } from '../store/types.js';

/** The idle state selectors see while an element has no store, so they never have to check. */
const idle: CallState = initialState();

function isStore(value: unknown): value is ReadonlyStore {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ReadonlyStore).getState === 'function' &&
    typeof (value as ReadonlyStore).subscribe === 'function'
  );
}

/**
 * Base class of the kit's elements: finds the store and keeps every selection on it.
 *
 * The store comes from, in this order:
 * 1. the `store` property (`el.store = callKit.store`);
 * 2. the `call-kit` attribute: the id of an element (usually `<call-kit>`) whose `.store` is read,
 *    looked up in the element's own root first, then in the document;
 * 3. the `storeContext` provided by an enclosing `<call-kit>` (`@lit/context`, followed live).
 *
 * Subclasses read state only through `this.select(...)` (a `StoreController` that re-renders the
 * element only when its slice changes) and translate with `this.localize.t(...)`.
 * Without a store, selections hold their value for the idle state, so elements render nothing
 * meaningful but never fail.
 */
export class StoreElement extends LitElement {
  /** The store to show (wins over `call-kit` and the context of an enclosing `<call-kit>`). */
  @property({ attribute: false }) store: ReadonlyStore | undefined;

  /** Id of the element (usually a `<call-kit>`) whose `.store` to show, for elements placed outside it. */
  @property({ attribute: 'call-kit' }) callKit: string | undefined;

  /**
   * Colour scheme of this element and the kit elements inside it; default: inherited
   * (`--ck-color-scheme`), else the `theme` of the `<call-kit>` named by `call-kit`, else the
   * page's `prefers-color-scheme`. Every element's colours are
   * `light-dark()` pairs (see `src/elements/shared-styles.ts`).
   */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  protected static override finalizeStyles(styles?: CSSResultGroup): CSSResultOrNative[] {
    return [sharedStyles, ...super.finalizeStyles(styles)];
  }

  /** Translations in the language of the resolved store. */
  protected readonly localize: LocalizeController;

  /** Custom states (`:state(...)`); null where `ElementInternals` is missing (old browsers, SSR). */
  protected readonly internals: ElementInternals | null;

  readonly #selections: StoreController<unknown>[] = [];
  readonly #context: ContextConsumer<typeof storeContext, this>;
  #resolved: ReadonlyStore | undefined;
  #waiting: string | undefined;
  /** The `<call-kit>` (named by `call-kit`) whose `theme` this element follows, and its observer. */
  #themeSource: HTMLElement | null = null;
  #themeObserver: MutationObserver | undefined;
  /** Unsubscribes from icon registry changes (`registerIcons` re-renders the elements on the page). */
  #offIcons: (() => void) | undefined;

  constructor() {
    super();
    this.internals = typeof this.attachInternals === 'function' ? this.attachInternals() : null;
    this.localize = new LocalizeController(this);
    this.#context = new ContextConsumer(this, {
      context: storeContext,
      subscribe: true,
      callback: () => this.#resolve(),
    });
  }

  /** The store in use (from `store`, `call-kit` or the context), if any. */
  protected get resolvedStore(): ReadonlyStore | undefined {
    return this.#resolved;
  }

  /**
   * A selection of the store's state that follows the resolved store and re-renders this element
   * only when the selected value changes (by `Object.is`, or `equals`). Call it in a field
   * initializer. `fallback` is the value without a store (default: the selector applied to the
   * idle state).
   */
  protected select<T>(selector: (state: CallState) => T, equals: (a: T, b: T) => boolean = Object.is, fallback?: T): StoreController<T> {
    const controller = new StoreController<T>(this, selector, equals, fallback === undefined ? selector(idle) : fallback);
    controller.setStore(this.#resolved);
    this.#selections.push(controller as StoreController<unknown>);
    return controller;
  }

  /**
   * Re-runs every selector now: for selectors that read element properties (`this.userId`) after
   * such a property changed.
   */
  protected reselect(): void {
    const store = this.#resolved;
    if (!store) return;
    for (const selection of this.#selections) {
      selection.setStore(undefined);
      selection.setStore(store);
    }
  }

  /** Adds or removes a custom state (`:state(name)`). */
  protected toggleState(name: string, on: boolean): void {
    toggleState(this.internals, name, on);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resolve();
    this.#offIcons ??= onIconsChanged(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#followTheme(null);
    this.#offIcons?.();
    this.#offIcons = undefined;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed);
    if (changed.has('store') || changed.has('callKit')) this.#resolve();
  }

  /** The element named by the `call-kit` attribute, if it can be found now. */
  #kitElement(): HTMLElement | null {
    const id = this.callKit;
    if (!id || !this.isConnected) return null;
    const root = this.getRootNode() as Document | ShadowRoot;
    return (typeof root.getElementById === 'function' ? root.getElementById(id) : null) ?? this.ownerDocument.getElementById(id);
  }

  /** The store named by the `call-kit` attribute, if it can be found now. */
  #byId(target: HTMLElement | null): ReadonlyStore | undefined {
    if (!target) return undefined;
    const store: unknown = (target as Element & { store?: unknown }).store;
    if (isStore(store)) return store;
    // Not upgraded yet: look again once its element class is defined.
    const tag = target.localName;
    if (tag.includes('-') && this.#waiting !== tag && typeof customElements !== 'undefined' && !customElements.get(tag)) {
      this.#waiting = tag;
      void customElements.whenDefined(tag).then(() => {
        this.#waiting = undefined;
        this.#resolve();
      });
    }
    return undefined;
  }

  /**
   * Follows the `theme` attribute of the `<call-kit>` named by `call-kit` (an element outside it
   * does not inherit its `--ck-color-scheme`): custom states `kit-light` / `kit-dark`, which the
   * shared styles turn into `--ck-color-scheme` (the element's own `theme` wins).
   */
  #followTheme(target: HTMLElement | null): void {
    if (target !== this.#themeSource) {
      this.#themeObserver?.disconnect();
      this.#themeSource = target;
      this.#themeObserver = target ? new MutationObserver(() => this.#followTheme(target)) : undefined;
      this.#themeObserver?.observe(target!, { attributeFilter: ['theme'] });
    }
    const theme = target?.getAttribute('theme');
    for (const t of ['light', 'dark']) this.toggleState(`kit-${t}`, theme === t);
  }

  #resolve(): void {
    const target = this.#kitElement();
    this.#followTheme(target);
    const next = this.store ?? this.#byId(target) ?? this.#context.value;
    if (next === this.#resolved) return;
    this.#resolved = next;
    this.localize.setStore(next);
    for (const selection of this.#selections) selection.setStore(next);
    this.requestUpdate();
  }
}
