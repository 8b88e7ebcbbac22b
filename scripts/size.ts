/**
 * Bundle budgets (`npm run size`): what a page pays, gzip (default level), minified by esbuild with the
 * kit's dependencies (lit, @lit/context, valibot) bundled in and the Tencent SDKs external:
 *   core          `import { callKit } from 'callkit-elements'` + `import 'callkit-elements/define.js'`:
 *                 the API, the default (WebRTC) engine and the elements registered up front (every
 *                 bundle here leaves the modules it reaches only by `import()` out: lazy chunks)
 *   elements/<t>  one element entry alone (`callkit-elements/elements/<t>.js`: the element, the kit
 *                 elements it renders, lit and the store)
 *   tencent       the lazily loaded Tencent engine chunk (what `engine: 'tencent'` adds; without the SDKs)
 *   page/initial  what a page with `define.js` and the default engine loads before it can be called
 *                 (code splitting, bench/page-weight.ts: the login and the incoming banner; issue 18's goal 30 KB)
 *   page/ui       that page once every element was used: the initial files + the lazy chunks of the
 *                 default-engine UI, English (issue 18's goal 60 KB)
 * Budgets live in size-budgets.json; test/unit/size.test.ts fails when one is exceeded.
 * `npm run size -- --readme` also rewrites the table between the size markers in README.md.
 * Beside them: the official kit's weights from reference/tuicallkit-web.md §1.2.
 */
import { build, type Plugin } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ELEMENT_TAGS } from '../src/element-tags.js';
import { elementEntry } from './element-entry.js';
import { minifyCssPlugin } from './minify-css.mjs';
import { pageWeight } from '../bench/page-weight.js';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface Size {
  name: string;
  raw: number;
  gzip: number;
}

/** The official kit's weights (gzip bytes), tuicallkit-web.md §1.2. */
export const OFFICIAL: { name: string; gzip: number }[] = [
  { name: 'call-uikit-vue 4.0.12 tuicall-uikit-vue.es.js (kit only, no engine/SDKs)', gzip: 205_107 },
  { name: 'calls-uikit-react 4.5.11 tuicall-uikit-react.es.js (kit only)', gzip: 146_197 },
  { name: 'call-engine-js 3.3.4 index.js (engine)', gzip: 351_778 },
  { name: 'the whole Vue stack (kit + engine + chat + trtc + plugins, no Vue)', gzip: 1_174_758 },
  { name: 'trtc-sdk-v5 5.17.1 trtc.esm.js', gzip: 235_617 },
  { name: '@tencentcloud/chat 3.6.6 index.js', gzip: 173_956 },
];

export const elementTags = (): string[] => ELEMENT_TAGS.map((e) => e.tag);

const SDKS = ['trtc-sdk-v5', '@tencentcloud/*'];
/**
 * Leaves every dynamically imported module out (a chunk the bundle loads later, as the library and
 * an app's bundler split it): the Tencent and tuicall engines, the elements `define.js` registers on
 * first use, the languages other than English. `page/ui` counts those chunks.
 */
const tencentLazy: Plugin = {
  name: 'lazy-chunks',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined));
  },
};

async function bundle(name: string, contents: string, plugins: Plugin[] = [], external: string[] = SDKS): Promise<Size> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: `${name}.ts` },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    external,
    // As the library build (vite.config.ts): the style modules' css literals minified.
    plugins: [minifyCssPlugin, ...plugins],
    logLevel: 'silent',
    tsconfig: join(root, 'tsconfig.json'),
  });
  const code = Buffer.concat(result.outputFiles.map((f) => Buffer.from(f.contents)));
  return { name, raw: code.length, gzip: gzipSync(code).length };
}

const src = (p: string) => JSON.stringify(join(root, p));

