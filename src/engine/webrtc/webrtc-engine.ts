/**
 * The default engine: browser WebRTC (a mesh, or an SFU) driven by our signaling server (`callkit-server`,
 * protocol in `src/protocol/messages.ts`); how a call goes: docs/webrtc-engine.md. This file holds the
 * `CallEngine` methods (the user's moves) and the session; the server-driven call state machine is in
 * `call-machine.ts`, media and peers in `call-media.ts`, reconnection in `reconnect.ts`.
 */
import { CallMediaType, CallRole, MAX_RING_TIMEOUT_S, MIN_RING_TIMEOUT_S, type DeviceKind, type VideoResolution } from '../../constants.js';
import { CallKitError, ErrorCode, invalidParameter } from '../../errors.js';
import { detectCapabilities, unsupportedBrowser, unsupportedVideo, type Capabilities } from '../capabilities.js';
import type { ServerMessage } from '../../protocol/messages.js';
import type { Listener } from '../emitter.js';
import type {
  CallEngine,
  CallEngineEvents,
  CallRecordsPage,
  DeviceInfo,
  EngineCallParams,
  EngineLoginParams,
  GroupCallInfo,
  PresenceEntry,
} from '../types.js';
import { CallMachine } from './call-machine.js';
import type { CallMedia } from './call-media.js';
import { EngineContext, endingOf, fromWireMedia, inviteeList, newCall, noop, toWireMedia } from './call-model.js';
import { setFocus, setTileSizes } from './focus.js';
import { Connection, loginMessage } from './connection.js';
import { attachDebug, debugHooks } from './debug.js';
import { listDevices } from '../../media/devices.js';
import { DeviceWatch } from './device-watch.js';
import { callMediaOptions, MediaHalf, probePeer, type MediaImport } from './media-half.js';
import { Reconnector, type Session } from './reconnect.js';
import { IceConfig, turnFetcher } from './turn.js';
import type { ClientRequest } from './signaling-client.js';
import type { WebRTCEngineOptions } from './options.js';

export type { WebRTCEngineOptions } from './options.js';

export class WebRTCEngine implements CallEngine {
  readonly name = 'webrtc';
  readonly #ctx = new EngineContext();
  /** Peers, capture and the rest of a call's media: a chunk loaded on first use (`media-half.ts`). */
  readonly #media: MediaHalf;
  readonly #devices = new DeviceWatch();
  readonly #machine: CallMachine;
  readonly #reconnector: Reconnector;
  readonly #connection: Connection;
  readonly #ice: IceConfig;
  #profile: { name?: string; avatar?: string } = {};
  #destroyed = false;
  /** The session, kept to log in again after a lost socket. */
  #session: Session | null = null;
  readonly #capabilities: Capabilities | undefined;
  readonly #injectedSocket: boolean;

