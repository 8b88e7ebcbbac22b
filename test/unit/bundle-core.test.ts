/**
 * Build check (issue 5): the core bundle (what a page downloads for `import { callKit } from
 * 'callkit-elements'` + `import 'callkit-elements/define.js'` with the default engine) holds no TRTC
 * code, no chat code and no secret-key / UserSig-generation code.
 *
 * The page is bundled as an app's bundler would (esbuild, everything bundled, code splitting). "Core"
 * is the entry chunks plus every chunk they import statically; chunks behind `import()` (the Tencent
 * engine, the SDKs it loads on first use) are downloaded only by pages that pick `engine: 'tencent'`.
 *
 * So that the check can fail, the markers (strings of the real packages in node_modules, not of our
 * code) are shown to be found: in the lazy chunks of the same build, and in a bundle of the Tencent
 * engine entry; the secret-key markers in a bundle of the dev-only `dev-usersig` entry.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildResult, type Metafile } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Strings of trtc-sdk-v5 5.x (its signaling hosts and doc host), absent from our sources. */
const TRTC_MARKERS = ['wss://trtc.rtc.qq.com', 'wss://webrtc.qq.com', 'web.sdk.qcloud.com'];
/** Strings of @tencentcloud/chat 3.x (its WebSocket and event-report hosts), absent from our sources. */
const CHAT_MARKERS = ['wss.im.qcloud.com', 'events.im.qcloud.com'];
/**
 * UserSig generation: the TLS v2 document fields, the helper's name, the HMAC key import. (Not the
 * word `secretKey`: the kit's init() guard refuses a `secretKey` param by name, and chat's upload
 * module has a COS `secretKey` field; bundle-secrets.test.ts (R20) checks those uses.)
 */
