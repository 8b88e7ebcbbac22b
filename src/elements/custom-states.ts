/**
 * Adds or removes a custom state (`:state(name)`) of an element with `ElementInternals`; does
 * nothing without them (old browsers, SSR). Chromium before 125 accepted only `--name` states.
 */
export function toggleState(internals: ElementInternals | null | undefined, name: string, on: boolean): void {
  const states = internals?.states;
  if (!states) return;
  try {
    if (on) states.add(name);
    else states.delete(name);
  } catch {
    if (on) states.add(`--${name}`);
    else states.delete(`--${name}`);
  }
}