  constructor(options: WebRTCEngineOptions = {}, loadMedia?: MediaImport) {
    this.#capabilities = options.capabilities;
    this.#injectedSocket = options.WebSocket !== undefined;
    this.#ice = new IceConfig(options.iceServers ?? [], turnFetcher(this.#ctx));
    const rtcConfiguration = () => this.#ice.configuration();
    this.#media = new MediaHalf(
      this.#ctx,
      callMediaOptions(options, rtcConfiguration, () => this.#machine),
      loadMedia,
    );
    this.#machine = new CallMachine(this.#ctx, this.#media);
    this.#reconnector = new Reconnector(
      this.#ctx,
      this.#machine,
      {
        session: () => this.#session,
        alive: () => !this.#destroyed,
        openClient: (url) => this.#connection.open(url),
        detachClient: () => this.#connection.detach(),
        dropClient: () => this.#connection.drop(),
        loginMessage: (session) => loginMessage(session, this.#ctx.userId, this.#profile, this.#machine.queue.callWaiting),
        sendMediaState: () => this.#media.now?.sendMediaState(),
      },
      { giveUpMs: options.reconnectGiveUpMs, delayScale: options.reconnectDelayScale },
    );
    this.#connection = new Connection(
      this.#ctx,
      { requestTimeoutMs: options.requestTimeoutMs, WebSocket: options.WebSocket },
      {
        message: (message) => {
          if (message.type === 'login-ok' || message.type === 'turn') this.#ice.update(message.turn);
          this.#machine.onMessage(message);
        },
        lost: (client, event) => this.#reconnector.onLost(client, event),
        forwardsState: () => !this.#reconnector.active,
      },
    );
    attachDebug(this, debugHooks(this.#ctx, this.#media, this.#machine, this.#reconnector));
  }

  on<K extends keyof CallEngineEvents>(event: K, listener: Listener<CallEngineEvents[K]>): () => void {
    return this.#ctx.events.on(event, listener);
  }

  off<K extends keyof CallEngineEvents>(event: K, listener: Listener<CallEngineEvents[K]>): void {
    this.#ctx.events.off(event, listener);
  }

  /** What this page offers the engine: RTCPeerConnection, getUserMedia, a secure context, WebSocket. */
  getCapabilities(): Capabilities {
    if (this.#capabilities) return { ...this.#capabilities, missing: [...this.#capabilities.missing] };
    const found = detectCapabilities();
    if (!this.#injectedSocket || found.webSocket) return found;
    const missing = found.missing.filter((m) => m !== 'WebSocket');
    return { ...found, webSocket: true, missing, canCall: missing.length === 0 };
  }

  /**
   * UNSUPPORTED_BROWSER when this page cannot carry a call (logged in with `stayReachable`),
   * NOT_SUPPORTED_WEBRTC when no peer connection can be made (nothing is sent then).
   */
  #assertCanCall(): void {
    if (this.#ctx.unsupported) throw unsupportedBrowser(this.getCapabilities());
    const unusable = probePeer(this.#ice.configuration());
    if (unusable) throw unusable;
  }

  // ---- session ---------------------------------------------------------------------------------

  /**
   * Connects to `params.server` (required: INVALID_PARAMETER without it) and logs in. Rejects with
   * CONNECTION_FAILED (reason = the server's code, e.g. `auth-failed`, or `timeout`/`closed`).
   * Logging in again first logs out (ending any call). A page that cannot carry calls
   * ({@link getCapabilities}) fails with UNSUPPORTED_BROWSER before connecting, unless
   * `params.stayReachable`: then it logs in and declines every invitation (reason `unsupported`).
   * Bounded: the socket must open and the server answer the login within `requestTimeoutMs`.
   */
  async login(params: EngineLoginParams): Promise<void> {
    this.#assertAlive();
    if (!params || typeof params.server !== 'string' || !params.server) {
      throw invalidParameter('server (the signaling WebSocket URL) is required by the WebRTC engine');
    }
    if (!Number.isInteger(params.SDKAppID) || params.SDKAppID <= 0) throw invalidParameter('SDKAppID must be a positive integer');
    if (typeof params.userID !== 'string' || !params.userID) throw invalidParameter('userID is required');
    if (typeof params.userSig !== 'string' || !params.userSig) throw invalidParameter('userSig is required');
    const capabilities = this.getCapabilities();
    if (!capabilities.canCall && params.stayReachable !== true) throw unsupportedBrowser(capabilities);
    if (this.#ctx.client) await this.logout();
    this.#ctx.unsupported = !capabilities.canCall;

    const client = this.#connection.open(params.server);
    const profile = { ...this.#profile, ...params.profile };
    if (params.callWaiting !== undefined) this.#machine.queue.callWaiting = params.callWaiting === true;
    const login = loginMessage(
      { sdkAppId: params.SDKAppID, userSig: params.userSig },
      params.userID,
      profile,
      this.#machine.queue.callWaiting,
      true,
    );
    // Known before login-ok is processed: the server may push `incoming` right behind it.
    this.#ctx.userId = params.userID;
    try {
      await client.connect(login);
    } catch (error) {
      if (this.#ctx.client === client) {
        this.#connection.drop();
        this.#ctx.userId = '';
      }
      throw error;
    }
    if (this.#ctx.client !== client) throw new CallKitError(ErrorCode.CONNECTION_FAILED, 'logged out while logging in', 'closed');
    this.#profile = profile;
    this.#session = { url: params.server, sdkAppId: params.SDKAppID, userSig: params.userSig };
    this.#devices.start((devices) => this.#ctx.events.emit('onDeviceUpdated', { devices }));
    this.#reconnector.watchNetwork();
  }

  /** Hangs up any call, closes the socket and clears every timer. The engine can log in again. */
  async logout(): Promise<void> {
    this.#session = null;
    this.#ice.reset();
    this.#reconnector.reset();
    this.#machine.queue.withdrawAll('disconnected');
    await this.hangup();
    this.#machine.dropHeld();
    await this.#media.now?.reset();
    this.#devices.stop();
    this.#connection.drop();
    this.#connection.presence.clear();
    this.#ctx.userId = '';
  }

  /** Logout + removes every listener; the engine is unusable afterwards. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    await this.logout();
    this.#destroyed = true;
    this.#ctx.events.removeAllListeners();
  }

  /** Call waiting on/off (`../ringing-queue.ts`); sent to the server at once when logged in. */
  async setCallWaiting(enable: boolean): Promise<void> {
    this.#assertAlive();
    this.#machine.queue.callWaiting = enable === true;
    const client = this.#ctx.client;
    if (client && client.state === 'connected') await client.request({ type: 'profile', callWaiting: this.#machine.queue.callWaiting });
  }

  /** Changes our name/avatar (sent to the server when logged in). */
  async setSelfInfo(profile: { name?: string; avatar?: string }): Promise<void> {
    this.#assertAlive();
    const next = { ...this.#profile };
    if (profile.name !== undefined) next.name = profile.name;
    if (profile.avatar !== undefined) next.avatar = profile.avatar;
    const client = this.#ctx.client;
    if (client && client.state === 'connected') {
      const message: ClientRequest = { type: 'profile' };
      if (next.name !== undefined) message.name = next.name;
      if (next.avatar !== undefined) message.avatar = next.avatar;
      await client.request(message);
    }
    this.#profile = next;
  }

  /** A fresh userSig: sent to the server (`renew`) when connected, and used by every later reconnect. */
  async renewUserSig(userSig: string): Promise<void> {
    this.#assertAlive();
    if (!this.#session) throw new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call login() first');
    if (typeof userSig !== 'string' || !userSig) throw invalidParameter('userSig is required');
    const client = this.#ctx.client;
    if (client && client.state === 'connected') await client.request({ type: 'renew', userSig });
    this.#session = { ...this.#session, userSig };
  }

  /** Our own call records from the server (`records-query`); NOT_SUPPORTED-like FAILED when it keeps none. */
  async getCallRecords(params: { limit?: number; cursor?: string }): Promise<CallRecordsPage> {
    this.#assertAlive();
    if (!this.#session) throw new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call login() first');
    return this.#connection.queryRecords(params);
  }

  /** Watches users' presence (`presence.ts`: kept across reconnects, forgotten at logout). */
  subscribePresence(userIds: string[]): Promise<PresenceEntry[]> {
    this.#assertAlive();
    return this.#connection.presence.subscribe(this.#connection.require(), userIds);
  }
  unsubscribePresence(userIds?: string[]): Promise<void> {
    return this.#connection.presence.unsubscribe(this.#ctx.client, userIds);
  }

  // ---- calls -----------------------------------------------------------------------------------

  /**
   * Starts an outgoing call. Throws SDK_NOT_INITIALIZED (not logged in), CONNECTION_FAILED (socket
   * lost), ALREADY_IN_CALL, INVALID_PARAMETER / CALLEE_COUNT / SELF_CALL, a media error (nothing is
   * sent then), or SERVER_ERROR (the media captured is stopped). `timeout` is clamped to 10-600 s.
   */
  async calls(params: EngineCallParams): Promise<{ callId: string }> {
    this.#assertAlive();
    const client = this.#connection.require();
    this.#assertCanCall();
    if (this.#ctx.call) throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'a call is already in progress');
    const unique = inviteeList(params?.userIDList, this.#ctx.userId, 'call');
    if (params.mediaType !== CallMediaType.AUDIO && params.mediaType !== CallMediaType.VIDEO) {
      throw invalidParameter('mediaType must be CallMediaType.AUDIO (1) or VIDEO (2)');
    }
    if (params.mediaType === CallMediaType.VIDEO && !this.getCapabilities().canVideo) throw unsupportedVideo();

    const call = newCall(CallRole.CALLER, 'dialing', params.mediaType);
    call.invitees = unique;
    this.#ctx.call = call;
    let media;
    try {
      media = await this.#media.loadFor(call, 'the call was cancelled before it was placed');
      await media.acquire({ audio: true, video: params.mediaType === CallMediaType.VIDEO });
    } catch (error) {
      if (this.#ctx.call === call) {
        this.#ctx.call = null;
        this.#media.now?.local.release();
      }
      throw error;
    }
    if (this.#ctx.call !== call) throw new CallKitError(ErrorCode.INVALID_STATE, 'the call was cancelled before it was placed');

    const invite: ClientRequest = { type: 'invite', to: unique, mediaType: toWireMedia(params.mediaType) };
    if (params.timeout) invite.timeout = Math.min(MAX_RING_TIMEOUT_S, Math.max(MIN_RING_TIMEOUT_S, Math.round(params.timeout)));
    if (params.userData !== undefined) invite.userData = params.userData;
    if (params.groupID) invite.groupId = params.groupID;
    let answer: ServerMessage;
    try {
      answer = await client.request(invite);
      if (answer.type !== 'invite-ok')
        throw new CallKitError(ErrorCode.SERVER_ERROR, `unexpected answer ${answer.type}`, 'invalid-message');
    } catch (error) {
      if (this.#ctx.call === call) {
        this.#ctx.call = null;
        media.local.release();
        this.#machine.deliverHeld();
      }
      throw error;
    }
    if (this.#ctx.call !== call) {
      // hangup() while the invite was on its way: take it back.
      void client.request({ type: 'cancel', callId: answer.callId }).catch(noop);
      throw new CallKitError(ErrorCode.INVALID_STATE, 'the call was cancelled before it was placed');
    }
    this.#machine.onPlaced(call, answer);
    return { callId: call.callId };
  }

  /**
   * Accepts the ringing call. `options.mediaType` AUDIO on a video call (or a page without a video codec) accepts it
   * audio-only. A capture failure throws the mapped CallKitError and leaves the call ringing (retry or reject).
   * Resolves once the server confirmed (`call-started`); `onCallBegin` follows once the media path connected.
   */
  async accept(options?: { mediaType?: CallMediaType; callId?: string }): Promise<void> {
    this.#assertAlive();
    const client = this.#connection.require();
    this.#machine.queue.accept(options?.callId);
    const call = this.#ctx.call;
    if (!call || call.role !== CallRole.CALLEE || call.phase !== 'ringing') {
      throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no ringing call to accept');
    }
    if (call.accepting) throw new CallKitError(ErrorCode.INVALID_STATE, 'the call is already being accepted');
    const capabilities = this.getCapabilities();
    const unusable = capabilities.canCall ? probePeer(this.#ice.configuration()) : unsupportedBrowser(capabilities);
    if (unusable) {
      // Accepting would make a call that carries no media `connected` on both sides.
      this.#machine.declineUnsupported(call);
      throw unusable;
    }
    call.accepting = true;
    // No video codec both ways here: the video call is taken audio-only (an audio call for both in 1v1).
    const audioOnly = call.callMediaType === CallMediaType.AUDIO || options?.mediaType === CallMediaType.AUDIO || !capabilities.canVideo;
    let media;
    try {
      media = await this.#media.loadFor(call, 'the call ended before it was accepted');
      await media.acquire({ audio: true, video: !audioOnly });
    } catch (error) {
      if (this.#ctx.call === call) {
        call.accepting = false;
        this.#media.now?.local.release();
      }
      throw error;
    }
    if (this.#ctx.call !== call) throw new CallKitError(ErrorCode.INVALID_STATE, 'the call ended before it was accepted');
    call.acceptAudioOnly = audioOnly;
    call.acceptSent = true;
    const callId = call.callId;
    try {
      const started = client.request({ type: 'accept', callId }, { match: (m) => m.type === 'call-started' && m.callId === callId });
      // The offer is made while the server answers (held until `call-started`: `preconnect.ts`).
      media.pre.warm(call, media.local.stream);
      await started;
    } catch (error) {
      if (this.#ctx.call === call && call.phase === 'ringing') {
        call.accepting = false;
        call.acceptSent = false;
        media.pre.drop(call, false);
        media.local.release();
        const reason = (error as CallKitError).reason;
        if (reason === 'call-not-found' || reason === 'already-answered') this.#machine.finish(call, 'ended');
      }
      throw error;
    }
  }

  /** Rejects a ringing call: the current one (onCallEnd cause `rejected`), or the pending invitation `callId` (onIncomingWithdrawn). */
  async reject(options?: { callId?: string }): Promise<void> {
    this.#assertAlive();
    const callId = options?.callId;
    const pending = callId === undefined ? undefined : this.#machine.queue.get(callId);
    if (pending) {
      const sent = this.#ctx.client?.request({ type: 'reject', callId: pending.callId, reason: 'declined' });
      this.#machine.queue.withdraw(pending.callId, 'rejected');
      await sent?.catch(noop);
      return;
    }
    if (callId !== undefined && callId !== this.#ctx.call?.callId)
      throw new CallKitError(ErrorCode.INVALID_STATE, `no ringing call ${callId}`);
    const call = this.#ctx.call;
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
    const call = this.#ctx.call;
    if (!call) return;
    const client = this.#ctx.client;
    const ending = endingOf(call);
    let request = ending.request;
    if (request?.type === 'hangup' && this.#reconnector.active) {
      // The socket is down: say it once we are back, while the server still holds our place.
      this.#reconnector.deferHangup(request.callId);
      request = null;
    }
    const sent = request && client ? client.request(request) : null;
    this.#machine.finish(call, ending.cause);
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
    const client = this.#connection.require();
    const call = this.#ctx.call;
    if (!call || !call.callId || !(call.phase === 'connected' || (call.phase === 'dialing' && call.role === CallRole.CALLER))) {
      throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no call to invite users into');
    }
    const unique = inviteeList(params?.userIDList, this.#ctx.userId, 'invite');
    const answer = await client.request({ type: 'invite-user', callId: call.callId, to: unique });
    if (answer.type !== 'ok') throw new CallKitError(ErrorCode.SERVER_ERROR, `unexpected answer ${answer.type}`, 'invalid-message');
  }

  /**
   * Enters a running call we were invited to (protocol `join`: declined, missed, left or still
   * ringing). Captures the microphone (and the camera for `mediaType` VIDEO, or once the server says
   * the call is a video call when `mediaType` is not given; a camera failure then joins audio-only),
   * sends `join`, then behaves as an accepting callee: `onCallStarted` (role callee, the members with
   * their states), we make the first offer to each member; `onCallBegin` once one connects, `onUserJoin` per member.
   */
  async join(params: { callId: string; mediaType?: CallMediaType }): Promise<void> {
    this.#assertAlive();
    const client = this.#connection.require();
    this.#assertCanCall();
    const callId = params?.callId;
    if (typeof callId !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(callId)) throw invalidParameter('callId must be a call id');
    if (params.mediaType !== undefined && params.mediaType !== CallMediaType.AUDIO && params.mediaType !== CallMediaType.VIDEO) {
      throw invalidParameter('mediaType must be CallMediaType.AUDIO (1) or VIDEO (2)');
    }
    const wanted = this.getCapabilities().canVideo ? params.mediaType : CallMediaType.AUDIO; // no video codec: audio-only
    if (this.#ctx.call) throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'a call is already in progress');
    const call = newCall(CallRole.CALLEE, 'ringing', wanted ?? CallMediaType.AUDIO);
    call.callId = callId;
    call.accepting = true;
    call.acceptSent = true;
    call.earlyRelays = [];
    this.#ctx.call = call;
    const drop = () => {
      if (this.#ctx.call !== call) return;
      this.#ctx.call = null;
      this.#media.now?.local.release();
    };
    let answer: ServerMessage;
    try {
      await (await this.#media.loadFor(call, 'hung up before joining')).acquire({ audio: true, video: wanted === CallMediaType.VIDEO });
      if (this.#ctx.call !== call) throw new CallKitError(ErrorCode.INVALID_STATE, 'hung up before joining');
      answer = await client.request({ type: 'join', callId }, { match: (m) => m.type === 'call-started' && m.callId === callId });
      if (answer.type !== 'call-started')
        throw new CallKitError(ErrorCode.SERVER_ERROR, `unexpected answer ${answer.type}`, 'invalid-message');
    } catch (error) {
      drop();
      throw error;
    }
    if (this.#ctx.call !== call) {
      // hangup() while the join was on its way: leave again.
      void client.request({ type: 'hangup', callId }).catch(noop);
      throw new CallKitError(ErrorCode.INVALID_STATE, 'hung up while joining');
    }
    call.resumeToken = answer.resumeToken;
    const mediaType = fromWireMedia(answer.mediaType);
    call.callMediaType = mediaType;
    call.mediaType = mediaType;
    if (mediaType === CallMediaType.VIDEO) {
      if (wanted === CallMediaType.AUDIO) call.acceptAudioOnly = true;
      else if (wanted === undefined) {
        try {
          await (await this.#media.load()).acquire({ audio: true, video: true });
        } catch {
          call.acceptAudioOnly = true; // no camera: join audio-only rather than not at all
        }
        if (this.#ctx.call !== call) throw new CallKitError(ErrorCode.INVALID_STATE, 'hung up while joining');
      }
    }
    this.#machine.onJoined(call, answer);
  }

  async queryGroupCall(groupID: string): Promise<GroupCallInfo | null> {
    this.#assertAlive(); // group-call-query: connection.ts
    return this.#connection.queryGroupCall(groupID);
  }

  // ---- media -----------------------------------------------------------------------------------

  /** Turns the camera on (a new capture; sent with replaceTrack/addTrack). Idle: a local preview. */
  openCamera(): Promise<void> {
    return this.#withMedia((media) => media.openCamera());
  }

  /** Turns the camera off: the track is stopped (camera light off) and replaced by nothing. */
  closeCamera(): Promise<void> {
    return this.#withMedia((media) => media.closeCamera());
  }

  /** Unmutes the microphone (captures it when there is no live track during a call). */
  openMicrophone(): Promise<void> {
    return this.#withMedia((media) => media.openMicrophone());
  }

  /** Mutes the microphone (the track is disabled: silence is sent) and announces it. */
  closeMicrophone(): Promise<void> {
    return this.#withMedia((media) => media.closeMicrophone());
  }

  /** Switches camera/microphone to `deviceId` (a live track recaptured, replaceTrack); the speaker id is only remembered. */
  switchDevice(params: { deviceType: DeviceKind; deviceId: string }): Promise<void> {
    const { deviceType, deviceId } = params ?? {};
    const bad = !['camera', 'microphone', 'speaker'].includes(deviceType) || typeof deviceId !== 'string' || !deviceId;
    return this.#withMedia(
      (m) => m.switchDevice(deviceType, deviceId),
      bad && 'switchDevice needs deviceType camera|microphone|speaker and a deviceId',
    );
  }

  getDeviceList(deviceType?: DeviceKind): Promise<DeviceInfo[]> {
    return listDevices(deviceType);
  }

  /** Capture resolution for the camera (applied to a live track at once). */
  setVideoQuality(resolution: VideoResolution): Promise<void> {
    const bad = !['480p', '720p', '1080p'].includes(resolution);
    return this.#withMedia((m) => m.setResolution(resolution), bad && 'resolution must be 480p, 720p or 1080p');
  }

  /** Blurs our camera's background (`blurLevel` 1..10, 0 off), as the Tencent engine does (README "Backgrounds"). */
  setBlurBackground(blurLevel: number): Promise<void> {
    const bad = !Number.isInteger(blurLevel) || blurLevel < 0 || blurLevel > 10;
    const effect = blurLevel ? ({ type: 'blur', level: blurLevel } as const) : ({ type: 'none' } as const);
    return this.#withMedia((m) => m.setBackground(effect), bad && 'blurLevel must be an integer from 0 (off) to 10');
  }

  /** Puts the image at `url` (same origin, or served with CORS) behind us; `''` turns it off. */
  setVirtualBackground(url: string): Promise<void> {
    const bad = typeof url !== 'string' && 'url must be a string';
    return this.#withMedia((m) => m.setBackground(url ? { type: 'image', url } : { type: 'none' }), bad);
  }

  /** Audio: stops our camera, announces `video: false`. Video: asks the other member (`video-upgrade.ts`). */
  switchCallMediaType(mediaType: CallMediaType): Promise<void> {
    return this.#withMedia((media) => (mediaType === CallMediaType.VIDEO ? media.upgrade.request() : media.switchToAudio()));
  }

  respondVideoRequest(accept: boolean): Promise<void> {
    return this.#withMedia((media) => media.upgrade.respond(accept));
  }

  /** AI noise suppression of the mic we send (RNNoise, lazy); false after `true`: it cannot run (see the event). */
  setAINoiseSuppression(enable: boolean): Promise<boolean> {
    const bad = typeof enable !== 'boolean' && 'setAINoiseSuppression needs a boolean';
    return this.#withMedia((m) => m.setNoiseSuppression(enable), bad);
  }

  /** The member the UI shows large ('' none): through the SFU, their video at the high layer. */
  setFocus(userId: string): void {
    setFocus(this.#ctx, userId);
  }

  /** Each member's tile width in device px (a member missing: no visible tile): through the SFU, the simulcast layer that covers it. */
  setTileSizes(sizes: Readonly<Record<string, number>>): void {
    setTileSizes(this.#ctx, sizes);
  }

  /** Runs `op` on the media half, loaded first if need be (`media-half.ts`); `invalid`: INVALID_PARAMETER with that message instead. */
  #withMedia<T>(op: (media: CallMedia) => Promise<T>, invalid: string | false = false): Promise<T> {
    this.#assertAlive();
    if (invalid) return Promise.reject(invalidParameter(invalid));
    return this.#media.load().then(op);
  }

  // ---- signaling connection --------------------------------------------------------------------

  /** After 'failed' (reconnection gave up): tries again; resolves once connected (and the call resumed or ended), else rejects. */
  reconnect(): Promise<void> {
    this.#assertAlive();
    return this.#reconnector.reconnect();
  }

  #assertAlive(): void {
    if (this.#destroyed) throw new CallKitError(ErrorCode.INVALID_STATE, 'the engine was destroyed');
  }
}
