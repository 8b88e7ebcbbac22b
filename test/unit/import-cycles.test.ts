/**
 * No import cycles in product code (src/, components/, server/): every relative import and re-export
 * (type-only ones included), read with TypeScript's own pre-processor, is an arrow between files; a
 * depth-first walk must find no arrow back to a file still on its path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.(test|stories|d)\.ts$/.test(name) ? [path] : [];
  });
}

/** The project file a relative specifier names (`./x.js` is `./x.ts`, a folder its `index.ts`). */
function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    graph.set(
      file,
      importedFiles.map((f) => resolveImport(file, f.fileName)).filter((f): f is string => f !== null && f.endsWith('.ts')),
    );
  }
  return graph;
}

/** Every cycle found by a depth-first walk, as a list of files (relative to the root). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (file: string): void => {
    if (done.has(file)) return;
    path.push(file);
    onPath.add(file);
    for (const next of graph.get(file) ?? []) {
      if (onPath.has(next)) found.push([...path.slice(path.indexOf(next)), next].map((f) => relative(root, f)));
      else visit(next);
    }
    path.pop();
    onPath.delete(file);
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return found;
}

test('the import graph of src/, components/ and server/ has no cycle', () => {
  const files = ['src', 'components', 'server'].flatMap((dir) => sources(join(root, dir)));
  const graph = importGraph(files);
  assert.ok(graph.size > 60, `files read: ${graph.size}`);
  assert.ok([...graph.values()].flat().length > 200, 'imports were resolved');
  assert.deepEqual(cycles(graph), []);
});

test('the cycle check finds a cycle', () => {
  const a = join(root, 'a.ts');
  const b = join(root, 'b.ts');
  assert.deepEqual(
    cycles(
      new Map([
        [a, [b]],
        [b, [a]],
      ]),
    ),
    [['a.ts', 'b.ts', 'a.ts']],
  );
});
