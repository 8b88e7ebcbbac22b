/**
 * Message dispatch: what a valid message from a socket does. The first message must be `login`
 * (checked here against the userSig); after it, `profile` updates the user, `invite` and
 * `invite-user` are charged to the user's invite budget, and every call message goes to the
 * {@link CallRegistry}. A new message type gets its route here; per-user budgets and session rules
 * (for example a userSig's expiry) belong here too.
 */
import type { ClientMessage } from '../src/protocol/messages.js';
import type { ConnId } from './call-model.js';
import type { Conn, ConnectionHandler, Connections } from './connection.js';
import type { ServerConfig } from './options.js';
import type { RateLimiter } from './rate-limit.js';
import type { CallRegistry } from './registry.js';
import { verifyUserSig } from './usersig.js';

export class Dispatcher implements ConnectionHandler {
  constructor(
    private readonly config: ServerConfig,
    private readonly connections: Connections,
    private readonly registry: CallRegistry,
    private readonly limiter: RateLimiter,
  ) {}

  onMessage(conn: Conn, msg: ClientMessage): void {
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
      case 'profile':
        this.registry.setProfile(conn.id, { name: msg.name, avatar: msg.avatar }, { multiIncoming: msg.multiIncoming, callWaiting: msg.callWaiting });
        return this.connections.send(conn.id, { type: 'ok', ref: msg.id });
      case 'invite':
      case 'invite-user':
        if (!this.limiter.allowInvite(conn.userId, Date.now())) {
          return this.connections.sendError(conn, msg.id, 'rate-limited', `at most ${this.limiter.limits?.invitesPerMinute} invites a minute`);
        }
        return this.registry.handle(conn.id, msg);
      default:
        return this.registry.handle(conn.id, msg);
    }
  }

  onGone(conn: ConnId, silentForMs: number): void {
    this.registry.disconnect(conn, silentForMs);
  }

  private login(conn: Conn, msg: Extract<ClientMessage, { type: 'login' }>): void {
    const fail = (why: string) => {
      this.config.log.info(`login refused for ${msg.userId} on socket ${conn.id}: ${why}`);
      this.connections.sendError(conn, msg.id, 'auth-failed', `login refused: ${why}`);
      this.connections.close(conn, 4401, 'auth failed');
    };
    if (msg.sdkAppId !== this.config.sdkAppId) return fail('wrong sdkAppId');
    const result = verifyUserSig(msg.userSig, { sdkAppId: this.config.sdkAppId, secret: this.config.secret });
    if (!result.ok) return fail(`userSig ${result.reason}`);
    if (result.userId !== msg.userId) return fail('userSig is for another user');
    this.connections.markLoggedIn(conn, msg.userId);
    this.connections.send(conn.id, { type: 'login-ok', ref: msg.id, userId: msg.userId, serverTime: Date.now() });
    this.registry.login(conn.id, msg.userId, { name: msg.name, avatar: msg.avatar }, { multiIncoming: msg.multiIncoming, callWaiting: msg.callWaiting });
  }
}
