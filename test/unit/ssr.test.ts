/** SSR safety: every entry point imports in plain Node (no DOM) without throwing or touching the DOM. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entries = [
  'src/index.ts',
  'src/define.ts',
  'src/elements/index.ts',
  'src/i18n/index.ts',
  'src/engine/tencent/index.ts',
  'src/engine/tencent/dev-usersig.ts',
  'src/engine/simulated/simulated-engine.ts',
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
