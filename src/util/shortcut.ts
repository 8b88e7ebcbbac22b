/**
 * Keyboard shortcuts written the way `aria-keyshortcuts` writes them: modifiers and one key joined
 * by `+`, e.g. `Alt+Shift+A`, `Control+F2`. Pure functions (no DOM), so the kit's elements and the
 * Node tests share them.
 */

/** A parsed shortcut: which modifiers must be held, and the key. */
export interface Shortcut {
  readonly alt: boolean;
  readonly ctrl: boolean;
  readonly meta: boolean;
  readonly shift: boolean;
  /** The key as `KeyboardEvent.key` names it (a letter is kept upper case: `A`). */
  readonly key: string;
}

/** The subset of a `KeyboardEvent` a shortcut is matched against. */
export interface KeyLike {
  readonly key: string;
  readonly code: string;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
}

const MODIFIERS: Readonly<Record<string, keyof Omit<Shortcut, 'key'>>> = {
  alt: 'alt',
  option: 'alt',
  control: 'ctrl',
  ctrl: 'ctrl',
  meta: 'meta',
  cmd: 'meta',
  command: 'meta',
  shift: 'shift',
};

/**
 * Reads `Alt+Shift+A`-style text. Returns null for `''`, `none` or text that names no key or an
 * unknown modifier, so a typo turns the shortcut off instead of binding something else.
 */
export function parseShortcut(text: string | null | undefined): Shortcut | null {
  const value = (text ?? '').trim();
  if (!value || value.toLowerCase() === 'none') return null;
  // `+` itself as the key: `Control++`.
  const parts = value.endsWith('++') ? [...value.slice(0, -2).split('+'), '+'] : value.split('+');
  const key = parts.pop()?.trim() ?? '';
  if (!key) return null;
  const mods = { alt: false, ctrl: false, meta: false, shift: false };
  for (const part of parts) {
    const mod = MODIFIERS[part.trim().toLowerCase()];
    if (!mod) return null;
    mods[mod] = true;
  }
  return { ...mods, key: key.length === 1 ? key.toUpperCase() : key };
}

/**
 * Whether a key event is the shortcut. Letters and digits match by physical key too
 * (`KeyA`, `Digit1`), since Alt or Shift change `key` on many layouts (Alt+Shift+A types `Å` on a Mac).
 */
export function matchesShortcut(shortcut: Shortcut, e: KeyLike): boolean {
  if (e.altKey !== shortcut.alt || e.ctrlKey !== shortcut.ctrl || e.metaKey !== shortcut.meta || e.shiftKey !== shortcut.shift)
    return false;
  const { key } = shortcut;
  if (/^[A-Z]$/.test(key) && e.code === `Key${key}`) return true;
  if (/^[0-9]$/.test(key) && e.code === `Digit${key}`) return true;
  return e.key.length === 1 ? e.key.toUpperCase() === key : e.key.toLowerCase() === key.toLowerCase();
}

/** The shortcut in `aria-keyshortcuts` form (`Alt+Shift+A`), also what is announced. */
export function formatShortcut(shortcut: Shortcut): string {
  const mods = [shortcut.ctrl && 'Control', shortcut.alt && 'Alt', shortcut.meta && 'Meta', shortcut.shift && 'Shift'].filter(Boolean);
  return [...mods, shortcut.key].join('+');
}
