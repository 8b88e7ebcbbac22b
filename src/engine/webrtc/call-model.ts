/**
 * The default engine's call model: the current call's shape, the state its modules share
 * ({@link EngineContext}) and small wire helpers. No behaviour here beyond constructors.
 */
import { CallMediaType, CallRole, MAX_INVITEES } from '../../constants.js';
import { CallKitError, ErrorCode, invalidParameter } from '../../errors.js';
import type { RelayData, ServerMessage } from '../../protocol/messages.js';
import { Emitter } from '../emitter.js';
import type { CallEngineEvents, EndCause, MemberStatus, UserProfile } from '../types.js';
import type { Peer } from './peer.js';
import type { SfuSession } from './sfu-session.js';
import type { ClientRequest, SignalingClient } from './signaling-client.js';

export type CallPhase = 'dialing' | 'ringing' | 'connected';

export type Incoming = Extract<ServerMessage, { type: 'incoming' }>;
export type CallStarted = Extract<ServerMessage, { type: 'call-started' }>;
export type Relay = Extract<ServerMessage, { type: 'relay' }>;

export interface MemberInfo {
  profile: UserProfile;
  state: MemberStatus;
  audio?: boolean;
  video?: boolean;
}

export interface ActiveCall {
  /** '' until the server answered the invite. */
  callId: string;
  /** From `invite-ok` / `call-started` / `resumed`: presented by `resume` after a reconnect. */
  resumeToken?: string;
  role: typeof CallRole.CALLER | typeof CallRole.CALLEE;
  phase: CallPhase;
  /** The call's media type as invited. */
  callMediaType: CallMediaType;
  /** Our side's media type (audio when a video call was accepted audio-only or switched). */
  mediaType: CallMediaType;
  /** Other members (never us). */
  members: Map<string, MemberInfo>;
  peers: Map<string, Peer>;
  /** 1:1: the other member left while our connection to them had never connected (see `Peer.neverConnected`). */
  leftUnconnected?: boolean;
  invitees: string[];
  /** When `onCallBegin` was emitted (the first peer connection connected), 0 before. */
  beginAt: number;
  /** Members accepted before the call began: their `onUserJoin` follows `onCallBegin`, as on every engine. */
  joinsHeld: string[];
  /** onCallStarted / onCallReceived was emitted, so onCallEnd is owed. */
  announced: boolean;
  /** Callee: media captured for accept(), in progress. */
  accepting: boolean;
  /** Callee: the accept request was sent. */
  acceptSent: boolean;
  acceptAudioOnly: boolean;
  /** Callee: the invitation that rang this call (kept to put it back among the pending ones). */
  incoming?: Incoming;
  /** Joining (`join()`): relays that arrive before the call is set up, replayed right after. */
  earlyRelays: Relay[] | null;
  /** The call's media goes through the server's SFU (`sfu: true` or `sfu start`): no new mesh peers. */
  sfu?: boolean;
  /** The SFU media path, once loaded (`sfu-session.ts`, a lazy chunk); `loading` meanwhile. */
  sfuSession?: SfuSession | 'loading';
  /** SFU messages that came while the session loaded, applied once it is there. */
  sfuPending?: SfuData[];
  /** 1v1: the peer connection made while ringing (`preconnect.ts`), until adopted or closed. */
  pre?: PreConnection;
}

/** A peer connection made while ringing (`preconnect.ts`). */
export interface PreConnection {
  peer: Peer;
  userId: string;
  /** The server said `adopt`: our tracks are attached, its events flow, its signals go by `relay`. */
  adopted: boolean;
  /** The remote stream that came before adoption (handed out once adopted). */
  stream: MediaStream | null;
  /** ICE and DTLS completed before adoption (`onFirstConnected` came early). */
  connected: boolean;
  /**
   * A warm connection (`Preconnector.warm`): made by the accepting callee while its `accept` is on the
   * way, its offer and candidates held here (nothing sent) until `call-started` confirms the accept.
   */
  held?: RelayData[];
}

export type SfuData = Extract<ServerMessage, { type: 'sfu' }>['data'];

/**
 * What the engine's modules share: the event surface, who we are, the signaling client of the
 * moment and the current call. One object, owned by the engine, handed to each module.
 */
