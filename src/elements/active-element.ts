/**
 * The focused element, looking into shadow roots (`document.activeElement` stops at a shadow
 * host). An `<iframe>` that holds focus is returned as the iframe: the page cannot see inside.
 */
export function deepActiveElement(root: Document | ShadowRoot = document): Element | null {
  let active = root.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/**
 * Whether the user is busy with something on the page: any element other than the body (or the
 * document element) holds focus. A text field, a contenteditable, a button, a focused iframe all
 * count; the kit must not take focus from them.
 */
export function focusIsInUse(active: Element | null = deepActiveElement()): boolean {
  if (!active) return false;
  const doc = active.ownerDocument;
  return active !== doc.body && active !== doc.documentElement;
}
