/**
 * The engine contract (DESIGN.md): the only layer that touches the network and media.
 * The kit drives an engine through these methods and feeds the store from its events.
 */
import type { Capabilities } from './capabilities.js';
import type { CallEndReason, CallMediaType, CallRole, DeviceKind, VideoResolution } from '../constants.js';
import type { Emitter } from './emitter.js';

export interface UserProfile {
  userId: string;
  name?: string;
  avatar?: string;
  /**
   * Who set `name`/`avatar`: the operator (verified by the server) or the user (self-declared: show
   * the user id beside it, marked). Absent when the engine cannot tell.
   */
  nameSource?: 'operator' | 'self';
}

export type MemberStatus = 'ringing' | 'accepted' | 'rejected' | 'busy' | 'no-response' | 'unavailable' | 'cancelled' | 'left';

/** A member of a call with its state (group-call queries, joining a call). */
export interface MemberProfile extends UserProfile {
  status: MemberStatus;
}

/** The call running for a group (`queryGroupCall`). */
export interface GroupCallInfo {
  callId: string;
  mediaType: CallMediaType;
  members: MemberProfile[];
}

/** Engine-level reasons for a call's end, finer than {@link CallEndReason}. */
export type EndCause =
  | 'hangup'
  | 'cancelled'
  | 'rejected'
  | 'busy'
  | 'timeout'
  | 'unavailable'
  | 'answered-elsewhere'
  | 'rejected-elsewhere'
  | 'glare'
  | 'disconnected'
  /** ICE never connected, twice: the network between the members cannot carry the call. */
  | 'network'
  /** The callee's browser cannot carry calls (it stays reachable and declines: `unsupported-browser`). */
  | 'unsupported'
  /** The operator's policy does not let us call them (signaling server `canCall`). */
  | 'not-allowed'
  | 'ended'
  /** An operator ended the call (default engine: the server's admin API); `onCallEnd.message` may say why. */
  | 'ended-by-admin'
  /** The call reached the maximum duration its operator set. */
  | 'max-duration'
  | 'error';

import type { CallRecord, MissedCall } from '../protocol/records.js';
export type { CallRecord, MissedCall, RecordMember, MemberOutcome } from '../protocol/records.js';

/** One page of `getCallRecords`: newest first; pass `nextCursor` back for the next (older) page. */
export interface CallRecordsPage {
  records: CallRecord[];
  nextCursor?: string;
}

export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface EngineLoginParams {
  SDKAppID: number;
  userID: string;
  userSig: string;
  /** Default engine: the signaling server's WebSocket URL. */
  server?: string;
  profile?: { name?: string; avatar?: string };
  /**
   * Call waiting (`callKit.enableCallWaiting(true)`): while in a call, one further invitation rings
   * (`onCallReceived` with `concurrent: true`) instead of finding us busy. Default false.
   */
  callWaiting?: boolean;
  /**
   * When this page cannot carry calls (see `Capabilities`): false (default) makes `login` fail with
   * UNSUPPORTED_BROWSER; true logs in anyway and answers every invitation with the reject reason
   * `unsupported` (the caller's call ends with cause `unsupported`) instead of ringing.
   */
  stayReachable?: boolean;
}

export interface EngineCallParams {
  userIDList: string[];
  mediaType: CallMediaType;
  /** Ring timeout in seconds. */
  timeout?: number;
  userData?: string;
  groupID?: string;
}

export interface DeviceInfo {
  deviceId: string;
  label: string;
  kind: DeviceKind;
}

/** A watched user's presence (`callKit.subscribePresence`): `busy` = in a call. */
export type PresenceStatus = 'online' | 'busy' | 'offline';
/** Who asked to turn an audio call into video: the other member (`incoming`) or we (`outgoing`). */
export type VideoRequestDirection = 'incoming' | 'outgoing';
/** How a video request ended: `cancelled`: withdrawn by the requester (or the call ended). */
export type VideoRequestOutcome = 'accepted' | 'declined' | 'cancelled' | 'timeout';
export interface PresenceEntry {
  userId: string;
  status: PresenceStatus;
}

