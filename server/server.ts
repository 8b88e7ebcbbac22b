/**
 * The signaling server: a `ws` WebSocketServer (noServer) that authenticates each socket with a
 * Tencent TLS v2 userSig, validates every frame with the shared protocol schemas and drives the
 * {@link CallRegistry}. Mount it on any Node http server with `handleUpgrade` / `handleHttp`, or run
 * it standalone with {@link startSignalingServer}.
 *
 * Close codes: 4401 not authenticated (login missing, late or bad), 4400 too many invalid frames,
 * 4429 over the rate limit for 10 s, 1009 frame over 64 KiB (ws), 1001 server shutting down.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import type { RawData } from 'ws';
import { MAX_FRAME_BYTES, encode, parseClientMessage, UserIdSchema } from '../src/protocol/messages.js';
import { DEFAULT_RING_TIMEOUT_S, MAX_RING_TIMEOUT_S } from '../src/constants.js';
import type { ClientMessage, ErrorCode, ParseResult, ServerMessage } from '../src/protocol/messages.js';
import * as v from 'valibot';
import { CallRegistry } from './registry.js';
import type { ConnId, OutgoingServerMessage } from './registry.js';
import { genUserSig, verifyUserSig } from './usersig.js';

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
  /** Rate limits (reliability §3.4); `false` turns them all off. */
  rateLimits?: RateLimitOptions | false;
  logger?: Logger;
}

export interface SignalingServer {
  /** Handle an HTTP upgrade (for mounting on an existing http server, e.g. Vite's dev server). Returns false if the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Node http request handler for the dev endpoint GET {path}/dev-usersig?user=<id> -> {sdkAppId,userId,userSig} JSON (404 unless dev). Returns false if not handled. */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  stats(): { sockets: number; users: number; calls: number; timers: number };
  /**
   * Terminates every socket of `userId` (like a network drop, close 1006 on the client); returns how
   * many. For tests: dev mode also serves it as GET {path}/dev-drop?user=<id>.
   */
  dropUser(userId: string): number;
  /** Terminates every socket, clears every timer. */
  close(): Promise<void>;
}

export const MIN_SECRET_BYTES = 32;
/** Lifetime of a userSig minted by the dev endpoint. */
export const DEV_USERSIG_EXPIRE_S = 24 * 3600;
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const INVALID_JSON_LIMIT = 3;
const INVALID_JSON_WINDOW_MS = 10_000;
const RATE_LIMIT_CLOSE_AFTER_MS = 10_000;
const MAX_IP_BUCKETS = 10_000;

const consoleLogger: Logger = {
  info: (m) => console.log(`[callkit-server] ${m}`),
  warn: (m) => console.warn(`[callkit-server] ${m}`),
  error: (m) => console.error(`[callkit-server] ${m}`),
};

interface Bucket {
  tokens: number;
  at: number;
}

interface Conn {
  id: ConnId;
  ws: WebSocket;
  ip: string;
  userId?: string;
  loginTimer?: ReturnType<typeof setTimeout>;
  lastSeen: number;
  bucket: Bucket;
  limitedSince?: number;
  /** The last message refused for the rate limit. */
  limitedAt?: number;
  lastRateErrorAt: number;
  invalidJsonAt: number[];
  closing: boolean;
  closed: Promise<void>;
  /** Terminated for missing pings: the silence is taken off the grace period. */
  timedOut?: boolean;
}

interface Limits {
  rate: number;
  burst: number;
  invitesPerMinute: number;
  connRate: number;
  connBurst: number;
}

function positive(name: string, value: number | undefined, fallback: number, min: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(`callkit-server: ${name} must be a number in [${min}, ${max}] (got ${String(value)})`);
  }
  return value;
}

function takeToken(bucket: Bucket, cost: number, ratePerS: number, burst: number, now: number): boolean {
  bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerS);
  bucket.at = now;
  if (bucket.tokens < cost) return false;
  bucket.tokens -= cost;
  return true;
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function pathnameOf(req: IncomingMessage): { pathname: string; searchParams: URLSearchParams } | null {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    return { pathname: url.pathname, searchParams: url.searchParams };
  } catch {
    return null;
  }
}

function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

