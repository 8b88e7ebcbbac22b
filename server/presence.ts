/**
 * Presence: which users are online on which sockets, with their profile and per-socket incoming
 * flags, and the index user -> the live calls it is in. It holds no call state and sends nothing:
 * the call registry asks it "who is this socket", "where does this user ring" and "which calls is
 * this user in". One node keeps it in memory; a cluster (several nodes as one service) replaces it
 * with a shared index behind the same methods.
 */
import type { ConnId, IncomingFlags, ProfileFields } from './call-model.js';
import type { OperatorProfile } from './profiles.js';

export interface UserRec {
  userId: string;
  name?: string;
  avatar?: string;
  /** The operator profile its userSig carried (`TLS.userbuf`), from the latest login. */
  signed?: OperatorProfile;
  conns: Set<ConnId>;
}

export class Presence {
  private readonly users = new Map<string, UserRec>();
  private readonly connUser = new Map<ConnId, string>();
  private readonly connFlags = new Map<ConnId, IncomingFlags>();
  /**
   * userId -> the live calls the user is in: at most one as caller or accepted member, plus the
   * calls ringing for it (one without the opt-in flags, see {@link IncomingFlags}).
   */
  private readonly userCalls = new Map<string, Set<string>>();

  // ---- sockets and users ----------------------------------------------------------------------

  /** Adds a logged-in socket of `userId`; returns the user's record (created on its first socket). */
  addConn(conn: ConnId, userId: string, flags: IncomingFlags): UserRec {
    this.connUser.set(conn, userId);
    this.setFlags(conn, flags);
    let user = this.users.get(userId);
    if (!user) {
      user = { userId, conns: new Set() };
      this.users.set(userId, user);
    }
    user.conns.add(conn);
    return user;
  }

  /** Forgets a socket; returns its user id (undefined if it never logged in). A user with no socket left is offline. */
  removeConn(conn: ConnId): string | undefined {
    const userId = this.connUser.get(conn);
    if (userId === undefined) return undefined;
    this.connUser.delete(conn);
    this.connFlags.delete(conn);
    const user = this.users.get(userId);
    if (user) {
      user.conns.delete(conn);
      if (user.conns.size === 0) this.users.delete(userId);
    }
    return userId;
  }

  userOf(conn: ConnId): string | undefined {
    return this.connUser.get(conn);
  }

  /** The online user's record (undefined when offline). */
  user(userId: string): UserRec | undefined {
    return this.users.get(userId);
  }

  isOnline(userId: string): boolean {
    return this.users.has(userId);
  }

  connsOf(userId: string): ConnId[] {
    return [...(this.users.get(userId)?.conns ?? [])];
  }

  /** Sets the socket's incoming-call flags (`login` / `profile`); absent fields keep their value. */
  setFlags(conn: ConnId, flags: IncomingFlags): void {
    const current = this.connFlags.get(conn) ?? {};
    const next: IncomingFlags = { ...current };
    if (flags.multiIncoming !== undefined) next.multiIncoming = flags.multiIncoming;
    if (flags.callWaiting !== undefined) next.callWaiting = flags.callWaiting;
    this.connFlags.set(conn, next);
  }

  /** Whether every socket of the user set `flag` (a user with no socket allows nothing). */
  allows(userId: string, flag: keyof IncomingFlags): boolean {
    const conns = this.connsOf(userId);
    return conns.length > 0 && conns.every((c) => this.connFlags.get(c)?.[flag] === true);
  }

  /** Applies the profile fields that are set; returns whether the name or avatar changed. */
  updateProfile(user: UserRec, profile: ProfileFields): boolean {
    let changed = false;
    if (profile.name !== undefined && profile.name !== user.name) {
      user.name = profile.name;
      changed = true;
    }
    if (profile.avatar !== undefined && profile.avatar !== user.avatar) {
      user.avatar = profile.avatar;
      changed = true;
    }
    return changed;
  }

  /** Every logged-in socket. */
  connIds(): IterableIterator<ConnId> {
    return this.connUser.keys();
  }

  // ---- user -> live calls ---------------------------------------------------------------------

  /** The ids of the user's live calls, oldest first. */
  callIdsOf(userId: string): Iterable<string> {
    return this.userCalls.get(userId) ?? [];
  }

  addUserCall(userId: string, callId: string): void {
    let set = this.userCalls.get(userId);
    if (!set) {
      set = new Set();
      this.userCalls.set(userId, set);
    }
    set.add(callId);
  }

  dropUserCall(userId: string, callId: string): void {
    const set = this.userCalls.get(userId);
    if (!set) return;
    set.delete(callId);
    if (set.size === 0) this.userCalls.delete(userId);
  }

  // ---- introspection --------------------------------------------------------------------------

  /** Users online now. */
  get userCount(): number {
    return this.users.size;
  }

  /** Forgets everything. */
  clear(): void {
    this.userCalls.clear();
    this.connFlags.clear();
    this.users.clear();
    this.connUser.clear();
  }
}