export interface CallEngineEvents {
  /** An invitation arrived (this tab rings). */
  onCallReceived: {
    callId: string;
    caller: UserProfile;
    calleeIdList: string[];
    /** Everyone in the call (the default engine adds each one's state: a group call may be running). */
    members: (UserProfile & { status?: MemberStatus })[];
    mediaType: CallMediaType;
    groupID?: string;
    userData?: string;
    /**
     * True when another call is current (ringing, dialing or connected): this invitation rings
     * alongside it (up to 3, `MAX_CONCURRENT_INCOMING`, while idle, one "waiting" while in a call)
     * and stays pending until answered by its `callId` (or withdrawn: `onIncomingWithdrawn`).
     * Absent/false: it is the current call, as in the one-call contract.
     */
    concurrent?: boolean;
  };
  /**
   * A pending (concurrent) invitation is over without becoming the current call: cancelled by its
   * caller, timed out, answered or declined on another device, or declined here (`reject({callId})`).
   * The current call's end is always `onCallEnd`.
   */
  onIncomingWithdrawn: { callId: string; cause: EndCause };
  /**
   * A pending (concurrent) invitation became the current call, still ringing: the current call
   * ended and this was the oldest pending one, or `accept({callId})` picked it while the current
   * call only rang (that one is pending again). Announced before by `onCallReceived {concurrent}`.
   * The rule lives in one place, `src/engine/ringing-queue.ts`; the kit follows this event.
   */
  onIncomingPromoted: { callId: string };
  /**
   * Our outgoing invitation was accepted by the server: we are dialing. Also emitted, with
   * `role: callee`, when we join a running call (`join`), just before `onCallBegin`.
   */
  onCallStarted: {
    callId: string;
    mediaType: CallMediaType;
    members: (UserProfile & { status?: MemberStatus })[];
    /** Absent: caller. */
    role?: CallRole;
    groupID?: string;
  };
  /** The call is connected for us (first accept for the caller, our accept for a callee). */
  onCallBegin: { callId: string; mediaType: CallMediaType; role: CallRole };
  /** The call is over for us. */
  onCallEnd: { callId: string; reason: CallEndReason; cause: EndCause; totalTime: number; message?: string };
  /** Right after login: calls we missed while no tab of ours was online (default engine, servers with records). */
  onMissedCalls: { calls: MissedCall[] };
  onUserAccept: { userId: string };
  onUserReject: { userId: string };
  onUserNoResponse: { userId: string };
  onUserLineBusy: { userId: string };
  onUserJoin: { userId: string };
  /** Someone was invited into the call we are in (another member's `inviteUser`, or ours): rings now. */
  onUserInvited: UserProfile;
  onUserLeave: { userId: string };
  /** Profile (name/avatar) of a member became known or changed. */
  onUserInfo: UserProfile;
  onUserVideoAvailable: { userId: string; available: boolean };
  onUserAudioAvailable: { userId: string; available: boolean };
  /** Volume 0-100 per user id ('' or own id = local). */
  onUserVoiceVolumeChanged: { volumes: Record<string, number> };
  /** Quality 0 unknown .. 6 down, as TUINetworkQuality. */
  onUserNetworkQualityChanged: { qualities: Record<string, number> };
  /**
   * The media connection to a member is interrupted (`reconnecting: true`: ICE `disconnected` or
   * `failed`, or their announced audio stopped arriving) or works again (`false`). Optional: an
   * engine that cannot tell never emits it.
   */
  onUserReconnecting: { userId: string; reconnecting: boolean };
  /** A member's remote media stream (null when gone). */
  onRemoteStream: { userId: string; stream: MediaStream | null };
  /** Our own capture stream (null when released). */
  onLocalStream: { stream: MediaStream | null };
  onCallMediaTypeChanged: { mediaType: CallMediaType };
  /**
   * A request to turn this 1v1 audio call into video is pending: `incoming` (`userId` asks us:
   * answer with `respondVideoRequest`) or `outgoing` (we asked `userId`). Default and simulated engines.
   */
  onVideoRequest: { userId: string; direction: VideoRequestDirection };
  /** The pending request is over (`accepted`: `onCallMediaTypeChanged` to video comes with it). */
  onVideoRequestEnded: { userId: string; direction: VideoRequestDirection; outcome: VideoRequestOutcome };
  onDeviceUpdated: { devices: DeviceInfo[] };
  onKickedOffline: { reason: string };
  onError: { code: number; message: string };
  onConnectionStateChanged: { state: ConnectionState };
  /** Watched users whose presence is known or changed (the subscribe snapshot, then changes). */
  onPresenceChanged: { users: PresenceEntry[] };
  /**
   * The AI noise suppression switch (`setAINoiseSuppression`) is now `enabled`; `fallback`: it turned
   * itself off because the denoiser could not run (why), the browser's own suppression remains.
   */
  onAINoiseSuppressionChanged: { enabled: boolean; fallback?: string };
}

