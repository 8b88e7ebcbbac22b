/**
 * The default engine's call model: the current call's shape, the state its modules share
 * ({@link EngineContext}) and small wire helpers. No behaviour here beyond constructors.
 */
import { CallMediaType, CallRole } from '../../constants.js';
import type { ServerMessage } from '../../protocol/messages.js';
import { Emitter } from '../emitter.js';
import type { CallEngineEvents, MemberStatus, UserProfile } from '../types.js';
import type { Peer } from './peer.js';
import type { SignalingClient } from './signaling-client.js';

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
  beginAt: number;
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
}

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

export function profileOf(m: { userId: string; name?: string; avatar?: string }): UserProfile {
  const p: UserProfile = { userId: m.userId };
  if (m.name !== undefined) p.name = m.name;
  if (m.avatar !== undefined) p.avatar = m.avatar;
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
