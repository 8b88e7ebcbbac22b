/**
 * The slices of `@tencentcloud/chat` 3.6.x and `trtc-sdk-v5` 5.17.x that the Tencent engine calls,
 * and nothing more. The engine is written against these interfaces so tests can pass in-memory
 * doubles; the real SDK modules satisfy them (`sdk-compat.ts` checks every member against the
 * SDKs' own typings, so `tsc` proves it whenever the SDKs are installed).
 *
 * Event names and enum values are copied here as plain strings (they are wire/API constants of
 * the SDKs) so the engine never needs the SDK modules' static objects: an app may pass its own
 * logged-in chat instance without the chat module itself.
 */

// ---- @tencentcloud/chat ---------------------------------------------------------------------------

/** What the chat SDK resolves its promises with: `{ code: 0, data }` (index.d.ts: `Promise<any>`). */
export interface ChatResponse {
  code?: number;
  data?: unknown;
  /** `invite` / `inviteInGroup` resolve with the generated invite id at the top level. */
  inviteID?: string;
}

/** Every chat event handler receives `{ name, data }`. */
export interface ChatEvent<T = unknown> {
  name: string;
  data: T;
}

export type ChatHandler = (event: ChatEvent) => void;

/** `TencentCloudChat.TSignaling` event names (index.d.ts `enum TSignaling`). */
export const TSignaling = {
  NEW_INVITATION_RECEIVED: 'newInvitationReceived',
  INVITEE_ACCEPTED: 'ts_invitee_accepted',
  INVITEE_REJECTED: 'ts_invitee_rejected',
  INVITATION_CANCELLED: 'ts_invitation_cancelled',
  INVITATION_TIMEOUT: 'ts_invitation_timeout',
} as const;

/** `TencentCloudChat.EVENT` names the engine listens to. */
export const ChatEventName = {
  SDK_READY: 'sdkStateReady',
  SDK_NOT_READY: 'sdkStateNotReady',
  KICKED_OUT: 'kickedOut',
  ERROR: 'error',
  NET_STATE_CHANGE: 'netStateChange',
  /** Subscribed users' statuses changed: `data` is `[{ userID, statusType, customStatus }]`. */
  USER_STATUS_UPDATED: 'onUserStatusUpdated',
} as const;

/** `TencentCloudChat.TYPES` values the engine reads. */
export const ChatTypes = {
  KICKED_OUT_MULT_ACCOUNT: 'multipleAccount',
  KICKED_OUT_MULT_DEVICE: 'multipleDevice',
  KICKED_OUT_USERSIG_EXPIRED: 'userSigExpired',
  KICKED_OUT_REST_API: 'REST_API_Kick',
  NET_STATE_CONNECTED: 'connected',
  NET_STATE_CONNECTING: 'connecting',
  NET_STATE_DISCONNECTED: 'disconnected',
  USER_STATUS_UNKNOWN: 0,
  USER_STATUS_ONLINE: 1,
  USER_STATUS_OFFLINE: 2,
  /** Never logged in, or logged out (a web user that logs out is this, not OFFLINE). */
  USER_STATUS_UNLOGINED: 3,
} as const;

/**
 * Chat's `NO_USE` (3122): the app's plan does not include the feature, or it is switched off in
 * the console (the SDK refuses user status calls with it before asking the server).
 */
export const CHAT_FEATURE_NOT_ENABLED = 3122;

/** One user's status (`getUserStatus` `successUserList`, `USER_STATUS_UPDATED` data). */
export interface ChatUserStatus {
  userID: string;
  statusType: number;
  customStatus?: string;
}

/** Chat's error code for an expired UserSig (`ACCOUNT_A2KEY_EXPIRED` in the SDK bundle). */
export const CHAT_USERSIG_EXPIRED = 70001;

/** Payload of `newInvitationReceived`. */
export interface InvitationReceived {
  inviteID: string;
  inviter: string;
  groupID: string;
  data: string;
  inviteeList: string[];
}
/** Payload of `ts_invitee_accepted` / `ts_invitee_rejected`. */
export interface InviteeAnswered {
  inviteID: string;
  inviter: string;
  groupID: string;
  data: string;
  invitee: string;
}
/** Payload of `ts_invitation_cancelled`. */
export interface InvitationCancelled {
  inviteID: string;
  inviter: string;
  groupID: string;
  data: string;
}
/** Payload of `ts_invitation_timeout`. */
export interface InvitationTimeout {
  inviteID: string;
  inviter: string;
  groupID: string;
  data: string;
  inviteeList: string[];
  isSelfTimeout: boolean;
}

