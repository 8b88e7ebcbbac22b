/**
 * The build-time minifier of the style modules' css literals (scripts/minify-css.mjs) changes no
 * rule: every literal, minified by it and not, parses to the same stylesheet (lightningcss, Vite's
 * CSS engine, minifies both for the comparison).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'lightningcss';
import { minifyCssLiterals, STYLE_FILES } from '../../scripts/minify-css.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const files = [
  ...readdirSync(join(root, 'components'), { recursive: true, encoding: 'utf8' }).map((f) => join('components', f)),
  'src/elements/shared-styles.ts',
].filter((f) => STYLE_FILES.test(f));

/** The css literals of a module, interpolations replaced by a custom property. */
const literals = (source: string) =>
  [...source.matchAll(/\bcss`([^`]*)`/g)].map((m) => m[1]!.replace(/\$\{[^}]*\}/g, 'var(--interpolated)'));
/** lightningcss keeps the tokens of `var()` fallbacks as written: spaces after their commas do not count. */
const canonical = (css: string) =>
  transform({ filename: 'x.css', code: Buffer.from(css), minify: true, errorRecovery: false })
    .code.toString()
    .replace(/,\s+/g, ',');

test('finds the style modules', () => {
  assert.ok(files.length >= 10, files.join(', '));
});

for (const file of files) {
  test(`${file}: minified css parses to the same rules`, () => {
    const source = readFileSync(join(root, file), 'utf8');
    const before = literals(source);
    const after = literals(minifyCssLiterals(source));
    assert.equal(after.length, before.length);
    assert.ok(after.join('').length < before.join('').length, 'smaller');
    before.forEach((css, i) => assert.equal(canonical(after[i]!), canonical(css)));
  });
}
