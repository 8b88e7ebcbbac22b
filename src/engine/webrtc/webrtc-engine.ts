/**
 * The default engine: browser WebRTC (one RTCPeerConnection per remote member, a mesh) driven by
 * our own signaling server (`callkit-server`, protocol in `src/protocol/messages.ts`).
 *
 * Lifecycle of a call, as seen from this engine:
 * - caller: `calls()` captures media (mic, + camera for video), sends `invite`, emits
 *   `onLocalStream` and `onCallStarted`. The first `member-state accepted` emits `onUserAccept`,
 *   `onUserJoin` and `onCallBegin` (role caller); every accepted member gets a peer connection.
 * - callee: `incoming` emits `onCallReceived` (nothing is captured while ringing). `accept()`
 *   captures media, sends `accept`; the `call-started` answer emits `onLocalStream`, `onCallBegin`
 *   (role callee) and `onUserJoin` for the members already in, and creates their peers.
 * - Both sides add their tracks; perfect negotiation (see `peer.ts`) resolves crossing offers.
 * - `call-ended`, `hangup()` and `reject()` all end in one cleanup: every peer closed
 *   (`onRemoteStream null` each), every local track stopped (`onLocalStream null`), the stats timer
 *   cleared, the AudioContext closed, then `onCallEnd`.
 *
 * Choices (documented for the kit):
 * - One current call (`#call`) plus pending invitations (`#pending`, protocol "Several incoming
 *   calls"; the login always sets `multiIncoming`, and `callWaiting` when enabled). While the
 *   current call only rings, up to 3 invitations ring in all; while dialing or in a call, one
 *   ("waiting") if call waiting is on. Each extra one is `onCallReceived {concurrent: true}` and is
 *   answered by its callId (`accept({callId})` makes it current; `reject({callId})`); if it ends
 *   first, `onIncomingWithdrawn`. When the current call ends, the oldest pending one becomes current
 *   (no new event: the kit does the same with its list). Any other `incoming` while in a call is
 *   answered `reject {reason: busy}`, except while we are dialing one of the people calling us (a
 *   glare in progress): that invitation is held and delivered as `onCallReceived` if the server
 *   ends our own call (reason `glare`).
 * - `accept()` that fails to capture media throws the mapped CallKitError and leaves the call
 *   ringing, so the user can retry or reject. A failed `invite` stops the media it captured.
 * - `hangup()` while dialing sends `cancel` (and `hangup` if the cancel is refused because someone
 *   accepted in the meantime), while ringing sends `reject`, when connected sends `hangup`. The local
 *   cleanup and `onCallEnd` do not wait for the server's answer.
 * - A lost signaling socket does not end a connected call: the peer connections are untouched
 *   (media keeps flowing), the connection state becomes `reconnecting`, and the engine logs in again
 *   on a new socket with backoff and jitter ({@link reconnectDelayMs}: about 0, 0.3, 1.2, 2.7, 4.8,
 *   then every 7 s), then sends `resume {callId}`: `resumed` -> the same call goes on with the same
 *   peers; `call-not-found` (the call ended meanwhile, or the server restarted and lost it) -> the
 *   call ends with cause `disconnected`. A call still dialing or ringing ends at once (cause
 *   `disconnected`; a ringing invitation is re-sent by the server on the new login). After
 *   `reconnectGiveUpMs` (default 60 s) without success the state becomes `failed`, the call ends
 *   (cause `disconnected`) and `onError` CONNECTION_FAILED is emitted; {@link WebRTCEngine.reconnect}
 *   tries again. A socket closed for a refused login (4401) or a kick (4409) is not reconnected.
 *   `hangup()` while reconnecting ends the call locally at once and sends `hangup` after the
 *   reconnect; after the resume, an offer left unanswered during the outage is sent again and a
 *   broken ICE restarted (`Peer.resync`).
 * - ICE: see `peer.ts` (restart on failed / long disconnected). Two ICE failures before a peer ever
 *   connected end the call with cause `network` ("network not supported"), after a `hangup`.
 * - Microphone off = the track is disabled (silence), camera off = the track is stopped; both are
 *   announced to the others with `media-state`.
 * - Group calls: the mesh grows by the joiner offering to every accepted member (callee accept and
 *   `join()` alike); the others wait for its offer. `inviteUser()` sends `invite-user`; invitees
 *   arrive as `member-state ringing` -> `onUserInvited`. `join()` captures media, sends `join` and
 *   applies the `call-started` answer like an accept (relays arriving meanwhile are held and
 *   replayed). Every outgoing video is capped by the number of accepted members (`video-caps.ts`),
 *   re-applied on every member change.
 * - `switchCallMediaType(AUDIO)` makes the whole call an audio call: it stops our camera and sends
 *   `media-state {video: false, mediaType: 'audio'}`; every other member then drops its camera and
 *   emits `onCallMediaTypeChanged` too. Accepting a 1v1 video call audio-only does the same (as
 *   TUICallKit's `switchToAudio`); joining a group call audio-only changes only our own media.
 */
import { CallEndReason, CallMediaType, CallRole, type DeviceKind, type VideoResolution } from '../../constants.js';
import { CallKitError, ErrorCode, invalidParameter } from '../../errors.js';
import {
  MAX_CONCURRENT_INCOMING,
  MAX_INVITEES,
  MAX_RING_TIMEOUT_S,
  MIN_RING_TIMEOUT_S,
  type EndReason,
  type Member,
  type RelayData,
  type ServerMessage,
} from '../../protocol/messages.js';
import { Emitter, type Listener } from '../emitter.js';
import type {
  CallEngine,
  CallEngineEvents,
  ConnectionState,
  DeviceInfo,
  EndCause,
  EngineCallParams,
  EngineLoginParams,
  GroupCallInfo,
  MemberStatus,
  UserProfile,
} from '../types.js';
import { LocalMedia, VolumeMeter, listDevices } from './media.js';
import { capVideo, videoLimitFor } from './video-caps.js';
import { Peer } from './peer.js';
import { SignalingClient, type ClientRequest, type SocketConstructor } from './signaling-client.js';

export interface WebRTCEngineOptions {
  /** ICE servers for every peer connection (default none: host candidates only). */
  iceServers?: RTCIceServer[];
  /** Deadline for each signaling request and for connect + login (default 10 s). */
  requestTimeoutMs?: number;
  /** Period of the volume / network-quality sampling while connected (default 500 ms). */
  statsIntervalMs?: number;
  /** WebSocket implementation (default `globalThis.WebSocket`), e.g. `ws` in Node. */
  WebSocket?: SocketConstructor;
  /** Give up reconnecting a lost signaling socket after this long (default 60 000 ms). */
  reconnectGiveUpMs?: number;
  /** Multiplies the reconnect backoff delays (default 1; tests use less). */
  reconnectDelayScale?: number;
  /** ICE `disconnected` for longer than this triggers an ICE restart (default 2500 ms). */
  iceDisconnectedTimeoutMs?: number;
  /**
   * A member whose announced audio has not arrived for this long is reported reconnecting
   * (`onUserReconnecting`; default 2000 ms; checked every `statsIntervalMs`).
   */
  mediaStallMs?: number;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): 0, then 300·n² ms capped at 7 s (0.3, 1.2,
 * 2.7, 4.8, 7, 7, ...), each ±20 % of jitter so that many clients dropped at once spread out.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  if (attempt <= 0) return 0;
  const base = Math.min(7000, 300 * attempt * attempt);
  return Math.round(base * (0.8 + 0.4 * random()));
}

const DEFAULT_RECONNECT_GIVE_UP_MS = 60_000;

/** Counts of live resources, for leak checks in tests. */
export interface WebRTCEngineDebugState {
  connection: ConnectionState;
  /** 'dialing' | 'ringing' | 'connected', or null when idle. */
  call: CallPhase | null;
  /** RTCPeerConnections created by this engine and not closed. */
  peers: number;
  /** Local capture tracks still live. */
  localTracks: number;
  /** Live timers: the stats interval + signaling request/login deadlines. */
  timers: number;
  /** AudioContexts not closed yet (closing is asynchronous). */
  audioContexts: number;
  /** Signaling requests waiting for an answer. */
  pendingRequests: number;
  /** Listeners registered on the engine's events. */
  listeners: number;
  /** Invitations held while we dial their caller (glare in progress): 0 or 1. */
  heldInvitations: number;
  /** Reconnect attempts made since the socket was lost (0 when connected). */
  reconnectAttempts: number;
  /** ICE restarts issued on the current call's peer connections. */
  iceRestarts: number;
}

interface Reconnect {
  attempt: number;
  startedAt: number;
  timer: ReturnType<typeof setTimeout> | null;
}

