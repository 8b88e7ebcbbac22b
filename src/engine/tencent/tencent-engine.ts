/**
 * The Tencent Cloud engine: `@tencentcloud/chat` signaling in TUICallKit's "v2" wire format (see
 * `wire.ts`) and `trtc-sdk-v5` media, one TRTC room per call. A web user of this kit can call and
 * be called by TUICallKit apps (web, Android, iOS) in their v2 mode.
 *
 * How a call maps onto the SDKs:
 * - **Outgoing**: capture local media, enter a fresh TRTC room (random numeric id
 *   1..2147483647), then `invite` each callee (1v1 or several C2C invitations sharing the room) or
 *   `inviteInGroup` once (with `groupID`). The call id is the (first) chat `inviteID`.
 * - **Incoming**: `newInvitationReceived` with a `videoCall`/`audioCall` payload rings
 *   (`onCallReceived`, call id = `inviteID`). While any call exists, an invitation is answered at
 *   once with a busy reject (`line_busy: 'line_busy'`, `data.message: 'lineBusy'`), which the
 *   caller's engine reports as `onUserLineBusy`.
 * - **Accept** = chat `accept` + enter the announced room. **Reject** = chat `reject`.
 *   **Cancel** (hangup while dialing) = chat `cancel` of every pending invitation.
 * - **Hangup** when connected: exit the room; when that leaves at most one other member, a
 *   `hangup` payload with `call_end` (seconds) is sent as a zero-timeout invitation (TUICallKit
 *   shows it as the call record). Remote members leaving are seen as TRTC `remote-user-exit`.
 * - **Invite during a call** (`inviteUser`): more invitations into the same room; they carry the
 *   call's id (`initialCallId` in the payload's `data`) so the newcomer names the call alike.
 * - **Join** (`join({ callId })`): v2 has no call server, so the engine remembers the last calls it
 *   was invited to or placed (room, media type, group) and enters the room; members present there
 *   show up with `onUserJoin`, the others see us accept and join. Calls that cannot go on without
 *   us (1v1, cancelled) are forgotten: joining them is `call-not-found`, as with the default engine.
 * - **Timeouts** are chat signaling's own (the callee's timer fires first and notifies the
 *   caller; the caller's own fires 5 s later for callees that never got the invitation):
 *   `onUserNoResponse` per callee, `onCallEnd` cause `timeout` once nobody is left.
 * - **Media** arrives as MediaStreams built from TRTC's tracks (`getAudioTrack` /
 *   `getVideoTrack`, refreshed on every `track` event); remote video is subscribed with
 *   `startRemoteVideo({ view: null })` so TRTC renders nothing itself, and TRTC's own playback
 *   of remote audio is turned to volume 0 because the kit's tiles play the streams.
 * - **Kicked out** (chat `kickedOut`) -> `onKickedOffline` (+ `onError` 70001 when the UserSig
 *   expired) and the call ends with cause `disconnected`.
 *
 * Nothing is imported from the SDKs at module load: the default loaders use dynamic `import()`.
 */
import { CallEndReason, CallMediaType, CallRole, VideoResolution, type DeviceKind } from '../../constants.js';
import { CallKitError, ErrorCode, invalidParameter } from '../../errors.js';
import { Emitter } from '../emitter.js';
import type {
  CallEngine,
  CallEngineEvents,
  ConnectionState,
  DeviceInfo,
  EndCause,
  EngineCallParams,
  EngineLoginParams,
  UserProfile,
} from '../types.js';
import { loadChatModule, loadTRTCModule, loadVirtualBackgroundPlugin } from './default-loaders.js';
import { chatError, deviceError, errorEvent, roomError } from './sdk-errors.js';
import {
  CHAT_USERSIG_EXPIRED,
  ChatEventName,
  ChatTypes,
  TRTCEventName,
  TSignaling,
  type ChatEvent,
  type ChatHandler,
  type ChatLike,
  type ChatModuleLike,
  type ChatResponse,
  type InvitationCancelled,
  type InvitationReceived,
  type InvitationTimeout,
  type InviteeAnswered,
  type OfflinePushInfo,
  type TRTCEventPayloads,
  type TRTCLike,
  type TRTCModuleLike,
  type TRTCPluginLike,
} from './sdk-types.js';
import { MAX_ROOM_ID, callCmd, encodeCallPayload, parseCallPayload, type ParsedCallPayload, type RoomId, type V2Cmd } from './wire.js';

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
  /** TRTC volume evaluation interval (default 500 ms). */
  volumeIntervalMs?: number;
  /** Let TRTC play remote audio itself (default false: the kit's tiles play the streams). */
  sdkPlaysRemoteAudio?: boolean;
  /**
   * A connected call in which no other member ever enters the TRTC room ends after this long
   * (default 30 s; e.g. the caller cancelled while our accept was on its way).
   */
  roomJoinTimeoutMs?: number;
  /** Offline push sent with invitations (chat's `offlinePushInfo`, for TUICallKit mobile apps). */
  offlinePushInfo?: OfflinePushInfo;
}

type Phase = 'dialing' | 'ringing' | 'connecting' | 'connected';
type MemberState = 'ringing' | 'accepted' | 'gone';

interface Member {
  userId: string;
  state: MemberState;
  /** Present in our TRTC room. */
  inRoom: boolean;
  audio: boolean;
  video: boolean;
  /** Key of the last stream handed out ('' = none). */
  streamKey: string;
}

interface ActiveCall {
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
interface KnownCall {
  callId: string;
  room: RoomId;
  mediaType: CallMediaType;
  groupID: string;
  inviter: string;
  userIDs: string[];
}

const END_REASON: Record<EndCause, CallEndReason> = {
  hangup: CallEndReason.HANGUP,
  cancelled: CallEndReason.CANCELED,
  rejected: CallEndReason.REJECT,
  busy: CallEndReason.LINE_BUSY,
  timeout: CallEndReason.NO_RESPONSE,
  unavailable: CallEndReason.OFFLINE,
  'answered-elsewhere': CallEndReason.OTHER_DEVICE_ACCEPTED,
  'rejected-elsewhere': CallEndReason.OTHER_DEVICE_REJECT,
  glare: CallEndReason.END_BY_SERVER,
  disconnected: CallEndReason.UNKNOWN,
  network: CallEndReason.UNKNOWN,
  ended: CallEndReason.END_BY_SERVER,
  error: CallEndReason.UNKNOWN,
};

const MAX_CALLEES = 8;
/** How many calls `join()` remembers (the most recent ones). */
const MAX_KNOWN_CALLS = 32;
const DEFAULT_TIMEOUT_S = 30;
const RESOLUTIONS: readonly string[] = Object.values(VideoResolution);

const noop = (): void => undefined;

function randomRoomId(): number {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.getRandomValues) return (c.getRandomValues(new Uint32Array(1))[0] % MAX_ROOM_ID) + 1;
  return Math.floor(Math.random() * MAX_ROOM_ID) + 1;
}

function sameRoom(a: RoomId | null, b: RoomId | null): boolean {
  return a !== null && b !== null && typeof a === typeof b && a === b;
}

function defaultStream(tracks: MediaStreamTrack[]): MediaStream | null {
  return typeof MediaStream === 'function' ? new MediaStream(tracks) : null;
}

function trackKey(tracks: MediaStreamTrack[]): string {
  return tracks.map((t) => `${t.kind}:${t.id}`).join('|');
}

function clampVolume(v: unknown): number {
  const n = typeof v === 'number' && Number.isFinite(v) ? v : 0;
  return Math.max(0, Math.min(100, Math.round(n)));
}

export class TencentEngine implements CallEngine {
  readonly name = 'tencent';
  readonly #events = new Emitter<CallEngineEvents>();
  readonly #options: TencentEngineOptions;
  readonly #createStream: (tracks: MediaStreamTrack[]) => MediaStream | null;

  #chat: ChatLike | null = null;
  #ownsLogin = false;
  #loggedIn = false;
  #sdkAppId = 0;
  #userId = '';
  #userSig = '';
  #offChat: (() => void)[] = [];

  #TRTC: TRTCModuleLike | null = null;
  #trtc: TRTCLike | null = null;
  #trtcLoading: Promise<TRTCLike> | null = null;
  #offTrtc: (() => void)[] = [];

  #call: ActiveCall | null = null;
  /** Calls we were invited to or placed, most recent last (for `join`). */
  readonly #known = new Map<string, KnownCall>();
  /** Ends a connected call in which nobody ever shows up in the room. */
  #presenceTimer: ReturnType<typeof setTimeout> | null = null;
  #connection: ConnectionState = 'disconnected';
  #destroyed = false;
  /** chat signaling allows one accept/reject/cancel in flight at a time: we queue them. */
  #sigQueue: Promise<unknown> = Promise.resolve();
  /** TRTC room and capture operations, one at a time. */
  #mediaQueue: Promise<unknown> = Promise.resolve();

  // local media state
  #audioStarted = false;
  #micMuted = false;
  #cameraOn = false;
  #cameraId = '';
  #microphoneId = '';
  #resolution: VideoResolution = VideoResolution.RESOLUTION_720P;
  #localKey = '';
  /** Virtual background: registered with this TRTC instance, and the current blur level (0 off). */
  #blurPluginUsed = false;
  #blurLevel = 0;

