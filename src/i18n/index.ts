/**
 * The kit's own i18n: typed dictionaries, `{name}` interpolation, plurals through
 * `Intl.PluralRules`, and `registerLocale` so apps can add or override languages without copying
 * the kit's sources. No `@lit/localize` (its global configuration clashes with host apps).
 * Pure functions and module state only: importing this file touches no DOM.
 */
import en, { type Dictionary, type MessageKey } from './locales/en.js';
import type { Entry, PluralEntry } from './types.js';
import { invalidParameter } from '../errors.js';

export type { Dictionary, MessageKey } from './locales/en.js';
export type { Entry, PluralEntry } from './types.js';

/** What `registerLocale` accepts: any subset of the kit's keys (missing keys fall back to English) plus the app's own. */
export type LocaleDictionary = Partial<Dictionary> & { readonly [key: string]: Entry | undefined };

/** Parameters of a message: `{name}` placeholders; `count` also selects the plural form. */
export type MessageParams = Readonly<Record<string, string | number>>;

/** The language every lookup falls back to. */
export const FALLBACK_LANGUAGE = 'en';

const locales = new Map<string, LocaleDictionary>([['en', en]]);
/**
 * The kit's other languages, loaded on first use (a dynamic import each, so a bundler makes them
 * chunks): `translate` starts the load and answers in English until it arrives, then every element
 * re-renders (`onLocaleRegistered`). `loadLocale` loads one ahead (the kit does for its language).
 */
const BUILT_IN: Record<string, () => Promise<{ default: LocaleDictionary }>> = {
  'zh-cn': () => import('./locales/zh-cn.js'),
  ja_JP: () => import('./locales/ja_JP.js'),
};
const loading = new Map<string, Promise<void>>();
/** Built-in languages whose import failed: `translate` does not retry them (`loadLocale` does). */
const failed = new Set<string>();
const listeners = new Set<(code: string) => void>();
const pluralRules = new Map<string, Intl.PluralRules>();

/** `ja_JP` -> `ja-jp`: registry codes compare case-insensitively, `_` and `-` alike. */
function normalize(code: string): string {
  return code.trim().replace(/_/g, '-').toLowerCase();
}

/** The BCP 47 tag of a kit language code (`ja_JP` -> `ja-JP`, `zh-cn` -> `zh-CN`), for `lang` and `Intl`. */
export function toBcp47(language: string): string {
  const [primary = '', ...rest] = language.trim().split(/[-_]/);
  const tag = [primary.toLowerCase(), ...rest.map((p) => (p.length === 2 ? p.toUpperCase() : p))].join('-');
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? FALLBACK_LANGUAGE;
  } catch {
    return FALLBACK_LANGUAGE;
  }
}

/**
 * The registered code a language resolves to: the exact code, else a code that differs only in
 * case or `_`/`-` (`ja-jp` -> `ja_JP`), else the first one with the same primary language
 * (`zh-TW` -> `zh-cn`, `en-GB` -> `en`). `undefined` when nothing matches.
 */
function findLocale(language: string): string | undefined {
  if (locales.has(language) || Object.hasOwn(BUILT_IN, language)) return language;
  const wanted = normalize(language);
  const codes = registeredLocales();
  const same = codes.find((c) => normalize(c) === wanted);
  if (same) return same;
  const primary = wanted.split('-')[0];
  return codes.find((c) => normalize(c).split('-')[0] === primary);
}

/**
 * Adds a language, or overrides texts of an existing one (the new entries are merged over the old).
 * Keys missing from `dict` fall back to English. Elements showing that language re-render.
 */
export function registerLocale(code: string, dict: LocaleDictionary): void {
  if (typeof code !== 'string' || !code.trim()) throw invalidParameter('registerLocale: the language code must be a non-empty string');
  if (!dict || typeof dict !== 'object') throw invalidParameter('registerLocale: the dictionary must be an object of texts');
  const existing = locales.get(code);
  locales.set(code, existing ? { ...existing, ...dict } : { ...dict });
  for (const listener of [...listeners]) listener(code);
}

/**
 * Adds texts for `code` under what is there: entries already registered (by the app, or loaded)
 * win. For the texts a lazily loaded element brings in its own chunk (`<device-check>`).
 */
export function registerLocaleDefaults(code: string, dict: LocaleDictionary): void {
  locales.set(code, { ...dict, ...locales.get(code) });
  for (const listener of [...listeners]) listener(code);
}

/** The registered language codes (`en`, `zh-cn`, `ja_JP` and any registered by the app). */
export function registeredLocales(): string[] {
  return [...new Set([...locales.keys(), ...Object.keys(BUILT_IN)])];
}

