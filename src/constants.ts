/** Public enums, numerically and textually compatible with TUICallKit's. */

/** Call media type: `1` audio, `2` video (as in TUICallKit). */
export const CallMediaType = { UNKNOWN: 0, AUDIO: 1, VIDEO: 2 } as const;
export type CallMediaType = (typeof CallMediaType)[keyof typeof CallMediaType];

/** Coarse call status, as TUICallKit's `CallStatus`. */
export const CallStatus = { IDLE: 'idle', CALLING: 'calling', CONNECTED: 'connected' } as const;
export type CallStatus = (typeof CallStatus)[keyof typeof CallStatus];

export const CallRole = { UNKNOWN: 'unknown', CALLEE: 'callee', CALLER: 'caller' } as const;
export type CallRole = (typeof CallRole)[keyof typeof CallRole];

/** TUICallKit's legacy status strings, passed to `statusChanged` and `ck-status-changed`. */
export const LegacyStatus = {
  IDLE: 'idle',
  BE_INVITED: 'be-invited',
  DIALING_C2C: 'dialing-c2c',
  DIALING_GROUP: 'dialing-group',
  CALLING_C2C_AUDIO: 'calling-c2c-audio',
  CALLING_C2C_VIDEO: 'calling-c2c-video',
  CALLING_GROUP_AUDIO: 'calling-group-audio',
  CALLING_GROUP_VIDEO: 'calling-group-video',
} as const;
export type LegacyStatus = (typeof LegacyStatus)[keyof typeof LegacyStatus];

/** Why a call ended, numerically as TUICallEngine's `CallEndReason`. */
export const CallEndReason = {
  UNKNOWN: 0,
  HANGUP: 1,
  REJECT: 2,
  NO_RESPONSE: 3,
  OFFLINE: 4,
  LINE_BUSY: 5,
  CANCELED: 6,
  OTHER_DEVICE_ACCEPTED: 7,
  OTHER_DEVICE_REJECT: 8,
  END_BY_SERVER: 9,
} as const;
export type CallEndReason = (typeof CallEndReason)[keyof typeof CallEndReason];

export const LayoutMode = { LOCAL_LARGE: 'local', REMOTE_LARGE: 'remote' } as const;
export type LayoutMode = (typeof LayoutMode)[keyof typeof LayoutMode];

export const VideoDisplayMode = { CONTAIN: 'contain', COVER: 'cover', FILL: 'fill' } as const;
export type VideoDisplayMode = (typeof VideoDisplayMode)[keyof typeof VideoDisplayMode];

export const VideoResolution = { RESOLUTION_480P: '480p', RESOLUTION_720P: '720p', RESOLUTION_1080P: '1080p' } as const;
export type VideoResolution = (typeof VideoResolution)[keyof typeof VideoResolution];

export const FeatureButton = {
  Camera: 'camera',
  Microphone: 'microphone',
  SwitchCamera: 'switchCamera',
  InviteUser: 'inviteUser',
  /** The call view's "Switch to video" button of a connected 1v1 audio call (default engine). */
  SwitchToVideo: 'switchToVideo',
  /** The AI noise suppression switch (shown where the engine has it). */
  AINoiseSuppression: 'aiNoiseSuppression',
} as const;
export type FeatureButton = (typeof FeatureButton)[keyof typeof FeatureButton];

export type DeviceKind = 'camera' | 'microphone' | 'speaker';

/** Network quality (0 unknown, 1 excellent .. 6 down) from which the kit warns, as TUICallKit: 4 (poor). */
export const POOR_NETWORK_QUALITY = 4;

/*
 * Product limits: call policy shared by the kit, the elements, the protocol schemas and the server.
 * (The wire format's own limits, frame size and field lengths, stay in `src/protocol/messages.ts`.)
 */
/** Most invitees in one call (9 members in all). */
export const MAX_INVITEES = 8;
/** Most live (accepted or ringing) members of one call, the caller included. */
export const MAX_MEMBERS = MAX_INVITEES + 1;
/** Most member records the server keeps for one call (live members and the most recent former ones). */
export const MAX_MEMBER_RECORDS = 32;
/** Most invitations ringing at once for a user in no call (`multiIncoming`, see the protocol header). */
export const MAX_CONCURRENT_INCOMING = 3;
/** Ring timeout in seconds when a call does not set one. */
export const DEFAULT_RING_TIMEOUT_S = 30;
/** The ring timeouts (seconds) a call may ask for. */
export const MIN_RING_TIMEOUT_S = 10;
export const MAX_RING_TIMEOUT_S = 600;
/**
 * How long a request to turn an audio call into video waits for the other side's answer
 * (`switchCallMediaType(VIDEO)`); then it is withdrawn and fails with reason `timeout`.
 */
export const VIDEO_REQUEST_TIMEOUT_MS = 30_000;
/**
 * Most users one signaling socket (one page) may watch with `presence-subscribe` at once; more is
 * refused (`too-many-watched` from the server, a `RangeError` from `callKit.subscribePresence`).
 */
export const MAX_PRESENCE_WATCH = 200;
/** Presence updates are coalesced: at most one `presence` frame per socket per this many ms. */
export const PRESENCE_COALESCE_MS = 250;
