/**
 * The module of one element entry (`callkit-elements/elements/<tag>.js`): imports the class, registers
 * it with `defineElement` (src/define-element.ts) and re-exports it. vite.config.ts builds each entry
 * from this text; scripts/size.ts measures the same text.
 */
import { join } from 'node:path';
import type { ELEMENT_TAGS } from '../src/element-tags.js';

export type ElementEntry = (typeof ELEMENT_TAGS)[number];

/** The entry's source; `root` is the project root (imports are absolute paths). */
export function elementEntry({ tag, className, file }: ElementEntry, root: string): string {
  return [
    `import { ${className} } from ${JSON.stringify(join(root, file))};`,
    `import { defineElement } from ${JSON.stringify(join(root, 'src/define-element.ts'))};`,
    `defineElement(${JSON.stringify(tag)}, ${className});`,
    `export { ${className} };`,
  ].join('\n');
}
