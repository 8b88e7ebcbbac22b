/**
 * Call requests beside the registry's core state machine: the group-call requests `invite-user`
 * (an accepted member rings more users), `join` (a former invitee enters the running call) and
 * `group-call-query`, with the member-record pruning they need, and the in-call messages `relay`
 * and `media-state`. They act on the registry's records through {@link GroupHost}
 * (the registry passes itself); the rules are in the protocol header (`src/protocol/messages.ts`).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { MAX_MEMBER_RECORDS, MAX_MEMBERS } from '../src/constants.js';
import type { CallObserver } from './call-events.js';
import type { ClientMessage, MemberState } from '../src/protocol/messages.js';
import { LIVE, liveCount, memberList } from './call-model.js';
import type { CallRec, ConnId, MemberRec, OutgoingServerMessage } from './call-model.js';
import type { CallMessages } from './call-messages.js';
import type { Presence } from './presence.js';
import { videoUpgrade } from './video-upgrade.js';

type Req<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;

/** What the group requests need from the registry. */
export interface GroupHost {
  readonly presence: Presence;
  readonly out: CallMessages;
  send(conn: ConnId, message: OutgoingServerMessage): void;
  calls(): Iterable<CallRec>;
  call(callId: string): CallRec | undefined;
  find(conn: ConnId, me: string, callId: string): { call: CallRec; member: MemberRec } | undefined;
  liveCalls(userId: string): CallRec[];
  ringStateFor(from: string, uid: string): MemberState;
  /** Arms the member's ring timer for `ms` (default: the call's ring timeout). */
  armRing(call: CallRec, member: MemberRec, ms?: number): void;
  accept(conn: ConnId, me: string, msg: Req<'accept'>): void;
  /** The profile a member record carries for `userId` (operator directory, else self-declared). */
  profileFor(userId: string): Pick<MemberRec, 'name' | 'avatar' | 'nameVerified'>;
  /** Told of member state changes (records, webhooks: `call-events.ts`). */
  readonly observer?: CallObserver;
  clearGrace(member: MemberRec): void;
}

