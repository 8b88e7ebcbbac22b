/**
 * The server's options, and their checking: {@link resolveConfig} turns {@link SignalingServerOptions}
 * into a {@link ServerConfig} or throws a clear Error for a bad config (secret too short outside
 * dev, bad sdkAppId, no Origin allow-list, ...), and logs the start-up warnings. New options land
 * here first.
 */
import { DEFAULT_RING_TIMEOUT_S, MAX_RING_TIMEOUT_S } from '../src/constants.js';
import { BlockList, isIP } from 'node:net';
import { MAX_FRAME_BYTES } from '../src/protocol/messages.js';
import { isPostgresUrl } from './records/db.js';
import type { Limits } from './rate-limit.js';
import type { CallPolicy } from './profiles.js';
import { resolveTurn, type TurnConfig, type TurnOptions } from './turn.js';
import type { JanusOptions } from './sfu/janus-process.js';

/** Which calls go through the SFU (see `SignalingServerOptions.sfu`). */
export type SfuMode = 'auto' | 'always' | 'never';
/** Where the media server is: an existing Janus (its WebSocket API, on loopback) or one we start. */
export type JanusLocation = { url: string } | { start: JanusOptions };

/** `callPolicyUrl`: `canCall` asked of the operator's backend (`call-policy-url.ts`). */
export interface CallPolicyUrlOptions {
  /** `https://backend.example/can-call` (http allowed, e.g. a backend on loopback). */
  url: string;
  /** How long to wait for an answer (default 2000 ms); then the call is refused. */
  timeoutMs?: number;
  /** How long an answer is used (default 60000 ms). */
  cacheTtlMs?: number;
  /** At most this many (from, to) answers are kept (default 10000). */
  cacheSize?: number;
}

export const DEFAULT_POLICY_TIMEOUT_MS = 2000;
export const DEFAULT_POLICY_CACHE_TTL_MS = 60_000;
export const DEFAULT_POLICY_CACHE_SIZE = 10_000;
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface RateLimitOptions {
  /** Per socket: sustained messages a second (ICE candidates count 1/4). Default 20. */
  messagesPerSecond?: number;
  /** Per socket: burst. Default 40. */
  messageBurst?: number;
  /** Per socket: sustained bytes of frames a second, charged before parsing. Default 262144 (256 KiB). */
  bytesPerSecond?: number;
  /** Per socket: burst of bytes; at least one full frame (65536). Default 1048576 (1 MiB). */
  byteBurst?: number;
  /** Per socket: more frames than this refused within one second close it (4429) at once. Default 100. */
  floodCeiling?: number;
  /** Per socket: more frames than this refused within any 10 s close it (4429). Default 200. */
  refusalLimit?: number;
  /** Concurrent sockets per remote address (after `trustProxy`); more are refused with 429. Default 50. */
  maxSocketsPerIp?: number;
  /** Concurrent logged-in sockets per user; a further login closes that user's oldest socket with 4409. Default 10. */
  maxSocketsPerUser?: number;
  /** Concurrent sockets in all; more are refused with 503. Default 10000. */
  maxSockets?: number;
  /** Per user: invites a minute (token bucket, burst = the same number). Default 10. */
  invitesPerMinute?: number;
  /** Per remote IP: new sockets a second. Default 5. */
  connectionsPerSecond?: number;
  /** Per remote IP: burst of new sockets. Default 10. */
  connectionBurst?: number;
}