type CallPhase = 'dialing' | 'ringing' | 'connected';

interface MemberInfo {
  profile: UserProfile;
  state: MemberStatus;
  audio?: boolean;
  video?: boolean;
}

interface ActiveCall {
  /** '' until the server answered the invite. */
  callId: string;
  role: typeof CallRole.CALLER | typeof CallRole.CALLEE;
  phase: CallPhase;
  /** The call's media type as invited. */
  callMediaType: CallMediaType;
  /** Our side's media type (audio when a video call was accepted audio-only or switched). */
  mediaType: CallMediaType;
  /** Other members (never us). */
  members: Map<string, MemberInfo>;
  peers: Map<string, Peer>;
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
  earlyRelays: Extract<ServerMessage, { type: 'relay' }>[] | null;
}

type Incoming = Extract<ServerMessage, { type: 'incoming' }>;

const DEFAULT_STATS_INTERVAL_MS = 500;

const SERVER_END_REASON: Record<EndReason, CallEndReason> = {
  hangup: CallEndReason.HANGUP,
  rejected: CallEndReason.REJECT,
  timeout: CallEndReason.NO_RESPONSE,
  unavailable: CallEndReason.OFFLINE,
  busy: CallEndReason.LINE_BUSY,
  cancelled: CallEndReason.CANCELED,
  'answered-elsewhere': CallEndReason.OTHER_DEVICE_ACCEPTED,
  'rejected-elsewhere': CallEndReason.OTHER_DEVICE_REJECT,
  glare: CallEndReason.END_BY_SERVER,
  disconnected: CallEndReason.END_BY_SERVER,
  ended: CallEndReason.END_BY_SERVER,
};

const toWireMedia = (t: CallMediaType): 'audio' | 'video' => (t === CallMediaType.VIDEO ? 'video' : 'audio');
const fromWireMedia = (t: 'audio' | 'video'): CallMediaType => (t === 'video' ? CallMediaType.VIDEO : CallMediaType.AUDIO);

function profileOf(m: { userId: string; name?: string; avatar?: string }): UserProfile {
  const p: UserProfile = { userId: m.userId };
  if (m.name !== undefined) p.name = m.name;
  if (m.avatar !== undefined) p.avatar = m.avatar;
  return p;
}

