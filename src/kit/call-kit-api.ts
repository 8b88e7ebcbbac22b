/**
 * `callKit`: the public facade, compatible with TUICallKit's `TUICallKitServer`. It validates
 * arguments, applies call policy, drives the engine, feeds the store, plays ringtones and emits
 * `ck-*` events (re-dispatched by every `<call-kit>` element).
 */
import { CallEndReason, CallMediaType, CallRole, CallStatus, POOR_NETWORK_QUALITY, type FeatureButton, type LegacyStatus } from '../constants.js';
import type { CallEngine, CallEngineEvents, DeviceInfo, EndCause, GroupCallInfo } from '../engine/types.js';
import { MAX_INVITEES } from '../protocol/messages.js';
import { WebRTCEngine } from '../engine/webrtc/index.js';
import { CallKitError, ErrorCode, invalidParameter } from '../errors.js';
import { Ringtone } from '../media/ringtone.js';
import { CallStore, legacyStatus } from '../store/store.js';
import type { CallState, IncomingCall, Message, ReadonlyStore, Settings } from '../store/types.js';
import { IncomingAlerts } from './incoming-alerts.js';
import {
  requireObject,
  validateBoolean,
  validateCallId,
  validateCallsParams,
  validateDisplayMode,
  validateFeatureButton,
  validateInitParams,
  validateLayoutMode,
  validateMediaType,
  validateResolution,
  validateUserId,
} from './validate.js';

export interface InitParams {
  SDKAppID?: number;
  /** Alias of SDKAppID, as in TUICallKit. */
  sdkAppID?: number;
  userID: string;
  userSig: string;
  /** Default engine: the signaling server URL, e.g. `ws://localhost:5173/ck`. */
  server?: string;
  /**
   * `'webrtc'` (default: browser WebRTC + our signaling server), `'tencent'` (Tencent Cloud: Chat
   * signaling + TRTC media, loaded with a dynamic import only when chosen), `'tuicall'` (Tencent's
   * own TUICallEngine from `@tencentcloud/call-engine-js`, for TUICallKit fleets on v3; lazy too),
   * or an engine instance.
   */
  engine?: 'webrtc' | 'tencent' | 'tuicall' | CallEngine;
  /** ICE servers for the default engine (STUN/TURN); default none. */
  iceServers?: RTCIceServer[];
  /** Tencent engine: an existing `@tencentcloud/chat` instance (TUICallKit's `tim`); never logged out by the kit. */
  tim?: unknown;
  /** Tencent engine: where the app serves `trtc-sdk-v5/assets` (for the blur plugin). */
  assetsPath?: string;
}

export interface CallsParams {
  userIDList: string[];
  /** `CallMediaType.AUDIO` (1) or `CallMediaType.VIDEO` (2). */
  type: CallMediaType;
  /** Ring timeout in seconds (10-600, default 30). */
  timeout?: number;
  userData?: string;
  groupID?: string;
  /** TUICallKit's name for groupID. */
  chatGroupID?: string;
}

export interface AcceptOptions {
  /** Answer a video call with audio only. */
  audioOnly?: boolean;
  /** Which ringing call (`store.getState().incoming[i].callId`); default: the current one. */
  callId?: string;
  /**
   * "End and accept": while in a call, hang it up first, then accept `callId` (a waiting call).
   * Without it, accepting another call while in one throws ALREADY_IN_CALL.
   */
  endCurrent?: boolean;
}

/** The incoming-list entry of an `onCallReceived` event. */
function incomingOf(e: CallEngineEvents['onCallReceived']): IncomingCall {
  const others = e.members.filter((m) => m.userId !== e.caller.userId);
  return {
    callId: e.callId,
    callerId: e.caller.userId,
    callerName: e.caller.name ?? '',
    callerAvatar: e.caller.avatar ?? '',
    mediaType: e.mediaType,
    groupId: e.groupID ?? '',
    isGroup: Boolean(e.groupID) || others.length > 1,
    members: [{ ...e.caller, status: 'accepted' }, ...others],
    receivedAt: Date.now(),
  };
}

export interface StatusChangedDetail {
  oldStatus: LegacyStatus;
  newStatus: LegacyStatus;
  status: CallStatus;
  role: CallRole;
  mediaType: CallMediaType;
  callId: string;
}

