/**
 * Message dispatch: what a valid message from a socket does. The first message must be `login`
 * (checked here against the userSig); after it, `profile` updates the user, `invite` and
 * `invite-user` are charged to the user's invite budget, and every call message goes to the
 * {@link CallRegistry}. A new message type gets its route here; per-user budgets and session rules
 * (for example a userSig's expiry) belong here too.
 *
 * userSig lifetime: a signature longer-lived than `maxUserSigLifetimeS` is refused at login and in
 * `renew`. A logged-in socket is sent `usersig-expiring {expiresAt}` `userSigWarnMs` before its
 * userSig expires and is closed with 4409 "userSigExpired" at the expiry, unless a `renew` with a
 * fresh userSig for the same user came first.
 */
import type { ClientMessage } from '../src/protocol/messages.js';
import type { ConnId, OutgoingServerMessage } from './call-model.js';
import type { Conn, ConnectionHandler, Connections } from './connection.js';
import type { ServerConfig } from './options.js';
import { MAX_RECORDS_PAGE } from '../src/protocol/records.js';
import type { RateLimiter } from './rate-limit.js';
import type { RecordsService } from './records/index.js';
import type { CallRegistry } from './registry.js';
import type { PresenceWatch } from './presence-watch.js';
import { mintTurn } from './turn.js';
import { verifyUserSig } from './usersig.js';
import { profileFromUserBuf } from './profiles.js';
import type { SfuCalls } from './sfu/sfu-calls.js';
import type { UrlCallPolicy } from './call-policy-url.js';

/** Where call messages go: the registry itself, or a cluster node that forwards them (`cluster/`). */
export interface CallService extends Pick<CallRegistry, 'handle' | 'disconnect'> {
  /** `reply`: the `login-ok`, sent by the service itself when {@link sendsReplies}. */
  login(...args: [...Parameters<CallRegistry['login']>, reply?: OutgoingServerMessage]): void;
  /** `reply`: the `ok`, sent by the service itself when {@link sendsReplies}. */
  setProfile(...args: [...Parameters<CallRegistry['setProfile']>, reply?: OutgoingServerMessage]): void;
  /**
   * The service answers `login` and `profile` itself, once the state they change is in place where
   * every node acts on it (a cluster: the leader), so an answered login is callable at once.
   */
  readonly sendsReplies?: boolean;
  /**
   * The service charges `invite` and `invite-user` to the user's invite budget itself (a cluster:
   * the leader, which sees every node's invites, so the budget is the service's, not a node's).
   */
  readonly chargesInvites?: boolean;
  /**
   * A cluster node hands a member's `sfu` message to the leader, which owns the call's Janus room
   * (absent: this process's SFU handles it).
   */
  sfu?(conn: ConnId, userId: string, message: Extract<ClientMessage, { type: 'sfu' }>): void;
}

/** Whose `canCall` answers a message needs: the invitees, or the users whose presence is asked. */
function policyTargets(msg: ClientMessage): readonly string[] | null {
  if (msg.type === 'invite' || msg.type === 'invite-user') return msg.to;
  if (msg.type === 'presence-subscribe') return msg.userIds;
  return null;
}

/** Charges one invite to `userId`'s budget: null, or why it is refused (`rate-limited`). */
export function chargeInvite(limiter: RateLimiter, userId: string): string | null {
  return limiter.allowInvite(userId, Date.now()) ? null : `at most ${limiter.limits?.invitesPerMinute} invites a minute`;
}

export class Dispatcher implements ConnectionHandler {
  constructor(
    private readonly config: ServerConfig,
    private readonly connections: Connections,
    private readonly registry: CallService,
    private readonly limiter: RateLimiter,
    private readonly records: RecordsService | null = null,
    private readonly watch: PresenceWatch | null = null,
    private readonly sfu: SfuCalls | null = null,
    /** `callPolicyUrl`: asked before an invite or a presence subscription is handled. */
    private readonly policy: UrlCallPolicy | null = null,
  ) {}

  /** Per socket: the messages queued behind a call-policy lookup (handled in the order they came). */
  private readonly waiting = new Map<ConnId, Promise<void>>();

  onMessage(conn: Conn, msg: ClientMessage): void {
    const userId = conn.userId;
    if (this.policy && userId !== undefined) {
      const tos = policyTargets(msg);
      if (tos || this.waiting.has(conn.id)) return this.afterPolicy(conn, userId, msg, tos);
    }
    this.route(conn, msg);
  }

