/**
 * The sockets: one {@link Conn} per accepted WebSocket, from handshake to close. This layer owns
 * the per-socket rules that do not depend on what a message means: the login deadline, the
 * heartbeat (ping every `pingIntervalMs`, terminate after `pingTimeoutMs` of silence), frame
 * parsing against the protocol schemas, the message rate limit and the invalid-frame budget,
 * back-pressure on sends, and exception guarding. Valid messages go to a {@link ConnectionHandler}
 * (`dispatch.ts`); a logged-in socket that goes away is reported to it once it closes.
 *
 * Every frame is charged before it is parsed (a frame token and its bytes, `rate-limit.ts`); a
 * refused frame is not parsed, and the socket stops being read until its budget has refilled, so a
 * flood costs the server next to nothing and the kernel's TCP window pushes back on the sender.
 * Fairness: at most {@link FRAMES_PER_TURN} frames of one socket are handled per event-loop turn;
 * the rest of a read wait, charged and in order, behind the other sockets. A socket closed for
 * flooding has the rest of its read dropped unframed, and coming back at once gains it nothing
 * (`RateLimiter.penalize`).
 *
 * Close codes: 4401 not authenticated (login missing, late or bad), 4400 too many invalid frames,
 * 4429 flooding (more than `floodCeiling` frames refused in one second, or more than
 * `refusalLimit` in any 10 s), 4409 replaced (the user opened more than `maxSocketsPerUser`
 * sockets: the oldest is closed) or "userSigExpired" (its userSig expired without a `renew`), 1009 frame over 64 KiB (ws), 1001 server shutting down.
 */
import { WebSocket } from 'ws';
import type { RawData } from 'ws';
import { encode, parseClientMessage } from '../src/protocol/messages.js';
import type { ClientMessage, ErrorCode, ParseResult, ServerMessage } from '../src/protocol/messages.js';
import type { ConnId, OutgoingServerMessage } from './call-model.js';
import type { ServerConfig } from './options.js';
import { HeartbeatSweep } from './heartbeat.js';
import { MIN_FRAME_COST } from './rate-limit.js';
import type { MessageBudget, MessageVerdict, RateLimiter } from './rate-limit.js';

export interface Conn {
  id: ConnId;
  ws: WebSocket;
  ip: string;
  userId?: string;
  loginTimer?: ReturnType<typeof setTimeout>;
  lastSeen: number;
  budget: MessageBudget;
  invalidJsonAt: number[];
  closing: boolean;
  closed: Promise<void>;
  /** Terminated for missing pings: the silence is taken off the grace period. */
  timedOut?: boolean;
  /** Reading is paused until the rate budget refills. */
  resumeTimer?: ReturnType<typeof setTimeout>;
  /** When the userSig of this logged-in socket expires (ms since the epoch). */
  sigExpiresAt?: number;
  /** `usersig-expiring` was sent for the current userSig. */
  sigWarned?: boolean;
  /** The next userSig check (warning or expiry), see `dispatch.ts`. */
  sigTimer?: ReturnType<typeof setTimeout>;
  /** Frames charged but deferred to a later event-loop turn (over {@link FRAMES_PER_TURN}), in order. */
  backlog?: Deferred[];
}

/** A frame deferred to a later turn, or (null) a `rate-limited` answer kept in order behind them. */
type Deferred = { data: RawData; isBinary: boolean } | null;

export interface ConnectionHandler {
  /** A message that passed the schema and the rate limit (the first one is the `login`). */
  onMessage(conn: Conn, message: ClientMessage): void;
  /**
   * A logged-in socket is closing or gone; `silentForMs`: how long it had been silent when it was
   * terminated for missing pings (0 otherwise). May be told twice for one socket (close, then gone).
   */
  onGone(conn: ConnId, silentForMs: number): void;
}

const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const RATE_LIMITED = 'too many messages: slow down';
/** Frames of one socket handled in one event-loop turn; more wait for the next turn (fairness). */
export const FRAMES_PER_TURN = 4;
const INVALID_JSON_LIMIT = 3;
const INVALID_JSON_WINDOW_MS = 10_000;

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function who(conn: Conn): string {
  return `socket ${conn.id}${conn.userId ? ` (${conn.userId})` : ''}`;
}