  constructor(options: TencentEngineOptions = {}) {
    this.#options = options;
    this.#createStream = options.createMediaStream ?? defaultStream;
  }

  on<K extends keyof CallEngineEvents>(event: K, listener: (payload: CallEngineEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof CallEngineEvents>(event: K, listener: (payload: CallEngineEvents[K]) => void): void {
    this.#events.off(event, listener);
  }

  /** The logged-in user id ('' before login). */
  get userId(): string {
    return this.#userId;
  }

  /** The current call's id, or null. */
  get callId(): string | null {
    return this.#call?.callId || null;
  }

  /** The current call's TRTC room, or null. */
  get roomId(): RoomId | null {
    return this.#call?.room ?? null;
  }

  // ---- login ------------------------------------------------------------------------------------

  async login(params: EngineLoginParams): Promise<void> {
    this.#assertAlive();
    if (!params || typeof params !== 'object') throw invalidParameter('login() needs { SDKAppID, userID, userSig }');
    const sdkAppId = Number(params.SDKAppID);
    if (!Number.isInteger(sdkAppId) || sdkAppId <= 0) throw invalidParameter('SDKAppID must be a positive integer');
    if (typeof params.userID !== 'string' || !params.userID) throw invalidParameter('userID must be a non-empty string');
    if (typeof params.userSig !== 'string' || !params.userSig) throw invalidParameter('userSig must be a non-empty string');
    if (this.#loggedIn) {
      if (this.#userId === params.userID && this.#sdkAppId === sdkAppId) return;
      await this.logout();
    }
    this.#sdkAppId = sdkAppId;
    this.#userId = params.userID;
    this.#userSig = params.userSig;
    this.#emitConnection('connecting');
    let chat: ChatLike;
    try {
      chat = this.#options.chat ?? (await (this.#options.loadChat ?? loadChatModule)()).create({ SDKAppID: sdkAppId });
    } catch (error) {
      this.#emitConnection('failed');
      throw chatError(error, 'cannot load @tencentcloud/chat', ErrorCode.SDK_NOT_INITIALIZED);
    }
    this.#chat = chat;
    this.#bindChat(chat);
    const current = this.#options.chat ? String(chat.getLoginUser() ?? '') : '';
    if (current && current !== params.userID) {
      this.#unbindChat();
      this.#chat = null;
      this.#emitConnection('failed');
      throw invalidParameter(`the chat instance passed in is logged in as "${current}", not "${params.userID}"`);
    }
    try {
      if (current !== params.userID) {
        // Listen for SDK_READY before logging in: it may come before login() resolves.
        const ready = this.#waitReady(chat);
        // An app's own chat instance is never logged out by us, even if we logged it in.
        this.#ownsLogin = !this.#options.chat;
        try {
          await chat.login({ userID: params.userID, userSig: params.userSig });
        } catch (error) {
          ready.cancel();
          throw chatError(error, 'chat login failed', ErrorCode.CONNECTION_FAILED);
        }
        await ready.promise;
      } else {
        this.#ownsLogin = false;
        await this.#waitReady(chat).promise;
      }
    } catch (error) {
      this.#unbindChat();
      if (this.#ownsLogin) await chat.logout().catch(noop);
      this.#chat = null;
      this.#ownsLogin = false;
      this.#emitConnection('failed');
      throw error;
    }
    this.#loggedIn = true;
    this.#emitConnection('connected');
    if (params.profile && (params.profile.name || params.profile.avatar)) {
      await this.setSelfInfo(params.profile).catch(noop);
    }
  }

  async logout(): Promise<void> {
    const call = this.#call;
    if (call) await this.hangup().catch(() => this.#finish(call, 'hangup'));
    await this.#teardownTRTC();
    const chat = this.#chat;
    this.#unbindChat();
    this.#chat = null;
    const wasIn = this.#loggedIn;
    this.#loggedIn = false;
    this.#known.clear();
    if (chat && this.#ownsLogin) await chat.logout().catch(noop);
    this.#ownsLogin = false;
    if (wasIn) this.#emitConnection('disconnected');
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    await this.logout().catch(noop);
    this.#destroyed = true;
    this.#events.removeAllListeners();
  }

  async setSelfInfo(profile: { name?: string; avatar?: string }): Promise<void> {
    const chat = this.#requireChat();
    const options: { nick?: string; avatar?: string } = {};
    if (typeof profile?.name === 'string') options.nick = profile.name;
    if (typeof profile?.avatar === 'string') options.avatar = profile.avatar;
    if (!('nick' in options) && !('avatar' in options)) return;
    try {
      await chat.updateMyProfile(options);
    } catch (error) {
      throw chatError(error, 'updateMyProfile failed');
    }
  }

  // ---- calling ----------------------------------------------------------------------------------

  async calls(params: EngineCallParams): Promise<{ callId: string }> {
    const chat = this.#requireChat();
    if (this.#call) throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'a call is in progress');
    const userIDList = this.#validateCallees(params?.userIDList, []);
    const mediaType = params.mediaType;
    if (mediaType !== CallMediaType.AUDIO && mediaType !== CallMediaType.VIDEO) {
      throw invalidParameter('mediaType must be CallMediaType.AUDIO (1) or CallMediaType.VIDEO (2)');
    }
    const groupID = typeof params.groupID === 'string' ? params.groupID : '';
    const timeout = typeof params.timeout === 'number' && params.timeout >= 0 ? params.timeout : DEFAULT_TIMEOUT_S;
    const call: ActiveCall = {
      callId: '',
      role: CallRole.CALLER,
      phase: 'dialing',
      mediaType,
      room: randomRoomId(),
      groupID,
      inviter: this.#userId,
      userIDs: userIDList,
      members: new Map(userIDList.map((userId) => [userId, this.#newMember(userId, 'ringing')])),
      outgoing: new Map(),
      invites: new Set(),
      announced: false,
      deferred: [],
      beginAt: 0,
      inRoom: false,
    };
    if (typeof params.userData === 'string') call.userData = params.userData;
    this.#call = call;
    try {
      await this.#mediaOp(async () => {
        this.#assertCurrent(call);
        await this.#startLocal(mediaType);
        this.#assertCurrent(call);
        await this.#enterRoom(call);
      });
      this.#assertCurrent(call);
      const data = this.#payload(call, callCmd(mediaType));
      const sent = await this.#sendInvites(chat, call, userIDList, data, timeout);
      if (this.#call !== call) {
        await this.#cancelInvites(call).catch(noop);
        throw new CallKitError(ErrorCode.INVALID_STATE, 'the call was ended while it was being placed');
      }
      if (sent === 0) throw call.outgoingError ?? new CallKitError(ErrorCode.SERVER_ERROR, 'no invitation could be sent');
    } catch (error) {
      if (this.#call === call) this.#finish(call, 'error', { silent: true });
      throw error;
    }
    call.announced = true;
    this.#remember({ callId: call.callId, room: call.room, mediaType, groupID, inviter: this.#userId, userIDs: userIDList });
    this.#events.emit('onCallStarted', {
      callId: call.callId,
      mediaType,
      members: userIDList.map((userId) => ({ userId })),
    });
    this.#emitLocalStream();
    this.#replayDeferred(call);
    // Invitations that failed to send: the callee cannot be reached.
    for (const member of [...call.members.values()]) {
      if (member.state === 'ringing' && !this.#isInvited(call, member.userId)) this.#memberOut(call, member.userId, 'unavailable');
    }
    void this.#fetchProfiles(call, userIDList);
    return { callId: call.callId };
  }

  /**
   * Invites more users into the current call (TUICallKit's `inviteUser`): one `inviteInGroup` in
   * a group call, C2C invitations otherwise, all pointing at the same room.
   */
  async inviteUser(params: { userIDList: string[]; timeout?: number }): Promise<void> {
    const chat = this.#requireChat();
    const call = this.#call;
    if (!call || (call.phase !== 'connected' && call.phase !== 'dialing')) {
      throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no call to invite users into');
    }
    const present = [...call.members.values()].filter((m) => m.state !== 'gone').map((m) => m.userId);
    const userIDList = this.#validateCallees(params?.userIDList, present);
    if (present.length + userIDList.length > MAX_CALLEES) {
      throw new CallKitError(ErrorCode.CALLEE_COUNT, `a call has at most ${MAX_CALLEES + 1} members`);
    }
    const timeout = typeof params.timeout === 'number' && params.timeout >= 0 ? params.timeout : DEFAULT_TIMEOUT_S;
    for (const userId of userIDList) call.members.set(userId, this.#newMember(userId, 'ringing'));
    call.userIDs = [...new Set([...call.userIDs, ...userIDList])];
    // The newcomers' invitations carry the call's id, so every member names the call alike.
    const data = this.#payload(call, callCmd(call.mediaType), { inviter: this.#userId, initialCallId: call.callId || undefined });
    await this.#sendInvites(chat, call, userIDList, data, timeout);
    const known = this.#known.get(call.callId);
    if (known) known.userIDs = call.userIDs;
    for (const userId of userIDList) {
      if (call.members.get(userId)?.state !== 'ringing') continue;
      if (this.#isInvited(call, userId)) this.#events.emit('onUserInvited', { userId });
      else this.#memberOut(call, userId, 'unavailable');
    }
    void this.#fetchProfiles(call, userIDList);
  }

  /**
   * Joins a group call that is already running (TUICallKit's `joinInGroupCall`): enters its room
   * without an invitation. Emits `onCallStarted` then `onCallBegin` with role `callee`.
   */
  async joinInGroupCall(params: { groupID: string; roomID: RoomId; mediaType: CallMediaType }): Promise<{ callId: string }> {
    this.#requireChat();
    if (this.#call) throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'a call is in progress');
    if (typeof params?.groupID !== 'string' || !params.groupID) throw invalidParameter('groupID must be a non-empty string');
    const room = params.roomID;
    if (!(typeof room === 'number' && Number.isInteger(room) && room > 0) && !(typeof room === 'string' && room)) {
      throw invalidParameter('roomID must be a positive integer or a non-empty string');
    }
    const mediaType = params.mediaType === CallMediaType.VIDEO ? CallMediaType.VIDEO : CallMediaType.AUDIO;
    const call: ActiveCall = {
      callId: `${params.groupID}:${String(room)}`,
      role: CallRole.CALLEE,
      phase: 'connecting',
      mediaType,
      room,
      groupID: params.groupID,
      inviter: '',
      userIDs: [],
      members: new Map(),
      outgoing: new Map(),
      invites: new Set(),
      announced: false,
      deferred: [],
      beginAt: 0,
      inRoom: false,
      joined: true,
    };
    this.#call = call;
    try {
      await this.#mediaOp(async () => {
        this.#assertCurrent(call);
        await this.#startLocal(mediaType);
        this.#assertCurrent(call);
        await this.#enterRoom(call);
      });
      this.#assertCurrent(call);
    } catch (error) {
      if (this.#call === call) this.#finish(call, 'error', { silent: true });
      throw error;
    }
    call.announced = true;
    this.#events.emit('onCallStarted', { callId: call.callId, mediaType, members: [] });
    this.#begin(call);
    this.#replayDeferred(call);
    return { callId: call.callId };
  }

  /**
   * Enters a running call we were invited to (declined, missed, left) or placed, by its call id
   * (the v2 `inviteID` announced in `onCallReceived` / returned by `calls`). TUICallKit v2 has no
   * call server: the engine remembers the last calls it saw and enters the call's TRTC room, like
   * `joinInGroupCall`. Emits `onCallStarted` (role callee) and `onCallBegin`, then `onUserJoin` for
   * each member present in the room; the others see us accept and join. `mediaType` AUDIO joins a
   * video call without the camera. A call id the engine never saw (or whose invitation the caller
   * cancelled) is refused like the default engine's server does: SERVER_ERROR `call-not-found`.
   */
  async join(params: { callId: string; mediaType?: CallMediaType }): Promise<void> {
    this.#requireChat();
    const callId = params?.callId;
    if (typeof callId !== 'string' || !callId || callId.length > 64) throw invalidParameter('callId must be a call id');
    const wanted = params.mediaType;
    if (wanted !== undefined && wanted !== CallMediaType.AUDIO && wanted !== CallMediaType.VIDEO) {
      throw invalidParameter('mediaType must be CallMediaType.AUDIO (1) or VIDEO (2)');
    }
    if (this.#call) throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'a call is already in progress');
    const known = this.#known.get(callId);
    if (!known) throw new CallKitError(ErrorCode.SERVER_ERROR, 'no such call', 'call-not-found');
    const audioOnly = wanted === CallMediaType.AUDIO && known.mediaType === CallMediaType.VIDEO;
    const others = [...new Set([known.inviter, ...known.userIDs])].filter((id) => id && id !== this.#userId);
    const call: ActiveCall = {
      callId,
      role: CallRole.CALLEE,
      phase: 'connecting',
      mediaType: known.mediaType,
      room: known.room,
      groupID: known.groupID,
      inviter: known.inviter,
      userIDs: known.userIDs,
      // Unknown states (v2 has no roster): whoever is in the room shows up there.
      members: new Map(others.map((userId) => [userId, this.#newMember(userId, 'gone')])),
      outgoing: new Map(),
      invites: new Set([callId]),
      announced: false,
      deferred: [],
      beginAt: 0,
      inRoom: false,
      joined: true,
    };
    this.#call = call;
    try {
      await this.#mediaOp(async () => {
        this.#assertCurrent(call);
        await this.#startLocal(audioOnly ? CallMediaType.AUDIO : known.mediaType);
        this.#assertCurrent(call);
        await this.#enterRoom(call);
      });
      this.#assertCurrent(call);
    } catch (error) {
      if (this.#call === call) this.#finish(call, 'error', { silent: true });
      throw error;
    }
    call.announced = true;
    const event: CallEngineEvents['onCallStarted'] = {
      callId,
      mediaType: call.mediaType,
      role: CallRole.CALLEE,
      members: others.map((userId) => ({ userId })),
    };
    if (call.groupID) event.groupID = call.groupID;
    this.#events.emit('onCallStarted', event);
    if (audioOnly) {
      call.mediaType = CallMediaType.AUDIO;
      this.#events.emit('onCallMediaTypeChanged', { mediaType: CallMediaType.AUDIO });
    }
    this.#begin(call);
    this.#replayDeferred(call);
    void this.#fetchProfiles(call, others);
  }

  #remember(call: KnownCall): void {
    this.#known.delete(call.callId);
    this.#known.set(call.callId, call);
    while (this.#known.size > MAX_KNOWN_CALLS) this.#known.delete(this.#known.keys().next().value as string);
  }

  /**
   * Accepts the ringing call. This engine rings for one call at a time (a second invitation finds
   * us busy), so `callId`, when given, must be that call's.
   */
  async accept(options: { mediaType?: CallMediaType; callId?: string } = {}): Promise<void> {
    const chat = this.#requireChat();
    const call = this.#call;
    if (!call || call.role !== CallRole.CALLEE || call.phase !== 'ringing' || !call.incoming || !this.#isCallId(call, options?.callId)) {
      throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no incoming call to accept');
    }
    const audioOnly = options?.mediaType === CallMediaType.AUDIO && call.mediaType === CallMediaType.VIDEO;
    const invite = call.incoming;
    call.phase = 'connecting';
    try {
      await this.#mediaOp(async () => {
        this.#assertCurrent(call);
        await this.#startLocal(audioOnly ? CallMediaType.AUDIO : call.mediaType);
      });
    } catch (error) {
      // No permission or no device: the call keeps ringing, the user may still decline it.
      if (this.#call === call && call.phase === 'connecting') {
        call.phase = 'ringing';
        void this.#mediaOp(() => this.#stopLocal());
      }
      throw error;
    }
    try {
      this.#assertCurrent(call);
      await this.#signal(() => {
        this.#assertCurrent(call);
        call.answered = true;
        return chat.accept({ inviteID: invite.inviteID, data: this.#payload(call, callCmd(call.mediaType)) });
      }, 'accept failed');
      this.#assertCurrent(call);
      await this.#mediaOp(async () => {
        this.#assertCurrent(call);
        await this.#enterRoom(call);
      });
      this.#assertCurrent(call);
    } catch (error) {
      if (this.#call === call) {
        this.#events.emit('onError', errorEvent(error));
        this.#finish(call, 'error');
        // We said yes but cannot join: the caller must not wait for us in the room.
        if (call.answered && !call.groupID) void this.#sendHangup(call, call.inviter, 0).catch(noop);
      }
      throw error;
    }
    if (audioOnly) {
      call.mediaType = CallMediaType.AUDIO;
      this.#events.emit('onCallMediaTypeChanged', { mediaType: CallMediaType.AUDIO });
      void this.#sendSwitchToAudio(call);
    }
    this.#begin(call);
  }

  /** Declines the ringing call (`callId`, when given, must be its id: see {@link accept}). */
  async reject(options: { callId?: string } = {}): Promise<void> {
    const chat = this.#requireChat();
    const call = this.#call;
    if (!call || call.role !== CallRole.CALLEE || call.phase !== 'ringing' || !call.incoming || !this.#isCallId(call, options?.callId)) {
      throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no incoming call to reject');
    }
    await this.#decline(chat, call, call.incoming);
  }

  #isCallId(call: ActiveCall, callId: unknown): boolean {
    return callId === undefined || callId === call.callId;
  }

  async #decline(chat: ChatLike, call: ActiveCall, invite: InvitationReceived): Promise<void> {
    const data = this.#payload(call, callCmd(call.mediaType));
    this.#finish(call, 'rejected');
    // The invitation may already be gone (cancelled, timed out): nothing more to tell anyone.
    await this.#signal(() => chat.reject({ inviteID: invite.inviteID, data }), 'reject failed').catch(noop);
  }

  async hangup(): Promise<void> {
    const call = this.#call;
    if (!call) return;
    const chat = this.#chat;
    // Ringing, or accepting but our yes has not gone out yet: that is a decline.
    if (call.role === CallRole.CALLEE && call.incoming && !call.answered && (call.phase === 'ringing' || call.phase === 'connecting')) {
      if (chat) return this.#decline(chat, call, call.incoming);
      this.#finish(call, 'rejected');
      return;
    }
    const accepted = [...call.members.values()].filter((m) => m.state === 'accepted');
    const connected = call.phase === 'connected' || accepted.length > 0;
    const totalTime = call.beginAt ? Math.max(0, Math.round((Date.now() - call.beginAt) / 1000)) : 0;
    const cause: EndCause = connected ? 'hangup' : call.role === CallRole.CALLER ? 'cancelled' : 'hangup';
    this.#finish(call, cause);
    if (!chat) return;
    const tasks: Promise<unknown>[] = [];
    // Nobody left to talk to: take back the invitations still ringing.
    if (accepted.length === 0) tasks.push(this.#cancelInvites(call));
    // The call ends for the last member too: send the call record TUICallKit shows.
    if (connected && accepted.length === 1) tasks.push(this.#sendHangup(call, accepted[0].userId, totalTime));
    await Promise.all(tasks.map((t) => t.catch(noop)));
  }

  /** The v2 hangup: a zero-timeout invitation with cmd `hangup` and `call_end` in seconds. */
  #sendHangup(call: ActiveCall, peer: string, totalTime: number): Promise<unknown> {
    const chat = this.#chat;
    if (!chat) return Promise.resolve();
    const data = this.#payload(call, 'hangup', { callEnd: totalTime });
    return call.groupID
      ? this.#signal(() => chat.inviteInGroup({ groupID: call.groupID, inviteeList: [peer], data, timeout: 0 }), 'hangup failed')
      : this.#signal(() => chat.invite({ userID: peer, data, timeout: 0 }), 'hangup failed');
  }

  // ---- media controls ---------------------------------------------------------------------------

  async openCamera(): Promise<void> {
    this.#requireCall();
    await this.#mediaOp(async () => {
      const trtc = await this.#ensureTRTC();
      if (this.#cameraOn) return;
      try {
        await trtc.startLocalVideo(this.#videoConfig());
      } catch (error) {
        throw deviceError(error, 'camera');
      }
      this.#cameraOn = true;
    });
    this.#emitLocalStream();
  }

  async closeCamera(): Promise<void> {
    this.#requireCall();
    await this.#mediaOp(async () => {
      if (!this.#cameraOn || !this.#trtc) return;
      this.#cameraOn = false;
      await this.#trtc.stopLocalVideo().catch(noop);
    });
    this.#emitLocalStream();
  }

  async openMicrophone(): Promise<void> {
    this.#requireCall();
    await this.#mediaOp(async () => {
      const trtc = await this.#ensureTRTC();
      try {
        if (!this.#audioStarted) {
          await trtc.startLocalAudio(this.#audioConfig());
          this.#audioStarted = true;
        } else if (this.#micMuted) {
          await trtc.updateLocalAudio({ mute: false });
        }
      } catch (error) {
        throw deviceError(error, 'microphone');
      }
      this.#micMuted = false;
    });
    this.#emitLocalStream();
  }

  async closeMicrophone(): Promise<void> {
    this.#requireCall();
    await this.#mediaOp(async () => {
      if (!this.#audioStarted || this.#micMuted || !this.#trtc) return;
      try {
        await this.#trtc.updateLocalAudio({ mute: true });
      } catch (error) {
        throw deviceError(error, 'microphone');
      }
      this.#micMuted = true;
    });
  }

  async switchDevice(params: { deviceType: DeviceKind; deviceId: string }): Promise<void> {
    const deviceId = params?.deviceId;
    if (typeof deviceId !== 'string' || !deviceId) throw invalidParameter('deviceId must be a non-empty string');
    switch (params.deviceType) {
      case 'camera':
        this.#cameraId = deviceId;
        await this.#mediaOp(async () => {
          if (!this.#cameraOn || !this.#trtc) return;
          try {
            await this.#trtc.updateLocalVideo({ option: { cameraId: deviceId } });
          } catch (error) {
            throw deviceError(error, 'camera');
          }
        });
        this.#emitLocalStream();
        return;
      case 'microphone':
        this.#microphoneId = deviceId;
        await this.#mediaOp(async () => {
          if (!this.#audioStarted || !this.#trtc) return;
          try {
            await this.#trtc.updateLocalAudio({ option: { microphoneId: deviceId } });
          } catch (error) {
            throw deviceError(error, 'microphone');
          }
        });
        this.#emitLocalStream();
        return;
      case 'speaker': {
        // The kit's tiles play remote audio (they follow the speaker setting themselves); TRTC's
        // own players are told too, for apps that let TRTC play.
        const TRTC = await this.#loadTRTC();
        await TRTC.setCurrentSpeaker(deviceId).catch((error: unknown) => {
          throw new CallKitError(ErrorCode.FAILED, `cannot switch the speaker: ${errorEvent(error).message}`);
        });
        return;
      }
      default:
        throw invalidParameter('deviceType must be "camera", "microphone" or "speaker"');
    }
  }

  async getDeviceList(deviceType?: DeviceKind): Promise<DeviceInfo[]> {
    const TRTC = await this.#loadTRTC();
    const kinds: DeviceKind[] = deviceType ? [deviceType] : ['camera', 'microphone', 'speaker'];
    const out: DeviceInfo[] = [];
    for (const kind of kinds) {
      let list: { deviceId: string; label: string }[] = [];
      try {
        list =
          kind === 'camera'
            ? await TRTC.getCameraList()
            : kind === 'microphone'
              ? await TRTC.getMicrophoneList()
              : kind === 'speaker'
                ? await TRTC.getSpeakerList()
                : [];
      } catch {
        list = [];
      }
      for (const d of list) out.push({ deviceId: d.deviceId, label: d.label, kind });
    }
    return out;
  }

  async setVideoQuality(resolution: VideoResolution): Promise<void> {
    if (!RESOLUTIONS.includes(resolution)) throw invalidParameter(`resolution must be one of ${RESOLUTIONS.join(', ')}`);
    this.#resolution = resolution;
    await this.#mediaOp(async () => {
      if (!this.#cameraOn || !this.#trtc) return;
      try {
        await this.#trtc.updateLocalVideo({ option: { profile: resolution } });
      } catch (error) {
        throw deviceError(error, 'camera');
      }
    });
  }

  async switchCallMediaType(mediaType: CallMediaType): Promise<void> {
    const call = this.#requireCall();
    if (mediaType === call.mediaType) return;
    if (mediaType !== CallMediaType.AUDIO) {
      throw new CallKitError(ErrorCode.SWITCH_TO_AUDIO_CALL_FAILED, 'only a video call can be switched, to audio');
    }
    if (call.groupID || [...call.members.values()].filter((m) => m.state !== 'gone').length > 1) {
      throw new CallKitError(ErrorCode.SWITCH_TO_AUDIO_CALL_FAILED, 'TUICallKit v2 switches 1v1 calls only');
    }
    await this.#toAudio(call);
    await this.#sendSwitchToAudio(call);
  }

  /**
   * Blurs the camera background with TRTC's virtual-background plugin: `blurLevel` 1..10, 0 turns
   * it off. Needs `assetsPath` (self-hosted plugin assets). The plugin is a paid TRTC feature: an
   * app without the package gets a CallKitError(FAILED) whose reason is TRTC's code. Turned off
   * when the call ends.
   */
  async setBlurBackground(blurLevel: number): Promise<void> {
    if (!Number.isInteger(blurLevel) || blurLevel < 0 || blurLevel > 10) throw invalidParameter('blurLevel must be an integer from 0 (off) to 10');
    this.#requireCall();
    if (blurLevel > 0 && !this.#options.assetsPath) {
      throw invalidParameter(
        'setBlurBackground needs the assetsPath option: serve node_modules/trtc-sdk-v5/assets from your site and pass its URL',
      );
    }
    await this.#mediaOp(async () => {
      const trtc = await this.#ensureTRTC();
      try {
        if (blurLevel === 0) {
          if (this.#blurLevel > 0) await trtc.stopPlugin('VirtualBackground');
        } else {
          if (!this.#blurPluginUsed) {
            const plugin = await (this.#options.loadVirtualBackground ?? loadVirtualBackgroundPlugin)();
            trtc.use({ plugin, assetsPath: this.#options.assetsPath });
            this.#blurPluginUsed = true;
          }
          if (this.#blurLevel > 0) {
            await trtc.updatePlugin('VirtualBackground', { type: 'blur', blurLevel });
          } else {
            await trtc.startPlugin('VirtualBackground', {
              sdkAppId: this.#sdkAppId,
              userId: this.#userId,
              userSig: this.#userSig,
              type: 'blur',
              blurLevel,
            });
          }
        }
      } catch (error) {
        if (error instanceof CallKitError) throw error;
        const e = errorEvent(error);
        throw new CallKitError(ErrorCode.FAILED, `virtual background: ${e.message}`, String(e.code));
      }
      this.#blurLevel = blurLevel;
    });
    this.#emitLocalStream();
  }

  // ---- chat signaling in ------------------------------------------------------------------------

  #bindChat(chat: ChatLike): void {
    const onSignal = (name: string, fn: (data: never) => void): void => {
      const handler: ChatHandler = (event: ChatEvent) => {
        if (event && typeof event.data === 'object' && event.data !== null) fn(event.data as never);
      };
      chat.addSignalingListener(name, handler);
      this.#offChat.push(() => chat.removeSignalingListener(name, handler));
    };
    const onEvent = (name: string, fn: (data: unknown) => void): void => {
      const handler: ChatHandler = (event: ChatEvent) => fn(event?.data);
      chat.on(name, handler);
      this.#offChat.push(() => chat.off(name, handler));
    };
    onSignal(TSignaling.NEW_INVITATION_RECEIVED, (d: InvitationReceived) => this.#onInvitation(d));
    onSignal(TSignaling.INVITEE_ACCEPTED, (d: InviteeAnswered) => this.#onAnswered(d, true));
    onSignal(TSignaling.INVITEE_REJECTED, (d: InviteeAnswered) => this.#onAnswered(d, false));
    onSignal(TSignaling.INVITATION_CANCELLED, (d: InvitationCancelled) => this.#onCancelled(d));
    onSignal(TSignaling.INVITATION_TIMEOUT, (d: InvitationTimeout) => this.#onTimeout(d));
    onEvent(ChatEventName.KICKED_OUT, (d) => this.#onKickedOut(d));
    onEvent(ChatEventName.NET_STATE_CHANGE, (d) => this.#onNetState(d));
    onEvent(ChatEventName.ERROR, (d) => {
      if (this.#loggedIn) this.#events.emit('onError', errorEvent(d));
    });
  }

  #unbindChat(): void {
    for (const off of this.#offChat) {
      try {
        off();
      } catch {
        // a half-destroyed SDK instance: nothing to unbind
      }
    }
    this.#offChat = [];
  }

  #onInvitation(inv: InvitationReceived): void {
    if (!this.#loggedIn || typeof inv.inviteID !== 'string' || inv.inviter === this.#userId) return;
    const payload = parseCallPayload(inv.data);
    if (!payload) return;
    switch (payload.kind) {
      case 'hangup':
        this.#onRemoteHangup(inv, payload);
        return;
      case 'switchToAudio':
        this.#onRemoteSwitchToAudio(inv, payload);
        return;
      case 'call':
        break;
      default:
        return;
    }
    const inviteeList = Array.isArray(inv.inviteeList) ? inv.inviteeList : [];
    if (!inviteeList.includes(this.#userId)) return;
    if (payload.room !== null && payload.mediaType !== CallMediaType.UNKNOWN) {
      // Joinable later (declined, missed, busy) with join({ callId }).
      this.#remember({
        callId: payload.initialCallId ?? inv.inviteID,
        room: payload.room,
        mediaType: payload.mediaType,
        groupID: typeof inv.groupID === 'string' ? inv.groupID : '',
        inviter: inv.inviter,
        userIDs: payload.userIDs.length ? payload.userIDs : inviteeList,
      });
    }
    const current = this.#call;
    if (current) {
      if (current.invites.has(inv.inviteID)) return;
      // Invited again into the call we are in (another member's inviteUser): say yes, we are here.
      if (sameRoom(current.room, payload.room) && current.phase === 'connected') {
        const chat = this.#chat;
        current.invites.add(inv.inviteID);
        if (chat) void this.#signal(() => chat.accept({ inviteID: inv.inviteID, data: inv.data }), 'accept failed').catch(noop);
        return;
      }
      void this.#rejectBusy(inv, payload);
      return;
    }
    const chat = this.#chat;
    if (payload.room === null || payload.mediaType === CallMediaType.UNKNOWN) {
      // A call we could never join: decline it so the caller is not left ringing.
      if (chat) void this.#signal(() => chat.reject({ inviteID: inv.inviteID, data: inv.data }), 'reject failed').catch(noop);
      return;
    }
    const others = [...new Set([...inviteeList, ...payload.userIDs])].filter((id) => id !== inv.inviter);
    const call: ActiveCall = {
      // Invited into a running call (inviteUser): the call keeps its first invitation's id.
      callId: payload.initialCallId ?? inv.inviteID,
      role: CallRole.CALLEE,
      phase: 'ringing',
      mediaType: payload.mediaType,
      room: payload.room,
      groupID: typeof inv.groupID === 'string' ? inv.groupID : '',
      inviter: inv.inviter,
      userIDs: payload.userIDs.length ? payload.userIDs : inviteeList,
      members: new Map(),
      outgoing: new Map(),
      invites: new Set([inv.inviteID]),
      incoming: inv,
      announced: true,
      deferred: [],
      beginAt: 0,
      inRoom: false,
    };
    if (payload.userData !== undefined) call.userData = payload.userData;
    call.members.set(inv.inviter, this.#newMember(inv.inviter, 'accepted'));
    // Invited into a running call: who else is in it shows in its room (v2 has no roster).
    if (payload.initialCallId) call.joined = true;
    for (const id of others) if (id !== this.#userId) call.members.set(id, this.#newMember(id, call.joined ? 'gone' : 'ringing'));
    this.#call = call;
    const event: CallEngineEvents['onCallReceived'] = {
      callId: call.callId,
      caller: { userId: inv.inviter },
      calleeIdList: others,
      members: [inv.inviter, ...others].map((userId) => ({ userId })),
      mediaType: call.mediaType,
    };
    if (call.groupID) event.groupID = call.groupID;
    if (call.userData !== undefined) event.userData = call.userData;
    this.#events.emit('onCallReceived', event);
    void this.#fetchProfiles(call, [inv.inviter, ...others.filter((id) => id !== this.#userId)]);
  }

  async #rejectBusy(inv: InvitationReceived, payload: ParsedCallPayload): Promise<void> {
    const chat = this.#chat;
    if (!chat) return;
    const data = encodeCallPayload({
      cmd: payload.cmd === 'videoCall' || payload.cmd === 'audioCall' ? payload.cmd : callCmd(payload.mediaType),
      mediaType: payload.mediaType,
      room: payload.room ?? 0,
      inviter: inv.inviter,
      userIDs: payload.userIDs.length ? payload.userIDs : inv.inviteeList,
      lineBusy: true,
    });
    await this.#signal(() => chat.reject({ inviteID: inv.inviteID, data }), 'busy reject failed').catch(noop);
  }

  #onAnswered(d: InviteeAnswered, accepted: boolean): void {
    const call = this.#call;
    if (!call || !call.invites.has(d.inviteID) || typeof d.invitee !== 'string') return;
    if (d.invitee === this.#userId) {
      // Our own account answered on another device while this one rings.
      if (call.phase === 'ringing') this.#finish(call, accepted ? 'answered-elsewhere' : 'rejected-elsewhere');
      return;
    }
    call.outgoing.get(d.inviteID)?.delete(d.invitee);
    const member = call.members.get(d.invitee);
    if (!member || member.state !== 'ringing') return;
    if (accepted) {
      this.#memberAccepted(call, member);
      return;
    }
    const busy = parseCallPayload(d.data)?.lineBusy ?? false;
    this.#memberOut(call, d.invitee, busy ? 'busy' : 'rejected');
  }

  #onCancelled(d: InvitationCancelled): void {
    // The caller took the invitation back: the call never ran (or is gone), there is nothing to join.
    if (typeof d.inviteID === 'string') this.#known.delete(parseCallPayload(d.data)?.initialCallId ?? d.inviteID);
    const call = this.#call;
    if (!call || call.incoming?.inviteID !== d.inviteID || call.role !== CallRole.CALLEE) return;
    // Also while our accept is on its way: the caller is gone either way.
    if (call.phase === 'ringing' || call.phase === 'connecting') this.#finish(call, 'cancelled');
  }

  #onTimeout(d: InvitationTimeout): void {
    const call = this.#call;
    if (!call || !call.invites.has(d.inviteID)) return;
    const list = Array.isArray(d.inviteeList) ? d.inviteeList : [];
    if (call.phase === 'ringing' && call.incoming?.inviteID === d.inviteID && (d.isSelfTimeout || list.includes(this.#userId))) {
      this.#finish(call, 'timeout');
      return;
    }
    for (const userId of list) {
      if (userId === this.#userId) continue;
      call.outgoing.get(d.inviteID)?.delete(userId);
      if (call.members.get(userId)?.state === 'ringing') this.#memberOut(call, userId, 'timeout');
    }
  }

  #onRemoteHangup(inv: InvitationReceived, payload: ParsedCallPayload): void {
    const call = this.#call;
    if (!call || (payload.room !== null && !sameRoom(call.room, payload.room))) return;
    const member = call.members.get(inv.inviter);
    if (!member || member.state === 'gone') return;
    if (call.phase === 'ringing' && inv.inviter === call.inviter) {
      this.#finish(call, 'cancelled');
      return;
    }
    this.#memberOut(call, inv.inviter, 'hangup');
  }

  #onRemoteSwitchToAudio(inv: InvitationReceived, payload: ParsedCallPayload): void {
    const call = this.#call;
    const chat = this.#chat;
    if (!call || !chat || (payload.room !== null && !sameRoom(call.room, payload.room)) || !call.members.has(inv.inviter)) return;
    // TUICallKit apps may wait for an answer to their switch request.
    const data = this.#payload(call, 'switchToAudio', { excludeFromHistory: true });
    void this.#signal(() => chat.accept({ inviteID: inv.inviteID, data }), 'switchToAudio answer failed').catch(noop);
    if (call.mediaType === CallMediaType.VIDEO) void this.#toAudio(call).catch((error: unknown) => this.#events.emit('onError', errorEvent(error)));
  }

  #onKickedOut(data: unknown): void {
    if (!this.#loggedIn) return;
    const type = String((data as { type?: unknown } | null)?.type ?? 'kicked');
    const call = this.#call;
    if (call) this.#finish(call, 'disconnected');
    this.#loggedIn = false;
    this.#unbindChat();
    this.#chat = null;
    this.#ownsLogin = false;
    void this.#teardownTRTC();
    this.#emitConnection('disconnected');
    if (type === ChatTypes.KICKED_OUT_USERSIG_EXPIRED) {
      this.#events.emit('onError', { code: CHAT_USERSIG_EXPIRED, message: 'the UserSig expired: log in again with a new one' });
    }
    this.#events.emit('onKickedOffline', { reason: type });
  }

  #onNetState(data: unknown): void {
    if (!this.#loggedIn) return;
    const state = (data as { state?: unknown } | null)?.state;
    if (state === ChatTypes.NET_STATE_CONNECTED) this.#emitConnection('connected');
    else if (state === ChatTypes.NET_STATE_CONNECTING) this.#emitConnection('reconnecting');
    else if (state === ChatTypes.NET_STATE_DISCONNECTED) this.#emitConnection('disconnected');
  }

  #emitConnection(state: ConnectionState): void {
    if (this.#connection === state) return;
    this.#connection = state;
    this.#events.emit('onConnectionStateChanged', { state });
  }

  // ---- call state -------------------------------------------------------------------------------

  #newMember(userId: string, state: MemberState): Member {
    return { userId, state, inRoom: false, audio: false, video: false, streamKey: '' };
  }

  #isInvited(call: ActiveCall, userId: string): boolean {
    for (const set of call.outgoing.values()) if (set.has(userId)) return true;
    return false;
  }

  /** Runs the member transitions held back until onCallStarted (a fast answer while inviting). */
  #replayDeferred(call: ActiveCall): void {
    const deferred = call.deferred;
    call.deferred = [];
    for (const fn of deferred) if (this.#call === call) fn();
  }

  /** A callee said yes (signaling) or showed up in the room. */
  #memberAccepted(call: ActiveCall, member: Member): void {
    if (member.state === 'accepted') return;
    if (!call.announced) {
      call.deferred.push(() => this.#memberAccepted(call, member));
      return;
    }
    member.state = 'accepted';
    for (const set of call.outgoing.values()) set.delete(member.userId);
    this.#events.emit('onUserAccept', { userId: member.userId });
    if (call.phase === 'dialing') this.#begin(call);
    else if (call.phase === 'connected' && member.inRoom) this.#announceMember(call, member);
  }

  /** The call is connected for us: onCallBegin, then everyone already in the room. */
  #begin(call: ActiveCall): void {
    if (call.phase === 'connected' || this.#call !== call) return;
    call.phase = 'connected';
    call.beginAt = Date.now();
    this.#emitLocalStream();
    this.#events.emit('onCallBegin', { callId: call.callId, mediaType: call.mediaType, role: call.role });
    let present = false;
    for (const member of call.members.values()) {
      if (member.inRoom) present = true;
      if (member.inRoom && member.state === 'accepted') this.#announceMember(call, member);
    }
    if (!present) {
      this.#presenceTimer = setTimeout(() => {
        this.#presenceTimer = null;
        if (this.#call !== call || [...call.members.values()].some((m) => m.inRoom)) return;
        this.#events.emit('onError', { code: ErrorCode.CONNECTION_FAILED, message: 'nobody joined the call room in time' });
        this.#finish(call, 'disconnected');
      }, this.#options.roomJoinTimeoutMs ?? 30_000);
    }
  }

  #clearPresenceTimer(): void {
    if (this.#presenceTimer) clearTimeout(this.#presenceTimer);
    this.#presenceTimer = null;
  }

  /** A member who is in the room: joined, their media state and stream. */
  #announceMember(call: ActiveCall, member: Member): void {
    this.#events.emit('onUserJoin', { userId: member.userId });
    if (member.audio) this.#events.emit('onUserAudioAvailable', { userId: member.userId, available: true });
    if (member.video) this.#events.emit('onUserVideoAvailable', { userId: member.userId, available: true });
    this.#refreshRemote(call, member);
  }

  /** A remote member is out (declined, busy, no answer, left); ends the call when nobody is left. */
  #memberOut(call: ActiveCall, userId: string, cause: EndCause): void {
    const member = call.members.get(userId);
    if (!member || member.state === 'gone' || this.#call !== call) return;
    if (!call.announced) {
      call.deferred.push(() => this.#memberOut(call, userId, cause));
      return;
    }
    const was = member.state;
    member.state = 'gone';
    for (const set of call.outgoing.values()) set.delete(userId);
    switch (cause) {
      case 'busy':
        this.#events.emit('onUserLineBusy', { userId });
        break;
      case 'rejected':
        this.#events.emit('onUserReject', { userId });
        break;
      case 'timeout':
      case 'unavailable':
        this.#events.emit('onUserNoResponse', { userId });
        break;
      default:
        if (was === 'accepted' && call.phase === 'connected') this.#events.emit('onUserLeave', { userId });
        break;
    }
    if (member.streamKey) {
      member.streamKey = '';
      this.#events.emit('onRemoteStream', { userId, stream: null });
    }
    this.#maybeEnd(call, cause);
  }

  /**
   * The caller's call lasts while someone is connected or still ringing for it; a callee's
   * while someone is connected (the ones ringing were invited by others).
   */
  #maybeEnd(call: ActiveCall, cause: EndCause): void {
    if (call.phase !== 'dialing' && call.phase !== 'connected') return;
    const left = [...call.members.values()];
    const accepted = left.filter((m) => m.state === 'accepted').length;
    const ringing = call.role === CallRole.CALLER ? left.filter((m) => m.state === 'ringing').length : 0;
    if (accepted + ringing === 0) this.#finish(call, cause);
  }

  /**
   * The one cleanup path: streams withdrawn (onRemoteStream / onLocalStream null), the room left
   * and capture stopped (queued), then onCallEnd when the call had been announced.
   */
  #finish(call: ActiveCall, cause: EndCause, options: { silent?: boolean } = {}): void {
    if (this.#call !== call) return;
    this.#call = null;
    this.#clearPresenceTimer();
    // A call that does not go on without us (1v1, cancelled, the last ones left) cannot be joined
    // any more: join() then answers call-not-found, as the default engine's server does.
    const others = [...call.members.values()];
    const accepted = others.filter((m) => m.state === 'accepted').length;
    const ringing = others.filter((m) => m.state === 'ringing').length;
    if (!(accepted >= 2 || (accepted >= 1 && ringing >= 1))) this.#known.delete(call.callId);
    const announce = call.announced && !options.silent;
    for (const member of call.members.values()) {
      if (member.streamKey && announce) this.#events.emit('onRemoteStream', { userId: member.userId, stream: null });
      member.streamKey = '';
    }
    void this.#mediaOp(async () => {
      if (call.inRoom && this.#trtc) {
        call.inRoom = false;
        await this.#trtc.stopRemoteVideo({ userId: '*' }).catch(noop);
        await this.#trtc.exitRoom().catch(noop);
      }
      await this.#stopLocal();
    });
    this.#localKey = '';
    if (announce) {
      this.#events.emit('onLocalStream', { stream: null });
      this.#events.emit('onCallEnd', {
        callId: call.callId,
        reason: END_REASON[cause],
        cause,
        totalTime: call.beginAt ? Math.max(0, Math.round((Date.now() - call.beginAt) / 1000)) : 0,
      });
    }
  }

  async #toAudio(call: ActiveCall): Promise<void> {
    if (call.mediaType !== CallMediaType.VIDEO) return;
    call.mediaType = CallMediaType.AUDIO;
    await this.#mediaOp(async () => {
      if (!this.#cameraOn || !this.#trtc) return;
      this.#cameraOn = false;
      await this.#trtc.stopLocalVideo().catch(noop);
    });
    if (this.#call !== call) return;
    this.#events.emit('onCallMediaTypeChanged', { mediaType: CallMediaType.AUDIO });
    this.#emitLocalStream();
  }

  async #sendSwitchToAudio(call: ActiveCall): Promise<void> {
    const chat = this.#chat;
    if (!chat || call.groupID) return;
    const data = this.#payload(call, 'switchToAudio', { excludeFromHistory: true });
    const peers = [...call.members.values()].filter((m) => m.state === 'accepted').map((m) => m.userId);
    await Promise.all(
      peers.map((userID) => this.#signal(() => chat.invite({ userID, data, timeout: 0 }), 'switchToAudio failed').catch(noop)),
    );
  }

  // ---- chat signaling out -----------------------------------------------------------------------

  #payload(call: ActiveCall, cmd: V2Cmd, extra: { callEnd?: number; excludeFromHistory?: boolean; inviter?: string; initialCallId?: string } = {}): string {
    return encodeCallPayload({
      initialCallId: extra.initialCallId,
      cmd,
      mediaType: call.mediaType,
      room: call.room,
      inviter: extra.inviter ?? call.inviter,
      userIDs: call.userIDs,
      callEnd: extra.callEnd,
      userData: call.userData,
      excludeFromHistory: extra.excludeFromHistory,
    });
  }

  #pushInfo(): { offlinePushInfo?: OfflinePushInfo } {
    return this.#options.offlinePushInfo ? { offlinePushInfo: this.#options.offlinePushInfo } : {};
  }