export interface CallEndedDetail {
  callId: string;
  reason: CallEndReason;
  cause: EndCause;
  totalTime: number;
}

export interface KitCallbacks {
  statusChanged?: (detail: { oldStatus: LegacyStatus; newStatus: LegacyStatus }) => void;
  beforeCalling?: (type: CallMediaType, error?: CallKitError) => void;
  afterCalling?: () => void;
  kickedOut?: (reason: string) => void;
  onMinimized?: (oldValue: boolean, newValue: boolean) => void;
}

/** Events of the kit (also dispatched, with the same names, by every `<call-kit>`). */
export interface KitEventMap {
  'ck-status-changed': CustomEvent<StatusChangedDetail>;
  'ck-call-ended': CustomEvent<CallEndedDetail>;
  'ck-error': CustomEvent<{ code: number; message: string }>;
  'ck-kicked-out': CustomEvent<{ reason: string }>;
  /** The call UI was minimized (`minimized: true`) or restored. */
  'ck-minimized-changed': CustomEvent<{ minimized: boolean }>;
}
export const KIT_EVENTS: readonly (keyof KitEventMap)[] = ['ck-status-changed', 'ck-call-ended', 'ck-error', 'ck-kicked-out', 'ck-minimized-changed'];

const TOAST_MS = 4000;

/** Toast key for the end of a call, from the point of view of the one it ended for. */
function endMessage(cause: EndCause, role: CallRole, byMe: boolean): Message | null {
  if (byMe) return null;
  switch (cause) {
    case 'rejected':
      return { key: 'other-side-reject-call' };
    case 'busy':
      return { key: 'other-side-line-busy' };
    case 'timeout':
      return { key: role === CallRole.CALLEE ? 'call-ended' : 'call-timeout' };
    case 'unavailable':
      return { key: 'user-unavailable' };
    case 'cancelled':
      return { key: 'other-side-cancelled' };
    case 'answered-elsewhere':
      return { key: 'answered-elsewhere' };
    case 'rejected-elsewhere':
      return { key: 'rejected-elsewhere' };
    case 'glare':
      return { key: 'glare' };
    case 'disconnected':
      return { key: 'disconnected' };
    case 'network':
      return { key: 'network-unsupported' };
    case 'hangup':
      return { key: 'other-side-hangup' };
    default:
      return { key: 'call-ended' };
  }
}

export class CallKit extends EventTarget {
  #store = new CallStore();
  #engine: CallEngine | null = null;
  #offEngine: (() => void)[] = [];
  #callbacks: KitCallbacks = {};
  #ringtone = new Ringtone();
  #alerts = new IncomingAlerts();
  #toastTimer: ReturnType<typeof setTimeout> | null = null;
  #endedByMe = false;
  #initializing: Promise<void> | null = null;
  #unsubscribe: () => void;
  /** Sends hangup when the page goes away (registered at init, removed at teardown). */
  #pageHide: (() => void) | null = null;

