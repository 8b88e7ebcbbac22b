/**
 * The server's HTTP face: the WebSocket upgrade gate (path, shutting down, Origin allow-list,
 * per-address connection limit) and the plain HTTP endpoints under the path (`health`, and in dev
 * mode `dev-usersig` and `dev-drop`). Admission rules for new sockets (trusted proxies, per-address
 * caps, Origin logging) land here; what happens on an accepted socket is `connection.ts`'s.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { BlockList, isIP } from 'node:net';
import * as v from 'valibot';
import { UserIdSchema } from '../src/protocol/messages.js';
import { normalizeOrigin } from './options.js';
import type { ServerConfig } from './options.js';
import { genUserSig } from './usersig.js';

/** Lifetime of a userSig minted by the dev endpoint. */
export const DEV_USERSIG_EXPIRE_S = 24 * 3600;

/** What the HTTP face needs from the rest of the server. */
export interface HttpHooks {
  isClosing(): boolean;
  /** Charges the address's connection budget; false: refuse (429). */
  allowConnection(ip: string): boolean;
  /** The socket caps: null to admit one more socket from `ip`, else the HTTP status to refuse it with. */
  admit(ip: string): number | null;
  /** Completes the WebSocket handshake and hands the socket on. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ip: string): void;
  /** Terminates every socket of the user (dev-drop); returns how many. */
  dropUser(userId: string): number;
}

export function pathnameOf(req: IncomingMessage): { pathname: string; searchParams: URLSearchParams } | null {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    return { pathname: url.pathname, searchParams: url.searchParams };
  } catch {
    return null;
  }
}

/** An IPv4-mapped IPv6 address as plain IPv4. */
function plain(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function trusted(proxies: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The address a request comes from: the peer, or, when the peer is a trusted proxy, the rightmost
 * `X-Forwarded-For` entry that is not a trusted proxy itself (entries to its left are whatever the
 * client sent, and are ignored).
 */
export function clientAddress(req: IncomingMessage, proxies: BlockList | null = null): string {
  const peer = plain(req.socket.remoteAddress ?? 'unknown');
  if (!proxies || !trusted(proxies, peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((s) => plain(s.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isIP(hops[i])) return peer; // garbage: do not guess
    if (!trusted(proxies, hops[i])) return hops[i];
  }
  return peer;
}

/** The key of the per-address limits: an IPv4 address, or an IPv6 address's /64 (one host's usual share). */
export function limitKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** Answers a refused upgrade with a plain HTTP status and closes the socket. */
export function abortUpgrade(socket: Duplex, status: number, text: string): void {
  try {
    socket.once('finish', () => socket.destroy());
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
  } catch {
    socket.destroy();
  }
}

/** How often a refused Origin from one address is logged at most. */
export const ORIGIN_LOG_INTERVAL_MS = 60_000;

/** A header value as a log line shows it: JSON-quoted, with C1 controls and bidi/line separators escaped too. */
export function forLog(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export class HttpEndpoints {
  private readonly refusedOrigins = new Map<string, { at: number; count: number }>();

  constructor(
    private readonly config: ServerConfig,
    private readonly hooks: HttpHooks,
  ) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = pathnameOf(req);
    if (!url || url.pathname !== this.config.path) return false;
    socket.on('error', () => undefined);
    try {
      if (this.hooks.isClosing()) {
        abortUpgrade(socket, 503, 'Service Unavailable');
        return true;
      }
      const ip = limitKey(clientAddress(req, this.config.trustProxy));
      const capped = this.hooks.admit(ip);
      if (capped !== null) {
        abortUpgrade(socket, capped, capped === 503 ? 'Service Unavailable' : 'Too Many Requests');
        return true;
      }
      // The address's budget is charged before the Origin check, so refused Origins cost it too.
      if (!this.hooks.allowConnection(ip)) {
        abortUpgrade(socket, 429, 'Too Many Requests');
        return true;
      }
      if (!this.originAllowed(req)) {
        this.logRefusedOrigin(ip, String(req.headers.origin));
        abortUpgrade(socket, 403, 'Forbidden');
        return true;
      }
      this.hooks.upgrade(req, socket, head, ip);
    } catch (err) {
      this.config.log.error(`upgrade failed: ${(err as Error)?.stack ?? String(err)}`);
      abortUpgrade(socket, 400, 'Bad Request');
    }
    return true;
  }

  handleHttp(req: IncomingMessage, res: ServerResponse): boolean {
    const url = pathnameOf(req);
    if (!url) return false;
    const { path, dev, log, sdkAppId, secret } = this.config;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    try {
      if (url.pathname === `${path}/dev-usersig`) {
        if (!dev) send(404, { error: 'not found' });
        else if (req.method !== 'GET') send(405, { error: 'method not allowed' });
        else if (!this.originAllowed(req)) send(403, { error: 'origin not allowed' });
        else {
          const user = url.searchParams.get('user') ?? '';
          if (!v.is(UserIdSchema, user)) send(400, { error: 'user must match [A-Za-z0-9_-]{1,64}' });
          else {
            const userSig = genUserSig({ sdkAppId, secret, userId: user, expireSeconds: DEV_USERSIG_EXPIRE_S });
            log.info(`dev userSig minted for ${user}`);
            send(200, { sdkAppId, userId: user, userSig });
          }
        }
        return true;
      }
      if (url.pathname === `${path}/dev-drop`) {
        if (!dev) send(404, { error: 'not found' });
        else if (!this.originAllowed(req)) send(403, { error: 'origin not allowed' });
        else send(200, { dropped: this.hooks.dropUser(url.searchParams.get('user') ?? '') });
        return true;
      }
      if (url.pathname === `${path}/health`) {
        send(200, { ok: true });
        return true;
      }
      if (url.pathname === path) {
        send(426, { error: 'this is a WebSocket endpoint' });
        return true;
      }
    } catch (err) {
      log.error(`http handler failed: ${(err as Error)?.stack ?? String(err)}`);
      if (!res.headersSent) send(500, { error: 'internal' });
      else res.destroy();
      return true;
    }
    return false;
  }

  /** One line per address a minute at most, with the count of refusals it stands for. */
  private logRefusedOrigin(ip: string, origin: string): void {
    const now = Date.now();
    const seen = this.refusedOrigins.get(ip);
    if (seen && now - seen.at < ORIGIN_LOG_INTERVAL_MS) {
      seen.count++;
      return;
    }
    if (this.refusedOrigins.size >= 10_000) this.refusedOrigins.clear();
    const more = seen && seen.count > 0 ? ` (and ${seen.count} more refused since the last line)` : '';
    this.refusedOrigins.set(ip, { at: now, count: 0 });
    this.config.log.info(`refused upgrade from origin ${forLog(origin.slice(0, 200))} from ${ip}${more}`);
  }

  private originAllowed(req: IncomingMessage): boolean {
    const allowed = this.config.allowedOrigins;
    if (!allowed) return true;
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    return allowed.has(normalizeOrigin(origin));
  }
}
