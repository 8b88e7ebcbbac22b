/**
 * The records the call registry keeps, and pure functions over them. No state, no I/O: the
 * registry (`registry.ts`) owns the records; this module says what a call and a member are and how
 * they are shown on the wire. A storage layer (call records) would persist these shapes.
 */
import type { MediaType, Member, MemberState, Outgoing, Profile, ServerMessage } from '../src/protocol/messages.js';

/** A socket, as the registry knows it: an opaque number given by the connection layer. */
export type ConnId = number;
export type OutgoingServerMessage = Outgoing<ServerMessage>;

export interface ProfileFields {
  name?: string;
  avatar?: string;
}

/** Per-socket incoming-call policy (login / profile flags); a user gets it only if every socket asked. */
export interface IncomingFlags {
  /** Up to `MAX_CONCURRENT_INCOMING` (`src/constants.ts`) invitations may ring at once while not in a call. */
  multiIncoming?: boolean;
  /** One invitation may ring ("waiting") while in a call. */
  callWaiting?: boolean;
}

/** A pending timer on a member record (see `call-timers.ts`). */
export interface TimerRef {
  handle: unknown;
}

export interface MemberRec {
  userId: string;
  name?: string;
  avatar?: string;
  /** The name and avatar come from the operator (profile directory or the signed userSig), not the user. */
  nameVerified?: boolean;
  state: MemberState;
  /** The member's call socket: the caller's inviting socket, or the socket that accepted. */
  conn?: ConnId;
  audio?: boolean;
  video?: boolean;
  /** The ring timer, while ringing. */
  timer?: TimerRef;
  ringDeadline?: number;
  /** Who rang this member (`invite-user`); the caller when absent. Shown as `incoming.caller`. */
  invitedBy?: string;
  /** Set while the member's call socket is lost and it may still `resume`. */
  grace?: TimerRef;
  /** Tabs of this ringing member that declined with `unsupported` (they cannot carry calls). */
  unsupportedConns?: Set<ConnId>;
  /** Given to the member's call socket (invite-ok / call-started); `resume` must present it. */
  resumeToken?: string;
  /** A ringing invitee's socket that pre-connects with the caller (`../src/protocol/preconnect.ts`). */
  preconnect?: ConnId;
}

export interface CallRec {
  callId: string;
  callerId: string;
  mediaType: MediaType;
  timeoutS: number;
  userData?: string;
  groupId?: string;
  /** Insertion order: caller first, then invitees in `to` order. */
  members: Map<string, MemberRec>;
  /** Who asked to turn this audio call into video and awaits the answer (`video-upgrade.ts`). */
  videoRequest?: string;
}

/** Member states that keep a call alive (the end rule counts them). */
export const LIVE: ReadonlySet<MemberState> = new Set(['accepted', 'ringing']);

/** How many members are live (accepted or ringing). */
export function liveCount(call: CallRec): number {
  let live = 0;
  for (const m of call.members.values()) if (LIVE.has(m.state)) live++;
  return live;
}

export function hasAcceptedInvitee(call: CallRec): boolean {
  for (const m of call.members.values()) if (m.userId !== call.callerId && m.state === 'accepted') return true;
  return false;
}

/**
 * Glare: `me` (ringing for `current`, a 1v1 call from X nobody accepted) invites exactly X.
 * Returns X, or undefined when this is not glare.
 */
export function glarePeer(current: CallRec, me: string, to: readonly string[]): string | undefined {
  if (to.length !== 1 || current.members.size !== 2) return undefined;
  const other = to[0];
  if (current.callerId !== other) return undefined;
  return current.members.get(me)?.state === 'ringing' ? other : undefined;
}

/** States of members whose name and avatar others see (they answered; see the protocol header, "Identity"). */
const SHOWN: ReadonlySet<MemberState> = new Set(['accepted', 'left']);

/**
 * A member as the protocol shows it. `ringing`: for a ringing recipient, who sees no self-declared
 * avatar unless `avatarsBeforeAnswer`.
 */
export function view(m: MemberRec, ringing?: { avatarsBeforeAnswer: boolean }): Member {
  const out: Member = { userId: m.userId, state: m.state };
  if (SHOWN.has(m.state)) {
    if (m.name !== undefined) out.name = m.name;
    if (m.avatar !== undefined && (!ringing || m.nameVerified || ringing.avatarsBeforeAnswer)) out.avatar = m.avatar;
    if (m.nameVerified) out.verified = true;
  }
  if (m.audio !== undefined) out.audio = m.audio;
  if (m.video !== undefined) out.video = m.video;
  return out;
}

export function memberList(call: CallRec, ringing?: { avatarsBeforeAnswer: boolean }): Member[] {
  return [...call.members.values()].map((m) => view(m, ringing));
}

/** The caller's profile in `incoming` (to a ringing callee: see {@link view}). */
export function profileOf(m: Partial<MemberRec> & { userId: string }, avatarsBeforeAnswer: boolean): Profile {
  const out: Profile = { userId: m.userId };
  if (m.name !== undefined) out.name = m.name;
  if (m.avatar !== undefined && (m.nameVerified || avatarsBeforeAnswer)) out.avatar = m.avatar;
  if (m.nameVerified) out.verified = true;
  return out;
}
