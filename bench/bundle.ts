/**
 * Bundle weight: gzip sizes of our built entries (`vite build`, as `npm run build`), of what a page
 * using the default engine loads (define.ts bundled with lit and valibot, minified, code splitting:
 * the lazy tencent/tuicall engine chunks listed but not counted, bench/page-weight.ts), beside the
 * official `@tencentcloud/call-uikit-vue` stack installed by this script into a scratch folder in /tmp
 * with `npm install --prefix` and bundled the same way (Vue itself left out, as in tuicallkit-web.md
 * §1). The figure from tuicallkit-web.md §1.2 (1,174,758 B gzip) is printed beside it as a reference
 * only: if the install or the bundling fails, the script says so and exits 1 (no substituted figure).
 * Env: BENCH_OFFICIAL_DIR (scratch folder, default $TMPDIR/ck-bench-official; reused if installed).
 */
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fmt, printTable, root, writeResult } from './lib.js';
import { options, pageWeight } from './page-weight.js';

const gz = (buf: Buffer | string) => gzipSync(buf).length;
const kb = (n: number) => `${fmt(n / 1024)} KB`;
const REFERENCE_VUE_STACK_GZIP = 1_174_758;

// 1. Our library entries, as npm run build emits them (lit, valibot and the Tencent SDKs external).
const out = mkdtempSync(join(tmpdir(), 'ck-bundle-'));
await viteBuild({
  root,
  configFile: join(root, 'vite.config.ts'),
  logLevel: 'silent',
  build: { outDir: out, emptyOutDir: true, sourcemap: false },
});
const files = readdirSync(out, { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile() && d.name.endsWith('.js'))
  .map((d) => {
    const buf = readFileSync(join(d.parentPath, d.name));
    return { file: join(d.parentPath, d.name).slice(out.length + 1), raw: buf.length, gzip: gz(buf) };
  })
  .sort((a, b) => b.gzip - a.gzip);
rmSync(out, { recursive: true, force: true });

// 2. What a page with the default engine loads: define.ts + lit + valibot, minified (Tencent SDKs stay
// external: they are loaded by a dynamic import only when engine: 'tencent' is chosen). `bundle` is one
// file (for the kit + Tencent engine + SDKs figure).
async function bundle(entry: string, external: string[], resolveDir: string) {
  const result = await esbuild(options(entry, resolveDir, external));
  const code = Buffer.concat(result.outputFiles.map((f) => Buffer.from(f.contents)));
  return { raw: code.length, gzip: gz(code) };
}
// The page as an app's bundler ships it (code splitting): what it loads, and the lazy engine chunks
// it does not (bench/page-weight.ts); `inlined` is the old one-file figure that counts them too.
const page = await pageWeight(`import ${JSON.stringify(join(root, 'src/define.ts'))};`, ['trtc-sdk-v5', '@tencentcloud/*'], root);
const ours = page.load;
// Issue 18's comparison, same run: the same page with every element registered up front
// (src/define-all.ts, as define.js did before the call UI was loaded on first use).
const eager = await pageWeight(`import ${JSON.stringify(join(root, 'src/define-all.ts'))};`, ['trtc-sdk-v5', '@tencentcloud/*'], root);
const GOALS = (JSON.parse(readFileSync(join(root, 'size-budgets.json'), 'utf8')) as { goal: Record<string, number> }).goal;
const oursTencent = await bundle(
  `import ${JSON.stringify(join(root, 'src/define.ts'))}; import ${JSON.stringify(join(root, 'src/engine/tencent/index.ts'))};`,
  [],
  root,
).catch(() => null);

// 3. The official Vue stack, installed into a scratch folder (never into this repository).
const scratch = process.env.BENCH_OFFICIAL_DIR ?? join(tmpdir(), 'ck-bench-official');
let official: { raw: number; gzip: number; source: string; version: string };
try {
  mkdirSync(scratch, { recursive: true });
  if (!existsSync(join(scratch, 'node_modules/@tencentcloud/call-uikit-vue/package.json'))) {
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'ck-bench-official', private: true }));
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        scratch,
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--loglevel=error',
        '@tencentcloud/call-uikit-vue',
        'vue',
      ],
      { stdio: 'inherit', timeout: 600_000 },
    );
  }
  const version = (
    JSON.parse(readFileSync(join(scratch, 'node_modules/@tencentcloud/call-uikit-vue/package.json'), 'utf8')) as { version: string }
  ).version;
  const b = await bundle(`export * from '@tencentcloud/call-uikit-vue';`, ['vue'], scratch);
  official = {
    ...b,
    source: `@tencentcloud/call-uikit-vue ${version}, installed into ${scratch} and bundled by this script (Vue external)`,
    version,
  };
} catch (error) {
  console.error(`bench:bundle: could not install or bundle the official stack in ${scratch}: ${(error as Error).message.split('\n')[0]}`);
  process.exit(1);
}