  /** Sends the invitations for `userIDList`; returns how many went out. */
  async #sendInvites(chat: ChatLike, call: ActiveCall, userIDList: string[], data: string, timeout: number): Promise<number> {
    const record = (res: ChatResponse, invitees: string[]): void => {
      const inviteID = res?.inviteID ?? (res?.data as { inviteID?: string } | undefined)?.inviteID;
      if (typeof inviteID !== 'string' || !inviteID) throw new CallKitError(ErrorCode.SERVER_ERROR, 'chat returned no inviteID');
      call.invites.add(inviteID);
      call.outgoing.set(inviteID, new Set(invitees));
      if (!call.callId) call.callId = inviteID;
    };
    if (call.groupID) {
      try {
        const res = await this.#signal(
          () => chat.inviteInGroup({ groupID: call.groupID, inviteeList: userIDList, data, timeout, ...this.#pushInfo() }),
          'inviteInGroup failed',
        );
        record(res, userIDList);
        return 1;
      } catch (error) {
        call.outgoingError = chatError(error, 'inviteInGroup failed');
        return 0;
      }
    }
    let sent = 0;
    for (const userID of userIDList) {
      try {
        const res = await this.#signal(() => chat.invite({ userID, data, timeout, ...this.#pushInfo() }), 'invite failed');
        record(res, [userID]);
        sent++;
      } catch (error) {
        call.outgoingError = chatError(error, `invite ${userID} failed`);
      }
    }
    return sent;
  }

