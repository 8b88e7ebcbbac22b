/**
 * The `tuicall` engine: this kit's elements on Tencent's own engine, `TUICallEngine` from
 * `@tencentcloud/call-engine-js` (the engine under TUICallKit's Vue kit). It adapts that engine to
 * the `CallEngine` contract, so it speaks what TUICallKit apps speak by construction:
 * - **v3** (`protocol: 'v3'`, the default): `calls()` goes to Tencent's server-side call service,
 *   the only mode of the React kit and the default of TUICallKit 4.x mobile apps;
 * - **v2** (`protocol: 'v2'`): `call` / `groupCall` over chat signaling, like the `tencent` engine.
 * It rings for both protocols' invitations in either mode.
 *
 * Differences from the `tencent` engine, all the official engine's:
 * - one instance per page (`TUICallEngine` is a singleton);
 * - the app needs the TUICallKit package on its SDKAppID to place calls (answering works without);
 * - media tracks come from the trtc-sdk-v5 instance inside the engine's TRTCCloud (its `_trtc`,
 *   not a public API): when it is not there, the kit shows avatars instead of video;
 * - a call placed in v2 without an app `chat` instance gets its id only once it connects.
 * Presence is the `tencent` engine's (`../tencent/presence.ts`) over the same chat instance.
 *
 * Nothing is imported from the SDKs at module load: the default loader uses dynamic `import()`.
 */
import { CallEndReason, CallMediaType, CallRole, VideoResolution, type DeviceKind } from '../../constants.js';
import { CallKitError, ErrorCode, invalidParameter } from '../../errors.js';
import { Emitter } from '../emitter.js';
import { TencentPresence } from '../tencent/presence.js';
import type { ChatLike } from '../tencent/sdk-types.js';
import type { CallEngine, CallEngineEvents, DeviceInfo, EndCause, EngineCallParams, EngineLoginParams, PresenceEntry } from '../types.js';
import type { TUICallEngineLike, TUICallEngineModule } from './official-types.js';
import { TuicallStreams, type TuiCall } from './streams.js';
import { CAUSE, isSwitchToAudio, loadChat, loadOfficialEngine, official, watchChat, type SignalingInvite } from './support.js';
import { V2Calls } from './v2-calls.js';

export interface TUICallEngineOptions {
  /** Loads `@tencentcloud/call-engine-js` (default: `import()` of it). */
  loadEngine?: () => Promise<TUICallEngineModule>;
  /** The app's chat instance (TUICallKit's `tim`); default: one created with `@tencentcloud/chat`. */
  chat?: object;
  /** Loads `@tencentcloud/chat` when no `chat` is given (default: `import()` of it). */
  loadChat?: () => Promise<{ create(options: { SDKAppID: number }): object }>;
  /** How `calls()` places calls: 'v3' (default, Tencent's call service) or 'v2' (chat signaling). */
  protocol?: 'v2' | 'v3';
  /** Builds the MediaStreams handed to the elements (default `new MediaStream(tracks)`). */
  createMediaStream?: (tracks: MediaStreamTrack[]) => MediaStream | null;
}

const DEFAULT_TIMEOUT_S = 30;
const noop = (): void => undefined;

type Payload = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const media = (v: unknown): CallMediaType => (v === CallMediaType.AUDIO ? CallMediaType.AUDIO : CallMediaType.VIDEO);

function defaultStream(tracks: MediaStreamTrack[]): MediaStream | null {
  return typeof MediaStream === 'function' ? new MediaStream(tracks) : null;
}

export class TUICallEngineAdapter implements CallEngine {
  readonly name = 'tuicall';
  readonly #events = new Emitter<CallEngineEvents>();
  readonly #options: TUICallEngineOptions;
  #engine: TUICallEngineLike | null = null;
  #userId = '';
  #call: TuiCall | null = null;
  /** The inviteID of the official engine's last own invitation (seen through the chat it uses). */
  #lastInviteId = '';
  #localSeq = 0;
  #off: (() => void)[] = [];
  readonly #media: TuicallStreams;
  /** v2 calls seen on chat signaling (their join and inviteUser cannot go to the v3 call service). */
  readonly #v2 = new V2Calls();
  /** The chat instance while logged in; presence over its user status API (busy: in our call's room). */
  readonly #chat: { chat: ChatLike | null } = { chat: null };
  readonly #presence = new TencentPresence(this.#events, this.#chat, (id) => Boolean(this.#call?.joined?.has(id)));