function sameRecord(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

const noop = (): void => undefined;

export class WebRTCEngine implements CallEngine {
  readonly name = 'webrtc';
  readonly #events = new Emitter<CallEngineEvents>();
  readonly #iceServers: RTCIceServer[];
  readonly #requestTimeoutMs: number | undefined;
  readonly #statsIntervalMs: number;
  readonly #WebSocket: SocketConstructor | undefined;
  readonly #media = new LocalMedia();
  readonly #meter = new VolumeMeter();
  /** Every RTCPeerConnection created, until seen closed (leak checks). */
  readonly #pcs = new Set<RTCPeerConnection>();

  #client: SignalingClient | null = null;
  #clientOffs: (() => void)[] = [];
  #userId = '';
  #profile: { name?: string; avatar?: string } = {};
  #call: ActiveCall | null = null;
  #held: { message: Incoming; expiresAt: number } | null = null;
  /** Invitations ringing besides the current call, oldest first (see the header). */
  #pending = new Map<string, Incoming>();
  /** Arrival order of invitations (pending ones stay oldest first, as the kit's list). */
  #arrival = new WeakMap<Incoming, number>();
  #arrivals = 0;
  #callWaiting = false;
  #statsTimer: ReturnType<typeof setInterval> | null = null;
  #statsBusy = false;
  #lastVolumes: Record<string, number> = {};
  #lastQualities: Record<string, number> = {};
  #mediaQueue: Promise<unknown> = Promise.resolve();
  #deviceListener: (() => void) | null = null;
  /** Removes the permission `change` listeners of `#watchDevices`. */
  #permissionWatches: (() => void)[] = [];
  #destroyed = false;
  /** The session, kept to log in again after a lost socket. */
  #session: { url: string; sdkAppId: number; userSig: string } | null = null;
  #reconnect: Reconnect | null = null;
  /** Calls hung up while the socket was down: `hangup` is sent after the reconnect. */
  #pendingHangups: string[] = [];
  #lastReconnectAttempts = 0;
  readonly #reconnectGiveUpMs: number;
  readonly #reconnectDelayScale: number;
  readonly #iceDisconnectedTimeoutMs: number | undefined;
  readonly #mediaStallMs: number | undefined;

  constructor(options: WebRTCEngineOptions = {}) {
    this.#iceServers = options.iceServers ?? [];
    this.#requestTimeoutMs = options.requestTimeoutMs;
    this.#statsIntervalMs = options.statsIntervalMs ?? DEFAULT_STATS_INTERVAL_MS;
    this.#WebSocket = options.WebSocket;
    this.#reconnectGiveUpMs = options.reconnectGiveUpMs ?? DEFAULT_RECONNECT_GIVE_UP_MS;
    this.#reconnectDelayScale = options.reconnectDelayScale ?? 1;
    this.#iceDisconnectedTimeoutMs = options.iceDisconnectedTimeoutMs;
    this.#mediaStallMs = options.mediaStallMs;
  }

  on<K extends keyof CallEngineEvents>(event: K, listener: Listener<CallEngineEvents[K]>): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof CallEngineEvents>(event: K, listener: Listener<CallEngineEvents[K]>): void {
    this.#events.off(event, listener);
  }

  // ---- session ---------------------------------------------------------------------------------

  /**
   * Connects to `params.server` (required: INVALID_PARAMETER without it) and logs in. Rejects with
   * CONNECTION_FAILED (reason = the server's code, e.g. `auth-failed`, or `timeout`/`closed`).
   * Logging in again first logs out (ending any call).
   */
  async login(params: EngineLoginParams): Promise<void> {
    this.#assertAlive();
    if (!params || typeof params.server !== 'string' || !params.server) {
      throw invalidParameter('server (the signaling WebSocket URL) is required by the WebRTC engine');
    }
    if (!Number.isInteger(params.SDKAppID) || params.SDKAppID <= 0) throw invalidParameter('SDKAppID must be a positive integer');
    if (typeof params.userID !== 'string' || !params.userID) throw invalidParameter('userID is required');
    if (typeof params.userSig !== 'string' || !params.userSig) throw invalidParameter('userSig is required');
    if (this.#client) await this.logout();

    const client = this.#bindClient(params.server);
    const profile = { ...this.#profile, ...params.profile };
    if (params.callWaiting !== undefined) this.#callWaiting = params.callWaiting === true;
    const login: ClientRequest = {
      type: 'login',
      sdkAppId: params.SDKAppID,
      userId: params.userID,
      userSig: params.userSig,
      multiIncoming: true,
      callWaiting: this.#callWaiting,
    };
    if (profile.name !== undefined) login.name = profile.name;
    if (profile.avatar !== undefined) login.avatar = profile.avatar;
    // Known before login-ok is processed: the server may push `incoming` right behind it.
    this.#userId = params.userID;
    try {
      await client.connect(login);
    } catch (error) {
      if (this.#client === client) {
        this.#dropClient();
        this.#userId = '';
      }
      throw error;
    }
    if (this.#client !== client) throw new CallKitError(ErrorCode.CONNECTION_FAILED, 'logged out while logging in', 'closed');
    this.#profile = profile;
    this.#session = { url: params.server, sdkAppId: params.SDKAppID, userSig: params.userSig };
    this.#watchDevices();
  }

  /** Hangs up any call, closes the socket and clears every timer. The engine can log in again. */
  async logout(): Promise<void> {
    this.#session = null;
    this.#stopReconnect();
    this.#lastReconnectAttempts = 0;
    this.#pendingHangups = [];
    this.#dropPending('disconnected');
    await this.hangup();
    this.#held = null;
    this.#stopStats();
    this.#media.release();
    await this.#meter.close();
    this.#unwatchDevices();
    this.#dropClient();
    this.#userId = '';
  }

  /** Logout + removes every listener; the engine is unusable afterwards. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    await this.logout();
    this.#destroyed = true;
    this.#events.removeAllListeners();
  }

  /** Call waiting on/off (see the header); sent to the server at once when logged in. */
  async setCallWaiting(enable: boolean): Promise<void> {
    this.#assertAlive();
    this.#callWaiting = enable === true;
    const client = this.#client;
    if (client && client.state === 'connected') await client.request({ type: 'profile', callWaiting: this.#callWaiting });
  }

  /** Changes our name/avatar (sent to the server when logged in). */
  async setSelfInfo(profile: { name?: string; avatar?: string }): Promise<void> {
    this.#assertAlive();
    const next = { ...this.#profile };
    if (profile.name !== undefined) next.name = profile.name;
    if (profile.avatar !== undefined) next.avatar = profile.avatar;
    const client = this.#client;
    if (client && client.state === 'connected') {
      const message: ClientRequest = { type: 'profile' };
      if (next.name !== undefined) message.name = next.name;
      if (next.avatar !== undefined) message.avatar = next.avatar;
      await client.request(message);
    }
    this.#profile = next;
  }

  // ---- calls -----------------------------------------------------------------------------------

  /**
   * Starts an outgoing call. Throws SDK_NOT_INITIALIZED (not logged in), CONNECTION_FAILED (socket
   * lost), ALREADY_IN_CALL, INVALID_PARAMETER / CALLEE_COUNT / SELF_CALL, a media error (nothing is
   * sent then), or SERVER_ERROR (the media captured is stopped). `timeout` is clamped to 10-600 s.
   */
  async calls(params: EngineCallParams): Promise<{ callId: string }> {
    this.#assertAlive();
    const client = this.#requireClient();
    if (this.#call) throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'a call is already in progress');
    const to = params?.userIDList;
    if (!Array.isArray(to) || to.some((id) => typeof id !== 'string' || !id)) {
      throw invalidParameter('userIDList must be a list of user ids');
    }
    const unique = [...new Set(to)];
    if (unique.length < 1 || unique.length > MAX_INVITEES) {
      throw new CallKitError(ErrorCode.CALLEE_COUNT, `call 1 to ${MAX_INVITEES} users`);
    }
    if (unique.includes(this.#userId)) throw new CallKitError(ErrorCode.SELF_CALL, 'you cannot call yourself');
    if (params.mediaType !== CallMediaType.AUDIO && params.mediaType !== CallMediaType.VIDEO) {
      throw invalidParameter('mediaType must be CallMediaType.AUDIO (1) or VIDEO (2)');
    }

    const call = this.#newCall(CallRole.CALLER, 'dialing', params.mediaType);
    call.invitees = unique;
    this.#call = call;
    try {
      await this.#mediaOp(() => this.#media.acquire({ audio: true, video: params.mediaType === CallMediaType.VIDEO }));
    } catch (error) {
      if (this.#call === call) {
        this.#call = null;
        this.#media.release();
      }
      throw error;
    }
    if (this.#call !== call) throw new CallKitError(ErrorCode.INVALID_STATE, 'the call was cancelled before it was placed');

    const invite: ClientRequest = { type: 'invite', to: unique, mediaType: toWireMedia(params.mediaType) };
    if (params.timeout) invite.timeout = Math.min(MAX_RING_TIMEOUT_S, Math.max(MIN_RING_TIMEOUT_S, Math.round(params.timeout)));
    if (params.userData !== undefined) invite.userData = params.userData;
    if (params.groupID) invite.groupId = params.groupID;
    let answer: ServerMessage;
    try {
      answer = await client.request(invite);
      if (answer.type !== 'invite-ok') throw new CallKitError(ErrorCode.SERVER_ERROR, `unexpected answer ${answer.type}`, 'invalid-message');
    } catch (error) {
      if (this.#call === call) {
        this.#call = null;
        this.#media.release();
        this.#deliverHeld();
      }
      throw error;
    }
    if (this.#call !== call) {
      // hangup() while the invite was on its way: take it back.
      void client.request({ type: 'cancel', callId: answer.callId }).catch(noop);
      throw new CallKitError(ErrorCode.INVALID_STATE, 'the call was cancelled before it was placed');
    }
    call.callId = answer.callId;
    call.announced = true;
    this.#emitLocalStream();
    this.#events.emit('onCallStarted', {
      callId: call.callId,
      mediaType: call.callMediaType,
      members: answer.members.map(profileOf),
    });
    for (const member of answer.members) {
      // The callees just announced in onCallStarted ring already: onUserInvited is for users added
      // to a running call (as with the Tencent engine, which cannot know who rings).
      if (member.state === 'ringing' && member.userId !== this.#userId) call.members.set(member.userId, { profile: profileOf(member), state: 'ringing' });
      this.#applyMember(call, member);
    }
    return { callId: call.callId };
  }

  /**
   * Accepts the ringing call. `options.mediaType` AUDIO on a video call accepts it audio-only
   * (no camera; the call is audio for this side). A capture failure throws the mapped CallKitError
   * and leaves the call ringing (retry or reject). Resolves once the server confirmed
   * (`call-started`).
   */
  async accept(options?: { mediaType?: CallMediaType; callId?: string }): Promise<void> {
    this.#assertAlive();
    const client = this.#requireClient();
    this.#makeCurrent(options?.callId);
    const call = this.#call;
    if (!call || call.role !== CallRole.CALLEE || call.phase !== 'ringing') {
      throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no ringing call to accept');
    }
    if (call.accepting) throw new CallKitError(ErrorCode.INVALID_STATE, 'the call is already being accepted');
    call.accepting = true;
    const audioOnly = call.callMediaType === CallMediaType.AUDIO || options?.mediaType === CallMediaType.AUDIO;
    try {
      await this.#mediaOp(() => this.#media.acquire({ audio: true, video: !audioOnly }));
    } catch (error) {
      if (this.#call === call) {
        call.accepting = false;
        this.#media.release();
      }
      throw error;
    }
    if (this.#call !== call) throw new CallKitError(ErrorCode.INVALID_STATE, 'the call ended before it was accepted');
    call.acceptAudioOnly = audioOnly;
    call.acceptSent = true;
    const callId = call.callId;
    try {
      await client.request(
        { type: 'accept', callId },
        { match: (m) => m.type === 'call-started' && m.callId === callId },
      );
    } catch (error) {
      if (this.#call === call && call.phase === 'ringing') {
        call.accepting = false;
        call.acceptSent = false;
        this.#media.release();
        const reason = (error as CallKitError).reason;
        if (reason === 'call-not-found' || reason === 'already-answered') this.#finishCall(call, 'ended', CallEndReason.END_BY_SERVER);
      }
      throw error;
    }
  }

  /**
   * Rejects a ringing call: the current one (ends it for us: onCallEnd cause `rejected`), or the
   * pending invitation `callId` (onIncomingWithdrawn cause `rejected`).
   */
  async reject(options?: { callId?: string }): Promise<void> {
    this.#assertAlive();
    const callId = options?.callId;
    const pending = callId === undefined ? undefined : this.#pending.get(callId);
    if (pending) {
      this.#pending.delete(pending.callId);
      const sent = this.#client?.request({ type: 'reject', callId: pending.callId, reason: 'declined' });
      this.#events.emit('onIncomingWithdrawn', { callId: pending.callId, cause: 'rejected' });
      await sent?.catch(noop);
      return;
    }
    if (callId !== undefined && callId !== this.#call?.callId) throw new CallKitError(ErrorCode.INVALID_STATE, `no ringing call ${callId}`);
    const call = this.#call;
    if (!call || call.role !== CallRole.CALLEE || call.phase !== 'ringing') {
      throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no ringing call to reject');
    }
    await this.hangup();
  }

  /**
   * Ends our part of the call: dialing -> `cancel` (cause `cancelled`), ringing -> `reject` (cause
   * `rejected`), connected -> `hangup` (cause `hangup`). Cleans up and emits onCallEnd at once;
   * the server's answer is awaited but its failure ignored. No-op when idle.
   */
  async hangup(): Promise<void> {
    const call = this.#call;
    if (!call) return;
    const client = this.#client;
    let request: ClientRequest | null = null;
    let cause: EndCause;
    let reason: CallEndReason;
    if (call.phase === 'connected' || call.acceptSent) {
      cause = 'hangup';
      reason = CallEndReason.HANGUP;
      if (call.callId) request = { type: 'hangup', callId: call.callId };
    } else if (call.role === CallRole.CALLER) {
      cause = 'cancelled';
      reason = CallEndReason.CANCELED;
      if (call.callId) request = { type: 'cancel', callId: call.callId };
    } else {
      cause = 'rejected';
      reason = CallEndReason.REJECT;
      request = { type: 'reject', callId: call.callId, reason: 'declined' };
    }
    if (request?.type === 'hangup' && this.#reconnect) {
      // The socket is down: say it once we are back, while the server still holds our place.
      this.#pendingHangups.push(request.callId);
      request = null;
    }
    const sent = request && client ? client.request(request) : null;
    this.#finishCall(call, cause, reason);
    if (!sent || !client) return;
    try {
      await sent;
    } catch (error) {
      // Someone accepted while we cancelled: leave the call properly.
      if (request?.type === 'cancel' && (error as CallKitError).code === ErrorCode.SERVER_ERROR) {
        await client.request({ type: 'hangup', callId: request.callId }).catch(noop);
      }
    }
  }

  // ---- group calls -----------------------------------------------------------------------------

  /**
   * Rings more users into the current call (protocol `invite-user`); a 1v1 call becomes a group
   * call. Allowed while connected, or while dialing as the caller. Their states arrive as
   * `onUserInvited`, then `onUserAccept` / `onUserReject` / ... like any invitee's.
   */
  async inviteUser(params: { userIDList: string[] }): Promise<void> {
    this.#assertAlive();
    const client = this.#requireClient();
    const call = this.#call;
    if (!call || !call.callId || !(call.phase === 'connected' || (call.phase === 'dialing' && call.role === CallRole.CALLER))) {
      throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no call to invite users into');
    }
    const to = params?.userIDList;
    if (!Array.isArray(to) || to.some((id) => typeof id !== 'string' || !id)) throw invalidParameter('userIDList must be a list of user ids');
    const unique = [...new Set(to)];
    if (unique.length < 1 || unique.length > MAX_INVITEES) throw new CallKitError(ErrorCode.CALLEE_COUNT, `invite 1 to ${MAX_INVITEES} users`);
    if (unique.includes(this.#userId)) throw new CallKitError(ErrorCode.SELF_CALL, 'you cannot invite yourself');
    const answer = await client.request({ type: 'invite-user', callId: call.callId, to: unique });
    if (answer.type !== 'ok') throw new CallKitError(ErrorCode.SERVER_ERROR, `unexpected answer ${answer.type}`, 'invalid-message');
  }

  /**
   * Enters a running call we were invited to (protocol `join`: declined, missed, left or still
   * ringing). Captures the microphone (and the camera for `mediaType` VIDEO, or once the server says
   * the call is a video call when `mediaType` is not given; a camera failure then joins audio-only),
   * sends `join`, then behaves as an accepting callee: `onCallStarted` (role callee, the members with
   * their states), `onCallBegin`, `onUserJoin` per member, and we make the first offer to each.
   */
  async join(params: { callId: string; mediaType?: CallMediaType }): Promise<void> {
    this.#assertAlive();
    const client = this.#requireClient();
    const callId = params?.callId;
    if (typeof callId !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(callId)) throw invalidParameter('callId must be a call id');
    const wanted = params.mediaType;
    if (wanted !== undefined && wanted !== CallMediaType.AUDIO && wanted !== CallMediaType.VIDEO) {
      throw invalidParameter('mediaType must be CallMediaType.AUDIO (1) or VIDEO (2)');
    }
    if (this.#call) throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'a call is already in progress');
    const call = this.#newCall(CallRole.CALLEE, 'ringing', wanted ?? CallMediaType.AUDIO);
    call.callId = callId;
    call.accepting = true;
    call.acceptSent = true;
    call.earlyRelays = [];
    this.#call = call;
    const drop = () => {
      if (this.#call !== call) return;
      this.#call = null;
      this.#media.release();
    };
    let answer: ServerMessage;
    try {
      await this.#mediaOp(() => this.#media.acquire({ audio: true, video: wanted === CallMediaType.VIDEO }));
      if (this.#call !== call) throw new CallKitError(ErrorCode.INVALID_STATE, 'hung up before joining');
      answer = await client.request({ type: 'join', callId }, { match: (m) => m.type === 'call-started' && m.callId === callId });
      if (answer.type !== 'call-started') throw new CallKitError(ErrorCode.SERVER_ERROR, `unexpected answer ${answer.type}`, 'invalid-message');
    } catch (error) {
      drop();
      throw error;
    }
    if (this.#call !== call) {
      // hangup() while the join was on its way: leave again.
      void client.request({ type: 'hangup', callId }).catch(noop);
      throw new CallKitError(ErrorCode.INVALID_STATE, 'hung up while joining');
    }
    const mediaType = fromWireMedia(answer.mediaType);
    call.callMediaType = mediaType;
    call.mediaType = mediaType;
    if (mediaType === CallMediaType.VIDEO) {
      if (wanted === CallMediaType.AUDIO) call.acceptAudioOnly = true;
      else if (wanted === undefined) {
        try {
          await this.#mediaOp(() => this.#media.acquire({ audio: true, video: true }));
        } catch {
          call.acceptAudioOnly = true; // no camera: join audio-only rather than not at all
        }
        if (this.#call !== call) throw new CallKitError(ErrorCode.INVALID_STATE, 'hung up while joining');
      }
    }
    // Known states first, so former members' states (declined, left...) raise no events.
    for (const m of answer.members) {
      if (m.userId !== this.#userId && m.state !== 'accepted') call.members.set(m.userId, { profile: profileOf(m), state: m.state });
    }
    call.announced = true;
    this.#events.emit('onCallStarted', {
      callId,
      mediaType,
      role: CallRole.CALLEE,
      members: answer.members.filter((m) => m.userId !== this.#userId).map((m) => ({ ...profileOf(m), status: m.state })),
    });
    const early = call.earlyRelays ?? [];
    call.earlyRelays = null;
    this.#onCallStarted(answer);
    for (const relay of early) this.#onRelay(relay);
  }

  /** The call running for `groupID` (protocol `group-call-query`), or null (none, or not ours to see). */
  async queryGroupCall(groupID: string): Promise<GroupCallInfo | null> {
    this.#assertAlive();
    const client = this.#requireClient();
    if (typeof groupID !== 'string' || !groupID || groupID.length > 64) throw invalidParameter('groupID must be a string of 1-64 characters');
    const answer = await client.request({ type: 'group-call-query', groupId: groupID });
    if (answer.type !== 'group-call') throw new CallKitError(ErrorCode.SERVER_ERROR, `unexpected answer ${answer.type}`, 'invalid-message');
    if (!answer.call) return null;
    return {
      callId: answer.call.callId,
      mediaType: fromWireMedia(answer.call.mediaType),
      members: answer.call.members.map((m) => ({ ...profileOf(m), status: m.state })),
    };
  }

  // ---- media -----------------------------------------------------------------------------------

  /** Turns the camera on (a new capture; sent with replaceTrack/addTrack). Idle: a local preview. */
  openCamera(): Promise<void> {
    this.#assertAlive();
    return this.#mediaOp(async () => {
      const call = this.#call;
      if (call && call.phase !== 'ringing' && call.mediaType !== CallMediaType.VIDEO) {
        throw new CallKitError(ErrorCode.INVALID_STATE, 'the camera is not available in an audio call');
      }
      if (this.#media.videoEnabled) return;
      const track = await this.#media.startCamera();
      await this.#sendTrack('video', track);
      this.#emitLocalStream();
      this.#sendMediaState();
    });
  }

  /** Turns the camera off: the track is stopped (camera light off) and replaced by nothing. */
  closeCamera(): Promise<void> {
    this.#assertAlive();
    return this.#mediaOp(async () => {
      if (!this.#media.videoTrack) return;
      this.#media.stopCamera();
      await this.#sendTrack('video', null);
      this.#emitLocalStream();
      this.#sendMediaState();
    });
  }

  /** Unmutes the microphone (captures it when there is no live track during a call). */
  openMicrophone(): Promise<void> {
    this.#assertAlive();
    return this.#mediaOp(async () => {
      this.#media.setMicMuted(false);
      const call = this.#call;
      if (call && (call.phase === 'connected' || call.phase === 'dialing') && !this.#media.audioEnabled) {
        const track = await this.#media.startMicrophone();
        await this.#sendTrack('audio', track);
        this.#meterLocal();
        this.#emitLocalStream();
      }
      this.#sendMediaState();
    });
  }

  /** Mutes the microphone (the track is disabled: silence is sent) and announces it. */
  closeMicrophone(): Promise<void> {
    this.#assertAlive();
    return this.#mediaOp(async () => {
      this.#media.setMicMuted(true);
      this.#sendMediaState();
    });
  }

  /**
   * Switches camera/microphone to `deviceId` (a live track is recaptured and swapped with
   * replaceTrack); the speaker id is only remembered (no DOM here: elements apply it).
   */
  switchDevice(params: { deviceType: DeviceKind; deviceId: string }): Promise<void> {
    this.#assertAlive();
    const { deviceType, deviceId } = params ?? {};
    if (!['camera', 'microphone', 'speaker'].includes(deviceType) || typeof deviceId !== 'string' || !deviceId) {
      return Promise.reject(invalidParameter('switchDevice needs deviceType camera|microphone|speaker and a deviceId'));
    }
    return this.#mediaOp(async () => {
      const track = await this.#media.switchDevice(deviceType, deviceId);
      if (!track) return;
      await this.#sendTrack(track.kind as 'audio' | 'video', track);
      if (track.kind === 'audio') this.#meterLocal();
      this.#emitLocalStream();
    });
  }

  getDeviceList(deviceType?: DeviceKind): Promise<DeviceInfo[]> {
    return listDevices(deviceType);
  }

  /** Capture resolution for the camera (applied to a live track at once). */
  setVideoQuality(resolution: VideoResolution): Promise<void> {
    this.#assertAlive();
    if (!['480p', '720p', '1080p'].includes(resolution)) return Promise.reject(invalidParameter('resolution must be 480p, 720p or 1080p'));
    return this.#mediaOp(() => this.#media.setResolution(resolution));
  }

  /** Video -> audio only: stops our camera, announces `video: false`, emits onCallMediaTypeChanged. */
  switchCallMediaType(mediaType: CallMediaType): Promise<void> {
    this.#assertAlive();
    if (mediaType !== CallMediaType.AUDIO) {
      return Promise.reject(new CallKitError(ErrorCode.SWITCH_TO_AUDIO_CALL_FAILED, 'only switching a video call to audio is supported'));
    }
    const call = this.#call;
    if (!call || call.phase !== 'connected') {
      return Promise.reject(new CallKitError(ErrorCode.SWITCH_TO_AUDIO_CALL_FAILED, 'no connected call to switch'));
    }
    if (call.mediaType === CallMediaType.AUDIO) return Promise.resolve();
    return this.#toAudio(call, true);
  }

  /** Drops our camera for good and emits onCallMediaTypeChanged; `announce`: we switch the call. */
  #toAudio(call: ActiveCall, announce: boolean): Promise<void> {
    return this.#mediaOp(async () => {
      if (this.#call !== call || call.mediaType === CallMediaType.AUDIO) return;
      call.mediaType = CallMediaType.AUDIO;
      if (this.#media.videoTrack) {
        this.#media.stopCamera();
        await this.#sendTrack('video', null);
        this.#emitLocalStream();
      }
      this.#sendMediaState(announce);
      this.#events.emit('onCallMediaTypeChanged', { mediaType: CallMediaType.AUDIO });
    });
  }

  // ---- test support ----------------------------------------------------------------------------

  /** Counts of live resources (peers, tracks, timers, audio contexts), for leak checks in tests. */
  debugState(): WebRTCEngineDebugState {
    for (const pc of [...this.#pcs]) if (pc.signalingState === 'closed') this.#pcs.delete(pc);
    return {
      connection: this.#reconnect ? 'reconnecting' : (this.#client?.state ?? 'disconnected'),
      call: this.#call?.phase ?? null,
      peers: this.#pcs.size,
      localTracks: this.#media.liveTrackCount(),
      timers: (this.#statsTimer ? 1 : 0) + (this.#client?.timerCount ?? 0) + (this.#reconnect?.timer ? 1 : 0),
      audioContexts: this.#meter.openContextCount(),
      pendingRequests: this.#client?.pendingCount ?? 0,
      listeners: this.#events.listenerCount,
      heldInvitations: this.#held ? 1 : 0,
      reconnectAttempts: this.#reconnect ? this.#reconnect.attempt : this.#lastReconnectAttempts,
      iceRestarts: [...(this.#call?.peers.values() ?? [])].reduce((n, p) => n + p.iceRestarts, 0),
    };
  }

  /** Test support: drops the signaling socket as a network loss would (the engine reconnects). */
  debugDropSignaling(): void {
    this.#client?.debugDrop();
  }

  /** Test support: restarts ICE toward `userId` (all peers when omitted) as a failure would. */
  debugRestartIce(userId?: string): number {
    let n = 0;
    for (const [id, peer] of this.#call?.peers ?? []) {
      if (userId === undefined || id === userId) {
        peer.restartIce();
        n++;
      }
    }
    return n;
  }

  /** The peer connection toward `userId` in the current call (tests read its stats). */
  debugPeerConnection(userId: string): RTCPeerConnection | null {
    return this.#call?.peers.get(userId)?.pc ?? null;
  }

  // ---- server messages -------------------------------------------------------------------------

  #onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'incoming':
        this.#onIncoming(message);
        break;
      case 'call-started':
        this.#onCallStarted(message);
        break;
      case 'member-state': {
        const call = this.#call;
        if (call && call.callId === message.callId) this.#applyMember(call, message.member);
        break;
      }
      case 'call-ended':
        this.#onCallEnded(message);
        break;
      case 'relay':
        this.#onRelay(message);
        break;
      case 'media-state': {
        const call = this.#call;
        if (call && call.callId === message.callId) {
          this.#applyRemoteMedia(call, message.userId, message.audio, message.video);
          if (message.mediaType === 'audio' && call.phase === 'connected') void this.#toAudio(call, false).catch(noop);
        }
        break;
      }
      case 'error':
        // Answers to requests are consumed by the client; this is a late or unsolicited error (an
        // answer to a relay or media-state). `call-not-found` / `not-in-call` are the expected race
        // of a relay crossing a member's exit, not worth an onError.
        if (!message.ref && message.code !== 'call-not-found' && message.code !== 'not-in-call') {
          this.#events.emit('onError', { code: ErrorCode.SERVER_ERROR, message: `${message.code}: ${message.message}` });
        }
        break;
      default:
        break;
    }
  }

  #onIncoming(message: Incoming): void {
    const call = this.#call;
    if (call) {
      if (call.callId === message.callId) return;
      const known = this.#pending.get(message.callId);
      if (known) {
        // Re-sent (e.g. after a reconnect): fresher lists, same place in the order.
        this.#arrival.set(message, this.#arrival.get(known) ?? 0);
        this.#pending.set(message.callId, message);
        return;
      }
      const glare =
        call.role === CallRole.CALLER && call.phase === 'dialing' && call.invitees.includes(message.caller.userId);
      if (glare && !this.#held) {
        this.#held = { message, expiresAt: Date.now() + message.timeout * 1000 };
        return;
      }
      if (this.#mayRingAlongside(call)) {
        this.#ring(message, 'pending');
        return;
      }
      void this.#client?.request({ type: 'reject', callId: message.callId, reason: 'busy' }).catch(noop);
      return;
    }
    this.#ring(message, 'current');
  }

  /** Whether one more invitation may ring besides `call` (see the header). */
  #mayRingAlongside(call: ActiveCall): boolean {
    const onlyRinging = call.role === CallRole.CALLEE && call.phase === 'ringing' && !call.accepting && !call.acceptSent;
    if (onlyRinging) return this.#pending.size + 1 < MAX_CONCURRENT_INCOMING;
    return this.#callWaiting && this.#pending.size === 0;
  }

  /**
   * Makes the ringing invitation `callId` the current call (`accept({callId})`): a pending one swaps
   * places with a current call that only rings. No callId: the current call, else the oldest pending.
   */
  #makeCurrent(callId: string | undefined): void {
    const current = this.#call;
    if (callId === undefined || current?.callId === callId) {
      if (!current) this.#promotePending();
      return;
    }
    const message = this.#pending.get(callId);
    if (!message) throw new CallKitError(ErrorCode.INVALID_STATE, `no ringing call ${callId}`);
    if (current) {
      const onlyRinging = current.role === CallRole.CALLEE && current.phase === 'ringing' && !current.accepting && !current.acceptSent;
      if (!onlyRinging || !current.incoming) {
        throw new CallKitError(ErrorCode.INVALID_STATE, 'hang up the current call before accepting another (end and accept)');
      }
      this.#call = null;
      this.#pending.set(current.callId, current.incoming);
      const order = (m: Incoming) => this.#arrival.get(m) ?? 0;
      this.#pending = new Map([...this.#pending].sort(([, x], [, y]) => order(x) - order(y)));
    }
    this.#pending.delete(callId);
    this.#ring(message, 'promote');
  }

  /** The oldest pending invitation becomes the current call (no event: it was announced). */
  #promotePending(): void {
    if (this.#call) return;
    const [first] = this.#pending.values();
    if (!first) return;
    this.#pending.delete(first.callId);
    this.#ring(first, 'promote');
  }

  /** Forgets every pending invitation (lost socket, logout): onIncomingWithdrawn for each. */
  #dropPending(cause: EndCause): void {
    const ids = [...this.#pending.keys()];
    this.#pending.clear();
    for (const callId of ids) this.#events.emit('onIncomingWithdrawn', { callId, cause });
  }

  /**
   * `current`: rings as the current call (onCallReceived); `pending`: rings alongside it
   * (onCallReceived concurrent); `promote`: an announced pending invitation becomes current, silently.
   */
  #ring(message: Incoming, mode: 'current' | 'pending' | 'promote'): void {
    if (!this.#arrival.has(message)) this.#arrival.set(message, ++this.#arrivals);
    const event: CallEngineEvents['onCallReceived'] = {
      callId: message.callId,
      caller: profileOf(message.caller),
      calleeIdList: message.members.map((m) => m.userId).filter((id) => id !== message.caller.userId),
      members: message.members.map((m) => ({ ...profileOf(m), status: m.state })),
      mediaType: fromWireMedia(message.mediaType),
    };
    if (message.groupId !== undefined) event.groupID = message.groupId;
    if (message.userData !== undefined) event.userData = message.userData;
    if (mode === 'pending') {
      this.#pending.set(message.callId, message);
      this.#events.emit('onCallReceived', { ...event, concurrent: true });
      return;
    }
    const call = this.#newCall(CallRole.CALLEE, 'ringing', fromWireMedia(message.mediaType));
    call.callId = message.callId;
    call.announced = true;
    call.incoming = message;
    this.#call = call;
    const callerId = message.caller.userId;
    if (callerId !== this.#userId) {
      call.members.set(callerId, { profile: profileOf(message.caller), state: 'accepted' });
    }
    for (const m of message.members) {
      if (m.userId === this.#userId || m.userId === callerId) continue;
      call.members.set(m.userId, { profile: profileOf(m), state: m.state, audio: m.audio, video: m.video });
    }
    if (mode === 'current') this.#events.emit('onCallReceived', event);
  }

  #onCallStarted(message: Extract<ServerMessage, { type: 'call-started' }>): void {
    const call = this.#call;
    if (!call || call.callId !== message.callId || call.role !== CallRole.CALLEE || call.phase !== 'ringing') return;
    // Joining: `join()` applies its answer itself, once the media for the call's type is captured.
    if (call.earlyRelays) return;
    call.phase = 'connected';
    call.beginAt = Date.now();
    if (call.acceptAudioOnly && call.callMediaType === CallMediaType.VIDEO) {
      call.mediaType = CallMediaType.AUDIO;
      this.#events.emit('onCallMediaTypeChanged', { mediaType: CallMediaType.AUDIO });
    }
    this.#emitLocalStream();
    this.#events.emit('onCallBegin', { callId: call.callId, mediaType: call.mediaType, role: CallRole.CALLEE });
    this.#onConnected(call);
    for (const member of message.members) {
      if (member.userId === this.#userId) continue;
      const known = call.members.get(member.userId);
      if (member.state === 'accepted') {
        call.members.set(member.userId, { profile: profileOf(member), state: 'accepted', audio: known?.audio, video: known?.video });
        this.#events.emit('onUserJoin', { userId: member.userId });
        this.#connectPeer(call, member.userId, true);
        if (member.audio !== undefined || member.video !== undefined) {
          this.#applyRemoteMedia(call, member.userId, member.audio ?? known?.audio ?? true, member.video ?? known?.video ?? false);
        }
      } else {
        this.#applyMember(call, member);
      }
    }
    this.#capVideo(call);
    // A 1v1 video call answered audio-only becomes an audio call for both (TUICallKit's switchToAudio).
    const oneToOne = !call.incoming?.groupId && message.members.filter((m) => m.userId !== this.#userId).length === 1;
    if (call.acceptAudioOnly && call.callMediaType === CallMediaType.VIDEO && oneToOne) this.#sendMediaState(true);
  }

  /** Applies one member's (new) state, emitting the matching events once per transition. */
  #applyMember(call: ActiveCall, member: Member): void {
    const userId = member.userId;
    if (userId === this.#userId) return;
    const known = call.members.get(userId);
    const profile = profileOf(member);
    if (known && (profile.name !== known.profile.name || profile.avatar !== known.profile.avatar) && (profile.name || profile.avatar)) {
      this.#events.emit('onUserInfo', profile);
    }
    const info: MemberInfo = { ...known, profile: { ...known?.profile, ...profile }, state: member.state };
    call.members.set(userId, info);
    if (known?.state === member.state) return;
    switch (member.state) {
      case 'accepted':
        this.#events.emit('onUserAccept', { userId });
        // Another member joined while we still ring: nothing to join or connect yet.
        if (call.phase === 'ringing') break;
        if (call.phase === 'dialing') {
          call.phase = 'connected';
          call.beginAt = Date.now();
          this.#rejectHeld();
          this.#events.emit('onCallBegin', { callId: call.callId, mediaType: call.mediaType, role: CallRole.CALLER });
          this.#onConnected(call);
        }
        // After onCallBegin, as for a callee (and the Tencent engine): the call is connected first.
        this.#events.emit('onUserJoin', { userId });
        this.#connectPeer(call, userId, false);
        this.#sendMediaState();
        break;
      case 'rejected':
        this.#events.emit('onUserReject', { userId });
        break;
      case 'busy':
        this.#events.emit('onUserLineBusy', { userId });
        break;
      case 'no-response':
      case 'unavailable':
        this.#events.emit('onUserNoResponse', { userId });
        break;
      case 'left':
        this.#closePeer(call, userId);
        this.#events.emit('onUserLeave', { userId });
        break;
      case 'ringing':
        // Invited into the call (inviteUser), or invited again after declining or leaving.
        this.#events.emit('onUserInvited', info.profile);
        break;
      default:
        break;
    }
    this.#capVideo(call);
    if (member.state !== 'accepted') this.#closePeer(call, userId);
    else if (member.audio !== undefined || member.video !== undefined) {
      this.#applyRemoteMedia(call, userId, member.audio ?? info.audio ?? true, member.video ?? info.video ?? false);
    }
  }

  #applyRemoteMedia(call: ActiveCall, userId: string, audio: boolean, video: boolean): void {
    if (userId === this.#userId) return;
    const info = call.members.get(userId);
    if (!info) return;
    const audioChanged = info.audio !== audio;
    const videoChanged = info.video !== video;
    info.audio = audio;
    info.video = video;
    if (audioChanged) this.#events.emit('onUserAudioAvailable', { userId, available: audio });
    if (videoChanged) this.#events.emit('onUserVideoAvailable', { userId, available: video });
  }

  #onCallEnded(message: Extract<ServerMessage, { type: 'call-ended' }>): void {
    if (this.#held?.message.callId === message.callId) {
      this.#held = null;
      return;
    }
    if (this.#pending.delete(message.callId)) {
      this.#events.emit('onIncomingWithdrawn', { callId: message.callId, cause: message.reason });
      return;
    }
    const call = this.#call;
    if (!call || call.callId !== message.callId) return;
    this.#finishCall(call, message.reason, SERVER_END_REASON[message.reason] ?? CallEndReason.UNKNOWN);
  }

  #onRelay(message: Extract<ServerMessage, { type: 'relay' }>): void {
    const call = this.#call;
    if (call?.earlyRelays && call.callId === message.callId && call.phase === 'ringing') {
      if (call.earlyRelays.length < 500) call.earlyRelays.push(message);
      return;
    }
    if (!call || call.callId !== message.callId || call.phase !== 'connected') return;
    let peer = call.peers.get(message.from);
    if (!peer) {
      // An offer can overtake the member-state that announces its sender.
      if (!call.members.has(message.from) || message.from === this.#userId) return;
      peer = this.#connectPeer(call, message.from, false) ?? undefined;
    }
    peer?.handleSignal(message.data);
  }

  #onLost(client: SignalingClient, event: { code: number; reason: string }): void {
    if (this.#client !== client) return;
    const kicked = event.code === 4409 || /kick|replaced/i.test(event.reason);
    const call = this.#call;
    if (!kicked && event.code !== 4401 && this.#session && !this.#destroyed) {
      // Keep a connected call (its media does not need the socket); the rest cannot survive.
      this.#detachClient();
      this.#held = null;
      // Ringing invitations are re-sent by the server after the new login.
      this.#dropPending('disconnected');
      if (call && call.phase !== 'connected') this.#finishCall(call, 'disconnected', CallEndReason.UNKNOWN);
      this.#startReconnect();
      return;
    }
    this.#dropPending('disconnected');
    if (call) this.#finishCall(call, 'disconnected', CallEndReason.UNKNOWN);
    this.#held = null;
    this.#dropClient();
    if (kicked) this.#events.emit('onKickedOffline', { reason: event.reason || 'kicked' });
    this.#events.emit('onError', {
      code: ErrorCode.CONNECTION_FAILED,
      message: `signaling connection lost (${event.code}${event.reason ? ` ${event.reason}` : ''})`,
    });
  }

  // ---- reconnection ----------------------------------------------------------------------------

  /**
   * After the state became 'failed' (reconnection gave up): tries again from the first delay.
   * Resolves once connected (and the call, if any, resumed or ended); rejects if it fails again.
   */
  reconnect(): Promise<void> {
    this.#assertAlive();
    if (!this.#session) return Promise.reject(new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call login() first'));
    if (this.#client?.state === 'connected') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const off = this.#events.on('onConnectionStateChanged', ({ state }) => {
        if (state === 'connected') {
          off();
          resolve();
        } else if (state === 'failed' || state === 'disconnected') {
          off();
          reject(new CallKitError(ErrorCode.CONNECTION_FAILED, 'could not reconnect to the signaling server', 'failed'));
        }
      });
      if (!this.#reconnect) this.#startReconnect();
      else {
        // Already trying: try now instead of waiting for the next delay.
        const r = this.#reconnect;
        if (r.timer) {
          clearTimeout(r.timer);
          r.timer = null;
          void this.#attemptReconnect(r);
        }
      }
    });
  }

  #startReconnect(): void {
    this.#stopReconnect();
    this.#reconnect = { attempt: 0, startedAt: Date.now(), timer: null };
    this.#lastReconnectAttempts = 0;
    this.#events.emit('onConnectionStateChanged', { state: 'reconnecting' });
    this.#scheduleReconnect(this.#reconnect);
  }

  #scheduleReconnect(r: Reconnect): void {
    if (this.#reconnect !== r) return;
    const left = r.startedAt + this.#reconnectGiveUpMs - Date.now();
    if (left <= 0) {
      this.#giveUpReconnect(r);
      return;
    }
    const delay = reconnectDelayMs(r.attempt) * this.#reconnectDelayScale;
    if (delay >= left) {
      // No attempt is due before the deadline: give up AT it (R4: 45-60 s), not after one more
      // attempt started at the deadline (measured 60.0-62.1 s before this).
      r.timer = setTimeout(() => {
        r.timer = null;
        this.#giveUpReconnect(r);
      }, left);
      return;
    }
    r.timer = setTimeout(() => {
      r.timer = null;
      void this.#attemptReconnect(r);
    }, delay);
  }

  async #attemptReconnect(r: Reconnect): Promise<void> {
    const session = this.#session;
    if (this.#reconnect !== r || !session) return;
    r.attempt++;
    this.#lastReconnectAttempts = r.attempt;
    const client = this.#bindClient(session.url);
    try {
      await client.connect(this.#loginMessage(session));
    } catch (error) {
      if (this.#client === client) this.#detachClient();
      if (this.#reconnect !== r) return;
      // A refused login will be refused again: stop now.
      if ((error as CallKitError).reason === 'auth-failed') this.#giveUpReconnect(r);
      else this.#scheduleReconnect(r);
      return;
    }
    if (this.#reconnect !== r || this.#client !== client) return;
    this.#reconnect = null;
    this.#events.emit('onConnectionStateChanged', { state: 'connected' });
    for (const callId of this.#pendingHangups.splice(0)) void client.request({ type: 'hangup', callId }).catch(noop);
    await this.#resumeCall(client);
  }

  /** After a reconnect: re-binds the connected call to the new socket, or ends it if the server lost it. */
  async #resumeCall(client: SignalingClient): Promise<void> {
    const call = this.#call;
    if (!call || call.phase !== 'connected' || !call.callId) return;
    let answer: ServerMessage;
    try {
      answer = await client.request({ type: 'resume', callId: call.callId });
    } catch (error) {
      if (this.#call !== call) return;
      // Lost again: the next reconnect resumes. Refused: the call is gone on the server.
      if ((error as CallKitError).code === ErrorCode.SERVER_ERROR) this.#finishCall(call, 'disconnected', CallEndReason.END_BY_SERVER);
      return;
    }
    if (this.#call !== call || answer.type !== 'resumed') return;
    // Catch up with what happened while we were away (e.g. a member left).
    for (const member of answer.members) {
      if (member.userId !== this.#userId) this.#applyMember(call, member);
    }
    for (const peer of call.peers.values()) peer.resync();
    this.#sendMediaState();
  }

  #giveUpReconnect(r: Reconnect): void {
    if (this.#reconnect !== r) return;
    this.#stopReconnect();
    this.#pendingHangups = [];
    this.#detachClient();
    this.#events.emit('onConnectionStateChanged', { state: 'failed' });
    const call = this.#call;
    if (call) this.#finishCall(call, 'disconnected', CallEndReason.UNKNOWN);
    this.#events.emit('onError', {
      code: ErrorCode.CONNECTION_FAILED,
      message: 'the signaling server could not be reached again: gave up reconnecting',
    });
  }

  #stopReconnect(): void {
    const r = this.#reconnect;
    this.#reconnect = null;
    if (r?.timer) clearTimeout(r.timer);
  }

  #loginMessage(session: { sdkAppId: number; userSig: string }): Extract<ClientRequest, { type: 'login' }> {
    const login: Extract<ClientRequest, { type: 'login' }> = {
      type: 'login',
      sdkAppId: session.sdkAppId,
      userId: this.#userId,
      userSig: session.userSig,
      multiIncoming: true,
      callWaiting: this.#callWaiting,
    };
    if (this.#profile.name !== undefined) login.name = this.#profile.name;
    if (this.#profile.avatar !== undefined) login.avatar = this.#profile.avatar;
    return login;
  }

  /** A new signaling client, bound to this engine (its state is forwarded unless reconnecting). */
  #bindClient(url: string): SignalingClient {
    const client = new SignalingClient({
      url,
      requestTimeoutMs: this.#requestTimeoutMs,
      WebSocket: this.#WebSocket,
    });
    this.#client = client;
    this.#clientOffs = [
      client.on('state', (state) => {
        if (!this.#reconnect) this.#events.emit('onConnectionStateChanged', { state });
      }),
      client.on('message', (message) => this.#onMessage(message)),
      client.on('lost', (event) => this.#onLost(client, event)),
      client.on('invalid', (event) =>
        this.#events.emit('onError', { code: ErrorCode.SERVER_ERROR, message: `dropped an invalid server message: ${event.message}` }),
      ),
    ];
    return client;
  }

  /** Forgets the current client without announcing a state (the reconnect logic does). */
  #detachClient(): void {
    const client = this.#client;
    if (!client) return;
    this.#client = null;
    for (const off of this.#clientOffs) off();
    this.#clientOffs = [];
    client.dispose();
  }

  // ---- call internals --------------------------------------------------------------------------

  #newCall(role: ActiveCall['role'], phase: CallPhase, mediaType: CallMediaType): ActiveCall {
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

  /** We are connected: meter our own voice, tell the others our media, start sampling. */
  #onConnected(call: ActiveCall): void {
    if (this.#call !== call) return;
    this.#meterLocal();
    this.#sendMediaState();
    this.#startStats();
  }

  /** `initiator`: we make the first offer (we just joined); otherwise we wait for theirs. */
  #connectPeer(call: ActiveCall, userId: string, initiator: boolean): Peer | null {
    const existing = call.peers.get(userId);
    if (existing) return existing;
    if (this.#call !== call || call.phase !== 'connected') return null;
    const callId = call.callId;
    let peer: Peer;
    try {
      peer = new Peer({
        localUserId: this.#userId,
        remoteUserId: userId,
        initiator,
        iceServers: this.#iceServers,
        send: (data: RelayData) => {
          this.#client?.send({ type: 'relay', callId, to: userId, data });
        },
        onRemoteStream: (stream) => {
          if (this.#call !== call || call.peers.get(userId) !== peer) return;
          this.#meter.set(userId, stream.getAudioTracks()[0] ?? null);
          this.#events.emit('onRemoteStream', { userId, stream });
        },
        onError: (error) => {
          this.#events.emit('onError', {
            code: ErrorCode.FAILED,
            message: `negotiation with ${userId} failed: ${(error as Error)?.message ?? String(error)}`,
          });
        },
        onIceFatal: () => this.#onIceFatal(call, userId),
        iceDisconnectedTimeoutMs: this.#iceDisconnectedTimeoutMs,
        onInterrupted: (reconnecting) => {
          if (this.#call === call && call.peers.get(userId) === peer) this.#events.emit('onUserReconnecting', { userId, reconnecting });
        },
        stallMs: this.#mediaStallMs,
      });
    } catch (error) {
      this.#events.emit('onError', { code: ErrorCode.NOT_SUPPORTED_WEBRTC, message: `cannot create a peer connection: ${String(error)}` });
      return null;
    }
    call.peers.set(userId, peer);
    this.#pcs.add(peer.pc);
    peer.addLocalTracks(this.#media.stream);
    capVideo(peer.pc, videoLimitFor(this.#memberCount(call)));
    return peer;
  }

  /** Accepted members, us included: what the video caps depend on. */
  #memberCount(call: ActiveCall): number {
    let n = 1;
    for (const m of call.members.values()) if (m.state === 'accepted') n++;
    return n;
  }

  /** Caps every outgoing video by the member count (see `video-caps.ts`); audio is untouched. */
  #capVideo(call: ActiveCall): void {
    if (this.#call !== call) return;
    const limit = videoLimitFor(this.#memberCount(call));
    for (const peer of call.peers.values()) capVideo(peer.pc, limit);
  }

  /**
   * ICE toward `userId` failed twice without ever connecting: no third attempt. With one remote
   * member the call ends (hangup sent, cause `network`); in a group only that peer is closed.
   */
  #onIceFatal(call: ActiveCall, userId: string): void {
    if (this.#call !== call) return;
    const others = [...call.members.values()].filter((m) => m.state === 'accepted').length;
    if (others > 1) {
      this.#closePeer(call, userId);
      this.#events.emit('onError', { code: ErrorCode.FAILED, message: `no network path to ${userId}` });
      return;
    }
    if (call.callId) void this.#client?.request({ type: 'hangup', callId: call.callId }).catch(noop);
    this.#finishCall(call, 'network', CallEndReason.UNKNOWN);
  }

  #closePeer(call: ActiveCall, userId: string): void {
    const peer = call.peers.get(userId);
    if (!peer) return;
    call.peers.delete(userId);
    const wasInterrupted = peer.interrupted;
    peer.close();
    this.#meter.set(userId, null);
    this.#events.emit('onRemoteStream', { userId, stream: null });
    if (wasInterrupted) this.#events.emit('onUserReconnecting', { userId, reconnecting: false });
  }

  /** Sends `track` (or nothing) as our `kind` media to every peer of the call. */
  async #sendTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const call = this.#call;
    if (!call) return;
    await Promise.all(
      [...call.peers.values()].map((peer) =>
        peer.setTrack(kind, track, this.#media.stream).catch((error: unknown) => {
          if (!peer.closed) {
            this.#events.emit('onError', { code: ErrorCode.FAILED, message: `could not switch ${kind} for ${peer.remoteUserId}: ${String(error)}` });
          }
        }),
      ),
    );
  }

  /** Announces our microphone/camera state; `switchToAudio`: we switched the whole call to audio. */
  #sendMediaState(switchToAudio = false): void {
    const call = this.#call;
    if (!call || call.phase !== 'connected' || !call.callId) return;
    this.#client?.send({
      type: 'media-state',
      callId: call.callId,
      audio: this.#media.audioEnabled,
      video: this.#media.videoEnabled,
      ...(switchToAudio ? { mediaType: 'audio' as const } : {}),
    });
  }

  #emitLocalStream(): void {
    this.#events.emit('onLocalStream', { stream: this.#media.snapshot() });
  }

  #meterLocal(): void {
    if (this.#call?.phase === 'connected') this.#meter.set(this.#userId, this.#media.audioTrack);
  }

  /**
   * The one cleanup path: peers closed (onRemoteStream null), capture stopped (onLocalStream null),
   * sampling stopped, AudioContext closed; then onCallEnd (when the call was announced).
   */
  #finishCall(call: ActiveCall, cause: EndCause, reason: CallEndReason): void {
    if (this.#call !== call) return;
    this.#call = null;
    this.#stopStats();
    for (const userId of [...call.peers.keys()]) this.#closePeer(call, userId);
    this.#media.release();
    void this.#meter.close();
    this.#lastVolumes = {};
    this.#lastQualities = {};
    if (call.announced) {
      this.#events.emit('onLocalStream', { stream: null });
      this.#events.emit('onCallEnd', {
        callId: call.callId,
        reason,
        cause,
        totalTime: call.beginAt ? Math.max(0, Math.round((Date.now() - call.beginAt) / 1000)) : 0,
      });
    }
    if (this.#call === null) this.#promotePending();
    this.#deliverHeld();
  }

  /** A held invitation (glare) rings once our own call is over, if it is still fresh. */
  #deliverHeld(): void {
    const held = this.#held;
    if (!held) return;
    if (this.#call && !this.#mayRingAlongside(this.#call)) return;
    this.#held = null;
    if (Date.now() < held.expiresAt && this.#client) this.#ring(held.message, this.#call ? 'pending' : 'current');
  }

  #rejectHeld(): void {
    const held = this.#held;
    if (!held) return;
    this.#held = null;
    void this.#client?.request({ type: 'reject', callId: held.message.callId, reason: 'busy' }).catch(noop);
  }

  // ---- sampling --------------------------------------------------------------------------------

  #startStats(): void {
    if (this.#statsTimer) return;
    this.#statsTimer = setInterval(() => void this.#sample(), this.#statsIntervalMs);
  }

  #stopStats(): void {
    if (this.#statsTimer) clearInterval(this.#statsTimer);
    this.#statsTimer = null;
  }

  async #sample(): Promise<void> {
    const call = this.#call;
    if (!call || call.phase !== 'connected') return;
    const volumes = this.#meter.read();
    if (!sameRecord(volumes, this.#lastVolumes)) {
      this.#lastVolumes = volumes;
      this.#events.emit('onUserVoiceVolumeChanged', { volumes });
    }
    if (this.#statsBusy || call.peers.size === 0) return;
    this.#statsBusy = true;
    try {
      const qualities: Record<string, number> = {};
      await Promise.all(
        [...call.peers].map(async ([userId, peer]) => {
          qualities[userId] = await peer.sampleQuality(call.members.get(userId)?.audio === true);
        }),
      );
      if (this.#call !== call) return;
      const known = Object.values(qualities).filter((q) => q > 0);
      qualities[this.#userId] = known.length ? Math.max(...known) : 0;
      if (!sameRecord(qualities, this.#lastQualities)) {
        this.#lastQualities = qualities;
        this.#events.emit('onUserNetworkQualityChanged', { qualities });
      }
    } finally {
      this.#statsBusy = false;
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Runs media operations one at a time (capture, camera/mic toggles, device switches). */
  #mediaOp<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#mediaQueue.then(op, op);
    this.#mediaQueue = run.catch(noop);
    return run;
  }

  #requireClient(): SignalingClient {
    const client = this.#client;
    if (!client) {
      if (this.#userId) throw new CallKitError(ErrorCode.CONNECTION_FAILED, 'not connected to the signaling server', 'disconnected');
      throw new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call login() first');
    }
    if (client.state !== 'connected') {
      throw new CallKitError(ErrorCode.CONNECTION_FAILED, 'not connected to the signaling server', 'disconnected');
    }
    return client;
  }

  #assertAlive(): void {
    if (this.#destroyed) throw new CallKitError(ErrorCode.INVALID_STATE, 'the engine was destroyed');
  }

  #dropClient(): void {
    const client = this.#client;
    if (!client) return;
    this.#client = null;
    client.close();
    for (const off of this.#clientOffs) off();
    this.#clientOffs = [];
    if (client.state !== 'disconnected') this.#events.emit('onConnectionStateChanged', { state: 'disconnected' });
    client.dispose();
  }

  /**
   * Keeps the kit's device list true (`onDeviceUpdated`): read once at login, again on every
   * `devicechange`, and when camera or microphone permission changes (labels appear once granted).
   * The engine is the only layer that reads `navigator.mediaDevices`; `<device-picker>` shows the store's list.
   */
  #watchDevices(): void {
    const nav = (globalThis as { navigator?: Navigator }).navigator;
    const devices = nav?.mediaDevices;
    if (!devices?.addEventListener || this.#deviceListener) return;
    const listener = () => {
      void listDevices().then(
        (list) => {
          if (this.#deviceListener === listener) this.#events.emit('onDeviceUpdated', { devices: list });
        },
        noop,
      );
    };
    this.#deviceListener = listener;
    devices.addEventListener('devicechange', listener);
    listener();
    for (const name of ['camera', 'microphone'] as const) {
      nav?.permissions?.query({ name: name as PermissionName }).then((status) => {
        if (this.#deviceListener !== listener) return;
        status.addEventListener('change', listener);
        this.#permissionWatches.push(() => status.removeEventListener('change', listener));
      }, noop);
    }
  }

  #unwatchDevices(): void {
    const listener = this.#deviceListener;
    this.#deviceListener = null;
    if (listener) (globalThis as { navigator?: Navigator }).navigator?.mediaDevices?.removeEventListener('devicechange', listener);
    for (const off of this.#permissionWatches) off();
    this.#permissionWatches = [];
  }
}
