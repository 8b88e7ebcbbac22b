/**
 * The kit's public types: arguments of the facade's methods, the events it dispatches (also on every
 * `<call-kit>`) and the callbacks of `setCallback`. No runtime code besides the event-name list.
 */
import type { CallEndReason, CallMediaType, CallRole, CallStatus, LegacyStatus } from '../constants.js';
import type { CallEngine, EndCause, MissedCall, PresenceEntry, VideoRequestDirection, VideoRequestOutcome } from '../engine/types.js';
import type { CallKitError } from '../errors.js';

export interface InitParams {
  SDKAppID?: number;
  /** Alias of SDKAppID, as in TUICallKit. */
  sdkAppID?: number;
  userID: string;
  userSig: string;
  /** Default engine: the signaling server URL, e.g. `ws://localhost:5173/ck`. */
  server?: string;
  /**
   * `'webrtc'` (default: browser WebRTC + our signaling server), `'tencent'` (Tencent Cloud: Chat
   * signaling + TRTC media, loaded with a dynamic import only when chosen), `'tuicall'` (Tencent's
   * own TUICallEngine from `@tencentcloud/call-engine-js`, for TUICallKit fleets on v3; lazy too),
   * or an engine instance.
   */
  engine?: 'webrtc' | 'tencent' | 'tuicall' | CallEngine;
  /** ICE servers for the default engine (STUN/TURN); default none. */
  iceServers?: RTCIceServer[];
  /**
   * Default engine: the weak-network tuning (audio RED, degradation preference, video bitrate cap
   * from the measured link; README "Weak networks"). Default true; false leaves the browser's defaults.
   */
  mediaTuning?: boolean;
  /**
   * Default engine: where the page serves `@sapphi-red/web-noise-suppressor`'s `dist/` folder, for
   * `enableAIVoice` (the AI denoiser's worklet and wasm; never a CDN). Default
   * `/node_modules/@sapphi-red/web-noise-suppressor/dist/`, what dev servers serve.
   */
  noiseSuppressionAssets?: string;
  /**
   * Default engine: pre-connect incoming 1v1 calls while they ring (default false). ICE and DTLS are
   * done before the user answers (no capture, no media sent), so accepting only attaches the tracks.
   * Trade-off: the caller learns this page's ICE candidates (its IP addresses) before the user
   * answers; between strangers use TURN with `iceTransportPolicy: 'relay'` (README "Pre-connect while ringing").
   */
  preconnect?: boolean;
  /** Tencent engine: an existing `@tencentcloud/chat` instance (TUICallKit's `tim`); never logged out by the kit. */
  tim?: unknown;
  /** Tencent engine: where the app serves `trtc-sdk-v5/assets` (for the blur plugin). */
  assetsPath?: string;
  /**
   * Default engine: URL of the folder where the app serves the background assets (MediaPipe's
   * vision WASM + the selfie model; README "Backgrounds"), for `setBlurBackground` /
   * `setVirtualBackground`. Without it they fail with reason `not-supported` (no CDN).
   */
  backgroundAssetsPath?: string;
  /**
   * When this browser cannot carry calls (`callKit.getCapabilities().canCall` false): `false`
   * (default) makes `init` fail with UNSUPPORTED_BROWSER (reason `unsupported-browser`, the
   * message names what is missing); `true` logs in anyway and answers every invitation with the
   * reject reason `unsupported`, so the caller reads "the other side's browser cannot take calls"
   * instead of ringing a page that cannot answer. Default engine only: the Tencent engine fails
   * `init` on such a page either way.
   */
  stayReachable?: boolean;
}

export interface CallsParams {
  userIDList: string[];
  /** `CallMediaType.AUDIO` (1) or `CallMediaType.VIDEO` (2). */
  type: CallMediaType;
  /** Ring timeout in seconds (10-600, default 30). */
  timeout?: number;
  userData?: string;
  groupID?: string;
  /** TUICallKit's name for groupID. */
  chatGroupID?: string;
}

export interface AcceptOptions {
  /** Answer a video call with audio only. */
  audioOnly?: boolean;
  /** Which ringing call (`store.getState().incoming[i].callId`); default: the current one. */
  callId?: string;
  /**
   * "End and accept": while in a call, hang it up first, then accept `callId` (a waiting call).
   * Without it, accepting another call while in one throws ALREADY_IN_CALL.
   */
  endCurrent?: boolean;
  /**
   * `false`: answer a video call with the camera off (it stays a video call; the others see the
   * avatar until the camera is turned on). Default: `setCameraDefaultState`'s choice (on).
   */
  camera?: boolean;
}

