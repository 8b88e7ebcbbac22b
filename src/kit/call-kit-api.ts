/**
 * `callKit`: the public facade, compatible with TUICallKit's `TUICallKitServer`. It validates
 * arguments, applies call policy and drives the engine; it writes to the store only what the user
 * asked for (answering, own media, settings). Engine events reach the store through
 * `engine-to-store.ts`; ringtones, title, notifications, toasts and `ck-*` events follow the store
 * in `kit-effects.ts`. `<call-kit>` re-dispatches the kit's events.
 */
import { CallMediaType, CallRole, CallStatus, MAX_INVITEES, type FeatureButton } from '../constants.js';
import type { CallEngine, DeviceInfo, GroupCallInfo } from '../engine/types.js';
import { CallKitError, ErrorCode, invalidParameter } from '../errors.js';
import { isRingingForMe } from '../store/selectors.js';
import { CallStore } from '../store/store.js';
import type { ReadonlyStore, Settings } from '../store/types.js';
import { withDeadline } from '../engine/deadline.js';
import { detectCapabilities, type Capabilities } from '../engine/capabilities.js';
import { createEngine } from './create-engine.js';
import { EngineToStore, errorMessage, type EngineToStoreHost } from './engine-to-store.js';
import { KitEffects } from './kit-effects.js';
import type { AcceptOptions, CallsParams, InitParams, KitCallbacks } from './types.js';
import {
  requireObject,
  validateAcceptOptions,
  validateBellUrl,
  validateBoolean,
  validateCallId,
  validateCallsParams,
  validateDeviceKind,
  validateDisplayMode,
  validateEngineChoice,
  validateFeatureButton,
  validateImageUrl,
  validateInitParams,
  validateInvitees,
  validateJoinParams,
  validateLanguage,
  validateLayoutMode,
  validateMediaType,
  validateResolution,
  validateSelfInfo,
  validateSwitchDevice,
  validateUserId,
} from './validate.js';

export { KIT_EVENTS } from './types.js';
export type { AcceptOptions, CallEndedDetail, CallsParams, InitParams, KitCallbacks, KitEventMap, StatusChangedDetail } from './types.js';

/**
 * `init` settles within this whatever the engine does (CONNECTION_FAILED, reason `login-timeout`);
 * the engines' own bounds are shorter (README, "Bounds and capabilities").
 */
export const INIT_TIMEOUT_MS = 30_000;

