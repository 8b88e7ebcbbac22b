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
 * - One call at a time. An `incoming` while in a call is answered `reject {reason: busy}`, except
 *   while we are dialing one of the people calling us (a glare in progress): that invitation is
 *   held and delivered as `onCallReceived` if the server ends our own call (reason `glare`).
 * - `accept()` that fails to capture media throws the mapped CallKitError and leaves the call
 *   ringing, so the user can retry or reject. A failed `invite` stops the media it captured.
 * - `hangup()` while dialing sends `cancel` (and `hangup` if the cancel is refused because someone
 *   accepted in the meantime), while ringing sends `reject`, when connected sends `hangup`. The local
 *   cleanup and `onCallEnd` do not wait for the server's answer.
 * - A lost signaling socket ends the call (cause `disconnected`, reason UNKNOWN), sets the
 *   connection state to `disconnected` and emits `onError` CONNECTION_FAILED; no reconnection yet.
 * - Microphone off = the track is disabled (silence), camera off = the track is stopped; both are
 *   announced to the others with `media-state`.
 * - `switchCallMediaType(AUDIO)` stops our camera and announces `video: false`; the protocol has no
 *   message for it, so the others just see our video become unavailable.
 */
import { CallEndReason, CallMediaType, CallRole, type DeviceKind, type VideoResolution } from '../../constants.js';
import { CallKitError, ErrorCode, invalidParameter } from '../../errors.js';
import {
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
  MemberStatus,
  UserProfile,
} from '../types.js';
import { LocalMedia, VolumeMeter, listDevices } from './media.js';
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
}

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
  #statsTimer: ReturnType<typeof setInterval> | null = null;
  #statsBusy = false;
  #lastVolumes: Record<string, number> = {};
  #lastQualities: Record<string, number> = {};
  #mediaQueue: Promise<unknown> = Promise.resolve();
  #deviceListener: (() => void) | null = null;
  #destroyed = false;

  constructor(options: WebRTCEngineOptions = {}) {
    this.#iceServers = options.iceServers ?? [];
    this.#requestTimeoutMs = options.requestTimeoutMs;
    this.#statsIntervalMs = options.statsIntervalMs ?? DEFAULT_STATS_INTERVAL_MS;
    this.#WebSocket = options.WebSocket;
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

    const client = new SignalingClient({
      url: params.server,
      requestTimeoutMs: this.#requestTimeoutMs,
      WebSocket: this.#WebSocket,
    });
    this.#client = client;
    this.#clientOffs = [
      client.on('state', (state) => this.#events.emit('onConnectionStateChanged', { state })),
      client.on('message', (message) => this.#onMessage(message)),
      client.on('lost', (event) => this.#onLost(client, event)),
      client.on('invalid', (event) =>
        this.#events.emit('onError', { code: ErrorCode.SERVER_ERROR, message: `dropped an invalid server message: ${event.message}` }),
      ),
    ];
    const profile = { ...this.#profile, ...params.profile };
    const login: ClientRequest = { type: 'login', sdkAppId: params.SDKAppID, userId: params.userID, userSig: params.userSig };
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
    this.#watchDevices();
  }

  /** Hangs up any call, closes the socket and clears every timer. The engine can log in again. */
  async logout(): Promise<void> {
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
    for (const member of answer.members) this.#applyMember(call, member);
    return { callId: call.callId };
  }

  /**
   * Accepts the ringing call. `options.mediaType` AUDIO on a video call accepts it audio-only
   * (no camera; the call is audio for this side). A capture failure throws the mapped CallKitError
   * and leaves the call ringing (retry or reject). Resolves once the server confirmed
   * (`call-started`).
   */
  async accept(options?: { mediaType?: CallMediaType }): Promise<void> {
    this.#assertAlive();
    const client = this.#requireClient();
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

  /** Rejects the ringing call (ends it for us: onCallEnd cause `rejected`). */
  async reject(): Promise<void> {
    this.#assertAlive();
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
    if (!call || call.phase !== 'connected' || call.mediaType !== CallMediaType.VIDEO) {
      return Promise.reject(new CallKitError(ErrorCode.SWITCH_TO_AUDIO_CALL_FAILED, 'no connected video call to switch'));
    }
    return this.#mediaOp(async () => {
      if (this.#call !== call) return;
      call.mediaType = CallMediaType.AUDIO;
      if (this.#media.videoTrack) {
        this.#media.stopCamera();
        await this.#sendTrack('video', null);
        this.#emitLocalStream();
      }
      this.#sendMediaState();
      this.#events.emit('onCallMediaTypeChanged', { mediaType: CallMediaType.AUDIO });
    });
  }

  // ---- test support ----------------------------------------------------------------------------

  /** Counts of live resources (peers, tracks, timers, audio contexts), for leak checks in tests. */
  debugState(): WebRTCEngineDebugState {
    for (const pc of [...this.#pcs]) if (pc.signalingState === 'closed') this.#pcs.delete(pc);
    return {
      connection: this.#client?.state ?? 'disconnected',
      call: this.#call?.phase ?? null,
      peers: this.#pcs.size,
      localTracks: this.#media.liveTrackCount(),
      timers: (this.#statsTimer ? 1 : 0) + (this.#client?.timerCount ?? 0),
      audioContexts: this.#meter.openContextCount(),
      pendingRequests: this.#client?.pendingCount ?? 0,
      listeners: this.#events.listenerCount,
      heldInvitations: this.#held ? 1 : 0,
    };
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
        if (call && call.callId === message.callId) this.#applyRemoteMedia(call, message.userId, message.audio, message.video);
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
      const glare =
        call.role === CallRole.CALLER && call.phase === 'dialing' && call.invitees.includes(message.caller.userId);
      if (glare && !this.#held) {
        this.#held = { message, expiresAt: Date.now() + message.timeout * 1000 };
        return;
      }
      void this.#client?.request({ type: 'reject', callId: message.callId, reason: 'busy' }).catch(noop);
      return;
    }
    this.#ring(message);
  }

  #ring(message: Incoming): void {
    const call = this.#newCall(CallRole.CALLEE, 'ringing', fromWireMedia(message.mediaType));
    call.callId = message.callId;
    call.announced = true;
    this.#call = call;
    const callerId = message.caller.userId;
    if (callerId !== this.#userId) {
      call.members.set(callerId, { profile: profileOf(message.caller), state: 'accepted' });
    }
    for (const m of message.members) {
      if (m.userId === this.#userId || m.userId === callerId) continue;
      call.members.set(m.userId, { profile: profileOf(m), state: m.state, audio: m.audio, video: m.video });
    }
    const event: CallEngineEvents['onCallReceived'] = {
      callId: message.callId,
      caller: profileOf(message.caller),
      calleeIdList: message.members.map((m) => m.userId).filter((id) => id !== callerId),
      members: message.members.map(profileOf),
      mediaType: call.callMediaType,
    };
    if (message.groupId !== undefined) event.groupID = message.groupId;
    if (message.userData !== undefined) event.userData = message.userData;
    this.#events.emit('onCallReceived', event);
  }

  #onCallStarted(message: Extract<ServerMessage, { type: 'call-started' }>): void {
    const call = this.#call;
    if (!call || call.callId !== message.callId || call.role !== CallRole.CALLEE || call.phase !== 'ringing') return;
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
        this.#events.emit('onUserJoin', { userId });
        if (call.phase === 'dialing') {
          call.phase = 'connected';
          call.beginAt = Date.now();
          this.#rejectHeld();
          this.#events.emit('onCallBegin', { callId: call.callId, mediaType: call.mediaType, role: CallRole.CALLER });
          this.#onConnected(call);
        }
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
      default:
        break;
    }
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
    const call = this.#call;
    if (!call || call.callId !== message.callId) return;
    this.#finishCall(call, message.reason, SERVER_END_REASON[message.reason] ?? CallEndReason.UNKNOWN);
  }

  #onRelay(message: Extract<ServerMessage, { type: 'relay' }>): void {
    const call = this.#call;
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
    const call = this.#call;
    if (call) this.#finishCall(call, 'disconnected', CallEndReason.UNKNOWN);
    this.#held = null;
    this.#dropClient();
    if (event.code === 4409 || /kick|replaced/i.test(event.reason)) {
      this.#events.emit('onKickedOffline', { reason: event.reason || 'kicked' });
    }
    this.#events.emit('onError', {
      code: ErrorCode.CONNECTION_FAILED,
      message: `signaling connection lost (${event.code}${event.reason ? ` ${event.reason}` : ''})`,
    });
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
      });
    } catch (error) {
      this.#events.emit('onError', { code: ErrorCode.NOT_SUPPORTED_WEBRTC, message: `cannot create a peer connection: ${String(error)}` });
      return null;
    }
    call.peers.set(userId, peer);
    this.#pcs.add(peer.pc);
    peer.addLocalTracks(this.#media.stream);
    return peer;
  }

  #closePeer(call: ActiveCall, userId: string): void {
    const peer = call.peers.get(userId);
    if (!peer) return;
    call.peers.delete(userId);
    peer.close();
    this.#meter.set(userId, null);
    this.#events.emit('onRemoteStream', { userId, stream: null });
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

  #sendMediaState(): void {
    const call = this.#call;
    if (!call || call.phase !== 'connected' || !call.callId) return;
    this.#client?.send({
      type: 'media-state',
      callId: call.callId,
      audio: this.#media.audioEnabled,
      video: this.#media.videoEnabled,
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
    this.#deliverHeld();
  }

  /** A held invitation (glare) rings once our own call is over, if it is still fresh. */
  #deliverHeld(): void {
    const held = this.#held;
    if (!held || this.#call) return;
    this.#held = null;
    if (Date.now() < held.expiresAt && this.#client) this.#ring(held.message);
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
          qualities[userId] = await peer.sampleQuality();
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

  #watchDevices(): void {
    const devices = (globalThis as { navigator?: Navigator }).navigator?.mediaDevices;
    if (!devices?.addEventListener || this.#deviceListener) return;
    this.#deviceListener = () => {
      void listDevices().then(
        (list) => this.#events.emit('onDeviceUpdated', { devices: list }),
        noop,
      );
    };
    devices.addEventListener('devicechange', this.#deviceListener);
  }

  #unwatchDevices(): void {
    const listener = this.#deviceListener;
    this.#deviceListener = null;
    if (listener) (globalThis as { navigator?: Navigator }).navigator?.mediaDevices?.removeEventListener('devicechange', listener);
  }
}