  /** Asks the call policy URL about `tos` (if any), then handles `msg`, after this socket's earlier messages. */
  private afterPolicy(conn: Conn, userId: string, msg: ClientMessage, tos: readonly string[] | null): void {
    const policy = this.policy as UrlCallPolicy;
    const next = (this.waiting.get(conn.id) ?? Promise.resolve())
      .then(() => (tos ? policy.resolve(userId, tos) : undefined))
      .then(() => {
        if (!conn.closing) this.route(conn, msg);
      })
      .catch((err: unknown) => this.config.log.error(`${msg.type} after the call policy failed: ${(err as Error).message}`));
    this.waiting.set(conn.id, next);
    void next.finally(() => {
      if (this.waiting.get(conn.id) === next) this.waiting.delete(conn.id);
    });
  }

  private route(conn: Conn, msg: ClientMessage): void {
    if (conn.userId === undefined) {
      if (msg.type !== 'login') {
        this.connections.sendError(conn, msg.id, 'not-logged-in', 'the first message must be login');
        return this.connections.close(conn, 4401, 'login required');
      }
      return this.login(conn, msg);
    }
    switch (msg.type) {
      case 'login':
        return this.connections.sendError(conn, msg.id, 'already-logged-in', 'this socket is already logged in');
      case 'renew':
        return this.renew(conn, msg);
      case 'turn':
        if (!this.config.turn) return this.connections.sendError(conn, msg.id, 'unavailable', 'this server has no TURN configured');
        return this.connections.send(conn.id, { type: 'turn', ref: msg.id, turn: mintTurn(this.config.turn, conn.userId) });
      case 'profile': {
        const ok = { type: 'ok' as const, ref: msg.id };
        this.registry.setProfile(
          conn.id,
          { name: msg.name, avatar: msg.avatar },
          { multiIncoming: msg.multiIncoming, callWaiting: msg.callWaiting },
          ok,
        );
        if (!this.registry.sendsReplies) this.connections.send(conn.id, ok);
        return;
      }
      case 'records-query':
        return this.recordsQuery(conn, msg);
      case 'presence-subscribe': {
        if (!this.watch) return this.connections.sendError(conn, msg.id, 'not-supported', 'this server offers no presence');
        const result = this.watch.subscribe(conn.id, conn.userId, msg.userIds, msg.id);
        if (!result.ok) this.connections.sendError(conn, msg.id, result.code, result.message, 'userIds');
        return;
      }
      case 'presence-unsubscribe':
        this.watch?.unsubscribe(conn.id, msg.userIds);
        return this.connections.send(conn.id, { type: 'ok', ref: msg.id });
      case 'sfu':
        if (!this.sfu) return this.connections.sendError(conn, msg.id, 'not-supported', 'this server has no media server (SFU)');
        if (this.registry.sfu) return this.registry.sfu(conn.id, conn.userId, msg);
        return this.sfu.handle(conn.id, conn.userId, msg);
      case 'invite':
      case 'invite-user':
        if (!this.registry.chargesInvites) {
          const refused = chargeInvite(this.limiter, conn.userId);
          if (refused !== null) return this.connections.sendError(conn, msg.id, 'rate-limited', refused);
        }
        return this.registry.handle(conn.id, msg);
      default:
        return this.registry.handle(conn.id, msg);
    }
  }

  /** `records-query`: the sender's own records (see the protocol header, "Call records"). */
  private recordsQuery(conn: Conn, msg: Extract<ClientMessage, { type: 'records-query' }>): void {
    const userId = conn.userId as string;
    if (!this.records) return this.connections.sendError(conn, msg.id, 'not-supported', 'this server keeps no call records');
    this.records.listForUser(userId, msg.limit ?? MAX_RECORDS_PAGE, msg.cursor).then(
      (page) => this.connections.send(conn.id, { type: 'records', ref: msg.id, ...page }),
      (err: unknown) => {
        if (err instanceof RangeError)
          return this.connections.sendError(conn, msg.id, 'invalid-field', 'not a cursor from this server', 'cursor');
        this.config.log.error(`records-query for ${userId} failed: ${(err as Error).message}`);
        this.connections.sendError(conn, msg.id, 'internal', 'call records are unavailable');
      },
    );
  }

  /** After login: the calls this user missed while offline, once. */
  private deliverMissed(conn: Conn, userId: string): void {
    this.records?.takeMissed(userId).then(
      (calls) => {
        if (calls.length > 0) this.connections.send(conn.id, { type: 'missed-calls', calls });
      },
      (err: unknown) => this.config.log.error(`missed calls for ${userId}: ${(err as Error).message}`),
    );
  }

  onGone(conn: ConnId, silentForMs: number): void {
    this.watch?.connGone(conn);
    this.registry.disconnect(conn, silentForMs);
  }

