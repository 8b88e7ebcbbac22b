/**
 * The registration of one element entry (`callkit-elements/elements/<tag>.js`, generated from
 * `src/element-tags.ts` by `elementEntry` in `scripts/element-entry.ts`): the kit tags the element
 * renders (its `static dependencies`) first, then the element. A tag that is already defined is left
 * alone; without `customElements` (SSR) nothing happens.
 */
export function defineElement(
  tag: string,
  element: CustomElementConstructor & { dependencies?: Record<string, CustomElementConstructor> },
): void {
  if (typeof customElements === 'undefined' || customElements.get(tag)) return;
  for (const [t, e] of Object.entries(element.dependencies ?? {})) defineElement(t, e);
  customElements.define(tag, element);
}