export class CallKit extends EventTarget {
  #store = new CallStore();
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
  #effects = new KitEffects(this.#store, this.#host);
  /** Engine events -> store. */
  #events = new EngineToStore(this.#store, this.#host);

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
    ).then(() => {
      this.#store.dispatch({
        type: 'login',
        userId: valid.userID,
        name: self.userId === valid.userID ? self.name : undefined,
        avatar: self.userId === valid.userID ? self.avatar : undefined,
      });
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

  /** `setCameraDefaultState(false)`: a video call starts with the camera off (the call stays a video call). */
  async #applyCameraDefault(): Promise<void> {
    const state = this.#store.getState();
    if (state.settings.cameraDefaultOn || state.mediaType !== CallMediaType.VIDEO || !this.#engine) return;
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
   */
  async accept(options: AcceptOptions = {}): Promise<void> {
    const engine = this.#requireEngine();
    const { audioOnly, endCurrent, callId } = validateAcceptOptions(options);
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
    this.#store.dispatch({ type: 'self-media', audio: true, video: mediaType === CallMediaType.VIDEO });
    await this.#applyCameraDefault();
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
    if (p.deviceType === 'speaker') this.#setting({ speakerDeviceId: p.deviceId });
  }

  async getDeviceList(deviceType?: 'camera' | 'microphone' | 'speaker'): Promise<DeviceInfo[]> {
    if (deviceType !== undefined) validateDeviceKind(deviceType);
    const devices = await this.#requireEngine().getDeviceList(deviceType);
    if (deviceType === undefined) this.#store.dispatch({ type: 'devices', devices });
    return devices;
  }

  /** Turns a video call into an audio call (video -> audio only, as in TUICallKit). */
  async switchCallMediaType(mediaType: CallMediaType = CallMediaType.AUDIO): Promise<void> {
    if (validateMediaType(mediaType) !== CallMediaType.AUDIO) {
      throw new CallKitError(ErrorCode.SWITCH_TO_AUDIO_CALL_FAILED, 'only video -> audio is supported');
    }
    const state = this.#store.getState();
    if (state.mediaType !== CallMediaType.VIDEO) return;
    await this.#inCall().switchCallMediaType(CallMediaType.AUDIO);
    this.#store.dispatch({ type: 'media-type', mediaType: CallMediaType.AUDIO });
    this.#store.dispatch({ type: 'self-media', video: false });
  }

  #inCall(): CallEngine {
    const engine = this.#requireEngine();
    if (this.#store.getState().status === CallStatus.IDLE) throw new CallKitError(ErrorCode.INVALID_STATE, 'no call is running');
    return engine;
  }

  // ---- settings ---------------------------------------------------------------------------------

  /**
   * Hands the engine a fresh userSig before the current one expires. The default engine's server
   * closes a session whose userSig expired (`kickedOut('userSigExpired')`); it also refuses userSigs
   * signed for longer than its maximum (7 days by default).
   */
  async renewUserSig(userSig: string): Promise<void> {
    if (typeof userSig !== 'string' || userSig === '')
      throw new CallKitError(ErrorCode.INVALID_PARAMETER, 'userSig must be a non-empty string');
    const engine = this.#requireEngine();
    if (!engine.renewUserSig) throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine cannot renew a userSig`, 'not-supported');
    await engine.renewUserSig(userSig);
  }

  /** Your own name and avatar as others see them. */
  async setSelfInfo(params: { nickName?: string; avatar?: string }): Promise<void> {
    const { name, avatar } = validateSelfInfo(params);
    this.#store.dispatch({ type: 'self-info', name, avatar });
    if (this.#engine && this.#store.getState().loggedIn) await this.#engine.setSelfInfo({ name, avatar });
  }

  /** UI language: 'en', 'zh-cn', 'ja_JP' or any code registered with `registerLocale`. */
  setLanguage(language: string): void {
    this.#setting({ language: validateLanguage(language) });
  }

  setLayoutMode(mode: Settings['layoutMode']): void {
    this.#setting({ layoutMode: validateLayoutMode(mode) });
  }

  setVideoDisplayMode(mode: Settings['displayMode']): void {
    this.#setting({ displayMode: validateDisplayMode(mode) });
  }

  async setVideoResolution(resolution: Settings['resolution']): Promise<void> {
    this.#setting({ resolution: validateResolution(resolution) });
    if (this.#engine && this.#store.getState().loggedIn) await this.#engine.setVideoQuality(resolution);
  }

  hideFeatureButton(name: FeatureButton): void {
    const button = validateFeatureButton(name);
    const hidden = this.#store.getState().settings.hiddenButtons;
    if (!hidden.includes(button)) this.#setting({ hiddenButtons: [...hidden, button] });
  }

  setCameraDefaultState(isOpen: boolean): void {
    this.#setting({ cameraDefaultOn: validateBoolean(isOpen, 'isOpen') });
  }

  enableFloatWindow(enable: boolean): void {
    this.#setting({ floatWindow: validateBoolean(enable, 'enable') });
  }

  /**
   * Call waiting: while in a call, one further incoming call rings (the banner offers "end and
   * accept" or decline) instead of the caller getting busy. Default off (busy at once).
   */
  async enableCallWaiting(enable: boolean): Promise<void> {
    const on = validateBoolean(enable, 'enable');
    const engine = this.#engine && this.#store.getState().loggedIn ? this.#engine : null;
    if (engine && on && !engine.setCallWaiting) {
      throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine has no call waiting`, 'not-supported');
    }
    this.#setting({ callWaiting: on });
    if (engine?.setCallWaiting) await engine.setCallWaiting(on);
  }

  /**
   * System notifications (Notifications API) for calls that ring while the tab is hidden; clicking
   * one brings the tab forward. The kit never asks for the permission: the app does, from a user
   * gesture (`Notification.requestPermission()`); without it nothing is shown. Default off.
   */
  enableNotifications(enable: boolean): void {
    this.#setting({ notifications: validateBoolean(enable, 'enable') });
  }

  enableMuteMode(enable: boolean): void {
    this.#setting({ muteMode: validateBoolean(enable, 'enable') });
  }

  /**
   * The callee's ring: any URL the browser can play (`https:`, `http:`, `blob:`, `data:audio/...`,
   * or a path relative to the page). No argument or `''` restores the kit's own tone. If the file
   * fails to load, the kit's tone plays instead.
   */
  async setCallingBell(filePath?: string): Promise<void> {
    this.#effects.ringtone.setUrl('ringing', validateBellUrl(filePath));
  }

  /**
   * Starts a ringtone the browser's autoplay policy held back (`store.soundBlocked`). Call it from a
   * user gesture (the kit's "tap to turn on sound" button does). Resolves true if sound plays.
   */
  enableSound(): Promise<boolean> {
    return this.#effects.ringtone.unlock();
  }

  /** Background image of the local tile while the camera is off (`''` removes it). */
  setLocalViewBackgroundImage(url: string): void {
    this.#setViewBackground('local', url);
  }

  /** Background image of `userId`'s tile (`'*'`: every remote member without one) while their camera is off. */
  setRemoteViewBackgroundImage(userId: string, url: string): void {
    const id = userId === '*' ? '*' : validateUserId(userId);
    this.#setViewBackground(`remote:${id}`, url);
  }

  #setViewBackground(key: string, url: string): void {
    validateImageUrl(url);
    const next = { ...this.#store.getState().settings.viewBackgrounds };
    if (url) next[key] = url;
    else delete next[key];
    this.#setting({ viewBackgrounds: next });
  }

  /** Shows the blur-background button (TUICallKit's `enableVirtualBackground`). */
  enableVirtualBackground(enable: boolean): void {
    this.#setting({ virtualBackground: validateBoolean(enable, 'enable') });
  }

  /**
   * Blurs the local video's background. Engines without it (the default WebRTC engine) reject with
   * a `CallKitError` whose `reason` is `'not-supported'`.
   */
  async setBlurBackground(enable: boolean): Promise<void> {
    const on = validateBoolean(enable, 'enable');
    const engine = this.#requireEngine() as CallEngine & { setBlurBackground?: (level: number) => Promise<void> };
    if (typeof engine.setBlurBackground !== 'function') {
      this.#effects.toast({ key: 'blur-unsupported' }, 'info');
      throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine cannot blur the background`, 'not-supported');
    }
    await engine.setBlurBackground(on ? 3 : 0);
    this.#setting({ blurBackground: on });
  }

  /** Whether `<feature-buttons>` offers a full-screen button (`allowed-full-screen` on `<call-kit>`). */
  get allowedFullScreen(): boolean {
    return this.#store.getState().settings.allowedFullScreen;
  }

  set allowedFullScreen(allowed: boolean) {
    this.#setting({ allowedFullScreen: validateBoolean(allowed, 'allowedFullScreen') });
  }

  /** Minimizes the call UI into `<float-window>` (`true`) or restores it (`false`); only during a call. */
  setMinimized(minimized: boolean): void {
    const value = validateBoolean(minimized, 'minimized');
    if (value && this.#store.getState().status === CallStatus.IDLE) return;
    this.#store.dispatch({ type: 'minimized', minimized: value });
  }

  /** Flips `store.minimized` (TUICallKit's `toggleMinimize`). */
  toggleMinimize(): void {
    this.setMinimized(!this.#store.getState().minimized);
  }

  setCallback(callbacks: KitCallbacks): void {
    const p = requireObject(callbacks, 'setCallback() params');
    for (const [key, value] of Object.entries(p)) {
      if (value !== undefined && typeof value !== 'function') throw invalidParameter(`${key} must be a function`);
    }
    this.#callbacks = { ...this.#callbacks, ...(p as KitCallbacks) };
  }

  #setting(settings: Partial<Settings>): void {
    this.#store.dispatch({ type: 'settings', settings });
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

  /** Whether a ringtone is sounding right now (false while the browser blocks autoplay). */
  get ringtone(): { kind: 'dialing' | 'ringing' | 'waiting' | null; playing: boolean; blocked: boolean; url: string | null } {
    const { kind, playing, blocked, src } = this.#effects.ringtone;
    return { kind, playing, blocked, url: src };
  }
}

/** The kit singleton most apps use. */
export const callKit = new CallKit();
