/**
 * genTestUserSig (Web Crypto + CompressionStream) against Tencent's own `tls-sig-api-v2`: same
 * document fields and the same HMAC for the same time; and it stays out of the main entry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { genTestUserSig } from '../../src/engine/tencent/dev-usersig.js';

const require = createRequire(import.meta.url);
const { Api } = require('tls-sig-api-v2') as {
  Api: new (sdkAppId: number, key: string) => { genSig(userId: string, expire: number): string };
};

const SDK_APP_ID = 1400123456;
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';

function decode(userSig: string): Record<string, unknown> {
  const b64 = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return JSON.parse(inflateSync(Buffer.from(b64, 'base64')).toString('utf8')) as Record<string, unknown>;
}

/** Runs `fn` with Date.now frozen at `ms` (tls-sig-api-v2 reads the clock itself). */
function at<T>(ms: number, fn: () => T): T {
  const real = Date.now;
  Date.now = () => ms;
  try {
    return fn();
  } finally {
    Date.now = real;
  }
}

test('same fields and the same HMAC as tls-sig-api-v2 for the same time', async () => {
  const nowMs = 1_737_000_123_456;
  const time = Math.floor(nowMs / 1000);
  for (const [userID, expire] of [
    ['alice', 86400],
    ['user_01-x', 604800],
    ['9527', 180],
  ] as const) {
    const officialSig = at(nowMs, () => new Api(SDK_APP_ID, KEY).genSig(userID, expire));
    const official = decode(officialSig);
    const ours = await genTestUserSig({ SDKAppID: SDK_APP_ID, secretKey: KEY, userID, expireSeconds: expire, time });
    // In Node both deflate with zlib's defaults, so even the bytes agree (browsers may compress
    // differently; servers inflate either way).
    assert.equal(ours.userSig, officialSig);
    assert.equal(ours.SDKAppID, SDK_APP_ID);
    assert.equal(ours.userID, userID);
    assert.match(ours.userSig, /^[A-Za-z0-9*\-_]+$/, 'URL-safe alphabet of TLS v2');
    const mine = decode(ours.userSig);
    assert.deepEqual(mine, official);
    assert.deepEqual(Object.keys(mine), Object.keys(official), 'same field order');
    // And the signature is what the server recomputes.
    const content = `TLS.identifier:${userID}\nTLS.sdkappid:${SDK_APP_ID}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
    assert.equal(mine['TLS.sig'], createHmac('sha256', KEY).update(content).digest('base64'));
  }
});

test('defaults: now, 7 days; the clock is read when not given', async () => {
  const before = Math.floor(Date.now() / 1000);
  const { userSig } = await genTestUserSig({ SDKAppID: SDK_APP_ID, secretKey: KEY, userID: 'bob' });
  const doc = decode(userSig);
  assert.equal(doc['TLS.ver'], '2.0');
  assert.equal(doc['TLS.expire'], 604800);
  assert.ok((doc['TLS.time'] as number) >= before && (doc['TLS.time'] as number) <= before + 5);
  const official = decode(at((doc['TLS.time'] as number) * 1000, () => new Api(SDK_APP_ID, KEY).genSig('bob', 604800)));
  assert.deepEqual(doc, official);
});

test('bad arguments are refused', async () => {
  await assert.rejects(genTestUserSig({ SDKAppID: 0, secretKey: KEY, userID: 'a' }), TypeError);
  await assert.rejects(genTestUserSig({ SDKAppID: SDK_APP_ID, secretKey: '', userID: 'a' }), TypeError);
  await assert.rejects(genTestUserSig({ SDKAppID: SDK_APP_ID, secretKey: KEY, userID: '' }), TypeError);
  await assert.rejects(genTestUserSig({ SDKAppID: SDK_APP_ID, secretKey: KEY, userID: 'a', expireSeconds: -1 }), TypeError);
});

test('no module of the library imports the dev-only signer (it is a separate entry)', () => {
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (
        /\.ts$/.test(name) &&
        !path.endsWith('dev-usersig.ts') &&
        /dev-usersig/.test(readFileSync(path, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, ''))
      ) {
        offenders.push(path);
      }
    }
  };
  walk(src);
  assert.deepEqual(offenders, []);
});
