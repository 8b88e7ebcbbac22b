/**
 * ⚠️ DEVELOPMENT ONLY. Generates a Tencent Cloud UserSig **in the browser from your secret key**.
 *
 * **Never ship a secret key to browsers.** Anyone who opens the page can read it from the bundle
 * or the network and then sign in as any user of your SDKAppID, run up your bill, and read or
 * send messages in your application. Use this only on your own machine for a first local test
 * (TUICallKit's `GenerateTestUserSig` has the same warning), and never import it from code that is
 * deployed. The kit's main entry (`src/index.ts`) and the kit never import this module; it is a
 * separate entry point on purpose.
 *
 * In production, mint UserSigs on your server, after your own authentication, e.g. with
 * Tencent's `tls-sig-api-v2` (Node):
 *
 * ```js
 * // server side only: the secret key stays in the server's environment
 * import TLSSigAPIv2 from 'tls-sig-api-v2';
 * const api = new TLSSigAPIv2.Api(Number(process.env.SDKAPPID), process.env.SDK_SECRET_KEY);
 * app.get('/usersig', requireLogin, (req, res) => {
 *   res.json({ SDKAppID: Number(process.env.SDKAPPID), userID: req.user.id, userSig: api.genSig(req.user.id, 86400) });
 * });
 * ```
 *
 * The algorithm (TLS v2, as `tls-sig-api-v2`): HMAC-SHA256 with the secret key over
 * `TLS.identifier:<userID>\nTLS.sdkappid:<SDKAppID>\nTLS.time:<now>\nTLS.expire:<expire>\n`,
 * base64; the JSON document `{ TLS.ver, TLS.identifier, TLS.sdkappid, TLS.time, TLS.expire,
 * TLS.sig }` is zlib-deflated and base64-encoded with `+` -> `*`, `/` -> `-`, `=` -> `_`.
 * Uses Web Crypto and `CompressionStream('deflate')` (zlib format), available in current
 * browsers and Node 18+.
 */

export interface GenTestUserSigParams {
  SDKAppID: number;
  /** Your application's secret key. Development only: see the module warning. */
  secretKey: string;
  userID: string;
  /** Validity in seconds (default 7 days, as TUICallKit's debug helper). */
  expireSeconds?: number;
  /** Signing time in Unix seconds (default now); for tests. */
  time?: number;
}

export interface TestUserSig {
  SDKAppID: number;
  userID: string;
  userSig: string;
}

const DEFAULT_EXPIRE_S = 604800;

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function hmacSha256Base64(key: string, content: string): Promise<string> {
  const encoder = new TextEncoder();
  const cryptoKey = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(content));
  return base64(new Uint8Array(signature));
}

async function zlibDeflate(text: string): Promise<Uint8Array> {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * ⚠️ DEVELOPMENT ONLY (see the module warning: never ship a secret key to browsers).
 * Resolves with `{ SDKAppID, userID, userSig }`, ready to spread into `callKit.init(...)`.
 */
export async function genTestUserSig(params: GenTestUserSigParams): Promise<TestUserSig> {
  const { SDKAppID, secretKey, userID } = params ?? ({} as GenTestUserSigParams);
  if (!Number.isInteger(SDKAppID) || SDKAppID <= 0) throw new TypeError('genTestUserSig: SDKAppID must be a positive integer');
  if (typeof secretKey !== 'string' || !secretKey) throw new TypeError('genTestUserSig: secretKey must be a non-empty string');
  if (typeof userID !== 'string' || !userID) throw new TypeError('genTestUserSig: userID must be a non-empty string');
  const expire = params.expireSeconds ?? DEFAULT_EXPIRE_S;
  if (!Number.isInteger(expire) || expire <= 0) throw new TypeError('genTestUserSig: expireSeconds must be a positive integer');
  const time = params.time ?? Math.floor(Date.now() / 1000);
  const content = `TLS.identifier:${userID}\nTLS.sdkappid:${SDKAppID}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
  const doc = {
    'TLS.ver': '2.0',
    'TLS.identifier': userID,
    'TLS.sdkappid': SDKAppID,
    'TLS.time': time,
    'TLS.expire': expire,
    'TLS.sig': await hmacSha256Base64(secretKey, content),
  };
  const compressed = await zlibDeflate(JSON.stringify(doc));
  const userSig = base64(compressed).replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
  return { SDKAppID, userID, userSig };
}
