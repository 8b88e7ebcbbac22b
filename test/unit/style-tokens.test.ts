/**
 * Style tokens of every kit element, in the spirit of Material Web's `createTokenTests`: each private
 * `--_x` token an element's styles read is defined (in its styles, the shared styles, or set by its
 * template through CSSOM), and each one defined is read; each public `--ck-<tag>-*` token is mapped
 * in one place. Runs in Node over the finalized styles (shared styles included).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CSSResultOrNative } from 'lit';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tags = [...readFileSync(`${root}/src/define.ts`, 'utf8').matchAll(/^define\('([a-z][a-z0-9-]*)',\s*(\w+)\)/gm)].map((m) => ({
  tag: m[1]!,
  cls: m[2]!,
}));

const cssText = (styles: readonly CSSResultOrNative[]): string =>
  styles.map((s) => ('cssText' in s && typeof s.cssText === 'string' ? s.cssText : '')).join('\n');

/** Private tokens read (`var(--_x`), defined in CSS (`--_x:`) and set from the template (`'--_x'`). */
export function tokens(css: string, source = '') {
  const noComments = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const used = new Set([...noComments.matchAll(/var\(\s*(--_[\w-]+)/g)].map((m) => m[1]!));
  const defined = new Set([...noComments.matchAll(/(--_[\w-]+)\s*:/g)].map((m) => m[1]!));
  for (const m of source.matchAll(/'(--_[\w-]+)'/g)) defined.add(m[1]!);
  return {
    undefinedTokens: [...used].filter((t) => !defined.has(t)).sort(),
    unusedTokens: [...defined].filter((t) => !used.has(t)).sort(),
  };
}

test('the checker itself finds an undefined and an unused private token', () => {
  assert.deepEqual(tokens(':host { --_a: 1px; --_b: 2px; } p { margin: var(--_a) var(--_c); }'), {
    undefinedTokens: ['--_c'],
    unusedTokens: ['--_b'],
  });
  assert.deepEqual(tokens('p { margin: var(--_a); }', "styleProps({ '--_a': '1px' })"), { undefinedTokens: [], unusedTokens: [] });
});

for (const { tag, cls } of tags) {
  test(`<${tag}>: every private token read is defined, every one defined is read, public tokens mapped once`, async () => {
    const mod = (await import(`${root}/components/${tag}/${tag}.ts`)) as Record<
      string,
      { observedAttributes: string[]; elementStyles: CSSResultOrNative[] }
    >;
    const element = mod[cls]!;
    void element.observedAttributes; // finalizes the class: elementStyles then holds the shared styles too
    const css = cssText(element.elementStyles);
    assert.ok(css.length > 0, 'has styles');
    const source = readFileSync(`${root}/components/${tag}/${tag}.ts`, 'utf8');
    const { undefinedTokens, unusedTokens } = tokens(css, source);
    assert.deepEqual(undefinedTokens, [], 'undefined private tokens');
    assert.deepEqual(unusedTokens, [], 'unused private tokens');
    // A public token of this element is read in one place (usually mapped to a private one).
    const prefix = tag === 'call-avatar' ? '--ck-avatar-' : `--ck-${tag}-`;
    const reads = [...css.matchAll(/var\(\s*(--ck-[\w-]+)/g)].map((m) => m[1]!).filter((t) => t.startsWith(prefix));
    const twice = [...new Set(reads.filter((t, i) => reads.indexOf(t) !== i))].sort();
    assert.deepEqual(twice, [], 'public tokens read in more than one place');
  });
}