function abortUpgrade(socket: Duplex, status: number, text: string): void {
  try {
    socket.once('finish', () => socket.destroy());
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
  } catch {
    socket.destroy();
  }
}

class SignalingServerImpl implements SignalingServer {
  private readonly secret: string;
  private readonly sdkAppId: number;
  private readonly dev: boolean;
  private readonly path: string;
  private readonly pingIntervalMs: number;
  private readonly pingTimeoutMs: number;
  private readonly loginTimeoutMs: number;
  private readonly allowedOrigins: Set<string> | null;
  private readonly limits: Limits | null;
  private readonly log: Logger;
  private readonly wss: WebSocketServer;
  private readonly registry: CallRegistry;
  private readonly conns = new Map<ConnId, Conn>();
  private readonly inviteBuckets = new Map<string, Bucket>();
  private readonly ipBuckets = new Map<string, Bucket>();
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private nextConnId = 1;
  private closing: Promise<void> | null = null;

  constructor(options: SignalingServerOptions) {
    if (!options || typeof options !== 'object') throw new Error('callkit-server: options are required');
    this.log = options.logger ?? consoleLogger;
    this.dev = options.dev === true;
    if (typeof options.secret !== 'string' || options.secret.length === 0) {
      throw new Error('callkit-server: a secret (the userSig HMAC key) is required');
    }
    const secretBytes = Buffer.byteLength(options.secret, 'utf8');
    if (secretBytes < MIN_SECRET_BYTES && !this.dev) {
      throw new Error(
        `callkit-server: the secret is ${secretBytes} bytes; at least ${MIN_SECRET_BYTES} are required (or dev: true for local development)`,
      );
    }
    this.secret = options.secret;
    if (!Number.isSafeInteger(options.sdkAppId) || options.sdkAppId < 1 || options.sdkAppId > 0xffffffff) {
      throw new Error(`callkit-server: sdkAppId must be an integer in [1, 4294967295] (got ${String(options.sdkAppId)})`);
    }
    this.sdkAppId = options.sdkAppId;
    const path = options.path ?? '/ck';
    if (typeof path !== 'string' || !/^\/[A-Za-z0-9._~\-/]*$/.test(path) || (path.length > 1 && path.endsWith('/'))) {
      throw new Error(`callkit-server: path must look like '/ck' (got ${String(path)})`);
    }
    this.path = path;
    const ringTimeoutS = positive('ringTimeoutS', options.ringTimeoutS, DEFAULT_RING_TIMEOUT_S, 0.1, MAX_RING_TIMEOUT_S);
    this.pingIntervalMs = positive('pingIntervalMs', options.pingIntervalMs, 5000, 10);
    this.pingTimeoutMs = positive('pingTimeoutMs', options.pingTimeoutMs, 15000, 10);
    this.loginTimeoutMs = positive('loginTimeoutMs', options.loginTimeoutMs, 5000, 10);
    if (options.allowedOrigins !== undefined) {
      if (!Array.isArray(options.allowedOrigins) || options.allowedOrigins.some((o) => typeof o !== 'string')) {
        throw new Error('callkit-server: allowedOrigins must be an array of origins');
      }
      this.allowedOrigins = options.allowedOrigins.includes('*') ? null : new Set(options.allowedOrigins.map(normalizeOrigin));
    } else if (this.dev) {
      this.allowedOrigins = null;
    } else {
      throw new Error(
        "callkit-server: allowedOrigins is required outside dev mode: list your app's web origins (e.g. ['https://app.example.com']), or ['*'] to allow any page deliberately",
      );
    }
    if (options.rateLimits === false) {
      this.limits = null;
    } else {
      const r = options.rateLimits ?? {};
      this.limits = {
        rate: positive('rateLimits.messagesPerSecond', r.messagesPerSecond, 20, 0.001),
        burst: positive('rateLimits.messageBurst', r.messageBurst, 40, 1),
        invitesPerMinute: positive('rateLimits.invitesPerMinute', r.invitesPerMinute, 10, 1),
        connRate: positive('rateLimits.connectionsPerSecond', r.connectionsPerSecond, 5, 0.001),
        connBurst: positive('rateLimits.connectionBurst', r.connectionBurst, 10, 1),
      };
    }

    if (this.dev) {
      this.log.warn(
        `dev mode: GET ${this.path}/dev-usersig mints a userSig for any user id; never enable dev mode in production`,
      );
      if (secretBytes < MIN_SECRET_BYTES) {
        this.log.warn(`the secret is only ${secretBytes} bytes (at least ${MIN_SECRET_BYTES} outside dev mode)`);
      }
    } else if (!this.allowedOrigins) {
      this.log.warn("allowedOrigins ['*']: any web page may open a signaling socket");
    }

    const graceMs = positive('graceMs', options.graceMs, 15_000, 0, 600_000);
    this.registry = new CallRegistry({ send: (conn, msg) => this.send(conn, msg), ringTimeoutS, graceMs });
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.wss.on('error', (err) => this.log.error(`ws server error: ${err.message}`));
    // With a listener, ws leaves the refused handshake to us: answer 400 and close the socket.
    this.wss.on('wsClientError', (err, socket) => {
      this.log.info(`bad websocket handshake: ${err.message}`);
      abortUpgrade(socket, 400, 'Bad Request');
    });
    this.heartbeat = setInterval(() => this.tick(), this.pingIntervalMs);
    this.heartbeat.unref?.();
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = pathnameOf(req);
    if (!url || url.pathname !== this.path) return false;
    socket.on('error', () => undefined);
    try {
      if (this.closing) {
        abortUpgrade(socket, 503, 'Service Unavailable');
        return true;
      }
      if (!this.originAllowed(req)) {
        this.log.info(`refused upgrade from origin ${String(req.headers.origin).slice(0, 200)}`);
        abortUpgrade(socket, 403, 'Forbidden');
        return true;
      }
      const ip = req.socket.remoteAddress ?? 'unknown';
      if (!this.allowConnection(ip)) {
        abortUpgrade(socket, 429, 'Too Many Requests');
        return true;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, ip));
    } catch (err) {
      this.log.error(`upgrade failed: ${(err as Error)?.stack ?? String(err)}`);
      abortUpgrade(socket, 400, 'Bad Request');
    }
    return true;
  }

  handleHttp(req: IncomingMessage, res: ServerResponse): boolean {
    const url = pathnameOf(req);
    if (!url) return false;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    try {
      if (url.pathname === `${this.path}/dev-usersig`) {
        if (!this.dev) send(404, { error: 'not found' });
        else if (req.method !== 'GET') send(405, { error: 'method not allowed' });
        else if (!this.originAllowed(req)) send(403, { error: 'origin not allowed' });
        else {
          const user = url.searchParams.get('user') ?? '';
          if (!v.is(UserIdSchema, user)) send(400, { error: 'user must match [A-Za-z0-9_-]{1,64}' });
          else {
            const userSig = genUserSig({ sdkAppId: this.sdkAppId, secret: this.secret, userId: user, expireSeconds: DEV_USERSIG_EXPIRE_S });
            this.log.info(`dev userSig minted for ${user}`);
            send(200, { sdkAppId: this.sdkAppId, userId: user, userSig });
          }
        }
        return true;
      }
      if (url.pathname === `${this.path}/dev-drop`) {
        if (!this.dev) send(404, { error: 'not found' });
        else if (!this.originAllowed(req)) send(403, { error: 'origin not allowed' });
        else send(200, { dropped: this.dropUser(url.searchParams.get('user') ?? '') });
        return true;
      }
      if (url.pathname === `${this.path}/health`) {
        send(200, { ok: true });
        return true;
      }
      if (url.pathname === this.path) {
        send(426, { error: 'this is a WebSocket endpoint' });
        return true;
      }
    } catch (err) {
      this.log.error(`http handler failed: ${(err as Error)?.stack ?? String(err)}`);
      if (!res.headersSent) send(500, { error: 'internal' });
      else res.destroy();
      return true;
    }
    return false;
  }

  private originAllowed(req: IncomingMessage): boolean {
    if (!this.allowedOrigins) return true;
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    return this.allowedOrigins.has(normalizeOrigin(origin));
  }

  private allowConnection(ip: string): boolean {
    if (!this.limits) return true;
    const now = Date.now();
    let bucket = this.ipBuckets.get(ip);
    if (bucket) this.ipBuckets.delete(ip);
    else {
      bucket = { tokens: this.limits.connBurst, at: now };
      if (this.ipBuckets.size >= MAX_IP_BUCKETS) {
        const oldest = this.ipBuckets.keys().next().value;
        if (oldest !== undefined) this.ipBuckets.delete(oldest);
      }
    }
    this.ipBuckets.set(ip, bucket); // most recently used last
    return takeToken(bucket, 1, this.limits.connRate, this.limits.connBurst, now);
  }

  // ---- sockets --------------------------------------------------------------------------------

  private onConnection(ws: WebSocket, ip: string): void {
    if (this.closing) {
      ws.terminate();
      return;
    }
    let resolveClosed!: () => void;
    const conn: Conn = {
      id: this.nextConnId++,
      ws,
      ip,
      lastSeen: Date.now(),
      bucket: { tokens: this.limits?.burst ?? 0, at: Date.now() },
      lastRateErrorAt: 0,
      invalidJsonAt: [],
      closing: false,
      closed: new Promise<void>((resolve) => (resolveClosed = resolve)),
    };
    this.conns.set(conn.id, conn);
    if (this.dev) this.log.warn(`dev mode: socket ${conn.id} from ${ip} (dev mode is not for production)`);
    conn.loginTimer = setTimeout(() => {
      conn.loginTimer = undefined;
      if (!conn.userId) this.closeConn(conn, 4401, 'login timeout');
    }, this.loginTimeoutMs);
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.on('pong', () => {
      conn.lastSeen = Date.now();
    });
    ws.on('error', (err) => {
      // e.g. a frame over maxPayload: ws closes the socket with 1009 itself.
      this.log.info(`socket ${conn.id} error: ${err.message}`);
    });
    ws.on('close', () => {
      this.onClose(conn);
      resolveClosed();
    });
  }

  private onClose(conn: Conn): void {
    if (conn.loginTimer) clearTimeout(conn.loginTimer);
    conn.loginTimer = undefined;
    this.conns.delete(conn.id);
    const silentFor = conn.timedOut ? Date.now() - conn.lastSeen : 0;
    if (conn.userId !== undefined && !this.closing) this.guard(conn, undefined, () => this.registry.disconnect(conn.id, silentFor));
  }

  private closeConn(conn: Conn, code: number, reason: string): void {
    if (conn.closing) return;
    conn.closing = true;
    if (conn.loginTimer) clearTimeout(conn.loginTimer);
    conn.loginTimer = undefined;
    // Leave the call now, not when the close handshake completes.
    if (conn.userId !== undefined) this.guard(conn, undefined, () => this.registry.disconnect(conn.id));
    try {
      conn.ws.close(code, reason);
    } catch {
      conn.ws.terminate();
    }
  }

  private tick(): void {
    const now = Date.now();
    for (const conn of this.conns.values()) {
      if (now - conn.lastSeen > this.pingTimeoutMs) {
        this.log.info(`socket ${conn.id}${conn.userId ? ` (${conn.userId})` : ''} missed pings: terminating`);
        conn.timedOut = true;
        conn.ws.terminate();
      } else if (conn.ws.readyState === WebSocket.OPEN) {
        try {
          conn.ws.ping();
        } catch {
          conn.ws.terminate();
        }
      }
    }
    if (this.limits) {
      const online = new Set<string>();
      for (const c of this.conns.values()) if (c.userId) online.add(c.userId);
      for (const [userId, b] of this.inviteBuckets) {
        if (!online.has(userId) && now - b.at > 60_000) this.inviteBuckets.delete(userId);
      }
      const full = (this.limits.connBurst / this.limits.connRate) * 1000;
      for (const [ip, b] of this.ipBuckets) if (now - b.at > full) this.ipBuckets.delete(ip);
    }
  }

  private send(connId: ConnId, message: OutgoingServerMessage): void {
    const conn = this.conns.get(connId);
    if (!conn || conn.ws.readyState !== WebSocket.OPEN) return;
    if (conn.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn(`socket ${conn.id} is not reading (over ${MAX_BUFFERED_BYTES} bytes queued): terminating`);
      conn.ws.terminate();
      return;
    }
    conn.ws.send(encode<ServerMessage>(message));
  }

  private sendError(conn: Conn, ref: string | undefined, code: ErrorCode, message: string, field?: string): void {
    const out: OutgoingServerMessage = { type: 'error', ref, code, message };
    if (field !== undefined) out.field = field;
    this.send(conn.id, out);
  }

  /** Runs a handler; no exception escapes: it is logged and answered with `error internal`. */
  private guard(conn: Conn, ref: string | undefined, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error(`internal error on socket ${conn.id}: ${(err as Error)?.stack ?? String(err)}`);
      try {
        this.sendError(conn, ref, 'internal', 'internal server error');
      } catch {
        // the socket is gone
      }
    }
  }

  private onMessage(conn: Conn, data: RawData, isBinary: boolean): void {
    this.guard(conn, undefined, () => {
      if (conn.closing || this.closing) return;
      const now = Date.now();
      conn.lastSeen = now;
      const parsed: ParseResult<ClientMessage> = isBinary
        ? { ok: false, code: 'invalid-json', message: 'binary frames are not accepted' }
        : parseClientMessage(rawToString(data));
      const ref = parsed.ok ? parsed.message.id : parsed.id;
      const cost = parsed.ok && parsed.message.type === 'relay' && parsed.message.data.kind === 'candidate' ? 0.25 : 1;
      if (!this.takeMessageToken(conn, cost, ref, now)) return;
      if (!parsed.ok) {
        this.sendError(conn, parsed.id, parsed.code, parsed.message, parsed.field);
        if (conn.userId === undefined) return this.closeConn(conn, 4401, 'login required');
        if (parsed.code === 'invalid-json') {
          conn.invalidJsonAt = conn.invalidJsonAt.filter((t) => now - t < INVALID_JSON_WINDOW_MS);
          conn.invalidJsonAt.push(now);
          if (conn.invalidJsonAt.length >= INVALID_JSON_LIMIT) this.closeConn(conn, 4400, 'too many invalid frames');
        }
        return;
      }
      this.guard(conn, ref, () => this.dispatch(conn, parsed.message));
    });
  }

  private takeMessageToken(conn: Conn, cost: number, ref: string | undefined, now: number): boolean {
    if (!this.limits) return true;
    if (takeToken(conn.bucket, cost, this.limits.rate, this.limits.burst, now)) {
      // A flooder still wins a token at each refill: it stays "over the limit" until a second passes with no refusal.
      if (conn.limitedAt === undefined || now - conn.limitedAt >= 1000) conn.limitedSince = undefined;
      return true;
    }
    conn.limitedSince ??= now;
    conn.limitedAt = now;
    if (now - conn.limitedSince >= RATE_LIMIT_CLOSE_AFTER_MS) {
      this.log.warn(`socket ${conn.id}${conn.userId ? ` (${conn.userId})` : ''} over the rate limit for 10 s: closing`);
      this.closeConn(conn, 4429, 'rate limited');
    } else if (now - conn.lastRateErrorAt >= 1000) {
      conn.lastRateErrorAt = now;
      this.sendError(conn, ref, 'rate-limited', 'too many messages: slow down');
    }
    return false;
  }

  private dispatch(conn: Conn, msg: ClientMessage): void {
    if (conn.userId === undefined) {
      if (msg.type !== 'login') {
        this.sendError(conn, msg.id, 'not-logged-in', 'the first message must be login');
        return this.closeConn(conn, 4401, 'login required');
      }
      return this.login(conn, msg);
    }
    switch (msg.type) {
      case 'login':
        return this.sendError(conn, msg.id, 'already-logged-in', 'this socket is already logged in');
      case 'profile':
        this.registry.setProfile(conn.id, { name: msg.name, avatar: msg.avatar }, { multiIncoming: msg.multiIncoming, callWaiting: msg.callWaiting });
        return this.send(conn.id, { type: 'ok', ref: msg.id });
      case 'invite':
      case 'invite-user':
        if (this.limits) {
          const now = Date.now();
          let bucket = this.inviteBuckets.get(conn.userId);
          if (!bucket) {
            bucket = { tokens: this.limits.invitesPerMinute, at: now };
            this.inviteBuckets.set(conn.userId, bucket);
          }
          const perMinute = this.limits.invitesPerMinute;
          if (!takeToken(bucket, 1, perMinute / 60, perMinute, now)) {
            return this.sendError(conn, msg.id, 'rate-limited', `at most ${perMinute} invites a minute`);
          }
        }
        return this.registry.handle(conn.id, msg);
      default:
        return this.registry.handle(conn.id, msg);
    }
  }

  private login(conn: Conn, msg: Extract<ClientMessage, { type: 'login' }>): void {
    const fail = (why: string) => {
      this.log.info(`login refused for ${msg.userId} on socket ${conn.id}: ${why}`);
      this.sendError(conn, msg.id, 'auth-failed', `login refused: ${why}`);
      this.closeConn(conn, 4401, 'auth failed');
    };
    if (msg.sdkAppId !== this.sdkAppId) return fail('wrong sdkAppId');
    const result = verifyUserSig(msg.userSig, { sdkAppId: this.sdkAppId, secret: this.secret });
    if (!result.ok) return fail(`userSig ${result.reason}`);
    if (result.userId !== msg.userId) return fail('userSig is for another user');
    if (conn.loginTimer) clearTimeout(conn.loginTimer);
    conn.loginTimer = undefined;
    conn.userId = msg.userId;
    this.send(conn.id, { type: 'login-ok', ref: msg.id, userId: msg.userId, serverTime: Date.now() });
    this.registry.login(conn.id, msg.userId, { name: msg.name, avatar: msg.avatar }, { multiIncoming: msg.multiIncoming, callWaiting: msg.callWaiting });
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  dropUser(userId: string): number {
    let dropped = 0;
    for (const conn of this.conns.values()) {
      if (conn.userId !== undefined && conn.userId === userId) {
        conn.ws.terminate();
        dropped++;
      }
    }
    if (dropped) this.log.info(`dropped ${dropped} socket(s) of ${userId}`);
    return dropped;
  }

  stats(): { sockets: number; users: number; calls: number; timers: number } {
    const r = this.registry.stats();
    let loginTimers = 0;
    for (const c of this.conns.values()) if (c.loginTimer) loginTimers++;
    return { sockets: this.conns.size, users: r.users, calls: r.calls, timers: r.timers + loginTimers };
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      clearInterval(this.heartbeat);
      this.registry.close();
      const conns = [...this.conns.values()];
      for (const conn of conns) {
        if (conn.loginTimer) clearTimeout(conn.loginTimer);
        conn.loginTimer = undefined;
        conn.closing = true;
        try {
          conn.ws.close(1001, 'server shutting down');
        } catch {
          conn.ws.terminate();
        }
      }
      let deadline: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(conns.map((c) => c.closed)),
        new Promise<void>((resolve) => (deadline = setTimeout(resolve, 1000))),
      ]);
      clearTimeout(deadline);
      for (const conn of this.conns.values()) conn.ws.terminate();
      await Promise.all([...this.conns.values()].map((c) => c.closed));
      this.conns.clear();
      this.inviteBuckets.clear();
      this.ipBuckets.clear();
      await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    })();
    return this.closing;
  }
}

