/** SSR safety: every entry point imports in plain Node (no DOM) without throwing or touching the DOM. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ELEMENT_TAGS } from '../../src/element-tags.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entries = [
  'src/index.ts',
  'src/define.ts',
  'src/i18n/index.ts',
  'src/engine/tencent/index.ts',
  'src/engine/tencent/dev-usersig.ts',
  'src/engine/simulated/simulated-engine.ts',
  // Entries of the package's `exports` (package.json; the built files are imported in Node by test/e2e/pack.test.ts).
  'src/react/index.ts',
  ...ELEMENT_TAGS.map((e) => e.file),
];

for (const entry of entries) {
  test(`${entry} imports in plain Node`, () => {
    // A fresh process per entry, so one import cannot hide another's side effects.
    const script = `
      await import(${JSON.stringify(`${root}/${entry}`)});
      if (typeof document !== 'undefined' || typeof window !== 'undefined') throw new Error('a DOM global appeared');
      // (lit's Node build installs its own customElements shim for SSR; define.js may register there.)
      console.log('ok');
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    assert.match(out, /ok/);
  });
}

const run = (script: string) =>
  execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }).trim();

test('define.js (and the React entry, which imports it) does nothing without customElements', () => {
  // lit's Node build installs a customElements shim with `??=`: pin the global to undefined first.
  const without = run(`
    Object.defineProperty(globalThis, 'customElements', { get: () => undefined, set: () => {}, configurable: false });
    await import(${JSON.stringify(`${root}/src/define.ts`)});
    await import(${JSON.stringify(`${root}/src/react/index.ts`)});
    console.log(String(globalThis.customElements));
  `);
  assert.equal(without, 'undefined');
  // Control: where a registry exists (lit's SSR shim), the same import registers the tags a page needs
  // first; the call view and its parts register on first use, or all at once with loadAllElements().
  const withShim = run(`
    const { loadAllElements } = await import(${JSON.stringify(`${root}/src/define.ts`)});
    const tags = ['call-kit', 'incoming-banner', 'call-view', 'participant-tile', 'call-history'];
    const defined = () => tags.map((t) => typeof customElements.get(t)).join(',');
    const before = defined();
    await loadAllElements();
    console.log(before + ' / ' + defined());
  `);
  assert.equal(withShim, 'function,function,undefined,undefined,undefined / function,function,function,function,function');
});

test('loadLocale: the languages other than English load on first use, in plain Node too', () => {
  const out = run(`
    const { translate, loadLocale, registerLocale } = await import(${JSON.stringify(`${root}/src/i18n/index.ts`)});
    registerLocale('zh-cn', { hangup: 'APP' }); // the app's override stays over the kit's texts
    const before = [translate('zh-cn', 'reconnect-retry'), translate('ja-JP', 'reconnect-retry')].join(',');
    await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);
    console.log(before + ' / ' + [translate('zh-cn', 'reconnect-retry'), translate('ja-JP', 'reconnect-retry'), translate('zh-cn', 'hangup')].join(','));
  `);
  assert.equal(out, 'Try again,Try again / 重试,再試行,APP');
});
