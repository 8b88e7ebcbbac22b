/**
 * `callKit`: the public facade, compatible with TUICallKit's `TUICallKitServer`. It validates
 * arguments, applies call policy and drives the engine; it writes to the store only what the user
 * asked for (answering, own media, settings). Engine events reach the store through
 * `engine-to-store.ts`; ringtones, title, notifications, toasts and `ck-*` events follow the store
 * in `kit-effects.ts`. The TUICallKit-compatible setters (`setLanguage`, `enableFloatWindow`, ...)
 * live in its base class, `kit-settings.ts`. `<call-kit>` re-dispatches the kit's events.
 */
import { CallMediaType, CallRole, CallStatus, MAX_INVITEES } from '../constants.js';
import type { CallEngine, CallRecordsPage, DeviceInfo, GroupCallInfo, PresenceEntry } from '../engine/types.js';
import { CallKitError, ErrorCode, invalidParameter } from '../errors.js';
import { isRingingForMe } from '../store/selectors.js';
import { CallStore } from '../store/store.js';
import type { ReadonlyStore } from '../store/types.js';
import { withDeadline } from '../engine/deadline.js';
import { detectCapabilities, type Capabilities } from '../engine/capabilities.js';
import { createEngine } from './create-engine.js';
import { EngineToStore, errorMessage, type EngineToStoreHost } from './engine-to-store.js';
import { KitEffects } from './kit-effects.js';
import { KitSettings } from './kit-settings.js';
import type { AcceptOptions, CallsParams, InitParams, KitCallbacks } from './types.js';
import {
  requireObject,
  validateAcceptOptions,
  validateCallId,
  validateCallsParams,
  validateDeviceKind,
  validateEngineChoice,
  validateInitParams,
  validateInvitees,
  validateJoinParams,
  validateMediaType,
  validateSwitchDevice,
  validateUserId,
  validateRecordsQuery,
  validatePresenceUserIds,
} from './validate.js';

export { KIT_EVENTS } from './types.js';
export type {
  AcceptOptions,
  CallEndedDetail,
  CallsParams,
  InitParams,
  KitCallbacks,
  KitEventMap,
  StatusChangedDetail,
  UserEventDetail,
} from './types.js';

/**
 * `init` settles within this whatever the engine does (CONNECTION_FAILED, reason `login-timeout`);
 * the engines' own bounds are shorter (README, "Bounds and capabilities").
 */
export const INIT_TIMEOUT_MS = 30_000;