/** index.d.ts `OFFLINE_PUSH_INFO_PARAMS`. */
export interface OfflinePushInfo {
  disablePush?: boolean;
  disableVoipPush?: boolean;
  title?: string;
  description?: string;
  extension?: string;
  androidInfo?: Record<string, string | undefined>;
  apnsInfo?: { sound?: string; ignoreIOSBadge?: boolean; disableVoipPush?: boolean };
}

/** The chat instance (index.d.ts `class ChatSDK`), limited to what the engine calls. */
export interface ChatLike {
  login(options: { userID: string; userSig: string }): Promise<unknown>;
  logout(): Promise<unknown>;
  isReady(): boolean;
  getLoginUser(): unknown;
  on(eventName: string, handler: ChatHandler, context?: unknown): void;
  off(eventName: string, handler: ChatHandler, context?: unknown): void;
  addSignalingListener(eventName: string, handler: ChatHandler, context?: unknown): void;
  removeSignalingListener(eventName: string, handler: ChatHandler, context?: unknown): void;
  invite(options: {
    userID: string;
    data?: string;
    timeout?: number;
    onlineUserOnly?: boolean;
    offlinePushInfo?: OfflinePushInfo;
  }): Promise<ChatResponse>;
  inviteInGroup(options: {
    groupID: string;
    inviteeList: string[];
    data?: string;
    timeout?: number;
    onlineUserOnly?: boolean;
    offlinePushInfo?: OfflinePushInfo;
  }): Promise<ChatResponse>;
  accept(options: { inviteID: string; data?: string }): Promise<ChatResponse>;
  reject(options: { inviteID: string; data?: string }): Promise<ChatResponse>;
  cancel(options: { inviteID: string; data?: string }): Promise<ChatResponse>;
  updateMyProfile(options: { nick?: string; avatar?: string }): Promise<unknown>;
  getUserProfile(options: { userIDList: string[] }): Promise<unknown>;
  /**
   * User status (3.x; optional so an older app instance still calls): resolves with
   * `{ data: { successUserList: ChatUserStatus[], failureUserList } }`; at most 500 ids a request.
   */
  getUserStatus?(options: { userIDList: string[] }): Promise<unknown>;
  /** Resolves with `{ data: { failureUserList } }`; the SDK silently drops ids past 100 a request. */
  subscribeUserStatus?(options: { userIDList: string[] }): Promise<unknown>;
  /** `userIDList` undefined: everyone. */
  unsubscribeUserStatus?(options: { userIDList: string[] | undefined }): Promise<unknown>;
}

/** The chat module's default export (`TencentCloudChat`), limited to `create`. */
export interface ChatModuleLike {
  create(options: { SDKAppID: number }): ChatLike;
}

// ---- trtc-sdk-v5 ----------------------------------------------------------------------------------

/** `TRTC.EVENT` names the engine listens to (index.d.ts `TRTCEvent`). */
export const TRTCEventName = {
  ERROR: 'error',
  KICKED_OUT: 'kicked-out',
  REMOTE_USER_ENTER: 'remote-user-enter',
  REMOTE_USER_EXIT: 'remote-user-exit',
  REMOTE_AUDIO_AVAILABLE: 'remote-audio-available',
  REMOTE_AUDIO_UNAVAILABLE: 'remote-audio-unavailable',
  REMOTE_VIDEO_AVAILABLE: 'remote-video-available',
  REMOTE_VIDEO_UNAVAILABLE: 'remote-video-unavailable',
  AUDIO_VOLUME: 'audio-volume',
  NETWORK_QUALITY: 'network-quality',
  DEVICE_CHANGED: 'device-changed',
  TRACK: 'track',
} as const;

/** `TRTC.ERROR_CODE` values (from the SDK bundle; the typings declare them as `number`). */
export const TRTCErrorCode = {
  INVALID_PARAMETER: 5000,
  INVALID_OPERATION: 5100,
  ENV_NOT_SUPPORTED: 5200,
  DEVICE_ERROR: 5300,
  /** extraCode of DEVICE_ERROR: getUserMedia `NotFoundError`. */
  DEVICE_NOT_FOUND: 5301,
  /** extraCode of DEVICE_ERROR: getUserMedia `NotAllowedError`. */
  DEVICE_NOT_ALLOWED: 5302,
  SERVER_ERROR: 5400,
  OPERATION_FAILED: 5500,
  OPERATION_ABORT: 5998,
  UNKNOWN_ERROR: 5999,
} as const;

export type TRTCStreamType = 'main' | 'sub';
export type TRTCVideoProfile = '480p' | '720p' | '1080p';