export class Connections {
  private readonly conns = new Map<ConnId, Conn>();
  /** Logged-in sockets by user, oldest first: a login checks its user's cap without a scan of every socket. */
  private readonly byUser = new Map<string, Set<Conn>>();
  /** Open sockets per remote address. */
  private readonly perIp = new Map<string, number>();
  private readonly heartbeat: HeartbeatSweep<ConnId, Conn>;
  private nextConnId = 1;
  private shuttingDown = false;
  private readonly turn = new TurnQuota((conns) => this.drainBacklogs(conns));

  constructor(
    private readonly config: ServerConfig,
    private readonly limiter: RateLimiter,
    private readonly handler: ConnectionHandler,
  ) {
    // One shared timer, each socket visited once per interval, spread over it (`heartbeat.ts`).
    this.heartbeat = new HeartbeatSweep(
      this.conns,
      config.pingIntervalMs,
      (conn, now) => this.beat(conn, now),
      (now) => this.limiter.prune(now, (userId) => this.byUser.has(userId)),
    );
  }

  /**
   * Whether one more socket from `ip` may be opened: null if so, else the HTTP status to refuse it
   * with (429 over the per-address cap, 503 over the total cap).
   */
  admit(ip: string): number | null {
    const limits = this.limiter.limits;
    if (!limits) return null;
    if (this.conns.size >= limits.maxSockets) return 503;
    if ((this.perIp.get(ip) ?? 0) >= limits.maxSocketsPerIp) return 429;
    return null;
  }

  /** Numbers the next sockets base + 1, base + 2, ... (a cluster node's range: `cluster/cluster.ts`). */
  setIdBase(base: number): void {
    this.nextConnId = base + 1;
  }

  /** Takes over a socket that completed its handshake. */
  accept(ws: WebSocket, ip: string): void {
    if (this.shuttingDown) {
      ws.terminate();
      return;
    }
    let resolveClosed!: () => void;
    const conn: Conn = {
      id: this.nextConnId++,
      ws,
      ip,
      lastSeen: Date.now(),
      budget: this.limiter.newBudget(Date.now()),
      invalidJsonAt: [],
      closing: false,
      closed: new Promise<void>((resolve) => (resolveClosed = resolve)),
    };
    this.conns.set(conn.id, conn);
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
    if (this.config.dev) this.config.log.warn(`dev mode: socket ${conn.id} from ${ip} (dev mode is not for production)`);
    conn.loginTimer = setTimeout(() => {
      conn.loginTimer = undefined;
      if (!conn.userId) this.close(conn, 4401, 'login timeout');
    }, this.config.loginTimeoutMs);
    ws.on('message', (data, isBinary) => this.onFrame(conn, data, isBinary));
    ws.on('pong', () => {
      conn.lastSeen = Date.now();
    });
    ws.on('error', (err) => {
      // e.g. a frame over maxPayload: ws closes the socket with 1009 itself.
      this.config.log.info(`socket ${conn.id} error: ${err.message}`);
    });
    ws.on('close', () => {
      this.onClose(conn);
      resolveClosed();
    });
  }

  /** The socket passed login as `userId`: the login deadline is off. */
  markLoggedIn(conn: Conn, userId: string): void {
    if (conn.loginTimer) clearTimeout(conn.loginTimer);
    conn.loginTimer = undefined;
    conn.userId = userId;
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(conn);
    const cap = this.limiter.limits?.maxSocketsPerUser;
    if (cap === undefined) return;
    const mine = [...set].filter((c) => !c.closing);
    // Oldest first (ids grow): a user who opens one tab too many loses the stalest one.
    for (const old of mine.slice(0, Math.max(0, mine.length - cap))) {
      this.config.log.info(`${who(old)} replaced: ${userId} has more than ${cap} sockets`);
      this.close(old, 4409, 'replaced: too many sockets');
    }
  }

