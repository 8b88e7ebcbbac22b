/**
 * The call registry: every live call, who is in it and in which state, as a synchronous state
 * machine. It knows no sockets: connections are opaque numbers, outgoing messages go through the
 * `send` callback and ring timers through an injectable scheduler, so it is tested without a network.
 *
 * Invariants:
 * - A user is in at most one live call (as its caller, an accepted member or a ringing invitee),
 *   unless its sockets opted in (login/profile flags, see the protocol header): `multiIncoming`
 *   lets up to {@link MAX_CONCURRENT_INCOMING} invitations ring at once while the user is in no
 *   call, `callWaiting` lets one invitation ring while the user is in a call. Otherwise an invitee
 *   with a live call is `busy`, and a user with a live call gets `already-in-call` for `invite`.
 * - The caller's call is bound to the socket that sent `invite`; an invitee's to the socket that sent
 *   `accept`. Other sockets (tabs) of the same user cannot see or act on the call once it is bound
 *   (`call-not-found`); while an invitee rings, every tab of that user rings and may answer.
 * - Non-members, unknown and ended calls all get the same `call-not-found`, so ids cannot be probed.
 * - The sender of a request that ends its own part (`cancel`, `reject`, `hangup`) gets `ok` and no
 *   `call-ended`; everyone whose part is ended by someone else (or a timer) gets `call-ended`.
 * - End rule: after every transition, a call with fewer than two members in {accepted, ringing} ends;
 *   its remaining members get `call-ended` and the call and its timers are dropped.
 * See the header of `src/protocol/messages.ts` for the whole protocol, glare and disconnects.
 */
import { randomBytes } from 'node:crypto';
import { MAX_CONCURRENT_INCOMING, MAX_MEMBERS } from '../src/constants.js';
import type {
  ClientMessage,
  EndReason,
  ErrorCode,
  MediaType,
  Member,
  MemberState,
  Outgoing,
  ServerMessage,
} from '../src/protocol/messages.js';

export type ConnId = number;
export type OutgoingServerMessage = Outgoing<ServerMessage>;