/** Event payloads (index.d.ts `TRTCEventTypes`), as far as the engine reads them. */
export interface TRTCEventPayloads {
  error: { code: number; extraCode?: number; message: string };
  'kicked-out': { reason: string };
  'remote-user-enter': { userId: string };
  'remote-user-exit': { userId: string; reason?: number };
  'remote-audio-available': { userId: string };
  'remote-audio-unavailable': { userId: string };
  'remote-video-available': { userId: string; streamType: TRTCStreamType };
  'remote-video-unavailable': { userId: string; streamType: TRTCStreamType };
  'audio-volume': { result: { userId: string; volume: number }[] };
  'network-quality': { uplinkNetworkQuality: number; downlinkNetworkQuality: number };
  'device-changed': { type: string; action: string };
  track: { userId: string; streamType?: TRTCStreamType; track: MediaStreamTrack };
}

export interface TRTCLocalVideoConfig {
  view?: null;
  publish?: boolean;
  mute?: boolean;
  option?: { cameraId?: string; profile?: TRTCVideoProfile };
}
export interface TRTCLocalAudioConfig {
  publish?: boolean;
  mute?: boolean;
  option?: { microphoneId?: string };
}

/** A TRTC instance (index.d.ts `class TRTC`), limited to what the engine calls. */
export interface TRTCLike {
  enterRoom(params: {
    sdkAppId: number;
    userId: string;
    userSig: string;
    roomId?: number;
    strRoomId?: string;
    autoReceiveAudio?: boolean;
    autoReceiveVideo?: boolean;
    enableAutoPlayDialog?: boolean;
  }): Promise<void>;
  exitRoom(): Promise<void>;
  destroy(): void;
  startLocalAudio(config?: TRTCLocalAudioConfig): Promise<void>;
  updateLocalAudio(config: TRTCLocalAudioConfig): Promise<void>;
  stopLocalAudio(): Promise<void>;
  startLocalVideo(config?: TRTCLocalVideoConfig): Promise<void>;
  updateLocalVideo(config: TRTCLocalVideoConfig): Promise<void>;
  stopLocalVideo(): Promise<void>;
  startRemoteVideo(config: { view?: null; userId: string; streamType: TRTCStreamType }): Promise<void>;
  stopRemoteVideo(config: { userId: string; streamType?: TRTCStreamType }): Promise<void>;
  setRemoteAudioVolume(userId: string, volume: number): void;
  enableAudioVolumeEvaluation(interval?: number, enableInBackground?: boolean): void;
  getAudioTrack(config?: { userId?: string; streamType?: TRTCStreamType } | string): MediaStreamTrack | null;
  /** `processed: true`: the track after TRTC's video processing (virtual background). */
  getVideoTrack(config?: { userId?: string; streamType?: TRTCStreamType; processed?: boolean }): MediaStreamTrack | null;
  /** Registers a plugin (the virtual background) with the app's self-hosted assets. */
  use(plugin: { plugin: TRTCPluginLike; assetsPath?: string }): void;
  startPlugin(name: 'VirtualBackground', options: VirtualBackgroundOptions): Promise<unknown>;
  updatePlugin(name: 'VirtualBackground', options: BackgroundEffect): Promise<unknown>;
  stopPlugin(name: 'VirtualBackground'): Promise<unknown>;
  on<K extends keyof TRTCEventPayloads>(event: K, handler: (payload: TRTCEventPayloads[K]) => void): unknown;
  off<K extends keyof TRTCEventPayloads>(event: K, handler: (payload: TRTCEventPayloads[K]) => void): unknown;
}

/** A TRTC plugin class (e.g. `VirtualBackground` from `trtc-sdk-v5/plugins/video-effect/virtual-background`). */
export type TRTCPluginLike = abstract new (...args: never[]) => unknown;

/** What the virtual-background plugin puts behind the person: a blur (1..10) or an image (URL). */
export type BackgroundEffect = { type: 'blur'; blurLevel: number } | { type: 'image'; src: string };

/** `VirtualBackgroundOptions` (plugins/video-effect/virtual-background/virtual-background.esm.d.ts). */
export type VirtualBackgroundOptions = { sdkAppId: number; userId: string; userSig: string } & BackgroundEffect;

/** Device info as the TRTC statics return it (`MediaDeviceInfo`). */
export interface TRTCDeviceInfo {
  deviceId: string;
  label: string;
}

/** The TRTC module's default export (the `TRTC` class), limited to its statics the engine calls. */
export interface TRTCModuleLike {
  create(options?: { assetsPath?: string; enableAutoPlayDialog?: boolean }): TRTCLike;
  getCameraList(requestPermission?: boolean): Promise<TRTCDeviceInfo[]>;
  getMicrophoneList(requestPermission?: boolean): Promise<TRTCDeviceInfo[]>;
  getSpeakerList(requestPermission?: boolean): Promise<TRTCDeviceInfo[]>;
  setCurrentSpeaker(speakerId: string): Promise<void>;
}
