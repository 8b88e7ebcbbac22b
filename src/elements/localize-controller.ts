import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { StoreController } from './store-controller.js';
import type { ReadonlyStore } from '../store/types.js';
import {
  dirOf,
  loadLocale,
  onLocaleRegistered,
  resolveLanguage,
  toBcp47,
  translate,
  type MessageKey,
  type MessageParams,
} from '../i18n/index.js';

/**
 * Translates for a host element in the language of the host's store (`state.settings.language`)
 * and re-renders the host when that language changes, or when a locale is registered.
 * Without a store (or with an empty language setting) it uses the browser language.
 *
 * ```ts
 * class MyThing extends LitElement {
 *   localize = new LocalizeController(this);   // then: this.localize.setStore(store)
 *   render() { return html`<button aria-label=${this.localize.t('hangup')}>…</button>`; }
 * }
 * ```
 * `StoreElement` creates one and keeps its store in step with the element's resolved store.
 */
export class LocalizeController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #setting: StoreController<string>;
  #unlisten: (() => void) | undefined;

  constructor(host: ReactiveControllerHost, store?: ReadonlyStore) {
    this.#host = host;
    this.#setting = new StoreController<string>(host, (s) => s.settings.language, Object.is, '');
    if (store) this.#setting.setStore(store);
    host.addController(this);
  }

  /** Follow another store's language setting (or the browser language with `undefined`). */
  setStore(store: ReadonlyStore | undefined): void {
    this.#setting.setStore(store);
    loadLocale(this.language).catch(() => undefined);
  }

  /** The kit language code in use (`en`, `zh-cn`, `ja_JP`, or a registered one). */
  get language(): string {
    return this.#setting.value || resolveLanguage();
  }

  /** The BCP 47 tag of `language`, for `lang` attributes and `Intl` formatters. */
  get lang(): string {
    return toBcp47(this.language);
  }

  /** Writing direction of `language`. */
  get dir(): 'ltr' | 'rtl' {
    return dirOf(this.language);
  }

  /** The text of `key` in the current language (see `translate`). Bound: `const { t } = this.localize` works. */
  readonly t = (key: MessageKey | (string & {}), params?: MessageParams): string => translate(this.language, key, params);

  hostConnected(): void {
    this.#unlisten ??= onLocaleRegistered(() => this.#host.requestUpdate());
    // zh-cn and ja_JP are loaded on first use: start now (an idle <call-kit> translates nothing
    // until a call rings), so the first banner is not shown in English first.
    loadLocale(this.language).catch(() => undefined);
  }

  hostDisconnected(): void {
    this.#unlisten?.();
    this.#unlisten = undefined;
  }
}
