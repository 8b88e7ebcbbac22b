import { noChange } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

/** Property name (`left`, `--_columns`) to value; `undefined`, `null` or `''` removes it. */
export type StyleProps = Readonly<Record<string, string | undefined | null>>;

/**
 * Sets inline styles through CSSOM (`style.setProperty`) from an element binding:
 * `<div ${styleProps({ '--_columns': '3' })}>`. Unlike lit's `styleMap`, which writes a `style`
 * attribute on the first render, this never produces markup, so it works under a
 * Content-Security-Policy without `'unsafe-inline'` for styles (`style-src-attr 'none'`): CSP
 * governs style attributes and `<style>` elements in markup, not CSSOM.
 */
class StylePropsDirective extends Directive {
  #previous = new Set<string>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('styleProps() must be used as an element binding: <div ${styleProps({...})}>');
  }

  render(_props: StyleProps): unknown {
    return noChange;
  }

  override update(part: ElementPart, [props]: [StyleProps]): unknown {
    const { style } = part.element as HTMLElement;
    const next = new Set<string>();
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === '') continue;
      next.add(name);
      if (style.getPropertyValue(name) !== value) style.setProperty(name, value);
    }
    for (const name of this.#previous) if (!next.has(name)) style.removeProperty(name);
    this.#previous = next;
    return noChange;
  }
}

export const styleProps = directive(StylePropsDirective);