export class CallKit extends KitSettings {
  readonly #store: CallStore;
  #engine: CallEngine | null = null;
  #unbindEngine: (() => void) | null = null;
  #callbacks: KitCallbacks = {};
  #initializing: Promise<void> | null = null;
  /** Sends hangup when the page goes away (registered at init, removed at teardown). */
  #pageHide: (() => void) | null = null;
  /** What the kit's two halves below need from the facade. */
  #host: EngineToStoreHost = {
    emit: (type, detail) => this.dispatchEvent(new CustomEvent(type, { detail })),
    callbacks: () => this.#callbacks,
    toast: (message, type) => this.#effects.toast(message, type),
    refreshDevices: () => void this.getDeviceList().catch(() => undefined),
  };
  /** Store -> ringtones, title, notifications, toasts, host events (the store's first subscriber). */
  readonly #effects: KitEffects;
  /** Engine events -> store. */
  readonly #events: EngineToStore;

  constructor() {
    const store = new CallStore();
    // The setters (kit-settings.ts, the base class) reach the facade's engine and effects.
    super({
      store,
      engine: (kit) => (kit as CallKit).#engine,
      requireEngine: (kit) => (kit as CallKit).#requireEngine(),
      effects: (kit) => (kit as CallKit).#effects,
    });
    this.#store = store;
    this.#effects = new KitEffects(store, this.#host);
    this.#events = new EngineToStore(store, this.#host);
  }

  /** Read-only store: `getState()` and `subscribe()`, for elements outside `<call-kit>` and for apps. */
  get store(): ReadonlyStore {
    return this.#store.readonly;
  }

  /** The engine in use (after `init`). */
  get engine(): CallEngine | null {
    return this.#engine;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /**
   * What this browser offers for calls (RTCPeerConnection, getUserMedia, a secure context,
   * WebSocket) and whether it can carry one: the engine's own view after `init`, else this page's.
   */
  getCapabilities(): Capabilities {
    return this.#engine?.getCapabilities?.() ?? detectCapabilities();
  }

  /** Logs in. Resolves when the engine is ready to call and be called. */
  async init(params: InitParams): Promise<void> {
    const valid = validateInitParams(params);
    const choice = validateEngineChoice((params as { engine?: unknown }).engine);
    if (this.#initializing) throw new CallKitError(ErrorCode.INVALID_STATE, 'init() is already running');
    if (this.#engine) {
      if (this.#store.getState().status !== CallStatus.IDLE) {
        throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'cannot init() again during a call');
      }
      await this.#teardownEngine();
    }
    if (choice === 'webrtc' && !valid.server) throw invalidParameter('server (the signaling server URL) is required by the default engine');
    const made = createEngine(choice, params);
    const engine = made instanceof Promise ? await made : made;
    this.#engine = engine;
    this.#unbindEngine = this.#events.bind(engine);
    this.#watchPageHide();
    const self = this.#store.getState().self;
    const run = withDeadline(
      engine.login({
        SDKAppID: valid.SDKAppID,
        userID: valid.userID,
        userSig: valid.userSig,
        server: valid.server,
        profile: self.userId === valid.userID ? { name: self.name || undefined, avatar: self.avatar || undefined } : undefined,
        callWaiting: this.#store.getState().settings.callWaiting,
        stayReachable: valid.stayReachable,
      }),
      INIT_TIMEOUT_MS,
      () =>
        new CallKitError(
          ErrorCode.CONNECTION_FAILED,
          `the ${engine.name} engine did not finish logging in within ${INIT_TIMEOUT_MS} ms`,
          'login-timeout',
        ),
    ).then(async () => {
      this.#store.dispatch({
        type: 'login',
        userId: valid.userID,
        name: self.userId === valid.userID ? self.name : undefined,
        avatar: self.userId === valid.userID ? self.avatar : undefined,
      });
      // AI noise suppression: the switch shows where the engine has it; a choice made before init applies now.
      const denoise = typeof engine.setAINoiseSuppression === 'function';
      this.#store.dispatch({ type: 'settings', settings: { aiNoiseSuppressionAvailable: denoise } });
      if (denoise && this.#store.getState().settings.aiNoiseSuppression) await this.enableAIVoice(true);
    });
    this.#initializing = run;
    try {
      await run;
    } catch (error) {
      await this.#teardownEngine();
      throw error;
    } finally {
      this.#initializing = null;
    }
  }

  /** Logs out and releases everything. Throws while a call is running (hang up first). */
  async destroyed(): Promise<void> {
    if (this.#store.getState().status !== CallStatus.IDLE) {
      throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'destroyed() is only allowed while idle: hang up first');
    }
    await this.#teardownEngine();
    this.#store.dispatch({ type: 'logout' });
  }

  /** Releases the engine and the kit's own resources: for tests and hot reloads. */
  async dispose(): Promise<void> {
    if (this.#engine && this.#store.getState().status !== CallStatus.IDLE) await this.hangup().catch(() => undefined);
    await this.#teardownEngine();
    this.#effects.dispose();
  }

  /**
   * A tab closed (or navigated away) mid-call hangs up at once instead of leaving the others to the
   * server's ping timeout and grace period: the hangup frame is sent synchronously in `pagehide`.
   */
  #watchPageHide(): void {
    const target = globalThis as { addEventListener?: (type: string, fn: () => void) => void };
    if (this.#pageHide || typeof target.addEventListener !== 'function') return;
    this.#pageHide = () => {
      if (this.#engine && this.#store.getState().status !== CallStatus.IDLE) void this.hangup().catch(() => undefined);
    };
    target.addEventListener('pagehide', this.#pageHide);
  }

  #unwatchPageHide(): void {
    const listener = this.#pageHide;
    this.#pageHide = null;
    if (listener)
      (globalThis as { removeEventListener?: (type: string, fn: () => void) => void }).removeEventListener?.('pagehide', listener);
  }

  /**
   * After the connection failed (`store.connection === 'failed'`: the engine gave up reconnecting to
   * the signaling server), tries again. Resolves once connected; rejects with CONNECTION_FAILED.
   */
  async reconnect(): Promise<void> {
    const engine = this.#engine;
    if (!engine) throw new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call callKit.init() first');
    if (!engine.reconnect) throw new CallKitError(ErrorCode.INVALID_STATE, `the ${engine.name} engine reconnects by itself`);
    await engine.reconnect();
  }

  async #teardownEngine(): Promise<void> {
    this.#unwatchPageHide();
    this.#unbindEngine?.();
    this.#unbindEngine = null;
    const engine = this.#engine;
    this.#engine = null;
    this.#effects.ringtone.stop();
    if (engine) await engine.destroy().catch(() => undefined);
    this.#store.dispatch({ type: 'call-reset' });
    this.#store.dispatch({ type: 'connection', state: 'disconnected' });
  }

  #requireEngine(): CallEngine {
    if (!this.#engine || !this.#store.getState().loggedIn) {
      throw new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call callKit.init() and wait for it before this method');
    }
    return this.#engine;
  }

  // ---- calling ---------------------------------------------------------------------------------

  /** Calls one or more users (1v1 or group, up to 8 callees). */
  async calls(params: CallsParams): Promise<void> {
    const engine = this.#requireEngine();
    const state = this.#store.getState();
    const valid = validateCallsParams(params, state.self.userId);
    if (state.status !== CallStatus.IDLE) {
      throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'a call is in progress: you cannot start a new one');
    }
    this.#store.dispatch({ type: 'self-media', audio: false, video: false });
    try {
      this.#callbacks.beforeCalling?.(valid.type);
      await engine.calls({
        userIDList: valid.userIDList,
        mediaType: valid.type,
        timeout: valid.timeout,
        userData: valid.userData,
        groupID: valid.groupID,
      });
    } catch (error) {
      throw this.#failed(error);
    }
    this.#store.dispatch({ type: 'self-media', audio: true, video: valid.type === CallMediaType.VIDEO });
    await this.#applyCameraDefault();
  }

  /**
   * `setCameraDefaultState(false)`, or `accept({ camera: false })`: a video call starts with the
   * camera off (the call stays a video call).
   */
  async #applyCameraDefault(camera?: boolean): Promise<void> {
    const state = this.#store.getState();
    if ((camera ?? state.settings.cameraDefaultOn) || state.mediaType !== CallMediaType.VIDEO || !this.#engine) return;
    if (state.status === CallStatus.IDLE) return;
    await this.#engine.closeCamera().catch(() => undefined);
    this.#store.dispatch({ type: 'self-media', video: false });
  }

  /** TUICallKit's 1v1 `call({ userID, type })`. */
  async call(params: { userID: string; type: CallMediaType; timeout?: number; userData?: string }): Promise<void> {
    const p = requireObject(params, 'call() params');
    await this.calls({ ...(p as object), userIDList: [validateUserId(p.userID)], type: p.type as CallMediaType } as CallsParams);
  }

  /**
   * Accepts an incoming call: the current one, or `{ callId }` one of several (`store.incoming`).
   * `{ audioOnly: true }` answers a video call with audio only. While in a call, a waiting call is
   * accepted with `{ callId, endCurrent: true }` ("end and accept": the current call is hung up first).
   * `{ camera: false }` answers a video call with the camera off.
   */
  async accept(options: AcceptOptions = {}): Promise<void> {
    const engine = this.#requireEngine();
    const { audioOnly, endCurrent, callId, camera } = validateAcceptOptions(options);
    let state = this.#store.getState();
    const ringingNow = isRingingForMe(state);
    if (callId !== undefined && !(ringingNow && state.callId === callId)) {
      const entry = state.incoming.find((c) => c.callId === callId);
      if (!entry) throw new CallKitError(ErrorCode.INVALID_STATE, `there is no incoming call ${callId}`);
      if (state.status !== CallStatus.IDLE && !ringingNow) {
        if (!endCurrent) {
          throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'a call is in progress: accept with endCurrent: true to hang it up first');
        }
        await this.hangup();
        if (!this.#store.getState().incoming.some((c) => c.callId === callId)) {
          throw new CallKitError(ErrorCode.INVALID_STATE, `the incoming call ${callId} ended meanwhile`);
        }
      }
      this.#events.ringAs(entry);
      state = this.#store.getState();
    } else if (!ringingNow) {
      throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no incoming call to accept');
    }
    const mediaType = audioOnly ? CallMediaType.AUDIO : state.mediaType;
    const target = state.callId;
    this.#store.dispatch({ type: 'answering', callId: target });
    try {
      // The engine's events (onCallBegin) take the invitation off the list and set the media type.
      await engine.accept(callId === undefined ? { mediaType } : { mediaType, callId: target });
    } catch (error) {
      this.#store.dispatch({ type: 'answering', callId: '' });
      throw this.#failed(error, 'device-error');
    }
    // Accepted: the call view shows "connecting" until the engine's onCallBegin (media path up).
    this.#store.dispatch({ type: 'call-connecting' });
    this.#store.dispatch({ type: 'self-media', audio: true, video: mediaType === CallMediaType.VIDEO });
    await this.#applyCameraDefault(camera);
  }

  /** Declines an incoming call: the current one, or `{ callId }` one of several (`store.incoming`). */
  async reject(options: { callId?: string } = {}): Promise<void> {
    const engine = this.#requireEngine();
    const p = requireObject(options, 'reject() options');
    const callId = p.callId === undefined ? undefined : validateCallId(p.callId);
    const state = this.#store.getState();
    const ringingNow = isRingingForMe(state);
    if (callId !== undefined && !(ringingNow && state.callId === callId)) {
      if (!state.incoming.some((c) => c.callId === callId))
        throw new CallKitError(ErrorCode.INVALID_STATE, `there is no incoming call ${callId}`);
      await engine.reject({ callId });
      this.#store.dispatch({ type: 'incoming-remove', callId });
      return;
    }
    if (!ringingNow) throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no incoming call to reject');
    this.#events.endingByMe();
    await engine.reject(callId === undefined ? undefined : { callId });
  }

  /** Cancels while dialing, declines while ringing, leaves when connected. A no-op when idle. */
  async hangup(): Promise<void> {
    if (!this.#engine || this.#store.getState().status === CallStatus.IDLE) return;
    this.#events.endingByMe();
    await this.#engine.hangup();
  }

  // ---- group calls -----------------------------------------------------------------------------

  /**
   * Rings more users into the current call (connected, or dialing as the caller); a 1v1 call
   * becomes a group call. At most 9 members may be live (accepted or ringing): CALLEE_COUNT beyond.
   */
  async inviteUser(params: { userIDList: string[] }): Promise<void> {
    const engine = this.#requireEngine();
    const ids = validateInvitees(params);
    const state = this.#store.getState();
    if (ids.includes(state.self.userId)) throw new CallKitError(ErrorCode.SELF_CALL, 'you cannot invite yourself');
    const inCall = state.status === CallStatus.CONNECTED || (state.status === CallStatus.CALLING && state.role === CallRole.CALLER);
    if (!inCall) throw new CallKitError(ErrorCode.INVALID_STATE, 'inviteUser() needs a connected call (or one you are dialing)');
    const live = state.members.filter((m) => m.status === 'accepted' || m.status === 'ringing');
    const already = ids.filter((id) => live.some((m) => m.userId === id));
    if (already.length) throw invalidParameter(`already in the call: ${already.join(', ')}`);
    if (1 + live.length + ids.length > MAX_INVITEES + 1) {
      throw new CallKitError(ErrorCode.CALLEE_COUNT, `a call has at most ${MAX_INVITEES + 1} members (${1 + live.length} now)`);
    }
    if (!engine.inviteUser) throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine cannot invite users`, 'not-supported');
    await engine.inviteUser({ userIDList: ids });
  }

  /**
   * Enters a running call you were invited to (declined, missed, left, or still ringing), e.g. the
   * `callId` of `queryGroupCall()`. With the default engine only members of the call's invitation
   * list may join (the server refuses anyone else as an unknown call).
   */
  async join(params: { callId: string }): Promise<void> {
    const engine = this.#requireEngine();
    const callId = validateJoinParams(params);
    if (this.#store.getState().status !== CallStatus.IDLE) {
      throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'a call is in progress: hang up before joining another');
    }
    if (!engine.join) throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine cannot join a call by id`, 'not-supported');
    // The media type of a call we queried: capture the right devices before joining.
    const known = Object.values(this.#store.getState().groupCalls).find((c) => c?.callId === callId);
    try {
      await engine.join(known ? { callId, mediaType: known.mediaType } : { callId });
    } catch (error) {
      throw this.#failed(error);
    }
    const state = this.#store.getState();
    this.#store.dispatch({
      type: 'self-media',
      audio: true,
      video: state.mediaType === CallMediaType.VIDEO && Boolean(state.self.stream?.getVideoTracks().length),
    });
  }

  /**
   * The call running for `groupID` (started with `calls({ groupID })`), or null when there is none
   * or you were never invited to it. The answer is also kept in the store (`groupCalls[groupID]`)
   * for `<join-call-card group-id>`.
   */
  async queryGroupCall(groupID: string): Promise<GroupCallInfo | null> {
    const engine = this.#requireEngine();
    if (typeof groupID !== 'string' || groupID.length < 1 || groupID.length > 64) {
      throw invalidParameter('groupID must be a string of 1-64 characters');
    }
    if (!engine.queryGroupCall)
      throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine cannot query group calls`, 'not-supported');
    const call = await engine.queryGroupCall(groupID);
    this.#store.dispatch({ type: 'group-call', groupId: groupID, call });
    return call;
  }

  // ---- media controls --------------------------------------------------------------------------

  async openCamera(): Promise<void> {
    await this.#inCall().openCamera();
    this.#store.dispatch({ type: 'self-media', video: true });
  }

  async closeCamera(): Promise<void> {
    await this.#inCall().closeCamera();
    this.#store.dispatch({ type: 'self-media', video: false });
  }

  async openMicrophone(): Promise<void> {
    await this.#inCall().openMicrophone();
    this.#store.dispatch({ type: 'self-media', audio: true });
  }

  async closeMicrophone(): Promise<void> {
    await this.#inCall().closeMicrophone();
    this.#store.dispatch({ type: 'self-media', audio: false });
  }

  /** Silences every remote participant locally (TUICallKit's `muteSpeaker`). */
  muteSpeaker(): void {
    this.#store.dispatch({ type: 'speaker-muted', muted: true });
  }

  unMuteSpeaker(): void {
    this.#store.dispatch({ type: 'speaker-muted', muted: false });
  }

  async switchDevice(params: { deviceType: 'camera' | 'microphone' | 'speaker'; deviceId: string }): Promise<void> {
    const p = validateSwitchDevice(params);
    await this.#requireEngine().switchDevice({ deviceType: p.deviceType, deviceId: p.deviceId });
    if (p.deviceType === 'speaker') this.#store.dispatch({ type: 'settings', settings: { speakerDeviceId: p.deviceId } });
  }

  async getDeviceList(deviceType?: 'camera' | 'microphone' | 'speaker'): Promise<DeviceInfo[]> {
    if (deviceType !== undefined) validateDeviceKind(deviceType);
    const devices = await this.#requireEngine().getDeviceList(deviceType);
    if (deviceType === undefined) this.#store.dispatch({ type: 'devices', devices });
    return devices;
  }

  /**
   * `AUDIO` (default, as in TUICallKit): the video call goes audio for everyone at once. `VIDEO`:
   * asks the other member of a 1v1 audio call (our camera is captured first: a denied permission
   * throws its camera error and nothing is asked); resolves once they accepted and the call is
   * video, rejects with SWITCH_TO_VIDEO_CALL_FAILED, reason `declined`, `timeout` (no answer within
   * `VIDEO_REQUEST_TIMEOUT_MS`), `cancelled` (the call ended) or `not-supported` (group calls,
   * Tencent engines). Default and simulated engines; README "Switching audio to video".
   */
  async switchCallMediaType(mediaType: CallMediaType = CallMediaType.AUDIO): Promise<void> {
    const state = this.#store.getState();
    if (validateMediaType(mediaType) === CallMediaType.VIDEO) {
      if (state.status !== CallStatus.CONNECTED) throw new CallKitError(ErrorCode.INVALID_STATE, 'no connected call');
      if (state.mediaType === CallMediaType.VIDEO) return;
      await this.#videoStep(async () => {
        if (state.isGroup)
          throw new CallKitError(ErrorCode.SWITCH_TO_VIDEO_CALL_FAILED, 'group calls cannot switch to video', 'not-supported');
        await this.#inCall().switchCallMediaType(CallMediaType.VIDEO);
      });
      this.#store.dispatch({ type: 'self-media', video: true });
      return;
    }
    if (state.mediaType !== CallMediaType.VIDEO) return;
    await this.#inCall().switchCallMediaType(CallMediaType.AUDIO);
    this.#store.dispatch({ type: 'media-type', mediaType: CallMediaType.AUDIO });
    this.#store.dispatch({ type: 'self-media', video: false });
  }

  /** Accepts the other member's request to turn the call into video (our camera goes on; a camera error declines it). */
  async acceptVideoRequest(): Promise<void> {
    await this.#answerVideo(true);
    this.#store.dispatch({ type: 'self-media', video: true });
  }

  /** Declines the other member's request to turn the call into video (the call stays audio). */
  declineVideoRequest(): Promise<void> {
    return this.#answerVideo(false);
  }

  #answerVideo(accept: boolean): Promise<void> {
    const engine = this.#inCall();
    return this.#videoStep(async () => {
      if (!engine.respondVideoRequest) throw new CallKitError(ErrorCode.SWITCH_TO_VIDEO_CALL_FAILED, 'not supported', 'not-supported');
      await engine.respondVideoRequest(accept);
    });
  }

  /** A switch to video failed: a toast (declines and timeouts had theirs from the request's end), then the error. */
  async #videoStep(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      const told = error instanceof CallKitError && ['declined', 'timeout', 'cancelled'].includes(error.reason ?? '');
      throw told ? error : this.#failed(error, 'switch-to-video-failed');
    }
  }

  #inCall(): CallEngine {
    const engine = this.#requireEngine();
    if (this.#store.getState().status === CallStatus.IDLE) throw new CallKitError(ErrorCode.INVALID_STATE, 'no call is running');
    return engine;
  }

  /**
   * Your own call records, newest first (1v1 and group: caller, members with their outcome, media
   * type, start, connect, end, end reason, duration). Default engine on a server with a database;
   * other engines throw FAILED with reason `not-supported` (the server without one: SERVER_ERROR,
   * reason `not-supported`). Pass the page's `nextCursor` back for the next, older page.
   */
  async getCallRecords(params?: { limit?: number; cursor?: string }): Promise<CallRecordsPage> {
    const query = validateRecordsQuery(params);
    const engine = this.#requireEngine();
    if (!engine.getCallRecords)
      throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine keeps no call records`, 'not-supported');
    return engine.getCallRecords(query);
  }

  /**
   * Watches users' presence: resolves with each one's status now (`online`, `busy`: in a call,
   * `offline`); later changes update the store (`state.presence`), fire `onPresenceChanged` and
   * `ck-presence-changed`. A user the server's `canCall` policy does not let you call is always
   * `offline`. At most `MAX_PRESENCE_WATCH` (200) users per page: INVALID_PARAMETER, reason
   * `too-many-watched`. Default and `tencent` engines (the latter: chat user status, `online` /
   * `offline`, `busy` only for members of our own call); others throw FAILED, reason `not-supported`.
   */
  async subscribePresence(userIDs: string[]): Promise<PresenceEntry[]> {
    const ids = validatePresenceUserIds(userIDs);
    const engine = this.#requireEngine();
    if (!engine.subscribePresence)
      throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine offers no presence`, 'not-supported');
    return engine.subscribePresence(ids);
  }

  /** Stops watching these users (no argument: everyone); their entries leave `state.presence`. */
  async unsubscribePresence(userIDs?: string[]): Promise<void> {
    const ids = userIDs === undefined ? undefined : validatePresenceUserIds(userIDs, 'unsubscribePresence() userIDs');
    const engine = this.#requireEngine();
    this.#store.dispatch({ type: 'presence-forget', userIds: ids });
    await engine.unsubscribePresence?.(ids);
  }

  setCallback(callbacks: KitCallbacks): void {
    const p = requireObject(callbacks, 'setCallback() params');
    for (const [key, value] of Object.entries(p)) {
      if (value !== undefined && typeof value !== 'function') throw invalidParameter(`${key} must be a function`);
    }
    this.#callbacks = { ...this.#callbacks, ...(p as KitCallbacks) };
  }

  /**
   * A call, accept or join failed: the user reads a toast from an i18n key (`fallback` when the
   * code has no better one), the technical detail stays in the returned error and the console.
   */
  #failed(error: unknown, fallback = 'call-error'): CallKitError {
    const err = this.#asKitError(error);
    const message = errorMessage(err.code, err.reason);
    console.warn(`[callkit] ${err.code} ${err.reason ?? ''}: ${err.message}`);
    this.#effects.toast(message.key === 'call-error' ? { key: fallback } : message, 'error');
    return err;
  }

  #asKitError(error: unknown): CallKitError {
    if (error instanceof CallKitError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new CallKitError(ErrorCode.FAILED, message);
  }
}

/** The kit singleton most apps use. */
export const callKit = new CallKit();