/**
 * Loads the kit's texts for `language` if they are one of its lazily loaded languages (`zh-cn`,
 * `ja_JP`; also `zh-TW` -> `zh-cn` and so on); resolves at once for any other. Texts the app
 * registered for that code before stay over the kit's. Elements re-render when it arrives.
 */
export function loadLocale(language: string): Promise<void> {
  const code = findLocale(language);
  if (code === undefined || !Object.hasOwn(BUILT_IN, code)) return Promise.resolve();
  let load = loading.get(code);
  if (!load) {
    load = BUILT_IN[code]!().then(
      ({ default: dict }) => {
        locales.set(code, { ...dict, ...locales.get(code) });
        for (const listener of [...listeners]) listener(code);
      },
      (error: unknown) => {
        loading.delete(code);
        failed.add(code);
        throw error;
      },
    );
    loading.set(code, load);
  }
  return load;
}

/** Calls `listener` with the code whenever a locale is registered; returns the unsubscribe function. */
export function onLocaleRegistered(listener: (code: string) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/**
 * The kit language for a browser language (TUICallKit's rule): `zh*` -> `zh-cn`, `ja*` -> `ja_JP`,
 * a language the app registered -> that code, anything else -> `en`. Without an argument it reads
 * `navigator.language` (and is `en` where there is no `navigator`, as in SSR).
 */
export function resolveLanguage(navigatorLanguage?: string | null): string {
  const language = navigatorLanguage ?? (typeof navigator === 'undefined' ? '' : navigator.language) ?? '';
  const normalized = normalize(language);
  if (normalized.startsWith('zh')) return 'zh-cn';
  if (normalized.startsWith('ja')) return 'ja_JP';
  if (!normalized) return FALLBACK_LANGUAGE;
  return findLocale(language) ?? FALLBACK_LANGUAGE;
}

const RTL = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ps', 'sd', 'ug', 'ur', 'yi']);

/** Writing direction of a language: `rtl` for Arabic, Hebrew, Persian, Urdu (and a few more), else `ltr`. */
export function dirOf(language: string): 'ltr' | 'rtl' {
  return RTL.has(normalize(language).split('-')[0] ?? '') ? 'rtl' : 'ltr';
}

function pluralRulesFor(language: string): Intl.PluralRules {
  let rules = pluralRules.get(language);
  if (!rules) {
    try {
      rules = new Intl.PluralRules(toBcp47(language));
    } catch {
      rules = new Intl.PluralRules(FALLBACK_LANGUAGE);
    }
    pluralRules.set(language, rules);
  }
  return rules;
}

function isPlural(entry: Entry): entry is PluralEntry {
  return typeof entry === 'object' && entry !== null && typeof entry.other === 'string';
}

function pick(entry: PluralEntry, language: string, params: MessageParams | undefined): string {
  const count = Number(params?.count);
  if (!Number.isFinite(count)) return entry.other;
  // An exact `zero` form wins for 0 even in languages whose rules have no `zero` category.
  if (count === 0 && entry.zero !== undefined) return entry.zero;
  const category = pluralRulesFor(language).select(count);
  return entry[category] ?? entry.other;
}

function interpolate(text: string, params: MessageParams | undefined): string {
  if (!params) return text;
  return text.replace(/\{\s*([\w.-]+)\s*\}/g, (match, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match,
  );
}

function lookup(code: string | undefined, key: string): Entry | undefined {
  if (code === undefined) return undefined;
  const entry = locales.get(code)?.[key];
  return typeof entry === 'string' || (entry !== undefined && isPlural(entry)) ? entry : undefined;
}

/**
 * The text of `key` in `language`, with `{name}` placeholders filled from `params` and the plural
 * form chosen from `params.count`. Fallback chain: `language` -> English -> the key itself.
 * A built-in language not loaded yet starts loading (`loadLocale`) and answers in English meanwhile.
 * Unknown placeholders are left as they are.
 */
export function translate(language: string, key: MessageKey | (string & {}), params?: MessageParams): string {
  const code = findLocale(language);
  if (code !== undefined && !loading.has(code) && !failed.has(code) && Object.hasOwn(BUILT_IN, code)) {
    // English until it arrives (an import error leaves it English and is tried again next time).
    loadLocale(code).catch(() => undefined);
  }
  let entry = lookup(code, key);
  let used = code ?? FALLBACK_LANGUAGE;
  if (entry === undefined) {
    entry = lookup(FALLBACK_LANGUAGE, key);
    used = FALLBACK_LANGUAGE;
  }
  if (entry === undefined) return key;
  return interpolate(isPlural(entry) ? pick(entry, used, params) : entry, params);
}
