import type { CallMediaType, CallRole, CallStatus, FeatureButton, LayoutMode, VideoDisplayMode, VideoResolution } from '../constants.js';
import type { ConnectionState, DeviceInfo, GroupCallInfo, MemberStatus, PresenceStatus, VideoRequestDirection } from '../engine/types.js';

/** One person in the call as the UI shows them. Unchanged members keep their object identity. */
export interface MemberView {
  readonly userId: string;
  /** Display name ('' when unknown: show the user id). */
  readonly name: string;
  readonly avatar: string;
  readonly isSelf: boolean;
  /** For remote members: their state in the call; for self: 'accepted'. */
  readonly status: MemberStatus;
  readonly audioAvailable: boolean;
  readonly videoAvailable: boolean;
  /** 0-100. */
  readonly volume: number;
  /** 0 unknown, 1 excellent .. 6 down. */
  readonly networkQuality: number;
  /**
   * The media connection to this remote member is interrupted and being recovered (the engine's
   * `onUserReconnecting`). Always set by the store; optional for members built by apps.
   */
  readonly reconnecting?: boolean;
  readonly stream: MediaStream | null;
}

/** A message key of the i18n dictionaries plus its parameters. */
export interface Message {
  readonly key: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

export interface Toast extends Message {
  readonly id: number;
  readonly type: 'info' | 'warn' | 'success' | 'error';
}

/** An invitation ringing for us (one of up to 3; see `CallState.incoming`). */
export interface IncomingCall {
  readonly callId: string;
  readonly callerId: string;
  /** Caller's display name ('' when unknown: show the user id). */
  readonly callerName: string;
  readonly callerAvatar: string;
  /** `self`: the caller chose its name (the banner shows the user id beside it, marked); absent: unknown. */
  readonly callerNameSource?: 'operator' | 'self';
  readonly mediaType: CallMediaType;
  /** '' unless the call carries a group id. */
  readonly groupId: string;
  /** A group call (a group id, or more than one other member). */
  readonly isGroup: boolean;
  /** What the caller passed as `calls({ userData })` (TUICallKit's `userData`); absent when nothing. */
  readonly userData?: string;
  /** Everyone in the call as the invitation listed them (used when it becomes the current call). */
  readonly members: readonly {
    readonly userId: string;
    readonly name?: string;
    readonly avatar?: string;
    readonly status?: MemberStatus;
  }[];
  /** `Date.now()` when it arrived. */
  readonly receivedAt: number;
}

export interface Settings {
  readonly language: string;
  readonly layoutMode: LayoutMode;
  readonly displayMode: VideoDisplayMode;
  readonly resolution: VideoResolution;
  readonly hiddenButtons: readonly FeatureButton[];
  readonly cameraDefaultOn: boolean;
  readonly floatWindow: boolean;
  readonly muteMode: boolean;
  /** Show the full-screen button (`allowedFullScreen` / `allowed-full-screen`). */
  readonly allowedFullScreen: boolean;
  /** Show the blur-background button (`enableVirtualBackground(true)`). */
  readonly virtualBackground: boolean;
  /** The local video's background is blurred (set by `setBlurBackground` once the engine did it). */
  readonly blurBackground: boolean;
  /** AI noise suppression is on (`enableAIVoice`; off again when the denoiser could not run). */
  readonly aiNoiseSuppression: boolean;
  /** The engine has AI noise suppression: `<feature-buttons>` offers its switch. */
  readonly aiNoiseSuppressionAvailable: boolean;
  /**
   * Background images of camera-off tiles: `local` (`setLocalViewBackgroundImage`), `remote:<userId>`
   * and `remote:*` (`setRemoteViewBackgroundImage`).
   */
  readonly viewBackgrounds: Readonly<Record<string, string>>;
  /**
   * Output device of remote audio (`switchDevice({ deviceType: 'speaker' })`), applied by the tiles
   * with `HTMLMediaElement.setSinkId` where the browser has it; '' is the system default.
   */
  readonly speakerDeviceId: string;
  /** Call waiting (`enableCallWaiting(true)`): one invitation may ring while in a call. */
  readonly callWaiting: boolean;
  /** System notifications for calls ringing while the tab is hidden (`enableNotifications(true)`). */
  readonly notifications: boolean;
}

export interface CallState {
  readonly status: CallStatus;
  readonly role: CallRole;
  readonly mediaType: CallMediaType;
  readonly callId: string;
  readonly groupId: string;
  readonly isGroup: boolean;
  /** The user who placed the call (kept after they leave, so the callee still sees who called). */
  readonly callerId: string;
  readonly self: MemberView;
  readonly members: readonly MemberView[];
  /** `Date.now()` when the call connected for us, else 0. The timer derives from it. */
  readonly connectedAt: number;
  /** Ringing tab: the incoming call is shown. */
  readonly tip: Message | null;
  readonly toast: Toast | null;
  /** Signaling connection of the logged-in user. */
  readonly connection: ConnectionState;
  readonly loggedIn: boolean;
  readonly devices: readonly DeviceInfo[];
  readonly speakerMuted: boolean;
  readonly minimized: boolean;
  /** A ringtone should sound but the browser's autoplay policy holds it until a user gesture. */
  readonly soundBlocked: boolean;
  readonly settings: Settings;
  /**
   * The running call of each group the app asked about (`callKit.queryGroupCall(groupID)`), null
   * when there is none; `<join-call-card group-id>` shows it. Kept across calls, cleared at logout.
   */
  readonly groupCalls: Readonly<Record<string, GroupCallInfo | null>>;
  /**
   * Every invitation ringing for us, oldest first (at most 3 while idle; while in a call, the one
   * "waiting" call). The current call (`callId`) is among them while it rings (status `calling`,
   * role `callee`); accepting it removes it. Kept across `call-reset`, cleared at logout.
   */
  readonly incoming: readonly IncomingCall[];
  /** The call being accepted right now (clicked, not yet connected), '' otherwise: the banner shows "connecting". */
  readonly answering: string;
  /**
   * The current call was answered (we accepted or joined it; as the caller, someone accepted) and
   * its media path is being set up: status stays `calling` until the engine's `onCallBegin` (the
   * first connection connected), and the call view shows "connecting". False otherwise.
   */
  readonly connecting: boolean;
  /** The current call's `userData` as the caller sent it (an incoming call), '' otherwise. */
  readonly userData: string;
  /**
   * Presence of the users watched with `callKit.subscribePresence` (`online`, `busy`: in a call,
   * `offline`, also for users the server's policy hides); a user not watched is absent. Cleared at logout.
   */
  readonly presence: Readonly<Record<string, PresenceStatus>>;
  /**
   * A request to turn the current 1v1 audio call into video, while it waits for an answer:
   * `incoming` (`userId` asks us: the call view shows Accept / Decline) or `outgoing` (we asked
   * `userId` with `switchCallMediaType(VIDEO)`); null otherwise.
   */
  readonly videoRequest: VideoRequest | null;
}

export interface VideoRequest {
  readonly userId: string;
  readonly direction: VideoRequestDirection;
}

export type Action =
  | { type: 'login'; userId: string; name?: string; avatar?: string }
  | { type: 'logout' }
  | { type: 'connection'; state: ConnectionState }
  | { type: 'self-info'; name?: string; avatar?: string }
  | {
      type: 'call-start';
      role: CallRole;
      callId: string;
      mediaType: CallMediaType;
      callerId: string;
      groupId?: string;
      members: readonly { userId: string; name?: string; avatar?: string; status?: MemberStatus }[];
      userData?: string;
    }
  | { type: 'call-connected' }
  | { type: 'call-connecting' }
  | { type: 'call-reset' }
  | { type: 'media-type'; mediaType: CallMediaType }
  | { type: 'member-upsert'; userId: string; name?: string; avatar?: string; status?: MemberStatus }
  | { type: 'member-remove'; userId: string }
  | { type: 'group-call'; groupId: string; call: GroupCallInfo | null }
  | { type: 'member-media'; userId: string; audio?: boolean; video?: boolean }
  | { type: 'member-stream'; userId: string; stream: MediaStream | null }
  | { type: 'self-media'; audio?: boolean; video?: boolean; stream?: MediaStream | null }
  | { type: 'volumes'; volumes: Readonly<Record<string, number>> }
  | { type: 'network'; qualities: Readonly<Record<string, number>> }
  | { type: 'member-reconnecting'; userId: string; reconnecting: boolean }
  | { type: 'tip'; tip: Message | null }
  | { type: 'toast'; toast: Omit<Toast, 'id'> | null }
  | { type: 'devices'; devices: readonly DeviceInfo[] }
  | { type: 'speaker-muted'; muted: boolean }
  | { type: 'minimized'; minimized: boolean }
  | { type: 'sound-blocked'; blocked: boolean }
  | { type: 'incoming-add'; call: IncomingCall }
  | { type: 'incoming-remove'; callId: string }
  | { type: 'answering'; callId: string }
  | { type: 'settings'; settings: Partial<Settings> }
  | { type: 'presence'; users: readonly { userId: string; status: PresenceStatus }[] }
  | { type: 'presence-forget'; userIds?: readonly string[] }
  | { type: 'video-request'; request: VideoRequest | null };

export interface ReadonlyStore {
  getState(): CallState;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (state: CallState, previous: CallState) => void): () => void;
}
