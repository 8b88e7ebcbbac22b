/**
 * What a page loads, as an app's bundler ships it: the entry bundled with code splitting, minified;
 * `load` is the entry chunk and the chunks it imports statically (what the page downloads before it
 * runs), `lazy` every chunk only reached through a dynamic `import()` (the tencent and tuicall
 * engines: downloaded only when `init({ engine })` picks one). Gzip is per file, as served.
 * `inlined` is the same entry bundled into one file without splitting: esbuild then inlines the
 * dynamic imports, so it counts the lazy engines too (the figure bench:bundle printed until 2026-12-03).
 */
import { build, type Metafile } from 'esbuild';
import { relative } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Weight {
  raw: number;
  gzip: number;
}

export interface PageWeight {
  load: Weight & { files: number };
  lazy: (Weight & { file: string; from: string[] })[];
  inlined: Weight;
}

const options = (entry: string, resolveDir: string, external: string[]) =>
  ({
    stdin: { contents: entry, resolveDir, loader: 'ts', sourcefile: 'page.ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    external,
    logLevel: 'silent',
    loader: { '.css': 'text', '.png': 'dataurl', '.jpg': 'dataurl', '.svg': 'dataurl', '.mp3': 'dataurl', '.wasm': 'binary' },
    define: { 'process.env.NODE_ENV': '"production"' },
  }) as const;

export async function pageWeight(entry: string, external: string[], resolveDir: string): Promise<PageWeight> {
  const outdir = '/ck-page';
  const split = await build({ ...options(entry, resolveDir, external), splitting: true, outdir, metafile: true });
  const size = new Map(
    split.outputFiles.map((f) => [relative(process.cwd(), f.path), { raw: f.contents.length, gzip: gzipSync(f.contents).length }]),
  );
  const outputs: Metafile['outputs'] = split.metafile.outputs;
  const start = Object.keys(outputs).find((name) => outputs[name].entryPoint !== undefined);
  if (!start) throw new Error('pageWeight: no entry chunk');
  // The static graph from the entry chunk.
  const loaded = new Set<string>([start]);
  for (const name of loaded) {
    for (const i of outputs[name].imports) if (i.kind === 'import-statement' && !i.external) loaded.add(i.path);
  }
  const sum = (names: string[]) =>
    names.reduce((a, n) => ({ raw: a.raw + (size.get(n)?.raw ?? 0), gzip: a.gzip + (size.get(n)?.gzip ?? 0) }), { raw: 0, gzip: 0 });
  const lazy = Object.keys(outputs)
    .filter((name) => !loaded.has(name))
    .map((name) => ({
      file: name.slice(name.lastIndexOf('/') + 1),
      from: Object.keys(outputs[name].inputs).filter((i) => !i.includes('node_modules')),
      ...sum([name]),
    }))
    .sort((a, b) => b.gzip - a.gzip);
  const one = await build(options(entry, resolveDir, external));
  const code = Buffer.concat(one.outputFiles.map((f) => Buffer.from(f.contents)));
  return { load: { ...sum([...loaded]), files: loaded.size }, lazy, inlined: { raw: code.length, gzip: gzipSync(code).length } };
}