export interface SignalingServerOptions {
  /** HMAC key for userSig; must be >= 32 bytes unless `dev: true` (then a warning is logged once). */
  secret: string;
  /** The only SDKAppID accepted in login/userSig. */
  sdkAppId: number;
  /** Dev mode: allows short secrets (warning), enables the dev userSig endpoint. */
  dev?: boolean;
  /** WebSocket path, default '/ck'. */
  path?: string;
  /** Default ring timeout in seconds (default 30). `invite.timeout` may ask for 10..600; this option goes down to 0.1 for tests. */
  ringTimeoutS?: number;
  /** Default 5000. */
  pingIntervalMs?: number;
  /** Default 15000: a socket that has not answered a ping (or sent anything) for this long is terminated. */
  pingTimeoutMs?: number;
  /** Default 5000. */
  loginTimeoutMs?: number;
  /**
   * Default 15000: how long an accepted member of a connected call keeps its place after its call
   * socket is lost, waiting for `resume` (counted from the last frame heard; see the protocol header).
   */
  graceMs?: number;
  /**
   * The web origins allowed to open a signaling socket (e.g. `['https://app.example.com']`); upgrades
   * from other Origins are refused (403). Requests without an Origin header (non-browser clients)
   * are allowed: browsers always send one, and the check exists against cross-site WebSocket
   * hijacking. Required outside dev mode; `['*']` allows any origin, as a deliberate choice.
   */
  allowedOrigins?: string[];
  /**
   * Longest userSig lifetime (`TLS.expire`) accepted at login and in `renew`, in seconds. Default
   * 604800 (7 days); a Tencent console sig (180 days) needs an explicit, larger value.
   */
  maxUserSigLifetimeS?: number;
  /**
   * Default 60000: how long before a socket's userSig expires it is sent `usersig-expiring`. At the
   * expiry, a socket that did not `renew` is closed with 4409 "userSigExpired".
   */
  userSigWarnMs?: number;
  /**
   * Trusted reverse proxies (addresses or CIDRs, e.g. `['127.0.0.1', '10.0.0.0/8']`): for a request
   * from one of them the client address is taken from `X-Forwarded-For` (the rightmost address that
   * is not itself a trusted proxy). Every per-address limit and log line uses that address. Default
   * none: the peer address, and `X-Forwarded-For` is ignored.
   */
  trustProxy?: string[];
  /** Rate limits (reliability §3.4); `false` turns them all off. */
  rateLimits?: RateLimitOptions | false;
  /**
   * Turns on the admin REST API under `{path}/admin` (calls, records, operator profiles;
   * `Authorization: Bearer <adminSecret>`); at least 32 bytes, and not the userSig secret. Default off.
   */
  adminSecret?: string;
  /**
   * Who may ring whom (`invite`, `invite-user`). A refused invitee is `unavailable` (nothing about its
   * presence is told) and a call nobody may take ends with `not-allowed`. Default: anyone may call anyone.
   */
  canCall?: CallPolicy;
  /**
   * `canCall` asked of the operator's backend: POST `{from, to}` to `url`, answer
   * `{allowed: boolean}`; cached, and fail-closed (no answer in `timeoutMs`, a non-2xx or a bad body
   * refuses). See `call-policy-url.ts`. Not with `canCall`.
   */
  callPolicyUrl?: CallPolicyUrlOptions;
  /**
   * Whether a ringing callee is sent the self-declared avatars of the caller and members (a URL the
   * callee's browser fetches before answering: it tells the caller's host the callee's IP). Default
   * false: only operator (verified) avatars go out before the answer; the banner shows initials.
   */
  avatarsBeforeAnswer?: boolean;
  /**
   * Call records (and the webhook outbox): `postgres://...` for a Postgres server, a directory for
   * the embedded PGlite database, or `memory://`. Absent: no records (`records-query` is answered
   * `not-supported`) and no webhooks. The CLI defaults to the embedded database in `./callkit-data`.
   */
  databaseUrl?: string;
  /** Webhooks (needs `databaseUrl`): events POSTed to `url`, signed with `secret` (see README "Webhooks"). */
  webhooks?: WebhookOptions;
  /**
   * A TURN server (coturn with `use-auth-secret`): logged-in users get time-limited credentials for
   * it in `login-ok` and on request (`turn`). See server/turn.ts and the README's "TURN".
   */
  turn?: TurnOptions;
  /**
   * Many nodes as one service (README "Multi-node deployment", docs/multi-node.md): `redis://...` of
   * the Redis every node shares. Absent: one process, everything in memory.
   */
  redisUrl?: string;
  /** With `redisUrl`: how long (ms) a dead node or leader goes unnoticed (default 5000, 200-60000). */
  redisLeaseMs?: number;
  /**
   * Group video through an SFU (Janus VideoRoom, see README "Group calls"): `'auto'` (default) moves
   * a video call to the SFU when its 4th member joins, `'always'` sends every call through it,
   * `'never'` keeps every call mesh. Needs `janus`; without it (or while Janus is unreachable) calls
   * are mesh.
   */
  sfu?: SfuMode;
  /**
   * Where Janus is: `{ url: 'ws://127.0.0.1:8188' }` (an existing Janus's WebSocket API; keep it on
   * loopback, browsers never talk to it) or `{ start: {} }` (start a private Janus from the `janus`
   * binary with a generated config, stopped with the server; see server/sfu/janus-process.ts).
   */
  janus?: JanusLocation;
  logger?: Logger;
}

