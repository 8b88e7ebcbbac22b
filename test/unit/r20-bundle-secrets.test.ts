/**
 * R20 (reliability.md §5.1): the built browser bundles carry no secret-key code. Builds the library
 * entries exactly as `npm run build` does (vite.config.ts), into a scratch folder, and scans every
 * emitted file. The server side of R20 (a short secret refused outside dev mode, the CLI exiting 1)
 * is covered in server.test.ts ("refuses a bad config", "callkit-server CLI").
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Patterns that must not appear in code shipped to browsers. */
const FORBIDDEN: [string, RegExp][] = [
  ['genTestUserSig / GenerateTestUserSig', /gen(erate)?TestUserSig/i],
  ['lib-generate-test-usersig', /lib-generate-test-usersig/i],
  ['a PEM key', /-----BEGIN/],
  ['HMAC signing', /\bHMAC\b|createHmac|subtle\.sign\s*\(/],
  ['TLS.sig minting', /TLS\.sig/],
  ['a long hex string (a key?)', /\b[0-9a-f]{40,}\b/i],
];

/** `secretKey` may appear only in the guard that refuses it (`'secretKey' in params`). */
function secretKeyUses(code: string): string[] {
  const hits: string[] = [];
  const re = /secret_?key/gi;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const around = code.slice(Math.max(0, m.index - 1), m.index + m[0].length + 6);
    if (!/^["']secret_?key["']\s*in\b/i.test(around)) hits.push(code.slice(Math.max(0, m.index - 60), m.index + 60));
  }
  return hits;
}

describe('R20: secure defaults of the build', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'ck-r20-'));
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('the built browser bundles hold no secret-key code', async () => {
    await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true, sourcemap: false } });
    const files = readdirSync(outDir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && /\.(m?js|css|html)$/.test(d.name))
      .map((d) => join(d.parentPath, d.name));
    assert.ok(files.some((f) => f.endsWith('callkit-elements.js')), `entries built: ${files.join(', ')}`);
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      for (const [what, re] of FORBIDDEN) assert.doesNotMatch(code, re, `${file}: ${what}`);
      assert.deepEqual(secretKeyUses(code), [], `${file}: secretKey outside the refusing guard`);
    }
    // Positive control: the scanner finds the dev-only helper's code when it is fed it.
    const dev = readFileSync(join(root, 'src/engine/tencent/dev-usersig.ts'), 'utf8');
    assert.ok(FORBIDDEN.some(([, re]) => re.test(dev)) && secretKeyUses(dev).length > 0);
  });
});