export interface Scheduler {
  set(ms: number, fn: () => void): unknown;
  clear(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  set(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

export interface RegistryOptions {
  /** Delivers a message to one connection. Must not throw back into the registry (the server guards it). */
  send(conn: ConnId, message: OutgoingServerMessage): void;
  /** Ring timeout in seconds for invites that do not carry `timeout`. */
  ringTimeoutS: number;
  /**
   * Grace period (ms) an accepted member of a connected call keeps its place after its call socket
   * is lost, waiting for a `resume` (default 15 000). See the protocol header.
   */
  graceMs?: number;
  scheduler?: Scheduler;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
  /** Call id generator (default: 16 random bytes, base64url). */
  newCallId?: () => string;
}

export interface ProfileFields {
  name?: string;
  avatar?: string;
}

/** Per-socket incoming-call policy (login / profile flags); a user gets it only if every socket asked. */
export interface IncomingFlags {
  /** Up to {@link MAX_CONCURRENT_INCOMING} invitations may ring at once while not in a call. */
  multiIncoming?: boolean;
  /** One invitation may ring ("waiting") while in a call. */
  callWaiting?: boolean;
}

interface UserRec {
  userId: string;
  name?: string;
  avatar?: string;
  conns: Set<ConnId>;
}

interface MemberRec {
  userId: string;
  name?: string;
  avatar?: string;
  state: MemberState;
  /** The member's call socket: the caller's inviting socket, or the socket that accepted. */
  conn?: ConnId;
  audio?: boolean;
  video?: boolean;
  timer?: { handle: unknown };
  ringDeadline?: number;
  /** Who rang this member (`invite-user`); the caller when absent. Shown as `incoming.caller`. */
  invitedBy?: string;
  /** Set while the member's call socket is lost and it may still `resume`. */
  grace?: { handle: unknown };
}

interface CallRec {
  callId: string;
  callerId: string;
  mediaType: MediaType;
  timeoutS: number;
  userData?: string;
  groupId?: string;
  /** Insertion order: caller first, then invitees in `to` order. */
  members: Map<string, MemberRec>;
}

type CallRequest = Exclude<ClientMessage, { type: 'login' | 'profile' }>;

const LIVE: ReadonlySet<MemberState> = new Set(['accepted', 'ringing']);

export class CallRegistry {
  private readonly users = new Map<string, UserRec>();
  private readonly connUser = new Map<ConnId, string>();
  private readonly calls = new Map<string, CallRec>();
  /**
   * userId -> the live calls the user is in: at most one as caller or accepted member, plus the
   * calls ringing for it (one without the opt-in flags, see {@link IncomingFlags}).
   */
  private readonly userCalls = new Map<string, Set<string>>();
  private readonly connFlags = new Map<ConnId, IncomingFlags>();
  private readonly sched: Scheduler;
  private readonly now: () => number;
  private readonly newCallId: () => string;
  private timerCount = 0;
  private readonly graceMs: number;

  constructor(private readonly options: RegistryOptions) {
    this.graceMs = options.graceMs ?? 15_000;
    this.sched = options.scheduler ?? realScheduler;
    this.now = options.now ?? Date.now;
    this.newCallId = options.newCallId ?? (() => randomBytes(16).toString('base64url'));
  }

  // ---- connections ----------------------------------------------------------------------------

  /** A socket has logged in as `userId`. Re-rings it if the user has a ringing invite. */
  login(conn: ConnId, userId: string, profile: ProfileFields, flags: IncomingFlags = {}): void {
    this.connUser.set(conn, userId);
    this.setFlags(conn, flags);
    let user = this.users.get(userId);
    if (!user) {
      user = { userId, conns: new Set() };
      this.users.set(userId, user);
    }
    user.conns.add(conn);
    this.applyProfile(user, profile);
    for (const call of this.liveCalls(userId)) {
      const member = call.members.get(userId);
      if (member?.state === 'ringing') {
        this.sendIncoming(call, conn, Math.max(0, ((member.ringDeadline ?? this.now()) - this.now()) / 1000));
      }
    }
  }

  /** Sets the socket's incoming-call flags (`login` / `profile`); absent fields keep their value. */
  setFlags(conn: ConnId, flags: IncomingFlags): void {
    const current = this.connFlags.get(conn) ?? {};
    const next: IncomingFlags = { ...current };
    if (flags.multiIncoming !== undefined) next.multiIncoming = flags.multiIncoming;
    if (flags.callWaiting !== undefined) next.callWaiting = flags.callWaiting;
    this.connFlags.set(conn, next);
  }

  /** Updates the profile of the socket's user; call peers get a `member-state` with the new name/avatar. */
  setProfile(conn: ConnId, profile: ProfileFields, flags?: IncomingFlags): void {
    if (flags && this.connUser.has(conn)) this.setFlags(conn, flags);
    const userId = this.connUser.get(conn);
    const user = userId === undefined ? undefined : this.users.get(userId);
    if (user) this.applyProfile(user, profile);
  }

  /**
   * A socket is gone (closed, terminated, timed out). `silentForMs`: how long it had been silent
   * (the ping timeout when it missed pings), taken off the grace period.
   */
  disconnect(conn: ConnId, silentForMs = 0): void {
    const userId = this.connUser.get(conn);
    if (userId === undefined) return;
    this.connUser.delete(conn);
    this.connFlags.delete(conn);
    const user = this.users.get(userId);
    if (user) {
      user.conns.delete(conn);
      if (user.conns.size === 0) this.users.delete(userId);
    }
    const call = this.engagedCall(userId);
    const member = call?.members.get(userId);
    if (!call || !member || member.conn !== conn) return; // not bound: a ringing tab or an idle tab
    if (userId === call.callerId && !this.hasAcceptedInvitee(call)) {
      this.cancelCall(call);
      return;
    }
    // A connected call: keep the member's place for the grace period, waiting for a `resume`.
    member.conn = undefined;
    this.armGrace(call, member, Math.max(0, this.graceMs - Math.max(0, silentForMs)));
  }

  // ---- requests -------------------------------------------------------------------------------

  handle(conn: ConnId, message: CallRequest): void {
    const userId = this.connUser.get(conn);
    if (userId === undefined) {
      this.error(conn, message.id, 'not-logged-in', 'log in first');
      return;
    }
    switch (message.type) {
      case 'invite':
        return this.invite(conn, userId, message);
      case 'cancel':
        return this.cancel(conn, userId, message);
      case 'accept':
        return this.accept(conn, userId, message);
      case 'reject':
        return this.reject(conn, userId, message);
      case 'hangup':
        return this.hangup(conn, userId, message);
      case 'invite-user':
        return this.inviteUser(conn, userId, message);
      case 'join':
        return this.join(conn, userId, message);
      case 'group-call-query':
        return this.groupCallQuery(conn, userId, message);
      case 'resume':
        return this.resume(conn, userId, message);
      case 'relay':
        return this.relay(conn, userId, message);
      case 'media-state':
        return this.mediaState(conn, userId, message);
    }
  }

  private invite(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'invite' }>): void {
    if (msg.to.includes(me)) return this.error(conn, msg.id, 'self-call', 'you cannot call yourself', 'to');
    if (new Set(msg.to).size !== msg.to.length) return this.error(conn, msg.id, 'invalid-field', 'duplicate user in to', 'to');
    const live = this.liveCalls(me);
    if (live.length > 0) {
      let current: CallRec | undefined;
      let glareWith: string | undefined;
      if (!this.engagedCall(me)) {
        for (const c of live) {
          glareWith = this.glarePeer(c, me, msg.to);
          if (glareWith !== undefined) {
            current = c;
            break;
          }
        }
      }
      if (glareWith === undefined || !current) return this.error(conn, msg.id, 'already-in-call', 'you are already in a call');
      if (glareWith < me) {
        // The pending call from the lower id wins; this invite is refused, the incoming call goes on.
        return this.error(conn, msg.id, 'glare', `the incoming call from ${glareWith} takes precedence`, 'to');
      }
      // This invite wins: the other side's pending call ends for both with `glare`.
      this.endCall(current, () => 'glare');
    }

    let callId = this.newCallId();
    while (this.calls.has(callId)) callId = this.newCallId();
    const caller = this.users.get(me);
    const call: CallRec = {
      callId,
      callerId: me,
      mediaType: msg.mediaType,
      timeoutS: msg.timeout ?? this.options.ringTimeoutS,
      members: new Map(),
    };
    if (msg.userData !== undefined) call.userData = msg.userData;
    if (msg.groupId !== undefined) call.groupId = msg.groupId;
    call.members.set(me, { userId: me, name: caller?.name, avatar: caller?.avatar, state: 'accepted', conn });
    for (const uid of msg.to) {
      const user = this.users.get(uid);
      const state = this.ringStateFor(uid);
      call.members.set(uid, { userId: uid, name: user?.name, avatar: user?.avatar, state });
    }
    this.calls.set(callId, call);
    this.addUserCall(me, callId);
    const ringing = [...call.members.values()].filter((m) => m.state === 'ringing');
    for (const m of ringing) {
      this.addUserCall(m.userId, callId);
      this.armRing(call, m);
    }

    this.options.send(conn, {
      type: 'invite-ok',
      ref: msg.id,
      callId,
      mediaType: call.mediaType,
      members: this.memberList(call),
      timeout: call.timeoutS,
    });
    for (const m of ringing) for (const c of this.connsOf(m.userId)) this.sendIncoming(call, c, call.timeoutS);
    for (const m of call.members.values()) {
      if (m.state === 'busy' || m.state === 'unavailable') {
        this.options.send(conn, { type: 'member-state', callId, member: view(m) });
      }
    }
    if (ringing.length === 0) {
      const anyBusy = [...call.members.values()].some((m) => m.state === 'busy');
      this.endCall(call, () => (anyBusy ? 'busy' : 'unavailable'));
    }
  }

  private cancel(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'cancel' }>): void {
    const found = this.find(conn, me, msg.callId);
    if (!found) return this.notFound(conn, msg.id);
    const { call } = found;
    if (call.callerId !== me) return this.error(conn, msg.id, 'invalid-state', 'only the caller can cancel');
    if (this.hasAcceptedInvitee(call)) return this.error(conn, msg.id, 'invalid-state', 'the call was answered: use hangup');
    this.ok(conn, msg.id);
    this.cancelCall(call);
  }

  private accept(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'accept' }>): void {
    const found = this.find(conn, me, msg.callId);
    if (!found) return this.notFound(conn, msg.id);
    const { call, member } = found;
    if (me === call.callerId) return this.error(conn, msg.id, 'invalid-state', 'the caller cannot accept its own call');
    if (member.state !== 'ringing') return this.answered(conn, msg.id, member);
    const engaged = this.engagedCall(me);
    if (engaged && engaged !== call) return this.error(conn, msg.id, 'already-in-call', 'hang up your current call before accepting another');
    this.clearRing(member);
    member.state = 'accepted';
    member.conn = conn;
    for (const c of this.connsOf(me)) {
      if (c !== conn) this.options.send(c, { type: 'call-ended', callId: call.callId, reason: 'answered-elsewhere' });
    }
    this.options.send(conn, {
      type: 'call-started',
      ref: msg.id,
      callId: call.callId,
      mediaType: call.mediaType,
      members: this.memberList(call),
    });
    this.notifyOthers(call, member);
  }