export class EngineContext {
  readonly events = new Emitter<CallEngineEvents>();
  userId = '';
  client: SignalingClient | null = null;
  call: ActiveCall | null = null;
  /**
   * This page cannot carry calls and the host chose to stay reachable (`stayReachable`): every
   * invitation is declined with the reason `unsupported` instead of ringing.
   */
  unsupported = false;
  /** The member the UI shows large ('' none; `setFocus`): the SFU sends us their high simulcast layer. */
  focus = '';
  /** Each member's tile width in device px as the UI last told (`setTileSizes`), null before: the SFU picks simulcast layers from them. */
  tileWidths: Map<string, number> | null = null;
}

export function newCall(role: ActiveCall['role'], phase: CallPhase, mediaType: CallMediaType): ActiveCall {
  return {
    callId: '',
    role,
    phase,
    callMediaType: mediaType,
    mediaType,
    members: new Map(),
    peers: new Map(),
    invitees: [],
    beginAt: 0,
    joinsHeld: [],
    announced: false,
    accepting: false,
    acceptSent: false,
    acceptAudioOnly: false,
    earlyRelays: null,
  };
}

/** A callee call that only rings: no accept under way (the ringing queue may swap it). */
export function onlyRinging(call: ActiveCall): boolean {
  return call.role === CallRole.CALLEE && call.phase === 'ringing' && !call.accepting && !call.acceptSent;
}

export const toWireMedia = (t: CallMediaType): 'audio' | 'video' => (t === CallMediaType.VIDEO ? 'video' : 'audio');
export const fromWireMedia = (t: 'audio' | 'video'): CallMediaType => (t === 'video' ? CallMediaType.VIDEO : CallMediaType.AUDIO);

export function profileOf(m: { userId: string; name?: string; avatar?: string; verified?: boolean }): UserProfile {
  const p: UserProfile = { userId: m.userId };
  if (m.name !== undefined) p.name = m.name;
  if (m.avatar !== undefined) p.avatar = m.avatar;
  if (m.name !== undefined || m.avatar !== undefined) p.nameSource = m.verified ? 'operator' : 'self';
  return p;
}

/** The `onCallReceived` payload of an invitation. */
export function describeIncoming(message: Incoming): CallEngineEvents['onCallReceived'] {
  const event: CallEngineEvents['onCallReceived'] = {
    callId: message.callId,
    caller: profileOf(message.caller),
    calleeIdList: message.members.map((m) => m.userId).filter((id) => id !== message.caller.userId),
    members: message.members.map((m) => ({ ...profileOf(m), status: m.state })),
    mediaType: fromWireMedia(message.mediaType),
  };
  if (message.groupId !== undefined) event.groupID = message.groupId;
  if (message.userData !== undefined) event.userData = message.userData;
  return event;
}

export const noop = (): void => undefined;

/**
 * The users a `calls` / `inviteUser` rings, checked: a list of ids (INVALID_PARAMETER), 1 to
 * MAX_INVITEES distinct ones (CALLEE_COUNT), never `self` (SELF_CALL).
 */
export function inviteeList(to: unknown, self: string, verb: 'call' | 'invite'): string[] {
  if (!Array.isArray(to) || to.some((id) => typeof id !== 'string' || !id)) throw invalidParameter('userIDList must be a list of user ids');
  const unique = [...new Set(to as string[])];
  if (unique.length < 1 || unique.length > MAX_INVITEES)
    throw new CallKitError(ErrorCode.CALLEE_COUNT, `${verb} 1 to ${MAX_INVITEES} users`);
  if (unique.includes(self)) throw new CallKitError(ErrorCode.SELF_CALL, `you cannot ${verb} yourself`);
  return unique;
}

/**
 * How our own `hangup()` ends `call`: connected (or accept sent) -> `hangup` (cause `hangup`),
 * dialing -> `cancel` (cause `cancelled`), ringing -> `reject` (cause `rejected`). No request for
 * a call the server has not numbered yet.
 */
export function endingOf(call: ActiveCall): { request: ClientRequest | null; cause: EndCause } {
  if (call.phase === 'connected' || call.acceptSent) {
    return { cause: 'hangup', request: call.callId ? { type: 'hangup', callId: call.callId } : null };
  }
  if (call.role === CallRole.CALLER) {
    return { cause: 'cancelled', request: call.callId ? { type: 'cancel', callId: call.callId } : null };
  }
  return { cause: 'rejected', request: { type: 'reject', callId: call.callId, reason: 'declined' } };
}
