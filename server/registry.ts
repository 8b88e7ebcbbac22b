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
 *
 * This file is the state machine. Beside it: records and pure helpers (`call-model.ts`), sockets, users
 * and user -> live calls (`presence.ts`), ring and grace timers (`call-timers.ts`), what is sent to whom
 * (`call-messages.ts`), a new cluster leader's take-over (`cluster/restore.ts`).
 */
import { randomBytes } from 'node:crypto';
import { MAX_CONCURRENT_INCOMING } from '../src/constants.js';
import type { ClientMessage, EndReason, Member, MemberState, PresenceStatus } from '../src/protocol/messages.js';
import { hasAcceptedInvitee, glarePeer, liveCount, memberList, view } from './call-model.js';
import { CallMessages } from './call-messages.js';
import type { CallRec, ConnId, IncomingFlags, MemberRec, OutgoingServerMessage, ProfileFields } from './call-model.js';
import { activeCall, type ActiveCall, type CallObserver } from './call-events.js';
import { CallTimers, realScheduler, type Scheduler } from './call-timers.js';
import { groupCallQuery, inCall, inviteUser, join, newResumeToken, resume, type GroupHost } from './group-requests.js';
import { preconnect, preconnectAccepted } from './preconnect.js';
import { Identity, type CallPolicy, type OperatorProfile } from './profiles.js';
import { Presence, type UserRec } from './presence.js';
import { restoreState, type RestoredConn, type RestoreHost } from './cluster/restore.js';

export type { ConnId, IncomingFlags, OutgoingServerMessage, ProfileFields } from './call-model.js';
export type { ActiveCall } from './call-events.js';
export { realScheduler, type Scheduler } from './call-timers.js';

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
  /** Who may ring whom (see `SignalingServerOptions.canCall`). */
  canCall?: CallPolicy | null;
  /** Self-declared avatars go to ringing callees too (see `SignalingServerOptions.avatarsBeforeAnswer`). */
  avatarsBeforeAnswer?: boolean;
  /** Told of every call placed, member state change and call end (records, webhooks: `call-events.ts`). */
  observer?: CallObserver;
  /** A user logged in or lost a socket (`presence-watch.ts`). */
  onPresence?(userId: string): void;
}

type CallRequest = Exclude<ClientMessage, { type: 'login' | 'profile' | 'presence-subscribe' | 'presence-unsubscribe' }>;

export class CallRegistry {
  private readonly calls = new Map<string, CallRec>();
  private readonly presence = new Presence();
  private readonly timers: CallTimers;
  private readonly out: CallMessages;
  private readonly now: () => number;
  private readonly newCallId: () => string;
  private readonly graceMs: number;
  /** The group requests' view of this registry (`group-requests.ts`). */
  private readonly group: GroupHost & RestoreHost;
  private readonly identity: Identity;

  constructor(private readonly options: RegistryOptions) {
    this.graceMs = options.graceMs ?? 15_000;
    this.timers = new CallTimers(options.scheduler ?? realScheduler);
    this.out = new CallMessages((conn, message) => options.send(conn, message), this.presence, options.avatarsBeforeAnswer === true);
    this.identity = new Identity(options.canCall ?? null);
    this.now = options.now ?? Date.now;
    this.newCallId = options.newCallId ?? (() => randomBytes(16).toString('base64url'));
    this.group = {
      presence: this.presence,
      out: this.out,
      send: (conn, message) => options.send(conn, message),
      calls: () => this.calls.values(),
      call: (callId) => this.calls.get(callId),
      find: (conn, me, callId) => this.find(conn, me, callId),
      liveCalls: (userId) => this.liveCalls(userId),
      ringStateFor: (from, uid) => this.ringStateFor(from, uid),
      armRing: (call, member, ms) => this.armRing(call, member, ms),
      accept: (conn, me, msg) => this.accept(conn, me, msg),
      profileFor: (userId) => this.profileFor(userId),
      observer: options.observer,
      clearGrace: (member) => this.timers.clearGrace(member),
      adopt: (call) => this.calls.set(call.callId, call),
      lostSocket: (call, member) => this.lostSocket(call, member, 0),
    };
  }

