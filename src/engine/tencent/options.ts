import type { ChatLike, ChatModuleLike, OfflinePushInfo, TRTCModuleLike, TRTCPluginLike } from './sdk-types.js';

/** Options of `new TencentEngine(options)`; each module of the engine reads the ones it needs. */
export interface TencentEngineOptions {
  /** Loads the chat module (default: `import('@tencentcloud/chat')`). */
  loadChat?: () => Promise<ChatModuleLike>;
  /** Loads the TRTC module (default: `import('trtc-sdk-v5')`). */
  loadTRTC?: () => Promise<TRTCModuleLike>;
  /**
   * Loads TRTC's virtual-background plugin class for {@link TencentEngine.setBlurBackground}
   * (default: `import('trtc-sdk-v5/plugins/video-effect/virtual-background')`).
   */
  loadVirtualBackground?: () => Promise<TRTCPluginLike>;
  /**
   * An app's own chat instance (TUICallKit's `tim`). Used as is when already logged in as the
   * same user; never logged out by the engine.
   */
  chat?: ChatLike;
  /**
   * Where the app serves `node_modules/trtc-sdk-v5/assets` (the virtual background loads
   * `${assetsPath}/mediapipe/...`, 6.6 MB). Passed to `TRTC.create` and to the plugin; without it
   * `setBlurBackground` refuses to start rather than fetching anything from a CDN.
   */
  assetsPath?: string;
  /** Builds the MediaStreams handed to the elements (default `new MediaStream(tracks)` when available). */
  createMediaStream?: (tracks: MediaStreamTrack[]) => MediaStream | null;
  /** Deadline for chat's SDK_READY after login (default 15 s). */
  readyTimeoutMs?: number;
  /** Deadline for chat's `login()` to answer (default 20 s): CONNECTION_FAILED, reason `login-timeout`. */
  loginTimeoutMs?: number;
  /** Deadline for TRTC's `enterRoom()` (default 15 s): CONNECTION_FAILED, reason `room-timeout`. */
  roomEntryTimeoutMs?: number;
  /**
   * Deadline for TRTC's `startLocalAudio` / `startLocalVideo` once the permission is granted (default
   * 10 s): CAMERA_START_FAILED / MICROPHONE_START_FAILED, reason `device-timeout`; a prompt waits.
   */
  deviceStartTimeoutMs?: number;
  /** TRTC volume evaluation interval (default 500 ms). */
  volumeIntervalMs?: number;
  /** Let TRTC play remote audio itself (default false: the kit's tiles play the streams). */
  sdkPlaysRemoteAudio?: boolean;
  /**
   * A connected call in which no other member ever enters the TRTC room ends after this long
   * (default 30 s; e.g. the caller cancelled while our accept was on its way).
   */
  roomJoinTimeoutMs?: number;
  /**
   * Refuse `calls()` with several callees and no `groupID` (INVALID_PARAMETER). Without a group
   * this engine sends one C2C invitation per callee into one room: a kit-only mode, since a
   * TUICallKit callee treats such a call as 1v1 and leaves it as soon as any other member leaves.
   * Turn this on when the callees may be TUICallKit apps (default false).
   */
  multiCalleeNeedsGroup?: boolean;
  /**
   * Offline push sent with invitations (chat's `offlinePushInfo`, for TUICallKit mobile apps).
   * Without an `extension`, TUICallEngine's own is used (`entity.action: 2`, `voip_ext`); by
   * default only that extension is sent. `null` sends no offline push at all.
   */
  offlinePushInfo?: OfflinePushInfo | null;
  /**
   * Most users `subscribePresence` may watch (default 200). Tencent caps a user's status
   * subscriptions by plan and silently evicts the oldest past the cap: set your plan's figure.
   */
  maxPresenceSubscriptions?: number;
}

/** Who the engine is logged in as: chat login, TRTC `enterRoom` and the virtual background use it. */
export interface TencentUser {
  sdkAppId: number;
  userId: string;
  userSig: string;
}
