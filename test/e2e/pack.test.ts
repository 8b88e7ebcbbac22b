/**
 * The package as users get it: `npm run build` + `npm pack`, every `exports` target present in the
 * tarball, then a scratch app under os.tmpdir() installs the tarball (npm, from the cache when it can)
 * and: type-checks a TSX file against the installed types (React wrappers, Vue and JSX types, with
 * `@ts-expect-error` lines proving the types are not `any`), imports every export in plain Node (SSR),
 * builds with Vite an app importing the core, define.js, an element entry, react and the Tencent
 * entry, and runs the built app in Chromium (React renders a registered, upgraded <call-kit>).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, preview } from 'vite';
import { ELEMENT_TAGS } from '../../src/element-tags.js';
import { launchBrowser } from './harness.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, string | Record<string, string>>;
  scripts: Record<string, string>;
  sideEffects: string[];
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const installedVersion = (name: string) =>
  (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const tags = ELEMENT_TAGS.map((e) => e.tag);

describe('npm pack: the package installs and builds in a scratch app', { timeout: 900_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'ck-pack-'));
  const app = join(work, 'app');
  let tarball = '';
  let files: string[] = [];

  before(async () => {
    await run('npm', ['run', 'build'], { cwd: root, maxBuffer: 64 << 20 });
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: root,
      maxBuffer: 64 << 20,
    });
    const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, info.filename);
    files = info.files.map((f) => f.path);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('declares exports (types first), dependencies, optional peers, sideEffects and a prepack build', () => {
    for (const [key, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'object' && 'default' in target) assert.equal(Object.keys(target)[0], 'types', `${key}: "types" comes first`);
    }
    for (const key of [
      '.',
      './define.js',
      './elements/*.js',
      './react',
      './tencent',
      './tencent/dev-usersig',
      './themes/*.css',
      './custom-elements.json',
    ]) {
      assert.ok(key in pkg.exports, `exports has ${key}`);
    }
    assert.ok(pkg.dependencies.lit && pkg.dependencies['@lit/context'] && pkg.dependencies['@lit/react']);
    for (const peer of ['trtc-sdk-v5', '@tencentcloud/chat', 'react']) {
      assert.ok(pkg.peerDependencies[peer] && pkg.peerDependenciesMeta[peer]?.optional, `${peer} is an optional peer`);
    }
    assert.ok(pkg.sideEffects.includes('./dist/define.js') && pkg.sideEffects.includes('./dist/elements/*.js'));
    assert.match(pkg.scripts.prepack, /npm run build/);
  });

  it('every exports target is in the tarball, and nothing from src/ or tests', () => {
    const has = (p: string) => files.includes(p.replace(/^\.\//, ''));
    const missing: string[] = [];
    for (const target of Object.values(pkg.exports)) {
      for (const path of typeof target === 'string' ? [target] : Object.values(target)) {
        if (path.includes('*.css')) {
          if (!files.some((f) => f.startsWith('themes/') && f.endsWith('.css'))) missing.push(path);
        } else if (path.includes('*')) {
          for (const tag of tags) if (!has(path.replace('*', tag))) missing.push(path.replace('*', tag));
        } else if (!has(path)) missing.push(path);
      }
    }
    assert.deepEqual(missing, [], `missing from ${tarball}`);
    assert.ok(files.includes('dist/server/cli.js') && files.includes('bin/callkit-server.mjs'), 'the server CLI ships');
    assert.deepEqual(
      files.filter((f) => /^(src|components|test|stories|examples|demo)\//.test(f) || f.endsWith('.map')),
      [],
    );
  });

  it('installs into a scratch app, type-checks, imports in plain Node, builds with Vite and runs', async () => {
    mkdirSync(join(app, 'src'), { recursive: true });
    const deps = ['react', 'react-dom', 'vue', '@types/react', '@types/react-dom', 'trtc-sdk-v5', '@tencentcloud/chat'];
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify(
        {
          name: 'ck-scratch-app',
          private: true,
          type: 'module',
          dependencies: { 'callkit-elements': `file:${tarball}`, ...Object.fromEntries(deps.map((d) => [d, installedVersion(d)])) },
        },
        null,
        2,
      ),
    );
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
      cwd: app,
      maxBuffer: 64 << 20,
    });

    // 1. Types, from the installed package only.
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'bundler',
          jsx: 'react-jsx',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          lib: ['ES2022', 'DOM', 'DOM.Iterable'],
          types: [],
        },
        include: ['src'],
      }),
    );
    writeFileSync(
      join(app, 'src/main.tsx'),
      `import { callKit, CallStatus, CallKitError, ErrorCode, type StatusChangedDetail } from 'callkit-elements';
import 'callkit-elements/define.js';
import { CallView } from 'callkit-elements/elements/call-view.js';
import { CallKit } from 'callkit-elements/react';
import type {} from 'callkit-elements/jsx';
import { createRoot } from 'react-dom/client';
import 'callkit-elements/themes/dark.css';

const statuses: string[] = [];
const onStatus = (e: CustomEvent<StatusChangedDetail>) => statuses.push(e.detail.newStatus);
function App() {
  return (
    <main>
      <CallKit id="wrapped" theme="dark" onCkStatusChanged={(e) => onStatus(e)} onCkCallEnded={(e) => statuses.push(String(e.detail.totalTime))} />
      <call-view id="raw" layout-mode="local"></call-view>
    </main>
  );
}
// @ts-expect-error: 'blue' is not a theme (the wrapper's props are typed, not any)
export const wrong = <CallKit theme="blue" />;
// @ts-expect-error: the event detail is typed
export const wrongDetail = (e: CustomEvent<StatusChangedDetail>) => e.detail.notAField;

declare global {
  interface Window { result: Record<string, unknown> }
}
createRoot(document.getElementById('root')!).render(<App />);
const check = async () => {
  const { TencentEngine } = await import('callkit-elements/tencent');
  const wrapped = document.getElementById('wrapped');
  window.result = {
    callKitDefined: customElements.get('call-kit') !== undefined,
    callViewIsEntryClass: customElements.get('call-view') === CallView,
    wrappedUpgraded: wrapped instanceof (customElements.get('call-kit') ?? Object) && wrapped?.shadowRoot !== null,
    status: callKit.store.getState().status === CallStatus.IDLE,
    errorClass: new CallKitError(ErrorCode.INVALID_PARAMETER, 'x') instanceof Error,
    tencent: typeof TencentEngine,
  };
};
requestAnimationFrame(() => void check());
`,
    );
    // (As vite/client does in a Vite app: CSS imports are modules.)
    writeFileSync(join(app, 'src/env.d.ts'), "declare module '*.css';\n");
    writeFileSync(
      join(app, 'src/vue-types.ts'),
      `import type { GlobalComponents } from 'vue';
import type {} from 'callkit-elements/vue';
import type { KitEventMap } from 'callkit-elements';
type KitProps = GlobalComponents['call-kit'] extends new (...args: never[]) => { $props: infer P } ? P : never;
export const props: KitProps = { theme: 'dark', onCkStatusChanged: (e: KitEventMap['ck-status-changed']) => void e.detail.newStatus };
// @ts-expect-error: not a theme
export const bad: KitProps = { theme: 'blue' };
// @ts-expect-error: 'notAnElement' is not a kit element entry (this file is type-checked, not bundled)
export const wrongEntry = () => import('callkit-elements/elements/notAnElement.js');
`,
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const typecheck = await run(process.execPath, [tsc, '-p', join(app, 'tsconfig.json')], { cwd: app }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    assert.equal(typecheck, '', 'the scratch app type-checks against the installed package');

    // 2. SSR: every export imports in plain Node.
    const specifiers = Object.keys(pkg.exports)
      .filter((k) => !k.endsWith('.css') && !['./vue', './jsx', './package.json'].includes(k))
      .flatMap((k) => (k.includes('*') ? tags.map((t) => k.replace('*', t)) : [k]))
      .map((k) => `callkit-elements${k.slice(1)}`);
    const ssr = `for (const s of ${JSON.stringify(specifiers)}) await import(s, s.endsWith('.json') ? { with: { type: 'json' } } : undefined);
      if (typeof window !== 'undefined' || typeof document !== 'undefined') throw new Error('a DOM global appeared');
      console.log('imported ' + ${specifiers.length});`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', ssr], { cwd: app });
    assert.match(stdout, new RegExp(`imported ${specifiers.length}`));
    assert.ok(specifiers.includes('callkit-elements/tencent/dev-usersig') && specifiers.includes('callkit-elements/elements/call-kit.js'));

    // 3. Vite build of the app, then run it.
    writeFileSync(
      join(app, 'index.html'),
      '<!doctype html><html><body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body></html>',
    );
    await build({
      root: app,
      configFile: false,
      logLevel: 'silent',
      oxc: { jsx: { runtime: 'automatic' } },
      build: { outDir: join(app, 'dist'), chunkSizeWarningLimit: 4000 },
    });
    const assets = readdirSync(join(app, 'dist/assets'));
    assert.ok(assets.filter((f) => f.endsWith('.js')).length >= 2, `the Tencent entry is a lazy chunk: ${assets.join(', ')}`);
    const server = await preview({
      root: app,
      configFile: false,
      logLevel: 'silent',
      build: { outDir: join(app, 'dist') },
      preview: { port: 0, host: '127.0.0.1' },
    });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const address = server.httpServer.address();
      assert.ok(address && typeof address === 'object');
      await page.goto(`http://127.0.0.1:${address.port}/`);
      await page.waitForFunction('window.result !== undefined', null, { timeout: 30_000 });
      const result = await page.evaluate('window.result');
      assert.deepEqual(result, {
        callKitDefined: true,
        callViewIsEntryClass: true,
        wrappedUpgraded: true,
        status: true,
        errorClass: true,
        tencent: 'function',
      });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    }
  });
});