/** Where and how webhooks are delivered (`records/webhooks.ts`). */
export interface WebhookOptions {
  url: string;
  secret: string;
  /** First retry after this (default 1000 ms), doubling each time up to {@link maxDelayMs}. */
  retryBaseMs?: number;
  /** Longest wait between two tries (default 600 000 ms: 10 min). Events are never dropped. */
  maxDelayMs?: number;
  /** How often the outbox is looked at when nothing woke the sender (default 1000 ms). */
  pollMs?: number;
  /** A request not answered within this fails (default 10 000 ms). */
  timeoutMs?: number;
}

export const MIN_SECRET_BYTES = 32;
/** Default longest userSig lifetime: 7 days (as Tencent's `GenerateTestUserSig`). */
export const DEFAULT_MAX_USERSIG_LIFETIME_S = 7 * 24 * 3600;

/** The options, checked and with their defaults. */
export interface ServerConfig {
  secret: string;
  sdkAppId: number;
  dev: boolean;
  path: string;
  ringTimeoutS: number;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  loginTimeoutMs: number;
  graceMs: number;
  maxUserSigLifetimeS: number;
  userSigWarnMs: number;
  /** Trusted proxies; null: none. */
  trustProxy: BlockList | null;
  /** Normalized allowed origins; null: any origin. */
  allowedOrigins: Set<string> | null;
  /** null: rate limits off. */
  limits: Limits | null;
  /** null: the admin endpoint is off. */
  adminSecret: string | null;
  canCall: CallPolicy | null;
  callPolicyUrl: CallPolicyUrlOptions | null;
  avatarsBeforeAnswer: boolean;
  databaseUrl: string | null;
  webhooks: WebhookOptions | null;
  /** null: no TURN. */
  turn: TurnConfig | null;
  /** null: a single node. */
  redis: { url: string; leaseMs: number } | null;
  sfu: SfuMode;
  janus: JanusLocation | null;
  log: Logger;
}

export const consoleLogger: Logger = {
  info: (m) => console.log(`[callkit-server] ${m}`),
  warn: (m) => console.warn(`[callkit-server] ${m}`),
  error: (m) => console.error(`[callkit-server] ${m}`),
};

/** An Origin as compared against the allow-list: trimmed, no trailing slash, lower case. */
export function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

function positive(name: string, value: number | undefined, fallback: number, min: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(`callkit-server: ${name} must be a number in [${min}, ${max}] (got ${String(value)})`);
  }
  return value;
}

function resolveOrigins(options: SignalingServerOptions, dev: boolean): Set<string> | null {
  if (options.allowedOrigins !== undefined) {
    if (!Array.isArray(options.allowedOrigins) || options.allowedOrigins.some((o) => typeof o !== 'string')) {
      throw new Error('callkit-server: allowedOrigins must be an array of origins');
    }
    return options.allowedOrigins.includes('*') ? null : new Set(options.allowedOrigins.map(normalizeOrigin));
  }
  if (dev) return null;
  throw new Error(
    "callkit-server: allowedOrigins is required outside dev mode: list your app's web origins (e.g. ['https://app.example.com']), or ['*'] to allow any page deliberately",
  );
}

