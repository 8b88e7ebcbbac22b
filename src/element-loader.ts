/**
 * The elements `callkit-elements/define.js` registers on first use (the `lazy` rows of
 * `src/element-tags.ts`): each is a dynamic import, so a bundler makes it a chunk that a page loads
 * only when a call needs it. `<call-kit>` asks for the call view while a call rings or is placed
 * (prefetch: the chunk is there by the time the user accepts); `autoloadElements` loads the tags an
 * app puts in its page (`<device-picker>`, `<device-check>`, `<invite-panel>`, `<join-call-card>`, `<call-history>`).
 * A failed import rejects (and is tried again on the next call), so callers can show why.
 * No DOM access at import time.
 */
import { defineElement } from './define-element.js';
import { ELEMENT_TAGS, type LazyTag } from './element-tags.js';

type ElementClass = CustomElementConstructor & { dependencies?: Record<string, CustomElementConstructor> };

/** The call view's module: the tiles, buttons and speaker menu come in its chunk (one chunk, not four). */
const callView = () => import('../components/call-view/call-view.js').then((m) => m.CallView);

/** A literal `import()` per chunk (bundlers split on literal specifiers). */
const IMPORTS: Record<LazyTag, () => Promise<ElementClass>> = {
  'participant-tile': () => callView().then((v) => v.dependencies['participant-tile']),
  'feature-buttons': () => callView().then((v) => v.dependencies['feature-buttons']),
  'speaker-output-menu': () => callView().then((v) => v.dependencies['feature-buttons'].dependencies['speaker-output-menu']),
  'call-view': callView,
  'float-window': () => import('../components/float-window/float-window.js').then((m) => m.FloatWindow),
  'device-picker': () => import('../components/device-picker/device-picker.js').then((m) => m.DevicePicker),
  'device-check': () => import('../components/device-check/device-check.js').then((m) => m.DeviceCheck),
  'invite-panel': () => import('../components/invite-panel/invite-panel.js').then((m) => m.InvitePanel),
  'join-call-card': () => import('../components/join-call-card/join-call-card.js').then((m) => m.JoinCallCard),
  'call-history': () => import('../components/call-history/call-history.js').then((m) => m.CallHistory),
};

/** The tags registered on first use. */
export const LAZY_TAGS: readonly LazyTag[] = ELEMENT_TAGS.filter((e) => e.lazy).map((e) => e.tag as LazyTag);

const pending = new Map<LazyTag, Promise<void>>();

/** An import that failed: the tag, and the browser's reason. */
export class ElementLoadError extends Error {
  constructor(
    readonly tag: LazyTag,
    cause: unknown,
  ) {
    super(`Could not load <${tag}>: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'ElementLoadError';
  }
}

/** Tests replace the importer (to make one fail); `undefined` restores the real one. */
let importer: (tag: LazyTag) => Promise<ElementClass> = (tag) => IMPORTS[tag]();
export function setElementImporter(next: ((tag: LazyTag) => Promise<ElementClass>) | undefined): void {
  importer = next ?? ((tag) => IMPORTS[tag]());
}

export const isLazyTag = (tag: string): tag is LazyTag => Object.prototype.hasOwnProperty.call(IMPORTS, tag);

/**
 * Imports and registers `tag` (and the kit tags it renders) unless it is registered already.
 * Resolves once `customElements.get(tag)` is the element; rejects with an `ElementLoadError`.
 * Without `customElements` (SSR) it resolves without importing anything.
 */
export function loadElement(tag: LazyTag): Promise<void> {
  if (typeof customElements === 'undefined' || customElements.get(tag)) return Promise.resolve();
  let loading = pending.get(tag);
  if (!loading) {
    loading = importer(tag).then(
      (element) => defineElement(tag, element),
      (error: unknown) => {
        pending.delete(tag);
        throw new ElementLoadError(tag, error);
      },
    );
    pending.set(tag, loading);
  }
  return loading;
}

/** Every lazy tag (SSR renderers, tests, apps that want the whole UI now). */
export async function loadAllElements(): Promise<void> {
  await Promise.all(LAZY_TAGS.map(loadElement));
}

const SELECTOR = LAZY_TAGS.join(',');

function loadFound(node: Node): void {
  const tags = new Set<string>();
  if (node instanceof Element) tags.add(node.localName);
  if (node instanceof Element || node instanceof Document || node instanceof DocumentFragment) {
    for (const el of node.querySelectorAll(SELECTOR)) tags.add(el.localName);
  }
  for (const tag of tags) {
    if (isLazyTag(tag) && !customElements.get(tag)) {
      loadElement(tag).catch((error: unknown) => console.error(`callkit-elements: ${(error as Error).message}`));
    }
  }
}

/**
 * Loads the lazy tags found under `root` now and whenever one is added to it later (a
 * `MutationObserver`; shadow roots are not searched: elements that render kit tags load them
 * themselves). Returns the function that stops watching.
 */
export function autoloadElements(root: Document | Element | DocumentFragment): () => void {
  if (typeof MutationObserver === 'undefined' || typeof customElements === 'undefined') return () => undefined;
  loadFound(root);
  const observer = new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) loadFound(node);
    if (LAZY_TAGS.every((t) => customElements.get(t))) observer.disconnect();
  });
  observer.observe(root, { childList: true, subtree: true });
  return () => observer.disconnect();
}