  async #cancelInvites(call: ActiveCall): Promise<void> {
    const chat = this.#chat;
    if (!chat) return;
    const pending = [...call.outgoing].filter(([, invitees]) => invitees.size > 0).map(([inviteID]) => inviteID);
    call.outgoing.clear();
    await Promise.all(
      pending.map((inviteID) => {
        const data = this.#payload(call, callCmd(call.mediaType), inviteID === call.callId ? {} : { initialCallId: call.callId });
        return this.#signal(() => chat.cancel({ inviteID, data }), 'cancel failed').catch(noop);
      }),
    );
  }

  /** Runs a chat signaling call after the previous one settled (chat allows one at a time). */
  #signal<T>(op: () => Promise<T>, what: string): Promise<T> {
    const run = this.#sigQueue.then(op, op).then(
      (res) => {
        const code = (res as { code?: unknown } | null)?.code;
        if (typeof code === 'number' && code !== 0) throw chatError(res, what);
        return res;
      },
      (error: unknown) => {
        throw chatError(error, what);
      },
    );
    this.#sigQueue = run.catch(noop);
    return run;
  }

  async #fetchProfiles(call: ActiveCall, userIDList: string[]): Promise<void> {
    const chat = this.#chat;
    const ids = userIDList.filter((id) => id && id !== this.#userId);
    if (!chat || ids.length === 0) return;
    try {
      const res = (await chat.getUserProfile({ userIDList: ids })) as { data?: unknown } | null;
      if (this.#call !== call || !Array.isArray(res?.data)) return;
      for (const p of res.data as { userID?: unknown; nick?: unknown; avatar?: unknown }[]) {
        if (typeof p?.userID !== 'string') continue;
        const profile: UserProfile = { userId: p.userID };
        if (typeof p.nick === 'string' && p.nick) profile.name = p.nick;
        if (typeof p.avatar === 'string' && p.avatar) profile.avatar = p.avatar;
        if (profile.name || profile.avatar) this.#events.emit('onUserInfo', profile);
      }
    } catch {
      // Profiles are decoration: a failed lookup leaves the user ids.
    }
  }

  // ---- TRTC -------------------------------------------------------------------------------------

  async #loadTRTC(): Promise<TRTCModuleLike> {
    if (this.#TRTC) return this.#TRTC;
    try {
      this.#TRTC = await (this.#options.loadTRTC ?? loadTRTCModule)();
    } catch (error) {
      throw error instanceof CallKitError ? error : new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, `cannot load trtc-sdk-v5: ${String(error)}`);
    }
    return this.#TRTC;
  }

  #ensureTRTC(): Promise<TRTCLike> {
    if (this.#trtc) return Promise.resolve(this.#trtc);
    this.#trtcLoading ??= (async () => {
      const TRTC = await this.#loadTRTC();
      const options: { assetsPath?: string; enableAutoPlayDialog: boolean } = { enableAutoPlayDialog: false };
      if (this.#options.assetsPath) options.assetsPath = this.#options.assetsPath;
      const trtc = TRTC.create(options);
      this.#bindTRTC(trtc);
      trtc.enableAudioVolumeEvaluation(this.#options.volumeIntervalMs ?? 500);
      this.#trtc = trtc;
      return trtc;
    })().finally(() => {
      this.#trtcLoading = null;
    });
    return this.#trtcLoading;
  }

  async #teardownTRTC(): Promise<void> {
    await this.#mediaQueue.catch(noop);
    const trtc = this.#trtc;
    if (!trtc) return;
    this.#trtc = null;
    for (const off of this.#offTrtc) off();
    this.#offTrtc = [];
    await trtc.exitRoom().catch(noop);
    await trtc.stopLocalVideo().catch(noop);
    await trtc.stopLocalAudio().catch(noop);
    try {
      trtc.destroy();
    } catch {
      // already destroyed
    }
    this.#audioStarted = false;
    this.#cameraOn = false;
    this.#micMuted = false;
    this.#blurLevel = 0;
    this.#blurPluginUsed = false;
  }

  #bindTRTC(trtc: TRTCLike): void {
    const on = <K extends keyof TRTCEventPayloads>(event: K, fn: (payload: TRTCEventPayloads[K]) => void): void => {
      const handler = (payload: TRTCEventPayloads[K]): void => {
        if (this.#trtc === trtc) fn(payload);
      };
      trtc.on(event, handler);
      this.#offTrtc.push(() => trtc.off(event, handler));
    };
    on(TRTCEventName.REMOTE_USER_ENTER, ({ userId }) => this.#onRemoteEnter(userId));
    on(TRTCEventName.REMOTE_USER_EXIT, ({ userId }) => this.#onRemoteExit(userId));
    on(TRTCEventName.REMOTE_AUDIO_AVAILABLE, ({ userId }) => this.#onRemoteMedia(userId, 'audio', true));
    on(TRTCEventName.REMOTE_AUDIO_UNAVAILABLE, ({ userId }) => this.#onRemoteMedia(userId, 'audio', false));
    on(TRTCEventName.REMOTE_VIDEO_AVAILABLE, ({ userId, streamType }) => {
      if (streamType === 'main') this.#onRemoteMedia(userId, 'video', true);
    });
    on(TRTCEventName.REMOTE_VIDEO_UNAVAILABLE, ({ userId, streamType }) => {
      if (streamType === 'main') this.#onRemoteMedia(userId, 'video', false);
    });
    on(TRTCEventName.TRACK, ({ userId }) => {
      const call = this.#call;
      if (!call) return;
      if (!userId) {
        this.#emitLocalStream();
        return;
      }
      const member = call.members.get(userId);
      if (member) this.#refreshRemote(call, member);
    });
    on(TRTCEventName.AUDIO_VOLUME, ({ result }) => {
      const call = this.#call;
      if (!call || call.phase !== 'connected' || !Array.isArray(result)) return;
      const volumes: Record<string, number> = {};
      for (const r of result) volumes[r.userId || this.#userId] = clampVolume(r.volume);
      this.#events.emit('onUserVoiceVolumeChanged', { volumes });
    });
    on(TRTCEventName.NETWORK_QUALITY, (q) => {
      const call = this.#call;
      if (!call || call.phase !== 'connected') return;
      const qualities: Record<string, number> = { [this.#userId]: q.uplinkNetworkQuality };
      for (const m of call.members.values()) if (m.inRoom && m.state === 'accepted') qualities[m.userId] = q.downlinkNetworkQuality;
      this.#events.emit('onUserNetworkQualityChanged', { qualities });
    });
    on(TRTCEventName.DEVICE_CHANGED, () => {
      void this.getDeviceList().then(
        (devices) => this.#events.emit('onDeviceUpdated', { devices }),
        noop,
      );
    });
    on(TRTCEventName.KICKED_OUT, ({ reason }) => {
      const call = this.#call;
      if (call) call.inRoom = false;
      this.#events.emit('onError', { code: ErrorCode.FAILED, message: `removed from the TRTC room (${String(reason)})` });
      if (call) this.#finish(call, 'ended');
    });
    on(TRTCEventName.ERROR, (error) => {
      this.#events.emit('onError', errorEvent(error));
      const call = this.#call;
      if (call && call.inRoom) this.#finish(call, 'error');
    });
  }

  #roomMember(userId: string): { call: ActiveCall; member: Member } | null {
    const call = this.#call;
    if (!call || !call.inRoom || !userId || userId === this.#userId) return null;
    let member = call.members.get(userId);
    if (!member) {
      // Someone who joined the call without our invitation (joinInGroupCall, another member's invite).
      // Joining, they were there before us; otherwise they answer (onUserAccept) as they arrive.
      member = this.#newMember(userId, call.joined ? 'gone' : 'ringing');
      call.members.set(userId, member);
      void this.#fetchProfiles(call, [userId]);
    }
    return { call, member };
  }

  #onRemoteEnter(userId: string): void {
    const found = this.#roomMember(userId);
    if (!found) return;
    const { call, member } = found;
    if (member.inRoom) return;
    member.inRoom = true;
    this.#clearPresenceTimer();
    if (member.state === 'gone') member.state = call.joined ? 'accepted' : 'ringing';
    if (member.state === 'ringing') {
      this.#memberAccepted(call, member);
      return;
    }
    if (call.phase === 'dialing') this.#begin(call);
    else if (call.phase === 'connected') this.#announceMember(call, member);
  }

  #onRemoteExit(userId: string): void {
    const call = this.#call;
    const member = call?.members.get(userId);
    if (!call || !member || !member.inRoom) return;
    member.inRoom = false;
    member.audio = false;
    member.video = false;
    if (member.state === 'accepted') this.#memberOut(call, userId, 'hangup');
  }

  #onRemoteMedia(userId: string, kind: 'audio' | 'video', available: boolean): void {
    const found = this.#roomMember(userId);
    if (!found) return;
    const { call, member } = found;
    if (member[kind] === available) return;
    member[kind] = available;
    const trtc = this.#trtc;
    if (kind === 'audio' && available && trtc && !this.#options.sdkPlaysRemoteAudio) {
      try {
        trtc.setRemoteAudioVolume(userId, 0);
      } catch {
        // not subscribed yet: TRTC applies the volume when it subscribes
      }
    }
    const announce = (): void => {
      if (this.#call !== call || call.phase !== 'connected' || !member.inRoom || member.state !== 'accepted') return;
      this.#events.emit(kind === 'audio' ? 'onUserAudioAvailable' : 'onUserVideoAvailable', { userId, available });
      this.#refreshRemote(call, member);
    };
    if (kind === 'video' && trtc) {
      const op = available
        ? trtc.startRemoteVideo({ userId, streamType: 'main', view: null })
        : trtc.stopRemoteVideo({ userId, streamType: 'main' });
      void op.then(
        () => this.#refreshRemote(call, member),
        (error: unknown) => {
          if (this.#call === call) this.#events.emit('onError', errorEvent(error));
        },
      );
    }
    announce();
  }

  #refreshRemote(call: ActiveCall, member: Member): void {
    const trtc = this.#trtc;
    if (!trtc || this.#call !== call || call.phase !== 'connected' || member.state !== 'accepted' || !member.inRoom) return;
    const tracks: MediaStreamTrack[] = [];
    const audio = trtc.getAudioTrack({ userId: member.userId });
    const video = member.video ? trtc.getVideoTrack({ userId: member.userId, streamType: 'main' }) : null;
    if (audio) tracks.push(audio);
    if (video) tracks.push(video);
    const key = trackKey(tracks);
    if (key === member.streamKey) return;
    const stream = tracks.length ? this.#createStream(tracks) : null;
    if (tracks.length && !stream) return;
    member.streamKey = key;
    this.#events.emit('onRemoteStream', { userId: member.userId, stream });
  }

  #emitLocalStream(): void {
    const trtc = this.#trtc;
    const call = this.#call;
    // The caller shows its preview while dialing; a callee once connected.
    if (!trtc || !call || !call.announced || (call.phase !== 'dialing' && call.phase !== 'connected')) return;
    const tracks: MediaStreamTrack[] = [];
    const audio = this.#audioStarted ? trtc.getAudioTrack() : null;
    // With the background blurred, the preview shows what the others see.
    const video = this.#cameraOn ? ((this.#blurLevel > 0 ? trtc.getVideoTrack({ processed: true }) : null) ?? trtc.getVideoTrack()) : null;
    if (audio) tracks.push(audio);
    if (video) tracks.push(video);
    const key = trackKey(tracks);
    if (key === this.#localKey) return;
    const stream = tracks.length ? this.#createStream(tracks) : null;
    if (tracks.length && !stream) return;
    this.#localKey = key;
    this.#events.emit('onLocalStream', { stream });
  }

  async #enterRoom(call: ActiveCall): Promise<void> {
    const trtc = await this.#ensureTRTC();
    const room = call.room;
    const params: Parameters<TRTCLike['enterRoom']>[0] = {
      sdkAppId: this.#sdkAppId,
      userId: this.#userId,
      userSig: this.#userSig,
      autoReceiveAudio: true,
      enableAutoPlayDialog: false,
    };
    if (typeof room === 'number') params.roomId = room;
    else params.strRoomId = room;
    call.inRoom = true;
    try {
      await trtc.enterRoom(params);
    } catch (error) {
      call.inRoom = false;
      throw roomError(error, 'cannot enter the TRTC room');
    }
  }

  #videoConfig(): Parameters<TRTCLike['startLocalVideo']>[0] {
    const option: { profile: VideoResolution; cameraId?: string } = { profile: this.#resolution };
    if (this.#cameraId) option.cameraId = this.#cameraId;
    return { view: null, publish: true, option };
  }

  #audioConfig(): Parameters<TRTCLike['startLocalAudio']>[0] {
    return this.#microphoneId ? { publish: true, option: { microphoneId: this.#microphoneId } } : { publish: true };
  }

  /** Microphone, then camera for a video call; a camera failure releases the microphone again. */
  async #startLocal(mediaType: CallMediaType): Promise<void> {
    const trtc = await this.#ensureTRTC();
    if (!this.#audioStarted) {
      try {
        await trtc.startLocalAudio(this.#audioConfig());
      } catch (error) {
        throw deviceError(error, 'microphone');
      }
      this.#audioStarted = true;
      this.#micMuted = false;
    }
    if (mediaType === CallMediaType.VIDEO && !this.#cameraOn) {
      try {
        await trtc.startLocalVideo(this.#videoConfig());
      } catch (error) {
        await this.#stopLocal();
        throw deviceError(error, 'camera');
      }
      this.#cameraOn = true;
    }
  }

  async #stopLocal(): Promise<void> {
    const trtc = this.#trtc;
    if (!trtc) return;
    if (this.#blurLevel > 0) {
      this.#blurLevel = 0;
      await trtc.stopPlugin('VirtualBackground').catch(noop);
    }
    if (this.#cameraOn) {
      this.#cameraOn = false;
      await trtc.stopLocalVideo().catch(noop);
    }
    if (this.#audioStarted) {
      this.#audioStarted = false;
      this.#micMuted = false;
      await trtc.stopLocalAudio().catch(noop);
    }
  }

  #mediaOp<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#mediaQueue.then(op, op);
    this.#mediaQueue = run.catch(noop);
    return run;
  }

  // ---- guards -----------------------------------------------------------------------------------

  #validateCallees(list: unknown, present: string[]): string[] {
    if (!Array.isArray(list) || list.length === 0) throw invalidParameter('userIDList must be a non-empty array of user ids');
    const ids: string[] = [];
    for (const id of list) {
      if (typeof id !== 'string' || !id) throw invalidParameter('userIDList must contain non-empty strings');
      if (id === this.#userId) throw new CallKitError(ErrorCode.SELF_CALL, 'you cannot call yourself');
      if (!ids.includes(id) && !present.includes(id)) ids.push(id);
    }
    if (ids.length === 0) throw invalidParameter('every user in userIDList is already in the call');
    if (ids.length > MAX_CALLEES) throw new CallKitError(ErrorCode.CALLEE_COUNT, `at most ${MAX_CALLEES} users can be called at once`);
    return ids;
  }

  #requireChat(): ChatLike {
    this.#assertAlive();
    if (!this.#chat || !this.#loggedIn) throw new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call login() first');
    return this.#chat;
  }

  #requireCall(): ActiveCall {
    const call = this.#call;
    if (!call) throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no call');
    return call;
  }

  #assertCurrent(call: ActiveCall): void {
    if (this.#call !== call) throw new CallKitError(ErrorCode.INVALID_STATE, 'the call has ended');
  }

  #assertAlive(): void {
    if (this.#destroyed) throw new CallKitError(ErrorCode.INVALID_STATE, 'the engine was destroyed');
  }

  /** Resolves on chat's SDK_READY (at once if ready), rejects after `readyTimeoutMs`. */
  #waitReady(chat: ChatLike): { promise: Promise<void>; cancel: () => void } {
    let cancel = noop;
    const promise = new Promise<void>((resolve, reject) => {
      if (chat.isReady()) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        chat.off(ChatEventName.SDK_READY, handler);
      };
      const handler: ChatHandler = () => {
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new CallKitError(ErrorCode.CONNECTION_FAILED, 'chat did not become ready after login', 'timeout'));
      }, this.#options.readyTimeoutMs ?? 15_000);
      chat.on(ChatEventName.SDK_READY, handler);
      cancel = done;
    });
    promise.catch(noop);
    return { promise, cancel };
  }
}