  send(connId: ConnId, message: OutgoingServerMessage): void {
    const conn = this.conns.get(connId);
    if (!conn || conn.ws.readyState !== WebSocket.OPEN) return;
    if (conn.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.config.log.warn(`socket ${conn.id} is not reading (over ${MAX_BUFFERED_BYTES} bytes queued): terminating`);
      conn.ws.terminate();
      return;
    }
    conn.ws.send(encode<ServerMessage>(message));
  }

  sendError(conn: Conn, ref: string | undefined, code: ErrorCode, message: string, field?: string): void {
    const out: OutgoingServerMessage = { type: 'error', ref, code, message };
    if (field !== undefined) out.field = field;
    this.send(conn.id, out);
  }

  /** Closes the socket with `code`; a logged-in one leaves its call now, not when the close handshake completes. */
  close(conn: Conn, code: number, reason: string): void {
    if (conn.closing) return;
    conn.closing = true;
    if (conn.sigTimer) clearTimeout(conn.sigTimer);
    conn.sigTimer = undefined;
    if (conn.loginTimer) clearTimeout(conn.loginTimer);
    conn.loginTimer = undefined;
    if (conn.userId !== undefined) this.guard(conn, undefined, () => this.handler.onGone(conn.id, 0));
    try {
      conn.ws.close(code, reason);
    } catch {
      conn.ws.terminate();
    }
    if (conn.resumeTimer) {
      // A paused (flooding) socket is not read again: its backlog would cost what the pause saved.
      // Our close frame still goes out; the connection is cut a moment later without waiting for
      // the peer's answer, and the peer still sees the close code.
      clearTimeout(conn.resumeTimer);
      conn.resumeTimer = undefined;
      setTimeout(() => conn.ws.terminate(), 250).unref?.();
    }
  }