  /** Checks a userSig for `userId`: the verified expiry, or why it is refused. */
  private checkSig(userSig: string, userId: string): { ok: true; expiresAt: number; userBuf?: string } | { ok: false; why: string } {
    const result = verifyUserSig(userSig, { sdkAppId: this.config.sdkAppId, secret: this.config.secret });
    if (!result.ok) return { ok: false, why: `userSig ${result.reason}` };
    if (result.userId !== userId) return { ok: false, why: 'userSig is for another user' };
    const max = this.config.maxUserSigLifetimeS;
    if (result.lifetimeS > max) {
      return { ok: false, why: `userSig lifetime ${result.lifetimeS} s is over this server's maximum of ${max} s` };
    }
    return { ok: true, expiresAt: result.expiresAt, userBuf: result.userBuf };
  }

  private renew(conn: Conn, msg: Extract<ClientMessage, { type: 'renew' }>): void {
    const userId = conn.userId as string;
    const check = this.checkSig(msg.userSig, userId);
    if (!check.ok) {
      this.config.log.info(`renew refused for ${userId} on socket ${conn.id} from ${conn.ip}: ${check.why}`);
      return this.connections.sendError(conn, msg.id, 'auth-failed', `renew refused: ${check.why}`, 'userSig');
    }
    this.armExpiry(conn, check.expiresAt);
    this.connections.send(conn.id, { type: 'ok', ref: msg.id });
  }

  private armExpiry(conn: Conn, expiresAt: number): void {
    conn.sigExpiresAt = expiresAt;
    conn.sigWarned = false;
    this.checkExpiry(conn);
  }

  /** Warns or closes as the socket's userSig is due, then schedules the next check. */
  private checkExpiry(conn: Conn): void {
    if (conn.sigTimer) clearTimeout(conn.sigTimer);
    conn.sigTimer = undefined;
    const expiresAt = conn.sigExpiresAt;
    if (expiresAt === undefined || conn.closing) return;
    const now = Date.now();
    if (expiresAt <= now) {
      this.config.log.info(`socket ${conn.id} (${conn.userId}) from ${conn.ip}: userSig expired, closing (4409)`);
      return this.connections.close(conn, 4409, 'userSigExpired');
    }
    const warnAt = expiresAt - this.config.userSigWarnMs;
    if (!conn.sigWarned && warnAt <= now) {
      conn.sigWarned = true;
      this.connections.send(conn.id, { type: 'usersig-expiring', expiresAt });
    }
    const next = conn.sigWarned ? expiresAt : warnAt;
    // setTimeout holds at most ~24.8 days: a longer wait is taken in steps.
    conn.sigTimer = setTimeout(() => this.checkExpiry(conn), Math.min(next - now, 0x7fffffff));
    conn.sigTimer.unref?.();
  }

  private login(conn: Conn, msg: Extract<ClientMessage, { type: 'login' }>): void {
    const fail = (why: string) => {
      this.config.log.info(`login refused for ${msg.userId} on socket ${conn.id} from ${conn.ip}: ${why}`);
      this.connections.sendError(conn, msg.id, 'auth-failed', `login refused: ${why}`);
      this.connections.close(conn, 4401, 'auth failed');
    };
    if (msg.sdkAppId !== this.config.sdkAppId) return fail('wrong sdkAppId');
    const check = this.checkSig(msg.userSig, msg.userId);
    if (!check.ok) return fail(check.why);
    const wait = this.limiter.loginWait(msg.userId, Date.now());
    if (wait > 0) {
      // A socket of this user was just closed for flooding: a new one would start with a full budget.
      this.config.log.info(`login of ${msg.userId} on socket ${conn.id} from ${conn.ip} refused: closed for flooding, ${wait} ms to wait`);
      this.connections.sendError(conn, msg.id, 'rate-limited', `closed for flooding: log in again in ${Math.ceil(wait / 1000)} s`);
      return this.connections.close(conn, 4429, 'rate limited');
    }
    this.connections.markLoggedIn(conn, msg.userId);
    this.limiter.refundConnection(conn.ip, Date.now());
    const ok = { type: 'login-ok' as const, ref: msg.id, userId: msg.userId, serverTime: Date.now(), sfu: this.sfu?.available ?? false };
    const reply = this.config.turn ? { ...ok, turn: mintTurn(this.config.turn, msg.userId) } : ok;
    if (!this.registry.sendsReplies) this.connections.send(conn.id, reply);
    this.registry.login(
      conn.id,
      msg.userId,
      { name: msg.name, avatar: msg.avatar },
      { multiIncoming: msg.multiIncoming, callWaiting: msg.callWaiting },
      msg.newPage === true,
      profileFromUserBuf(check.userBuf) ?? undefined,
      reply,
    );
    this.armExpiry(conn, check.expiresAt);
    this.deliverMissed(conn, msg.userId);
  }
}
