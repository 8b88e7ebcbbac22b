import type {
  CallMediaType,
  CallRole,
  CallStatus,
  FeatureButton,
  LayoutMode,
  VideoDisplayMode,
  VideoResolution,
} from '../constants.js';
import type { ConnectionState, DeviceInfo, GroupCallInfo, MemberStatus } from '../engine/types.js';

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
  /**
   * Background images of camera-off tiles: `local` (`setLocalViewBackgroundImage`), `remote:<userId>`
   * and `remote:*` (`setRemoteViewBackgroundImage`).
   */
  readonly viewBackgrounds: Readonly<Record<string, string>>;
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
    }
  | { type: 'call-connected' }
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
  | { type: 'tip'; tip: Message | null }
  | { type: 'toast'; toast: Omit<Toast, 'id'> | null }
  | { type: 'devices'; devices: readonly DeviceInfo[] }
  | { type: 'speaker-muted'; muted: boolean }
  | { type: 'minimized'; minimized: boolean }
  | { type: 'sound-blocked'; blocked: boolean }
  | { type: 'settings'; settings: Partial<Settings> };

export interface ReadonlyStore {
  getState(): CallState;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (state: CallState, previous: CallState) => void): () => void;
}
