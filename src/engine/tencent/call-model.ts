/**
 * The Tencent engine's call model, as plain data shared by its modules: the current call and its
 * members, and the calls `join()` remembers. Imports nothing of the engine (a leaf module), so
 * `chat-signaling.ts`, `trtc-media.ts` and `call-state.ts` can all read it without a cycle.
 */
import type { CallMediaType, CallRole } from '../../constants.js';
import { CallKitError, ErrorCode, invalidParameter } from '../../errors.js';
import type { InvitationReceived } from './sdk-types.js';
import { MAX_ROOM_ID, type RoomId } from './wire.js';

export type Phase = 'dialing' | 'ringing' | 'connecting' | 'connected';
export type MemberState = 'ringing' | 'accepted' | 'gone';

export interface Member {
  userId: string;
  state: MemberState;
  /** Present in our TRTC room. */
  inRoom: boolean;
  audio: boolean;
  video: boolean;
  /** Key of the last stream handed out ('' = none). */
  streamKey: string;
}

export interface ActiveCall {
  callId: string;
  role: CallRole;
  phase: Phase;
  mediaType: CallMediaType;
  room: RoomId;
  groupID: string;
  inviter: string;
  /** Invitees as announced in the payload (`userIDs`). */
  userIDs: string[];
  members: Map<string, Member>;
  /** Our own pending invitations: inviteID -> callees still ringing. */
  outgoing: Map<string, Set<string>>;
  /** Every invitation of this call we know (ours and the one we ring for). */
  invites: Set<string>;
  /** The invitation we ring for (callee). */
  incoming?: InvitationReceived;
  /** Our accept of `incoming` went out. */
  answered?: boolean;
  /** onCallStarted / onCallReceived was emitted. */
  announced: boolean;
  /** Member transitions that happened before the call was announced, replayed right after. */
  deferred: (() => void)[];
  beginAt: number;
  inRoom: boolean;
  userData?: string;
  /** Why the last invitation failed to send. */
  outgoingError?: CallKitError;
  /** We entered this call with `join()`: members already in its room just show up (no accept). */
  joined?: boolean;
}

/** A call we were invited to or placed, kept so `join()` can enter it later (v2 has no call server). */
export interface KnownCall {
  callId: string;
  room: RoomId;
  mediaType: CallMediaType;
  groupID: string;
  inviter: string;
  userIDs: string[];
}

/** How many calls `join()` remembers (the most recent ones). */
const MAX_KNOWN_CALLS = 32;

/** Calls we were invited to or placed by call id, most recent last (for `join`). */
export class KnownCalls extends Map<string, KnownCall> {
  /** Adds or refreshes a call, forgetting the oldest beyond the most recent 32. */
  remember(call: KnownCall): void {
    this.delete(call.callId);
    this.set(call.callId, call);
    while (this.size > MAX_KNOWN_CALLS) this.delete(this.keys().next().value as string);
  }
}

/** A call as the engine starts it: everything not given starts empty. */
export function newCall(
  fields: Pick<ActiveCall, 'callId' | 'role' | 'phase' | 'mediaType' | 'room' | 'groupID' | 'inviter' | 'userIDs'> & Partial<ActiveCall>,
): ActiveCall {
  return {
    members: new Map(),
    outgoing: new Map(),
    invites: new Set(),
    announced: false,
    deferred: [],
    beginAt: 0,
    inRoom: false,
    ...fields,
  };
}

export function newMember(userId: string, state: MemberState): Member {
  return { userId, state, inRoom: false, audio: false, video: false, streamKey: '' };
}

/** One of our invitations to `userId` is still ringing. */
export function isInvited(call: ActiveCall, userId: string): boolean {
  for (const set of call.outgoing.values()) if (set.has(userId)) return true;
  return false;
}

/** Seconds since the call began (0 before it did). */
export function callSeconds(call: ActiveCall): number {
  return call.beginAt ? Math.max(0, Math.round((Date.now() - call.beginAt) / 1000)) : 0;
}

export function sameRoom(a: RoomId | null, b: RoomId | null): boolean {
  return a !== null && b !== null && typeof a === typeof b && a === b;
}

export function randomRoomId(): number {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.getRandomValues) return (c.getRandomValues(new Uint32Array(1))[0] % MAX_ROOM_ID) + 1;
  return Math.floor(Math.random() * MAX_ROOM_ID) + 1;
}

/**
 * The callees of `calls` / `inviteUser`: non-empty user ids, not ourselves (`self`), without
 * duplicates or those already `present`, at most `max`.
 */
export function validateCallees(list: unknown, present: string[], self: string, max: number): string[] {
  if (!Array.isArray(list) || list.length === 0) throw invalidParameter('userIDList must be a non-empty array of user ids');
  const ids: string[] = [];
  for (const id of list) {
    if (typeof id !== 'string' || !id) throw invalidParameter('userIDList must contain non-empty strings');
    if (id === self) throw new CallKitError(ErrorCode.SELF_CALL, 'you cannot call yourself');
    if (!ids.includes(id) && !present.includes(id)) ids.push(id);
  }
  if (ids.length === 0) throw invalidParameter('every user in userIDList is already in the call');
  if (ids.length > max) throw new CallKitError(ErrorCode.CALLEE_COUNT, `at most ${max} users can be called at once`);
  return ids;
}