const rows: (string | number)[][] = [
  ...files.map((f) => [`dist/${f.file} (lit, valibot external)`, kb(f.raw), kb(f.gzip), '']),
  [
    `**a page with the kit + default engine** (define.ts + lit + valibot, minified, code splitting: the ${ours.files} files it loads)`,
    kb(ours.raw),
    kb(ours.gzip),
    `**${fmt(ours.gzip / official.gzip, 3)}** (1 : ${fmt(official.gzip / ours.gzip)})`,
  ],
  [
    `  goal (issue 18): what loads first ≤ ${kb(GOALS['page/initial']!)}`,
    '',
    ours.gzip <= GOALS['page/initial']! ? 'met' : `**not met** (+${kb(ours.gzip - GOALS['page/initial']!)})`,
    '',
  ],
  [
    `  the same page with every element up front (src/define-all.ts: the ${eager.load.files} files it loads)`,
    kb(eager.load.raw),
    kb(eager.load.gzip),
    `lazy / eager: ${fmt(ours.gzip / eager.load.gzip, 3)}`,
  ],
  [
    `  that page once every element was used (${page.ui.files} files: + the lazy chunks of the call UI, English)`,
    kb(page.ui.raw),
    kb(page.ui.gzip),
    page.ui.gzip <= GOALS['page/ui']!
      ? `goal ≤ ${kb(GOALS['page/ui']!)} met`
      : `goal ≤ ${kb(GOALS['page/ui']!)} **not met** (+${kb(page.ui.gzip - GOALS['page/ui']!)})`,
  ],
  ...page.lazy.map((c) => [
    `  not loaded by that page up front: lazy chunk ${c.file} (${c.from.length} of our modules)`,
    kb(c.raw),
    kb(c.gzip),
    '',
  ]),
  [
    'the same page in one file without splitting (lazy engines inlined; the figure printed before 2026-12-03)',
    kb(page.inlined.raw),
    kb(page.inlined.gzip),
    fmt(page.inlined.gzip / official.gzip, 3),
  ],
  ...(oursTencent
    ? [
        [
          'kit + Tencent engine + trtc-sdk-v5 + @tencentcloud/chat (minified)',
          kb(oursTencent.raw),
          kb(oursTencent.gzip),
          fmt(oursTencent.gzip / official.gzip, 3),
        ],
      ]
    : []),
  [`official Vue stack: ${official.source}`, kb(official.raw), kb(official.gzip), '1'],
  [
    'reference: official Vue stack per tuicallkit-web.md §1.2',
    kb(3_745_832),
    kb(REFERENCE_VUE_STACK_GZIP),
    fmt(REFERENCE_VUE_STACK_GZIP / official.gzip, 3),
  ],
];
const table = printTable('Bundle weight (gzip, default level)', ['what', 'raw', 'gzip', 'ratio to the official stack (gzip)'], rows);
// What loads first, per module (each module's minified text gzipped apart: the parts add up to a little more).
const breakdown = printTable(
  'What a page with the kit loads first, per module (gzip of each part alone)',
  ['module', 'minified', 'gzip'],
  page.modules.map((m) => [m.module, kb(m.raw), kb(m.gzip)]),
);
writeResult('bundle', { files, ours, page, eager: eager.load, oursTencent, official }, `${table}\n\n${breakdown}`);