/** Measures every budgeted bundle. */
export async function measure(): Promise<Size[]> {
  const sizes: Size[] = [];
  sizes.push(await bundle('core', `export { callKit } from ${src('src/index.ts')}; import ${src('src/define.ts')};`, [tencentLazy]));
  for (const element of ELEMENT_TAGS) {
    // The same module as the package's element entry (vite.config.ts).
    sizes.push(await bundle(`elements/${element.tag}`, elementEntry(element, root), [tencentLazy]));
  }
  // The Tencent chunk: its own code, with what the core already loaded (lit, the kit's shared modules) left out.
  const shared: Plugin = {
    name: 'core-shared',
    setup(b) {
      b.onResolve({ filter: /^(lit|@lit\/|valibot)/ }, (args) => ({ path: args.path, external: true }));
      b.onResolve({ filter: /\.js$/ }, (args) => {
        const inTencent = /engine[\\/]tencent/.test(args.resolveDir) && args.path.startsWith('./');
        return inTencent ? undefined : { path: args.path, external: true };
      });
    },
  };
  sizes.push(await bundle('tencent', `export * from ${src('src/engine/tencent/index.ts')};`, [shared]));
  const page = await pageWeight(`import ${src('src/define.ts')};`, SDKS, root);
  sizes.push({ name: 'page/initial', raw: page.load.raw, gzip: page.load.gzip }, { name: 'page/ui', raw: page.ui.raw, gzip: page.ui.gzip });
  return sizes;
}

export type Budgets = Record<string, number>;
export const readBudgets = (): Budgets => (JSON.parse(readFileSync(join(root, 'size-budgets.json'), 'utf8')) as { gzip: Budgets }).gzip;

/** Every size over its budget, and every size without one. */
export function overBudget(sizes: readonly Size[], budgets: Budgets): string[] {
  return sizes.flatMap((s) => {
    const budget = budgets[s.name];
    if (budget === undefined) return [`${s.name}: no budget in size-budgets.json`];
    return s.gzip > budget ? [`${s.name}: ${s.gzip} B gzip > budget ${budget} B`] : [];
  });
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** The README table (markdown). */
export function table(sizes: readonly Size[], budgets: Budgets): string {
  const core = sizes.find((s) => s.name === 'core')!;
  const label = (name: string) =>
    name === 'core'
      ? '**core: API + default WebRTC engine + the elements registered up front** (one file, lazy chunks left out)'
      : name === 'tencent'
        ? 'Tencent engine chunk, lazy (without the SDKs)'
        : name === 'page/initial'
          ? '**a page with `define.js` + default engine: what loads first** (code splitting; login + incoming banner)'
          : name === 'page/ui'
            ? 'the same page once every element was used (+ the lazy chunks of the call UI, English)'
            : `\`${name}\` alone`;
  const rows = sizes.map((s) => `| ${label(s.name)} | ${kb(s.raw)} | **${kb(s.gzip)}** | ${budgets[s.name] ? kb(budgets[s.name]) : '–'} |`);
  const official = OFFICIAL.map(
    (o) => `| official: ${o.name} | | ${kb(o.gzip)} | (core is ${((core.gzip / o.gzip) * 100).toFixed(0)} %) |`,
  );
  return [
    '| bundle (minified, deps bundled, SDKs external) | raw | gzip | budget (gzip) |',
    '|---|---|---|---|',
    ...rows,
    ...official,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await measure();
  const budgets = readBudgets();
  console.log(table(sizes, budgets));
  // `npm run size -- --readme` rewrites the marked table in README.md.
  if (process.argv.includes('--readme')) {
    const readme = join(root, 'README.md');
    const text = readFileSync(readme, 'utf8');
    const start = '<!-- size:start (npm run size -- --readme) -->\n';
    const end = '<!-- size:end -->';
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error('README.md has no size:start/size:end markers');
    writeFileSync(readme, `${text.slice(0, from + start.length)}${table(sizes, budgets)}\n${text.slice(to)}`);
  }
  const over = overBudget(sizes, budgets);
  if (over.length) {
    console.error(`\nOver budget:\n${over.join('\n')}`);
    process.exitCode = 1;
  }
}