const SECRET_MARKERS: [string, RegExp][] = [
  ['TLS.sig field', /TLS\.sig\b/],
  ['TLS.identifier field', /TLS\.identifier/],
  ['genTestUserSig', /genTestUserSig/],
  ['an HMAC signing key import (Web Crypto)', /\{\s*name\s*:\s*["']HMAC["']/],
];
/** Source files that must not be in the core's static closure. */
const LAZY_SOURCES = [
  'src/engine/tencent/tencent-engine.ts',
  'src/engine/tencent/call-state.ts',
  'src/engine/tencent/chat-signaling.ts',
  'src/engine/tencent/trtc-media.ts',
  'src/engine/tencent/default-loaders.ts',
  'src/engine/tencent/dev-usersig.ts',
  'src/engine/tuicall/tuicall-engine.ts',
];
const SDK_PATHS = ['node_modules/trtc-sdk-v5/', 'node_modules/@tencentcloud/'];

interface Output {
  path: string;
  text: string;
  meta: Metafile['outputs'][string];
}

type Built = BuildResult<{ write: false; metafile: true }>;

/** A short excerpt around the first match (for failure messages; bundles are megabytes). */
function around(text: string, re: RegExp): string {
  const m = re.exec(text);
  return m ? `near "${text.slice(Math.max(0, m.index - 80), m.index + 80)}"` : '';
}

function outputsOf(result: Built): Map<string, Output> {
  const map = new Map<string, Output>();
  const outdir = join(root, 'out');
  for (const file of result.outputFiles) {
    if (!file.path.endsWith('.js')) continue;
    const rel = file.path.slice(outdir.length + 1);
    const key = Object.keys(result.metafile.outputs).find((k) => k.endsWith(rel));
    assert.ok(key, `metafile entry for ${rel}`);
    map.set(key, { path: key, text: file.text, meta: result.metafile.outputs[key] });
  }
  return map;
}

/** The outputs reachable from `entries` through static imports only. */
function staticClosure(outputs: Map<string, Output>, entries: string[]): Output[] {
  const seen = new Set<string>();
  const queue = [...outputs.values()].filter((o) => o.meta.entryPoint && entries.includes(o.meta.entryPoint)).map((o) => o.path);
  assert.equal(queue.length, entries.length, `entry chunks for ${entries.join(', ')}`);
  while (queue.length) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const imp of outputs.get(path)?.meta.imports ?? []) {
      if (imp.kind === 'import-statement' && !imp.external) queue.push(imp.path);
    }
  }
  return [...seen].map((p) => outputs.get(p)!);
}

/** What the core must not hold: Tencent engine / SDK / UserSig sources and markers. [] = clean. */
function violations(chunks: Output[]): string[] {
  const found: string[] = [];
  const inputs = chunks.flatMap((o) => Object.keys(o.meta.inputs));
  for (const path of [...LAZY_SOURCES, ...SDK_PATHS]) {
    for (const i of inputs.filter((x) => x.includes(path))) found.push(`source ${i}`);
  }
  for (const o of chunks) {
    for (const m of [...TRTC_MARKERS, ...CHAT_MARKERS]) if (o.text.includes(m)) found.push(`${o.path}: SDK marker ${m}`);
    for (const [what, re] of SECRET_MARKERS) if (re.test(o.text)) found.push(`${o.path}: ${what} ${around(o.text, re)}`);
  }
  return found;
}

/** Bundles a page whose entry module is `contents` (resolved from the repository root). */
function bundlePage(contents: string): Promise<Built> {
  return build({
    absWorkingDir: root,
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'page.ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    outdir: 'out',
    logLevel: 'silent',
    tsconfig: 'tsconfig.json',
  });
}

function bundle(entryPoints: string[], splitting: boolean): Promise<Built> {
  return build({
    absWorkingDir: root,
    entryPoints,
    bundle: true,
    splitting,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    outdir: 'out',
    logLevel: 'silent',
    tsconfig: 'tsconfig.json',
  });
}

describe('core bundle: no TRTC, no chat, no secret-key code', () => {
  const CORE = ['src/index.ts', 'src/define.ts'];
  let all: Map<string, Output>;
  let core: Output[];
  let lazy: Output[];

  before(async () => {
    all = outputsOf(await bundle(CORE, true));
    core = staticClosure(all, CORE);
    const inCore = new Set(core.map((o) => o.path));
    lazy = [...all.values()].filter((o) => !inCore.has(o.path));
  });

  it('the markers are strings of the real SDK packages, not of our sources', () => {
    const trtc = readFileSync(join(root, 'node_modules/trtc-sdk-v5/trtc.js'), 'utf8');
    const chat = readFileSync(join(root, 'node_modules/@tencentcloud/chat/index.js'), 'utf8');
    for (const m of TRTC_MARKERS) assert.ok(trtc.includes(m), `trtc-sdk-v5 holds ${m}`);
    for (const m of CHAT_MARKERS) assert.ok(chat.includes(m), `@tencentcloud/chat holds ${m}`);
    // ...and none of our own files (so a marker found in a bundle is the SDK's code).
    const ourFiles = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    assert.ok(ourFiles.length > 20, 'src files listed');
    for (const f of ourFiles) {
      const text = readFileSync(join(root, 'src', f), 'utf8');
      for (const m of [...TRTC_MARKERS, ...CHAT_MARKERS]) assert.ok(!text.includes(m), `src/${f} mentions ${m}`);
    }
  });

  it('the static closure of index + define holds no Tencent engine, SDK or UserSig code', () => {
    const inputs = core.flatMap((o) => Object.keys(o.meta.inputs));
    assert.ok(
      inputs.some((i) => i.endsWith('src/engine/webrtc/webrtc-engine.ts')),
      'the default engine is in the core',
    );
    assert.ok(
      inputs.some((i) => i.endsWith('src/define.ts')),
      'the elements are in the core',
    );
    assert.deepEqual(violations(core), []);
    const bytes = core.reduce((n, o) => n + Buffer.byteLength(o.text), 0);
    console.log(`core static closure: ${core.length} chunk(s), ${(bytes / 1024).toFixed(1)} KiB minified (lit and valibot included)`);
  });

  it('positive control: the same build reaches the Tencent engine and both SDKs only through import()', () => {
    const lazyInputs = lazy.flatMap((o) => Object.keys(o.meta.inputs));
    assert.ok(
      lazyInputs.some((i) => i.endsWith('src/engine/tencent/tencent-engine.ts')),
      'the Tencent engine is a lazy chunk',
    );
    assert.ok(
      lazyInputs.some((i) => i.endsWith('src/engine/tuicall/tuicall-engine.ts')),
      'the tuicall engine is a lazy chunk',
    );
    assert.equal(
      core.flatMap((o) => Object.keys(o.meta.inputs)).some((i) => i.includes('src/engine/tuicall/')),
      false,
      'no tuicall code in the core',
    );
    assert.ok(
      lazyInputs.some((i) => i.includes('node_modules/trtc-sdk-v5/')),
      'TRTC is a lazy chunk',
    );
    assert.ok(
      lazyInputs.some((i) => i.includes('node_modules/@tencentcloud/chat/')),
      'chat is a lazy chunk',
    );
    const lazyText = lazy.map((o) => o.text).join('\n');
    for (const m of [...TRTC_MARKERS, ...CHAT_MARKERS]) assert.ok(lazyText.includes(m), `lazy chunks hold ${m}`);
    // The core holds the import() that leads there.
    assert.ok(
      core.some((o) => o.meta.imports.some((imp) => imp.kind === 'dynamic-import')),
      'the core loads the Tencent engine with import()',
    );
  });

  it('the check fails when a page pulls the engine, an SDK or the dev helper in statically', async () => {
    const page = async (extra: string): Promise<string[]> => {
      const outputs = outputsOf(await bundlePage(`export * from './src/index.ts'; import './src/define.ts'; ${extra}`));
      return violations(staticClosure(outputs, ['page.ts']));
    };
    assert.deepEqual(await page(''), [], 'the same page without extras is clean');
    const engine = await page("export { TencentEngine } from './src/engine/tencent/index.ts';");
    assert.ok(
      engine.some((v) => v.includes('tencent-engine.ts')),
      `static engine import caught: ${engine.join('; ')}`,
    );
    const trtc = await page("import TRTC from 'trtc-sdk-v5'; console.log(TRTC);");
    assert.ok(
      trtc.some((v) => v.includes('trtc-sdk-v5')) && trtc.some((v) => v.includes('wss://trtc.rtc.qq.com')),
      `static TRTC caught: ${trtc.length}`,
    );
    const chat = await page("import Chat from '@tencentcloud/chat'; console.log(Chat);");
    assert.ok(
      chat.some((v) => v.includes('wss.im.qcloud.com')),
      `static chat caught: ${chat.length}`,
    );
    const dev = await page("export { genTestUserSig } from './src/engine/tencent/dev-usersig.ts';");
    assert.ok(dev.some((v) => v.includes('TLS.sig')) && dev.some((v) => v.includes('dev-usersig.ts')), `dev helper caught: ${dev.length}`);
  });

  it('no chunk at all, lazy ones included, holds UserSig-generation code: dev-usersig is its own entry', () => {
    for (const o of all.values()) {
      for (const [what, re] of SECRET_MARKERS) assert.ok(!re.test(o.text), `${o.path}: ${what} ${around(o.text, re)}`);
      assert.ok(!Object.keys(o.meta.inputs).some((i) => i.endsWith('dev-usersig.ts')), `${o.path} includes dev-usersig.ts`);
    }
  });

  it('positive control: a bundle of the Tencent engine entry holds TRTC and chat code; a bundle of dev-usersig holds the secret-key code', async () => {
    const tencent = [...outputsOf(await bundle(['src/engine/tencent/index.ts'], false)).values()];
    assert.equal(tencent.length, 1, 'one file without splitting');
    for (const m of [...TRTC_MARKERS, ...CHAT_MARKERS]) assert.ok(tencent[0].text.includes(m), `Tencent engine bundle holds ${m}`);
    for (const [what, re] of SECRET_MARKERS)
      assert.ok(!re.test(tencent[0].text), `the Tencent engine entry holds no ${what} ${around(tencent[0].text, re)}`);

    const dev = [...outputsOf(await bundle(['src/engine/tencent/dev-usersig.ts'], false)).values()];
    for (const [what, re] of SECRET_MARKERS) assert.ok(re.test(dev[0].text), `dev-usersig bundle holds ${what}`);
  });
});
