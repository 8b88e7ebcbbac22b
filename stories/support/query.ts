/**
 * Queries for play functions: the kit's elements live in shadow roots, so these look through them.
 */

/** Every element matching `selector` under `root`, shadow roots included (document order per root). */
export function deepAll<E extends Element = HTMLElement>(root: Element | ShadowRoot | Document, selector: string): E[] {
  const out: E[] = [...root.querySelectorAll<E>(selector)];
  for (const el of root.querySelectorAll('*')) if (el.shadowRoot) out.push(...deepAll<E>(el.shadowRoot, selector));
  return out;
}

/** The first element matching `selector` under `root`, shadow roots included, or null. */
export function deep<E extends Element = HTMLElement>(root: Element | ShadowRoot | Document, selector: string): E | null {
  return deepAll<E>(root, selector)[0] ?? null;
}

/** The shadow root of the first `<call-view>` under `root` (throws when there is none yet: use inside `waitFor`). */
export function viewRoot(root: Element): ShadowRoot {
  const view = deep(root, 'call-view');
  if (!view?.shadowRoot) throw new Error('no <call-view> yet');
  return view.shadowRoot;
}

/** The `user-id` of the participant tile in a call-view place (`main`, `pip`, `grid`). */
export function placed(root: Element, place: 'main' | 'pip' | 'grid'): string[] {
  return [...viewRoot(root).querySelectorAll(`participant-tile[data-place=${place}]`)].map((t) => t.getAttribute('user-id') ?? '');
}

/** A button found by its accessible name (`aria-label`), anywhere under `root`. */
export function buttonNamed(root: Element, name: string): HTMLButtonElement | null {
  return deepAll<HTMLButtonElement>(root, 'button').find((b) => b.getAttribute('aria-label') === name) ?? null;
}

/** Whether a kit element has a custom state (`:state(name)`). */
export function hasState(el: Element | null, name: string): boolean {
  try {
    return Boolean(el?.matches(`:state(${name})`));
  } catch {
    return false;
  }
}

/** The text of an element and its shadow tree, whitespace collapsed. */
export function deepText(root: Element | ShadowRoot): string {
  let text = '';
  const walk = (node: Node) => {
    if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) text += child.textContent ?? '';
      else walk(child);
    }
  };
  walk(root);
  return text.replace(/\s+/g, ' ').trim();
}
