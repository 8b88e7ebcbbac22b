/**
 * Plural forms of one message, chosen with `Intl.PluralRules` from the `count` parameter.
 * `other` is required; the rest are optional (English uses `one`, Japanese and Chinese only `other`).
 */
export interface PluralEntry {
  readonly zero?: string;
  readonly one?: string;
  readonly two?: string;
  readonly few?: string;
  readonly many?: string;
  readonly other: string;
}

/** A dictionary value: a text with optional `{name}` placeholders, or plural forms of one. */
export type Entry = string | PluralEntry;
