/**
 * No source module over 600 lines (issue 12, renovation): a module that grows past it is split along
 * a seam (see docs/architecture.md, "where a change goes"), not left to become the next 1,600-line class.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const MAX_LINES = 600;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('module length', () => {
  it(`every module of src/, components/ and server/ has at most ${MAX_LINES} lines`, () => {
    const over = ['src', 'components', 'server']
      .flatMap((d) => sources(join(ROOT, d)))
      .map((file) => ({ file: relative(ROOT, file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter((m) => m.lines > MAX_LINES);
    assert.deepEqual(over, [], `split these along a seam: ${over.map((m) => `${m.file} (${m.lines})`).join(', ')}`);
  });
});