/** A member's resume token: 128 random bits, base64url (22 characters). */
export function newResumeToken(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * `invite-user`: an accepted member rings more users (see the protocol header). Users already live
 * in the call are refused; former members ring again.
 */
export function inviteUser(h: GroupHost, conn: ConnId, me: string, msg: Req<'invite-user'>): void {
  const found = h.find(conn, me, msg.callId);
  if (!found || found.member.state !== 'accepted' || found.member.conn !== conn) return h.out.notFound(conn, msg.id);
  const { call } = found;
  if (msg.to.includes(me)) return h.out.error(conn, msg.id, 'self-call', 'you cannot invite yourself', 'to');
  if (new Set(msg.to).size !== msg.to.length) return h.out.error(conn, msg.id, 'invalid-field', 'duplicate user in to', 'to');
  for (const uid of msg.to) {
    const existing = call.members.get(uid);
    if (existing && LIVE.has(existing.state)) return h.out.error(conn, msg.id, 'invalid-field', `${uid} is already in the call`, 'to');
  }
  if (liveCount(call) + msg.to.length > MAX_MEMBERS) {
    return h.out.error(conn, msg.id, 'too-many-members', `a call has at most ${MAX_MEMBERS} members`, 'to');
  }
  const added: MemberRec[] = [];
  for (const uid of msg.to) {
    const state = h.ringStateFor(me, uid);
    const rec: MemberRec = { userId: uid, ...h.profileFor(uid), state, invitedBy: me };
    // Re-inserted at the end: a former member keeps one record.
    call.members.delete(uid);
    call.members.set(uid, rec);
    added.push(rec);
    if (state === 'ringing') {
      h.presence.addUserCall(uid, call.callId);
      h.armRing(call, rec);
    }
  }
  pruneRecords(call);
  h.out.ok(conn, msg.id);
  for (const m of added) {
    if (m.state === 'ringing') for (const c of h.presence.connsOf(m.userId)) h.out.incoming(call, c, call.timeoutS);
  }
  for (const m of added) {
    h.observer?.memberChanged?.(call, m);
    h.out.notifyOthers(call, m);
  }
}

/**
 * Keeps at most {@link MAX_MEMBER_RECORDS} member records a call: the oldest records of members
 * no longer in it (declined, unavailable, left...) go first, so member lists stay far below the
 * frame cap. A member whose record is gone can no longer `join` (it may be invited again).
 */
function pruneRecords(call: CallRec): void {
  for (const [uid, rec] of call.members) {
    if (call.members.size <= MAX_MEMBER_RECORDS) return;
    if (!LIVE.has(rec.state) && uid !== call.callerId) call.members.delete(uid);
  }
}

/** `join`: a (former) invitee enters the running call (see the protocol header). */
export function join(h: GroupHost, conn: ConnId, me: string, msg: Req<'join'>): void {
  const call = h.call(msg.callId);
  const member = call?.members.get(me);
  if (!call || !member) return h.out.notFound(conn, msg.id);
  if (member.state === 'ringing') return h.accept(conn, me, { v: 1, type: 'accept', id: msg.id, callId: msg.callId });
  if (member.state === 'accepted') return h.out.error(conn, msg.id, 'invalid-state', 'you are already in this call');
  if (h.liveCalls(me).some((c) => c !== call)) return h.out.error(conn, msg.id, 'already-in-call', 'you are already in a call');
  if (liveCount(call) + 1 > MAX_MEMBERS) {
    return h.out.error(conn, msg.id, 'too-many-members', `a call has at most ${MAX_MEMBERS} members`, 'callId');
  }
  member.state = 'accepted';
  member.conn = conn;
  member.resumeToken = newResumeToken();
  member.audio = undefined;
  member.video = undefined;
  Object.assign(member, { name: undefined, avatar: undefined, nameVerified: undefined }, h.profileFor(me));
  h.presence.addUserCall(me, call.callId);
  h.send(conn, {
    type: 'call-started',
    ref: msg.id,
    callId: call.callId,
    mediaType: call.mediaType,
    members: memberList(call),
    resumeToken: member.resumeToken,
  });
  h.observer?.memberChanged?.(call, member);
  h.out.notifyOthers(call, member);
}

/**
 * `group-call-query`: the live call carrying `groupId`, shown only to users who are members of its
 * record (invited at some point); `null` otherwise, the same answer as no call.
 */
export function groupCallQuery(h: GroupHost, conn: ConnId, me: string, msg: Req<'group-call-query'>): void {
  let found: CallRec | undefined;
  for (const call of h.calls()) {
    if (call.groupId === msg.groupId && call.members.has(me)) found = call; // the newest wins
  }
  h.send(conn, {
    type: 'group-call',
    ref: msg.id,
    groupId: msg.groupId,
    call: found ? { callId: found.callId, mediaType: found.mediaType, members: memberList(found) } : null,
  });
}

/** The in-call messages: `relay`, `media-state`, `video-upgrade` (`video-upgrade.ts`). */
export function inCall(h: GroupHost, conn: ConnId, me: string, msg: Req<'relay' | 'media-state' | 'video-upgrade'>): void {
  if (msg.type === 'relay') return relay(h, conn, me, msg);
  if (msg.type === 'media-state') return mediaState(h, conn, me, msg);
  return videoUpgrade(h, conn, me, msg);
}

/** `relay`: SDP and ICE to another accepted member, stamped with `from`. */
export function relay(h: GroupHost, conn: ConnId, me: string, msg: Req<'relay'>): void {
  const found = h.find(conn, me, msg.callId);
  if (!found || found.member.state !== 'accepted') return h.out.notFound(conn, msg.id);
  if (msg.to === me) return h.out.error(conn, msg.id, 'invalid-field', 'cannot relay to yourself', 'to');
  const target = found.call.members.get(msg.to);
  if (!target || target.state !== 'accepted' || target.conn === undefined) {
    return h.out.error(conn, msg.id, 'not-in-call', `${msg.to} is not in the call`, 'to');
  }
  h.send(target.conn, { type: 'relay', callId: msg.callId, from: me, data: msg.data });
}

/** `media-state`: a member's audio/video flags to the others (and a switch of the call to audio). */
export function mediaState(h: GroupHost, conn: ConnId, me: string, msg: Req<'media-state'>): void {
  const found = h.find(conn, me, msg.callId);
  if (!found || found.member.state !== 'accepted') return h.out.notFound(conn, msg.id);
  found.member.audio = msg.audio;
  found.member.video = msg.video;
  const toAudio = msg.mediaType === 'audio' && found.call.mediaType === 'video';
  if (toAudio) found.call.mediaType = 'audio';
  for (const m of found.call.members.values()) {
    if (m !== found.member && m.state === 'accepted' && m.conn !== undefined) {
      h.send(m.conn, {
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

/** `resume`: re-binds an accepted member's call to this socket (after a reconnect). */
export function resume(h: GroupHost, conn: ConnId, me: string, msg: Req<'resume'>): void {
  const call = h.call(msg.callId);
  const member = call?.members.get(me);
  if (!call || !member || member.state !== 'accepted' || !sameToken(member.resumeToken, msg.resumeToken))
    return h.out.notFound(conn, msg.id);
  h.clearGrace(member);
  const old = member.conn;
  member.conn = conn;
  // The socket that loses the call (another tab of ours, still open) is told.
  if (old !== undefined && old !== conn && h.presence.connsOf(me).includes(old)) {
    h.send(old, { type: 'call-ended', callId: call.callId, reason: 'answered-elsewhere' });
  }
  h.send(conn, {
    type: 'resumed',
    ref: msg.id,
    callId: call.callId,
    mediaType: call.mediaType,
    members: memberList(call),
    resumeToken: member.resumeToken,
  });
}

function sameToken(expected: string | undefined, given: string | undefined): boolean {
  if (expected === undefined || given === undefined || expected.length !== given.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}
