#!/usr/bin/env node
/**
 * Declarations for the package (part of `npm run build`): `tsc -p tsconfig.build.json` writes
 * dist/types/{src,components}/**.d.ts; the generated framework types (types/vue.d.ts, types/jsx.d.ts)
 * are copied beside them (their relative imports then resolve the same way), and each element entry
 * gets dist/elements/<tag>.d.ts.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});

mkdirSync(join(dist, 'types/types'), { recursive: true });
for (const file of readdirSync(join(root, 'types')).filter((f) => f.endsWith('.d.ts'))) {
  copyFileSync(join(root, 'types', file), join(dist, 'types/types', file));
}

/** @type {{ ELEMENT_TAGS: readonly { tag: string; className: string; file: string }[] }} */
const { ELEMENT_TAGS: elements } = await tsImport('../src/element-tags.ts', import.meta.url);
mkdirSync(join(dist, 'elements'), { recursive: true });
for (const { tag, className, file } of elements) {
  writeFileSync(
    join(dist, 'elements', `${tag}.d.ts`),
    `/** Registers <${tag}> (and the kit elements it renders) and exports its class. */\nimport '../types/src/define.js';\nexport { ${className} } from '../types/${file.replace(/\.ts$/, '.js')}';\n`,
  );
}
console.log(`build-types: dist/types, ${elements.length} element entries`);
