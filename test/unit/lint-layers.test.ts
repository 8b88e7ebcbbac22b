/**
 * The layering rules of eslint.config.js fire: each snippet below is linted as if it were a file in
 * the named folder (ESLint's Node API, nothing written to disk) and must get the error, and the
 * allowed imports next to them must not. The rules themselves: `layer(...)` in eslint.config.js.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The rules that fired for `code` linted as `filePath` (relative to the project root). */
async function rulesFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  return result!.messages.map((m) => m.ruleId ?? m.message).filter((r) => r !== '@typescript-eslint/no-unused-vars');
}

const LAYER = '@typescript-eslint/no-restricted-imports';

const violations: [file: string, code: string][] = [
  ['src/store/fake.ts', "import { html } from 'lit';"],
  ['src/store/fake.ts', "import { createContext } from '@lit/context';"],
  ['src/store/fake.ts', "import { callKit } from '../kit/call-kit-api.js';"],
  ['src/store/fake.ts', "import { WebRTCEngine } from '../engine/webrtc/index.js';"],
  ['src/kit/fake.ts', "import { property } from 'lit/decorators.js';"],
  ['src/kit/fake.ts', "import { CallView } from '../../components/call-view/call-view.js';"],
  ['src/kit/fake.ts', "import { StoreController } from '../elements/store-controller.js';"],
  ['src/engine/webrtc/fake.ts', "import { CallStore } from '../../store/store.js';"],
  ['src/engine/fake.ts', "import { callKit } from '../kit/call-kit-api.js';"],
  ['src/protocol/fake.ts', "import { WebRTCEngine } from '../engine/webrtc/index.js';"],
  ['src/i18n/fake.ts', "import { LitElement } from 'lit';"],
  ['src/util/fake.ts', "import { CallStore } from '../store/store.js';"],
  ['components/fake/fake.ts', "import { WebRTCEngine } from '../../src/engine/webrtc/index.js';"],
  ['components/fake/fake.ts', "import { MAX_CONCURRENT_INCOMING } from '../../src/protocol/messages.js';"],
];

for (const [file, code] of violations) {
  test(`${file}: \`${code}\` is a layering error`, async () => {
    assert.deepEqual(await rulesFor(file, code), [LAYER]);
  });
}

const allowed: [file: string, code: string][] = [
  ['src/elements/fake.ts', "import { html } from 'lit';\nimport type { CallState } from '../store/types.js';"],
  ['src/kit/fake.ts', "import { CallStore } from '../store/store.js';\nimport { WebRTCEngine } from '../engine/webrtc/index.js';"],
  ['src/store/fake.ts', "import type { DeviceInfo } from '../engine/types.js';"],
  [
    'components/fake/fake.ts',
    "import type { DeviceInfo } from '../../src/engine/types.js';\nimport { StoreElement } from '../../src/elements/store-element.js';",
  ],
];

for (const [file, code] of allowed) {
  test(`${file}: \`${code.replace(/\n/g, ' ')}\` is allowed`, async () => {
    assert.deepEqual(await rulesFor(file, code), []);
  });
}

test('a module imported twice is an error (type and value imports may be separate)', async () => {
  const twice =
    "import { CallRole } from '../constants.js';\nimport { CallStatus } from '../constants.js';\nexport { CallRole, CallStatus };";
  assert.deepEqual(await rulesFor('src/kit/fake.ts', twice), ['no-duplicate-imports']);
  const separate =
    "import { CallRole } from '../constants.js';\nimport type { CallStatus } from '../constants.js';\nexport { CallRole, type CallStatus };";
  assert.deepEqual(await rulesFor('src/kit/fake.ts', separate), []);
});
