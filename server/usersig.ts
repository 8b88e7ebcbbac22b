/**
 * Tencent TLS v2 `userSig`: mint and verify, byte-compatible with Tencent's official
 * `tls-sig-api-v2` package (`TLSSigAPIv2.js`), so the same signatures serve our signaling server and
 * the Tencent engine.
 *
 * Format: the JSON document
 *   {"TLS.ver":"2.0","TLS.identifier":id,"TLS.sdkappid":app,"TLS.time":t,"TLS.expire":e,"TLS.sig":s}
 * (plus `"TLS.userbuf"` before `TLS.sig` for PrivateMapKey-style signatures), zlib-deflated, base64,
 * with `+` -> `*`, `/` -> `-`, `=` -> `_`. `TLS.sig` = base64(HMAC-SHA256(secret, content)) with
 * content = "TLS.identifier:" id "\nTLS.sdkappid:" app "\nTLS.time:" t "\nTLS.expire:" e "\n"
 * [+ "TLS.userbuf:" userbuf "\n"].
 *
 * Verification never throws: anything that is not a well-formed signature is `malformed`; a bad HMAC is
 * `forged`; a valid HMAC for another SDKAppID is `wrong-app`; `time + expire` in the past (or `time`
 * more than {@link FUTURE_LEEWAY_S} in the future) is `expired`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';

/** Longest userSig accepted (the login schema caps it at 4096 characters too). */
export const MAX_USERSIG_CHARS = 4096;
/** Most bytes a userSig may inflate to (a real one is about 200 bytes; this stops zip bombs). */
export const MAX_USERSIG_INFLATED_BYTES = 8192;
/** A signature whose `TLS.time` is this far ahead of our clock is refused (clock skew allowance). */
export const FUTURE_LEEWAY_S = 300;

export interface GenUserSigOptions {
  sdkAppId: number;
  /** The SDKSecretKey (HMAC key). */
  secret: string;
  userId: string;
  /** Lifetime in seconds from `now`. */
  expireSeconds: number;
  /** Clock in milliseconds since the epoch (default `Date.now()`); the signature's `TLS.time` is its floor in seconds. */
  now?: number;
  /** `TLS.userbuf` (base64, covered by the HMAC), e.g. {@link profileUserBuf} for an operator profile. */
  userBuf?: string;
}

export interface VerifyUserSigOptions {
  /** The only SDKAppID accepted. */
  sdkAppId: number;
  secret: string;
  /** Clock in milliseconds since the epoch (default `Date.now()`). */
  now?: number;
}

export type UserSigFailure = 'malformed' | 'forged' | 'expired' | 'wrong-app';

export type VerifyUserSigResult =
  | {
      ok: true;
      userId: string;
      /** When the signature stops being valid, in milliseconds since the epoch. */
      expiresAt: number;
      /** The lifetime it was signed with (`TLS.expire`), in seconds. */
      lifetimeS: number;
      /** `TLS.userbuf` (base64) when the signature carries one (a PrivateMapKey); covered by the HMAC. */
      userBuf?: string;
    }
  | { ok: false; reason: UserSigFailure };

const SIG_CHARS_RE = /^[A-Za-z0-9*_-]+$/;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const KNOWN_KEYS = new Set(['TLS.ver', 'TLS.identifier', 'TLS.sdkappid', 'TLS.time', 'TLS.expire', 'TLS.userbuf', 'TLS.sig']);