/** Creates the signaling server; throws a clear Error for a bad config (secret too short outside dev, bad sdkAppId, ...). */
export function createSignalingServer(options: SignalingServerOptions): SignalingServer {
  return new SignalingServerImpl(options);
}

/** Standalone: an http server on host:port (port 0 = free port) with the ws server and dev endpoint mounted. */
export async function startSignalingServer(
  options: SignalingServerOptions & { port?: number; host?: string },
): Promise<SignalingServer & { port: number; url: string }> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const signaling = createSignalingServer(rest);
  const http = createServer((req, res) => {
    if (!signaling.handleHttp(req, res)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!signaling.handleUpgrade(req, socket, head)) {
      socket.on('error', () => undefined);
      abortUpgrade(socket, 404, 'Not Found');
    }
  });
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await signaling.close();
    throw err;
  }
  http.on('error', (err) => (rest.logger ?? consoleLogger).error(`http server error: ${err.message}`));
  const actualPort = (http.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    port: actualPort,
    url: `ws://${urlHost}:${actualPort}${rest.path ?? '/ck'}`,
    handleUpgrade: (req, socket, head) => signaling.handleUpgrade(req, socket, head),
    handleHttp: (req, res) => signaling.handleHttp(req, res),
    stats: () => signaling.stats(),
    dropUser: (userId) => signaling.dropUser(userId),
    close: () =>
      (closing ??= (async () => {
        await signaling.close();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
      })()),
  };
}
