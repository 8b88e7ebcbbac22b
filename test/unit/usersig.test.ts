import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createHmac } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { genUserSig, verifyUserSig, MAX_USERSIG_CHARS } from '../../server/usersig.js';

const require = createRequire(import.meta.url);
const { Api } = require('tls-sig-api-v2') as {
  Api: new (
    sdkAppId: number,
    key: string,
  ) => {
    genSig(userId: string, expire: number, userBuf?: Buffer | null): string;
    genUserSig(userId: string, expire: number): string;
    genPrivateMapKey(userId: string, expire: number, roomId: number, privilegeMap: number): string;
  };
};

const SECRET = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const APP = 1400000000;
const NOW = 1_700_000_000_123; // ms
const opts = { sdkAppId: APP, secret: SECRET, now: NOW };

/** Decodes a userSig to its JSON document (the inverse of the URL-safe base64 + deflate). */
function decodeDoc(sig: string): Record<string, unknown> {
  const b64 = sig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return JSON.parse(inflateSync(Buffer.from(b64, 'base64')).toString()) as Record<string, unknown>;
}

function encodeDoc(doc: unknown): string {
  return encodeRaw(JSON.stringify(doc));
}

function encodeRaw(json: string): string {
  return deflateSync(Buffer.from(json)).toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

function signDoc(doc: Record<string, unknown>, secret = SECRET): Record<string, unknown> {
  let content = `TLS.identifier:${doc['TLS.identifier']}\nTLS.sdkappid:${doc['TLS.sdkappid']}\nTLS.time:${doc['TLS.time']}\nTLS.expire:${doc['TLS.expire']}\n`;
  if (doc['TLS.userbuf'] !== undefined) content += `TLS.userbuf:${doc['TLS.userbuf']}\n`;
  return { ...doc, 'TLS.sig': createHmac('sha256', secret).update(content).digest('base64') };
}

describe('userSig (Tencent TLS v2)', () => {
  it('round-trips: our signature verifies with the expected fields', () => {
    const sig = genUserSig({ ...opts, userId: 'alice', expireSeconds: 3600 });
    assert.match(sig, /^[A-Za-z0-9*_-]+$/);
    const result = verifyUserSig(sig, opts);
    assert.deepEqual(result, { ok: true, userId: 'alice', expiresAt: (Math.floor(NOW / 1000) + 3600) * 1000, lifetimeS: 3600 });
    const doc = decodeDoc(sig);
    assert.deepEqual(Object.keys(doc), ['TLS.ver', 'TLS.identifier', 'TLS.sdkappid', 'TLS.time', 'TLS.expire', 'TLS.sig']);
    assert.equal(doc['TLS.ver'], '2.0');
    assert.equal(doc['TLS.identifier'], 'alice');
    assert.equal(doc['TLS.sdkappid'], APP);
    assert.equal(doc['TLS.time'], Math.floor(NOW / 1000));
    assert.equal(doc['TLS.expire'], 3600);
  });

  it('matches the official tls-sig-api-v2 package byte for byte (oracle)', (t) => {
    t.mock.method(Date, 'now', () => NOW);
    for (const [userId, expire] of [
      ['alice', 3600],
      ['user_42-x', 604800],
      ['a', 1],
    ] as const) {
      const official = new Api(APP, SECRET).genUserSig(userId, expire);
      assert.equal(genUserSig({ ...opts, userId, expireSeconds: expire }), official);
      assert.deepEqual(decodeDoc(official), decodeDoc(genUserSig({ ...opts, userId, expireSeconds: expire })));
    }
  });

  it('verifies signatures made by the official package', () => {
    const official = new Api(APP, SECRET).genUserSig('bob', 86400);
    const result = verifyUserSig(official, { sdkAppId: APP, secret: SECRET });
    assert.equal(result.ok, true);
    assert.ok(result.ok);
    assert.equal(result.userId, 'bob');
    assert.ok(Math.abs(result.expiresAt - (Date.now() + 86400 * 1000)) < 5000);
  });

  it('verifies an official signature carrying TLS.userbuf (PrivateMapKey) and reports the userbuf', () => {
    const key = new Api(APP, SECRET).genPrivateMapKey('carol', 300, 1234, 255);
    const doc = decodeDoc(key);
    assert.equal(typeof doc['TLS.userbuf'], 'string');
    const result = verifyUserSig(key, { sdkAppId: APP, secret: SECRET });
    assert.ok(result.ok);
    assert.equal(result.userId, 'carol');
    assert.equal(result.userBuf, doc['TLS.userbuf']);
    // The userbuf is covered by the HMAC.
    const tampered = encodeDoc({ ...doc, 'TLS.userbuf': Buffer.from('other').toString('base64') });
    assert.deepEqual(verifyUserSig(tampered, { sdkAppId: APP, secret: SECRET }), { ok: false, reason: 'forged' });
  });

  it('refuses expired signatures, and signatures from the far future', () => {
    const sig = genUserSig({ ...opts, userId: 'alice', expireSeconds: 60 });
    assert.equal(verifyUserSig(sig, { ...opts, now: NOW + 59_000 }).ok, true);
    assert.deepEqual(verifyUserSig(sig, { ...opts, now: NOW + 61_000 }), { ok: false, reason: 'expired' });
    const future = genUserSig({ ...opts, userId: 'alice', expireSeconds: 60, now: NOW + 3600_000 });
    assert.deepEqual(verifyUserSig(future, opts), { ok: false, reason: 'expired' });
  });

  it('refuses a signature made with another key (forged)', () => {
    const sig = genUserSig({ ...opts, secret: 'another-secret-another-secret-another-secret', userId: 'alice', expireSeconds: 3600 });
    assert.deepEqual(verifyUserSig(sig, opts), { ok: false, reason: 'forged' });
    const official = new Api(APP, 'wrong-key').genUserSig('alice', 3600);
    assert.deepEqual(verifyUserSig(official, { sdkAppId: APP, secret: SECRET }), { ok: false, reason: 'forged' });
  });

  it('refuses a tampered identifier, time or expire (forged)', () => {
    const doc = decodeDoc(genUserSig({ ...opts, userId: 'alice', expireSeconds: 60 }));
    for (const change of [{ 'TLS.identifier': 'mallory' }, { 'TLS.expire': 999999 }, { 'TLS.time': Math.floor(NOW / 1000) + 100 }]) {
      assert.deepEqual(verifyUserSig(encodeDoc({ ...doc, ...change }), opts), { ok: false, reason: 'forged' }, JSON.stringify(change));
    }
  });

  it('refuses a genuine signature for another SDKAppID (wrong-app)', () => {
    const sig = genUserSig({ ...opts, sdkAppId: APP + 1, userId: 'alice', expireSeconds: 3600 });
    assert.deepEqual(verifyUserSig(sig, opts), { ok: false, reason: 'wrong-app' });
  });

  it('returns malformed for garbage, never throws', () => {
    const base = decodeDoc(genUserSig({ ...opts, userId: 'alice', expireSeconds: 60 }));
    const garbage: unknown[] = [
      '',
      'x',
      'not a sig!',
      '****',
      '____',
      'eJw',
      'eJwrSS0uAQAEXQHB', // deflate of "test"
      Buffer.from('hello').toString('base64'),
      undefined,
      null,
      42,
      {},
      ['a'],
      encodeDoc([1, 2]),
      encodeDoc('str'),
      encodeDoc(null),
      encodeDoc({}),
      encodeDoc({ ...base, 'TLS.ver': '1.0' }),
      encodeDoc({ ...base, 'TLS.sig': undefined }),
      encodeDoc({ ...base, 'TLS.sig': 'AAAA' }),
      encodeDoc({ ...base, 'TLS.sig': 12 }),
      encodeDoc({ ...base, 'TLS.identifier': 5 }),
      encodeDoc({ ...base, 'TLS.identifier': '' }),
      encodeDoc({ ...base, 'TLS.sdkappid': '1400000000' }),
      encodeDoc({ ...base, 'TLS.time': -1 }),
      encodeDoc({ ...base, 'TLS.expire': 1.5 }),
      encodeDoc({ ...base, 'TLS.expire': 1e300 }),
      encodeDoc({ ...base, extra: 1 }),
      encodeDoc({ ...base, 'TLS.userbuf': 'not base64!' }),
      // A literal "__proto__" key (JSON.parse makes it an own property): unknown, refused.
      encodeRaw(JSON.stringify(signDoc(base)).replace('{', '{"__proto__":{"polluted":true},')),
      deflateSync(Buffer.from([0xff, 0xfe, 0xfd])).toString('base64'),
    ];
    for (const g of garbage) {
      const result = verifyUserSig(g, opts);
      assert.equal(result.ok, false, `accepted ${JSON.stringify(g)}`);
      assert.ok(!result.ok && result.reason === 'malformed', `${JSON.stringify(g)} -> ${JSON.stringify(result)}`);
    }
    // A non-canonical base64 encoding of a valid HMAC is not accepted either.
    const signed = signDoc(base);
    const b64 = signed['TLS.sig'] as string;
    assert.equal(verifyUserSig(encodeDoc(signed), opts).ok, true);
    assert.equal(verifyUserSig(encodeDoc({ ...signed, 'TLS.sig': b64.replace(/=$/, '') }), opts).ok, false);
  });

  it('survives random mutations of a valid signature without throwing', () => {
    const sig = genUserSig({ ...opts, userId: 'alice', expireSeconds: 60 });
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = 'ABCxyz019*-_+/=!{}"';
    let accepted = 0;
    for (let i = 0; i < 600; i++) {
      const chars = sig.split('');
      const edits = 1 + rand(4);
      for (let e = 0; e < edits; e++) {
        const at = rand(chars.length);
        const op = rand(3);
        if (op === 0) chars[at] = alphabet[rand(alphabet.length)];
        else if (op === 1) chars.splice(at, 1);
        else chars.splice(at, 0, alphabet[rand(alphabet.length)]);
      }
      const mutated = chars.join('');
      const result = verifyUserSig(mutated, opts);
      if (result.ok) {
        accepted++;
        assert.equal(result.userId, 'alice'); // only harmless (e.g. padding) edits may still verify
      }
    }
    assert.ok(accepted < 10, `${accepted} mutations verified`);
  });

  it('caps input size: huge strings and zip bombs are malformed, quickly', () => {
    const started = Date.now();
    assert.deepEqual(verifyUserSig('A'.repeat(MAX_USERSIG_CHARS + 1), opts), { ok: false, reason: 'malformed' });
    assert.deepEqual(verifyUserSig('A'.repeat(10 * 1024 * 1024), opts), { ok: false, reason: 'malformed' });
    // 50 MB of spaces deflates to ~50 KB; 1 MB to ~1 KB: small enough to pass the length cap.
    const bomb = deflateSync(Buffer.alloc(1024 * 1024, 0x20))
      .toString('base64')
      .replace(/\+/g, '*')
      .replace(/\//g, '-')
      .replace(/=/g, '_');
    assert.ok(bomb.length <= MAX_USERSIG_CHARS, `bomb is ${bomb.length} chars`);
    assert.deepEqual(verifyUserSig(bomb, opts), { ok: false, reason: 'malformed' });
    assert.ok(Date.now() - started < 1000);
  });

  it('genUserSig refuses bad arguments', () => {
    assert.throws(() => genUserSig({ ...opts, userId: '', expireSeconds: 1 }), /userId/);
    assert.throws(() => genUserSig({ ...opts, userId: 'a', expireSeconds: 0 }), /expireSeconds/);
    assert.throws(() => genUserSig({ ...opts, sdkAppId: 0, userId: 'a', expireSeconds: 1 }), /sdkAppId/);
    assert.throws(() => genUserSig({ ...opts, secret: '', userId: 'a', expireSeconds: 1 }), /secret/);
  });
});