  // ---- connections ----------------------------------------------------------------------------

  /**
   * A socket has logged in as `userId`. Re-rings it if the user has a ringing invite. `newPage`: the
   * page's first login (it holds no call), which ends the user's orphaned call (see {@link endOrphan}).
   */
  login(conn: ConnId, userId: string, profile: ProfileFields, flags: IncomingFlags = {}, newPage = false, signed?: OperatorProfile): void {
    if (newPage) this.endOrphan(userId);
    const user = this.presence.addConn(conn, userId, flags);
    this.options.onPresence?.(userId);
    if (signed) user.signed = signed;
    this.applyProfile(user, profile);
    for (const call of this.liveCalls(userId)) {
      const member = call.members.get(userId);
      if (member?.state === 'ringing') {
        this.out.incoming(call, conn, Math.max(0, ((member.ringDeadline ?? this.now()) - this.now()) / 1000));
      }
    }
  }

  /** Sets the socket's incoming-call flags (`login` / `profile`); absent fields keep their value. */
  setFlags(conn: ConnId, flags: IncomingFlags): void {
    this.presence.setFlags(conn, flags);
  }

  /** Updates the profile of the socket's user; call peers get a `member-state` with the new name/avatar. */
  setProfile(conn: ConnId, profile: ProfileFields, flags?: IncomingFlags): void {
    const userId = this.presence.userOf(conn);
    if (flags && userId !== undefined) this.presence.setFlags(conn, flags);
    const user = userId === undefined ? undefined : this.presence.user(userId);
    if (user) this.applyProfile(user, profile);
  }

  /**
   * A socket is gone (closed, terminated, timed out). `silentForMs`: how long it had been silent
   * (the ping timeout when it missed pings), taken off the grace period.
   */
  disconnect(conn: ConnId, silentForMs = 0): void {
    const userId = this.presence.removeConn(conn);
    if (userId === undefined) return;
    this.options.onPresence?.(userId);
    const call = this.engagedCall(userId);
    const member = call?.members.get(userId);
    if (!call || !member || member.conn !== conn) return; // not bound: a ringing tab or an idle tab
    this.lostSocket(call, member, silentForMs);
  }

  /** A bound member's call socket is gone: a caller nobody answered cancels, others get the grace period. */
  private lostSocket(call: CallRec, member: MemberRec, silentForMs: number): void {
    if (member.userId === call.callerId && !hasAcceptedInvitee(call)) return this.cancelCall(call);
    // A connected call: keep the member's place for the grace period, waiting for a `resume`.
    member.conn = undefined;
    this.armGrace(call, member, Math.max(0, this.graceMs - Math.max(0, silentForMs)));
  }

  /** Every live call (a cluster's leader stores them: `cluster/`). */
  liveCallRecords = (): Iterable<CallRec> => this.calls.values();
  /** A live call's record (the SFU module reads members and sockets; it must not change them). */
  callRec = (callId: string): CallRec | undefined => this.calls.get(callId);

  /** Takes over calls and sockets another node held (a cluster's new leader: `cluster/restore.ts`). */
  restore(calls: CallRec[], conns: RestoredConn[]): void {
    restoreState(this.group, calls, conns, this.now());
  }

  // ---- requests -------------------------------------------------------------------------------

  handle(conn: ConnId, message: CallRequest): void {
    const userId = this.presence.userOf(conn);
    if (userId === undefined) {
      this.out.error(conn, message.id, 'not-logged-in', 'log in first');
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
        return inviteUser(this.group, conn, userId, message);
      case 'join':
        return join(this.group, conn, userId, message);
      case 'group-call-query':
        return groupCallQuery(this.group, conn, userId, message);
      case 'resume':
        return resume(this.group, conn, userId, message);
      case 'pre-connect':
        return preconnect(this.group, conn, userId, message);
      case 'relay':
      case 'media-state':
      case 'video-upgrade':
        return inCall(this.group, conn, userId, message);
    }
  }