/** `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or `v6/n`, into a BlockList; throws on anything else. */
export function resolveTrustProxy(list: string[] | undefined): BlockList | null {
  if (list === undefined || list.length === 0) return null;
  if (!Array.isArray(list)) throw new Error('callkit-server: trustProxy must be an array of addresses or CIDRs');
  const blocks = new BlockList();
  for (const entry of list) {
    const [address, bits, extra] = String(entry).trim().split('/');
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    const prefix = bits === undefined ? max : Number(bits);
    if (
      !family ||
      extra !== undefined ||
      !Number.isInteger(prefix) ||
      prefix < 0 ||
      prefix > max ||
      (bits !== undefined && !/^\d+$/.test(bits))
    ) {
      throw new Error(`callkit-server: trustProxy entry ${JSON.stringify(entry)} is not an address or CIDR`);
    }
    blocks.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return blocks;
}

function resolveLimits(rateLimits: RateLimitOptions | false | undefined): Limits | null {
  if (rateLimits === false) return null;
  const r = rateLimits ?? {};
  return {
    rate: positive('rateLimits.messagesPerSecond', r.messagesPerSecond, 20, 0.001),
    burst: positive('rateLimits.messageBurst', r.messageBurst, 40, 1),
    bytesPerSecond: positive('rateLimits.bytesPerSecond', r.bytesPerSecond, 256 * 1024, 1024),
    byteBurst: positive('rateLimits.byteBurst', r.byteBurst, 1024 * 1024, MAX_FRAME_BYTES),
    floodCeiling: positive('rateLimits.floodCeiling', r.floodCeiling, 100, 1),
    refusalLimit: positive('rateLimits.refusalLimit', r.refusalLimit, 200, 1),
    maxSocketsPerIp: positive('rateLimits.maxSocketsPerIp', r.maxSocketsPerIp, 50, 1),
    maxSocketsPerUser: positive('rateLimits.maxSocketsPerUser', r.maxSocketsPerUser, 10, 1),
    maxSockets: positive('rateLimits.maxSockets', r.maxSockets, 10_000, 1),
    invitesPerMinute: positive('rateLimits.invitesPerMinute', r.invitesPerMinute, 10, 1),
    connRate: positive('rateLimits.connectionsPerSecond', r.connectionsPerSecond, 5, 0.001),
    connBurst: positive('rateLimits.connectionBurst', r.connectionBurst, 10, 1),
  };
}

/** Checks the options (throws a clear Error for a bad config) and logs the start-up warnings. */
export function resolveConfig(options: SignalingServerOptions): ServerConfig {
  if (!options || typeof options !== 'object') throw new Error('callkit-server: options are required');
  const log = options.logger ?? consoleLogger;
  const dev = options.dev === true;
  if (typeof options.secret !== 'string' || options.secret.length === 0) {
    throw new Error('callkit-server: a secret (the userSig HMAC key) is required');
  }
  const secretBytes = Buffer.byteLength(options.secret, 'utf8');
  if (secretBytes < MIN_SECRET_BYTES && !dev) {
    throw new Error(
      `callkit-server: the secret is ${secretBytes} bytes; at least ${MIN_SECRET_BYTES} are required (or dev: true for local development)`,
    );
  }
  if (!Number.isSafeInteger(options.sdkAppId) || options.sdkAppId < 1 || options.sdkAppId > 0xffffffff) {
    throw new Error(`callkit-server: sdkAppId must be an integer in [1, 4294967295] (got ${String(options.sdkAppId)})`);
  }
  const path = options.path ?? '/ck';
  if (typeof path !== 'string' || !/^\/[A-Za-z0-9._~\-/]*$/.test(path) || (path.length > 1 && path.endsWith('/'))) {
    throw new Error(`callkit-server: path must look like '/ck' (got ${String(path)})`);
  }
  const ringTimeoutS = positive('ringTimeoutS', options.ringTimeoutS, DEFAULT_RING_TIMEOUT_S, 0.1, MAX_RING_TIMEOUT_S);
  const pingIntervalMs = positive('pingIntervalMs', options.pingIntervalMs, 5000, 10);
  const pingTimeoutMs = positive('pingTimeoutMs', options.pingTimeoutMs, 15000, 10);
  const loginTimeoutMs = positive('loginTimeoutMs', options.loginTimeoutMs, 5000, 10);
  const allowedOrigins = resolveOrigins(options, dev);
  const limits = resolveLimits(options.rateLimits);

  if (dev) {
    log.warn(`dev mode: GET ${path}/dev-usersig mints a userSig for any user id; never enable dev mode in production`);
    if (secretBytes < MIN_SECRET_BYTES) {
      log.warn(`the secret is only ${secretBytes} bytes (at least ${MIN_SECRET_BYTES} outside dev mode)`);
    }
  } else if (!allowedOrigins) {
    log.warn("allowedOrigins ['*']: any web page may open a signaling socket");
  }

  const graceMs = positive('graceMs', options.graceMs, 15_000, 0, 600_000);
  const adminSecret = options.adminSecret ?? null;
  if (adminSecret !== null) {
    if (typeof adminSecret !== 'string' || Buffer.byteLength(adminSecret) < MIN_SECRET_BYTES) {
      throw new Error(`callkit-server: adminSecret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
    if (adminSecret === options.secret) throw new Error('callkit-server: adminSecret must differ from the userSig secret');
  }
  if (options.canCall !== undefined && typeof options.canCall !== 'function') {
    throw new Error('callkit-server: canCall must be a function (from, to) => boolean');
  }
  const extras = resolveRecordsOptions(options);
  return {
    secret: options.secret,
    sdkAppId: options.sdkAppId,
    dev,
    path,
    ringTimeoutS,
    pingIntervalMs,
    pingTimeoutMs,
    loginTimeoutMs,
    graceMs,
    maxUserSigLifetimeS: positive('maxUserSigLifetimeS', options.maxUserSigLifetimeS, DEFAULT_MAX_USERSIG_LIFETIME_S, 1),
    userSigWarnMs: positive('userSigWarnMs', options.userSigWarnMs, 60_000, 0),
    allowedOrigins,
    trustProxy: resolveTrustProxy(options.trustProxy),
    limits,
    adminSecret,
    canCall: options.canCall ?? null,
    callPolicyUrl: resolveCallPolicyUrl(options),
    avatarsBeforeAnswer: options.avatarsBeforeAnswer === true,
    ...extras,
    turn: resolveTurn(options.turn),
    redis: resolveRedis(options),
    sfu: resolveSfuMode(options.sfu),
    janus: options.janus ?? null,
    log,
  };
}

function resolveCallPolicyUrl(options: SignalingServerOptions): CallPolicyUrlOptions | null {
  const p = options.callPolicyUrl;
  if (p === undefined) return null;
  if (options.canCall !== undefined) throw new Error('callkit-server: give canCall or callPolicyUrl, not both');
  if (typeof p?.url !== 'string' || !/^https?:\/\/[^/]/i.test(p.url)) {
    throw new Error('callkit-server: callPolicyUrl.url must be an http(s) URL');
  }
  return {
    url: p.url,
    timeoutMs: positive('callPolicyUrl.timeoutMs', p.timeoutMs, DEFAULT_POLICY_TIMEOUT_MS, 1, 60_000),
    cacheTtlMs: positive('callPolicyUrl.cacheTtlMs', p.cacheTtlMs, DEFAULT_POLICY_CACHE_TTL_MS, 0, 86_400_000),
    cacheSize: positive('callPolicyUrl.cacheSize', p.cacheSize, DEFAULT_POLICY_CACHE_SIZE, 1, 10_000_000),
  };
}

function resolveRedis(options: SignalingServerOptions): ServerConfig['redis'] {
  if (options.redisUrl === undefined) return null;
  if (typeof options.redisUrl !== 'string' || !/^rediss?:\/\//.test(options.redisUrl)) {
    throw new Error('callkit-server: redisUrl must be a redis:// or rediss:// URL');
  }
  if (typeof options.databaseUrl === 'string') clusterDatabaseCheck(options.databaseUrl);
  return { url: options.redisUrl, leaseMs: positive('redisLeaseMs', options.redisLeaseMs, 5000, 200, 60_000) };
}

/**
 * With `redisUrl`, records must go to one Postgres every node shares: the embedded PGlite (a data
 * directory or `memory://`) is per node, so each node would hold a part of the records and of the
 * webhook outbox. Throws a clear Error for that.
 */
export function clusterDatabaseCheck(databaseUrl: string): void {
  if (isPostgresUrl(databaseUrl)) return;
  throw new Error(
    `callkit-server: the embedded database (${databaseUrl}) is per node, so a cluster's call records would be split between nodes: ` +
      'give every node the same postgres:// database, or run without records',
  );
}

function resolveRecordsOptions(options: SignalingServerOptions): Pick<ServerConfig, 'databaseUrl' | 'webhooks'> {
  const databaseUrl = options.databaseUrl ?? null;
  if (databaseUrl !== null && (typeof databaseUrl !== 'string' || databaseUrl === '')) {
    throw new Error('callkit-server: databaseUrl must be a postgres:// URL, a directory or memory://');
  }
  const webhooks = options.webhooks ?? null;
  if (webhooks) {
    if (databaseUrl === null) throw new Error('callkit-server: webhooks need a database (databaseUrl) for their outbox');
    let url: URL;
    try {
      url = new URL(webhooks.url);
    } catch {
      throw new Error(`callkit-server: webhooks.url is not a URL (got ${String(webhooks.url)})`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('callkit-server: webhooks.url must be http(s)');
    if (typeof webhooks.secret !== 'string' || Buffer.byteLength(webhooks.secret) < MIN_SECRET_BYTES) {
      throw new Error(`callkit-server: webhooks.secret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
  }
  return { databaseUrl, webhooks };
}

function resolveSfuMode(mode: SignalingServerOptions['sfu']): SfuMode {
  if (mode === undefined) return 'auto';
  if (mode !== 'auto' && mode !== 'always' && mode !== 'never') throw new Error("callkit-server: sfu must be 'auto', 'always' or 'never'");
  return mode;
}