export interface StatusChangedDetail {
  oldStatus: LegacyStatus;
  newStatus: LegacyStatus;
  status: CallStatus;
  role: CallRole;
  mediaType: CallMediaType;
  callId: string;
  /** The call's `userData` as its caller sent it (readable by the callee from `be-invited` on), '' when none. */
  userData: string;
}

/** A member of the current call did something (`ck-user-joined`, `ck-user-left`, ...). */
export interface UserEventDetail {
  callId: string;
  userId: string;
}

export interface CallEndedDetail {
  callId: string;
  reason: CallEndReason;
  cause: EndCause;
  totalTime: number;
}

export interface KitCallbacks {
  statusChanged?: (detail: { oldStatus: LegacyStatus; newStatus: LegacyStatus }) => void;
  /** Before a call is placed, and before an incoming invitation rings (as TUICallKit). */
  beforeCalling?: (type: CallMediaType, error?: CallKitError) => void;
  /** After a call ended (whatever ended it), not when it connects (as TUICallKit). */
  afterCalling?: () => void;
  kickedOut?: (reason: string) => void;
  onMinimized?: (oldValue: boolean, newValue: boolean) => void;
  /** Right after login: calls missed while no tab of this user was online (default engine, server with records). */
  onMissedCalls?: (calls: MissedCall[]) => void;
  /** Watched users whose presence is known or changed (`subscribePresence`). */
  onPresenceChanged?: (users: PresenceEntry[]) => void;
}

/** Events of the kit (also dispatched, with the same names, by every `<call-kit>`). */
export interface KitEventMap {
  'ck-status-changed': CustomEvent<StatusChangedDetail>;
  'ck-call-ended': CustomEvent<CallEndedDetail>;
  'ck-error': CustomEvent<{ code: number; message: string }>;
  'ck-kicked-out': CustomEvent<{ reason: string }>;
  /** The call UI was minimized (`minimized: true`) or restored. */
  'ck-minimized-changed': CustomEvent<{ minimized: boolean }>;
  /** Right after login: the calls missed while offline (`onMissedCalls`). */
  'ck-missed-calls': CustomEvent<{ calls: MissedCall[] }>;
  /** A member was invited into the current call (`inviteUser`, or invited again). */
  'ck-user-invited': CustomEvent<UserEventDetail>;
  /** A member accepted the current call. */
  'ck-user-accepted': CustomEvent<UserEventDetail>;
  /** A member is in the current call (after the call began for us). */
  'ck-user-joined': CustomEvent<UserEventDetail>;
  /** A member left the current call. */
  'ck-user-left': CustomEvent<UserEventDetail>;
  /** A member declined the current call. */
  'ck-user-declined': CustomEvent<UserEventDetail>;
  /** A member was busy (in another call). */
  'ck-user-busy': CustomEvent<UserEventDetail>;
  /** A member did not answer in time. */
  'ck-user-no-response': CustomEvent<UserEventDetail>;
  /** Watched users whose presence is known or changed (`onPresenceChanged`). */
  'ck-presence-changed': CustomEvent<{ users: PresenceEntry[] }>;
  /**
   * A request to turn the 1v1 audio call into video is waiting for an answer: `incoming` (`userId`
   * asks us; answer with `acceptVideoRequest` / `declineVideoRequest`) or `outgoing` (we asked).
   */
  'ck-video-request': CustomEvent<VideoRequestDetail>;
  /** That request is over: `accepted` (the call is video now), `declined`, `cancelled` or `timeout`. */
  'ck-video-request-ended': CustomEvent<VideoRequestDetail & { outcome: VideoRequestOutcome }>;
}

export interface VideoRequestDetail {
  callId: string;
  /** Who asked (`incoming`) or was asked (`outgoing`). */
  userId: string;
  direction: VideoRequestDirection;
}
export const KIT_EVENTS: readonly (keyof KitEventMap)[] = [
  'ck-status-changed',
  'ck-call-ended',
  'ck-error',
  'ck-kicked-out',
  'ck-minimized-changed',
  'ck-missed-calls',
  'ck-user-invited',
  'ck-user-accepted',
  'ck-user-joined',
  'ck-user-left',
  'ck-user-declined',
  'ck-user-busy',
  'ck-user-no-response',
  'ck-presence-changed',
  'ck-video-request',
  'ck-video-request-ended',
];