  private invite(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'invite' }>): void {
    if (msg.to.includes(me)) return this.out.error(conn, msg.id, 'self-call', 'you cannot call yourself', 'to');
    if (new Set(msg.to).size !== msg.to.length) return this.out.error(conn, msg.id, 'invalid-field', 'duplicate user in to', 'to');
    this.endOrphan(me);
    const live = this.liveCalls(me);
    if (live.length > 0) {
      let current: CallRec | undefined;
      let glareWith: string | undefined;
      if (!this.engagedCall(me)) {
        for (const c of live) {
          glareWith = glarePeer(c, me, msg.to);
          if (glareWith !== undefined) {
            current = c;
            break;
          }
        }
      }
      if (glareWith === undefined || !current) return this.out.error(conn, msg.id, 'already-in-call', 'you are already in a call');
      if (glareWith < me) {
        // The pending call from the lower id wins; this invite is refused, the incoming call goes on.
        return this.out.error(conn, msg.id, 'glare', `the incoming call from ${glareWith} takes precedence`, 'to');
      }
      // This invite wins: the other side's pending call ends for both with `glare`.
      this.endCall(current, () => 'glare');
    }

    let callId = this.newCallId();
    while (this.calls.has(callId)) callId = this.newCallId();
    const call: CallRec = {
      callId,
      callerId: me,
      mediaType: msg.mediaType,
      timeoutS: msg.timeout ?? this.options.ringTimeoutS,
      members: new Map(),
    };
    if (msg.userData !== undefined) call.userData = msg.userData;
    if (msg.groupId !== undefined) call.groupId = msg.groupId;
    const callerRec: MemberRec = {
      userId: me,
      ...this.profileFor(me),
      state: 'accepted',
      conn,
      resumeToken: newResumeToken(),
    };
    call.members.set(me, callerRec);
    for (const uid of msg.to) call.members.set(uid, { userId: uid, ...this.profileFor(uid), state: this.ringStateFor(me, uid) });
    const refused = msg.to.every((uid) => !this.identity.allows(me, uid));
    this.calls.set(callId, call);
    this.options.observer?.callCreated?.(call);
    this.presence.addUserCall(me, callId);
    const ringing = [...call.members.values()].filter((m) => m.state === 'ringing');
    for (const m of ringing) {
      this.presence.addUserCall(m.userId, callId);
      this.armRing(call, m);
    }

    this.options.send(conn, {
      type: 'invite-ok',
      ref: msg.id,
      callId,
      mediaType: call.mediaType,
      members: memberList(call),
      timeout: call.timeoutS,
      resumeToken: callerRec.resumeToken,
    });
    for (const m of ringing) for (const c of this.presence.connsOf(m.userId)) this.out.incoming(call, c, call.timeoutS);
    for (const m of call.members.values()) {
      if (m.state === 'busy' || m.state === 'unavailable') {
        this.options.send(conn, { type: 'member-state', callId, member: view(m) });
      }
    }
    if (ringing.length === 0) {
      const anyBusy = [...call.members.values()].some((m) => m.state === 'busy');
      this.endCall(call, () => (anyBusy ? 'busy' : refused ? 'not-allowed' : 'unavailable'));
    }
  }

  private cancel(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'cancel' }>): void {
    const found = this.find(conn, me, msg.callId);
    if (!found) return this.out.notFound(conn, msg.id);
    const { call } = found;
    if (call.callerId !== me) return this.out.error(conn, msg.id, 'invalid-state', 'only the caller can cancel');
    if (hasAcceptedInvitee(call)) return this.out.error(conn, msg.id, 'invalid-state', 'the call was answered: use hangup');
    this.out.ok(conn, msg.id);
    this.cancelCall(call);
  }

  private accept(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'accept' }>): void {
    const found = this.find(conn, me, msg.callId);
    if (!found) return this.out.notFound(conn, msg.id);
    const { call, member } = found;
    if (me === call.callerId) return this.out.error(conn, msg.id, 'invalid-state', 'the caller cannot accept its own call');
    if (member.state !== 'ringing') return this.out.answered(conn, msg.id, member);
    this.endOrphan(me);
    const engaged = this.engagedCall(me);
    if (engaged && engaged !== call)
      return this.out.error(conn, msg.id, 'already-in-call', 'hang up your current call before accepting another');
    this.timers.clearRing(member);
    member.state = 'accepted';
    member.conn = conn;
    member.resumeToken = newResumeToken();
    preconnectAccepted(this.group, call, member, conn);
    for (const c of this.presence.connsOf(me)) {
      if (c !== conn) this.options.send(c, { type: 'call-ended', callId: call.callId, reason: 'answered-elsewhere' });
    }
    this.options.send(conn, {
      type: 'call-started',
      ref: msg.id,
      callId: call.callId,
      mediaType: call.mediaType,
      members: memberList(call),
      resumeToken: member.resumeToken,
    });
    this.options.observer?.memberChanged?.(call, member);
    this.out.notifyOthers(call, member);
  }

  private reject(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'reject' }>): void {
    const found = this.find(conn, me, msg.callId);
    if (!found) return this.out.notFound(conn, msg.id);
    const { call, member } = found;
    if (me === call.callerId) return this.out.error(conn, msg.id, 'invalid-state', 'the caller cannot reject: use cancel');
    if (member.state === 'accepted') return this.out.error(conn, msg.id, 'invalid-state', 'the call was answered: use hangup');
    if (member.state !== 'ringing') return this.out.answered(conn, msg.id, member);
    // A tab that cannot carry calls declines for itself only, while the user has another tab that can.
    if (msg.reason === 'unsupported') {
      const declined = (member.unsupportedConns ??= new Set());
      declined.add(conn);
      if (this.presence.connsOf(me).some((c) => !declined.has(c))) return this.out.ok(conn, msg.id);
    }
    const why = msg.reason === 'unsupported' ? 'unsupported' : undefined;
    this.decline(call, member, conn, msg.id, msg.reason === 'busy' ? 'busy' : 'rejected', why);
  }

  private hangup(conn: ConnId, me: string, msg: Extract<CallRequest, { type: 'hangup' }>): void {
    const found = this.find(conn, me, msg.callId);
    if (!found) return this.out.notFound(conn, msg.id);
    const { call, member } = found;
    if (member.state === 'ringing') return this.decline(call, member, conn, msg.id, 'rejected');
    if (member.state !== 'accepted') return this.out.error(conn, msg.id, 'invalid-state', 'you are no longer in this call');
    this.out.ok(conn, msg.id);
    if (me === call.callerId && !hasAcceptedInvitee(call)) return this.cancelCall(call);
    this.leave(call, member, 'hangup');
  }

  // ---- transitions ----------------------------------------------------------------------------

  /** A ringing invitee declines (reject or hangup while ringing). */
  private decline(
    call: CallRec,
    member: MemberRec,
    conn: ConnId,
    ref: string | undefined,
    state: 'rejected' | 'busy',
    endReason?: EndReason,
  ): void {
    this.timers.clearRing(member);
    member.state = state;
    this.presence.dropUserCall(member.userId, call.callId);
    for (const c of this.presence.connsOf(member.userId)) {
      if (c !== conn) this.options.send(c, { type: 'call-ended', callId: call.callId, reason: 'rejected-elsewhere' });
    }
    this.out.ok(conn, ref);
    this.options.observer?.memberChanged?.(call, member);
    this.out.notifyOthers(call, member);
    this.checkEnd(call, endReason ?? (state === 'busy' ? 'busy' : 'rejected'));
  }

  /** An accepted member leaves (hangup or lost socket). */
  private leave(call: CallRec, member: MemberRec, reason: 'hangup' | 'disconnected'): void {
    this.timers.clearGrace(member);
    member.state = 'left';
    member.conn = undefined;
    this.presence.dropUserCall(member.userId, call.callId);
    this.options.observer?.memberChanged?.(call, member);
    this.out.notifyOthers(call, member);
    this.checkEnd(call, reason);
  }

  private ringTimeout(callId: string, userId: string): void {
    const call = this.calls.get(callId);
    const member = call?.members.get(userId);
    if (!call || !member || member.state !== 'ringing') return;
    this.timers.clearRing(member);
    member.state = 'no-response';
    this.presence.dropUserCall(userId, callId);
    for (const c of this.presence.connsOf(userId)) this.options.send(c, { type: 'call-ended', callId, reason: 'timeout' });
    this.options.observer?.memberChanged?.(call, member);
    this.out.notifyOthers(call, member);
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
    if (liveCount(call) >= 2) return;
    this.endCall(call, (m) => (m.state === 'ringing' ? 'cancelled' : reasonForAccepted));
  }

  /**
   * Drops a call: every member still accepted (on its call socket) or ringing (on every tab) gets
   * `call-ended` with the reason `reasonFor` gives it; timers are cleared.
   */
  private endCall(call: CallRec, reasonFor: (m: MemberRec) => EndReason, message?: string): void {
    const callerRec = call.members.get(call.callerId);
    const callReason = callerRec ? reasonFor(callerRec) : 'ended';
    this.calls.delete(call.callId);
    for (const m of call.members.values()) {
      this.timers.clearRing(m);
      this.timers.clearGrace(m);
      this.presence.dropUserCall(m.userId, call.callId);
    }
    for (const m of call.members.values()) {
      if (m.state === 'accepted' && m.conn !== undefined) {
        const reason = reasonFor(m);
        m.state = 'left';
        this.options.send(m.conn, { type: 'call-ended', callId: call.callId, reason, ...(message ? { message } : {}) });
      } else if (m.state === 'ringing') {
        const reason = reasonFor(m);
        m.state = 'cancelled';
        for (const c of this.presence.connsOf(m.userId)) {
          this.options.send(c, { type: 'call-ended', callId: call.callId, reason, ...(message ? { message } : {}) });
        }
      }
    }
    if (this.options.observer?.callEnded) {
      const online = new Set([...call.members.keys()].filter((u) => this.presence.isOnline(u)));
      this.options.observer.callEnded(call, callReason, online);
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

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
    for (const id of this.presence.callIdsOf(userId)) {
      const call = this.calls.get(id);
      if (call) out.push(call);
    }
    return out;
  }

  /** The one call the user is in as caller or accepted member (not merely ringing), if any. */
  private engagedCall(userId: string): CallRec | undefined {
    return this.liveCalls(userId).find((c) => c.members.get(userId)?.state === 'accepted');
  }

  /**
   * What a new invitation does to `uid`: `unavailable` (no socket), `ringing`, or `busy`. Busy: in a
   * call (unless `callWaiting` and nothing else rings for it), or already ringing (unless
   * `multiIncoming` and fewer than {@link MAX_CONCURRENT_INCOMING} invitations ring).
   */
  private ringStateFor(from: string, uid: string): MemberState {
    // Refused by the operator: the same answer as offline, so presence is not told.
    if (!this.presence.isOnline(uid) || !this.identity.allows(from, uid)) return 'unavailable';
    const live = this.liveCalls(uid);
    if (live.length === 0) return 'ringing';
    const engaged = live.some((c) => c.members.get(uid)?.state === 'accepted');
    if (engaged) return live.length === 1 && this.presence.allows(uid, 'callWaiting') ? 'ringing' : 'busy';
    return live.length < MAX_CONCURRENT_INCOMING && this.presence.allows(uid, 'multiIncoming') ? 'ringing' : 'busy';
  }

  /**
   * Ends the user's orphaned call: one it is accepted in whose call socket is gone (a killed tab,
   * in its grace period). The member leaves with `disconnected`, as when the grace runs out.
   */
  private endOrphan(userId: string): void {
    const call = this.engagedCall(userId);
    const member = call?.members.get(userId);
    if (call && member && member.conn === undefined) this.leave(call, member, 'disconnected');
  }

  private armRing(call: CallRec, member: MemberRec, ms = Math.max(0, call.timeoutS * 1000)): void {
    member.ringDeadline = this.now() + ms;
    const { callId } = call;
    const { userId } = member;
    this.timers.armRing(member, ms, () => this.ringTimeout(callId, userId));
  }

  private armGrace(call: CallRec, member: MemberRec, ms: number): void {
    this.timers.armGrace(member, ms, () => {
      if (this.calls.get(call.callId) === call && member.state === 'accepted' && member.conn === undefined) {
        this.leave(call, member, 'disconnected');
      }
    });
  }

  /** The profile a member record carries for `userId`: what the user declared (online), if anything. */
  private profileFor(userId: string): Pick<MemberRec, 'name' | 'avatar' | 'nameVerified'> {
    return this.identity.profileFor(userId, this.presence.user(userId));
  }

  private applyProfile(user: UserRec, profile: ProfileFields): void {
    if (this.presence.updateProfile(user, profile)) this.refreshProfile(user.userId);
  }

  /** Re-reads the user's shown profile into its live calls' records; others are told of a change. */
  private refreshProfile(userId: string): void {
    const shown = this.profileFor(userId);
    for (const call of this.liveCalls(userId)) {
      const member = call.members.get(userId);
      if (!member || (member.name === shown.name && member.avatar === shown.avatar && member.nameVerified === shown.nameVerified)) continue;
      Object.assign(member, shown);
      this.out.notifyOthers(call, member);
    }
  }

  /** Sets (null: removes) the operator profile of `userId`; returns whether one existed. */
  setOperatorProfile(userId: string, profile: OperatorProfile | null): boolean {
    const existed = profile ? this.identity.directory.get(userId) !== undefined : this.identity.directory.delete(userId);
    if (profile) this.identity.directory.set(userId, profile);
    this.refreshProfile(userId);
    return existed;
  }

  /** `userId`'s presence for `viewer`: offline if no socket or `canCall` refuses (no leak), busy if engaged. */
  presenceOf(viewer: string, userId: string): PresenceStatus {
    if (!this.presence.isOnline(userId) || !this.identity.allows(viewer, userId)) return 'offline';
    return this.engagedCall(userId) ? 'busy' : 'online';
  }

  /** The operator profile of `userId` (admin endpoint), if any. */
  operatorProfile = (userId: string): OperatorProfile | undefined => this.identity.directory.get(userId);

  // ---- introspection --------------------------------------------------------------------------
  stats(): { users: number; calls: number; timers: number } {
    return { users: this.presence.userCount, calls: this.calls.size, timers: this.timers.count };
  }

  /** The members of a live call (for tests and debugging), or undefined. */
  inspect(callId: string): { callerId: string; members: Member[] } | undefined {
    const call = this.calls.get(callId);
    return call && { callerId: call.callerId, members: memberList(call) };
  }

  /** The live call a user is in (the one it placed or accepted, else the oldest ringing), if any. */
  callIdOf(userId: string): string | undefined {
    return (this.engagedCall(userId) ?? this.liveCalls(userId)[0])?.callId;
  }

  /** Every live call (admin API). */
  activeCalls(): ActiveCall[] {
    return [...this.calls.values()].map(activeCall);
  }

  /**
   * Ends a live call from outside (admin API, maximum duration): every member still in it gets
   * `call-ended` with `reason` (and `message`). False when there is no such call.
   */
  terminate(callId: string, reason: 'ended-by-admin' | 'max-duration' | 'ended', message?: string): boolean {
    const call = this.calls.get(callId);
    if (!call) return false;
    this.endCall(call, () => reason, message);
    return true;
  }

  /** Drops every call and clears every timer, without sending anything. */
  close(): void {
    for (const call of this.calls.values()) {
      for (const m of call.members.values()) this.timers.clear(m);
    }
    this.calls.clear();
    this.presence.clear();
  }
}