  private reject(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'reject' }>): void {
    const found = this.find(conn, me, msg.callId);
    if (!found) return this.notFound(conn, msg.id);
    const { call, member } = found;
    if (me === call.callerId) return this.error(conn, msg.id, 'invalid-state', 'the caller cannot reject: use cancel');
    if (member.state === 'accepted') return this.error(conn, msg.id, 'invalid-state', 'the call was answered: use hangup');
    if (member.state !== 'ringing') return this.answered(conn, msg.id, member);
    this.decline(call, member, conn, msg.id, msg.reason === 'busy' ? 'busy' : 'rejected');
  }

  private hangup(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'hangup' }>): void {
    const found = this.find(conn, me, msg.callId);
    if (!found) return this.notFound(conn, msg.id);
    const { call, member } = found;
    if (member.state === 'ringing') return this.decline(call, member, conn, msg.id, 'rejected');
    if (member.state !== 'accepted') return this.error(conn, msg.id, 'invalid-state', 'you are no longer in this call');
    this.ok(conn, msg.id);
    if (me === call.callerId && !this.hasAcceptedInvitee(call)) return this.cancelCall(call);
    this.leave(call, member, 'hangup');
  }

  /**
   * `invite-user`: an accepted member rings more users (see the protocol header). Users already live
   * in the call are refused; former members ring again.
   */
  private inviteUser(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'invite-user' }>): void {
    const found = this.find(conn, me, msg.callId);
    if (!found || found.member.state !== 'accepted' || found.member.conn !== conn) return this.notFound(conn, msg.id);
    const { call } = found;
    if (msg.to.includes(me)) return this.error(conn, msg.id, 'self-call', 'you cannot invite yourself', 'to');
    if (new Set(msg.to).size !== msg.to.length) return this.error(conn, msg.id, 'invalid-field', 'duplicate user in to', 'to');
    for (const uid of msg.to) {
      const existing = call.members.get(uid);
      if (existing && LIVE.has(existing.state)) return this.error(conn, msg.id, 'invalid-field', `${uid} is already in the call`, 'to');
    }
    let live = 0;
    for (const m of call.members.values()) if (LIVE.has(m.state)) live++;
    if (live + msg.to.length > MAX_MEMBERS) {
      return this.error(conn, msg.id, 'too-many-members', `a call has at most ${MAX_MEMBERS} members`, 'to');
    }
    const added: MemberRec[] = [];
    for (const uid of msg.to) {
      const user = this.users.get(uid);
      const state = this.ringStateFor(uid);
      const rec: MemberRec = { userId: uid, name: user?.name, avatar: user?.avatar, state, invitedBy: me };
      // Re-inserted at the end: a former member keeps one record.
      call.members.delete(uid);
      call.members.set(uid, rec);
      added.push(rec);
      if (state === 'ringing') {
        this.addUserCall(uid, call.callId);
        this.armRing(call, rec);
      }
    }
    this.ok(conn, msg.id);
    for (const m of added) {
      if (m.state === 'ringing') for (const c of this.connsOf(m.userId)) this.sendIncoming(call, c, call.timeoutS);
    }
    for (const m of added) this.notifyOthers(call, m);
  }

  /** `join`: a (former) invitee enters the running call (see the protocol header). */
  private join(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'join' }>): void {
    const call = this.calls.get(msg.callId);
    const member = call?.members.get(me);
    if (!call || !member) return this.notFound(conn, msg.id);
    if (member.state === 'ringing') return this.accept(conn, me, { v: 1, type: 'accept', id: msg.id, callId: msg.callId });
    if (member.state === 'accepted') return this.error(conn, msg.id, 'invalid-state', 'you are already in this call');
    if (this.liveCalls(me).some((c) => c !== call)) return this.error(conn, msg.id, 'already-in-call', 'you are already in a call');
    member.state = 'accepted';
    member.conn = conn;
    member.audio = undefined;
    member.video = undefined;
    const user = this.users.get(me);
    if (user) {
      member.name = user.name;
      member.avatar = user.avatar;
    }
    this.addUserCall(me, call.callId);
    this.options.send(conn, {
      type: 'call-started',
      ref: msg.id,
      callId: call.callId,
      mediaType: call.mediaType,
      members: this.memberList(call),
    });
    this.notifyOthers(call, member);
  }

  /**
   * `group-call-query`: the live call carrying `groupId`, shown only to users who are members of its
   * record (invited at some point); `null` otherwise, the same answer as no call.
   */
  private groupCallQuery(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'group-call-query' }>): void {
    let found: CallRec | undefined;
    for (const call of this.calls.values()) {
      if (call.groupId === msg.groupId && call.members.has(me)) found = call; // the newest wins
    }
    this.options.send(conn, {
      type: 'group-call',
      ref: msg.id,
      groupId: msg.groupId,
      call: found ? { callId: found.callId, mediaType: found.mediaType, members: this.memberList(found) } : null,
    });
  }

  /** Re-binds an accepted member's call to this socket (after a reconnect). */
  private resume(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'resume' }>): void {
    const call = this.calls.get(msg.callId);
    const member = call?.members.get(me);
    if (!call || !member || member.state !== 'accepted') return this.notFound(conn, msg.id);
    this.clearGrace(member);
    member.conn = conn;
    this.options.send(conn, {
      type: 'resumed',
      ref: msg.id,
      callId: call.callId,
      mediaType: call.mediaType,
      members: this.memberList(call),
    });
  }

  private relay(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'relay' }>): void {
    const found = this.find(conn, me, msg.callId);
    if (!found || found.member.state !== 'accepted') return this.notFound(conn, msg.id);
    if (msg.to === me) return this.error(conn, msg.id, 'invalid-field', 'cannot relay to yourself', 'to');
    const target = found.call.members.get(msg.to);
    if (!target || target.state !== 'accepted' || target.conn === undefined) {
      return this.error(conn, msg.id, 'not-in-call', `${msg.to} is not in the call`, 'to');
    }
    this.options.send(target.conn, { type: 'relay', callId: msg.callId, from: me, data: msg.data });
  }

  private mediaState(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'media-state' }>): void {
    const found = this.find(conn, me, msg.callId);
    if (!found || found.member.state !== 'accepted') return this.notFound(conn, msg.id);
    found.member.audio = msg.audio;
    found.member.video = msg.video;
    const toAudio = msg.mediaType === 'audio' && found.call.mediaType === 'video';
    if (toAudio) found.call.mediaType = 'audio';
    for (const m of found.call.members.values()) {
      if (m !== found.member && m.state === 'accepted' && m.conn !== undefined) {
        this.options.send(m.conn, {
          type: 'media-state',
          callId: msg.callId,
          userId: me,
          audio: msg.audio,
          video: msg.video,
          ...(toAudio ? { mediaType: 'audio' as const } : {}),
        });
      }
    }
  }

  // ---- transitions ----------------------------------------------------------------------------

  /** A ringing invitee declines (reject or hangup while ringing). */
  private decline(call: CallRec, member: MemberRec, conn: ConnId, ref: string | undefined, state: 'rejected' | 'busy'): void {
    this.clearRing(member);
    member.state = state;
    this.dropUserCall(member.userId, call.callId);
    for (const c of this.connsOf(member.userId)) {
      if (c !== conn) this.options.send(c, { type: 'call-ended', callId: call.callId, reason: 'rejected-elsewhere' });
    }
    this.ok(conn, ref);
    this.notifyOthers(call, member);
    this.checkEnd(call, state === 'busy' ? 'busy' : 'rejected');
  }

  /** An accepted member leaves (hangup or lost socket). */
  private leave(call: CallRec, member: MemberRec, reason: 'hangup' | 'disconnected'): void {
    this.clearGrace(member);
    member.state = 'left';
    member.conn = undefined;
    this.dropUserCall(member.userId, call.callId);
    this.notifyOthers(call, member);
    this.checkEnd(call, reason);
  }

  private ringTimeout(callId: string, userId: string): void {
    const call = this.calls.get(callId);
    const member = call?.members.get(userId);
    if (!call || !member || member.state !== 'ringing') return;
    this.clearRing(member);
    member.state = 'no-response';
    this.dropUserCall(userId, callId);
    for (const c of this.connsOf(userId)) this.options.send(c, { type: 'call-ended', callId, reason: 'timeout' });
    this.notifyOthers(call, member);
    this.checkEnd(call, 'timeout');
  }

  /**
   * The caller withdraws a call nobody has accepted (cancel, hangup or lost socket): ringing invitees
   * get `call-ended {cancelled}`; the caller gets nothing more (it asked, or it is gone).
   */
  private cancelCall(call: CallRec): void {
    const caller = call.members.get(call.callerId);
    if (caller) {
      caller.state = 'left';
      caller.conn = undefined;
    }
    this.endCall(call, () => 'cancelled');
  }

  private checkEnd(call: CallRec, reasonForAccepted: EndReason): void {
    let live = 0;
    for (const m of call.members.values()) if (LIVE.has(m.state)) live++;
    if (live >= 2) return;
    this.endCall(call, (m) => (m.state === 'ringing' ? 'cancelled' : reasonForAccepted));
  }

  /**
   * Drops a call: every member still accepted (on its call socket) or ringing (on every tab) gets
   * `call-ended` with the reason `reasonFor` gives it; timers are cleared.
   */
  private endCall(call: CallRec, reasonFor: (m: MemberRec) => EndReason): void {
    this.calls.delete(call.callId);
    for (const m of call.members.values()) {
      this.clearRing(m);
      this.clearGrace(m);
      this.dropUserCall(m.userId, call.callId);
    }
    for (const m of call.members.values()) {
      if (m.state === 'accepted' && m.conn !== undefined) {
        const reason = reasonFor(m);
        m.state = 'left';
        this.options.send(m.conn, { type: 'call-ended', callId: call.callId, reason });
      } else if (m.state === 'ringing') {
        const reason = reasonFor(m);
        m.state = 'cancelled';
        for (const c of this.connsOf(m.userId)) this.options.send(c, { type: 'call-ended', callId: call.callId, reason });
      }
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  /**
   * Glare: `me` (ringing for `current`, a 1v1 call from X nobody accepted) invites exactly X.
   * Returns X, or undefined when this is not glare.
   */
  private glarePeer(current: CallRec, me: string, to: readonly string[]): string | undefined {
    if (to.length !== 1 || current.members.size !== 2) return undefined;
    const other = to[0];
    if (current.callerId !== other) return undefined;
    return current.members.get(me)?.state === 'ringing' ? other : undefined;
  }

  /**
   * The call as this socket may see it: the user must be a member, and a member bound to a call
   * socket (caller, accepted) only acts from that socket.
   */
  private find(conn: ConnId, me: string, callId: string): { call: CallRec; member: MemberRec } | undefined {
    const call = this.calls.get(callId);
    const member = call?.members.get(me);
    if (!call || !member) return undefined;
    if (member.conn !== undefined && member.conn !== conn) return undefined;
    return { call, member };
  }

  /** Every live call of the user (caller, accepted or ringing), oldest first. */
  private liveCalls(userId: string): CallRec[] {
    const out: CallRec[] = [];
    for (const id of this.userCalls.get(userId) ?? []) {
      const call = this.calls.get(id);
      if (call) out.push(call);
    }
    return out;
  }

  /** The one call the user is in as caller or accepted member (not merely ringing), if any. */
  private engagedCall(userId: string): CallRec | undefined {
    return this.liveCalls(userId).find((c) => c.members.get(userId)?.state === 'accepted');
  }

  private addUserCall(userId: string, callId: string): void {
    let set = this.userCalls.get(userId);
    if (!set) {
      set = new Set();
      this.userCalls.set(userId, set);
    }
    set.add(callId);
  }

  private dropUserCall(userId: string, callId: string): void {
    const set = this.userCalls.get(userId);
    if (!set) return;
    set.delete(callId);
    if (set.size === 0) this.userCalls.delete(userId);
  }

  /** Whether every socket of the user set `flag` (a user with no socket allows nothing). */
  private allows(userId: string, flag: keyof IncomingFlags): boolean {
    const conns = this.connsOf(userId);
    return conns.length > 0 && conns.every((c) => this.connFlags.get(c)?.[flag] === true);
  }

  /**
   * What a new invitation does to `uid`: `unavailable` (no socket), `ringing`, or `busy`. Busy: in a
   * call (unless `callWaiting` and nothing else rings for it), or already ringing (unless
   * `multiIncoming` and fewer than {@link MAX_CONCURRENT_INCOMING} invitations ring).
   */
  private ringStateFor(uid: string): MemberState {
    if (!this.users.has(uid)) return 'unavailable';
    const live = this.liveCalls(uid);
    if (live.length === 0) return 'ringing';
    const engaged = live.some((c) => c.members.get(uid)?.state === 'accepted');
    if (engaged) return live.length === 1 && this.allows(uid, 'callWaiting') ? 'ringing' : 'busy';
    return live.length < MAX_CONCURRENT_INCOMING && this.allows(uid, 'multiIncoming') ? 'ringing' : 'busy';
  }

  private hasAcceptedInvitee(call: CallRec): boolean {
    for (const m of call.members.values()) if (m.userId !== call.callerId && m.state === 'accepted') return true;
    return false;
  }

  private connsOf(userId: string): ConnId[] {
    return [...(this.users.get(userId)?.conns ?? [])];
  }

  private armRing(call: CallRec, member: MemberRec): void {
    const ms = Math.max(0, call.timeoutS * 1000);
    member.ringDeadline = this.now() + ms;
    const { callId } = call;
    const { userId } = member;
    const timer: { handle: unknown } = { handle: undefined };
    timer.handle = this.sched.set(ms, () => {
      if (member.timer === timer) {
        member.timer = undefined;
        this.timerCount--;
      }
      this.ringTimeout(callId, userId);
    });
    member.timer = timer;
    this.timerCount++;
  }

  private armGrace(call: CallRec, member: MemberRec, ms: number): void {
    this.clearGrace(member);
    const grace: { handle: unknown } = { handle: undefined };
    grace.handle = this.sched.set(ms, () => {
      if (member.grace !== grace) return;
      member.grace = undefined;
      this.timerCount--;
      if (this.calls.get(call.callId) === call && member.state === 'accepted' && member.conn === undefined) {
        this.leave(call, member, 'disconnected');
      }
    });
    member.grace = grace;
    this.timerCount++;
  }

  private clearGrace(member: MemberRec): void {
    if (member.grace === undefined) return;
    this.sched.clear(member.grace.handle);
    member.grace = undefined;
    this.timerCount--;
  }

  private clearRing(member: MemberRec): void {
    if (member.timer === undefined) return;
    this.sched.clear(member.timer.handle);
    member.timer = undefined;
    this.timerCount--;
  }

  /** `incoming` to one socket of a ringing invitee; `timeout` is the ring time left, in seconds. */
  private sendIncoming(call: CallRec, conn: ConnId, remainingS: number): void {
    const invitedBy = call.members.get(this.connUser.get(conn) ?? '')?.invitedBy;
    const caller = call.members.get(invitedBy ?? call.callerId);
    const message: OutgoingServerMessage = {
      type: 'incoming',
      callId: call.callId,
      caller: profileOf(caller ?? { userId: call.callerId }),
      mediaType: call.mediaType,
      members: this.memberList(call),
      timeout: Math.round(remainingS * 1000) / 1000,
    };
    if (call.userData !== undefined) message.userData = call.userData;
    if (call.groupId !== undefined) message.groupId = call.groupId;
    this.options.send(conn, message);
  }

  /** Tells every other live member about `member`: accepted ones on their call socket, ringing ones on every tab. */
  private notifyOthers(call: CallRec, member: MemberRec): void {
    const message: OutgoingServerMessage = { type: 'member-state', callId: call.callId, member: view(member) };
    for (const m of call.members.values()) {
      if (m === member) continue;
      if (m.state === 'accepted' && m.conn !== undefined) this.options.send(m.conn, message);
      else if (m.state === 'ringing') for (const c of this.connsOf(m.userId)) this.options.send(c, message);
    }
  }

  private applyProfile(user: UserRec, profile: ProfileFields): void {
    let changed = false;
    if (profile.name !== undefined && profile.name !== user.name) {
      user.name = profile.name;
      changed = true;
    }
    if (profile.avatar !== undefined && profile.avatar !== user.avatar) {
      user.avatar = profile.avatar;
      changed = true;
    }
    if (!changed) return;
    for (const call of this.liveCalls(user.userId)) {
      const member = call.members.get(user.userId);
      if (!member) continue;
      member.name = user.name;
      member.avatar = user.avatar;
      this.notifyOthers(call, member);
    }
  }

  private memberList(call: CallRec): Member[] {
    return [...call.members.values()].map(view);
  }

  private ok(conn: ConnId, ref: string | undefined): void {
    this.options.send(conn, { type: 'ok', ref });
  }

  private notFound(conn: ConnId, ref: string | undefined): void {
    this.error(conn, ref, 'call-not-found', 'no such call');
  }

  private answered(conn: ConnId, ref: string | undefined, member: MemberRec): void {
    if (member.state === 'accepted' || member.state === 'rejected' || member.state === 'busy') {
      this.error(conn, ref, 'already-answered', `you already answered this call (${member.state})`);
    } else {
      this.error(conn, ref, 'invalid-state', `you can no longer answer this call (${member.state})`);
    }
  }

  private error(conn: ConnId, ref: string | undefined, code: ErrorCode, message: string, field?: string): void {
    const out: OutgoingServerMessage = { type: 'error', ref, code, message };
    if (field !== undefined) out.field = field;
    this.options.send(conn, out);
  }

  // ---- introspection --------------------------------------------------------------------------

  stats(): { users: number; calls: number; timers: number } {
    return { users: this.users.size, calls: this.calls.size, timers: this.timerCount };
  }

  /** The members of a live call (for tests and debugging), or undefined. */
  inspect(callId: string): { callerId: string; members: Member[] } | undefined {
    const call = this.calls.get(callId);
    return call && { callerId: call.callerId, members: this.memberList(call) };
  }

  /** The live call a user is in (the one it placed or accepted, else the oldest ringing), if any. */
  callIdOf(userId: string): string | undefined {
    return (this.engagedCall(userId) ?? this.liveCalls(userId)[0])?.callId;
  }

  /** Drops every call and clears every timer, without sending anything. */
  close(): void {
    for (const call of this.calls.values()) {
      for (const m of call.members.values()) {
        this.clearRing(m);
        this.clearGrace(m);
      }
    }
    this.calls.clear();
    this.userCalls.clear();
    this.connFlags.clear();
    this.users.clear();
    this.connUser.clear();
  }
}

function view(m: MemberRec): Member {
  const out: Member = { userId: m.userId, state: m.state };
  if (m.name !== undefined) out.name = m.name;
  if (m.avatar !== undefined) out.avatar = m.avatar;
  if (m.audio !== undefined) out.audio = m.audio;
  if (m.video !== undefined) out.video = m.video;
  return out;
}

function profileOf(m: { userId: string; name?: string; avatar?: string }): { userId: string; name?: string; avatar?: string } {
  const out: { userId: string; name?: string; avatar?: string } = { userId: m.userId };
  if (m.name !== undefined) out.name = m.name;
  if (m.avatar !== undefined) out.avatar = m.avatar;
  return out;
}