  /** Runs a handler; no exception escapes: it is logged and answered with `error internal`. */
  guard(conn: Conn, ref: string | undefined, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.config.log.error(`internal error on socket ${conn.id}: ${(err as Error)?.stack ?? String(err)}`);
      try {
        this.sendError(conn, ref, 'internal', 'internal server error');
      } catch {
        // the socket is gone
      }
    }
  }

  /** Terminates every socket of `userId` (like a network drop); returns how many. */
  dropUser(userId: string): number {
    let dropped = 0;
    for (const conn of [...(this.byUser.get(userId) ?? [])]) {
      conn.ws.terminate();
      dropped++;
    }
    if (dropped) this.config.log.info(`dropped ${dropped} socket(s) of ${userId}`);
    return dropped;
  }

  /** Closes every socket with 1012 (service restart): their clients reconnect (a cluster node that was declared dead). */
  restartAll(): number {
    const all = [...this.conns.values()];
    for (const conn of all) this.close(conn, 1012, 'service restart');
    return all.length;
  }

  stats(): { sockets: number; loginTimers: number } {
    let loginTimers = 0;
    for (const c of this.conns.values()) if (c.loginTimer) loginTimers++;
    return { sockets: this.conns.size, loginTimers };
  }

  /**
   * Shutdown: stops the heartbeat at once; {@link closeAll} then closes every socket with 1001 and
   * waits up to a second before terminating the rest.
   */
  stopHeartbeat(): void {
    this.heartbeat.stop();
  }

  async closeAll(): Promise<void> {
    this.shuttingDown = true;
    const conns = [...this.conns.values()];
    for (const conn of conns) {
      if (conn.loginTimer) clearTimeout(conn.loginTimer);
      conn.loginTimer = undefined;
      if (conn.sigTimer) clearTimeout(conn.sigTimer);
      conn.sigTimer = undefined;
      conn.closing = true;
      try {
        conn.ws.close(1001, 'server shutting down');
      } catch {
        conn.ws.terminate();
      }
    }
    let deadline: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(conns.map((c) => c.closed)), new Promise<void>((resolve) => (deadline = setTimeout(resolve, 1000)))]);
    clearTimeout(deadline);
    for (const conn of this.conns.values()) conn.ws.terminate();
    await Promise.all([...this.conns.values()].map((c) => c.closed));
    this.conns.clear();
    this.byUser.clear();
  }

  // ---- per socket -----------------------------------------------------------------------------

  private onClose(conn: Conn): void {
    conn.backlog = undefined;
    this.turn.forget(conn);
    if (conn.loginTimer) clearTimeout(conn.loginTimer);
    conn.loginTimer = undefined;
    if (conn.resumeTimer) clearTimeout(conn.resumeTimer);
    conn.resumeTimer = undefined;
    if (conn.sigTimer) clearTimeout(conn.sigTimer);
    conn.sigTimer = undefined;
    if (conn.userId !== undefined) {
      const set = this.byUser.get(conn.userId);
      set?.delete(conn);
      if (set?.size === 0) this.byUser.delete(conn.userId);
    }
    if (this.conns.delete(conn.id)) {
      const left = (this.perIp.get(conn.ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(conn.ip, left);
      else this.perIp.delete(conn.ip);
    }
    const silentFor = conn.timedOut ? Date.now() - conn.lastSeen : 0;
    if (conn.userId !== undefined && !this.shuttingDown) this.guard(conn, undefined, () => this.handler.onGone(conn.id, silentFor));
  }

  /** The heartbeat's visit: terminate a socket silent for too long, else ping it. */
  private beat(conn: Conn, now: number): void {
    if (now - conn.lastSeen > this.config.pingTimeoutMs) {
      this.config.log.info(`${who(conn)} missed pings: terminating`);
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

  private onFrame(conn: Conn, data: RawData, isBinary: boolean): void {
    this.guard(conn, undefined, () => {
      if (conn.closing || this.shuttingDown) return;
      const now = Date.now();
      conn.lastSeen = now;
      // Charged before parsing: a refused frame costs a few comparisons, never JSON.parse.
      if (!this.act(conn, this.limiter.frame(conn.budget, rawLength(data), now), undefined)) return;
      // Fairness: a socket's frames past FRAMES_PER_TURN in one event-loop turn (one 64 KB read
      // holds ~1,400 tiny frames) wait for the next turn, behind other sockets' frames.
      if (conn.backlog || this.turn.taken(conn) >= FRAMES_PER_TURN) {
        // Charged as a whole message now (cost 1; an ICE candidate gets 3/4 back once parsed), as
        // if it had been handled at once.
        if (!this.act(conn, this.limiter.message(conn.budget, 1, now), undefined)) return;
        (conn.backlog ??= []).push({ data, isBinary });
        this.turn.defer(conn);
        return;
      }
      this.turn.take(conn);
      this.handleFrame(conn, data, isBinary, now);
    });
  }

  /** Takes up to FRAMES_PER_TURN deferred frames of each socket that has some (round robin, one turn). */
  private drainBacklogs(conns: Iterable<Conn>): void {
    for (const conn of conns) {
      const backlog = conn.backlog;
      if (!backlog) continue;
      for (let i = 0; i < FRAMES_PER_TURN && backlog.length > 0 && !conn.closing; i++) {
        const frame = backlog.shift() as Deferred;
        this.turn.take(conn);
        if (frame === null) this.sendError(conn, undefined, 'rate-limited', RATE_LIMITED);
        else this.guard(conn, undefined, () => this.handleFrame(conn, frame.data, frame.isBinary, Date.now(), 1));
      }
      if (backlog.length === 0 || conn.closing) conn.backlog = undefined;
      else this.turn.defer(conn);
    }
  }

  /** A frame that passed the frame charge (`paid` of its cost so far): parse, settle its cost, dispatch. */
  private handleFrame(conn: Conn, data: RawData, isBinary: boolean, now: number, paid = MIN_FRAME_COST): void {
    if (conn.closing) return;
    const parsed: ParseResult<ClientMessage> = isBinary
      ? { ok: false, code: 'invalid-json', message: 'binary frames are not accepted' }
      : parseClientMessage(rawToString(data));
    const ref = parsed.ok ? parsed.message.id : parsed.id;
    const cost =
      parsed.ok && (parsed.message.type === 'relay' || parsed.message.type === 'pre-connect') && parsed.message.data.kind === 'candidate'
        ? 0.25
        : 1;
    if (!this.act(conn, this.limiter.message(conn.budget, cost, now, paid), ref)) return;
    if (!parsed.ok) {
      this.sendError(conn, parsed.id, parsed.code, parsed.message, parsed.field);
      if (conn.userId === undefined) return this.close(conn, 4401, 'login required');
      if (parsed.code === 'invalid-json') {
        conn.invalidJsonAt = conn.invalidJsonAt.filter((t) => now - t < INVALID_JSON_WINDOW_MS);
        conn.invalidJsonAt.push(now);
        if (conn.invalidJsonAt.length >= INVALID_JSON_LIMIT) this.close(conn, 4400, 'too many invalid frames');
      }
      return;
    }
    this.guard(conn, ref, () => this.handler.onMessage(conn, parsed.message));
  }

  /** Acts on a rate verdict; true: go on with the frame. A refused frame pauses reading until the budget refills. */
  private act(conn: Conn, verdict: MessageVerdict, ref: string | undefined): boolean {
    if (verdict === 'pass') return true;
    if (verdict === 'close') {
      this.config.log.warn(`${who(conn)} from ${conn.ip} is flooding: closing (4429)`);
      this.limiter.penalize(conn.ip, conn.userId, Date.now());
      this.close(conn, 4429, 'rate limited');
      conn.backlog = undefined;
      dropUnread(conn.ws);
      return false;
    }
    if (verdict === 'answer') {
      // Answers keep the order of the frames: behind the deferred ones, if any.
      if (conn.backlog) conn.backlog.push(null);
      else this.sendError(conn, ref, 'rate-limited', RATE_LIMITED);
    }
    if (!conn.resumeTimer && conn.ws.readyState === WebSocket.OPEN) {
      conn.ws.pause();
      conn.resumeTimer = setTimeout(
        () => {
          conn.resumeTimer = undefined;
          if (!conn.closing) conn.ws.resume();
        },
        Math.max(10, this.limiter.refillDelayMs(conn.budget)),
      );
    }
    return false;
  }
}

/**
 * Drops what `ws` has read from a socket but not yet framed: after a flooder's close, the rest of its
 * 64 KB read (~1,300 tiny frames) would otherwise still be unmasked, checked and emitted one by one.
 * Uses the `ws` 8 Receiver's buffer fields; does nothing if they are not there.
 */
function dropUnread(ws: WebSocket): void {
  const receiver = (ws as unknown as { _receiver?: { _buffers?: unknown; _bufferedBytes?: unknown } })._receiver;
  if (receiver && Array.isArray(receiver._buffers) && typeof receiver._bufferedBytes === 'number') {
    receiver._buffers.length = 0;
    receiver._bufferedBytes = 0;
  }
}

/**
 * Frames handled per socket in one event-loop turn, and the sockets with frames deferred to the next
 * turn (drained round robin in a `setImmediate`, after the turn's I/O).
 */
class TurnQuota {
  private readonly counts = new Map<Conn, number>();
  private readonly deferred = new Set<Conn>();
  private resetScheduled = false;
  private drainScheduled = false;

  constructor(private readonly drain: (conns: Conn[]) => void) {}

  taken(conn: Conn): number {
    return this.counts.get(conn) ?? 0;
  }

  take(conn: Conn): void {
    this.counts.set(conn, this.taken(conn) + 1);
    if (this.resetScheduled) return;
    this.resetScheduled = true;
    setImmediate(() => {
      this.resetScheduled = false;
      this.counts.clear();
    });
  }

  defer(conn: Conn): void {
    this.deferred.add(conn);
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      const conns = [...this.deferred];
      this.deferred.clear();
      this.counts.clear();
      this.drain(conns);
    });
  }

  forget(conn: Conn): void {
    this.counts.delete(conn);
    this.deferred.delete(conn);
  }
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}