  constructor(options: TUICallEngineOptions = {}) {
    this.#options = options;
    this.#media = new TuicallStreams({
      events: this.#events,
      engine: () => this.#engine,
      call: () => this.#call,
      self: () => this.#userId,
      createStream: options.createMediaStream ?? defaultStream,
    });
  }

  on<K extends keyof CallEngineEvents>(event: K, listener: (payload: CallEngineEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof CallEngineEvents>(event: K, listener: (payload: CallEngineEvents[K]) => void): void {
    this.#events.off(event, listener);
  }

  /** The current call's id, or null. */
  get callId(): string | null {
    return this.#call?.callId || null;
  }

  // ---- login ------------------------------------------------------------------------------------

  async login(params: EngineLoginParams): Promise<void> {
    const sdkAppId = Number(params?.SDKAppID);
    if (!Number.isInteger(sdkAppId) || sdkAppId <= 0) throw invalidParameter('SDKAppID must be a positive integer');
    if (typeof params.userID !== 'string' || !params.userID) throw invalidParameter('userID must be a non-empty string');
    if (typeof params.userSig !== 'string' || !params.userSig) throw invalidParameter('userSig must be a non-empty string');
    this.#events.emit('onConnectionStateChanged', { state: 'connecting' });
    try {
      const mod = await (this.#options.loadEngine ?? loadOfficialEngine)();
      const chat = this.#options.chat ?? (await (this.#options.loadChat ?? loadChat)()).create({ SDKAppID: sdkAppId });
      const options = { SDKAppID: sdkAppId, tim: this.#watchChat(chat), framework: 'callkit-elements' };
      try {
        this.#engine = mod.TUICallEngine.createInstance(options);
      } catch {
        // createInstance throws until the engine's WebAssembly core is ready.
        await new Promise<void>((resolve) => mod.TUICallEngine.once('ready', resolve));
        this.#engine = mod.TUICallEngine.createInstance(options);
      }
      this.#bind(this.#engine);
      await this.#engine.login({ userID: params.userID, userSig: params.userSig });
      this.#chat.chat = chat as ChatLike;
    } catch (error) {
      this.#unbind();
      this.#events.emit('onConnectionStateChanged', { state: 'failed' });
      throw official(error, 'login failed', ErrorCode.CONNECTION_FAILED);
    }
    this.#userId = params.userID;
    this.#events.emit('onConnectionStateChanged', { state: 'connected' });
    if (params.profile && (params.profile.name || params.profile.avatar)) await this.setSelfInfo(params.profile).catch(noop);
  }

  async logout(): Promise<void> {
    const engine = this.#engine;
    if (!engine) return;
    if (this.#call) await this.hangup().catch(noop);
    this.#unbind();
    this.#presence.clear();
    this.#chat.chat = null;
    await engine.logout().catch(noop);
    this.#v2.clear();
    this.#engine = null;
    this.#userId = '';
    this.#events.emit('onConnectionStateChanged', { state: 'disconnected' });
  }

  async destroy(): Promise<void> {
    await this.logout();
    this.#events.removeAllListeners();
  }

  async setSelfInfo(profile: { name?: string; avatar?: string }): Promise<void> {
    await this.#require().setSelfInfo({ nickName: profile?.name ?? '', avatar: profile?.avatar ?? '' });
  }

  subscribePresence(userIds: string[]): Promise<PresenceEntry[]> {
    return this.#presence.subscribe(userIds);
  }

  unsubscribePresence(userIds?: string[]): Promise<void> {
    return this.#presence.unsubscribe(userIds);
  }

  // ---- calling ----------------------------------------------------------------------------------

  async calls(params: EngineCallParams): Promise<{ callId: string }> {
    const engine = this.#require();
    if (this.#call) throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'a call is in progress');
    const list = params?.userIDList;
    if (!Array.isArray(list) || list.length === 0 || list.some((id) => typeof id !== 'string' || !id)) {
      throw invalidParameter('userIDList must be a non-empty array of user ids');
    }
    if (list.includes(this.#userId)) throw new CallKitError(ErrorCode.SELF_CALL, 'you cannot call yourself');
    const mediaType = params.mediaType;
    if (mediaType !== CallMediaType.AUDIO && mediaType !== CallMediaType.VIDEO)
      throw invalidParameter('mediaType must be AUDIO (1) or VIDEO (2)');
    const groupID = typeof params.groupID === 'string' ? params.groupID : '';
    const timeout = typeof params.timeout === 'number' && params.timeout >= 0 ? params.timeout : DEFAULT_TIMEOUT_S;
    const userData = typeof params.userData === 'string' ? params.userData : undefined;
    const v2 = this.#options.protocol === 'v2';
    const call: TuiCall = { callId: '', role: CallRole.CALLER, mediaType, groupID, connected: false, remotes: new Map(), v2 };
    call.invitees = new Set(list);
    this.#call = call;
    this.#lastInviteId = '';
    try {
      if (v2) {
        if (groupID) await engine.groupCall({ userIDList: list, type: mediaType, groupID, timeout, userData });
        else if (list.length === 1) await engine.call({ userID: list[0], type: mediaType, timeout, userData });
        else throw invalidParameter('v2 calls to several users need a groupID');
      } else {
        await engine.calls({ userIDList: list, type: mediaType, chatGroupID: groupID || undefined, timeout, userData });
      }
    } catch (error) {
      if (this.#call === call) this.#call = null;
      throw official(error, 'the call could not be placed');
    }
    call.callId = this.#lastInviteId || `tuicall-${++this.#localSeq}`;
    const event: CallEngineEvents['onCallStarted'] = { callId: call.callId, mediaType, members: list.map((userId) => ({ userId })) };
    if (groupID) event.groupID = groupID;
    this.#events.emit('onCallStarted', event);
    if (mediaType === CallMediaType.VIDEO) await this.#openCamera(engine).catch(noop);
    this.#media.local();
    return { callId: call.callId };
  }

  async accept(options: { mediaType?: CallMediaType; callId?: string } = {}): Promise<void> {
    const engine = this.#require();
    const call = this.#call;
    if (!call || call.role !== CallRole.CALLEE || call.connected || (options?.callId !== undefined && options.callId !== call.callId)) {
      throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no incoming call to accept');
    }
    const audioOnly = options?.mediaType === CallMediaType.AUDIO && call.mediaType === CallMediaType.VIDEO;
    // An audio-only answer is an audio call from its beginning (like the other engines).
    if (audioOnly) {
      call.mediaType = CallMediaType.AUDIO;
      this.#events.emit('onCallMediaTypeChanged', { mediaType: CallMediaType.AUDIO });
    }
    try {
      await engine.accept();
    } catch (error) {
      throw official(error, 'accept failed');
    }
    if (audioOnly) {
      await engine.closeCamera().catch(noop);
      // Tells the caller (its promise never settles in 3.3.4: not awaited).
      void engine.switchCallMediaType(CallMediaType.AUDIO).catch(noop);
    } else if (call.mediaType === CallMediaType.VIDEO) {
      await this.#openCamera(engine).catch(noop);
    }
    this.#media.local();
  }

  async reject(options: { callId?: string } = {}): Promise<void> {
    const engine = this.#require();
    const call = this.#call;
    if (!call || call.role !== CallRole.CALLEE || call.connected || (options?.callId !== undefined && options.callId !== call.callId)) {
      throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no incoming call to reject');
    }
    // Ended here first: the official engine's own end event for it says "not connected".
    this.#end(call, CallEndReason.REJECT, 'rejected');
    await engine.reject().catch(noop);
  }

  async hangup(): Promise<void> {
    const call = this.#call;
    if (!call || !this.#engine) return;
    const engine = this.#engine;
    if (call.role === CallRole.CALLEE && !call.connected) return this.reject();
    this.#end(call, call.connected ? CallEndReason.HANGUP : CallEndReason.CANCELED, call.connected ? 'hangup' : 'cancelled');
    await engine.hangup().catch(noop);
  }

  async inviteUser(params: { userIDList: string[]; timeout?: number }): Promise<void> {
    const engine = this.#require();
    const call = this.#call;
    if (!call) throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no call to invite users into');
    // TUICallEngine 3.3.4 hands a v2 1v1 call's inviteUser to its v3 call manager, which has no
    // such call: it sends nothing and never settles (docs/tuicall-v3.md). v2 extends group calls.
    if (call.v2 && !call.groupID) {
      throw new CallKitError(
        ErrorCode.FAILED,
        'inviteUser is not possible in a v2 1v1 call (TUICallEngine would send nothing and never answer): place the call with a groupID, or in v3',
        'not-supported',
      );
    }
    await engine.inviteUser({ userIDList: params.userIDList, timeout: params.timeout }).catch((error: unknown) => {
      throw official(error, 'inviteUser failed');
    });
    for (const userId of params.userIDList) this.#events.emit('onUserInvited', { userId });
  }

  /**
   * Enters a running call by its id: a v3 call through Tencent's call service; a v2 group call
   * this tab saw (invited, declined, missed or left) by its group and room, as TUICallKit's
   * `joinInGroupCall`; a v2 1v1 call cannot be joined (SERVER_ERROR `call-not-found`).
   */
  async join(params: { callId: string; mediaType?: CallMediaType }): Promise<void> {
    const engine = this.#require();
    if (this.#call) throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'a call is already in progress');
    const v2 = this.#v2.get(params.callId);
    if (v2) {
      if (!v2.groupID || v2.room === null) {
        throw new CallKitError(ErrorCode.SERVER_ERROR, 'a v2 1v1 call cannot be joined (v2 has no call service)', 'call-not-found');
      }
      await this.#joinGroup(engine, v2.callId, v2.groupID, v2.room, params.mediaType ?? v2.mediaType);
      return;
    }
    const call: TuiCall = {
      callId: params.callId,
      role: CallRole.CALLEE,
      mediaType: params.mediaType ?? CallMediaType.AUDIO,
      groupID: '',
      connected: false,
      remotes: new Map(),
    };
    this.#call = call;
    try {
      await engine.join({ callId: params.callId });
    } catch (error) {
      if (this.#call === call) this.#call = null;
      throw official(error, 'join failed', ErrorCode.SERVER_ERROR);
    }
    this.#events.emit('onCallStarted', { callId: call.callId, mediaType: call.mediaType, role: CallRole.CALLEE, members: [] });
  }

  /** v2: enters a running group call by its room (TUICallKit's `joinInGroupCall`). */
  async joinInGroupCall(params: { groupID: string; roomID: number | string; mediaType: CallMediaType }): Promise<{ callId: string }> {
    const engine = this.#require();
    if (this.#call) throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'a call is already in progress');
    const callId = `${params.groupID}:${String(params.roomID)}`;
    await this.#joinGroup(engine, callId, params.groupID, params.roomID, media(params.mediaType));
    return { callId };
  }

  async #joinGroup(
    engine: TUICallEngineLike,
    callId: string,
    groupID: string,
    roomID: number | string,
    mediaType: CallMediaType,
  ): Promise<void> {
    const call: TuiCall = { callId, role: CallRole.CALLEE, mediaType, groupID, connected: false, remotes: new Map(), v2: true };
    this.#call = call;
    const room = typeof roomID === 'number' ? { roomID } : { strRoomID: roomID };
    try {
      await engine.joinInGroupCall({ type: mediaType, groupID, ...room });
    } catch (error) {
      if (this.#call === call) this.#call = null;
      throw official(error, 'joinInGroupCall failed');
    }
    this.#events.emit('onCallStarted', { callId, mediaType, role: CallRole.CALLEE, groupID, members: [] });
    if (!call.connected) this.#begin(call);
  }

  // ---- media ------------------------------------------------------------------------------------

  async openCamera(): Promise<void> {
    await this.#openCamera(this.#require());
  }

  async closeCamera(): Promise<void> {
    await this.#require().closeCamera();
    await this.#media.settleCamera(false);
  }

  /** No view: the elements render the tracks (the official engine resolves before TRTC has the camera). */
  async #openCamera(engine: TUICallEngineLike): Promise<void> {
    await engine.openCamera('');
    await this.#media.settleCamera(true);
  }

  async openMicrophone(): Promise<void> {
    await this.#require().openMicrophone();
    this.#media.local();
  }

  async closeMicrophone(): Promise<void> {
    await this.#require().closeMicrophone();
  }

  async switchDevice(params: { deviceType: DeviceKind; deviceId: string }): Promise<void> {
    await this.#require().switchDevice({ deviceType: params.deviceType, deviceId: params.deviceId });
    this.#media.local();
  }

  async getDeviceList(deviceType?: DeviceKind): Promise<DeviceInfo[]> {
    const engine = this.#require();
    const kinds: DeviceKind[] = deviceType ? [deviceType] : ['camera', 'microphone', 'speaker'];
    const out: DeviceInfo[] = [];
    for (const kind of kinds) {
      const list = await engine.getDeviceList(kind).catch(() => []);
      if (!Array.isArray(list)) continue;
      for (const d of list as Payload[]) out.push({ deviceId: str(d.deviceId), label: str(d.label) || str(d.deviceName), kind });
    }
    return out;
  }

  async setVideoQuality(resolution: VideoResolution): Promise<void> {
    await this.#require().setVideoQuality(resolution);
  }

  async switchCallMediaType(mediaType: CallMediaType): Promise<void> {
    const engine = this.#require();
    const call = this.#call;
    if (!call) throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no call');
    if (mediaType === call.mediaType) return;
    // TUICallEngine switches video -> audio only ("not support audio to video").
    if (mediaType !== CallMediaType.AUDIO)
      throw new CallKitError(ErrorCode.SWITCH_TO_VIDEO_CALL_FAILED, 'TUICallEngine cannot switch to video', 'not-supported');
    // TUICallEngine 3.3.4's own promise never settles (its defect): do not wait for it.
    void engine.switchCallMediaType(CallMediaType.AUDIO).catch(noop);
    await this.#toAudio(call);
  }

  /** The call becomes an audio call here: camera off, the elements told. */
  async #toAudio(call: TuiCall): Promise<void> {
    call.mediaType = CallMediaType.AUDIO;
    await this.#engine?.closeCamera().catch(noop);
    if (this.#call !== call) return;
    this.#events.emit('onCallMediaTypeChanged', { mediaType: CallMediaType.AUDIO });
    this.#media.local();
  }

  // ---- the official engine's events -------------------------------------------------------------

  #bind(engine: TUICallEngineLike): void {
    this.#unbind();
    const on = (name: string, fn: (p: Payload) => void): void => {
      const handler = (payload: unknown): void => fn((payload && typeof payload === 'object' ? payload : {}) as Payload);
      engine.on(name, handler);
      this.#off.push(() => engine.off(name, handler));
    };
    on('onCallReceived', (p) => this.#onReceived(p));
    on('onCallBegin', (p) => {
      const call = this.#call;
      if (!call) return;
      if (!call.callId && str(p.callId)) call.callId = str(p.callId);
      this.#begin(call);
    });
    on('onCallEnd', (p) => this.#onEnd(p, true));
    on('onCallNotConnected', (p) => this.#onEnd(p, false));
    for (const [name, event] of [
      ['onUserAccept', 'onUserAccept'],
      ['onUserReject', 'onUserReject'],
      ['onUserLineBusy', 'onUserLineBusy'],
      ['onUserJoin', 'onUserJoin'],
      ['onUserLeave', 'onUserLeave'],
    ] as const) {
      on(name, (p) => {
        const userId = str(p.userID);
        if (!this.#call || !userId || userId === this.#userId) return;
        const call = this.#call;
        if (event === 'onUserJoin' && !call.connected) {
          (call.early ??= []).push(userId);
          return;
        }
        if (event === 'onUserLeave' && call.early?.includes(userId)) {
          call.early = call.early.filter((id) => id !== userId);
          return;
        }
        if (event === 'onUserLeave') this.#media.drop(userId);
        if (event === 'onUserReject') this.#call.declined = CallEndReason.REJECT;
        if (event === 'onUserLineBusy') this.#call.declined = CallEndReason.LINE_BUSY;
        if (event === 'onUserAccept' && !this.#accepted(call, userId)) return;
        if (event === 'onUserJoin') return this.#joined(call, userId);
        if (event === 'onUserLeave') call.joined?.delete(userId);
        this.#events.emit(event, { userId });
      });
    }
    on('onUserNoResponse', (p) => {
      if (!this.#call || !Array.isArray(p.userIDList)) return;
      this.#call.declined = CallEndReason.NO_RESPONSE;
      for (const id of p.userIDList) if (typeof id === 'string') this.#events.emit('onUserNoResponse', { userId: id });
    });
    on('onUserVideoAvailable', (p) => this.#media.available(str(p.userID), 'video', Boolean(p.isVideoAvailable)));
    on('onUserAudioAvailable', (p) => this.#media.available(str(p.userID), 'audio', Boolean(p.isAudioAvailable)));
    on('onUserVoiceVolumeChanged', (p) => {
      const map = p.volumeMap;
      if (!this.#call || !map || typeof map !== 'object') return;
      const volumes: Record<string, number> = {};
      for (const [id, v] of Object.entries(map as Record<string, unknown>)) volumes[id] = Math.max(0, Math.min(100, Math.round(num(v))));
      this.#events.emit('onUserVoiceVolumeChanged', { volumes });
    });
    on('onCallMediaTypeChanged', (p) => {
      const call = this.#call;
      const next = media(p.newMediaType ?? p.callMediaType ?? p.mediaType);
      if (!call || next === call.mediaType) return;
      call.mediaType = next;
      this.#events.emit('onCallMediaTypeChanged', { mediaType: next });
    });
    on('onKickedOffLine', () => {
      const call = this.#call;
      if (call) this.#end(call, CallEndReason.UNKNOWN, 'disconnected');
      this.#events.emit('onConnectionStateChanged', { state: 'disconnected' });
      this.#presence.clear();
      this.#events.emit('onKickedOffline', { reason: 'kicked' });
    });
    on('onUserSigExpired', () =>
      this.#events.emit('onError', { code: 70001, message: 'the UserSig expired: log in again with a new one' }),
    );
    on('onError', (p) => this.#events.emit('onError', { code: num(p.code) || ErrorCode.FAILED, message: str(p.message) }));
  }

  #unbind(): void {
    for (const off of this.#off.splice(0)) off();
    this.#media.reset();
  }

  #onReceived(p: Payload): void {
    if (this.#call) return; // the official engine answers further invitations busy itself
    const caller = str(p.callerId);
    const callees = Array.isArray(p.calleeIdList) ? p.calleeIdList.filter((id): id is string => typeof id === 'string') : [];
    const call: TuiCall = {
      callId: str(p.callId) || `tuicall-${++this.#localSeq}`,
      role: CallRole.CALLEE,
      mediaType: media(p.callMediaType),
      groupID: str(p.chatGroupID),
      connected: false,
      remotes: new Map(),
    };
    call.v2 = Boolean(this.#v2.get(call.callId));
    call.invitees = new Set(callees.filter((id) => id !== this.#userId));
    this.#call = call;
    const event: CallEngineEvents['onCallReceived'] = {
      callId: call.callId,
      caller: { userId: caller },
      calleeIdList: callees,
      members: [caller, ...callees].map((userId) => ({ userId })),
      mediaType: call.mediaType,
    };
    if (call.groupID) event.groupID = call.groupID;
    if (typeof p.userData === 'string') event.userData = p.userData;
    this.#events.emit('onCallReceived', event);
  }

  #begin(call: TuiCall): void {
    if (call.connected) return;
    call.connected = true;
    this.#events.emit('onCallBegin', { callId: call.callId, mediaType: call.mediaType, role: call.role });
    for (const userId of call.early?.splice(0) ?? []) this.#joined(call, userId);
    this.#media.watch();
    this.#media.local();
  }

  /** False when this user's accept was told already. */
  #accepted(call: TuiCall, userId: string): boolean {
    if (call.accepted?.has(userId)) return false;
    (call.accepted ??= new Set()).add(userId);
    return true;
  }

  /** A user is in the room; an invitee not seen accepting (a v2 join by call id signals nothing) is told as accepting first, as on the other engines. */
  #joined(call: TuiCall, userId: string): void {
    if (call.invitees?.has(userId) && this.#accepted(call, userId)) this.#events.emit('onUserAccept', { userId });
    (call.joined ??= new Set()).add(userId);
    this.#events.emit('onUserJoin', { userId });
    this.#media.remote(userId);
  }

  #onEnd(p: Payload, connected: boolean): void {
    const call = this.#call;
    if (!call) return;
    // The official group manager ends on the last member's exit without telling it left.
    for (const userId of call.connected ? (call.joined ?? []) : []) {
      this.#media.drop(userId);
      this.#events.emit('onUserLeave', { userId });
    }
    let reason = num(p.reason);
    // An unanswered call the caller did not cancel: it ends the way the callees answered.
    if (!CAUSE[reason] && !connected && !call.connected && call.role === CallRole.CALLER && call.declined) reason = call.declined;
    if (!CAUSE[reason] && !connected && !call.connected && call.timedOut) reason = CallEndReason.NO_RESPONSE;
    const cause: EndCause =
      CAUSE[reason] ?? (connected || call.connected ? 'hangup' : call.role === CallRole.CALLER ? 'cancelled' : 'cancelled');
    const known = CAUSE[reason] ? (reason as CallEndReason) : cause === 'hangup' ? CallEndReason.HANGUP : CallEndReason.CANCELED;
    this.#end(call, known, cause, num(p.totalTime));
  }

  #end(call: TuiCall, reason: CallEndReason, cause: EndCause, totalTime = 0): void {
    if (this.#call !== call) return;
    this.#call = null;
    this.#media.end(call);
    this.#events.emit('onCallEnd', { callId: call.callId, reason, cause, totalTime });
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Chat's INVITATION_TIMEOUT: a ringing callee's invitation timed out (its end says 'timeout', not 'cancelled'). */
  readonly #chatTimeout = (data: { inviteID?: unknown }): void => {
    const call = this.#call;
    if (call && !call.connected && call.role === CallRole.CALLEE && data.inviteID === call.callId) call.timedOut = true;
  };

  /**
   * Chat's NEW_INVITATION_RECEIVED: notes v2 calls, and applies the other side's switch to audio
   * (TUICallEngine 3.3.4 accepts it but never applies it: reference, switch to audio not honoured).
   */
  readonly #chatInvite = (data: SignalingInvite): void => {
    this.#v2.note(data.inviteID, data.groupID, data.data);
    const call = this.#call;
    if (call && call.mediaType === CallMediaType.VIDEO && data.inviter !== this.#userId && isSwitchToAudio(data.data))
      void this.#toAudio(call);
  };

  /** The chat instance handed to the official engine ({@link watchChat}). */
  #watchChat(chat: object): object {
    return watchChat(chat, {
      timeout: this.#chatTimeout,
      invitation: this.#chatInvite,
      sent: (inviteID, options) => {
        if (!this.#lastInviteId) this.#lastInviteId = inviteID;
        this.#v2.note(inviteID, options.groupID, options.data);
      },
    });
  }

  #require(): TUICallEngineLike {
    if (!this.#engine) throw new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call login() first');
    return this.#engine;
  }
}