export interface CallEngine extends Pick<Emitter<CallEngineEvents>, 'on' | 'off'> {
  readonly name: string;
  login(params: EngineLoginParams): Promise<void>;
  logout(): Promise<void>;
  /** Starts an outgoing call; resolves with the call id once the server took it. */
  calls(params: EngineCallParams): Promise<{ callId: string }>;
  /**
   * Accepts a ringing call: `callId` picks one of several (default: the current one). Accepting a
   * pending invitation while the current call only rings makes it the current call (the other keeps
   * ringing, pending); while in a call it throws INVALID_STATE (hang up first: "end and accept").
   */
  accept(options?: { mediaType?: CallMediaType; callId?: string }): Promise<void>;
  /** Declines a ringing call: `callId` picks one of several (default: the current one). */
  reject(options?: { callId?: string }): Promise<void>;
  /** Turns call waiting on or off after login (see {@link EngineLoginParams.callWaiting}). */
  setCallWaiting?(enable: boolean): Promise<void>;
  /** Cancels while dialing, leaves when connected; a no-op when idle. */
  hangup(): Promise<void>;
  openCamera(): Promise<void>;
  closeCamera(): Promise<void>;
  openMicrophone(): Promise<void>;
  closeMicrophone(): Promise<void>;
  switchDevice(params: { deviceType: DeviceKind; deviceId: string }): Promise<void>;
  getDeviceList(deviceType?: DeviceKind): Promise<DeviceInfo[]>;
  setVideoQuality(resolution: VideoResolution): Promise<void>;
  /**
   * Audio: the whole call goes audio at once. Video (1v1 audio call): asks the other member and
   * resolves once they accepted and our camera is sent; rejects with SWITCH_TO_VIDEO_CALL_FAILED
   * (reason `declined`, `timeout`, `cancelled`, `not-supported`...) or a camera error.
   */
  switchCallMediaType(mediaType: CallMediaType): Promise<void>;
  /** Answers the other member's pending video request (absent: the engine never gets one). */
  respondVideoRequest?(accept: boolean): Promise<void>;
  setSelfInfo(profile: { name?: string; avatar?: string }): Promise<void>;
  /** Optional: a fresh userSig for the running session (default engine: sent as `renew`, used for later reconnects). */
  renewUserSig?(userSig: string): Promise<void>;
  /** Releases everything: sockets, peer connections, tracks, timers, listeners. */
  destroy(): Promise<void>;
  /** Group calls (optional: an engine without them makes the kit throw NOT_SUPPORTED). Rings more users into the current call. */
  inviteUser?(params: { userIDList: string[] }): Promise<void>;
  /**
   * Enters a running call we were invited to (default engine: see the protocol's `join` rule).
   * `mediaType`: what to capture before joining (default: learn it from the server's answer).
   */
  join?(params: { callId: string; mediaType?: CallMediaType }): Promise<void>;
  /** The call running for a group, if we may see it, else null. */
  queryGroupCall?(groupID: string): Promise<GroupCallInfo | null>;
  /**
   * Optional: after the connection state became 'failed' (reconnection gave up), tries again to
   * reconnect the same session. Resolves once connected, rejects when the new attempts fail too.
   */
  reconnect?(): Promise<void>;
  /** Optional: our own call records, newest first (default engine, servers with a database). */
  getCallRecords?(params: { limit?: number; cursor?: string }): Promise<CallRecordsPage>;
  /**
   * AI noise suppression of the microphone we send (TUICallKit's `enableAIVoice`); resolves with
   * the switch's state (false after `true`: the denoiser could not run, see `onAINoiseSuppressionChanged`).
   */
  setAINoiseSuppression?(enable: boolean): Promise<boolean>;
  /** Optional hint: the member the UI shows large ('' none); an SFU engine sends them at a higher quality. */
  setFocus?(userId: string): void;
  /**
   * Optional hint: each member's tile width in device pixels (CSS width × devicePixelRatio; a member
   * missing has no visible tile); an SFU engine receives each one at the smallest quality that covers it.
   */
  setTileSizes?(sizes: Readonly<Record<string, number>>): void;
  /**
   * Optional: watches users' presence; resolves with their statuses now, then `onPresenceChanged`
   * tells changes (kept across reconnects). Without it the kit throws FAILED, reason `not-supported`.
   */
  subscribePresence?(userIds: string[]): Promise<PresenceEntry[]>;
  /** Stops watching these users (absent: all). */
  unsubscribePresence?(userIds?: string[]): Promise<void>;
  /** Optional: what this page offers the engine (default: `detectCapabilities()`). */
  getCapabilities?(): Capabilities;
}
