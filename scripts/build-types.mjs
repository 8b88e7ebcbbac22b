#!/usr/bin/env node
/**
 * Declarations for the package (part of `npm run build`): `tsc -p tsconfig.build.json` writes
 * dist/types/{src,components}/**.d.ts; the generated framework types (types/vue.d.ts, types/jsx.d.ts)
 * are copied beside them (their relative imports then resolve the same way), and each element entry
 * gets dist/elements/<tag>.d.ts.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

mkdirSync(join(dist, 'types/types'), { recursive: true });
for (const file of readdirSync(join(root, 'types')).filter((f) => f.endsWith('.d.ts'))) {
  copyFileSync(join(root, 'types', file), join(dist, 'types/types', file));
}

const defineSource = readFileSync(join(root, 'src/define.ts'), 'utf8');
const elements = [...defineSource.matchAll(/^define\('([a-z][a-z0-9-]*)',\s*(\w+)\)/gm)].map((m) => ({ tag: m[1], cls: m[2] }));
mkdirSync(join(dist, 'elements'), { recursive: true });
for (const { tag, cls } of elements) {
  writeFileSync(
    join(dist, 'elements', `${tag}.d.ts`),
    `/** Registers <${tag}> (and the kit elements it renders) and exports its class. */\nimport '../types/src/define.js';\nexport { ${cls} } from '../types/components/${tag}/${tag}.js';\n`,
  );
}
console.log(`build-types: dist/types, ${elements.length} element entries`);