function escapeBase64(b64: string): string {
  return b64.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

function unescapeBase64(s: string): string {
  return s.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
}

function signedContent(identifier: string, sdkAppId: number, time: number, expire: number, userBuf?: string): string {
  let content = `TLS.identifier:${identifier}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
  if (userBuf !== undefined) content += `TLS.userbuf:${userBuf}\n`;
  return content;
}

function hmac(secret: string, content: string): Buffer {
  return createHmac('sha256', secret).update(content).digest();
}

function isNonNegativeInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Mints a userSig exactly as `new (require('tls-sig-api-v2').Api)(sdkAppId, secret).genSig(userId, expireSeconds)`. */
export function genUserSig(options: GenUserSigOptions): string {
  const { sdkAppId, secret, userId, expireSeconds } = options;
  if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) throw new Error('genUserSig: sdkAppId must be a positive integer');
  if (typeof secret !== 'string' || secret.length === 0) throw new Error('genUserSig: secret must be a non-empty string');
  if (typeof userId !== 'string' || userId.length === 0) throw new Error('genUserSig: userId must be a non-empty string');
  if (!Number.isSafeInteger(expireSeconds) || expireSeconds <= 0) {
    throw new Error('genUserSig: expireSeconds must be a positive integer');
  }
  const time = Math.floor((options.now ?? Date.now()) / 1000);
  const { userBuf } = options;
  const doc = {
    'TLS.ver': '2.0',
    'TLS.identifier': userId,
    'TLS.sdkappid': sdkAppId,
    'TLS.time': time,
    'TLS.expire': expireSeconds,
    ...(userBuf !== undefined ? { 'TLS.userbuf': userBuf } : {}),
    'TLS.sig': hmac(secret, signedContent(userId, sdkAppId, time, expireSeconds, userBuf)).toString('base64'),
  };
  return escapeBase64(deflateSync(Buffer.from(JSON.stringify(doc))).toString('base64'));
}

interface SigDoc {
  identifier: string;
  sdkAppId: number;
  time: number;
  expire: number;
  userBuf?: string;
  sig: Buffer;
}

function decode(sig: unknown): SigDoc | null {
  if (typeof sig !== 'string' || sig.length === 0 || sig.length > MAX_USERSIG_CHARS || !SIG_CHARS_RE.test(sig)) return null;
  const b64 = unescapeBase64(sig);
  if (!BASE64_RE.test(b64)) return null;
  let json: string;
  try {
    const inflated = inflateSync(Buffer.from(b64, 'base64'), { maxOutputLength: MAX_USERSIG_INFLATED_BYTES });
    json = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    return null;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return null;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return null;
  const d = doc as Record<string, unknown>;
  for (const key of Object.keys(d)) if (!KNOWN_KEYS.has(key)) return null;
  const identifier = d['TLS.identifier'];
  const sdkAppId = d['TLS.sdkappid'];
  const time = d['TLS.time'];
  const expire = d['TLS.expire'];
  const userBuf = d['TLS.userbuf'];
  const sigB64 = d['TLS.sig'];
  if (d['TLS.ver'] !== '2.0') return null;
  if (typeof identifier !== 'string' || identifier.length === 0 || identifier.length > 256) return null;
  if (!isNonNegativeInteger(sdkAppId) || !isNonNegativeInteger(time) || !isNonNegativeInteger(expire)) return null;
  if (userBuf !== undefined && (typeof userBuf !== 'string' || userBuf.length > 1024 || !BASE64_RE.test(userBuf))) return null;
  if (typeof sigB64 !== 'string' || sigB64.length > 128 || !BASE64_RE.test(sigB64)) return null;
  const sigBytes = Buffer.from(sigB64, 'base64');
  // Only the canonical encoding of a 32-byte digest is a signature.
  if (sigBytes.length !== 32 || sigBytes.toString('base64') !== sigB64) return null;
  return { identifier, sdkAppId, time, expire, userBuf: userBuf as string | undefined, sig: sigBytes };
}

/** Verifies a userSig; never throws. */
export function verifyUserSig(sig: unknown, options: VerifyUserSigOptions): VerifyUserSigResult {
  try {
    const doc = decode(sig);
    if (!doc) return { ok: false, reason: 'malformed' };
    const expected = hmac(options.secret, signedContent(doc.identifier, doc.sdkAppId, doc.time, doc.expire, doc.userBuf));
    if (!timingSafeEqual(expected, doc.sig)) return { ok: false, reason: 'forged' };
    if (doc.sdkAppId !== options.sdkAppId) return { ok: false, reason: 'wrong-app' };
    const nowS = (options.now ?? Date.now()) / 1000;
    const expiresAtS = doc.time + doc.expire;
    if (expiresAtS < nowS || doc.time > nowS + FUTURE_LEEWAY_S) return { ok: false, reason: 'expired' };
    const result: VerifyUserSigResult = { ok: true, userId: doc.identifier, expiresAt: expiresAtS * 1000, lifetimeS: doc.expire };
    if (doc.userBuf !== undefined) result.userBuf = doc.userBuf;
    return result;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}
