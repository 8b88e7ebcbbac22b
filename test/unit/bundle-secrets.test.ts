/**
 * R20 (reliability.md §5.1): the built browser bundles carry no secret-key code, and the server
 * refuses an unsafe config outside dev mode. Builds the library entries exactly as `npm run build`
 * does (vite.config.ts: the default engine and the lazily loaded Tencent engine chunk), into a
 * scratch folder, and scans every emitted file. Server: no or short secret refused (API and CLI),
 * `maxPayload` set explicitly to 64 KiB (ws' default is 100 MiB), the missing Origin allow-list and
 * dev mode both logged as warnings.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { createSignalingServer, startSignalingServer, MIN_SECRET_BYTES } from '../../server/index.js';
import { parseCli } from '../../server/cli.js';
import { MAX_FRAME_BYTES } from '../../src/protocol/messages.js';
import { TestClient, TEST_SDK_APP_ID, recordingLogger, waitUntil } from '../helpers/ws-client.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Patterns that must not appear in code shipped to browsers. */
const FORBIDDEN: [string, RegExp][] = [
  ['genTestUserSig / GenerateTestUserSig', /gen(erate)?TestUserSig/i],
  ['lib-generate-test-usersig', /lib-generate-test-usersig/i],
  ['a PEM key', /-----BEGIN/],
  ['HMAC signing', /\bHMAC\b|createHmac|subtle\.sign\s*\(/],
  ['TLS.sig minting', /TLS\.sig/],
  ['a long hex string (a key?)', /\b[0-9a-f]{40,}\b/i],
  ['a long base64 string in a literal (a key or a signature?)', /["'`][A-Za-z0-9+/_-]{60,}={0,2}["'`]/],
];

/**
 * The base64 alphabet itself (a decoder's table, e.g. in MediaPipe's code inside the lazy background
 * worker) is not a key: it is taken out before the scan. Only that exact run, in order, is.
 */
const BASE64_ALPHABET = /["'`]ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789[+/_.=-]{0,3}["'`]/g;
const scannable = (code: string) => code.replace(BASE64_ALPHABET, '""');

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
    await build({
      root,
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
    const files = readdirSync(outDir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && /\.(m?js|css|html)$/.test(d.name))
      .map((d) => join(d.parentPath, d.name));
    assert.ok(
      files.some((f) => f.endsWith('callkit-elements.js')),
      `entries built: ${files.join(', ')}`,
    );
    for (const file of files) {
      const code = scannable(readFileSync(file, 'utf8'));
      for (const [what, re] of FORBIDDEN) assert.doesNotMatch(code, re, `${file}: ${what}`);
      assert.deepEqual(secretKeyUses(code), [], `${file}: secretKey outside the refusing guard`);
    }
    // Positive controls: the scanner finds the dev-only helper's code when it is fed it, and each
    // pattern matches what it is meant to catch.
    const dev = readFileSync(join(root, 'src/engine/tencent/dev-usersig.ts'), 'utf8');
    assert.ok(FORBIDDEN.some(([, re]) => re.test(dev)) && secretKeyUses(dev).length > 0);
    const samples = [
      'GenerateTestUserSig(',
      'lib-generate-test-usersig',
      '-----BEGIN PRIVATE KEY',
      'createHmac(',
      "'TLS.sig'",
      'a'.repeat(40).replace(/a/g, 'f'),
      `"${'QUJD'.repeat(16)}=="`,
    ];
    FORBIDDEN.forEach(([what, re], i) => assert.match(samples[i], re, `positive control for ${what}`));
    // Only the alphabet in order is taken out; a key-like literal beside it is still caught.
    const table = '"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="';
    assert.doesNotMatch(scannable(`const t=${table};`), FORBIDDEN[6][1]);
    assert.match(scannable(`const t=${table},k="${'QUJD'.repeat(16)}==";`), FORBIDDEN[6][1]);
    assert.deepEqual(secretKeyUses("if ('secretKey' in params) throw"), []);
    assert.equal(secretKeyUses('const SECRETKEY = "x"').length, 1);
  });

  it('the server refuses a missing or short secret outside dev mode (API and CLI)', async () => {
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const base = { sdkAppId: TEST_SDK_APP_ID, logger: quiet };
    assert.throws(() => createSignalingServer({ ...base, secret: '' }), /secret/);
    assert.throws(() => createSignalingServer({ ...base } as unknown as Parameters<typeof createSignalingServer>[0]), /secret/);
    assert.throws(
      () => createSignalingServer({ ...base, secret: 'x'.repeat(MIN_SECRET_BYTES - 1) }),
      new RegExp(`at least ${MIN_SECRET_BYTES}`),
    );
    // Bytes, not characters: 16 two-byte characters are 32 bytes.
    assert.equal(MIN_SECRET_BYTES, 32);
    await createSignalingServer({ ...base, secret: 'é'.repeat(16), allowedOrigins: ['*'] }).close();
    await createSignalingServer({ ...base, secret: 'x'.repeat(MIN_SECRET_BYTES), allowedOrigins: ['*'] }).close();
    assert.throws(() => parseCli(['--port', '0'], {}), /secret is required/);
    assert.throws(() => parseCli(['--port', '0'], { CALLKIT_SECRET: 'x'.repeat(MIN_SECRET_BYTES - 1) }), /at least 32/);
    // Dev mode allows it, loudly.
    const logger = recordingLogger();
    const dev = createSignalingServer({ sdkAppId: TEST_SDK_APP_ID, secret: 'short', dev: true, logger });
    const warnings = logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg);
    assert.ok(
      warnings.some((w) => /never enable dev mode in production/.test(w)),
      JSON.stringify(warnings),
    );
    assert.ok(
      warnings.some((w) => /only 5 bytes/.test(w)),
      JSON.stringify(warnings),
    );
    await dev.close();
  });

  it('outside dev mode an Origin allow-list is required (API and CLI); dev mode warns on every connection', async () => {
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const secret = 'r20-secret-of-at-least-thirty-two-bytes-0123456789';
    assert.throws(
      () => createSignalingServer({ secret, sdkAppId: TEST_SDK_APP_ID, logger: quiet }),
      /allowedOrigins is required outside dev mode/,
    );
    assert.throws(() => parseCli(['--port', '0'], { CALLKIT_SECRET: secret }), /--allowed-origins is required/);
    assert.throws(() => parseCli(['--port', '0', '--allowed-origins', ' , '], { CALLKIT_SECRET: secret }), /lists no origin/);
    await createSignalingServer({ secret, sdkAppId: TEST_SDK_APP_ID, logger: quiet, allowedOrigins: ['https://app.example'] }).close();
    // '*' is allowed as a deliberate choice, and said so.
    const starLog = recordingLogger();
    await createSignalingServer({ secret, sdkAppId: TEST_SDK_APP_ID, logger: starLog, allowedOrigins: ['*'] }).close();
    assert.ok(
      starLog.lines.some((l) => l.level === 'warn' && /any web page may open/.test(l.msg)),
      JSON.stringify(starLog.lines),
    );
    // Dev mode: no allow-list needed, and a warning for each socket.
    const devLog = recordingLogger();
    const dev = await startSignalingServer({ port: 0, secret: 'short', sdkAppId: TEST_SDK_APP_ID, dev: true, logger: devLog });
    try {
      const before = devLog.lines.filter((l) => l.level === 'warn').length;
      const a = await TestClient.connect(dev.url, 'a');
      const b = await TestClient.connect(dev.url, 'b');
      await waitUntil(
        () => devLog.lines.filter((l) => l.level === 'warn' && /dev mode: socket/.test(l.msg)).length === 2,
        'a dev warning per socket',
      );
      assert.equal(devLog.lines.filter((l) => l.level === 'warn').length, before + 2);
      a.close();
      b.close();
    } finally {
      await dev.close();
    }
  });

  it('the 64 KiB maxPayload is enforced (1009)', async () => {
    const logger = recordingLogger();
    const secret = 'r20-secret-of-at-least-thirty-two-bytes-0123456789';
    const server = await startSignalingServer({ port: 0, secret, sdkAppId: TEST_SDK_APP_ID, logger, allowedOrigins: ['*'] });
    try {
      assert.equal(MAX_FRAME_BYTES, 64 * 1024);
      // A frame of exactly 64 KiB is read (and refused as bad JSON, with an answer); one byte more closes with 1009.
      const fits = await TestClient.connect(server.url, 'fits');
      fits.send('x'.repeat(MAX_FRAME_BYTES));
      const answer = await fits.next(5000);
      assert.equal(answer.type === 'error' && answer.code, 'invalid-json');
      const over = await TestClient.connect(server.url, 'over');
      over.send('x'.repeat(MAX_FRAME_BYTES + 1));
      assert.equal((await over.waitClose(5000)).code, 1009);
      fits.close();
    } finally {
      await server.close();
    }
  });
});
