/**
 * What a page loads, as an app's bundler ships it: the entry bundled with code splitting, minified;
 * `load` is the entry chunk and the chunks it imports statically (what the page downloads before it
 * runs), `lazy` every chunk only reached through a dynamic `import()` (the tencent and tuicall
 * engines: downloaded only when `init({ engine })` picks one). Gzip is per file, as served.
 * `inlined` is the same entry bundled into one file without splitting: esbuild then inlines the
 * dynamic imports, so it counts the lazy engines too (the figure bench:bundle printed until 2026-12-03).
 * `ui` is what the page loads plus every lazy chunk but the other engines' and languages' (the whole
 * default-engine UI in English, once a call used every element: issue 18's second figure). `modules` breaks `load` down per
 * module of ours (and per package): its minified bytes in the bundle, and the gzip size of that
 * text alone (compressed apart, so the parts add up to a little more than the files' gzip).
 */
import { build, transform, type Metafile } from 'esbuild';
import { relative } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Weight {
  raw: number;
  gzip: number;
}

export interface PageWeight {
  load: Weight & { files: number };
  /** Our modules (paths from the project root) in the chunks `load` counts. */
  loadedModules: string[];
  /** `load` per module (ours) or package (`node_modules/<name>`), largest first. */
  modules: (Weight & { module: string })[];
  lazy: (Weight & { file: string; from: string[] })[];
  /** `load` + the lazy chunks that are not another engine's (tencent, tuicall) or another language's. */
  ui: Weight & { files: number };
  inlined: Weight;
}

/** The entry chunk and the chunks it imports statically, transitively (output names of the metafile). */
function staticGraph(outputs: Metafile['outputs']): Set<string> {
  const start = Object.keys(outputs).find((name) => outputs[name]!.entryPoint === 'page.ts');
  if (!start) throw new Error('pageWeight: no entry chunk');
  const loaded = new Set<string>([start]);
  for (const name of loaded) {
    for (const i of outputs[name]!.imports) if (i.kind === 'import-statement' && !i.external) loaded.add(i.path);
  }
  return loaded;
}

/** A lazy chunk of another engine than the default one (src/engine/tencent, tuicall) or of another language than English. */
const notUi = (output: Metafile['outputs'][string]) =>
  [output.entryPoint ?? '', ...Object.keys(output.inputs)].some((m) => /src\/engine\/(tencent|tuicall)\/|src\/i18n\/locales\//.test(m));

/** `node_modules/lit-html/...` -> `node_modules/lit-html`; our modules as they are. */
const owner = (input: string) => {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input;
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return `node_modules/${parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
};

/**
 * Per module of `load`: the same bundle without whitespace minification, so esbuild keeps its
 * `// path` comments between modules; each module's text is then minified apart and gzipped.
 */
async function breakdown(entry: string, resolveDir: string, external: string[]): Promise<(Weight & { module: string })[]> {
  const outdir = '/ck-page';
  const split = await build({
    ...options(entry, resolveDir, external),
    minify: false,
    minifySyntax: true,
    minifyIdentifiers: true,
    splitting: true,
    outdir,
    metafile: true,
  });
  const loadedChunks = staticGraph(split.metafile.outputs);
  const text = new Map<string, string>();
  for (const file of split.outputFiles) {
    if (!loadedChunks.has(relative(process.cwd(), file.path))) continue;
    // esbuild marks each module's code with a `// <path>` line (paths relative to the working directory).
    let current = '';
    for (const line of file.text.split('\n')) {
      const mark = /^\/\/ (\S+\.(?:[cm]?[jt]s|css))$/.exec(line);
      if (mark) current = owner(relative(resolveDir, mark[1]!));
      else if (current) text.set(current, `${text.get(current) ?? ''}${line}\n`);
    }
  }
  const rows: (Weight & { module: string })[] = [];
  for (const [module, code] of text) {
    const min = (await transform(code, { minifyWhitespace: true, loader: 'js', logLevel: 'silent' }).catch(() => ({ code }))).code;
    rows.push({ module, raw: Buffer.byteLength(min), gzip: gzipSync(min).length });
  }
  return rows.sort((a, b) => b.gzip - a.gzip);
}

/** The esbuild options every size figure uses (minified ESM for the browser, assets inlined). */
export const options = (entry: string, resolveDir: string, external: string[]) =>
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
  const loaded = staticGraph(outputs);
  const sum = (names: string[]) =>
    names.reduce((a, n) => ({ raw: a.raw + (size.get(n)?.raw ?? 0), gzip: a.gzip + (size.get(n)?.gzip ?? 0) }), { raw: 0, gzip: 0 });
  const lazy = Object.keys(outputs)
    .filter((name) => !loaded.has(name))
    .map((name) => ({
      file: name.slice(name.lastIndexOf('/') + 1),
      from: Object.keys(outputs[name].inputs)
        .filter((i) => !i.includes('node_modules'))
        .map((i) => relative(resolveDir, i)),
      ...sum([name]),
    }))
    .sort((a, b) => b.gzip - a.gzip);
  const loadedModules = [...loaded]
    .flatMap((name) => Object.keys(outputs[name].inputs))
    .map((i) => relative(resolveDir, i))
    .filter((i) => !i.includes('node_modules'));
  const uiChunks = Object.keys(outputs).filter((name) => !loaded.has(name) && !notUi(outputs[name]!));
  const modules = await breakdown(entry, resolveDir, external);
  const one = await build(options(entry, resolveDir, external));
  const code = Buffer.concat(one.outputFiles.map((f) => Buffer.from(f.contents)));
  return {
    load: { ...sum([...loaded]), files: loaded.size },
    loadedModules,
    modules,
    lazy,
    ui: { ...sum([...loaded, ...uiChunks]), files: loaded.size + uiChunks.length },
    inlined: { raw: code.length, gzip: gzipSync(code).length },
  };
}