  constructor() {
    super();
    this.#unsubscribe = this.#store.subscribe((state, previous) => this.#onStateChange(state, previous));
    this.#ringtone.onBlockedChange = (blocked) => this.#store.dispatch({ type: 'sound-blocked', blocked });
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

  /** Logs in. Resolves when the engine is ready to call and be called. */
  async init(params: InitParams): Promise<void> {
    const valid = validateInitParams(params);
    const choice = (params as { engine?: unknown }).engine ?? 'webrtc';
    if (choice !== 'webrtc' && choice !== 'tencent' && choice !== 'tuicall' && (typeof choice !== 'object' || choice === null || typeof (choice as CallEngine).login !== 'function')) {
      throw invalidParameter("engine must be 'webrtc', 'tencent', 'tuicall' or a CallEngine instance");
    }
    if (this.#initializing) throw new CallKitError(ErrorCode.INVALID_STATE, 'init() is already running');
    if (this.#engine) {
      if (this.#store.getState().status !== CallStatus.IDLE) {
        throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'cannot init() again during a call');
      }
      await this.#teardownEngine();
    }
    if (choice === 'webrtc' && !valid.server) throw invalidParameter('server (the signaling server URL) is required by the default engine');
    let engine: CallEngine;
    if (choice === 'webrtc') engine = new WebRTCEngine({ iceServers: params.iceServers });
    else if (choice === 'tencent') {
      const { TencentEngine } = await import('../engine/tencent/index.js');
      engine = new TencentEngine({ chat: params.tim as never, assetsPath: params.assetsPath });
    } else if (choice === 'tuicall') {
      const { TUICallEngineAdapter } = await import('../engine/tuicall/index.js');
      engine = new TUICallEngineAdapter({ chat: (params.tim ?? undefined) as object | undefined });
    } else engine = choice as CallEngine;
    this.#engine = engine;
    this.#bindEngine(engine);
    this.#watchPageHide();
    const self = this.#store.getState().self;
    const run = engine
      .login({
        SDKAppID: valid.SDKAppID,
        userID: valid.userID,
        userSig: valid.userSig,
        server: valid.server,
        profile: self.userId === valid.userID ? { name: self.name || undefined, avatar: self.avatar || undefined } : undefined,
        callWaiting: this.#store.getState().settings.callWaiting,
      })
      .then(() => {
        this.#store.dispatch({ type: 'login', userId: valid.userID, name: self.userId === valid.userID ? self.name : undefined, avatar: self.userId === valid.userID ? self.avatar : undefined });
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
    this.#ringtone.dispose();
    this.#alerts.dispose();
    this.#unsubscribe();
    if (this.#toastTimer) clearTimeout(this.#toastTimer);
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
    if (listener) (globalThis as { removeEventListener?: (type: string, fn: () => void) => void }).removeEventListener?.('pagehide', listener);
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
    for (const off of this.#offEngine) off();
    this.#offEngine = [];
    const engine = this.#engine;
    this.#engine = null;
    this.#ringtone.stop();
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
      const err = this.#asKitError(error);
      this.#showToast({ key: 'call-failed', params: { message: err.message } }, 'error');
      throw err;
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
    const p = requireObject(options, 'accept() options');
    const audioOnly = p.audioOnly === undefined ? false : validateBoolean(p.audioOnly, 'audioOnly');
    const endCurrent = p.endCurrent === undefined ? false : validateBoolean(p.endCurrent, 'endCurrent');
    const callId = p.callId === undefined ? undefined : validateCallId(p.callId);
    let state = this.#store.getState();
    const ringingNow = state.status === CallStatus.CALLING && state.role === CallRole.CALLEE;
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
      this.#ringAs(entry);
      state = this.#store.getState();
    } else if (!ringingNow) {
      throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no incoming call to accept');
    }
    const mediaType = audioOnly ? CallMediaType.AUDIO : state.mediaType;
    const target = state.callId;
    this.#store.dispatch({ type: 'answering', callId: target });
    try {
      await engine.accept(callId === undefined ? { mediaType } : { mediaType, callId: target });
      this.#store.dispatch({ type: 'incoming-remove', callId: target });
    } catch (error) {
      this.#store.dispatch({ type: 'answering', callId: '' });
      const err = this.#asKitError(error);
      this.#showToast({ key: err.code === ErrorCode.CAMERA_NOT_AUTHORIZED ? 'no-camera-access' : err.code === ErrorCode.MICROPHONE_NOT_AUTHORIZED ? 'no-microphone-access' : 'device-error' }, 'error');
      throw err;
    }
    if (audioOnly) this.#store.dispatch({ type: 'media-type', mediaType: CallMediaType.AUDIO });
    this.#store.dispatch({ type: 'self-media', audio: true, video: mediaType === CallMediaType.VIDEO });
    await this.#applyCameraDefault();
  }

  /** Declines an incoming call: the current one, or `{ callId }` one of several (`store.incoming`). */
  async reject(options: { callId?: string } = {}): Promise<void> {
    const engine = this.#requireEngine();
    const p = requireObject(options, 'reject() options');
    const callId = p.callId === undefined ? undefined : validateCallId(p.callId);
    const state = this.#store.getState();
    const ringingNow = state.status === CallStatus.CALLING && state.role === CallRole.CALLEE;
    if (callId !== undefined && !(ringingNow && state.callId === callId)) {
      if (!state.incoming.some((c) => c.callId === callId)) throw new CallKitError(ErrorCode.INVALID_STATE, `there is no incoming call ${callId}`);
      await engine.reject({ callId });
      this.#store.dispatch({ type: 'incoming-remove', callId });
      return;
    }
    if (!ringingNow) throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no incoming call to reject');
    this.#endedByMe = true;
    await engine.reject(callId === undefined ? undefined : { callId });
  }

  /** Makes the ringing invitation `entry` the current call in the store (status calling, role callee). */
  #ringAs(entry: IncomingCall): void {
    const d = this.#store.dispatch.bind(this.#store);
    this.#endedByMe = false;
    d({
      type: 'call-start',
      role: CallRole.CALLEE,
      callId: entry.callId,
      mediaType: entry.mediaType,
      callerId: entry.callerId,
      groupId: entry.groupId || undefined,
      members: entry.members,
    });
    d({ type: 'tip', tip: { key: entry.mediaType === CallMediaType.VIDEO ? 'callee-calling-video-message' : 'callee-calling-audio-message' } });
  }

  /** Cancels while dialing, declines while ringing, leaves when connected. A no-op when idle. */
  async hangup(): Promise<void> {
    if (!this.#engine || this.#store.getState().status === CallStatus.IDLE) return;
    this.#endedByMe = true;
    await this.#engine.hangup();
  }

  // ---- group calls -----------------------------------------------------------------------------

  /**
   * Rings more users into the current call (connected, or dialing as the caller); a 1v1 call
   * becomes a group call. At most 9 members may be live (accepted or ringing): CALLEE_COUNT beyond.
   */
  async inviteUser(params: { userIDList: string[] }): Promise<void> {
    const engine = this.#requireEngine();
    const p = requireObject(params, 'inviteUser() params');
    const list = p.userIDList;
    if (!Array.isArray(list) || list.length < 1) throw invalidParameter('userIDList must be a non-empty array of user ids');
    const ids = list.map((id, i) => validateUserId(id, `userIDList[${i}]`));
    if (new Set(ids).size !== ids.length) throw invalidParameter('userIDList has duplicate user ids');
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
    const p = requireObject(params, 'join() params');
    if (typeof p.callId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(p.callId)) throw invalidParameter('callId must be a call id string');
    const callId = p.callId;
    if (this.#store.getState().status !== CallStatus.IDLE) {
      throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'a call is in progress: hang up before joining another');
    }
    if (!engine.join) throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine cannot join a call by id`, 'not-supported');
    // The media type of a call we queried: capture the right devices before joining.
    const known = Object.values(this.#store.getState().groupCalls).find((c) => c?.callId === callId);
    try {
      await engine.join(known ? { callId, mediaType: known.mediaType } : { callId });
    } catch (error) {
      const err = this.#asKitError(error);
      this.#showToast({ key: 'call-failed', params: { message: err.message } }, 'error');
      throw err;
    }
    const state = this.#store.getState();
    this.#store.dispatch({ type: 'self-media', audio: true, video: state.mediaType === CallMediaType.VIDEO && Boolean(state.self.stream?.getVideoTracks().length) });
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
    if (!engine.queryGroupCall) throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine cannot query group calls`, 'not-supported');
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
    const p = requireObject(params, 'switchDevice() params');
    if (p.deviceType !== 'camera' && p.deviceType !== 'microphone' && p.deviceType !== 'speaker') {
      throw invalidParameter("deviceType must be 'camera', 'microphone' or 'speaker'");
    }
    if (typeof p.deviceId !== 'string' || p.deviceId === '') throw invalidParameter('deviceId must be a non-empty string');
    await this.#requireEngine().switchDevice({ deviceType: p.deviceType, deviceId: p.deviceId });
    if (p.deviceType === 'speaker') this.#setting({ speakerDeviceId: p.deviceId });
  }

  async getDeviceList(deviceType?: 'camera' | 'microphone' | 'speaker'): Promise<DeviceInfo[]> {
    if (deviceType !== undefined && deviceType !== 'camera' && deviceType !== 'microphone' && deviceType !== 'speaker') {
      throw invalidParameter("deviceType must be 'camera', 'microphone' or 'speaker'");
    }
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

  /** Your own name and avatar as others see them. */
  async setSelfInfo(params: { nickName?: string; avatar?: string }): Promise<void> {
    const p = requireObject(params, 'setSelfInfo() params');
    const name = p.nickName ?? p.name;
    if (name !== undefined && (typeof name !== 'string' || name.length > 64)) throw invalidParameter('nickName must be a string of at most 64 characters');
    if (p.avatar !== undefined && (typeof p.avatar !== 'string' || p.avatar.length > 2048)) throw invalidParameter('avatar must be a URL string');
    this.#store.dispatch({ type: 'self-info', name: name as string | undefined, avatar: p.avatar as string | undefined });
    if (this.#engine && this.#store.getState().loggedIn) {
      await this.#engine.setSelfInfo({ name: name as string | undefined, avatar: p.avatar as string | undefined });
    }
  }

  /** UI language: 'en', 'zh-cn', 'ja_JP' or any code registered with `registerLocale`. */
  setLanguage(language: string): void {
    if (typeof language !== 'string' || !/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/.test(language)) {
      throw invalidParameter(`language must be a language code such as 'en', 'zh-cn' or 'ja_JP' (got ${String(language)})`);
    }
    this.#setting({ language });
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
    if (filePath === undefined || filePath === null || filePath === '') {
      this.#ringtone.setUrl('ringing', null);
      return;
    }
    if (typeof filePath !== 'string') throw invalidParameter('filePath must be a URL string');
    let url: URL;
    try {
      url = new URL(filePath, (globalThis as { document?: Document }).document?.baseURI ?? 'http://localhost/');
    } catch {
      throw invalidParameter(`filePath is not a URL: ${filePath}`);
    }
    const ok = ['http:', 'https:', 'blob:', 'file:'].includes(url.protocol) || (url.protocol === 'data:' && /^data:audio\//i.test(filePath));
    if (!ok) throw invalidParameter(`filePath must be an http(s), blob, file or data:audio URL (got ${url.protocol})`);
    this.#ringtone.setUrl('ringing', url.href);
  }

  /**
   * Starts a ringtone the browser's autoplay policy held back (`store.soundBlocked`). Call it from a
   * user gesture (the kit's "tap to turn on sound" button does). Resolves true if sound plays.
   */
  enableSound(): Promise<boolean> {
    return this.#ringtone.unlock();
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
    if (typeof url !== 'string' || url.length > 4096) throw invalidParameter('url must be an image URL string');
    if (url !== '') {
      try {
        new URL(url, (globalThis as { document?: Document }).document?.baseURI ?? 'http://localhost/');
      } catch {
        throw invalidParameter(`url is not a URL: ${url}`);
      }
    }
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
      this.#showToast({ key: 'blur-unsupported' }, 'info');
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

  // ---- engine -> store --------------------------------------------------------------------------

  #bindEngine(engine: CallEngine): void {
    const on = <K extends keyof CallEngineEvents>(event: K, fn: (p: CallEngineEvents[K]) => void) => {
      this.#offEngine.push(engine.on(event, fn));
    };
    const d = this.#store.dispatch.bind(this.#store);
    on('onCallReceived', (e) => {
      const entry = incomingOf(e);
      d({ type: 'incoming-add', call: entry });
      // A concurrent invitation rings alongside the current call (banner only).
      if (!e.concurrent) this.#ringAs(entry);
    });
    on('onIncomingWithdrawn', (e) => d({ type: 'incoming-remove', callId: e.callId }));
    on('onCallStarted', (e) => {
      this.#endedByMe = false;
      if (e.role === CallRole.CALLEE) {
        // We joined a running call: it is a group call from the start.
        d({ type: 'call-start', role: CallRole.CALLEE, callId: e.callId, mediaType: e.mediaType, callerId: '', groupId: e.groupID, members: e.members });
        return;
      }
      d({ type: 'call-start', role: CallRole.CALLER, callId: e.callId, mediaType: e.mediaType, callerId: this.#store.getState().self.userId, members: e.members });
      d({ type: 'tip', tip: { key: e.members.length > 1 ? 'wait-to-be-called' : 'caller-calling-message' } });
    });
    on('onCallBegin', (e) => {
      d({ type: 'incoming-remove', callId: e.callId });
      d({ type: 'answering', callId: '' });
      d({ type: 'call-connected' });
      this.#callbacks.afterCalling?.();
    });
    on('onCallEnd', (e) => {
      const state = this.#store.getState();
      const message = endMessage(e.cause, state.role, this.#endedByMe);
      this.#endedByMe = false;
      d({ type: 'call-reset' });
      d({ type: 'incoming-remove', callId: e.callId });
      if (this.#store.getState().answering === e.callId) d({ type: 'answering', callId: '' });
      if (message) this.#showToast(message, e.cause === 'hangup' ? 'info' : 'warn');
      this.#emit('ck-call-ended', { callId: e.callId, reason: e.reason, cause: e.cause, totalTime: e.totalTime });
      // Other invitations still ring: the oldest becomes the current call (as the engines do).
      const next = this.#store.getState().incoming[0];
      if (next && this.#store.getState().status === CallStatus.IDLE) this.#ringAs(next);
    });
    on('onUserAccept', (e) => d({ type: 'member-upsert', userId: e.userId, status: 'accepted' }));
    on('onUserJoin', (e) => d({ type: 'member-upsert', userId: e.userId, status: 'accepted' }));
    on('onUserInfo', (e) => d({ type: 'member-upsert', userId: e.userId, name: e.name, avatar: e.avatar }));
    on('onUserInvited', (e) => d({ type: 'member-upsert', userId: e.userId, name: e.name, avatar: e.avatar, status: 'ringing' }));
    on('onUserReject', (e) => this.#memberGone(e.userId, 'rejected', 'other-side-reject-call'));
    on('onUserLineBusy', (e) => this.#memberGone(e.userId, 'busy', 'other-side-line-busy'));
    on('onUserNoResponse', (e) => this.#memberGone(e.userId, 'no-response', 'call-timeout'));
    on('onUserLeave', (e) => this.#memberGone(e.userId, 'left', 'other-side-hangup'));
    on('onUserVideoAvailable', (e) => d({ type: 'member-media', userId: e.userId, video: e.available }));
    on('onUserAudioAvailable', (e) => d({ type: 'member-media', userId: e.userId, audio: e.available }));
    on('onUserVoiceVolumeChanged', (e) => d({ type: 'volumes', volumes: e.volumes }));
    on('onUserNetworkQualityChanged', (e) => d({ type: 'network', qualities: e.qualities }));
    on('onUserReconnecting', (e) => d({ type: 'member-reconnecting', userId: e.userId, reconnecting: e.reconnecting }));
    on('onRemoteStream', (e) => d({ type: 'member-stream', userId: e.userId, stream: e.stream }));
    on('onLocalStream', (e) => {
      d({ type: 'self-media', stream: e.stream });
      // Capturing needed permission, so the device list (with labels) is now complete: the switch
      // camera button and the speaker-output list read it from the store.
      if (e.stream) void this.getDeviceList().catch(() => undefined);
    });
    on('onCallMediaTypeChanged', (e) => d({ type: 'media-type', mediaType: e.mediaType }));
    on('onDeviceUpdated', (e) => d({ type: 'devices', devices: e.devices }));
    on('onConnectionStateChanged', (e) => {
      d({ type: 'connection', state: e.state });
      const state = this.#store.getState();
      if (e.state === 'reconnecting' && state.status !== CallStatus.IDLE) d({ type: 'tip', tip: { key: 'reconnecting' } });
      else if (e.state !== 'reconnecting' && state.tip?.key === 'reconnecting') d({ type: 'tip', tip: null });
    });
    on('onKickedOffline', (e) => {
      this.#callbacks.kickedOut?.(e.reason);
      this.#emit('ck-kicked-out', { reason: e.reason });
    });
    on('onError', (e) => {
      if (this.#store.getState().connection === 'failed') this.#showToast({ key: 'reconnect-failed' }, 'error');
      else this.#showToast({ key: 'call-failed', params: { message: e.message } }, 'error');
      this.#emit('ck-error', { code: e.code, message: e.message });
    });
  }

  /**
   * A remote member is out of the call: their status says why (`MemberView.status`; the call view
   * shows only accepted and ringing members) and a group call says it in a toast.
   */
  #memberGone(userId: string, status: 'rejected' | 'busy' | 'no-response' | 'left', key: string): void {
    const state = this.#store.getState();
    const gone = state.members.find((m) => m.userId === userId);
    this.#store.dispatch({ type: 'member-upsert', userId, status });
    if (state.isGroup && gone) this.#showToast({ key: `${key}-group`, params: { name: gone.name || userId } }, 'info');
  }

  #showToast(message: Message, type: 'info' | 'warn' | 'success' | 'error'): void {
    this.#store.dispatch({ type: 'toast', toast: { ...message, type } });
    if (this.#toastTimer) clearTimeout(this.#toastTimer);
    this.#toastTimer = setTimeout(() => {
      this.#toastTimer = null;
      this.#store.dispatch({ type: 'toast', toast: null });
    }, TOAST_MS);
  }

  #asKitError(error: unknown): CallKitError {
    if (error instanceof CallKitError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new CallKitError(ErrorCode.FAILED, message);
  }

  // ---- store -> events, ringtone ----------------------------------------------------------------

  #onStateChange(state: CallState, previous: CallState): void {
    const oldStatus = legacyStatus(previous);
    const newStatus = legacyStatus(state);
    if (oldStatus !== newStatus) {
      this.#updateRingtone(state);
      this.#callbacks.statusChanged?.({ oldStatus, newStatus });
      this.#emit('ck-status-changed', {
        oldStatus,
        newStatus,
        status: state.status,
        role: state.role,
        mediaType: state.mediaType,
        callId: state.callId || previous.callId,
      });
    } else if (state.settings.muteMode !== previous.settings.muteMode || state.incoming !== previous.incoming) {
      this.#updateRingtone(state);
    }
    if (state.incoming !== previous.incoming || state.settings.language !== previous.settings.language) this.#alerts.update(state, previous);
    if (state.minimized !== previous.minimized) {
      this.#callbacks.onMinimized?.(previous.minimized, state.minimized);
      this.#emit('ck-minimized-changed', { minimized: state.minimized });
    }
    this.#watchNetwork(state, previous);
  }

  /** Toasts when my network, or in a 1v1 call the other side's, becomes poor (quality 4 or worse). */
  #watchNetwork(state: CallState, previous: CallState): void {
    if (state.status !== CallStatus.CONNECTED) return;
    const poor = (q: number | undefined) => (q ?? 0) >= POOR_NETWORK_QUALITY;
    if (poor(state.self.networkQuality) && !poor(previous.self.networkQuality)) {
      this.#showToast({ key: 'network-poor-self' }, 'warn');
      return;
    }
    if (state.isGroup || state.members.length !== 1) return;
    const other = state.members[0]!;
    const before = previous.members.find((m) => m.userId === other.userId);
    if (poor(other.networkQuality) && !poor(before?.networkQuality)) this.#showToast({ key: 'network-poor-remote' }, 'warn');
  }

  /**
   * Ringback while dialing, the ring while a call rings for us, the call-waiting tone during a
   * connected call while another call waits; mute mode silences the last two.
   */
  #updateRingtone(state: CallState): void {
    if (state.status === CallStatus.CALLING && state.role === CallRole.CALLER) this.#ringtone.play('dialing');
    else if (state.settings.muteMode) this.#ringtone.stop();
    else if (state.status === CallStatus.CALLING) this.#ringtone.play('ringing');
    else if (state.status === CallStatus.CONNECTED && state.incoming.length > 0) this.#ringtone.play('waiting');
    else this.#ringtone.stop();
  }

  /** Whether a ringtone is sounding right now (false while the browser blocks autoplay). */
  get ringtone(): { kind: 'dialing' | 'ringing' | 'waiting' | null; playing: boolean; blocked: boolean; url: string | null } {
    const kind = this.#ringtone.kind;
    return { kind, playing: this.#ringtone.playing, blocked: this.#ringtone.blocked, url: this.#ringtone.src };
  }

  #emit<K extends keyof KitEventMap>(type: K, detail: KitEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** The kit singleton most apps use. */
export const callKit = new CallKit();
