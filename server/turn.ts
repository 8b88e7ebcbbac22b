/**
 * TURN credentials for logged-in users, in the TURN REST API scheme coturn implements with
 * `use-auth-secret` / `static-auth-secret` (draft-uberti-behave-turn-rest-00):
 *
 *   username   = `<expiry>:<userId>`   (expiry: UNIX time in seconds)
 *   credential = base64(HMAC-SHA1(static-auth-secret, username))
 *
 * coturn recomputes the credential from the username with its shared secret and refuses an
 * allocation whose expiry is past. The signaling server puts one set in `login-ok` and hands a
 * fresh one to a `turn` request (the engine asks before the set expires).
 */
import { createHmac } from 'node:crypto';

/** The TURN options of the server. */
export interface TurnOptions {
  /** TURN/STUN URLs, e.g. `['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349']`. */
  urls: string[];
  /** coturn's `static-auth-secret`. */
  secret: string;
  /** Credential lifetime in seconds. Default 86400 (24 h). */
  ttlS?: number;
  /** Clients relay all media through TURN (`iceTransportPolicy: 'relay'`): hides users' addresses from each other. */
  relayOnly?: boolean;
}

export interface TurnConfig {
  urls: string[];
  secret: string;
  ttlS: number;
  relayOnly: boolean;
}

/** What a client is sent: RTCPeerConnection configuration and when it stops working (ms since the epoch). */
export interface TurnGrant {
  iceServers: { urls: string[]; username: string; credential: string }[];
  iceTransportPolicy?: 'relay';
  expiresAt: number;
}

export const DEFAULT_TURN_TTL_S = 24 * 3600;
/** Shortest credential lifetime accepted: the engine asks for a fresh set before this runs out. */
export const MIN_TURN_TTL_S = 10;

/** Checks the TURN options (throws a clear Error); null when TURN is not configured. */
export function resolveTurn(options: TurnOptions | undefined): TurnConfig | null {
  if (options === undefined) return null;
  const urls = options.urls;
  if (!Array.isArray(urls) || urls.length === 0 || urls.some((u) => typeof u !== 'string' || !/^turns?:[^\s]+$|^stun:[^\s]+$/.test(u))) {
    throw new Error(`callkit-server: turn.urls must be turn:/turns:/stun: URLs (got ${JSON.stringify(urls)})`);
  }
  if (typeof options.secret !== 'string' || options.secret.length === 0) {
    throw new Error('callkit-server: turn.secret (coturn static-auth-secret) is required with turn.urls');
  }
  const ttlS = options.ttlS ?? DEFAULT_TURN_TTL_S;
  if (!Number.isInteger(ttlS) || ttlS < MIN_TURN_TTL_S || ttlS > 30 * 24 * 3600) {
    throw new Error(`callkit-server: turn.ttlS must be an integer in [${MIN_TURN_TTL_S}, 2592000] (got ${String(options.ttlS)})`);
  }
  return { urls: [...urls], secret: options.secret, ttlS, relayOnly: options.relayOnly === true };
}

/** The TURN REST API credential for `username` (what coturn computes with `static-auth-secret`). */
export function turnCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/** A credential set for `userId`, valid for `ttlS` from `nowMs`. */
export function mintTurn(config: TurnConfig, userId: string, nowMs = Date.now()): TurnGrant {
  const expiry = Math.floor(nowMs / 1000) + config.ttlS;
  const username = `${expiry}:${userId}`;
  const grant: TurnGrant = {
    iceServers: [{ urls: [...config.urls], username, credential: turnCredential(config.secret, username) }],
    expiresAt: expiry * 1000,
  };
  if (config.relayOnly) grant.iceTransportPolicy = 'relay';
  return grant;
}
