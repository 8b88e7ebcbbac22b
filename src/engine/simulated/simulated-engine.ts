/**
 * A deterministic, scripted engine for Storybook and UI unit tests only: no network, no real
 * calls. Tests and stories drive the "other side" through `remote*` methods; local media is
 * optional (synthetic canvas video, see synthetic-video.ts, when `syntheticMedia` is on and a DOM exists).
 *
 * Several incoming calls follow the shared ringing queue (`../ringing-queue.ts`, as every engine):
 * while the current call only rings, up to 3 invitations ring in all; while dialing or in a call, one
 * more if call waiting is on; any other invitation finds us busy (its id goes to
 * {@link SimulatedEngine.busyCalls}, nothing is emitted).
 */
import { CallMediaType, CallRole, type DeviceKind, type VideoResolution } from '../../constants.js';
import { CallKitError, ErrorCode } from '../../errors.js';
import { Emitter } from '../emitter.js';
import { END_REASON } from '../end-reasons.js';
import { RingingQueue } from '../ringing-queue.js';
import { syntheticVideoStream, type SyntheticVideoMode } from './synthetic-video.js';
import type {
  CallEngine,
  CallEngineEvents,
  DeviceInfo,
  EndCause,
  EngineCallParams,
  EngineLoginParams,
  PresenceEntry,
  PresenceStatus,
  UserProfile,
} from '../types.js';

interface SimCall {
  callId: string;
  role: CallRole;
  mediaType: CallMediaType;
  members: Map<string, UserProfile & { accepted: boolean }>;
  begunAt: number;
  /** Callee: what `onCallReceived` carried. */
  received?: CallEngineEvents['onCallReceived'];
}

export interface SimulatedEngineOptions {
  /** Draw a canvas stream for local and remote video (needs a DOM). Default false. */
  syntheticMedia?: boolean;
  /** With `syntheticMedia`: moving pictures (default) or one fixed frame for pixel snapshots. */
  syntheticVideo?: SyntheticVideoMode;
  /** Devices `getDeviceList` reports. */
  devices?: DeviceInfo[];
}

let nextId = 0;

export class SimulatedEngine extends Emitter<CallEngineEvents> implements CallEngine {
  readonly name = 'simulated';
  #userId = '';
  /** From `setSelfInfo`: the name painted on the local synthetic video. */
  #selfName = '';
  #call: SimCall | null = null;
  #options: SimulatedEngineOptions;
  #streams: MediaStream[] = [];
  /** Invitations ringing besides the current call (the rule every engine shares). */
  readonly #queue: RingingQueue<SimCall> = new RingingQueue<SimCall>({
    current: () => {
      const call = this.#call;
      if (!call) return null;
      const onlyRinging = call.role === CallRole.CALLEE && !call.begunAt;
      return { callId: call.callId, onlyRinging, invitation: call.received ? call : undefined };
    },
    setCurrent: (call) => {
      this.#call = call;
    },
    describe: (call) => call.received!,
    emit: (event, payload) => this.emit(event, payload),
  });
  /** Invitations that found us busy (the caller would get `onUserLineBusy`). */
  readonly busyCalls: string[] = [];
  /** Audio contexts behind the silent tracks of simulated voice calls, closed with the call. */
  #audioContexts: AudioContext[] = [];
  /** Every method call, in order, for assertions. */
  readonly log: { method: string; args: unknown[] }[] = [];

  constructor(options: SimulatedEngineOptions = {}) {
    super();
    this.#options = options;
  }

  get userId(): string {
    return this.#userId;
  }

  get callId(): string | null {
    return this.#call?.callId ?? null;
  }

  /** The pending (concurrent) invitations' ids, oldest first. */
  get pendingCallIds(): string[] {
    return this.#queue.ids();
  }

  get callWaiting(): boolean {
    return this.#queue.callWaiting;
  }

  #record(method: string, ...args: unknown[]): void {
    this.log.push({ method, args });
  }

  async login(params: EngineLoginParams): Promise<void> {
    this.#record('login', params.userID);
    this.#userId = params.userID;
    if (params.callWaiting !== undefined) this.#queue.callWaiting = params.callWaiting === true;
    this.emit('onConnectionStateChanged', { state: 'connected' });
    // As the default engine: the device list, read at login.
    this.emit('onDeviceUpdated', { devices: await this.getDeviceList() });
  }

  async logout(): Promise<void> {
    this.#record('logout');
    this.#queue.withdrawAll('disconnected');
    this.#end('hangup', false);
    this.emit('onConnectionStateChanged', { state: 'disconnected' });
  }

  async calls(params: EngineCallParams): Promise<{ callId: string }> {
    this.#record('calls', params);
    if (this.#call) throw new CallKitError(ErrorCode.ALREADY_IN_CALL, 'already in a call');
    const callId = `sim-call-${++nextId}`.padEnd(22, '0');
    const members = new Map(params.userIDList.map((userId) => [userId, { userId, accepted: false }]));
    this.#call = { callId, role: CallRole.CALLER, mediaType: params.mediaType, members, begunAt: 0 };
    this.#startLocal(params.mediaType);
    this.emit('onCallStarted', { callId, mediaType: params.mediaType, members: [...members.values()].map(({ userId }) => ({ userId })) });
    return { callId };
  }

  async accept(options: { mediaType?: CallMediaType; callId?: string } = {}): Promise<void> {
    this.#record('accept', options);
    this.#queue.accept(options.callId);
    const call = this.#requireCall(CallRole.CALLEE);
    if (options.mediaType === CallMediaType.AUDIO) call.mediaType = CallMediaType.AUDIO;
    this.#startLocal(call.mediaType);
    this.#begin();
    for (const m of call.members.values()) if (m.accepted) this.#remoteMedia(m.userId, call.mediaType);
  }

  async reject(options: { callId?: string } = {}): Promise<void> {
    this.#record('reject', options);
    if (options.callId !== undefined && this.#queue.withdraw(options.callId, 'rejected')) return;
    const call = this.#requireCall(CallRole.CALLEE);
    if (options.callId !== undefined && options.callId !== call.callId) throw new CallKitError(ErrorCode.INVALID_STATE, 'no such call');
    this.#end('rejected', true);
  }

  async setCallWaiting(enable: boolean): Promise<void> {
    this.#record('setCallWaiting', enable);
    this.#queue.callWaiting = enable === true;
  }

  async hangup(): Promise<void> {
    this.#record('hangup');
    if (!this.#call) return;
    this.#end(this.#call.begunAt ? 'hangup' : this.#call.role === CallRole.CALLER ? 'cancelled' : 'rejected', true);
  }

  async openCamera(): Promise<void> {
    this.#record('openCamera');
  }
  async closeCamera(): Promise<void> {
    this.#record('closeCamera');
  }
  async openMicrophone(): Promise<void> {
    this.#record('openMicrophone');
  }
  async closeMicrophone(): Promise<void> {
    this.#record('closeMicrophone');
  }
  async switchDevice(params: { deviceType: DeviceKind; deviceId: string }): Promise<void> {
    this.#record('switchDevice', params);
  }
  async getDeviceList(deviceType?: DeviceKind): Promise<DeviceInfo[]> {
    const devices = this.#options.devices ?? [
      { deviceId: 'default', label: 'Default camera', kind: 'camera' },
      { deviceId: 'default', label: 'Default microphone', kind: 'microphone' },
      { deviceId: 'default', label: 'Default speaker', kind: 'speaker' },
    ];
    return deviceType ? devices.filter((d) => d.kind === deviceType) : devices;
  }
  async setVideoQuality(resolution: VideoResolution): Promise<void> {
    this.#record('setVideoQuality', resolution);
  }
  async switchCallMediaType(mediaType: CallMediaType): Promise<void> {
    this.#record('switchCallMediaType', mediaType);
    const call = this.#call;
    if (mediaType === CallMediaType.VIDEO && call && call.mediaType !== CallMediaType.VIDEO) {
      // Audio -> video asks the other side: settled by `remoteVideoAnswer` (or the call's end).
      const peer = [...call.members.values()].filter((m) => m.accepted);
      if (peer.length !== 1) throw new CallKitError(ErrorCode.SWITCH_TO_VIDEO_CALL_FAILED, '1v1 calls only', 'not-supported');
      return new Promise<void>((resolve, reject) => {
        this.#videoAsk = { userId: peer[0].userId, resolve, reject };
        this.emit('onVideoRequest', { userId: peer[0].userId, direction: 'outgoing' });
      });
    }
    this.#toMedia(mediaType);
  }

  async respondVideoRequest(accept: boolean): Promise<void> {
    this.#record('respondVideoRequest', accept);
    const from = this.#videoAsked;
    if (!from) throw new CallKitError(ErrorCode.INVALID_STATE, 'no video request to answer');
    this.#videoAsked = null;
    this.emit('onVideoRequestEnded', { userId: from, direction: 'incoming', outcome: accept ? 'accepted' : 'declined' });
    if (accept) this.#toMedia(CallMediaType.VIDEO);
  }

  #videoAsk: { userId: string; resolve(): void; reject(error: CallKitError): void } | null = null;
  #videoAsked: string | null = null;

  #toMedia(mediaType: CallMediaType): void {
    const call = this.#call;
    if (call) call.mediaType = mediaType;
    this.emit('onCallMediaTypeChanged', { mediaType });
    if (!call || !this.#options.syntheticMedia || mediaType !== CallMediaType.VIDEO) return;
    this.#startLocal(mediaType);
    for (const m of call.members.values()) if (m.accepted) this.#remoteMedia(m.userId, mediaType);
  }
  async setSelfInfo(profile: { name?: string; avatar?: string }): Promise<void> {
    this.#record('setSelfInfo', profile);
    if (profile.name) this.#selfName = profile.name;
  }

  async destroy(): Promise<void> {
    this.#record('destroy');
    this.#queue.withdrawAll('disconnected');
    this.#end('hangup', false);
    this.removeAllListeners();
  }

  // ---- the scripted other side -----------------------------------------------------------------

  /**
   * Someone calls us. Rings as the current call when there is none, alongside it when the rules
   * allow (`onCallReceived {concurrent: true}`), else finds us busy (see {@link busyCalls}).
   */
  remoteInvite(caller: UserProfile, mediaType: CallMediaType = CallMediaType.VIDEO, others: UserProfile[] = []): string {
    const callId = `sim-call-${++nextId}`.padEnd(22, '0');
    const members = new Map<string, UserProfile & { accepted: boolean }>([[caller.userId, { ...caller, accepted: true }]]);
    for (const o of others) members.set(o.userId, { ...o, accepted: false });
    const received: CallEngineEvents['onCallReceived'] = {
      callId,
      caller,
      calleeIdList: [this.#userId, ...others.map((o) => o.userId)],
      members: [caller, ...others],
      mediaType,
    };
    const call: SimCall = { callId, role: CallRole.CALLEE, mediaType, members, begunAt: 0, received };
    if (this.#queue.offer(call) === 'busy') this.busyCalls.push(callId);
    return callId;
  }

  /** The invitation `callId` stops ringing unanswered (the server's ring timeout). */
  remoteTimeout(callId?: string): void {
    this.#withdraw(callId, 'timeout');
  }

  /** Presence (a fake for stories and tests): every user is `offline` until `remotePresence` says otherwise. */
  readonly #presence = new Map<string, PresenceStatus>();
  readonly #watched = new Set<string>();

  async subscribePresence(userIds: string[]): Promise<PresenceEntry[]> {
    for (const id of userIds) this.#watched.add(id);
    const users = userIds.map((userId) => ({ userId, status: this.#presence.get(userId) ?? ('offline' as const) }));
    this.emit('onPresenceChanged', { users });
    return users;
  }

  async unsubscribePresence(userIds?: string[]): Promise<void> {
    if (!userIds) this.#watched.clear();
    else for (const id of userIds) this.#watched.delete(id);
  }

  /** Scripted: `userId`'s presence changes (watchers hear of it, as from the server). */
  remotePresence(userId: string, status: PresenceStatus): void {
    this.#presence.set(userId, status);
    if (this.#watched.has(userId)) this.emit('onPresenceChanged', { users: [{ userId, status }] });
  }

  /** A callee accepts our call (or joins the group call). */
  remoteAccept(userId: string, profile: Partial<UserProfile> = {}): void {
    const call = this.#call;
    if (!call) return;
    const member = call.members.get(userId) ?? { userId, accepted: false };
    call.members.set(userId, { ...member, ...profile, accepted: true });
    if (profile.name || profile.avatar) this.emit('onUserInfo', { userId, ...profile });
    this.emit('onUserAccept', { userId });
    this.emit('onUserJoin', { userId });
    if (!call.begunAt) this.#begin();
    this.#remoteMedia(userId, call.mediaType);
  }

  remoteReject(userId: string, busy = false): void {
    this.emit(busy ? 'onUserLineBusy' : 'onUserReject', { userId });
    this.#memberOut(userId, busy ? 'busy' : 'rejected');
  }

  remoteNoResponse(userId: string): void {
    this.emit('onUserNoResponse', { userId });
    this.#memberOut(userId, 'timeout');
  }

  remoteHangup(userId: string): void {
    this.emit('onUserLeave', { userId });
    this.emit('onRemoteStream', { userId, stream: null });
    this.#memberOut(userId, 'hangup');
  }

  /** The caller cancels the call ringing here (`callId`: one of several; default the current one). */
  remoteCancel(callId?: string): void {
    this.#withdraw(callId, 'cancelled');
  }

  /** Another device of ours answered the invitation `callId`. */
  remoteAnsweredElsewhere(callId?: string): void {
    this.#withdraw(callId, 'answered-elsewhere');
  }

  /** Scripted: `userId` asks to turn the audio call into video (answer with `respondVideoRequest`). */
  remoteVideoRequest(userId: string): void {
    this.#videoAsked = userId;
    this.emit('onVideoRequest', { userId, direction: 'incoming' });
  }

  /** Scripted: the other side withdraws its request, or it timed out. */
  remoteVideoRequestEnded(outcome: 'cancelled' | 'timeout' = 'cancelled'): void {
    const from = this.#videoAsked;
    this.#videoAsked = null;
    if (from) this.emit('onVideoRequestEnded', { userId: from, direction: 'incoming', outcome });
  }

  /** Scripted: the other side answers our `switchCallMediaType(VIDEO)` (`timeout`: nobody answered). */
  remoteVideoAnswer(outcome: 'accepted' | 'declined' | 'timeout'): void {
    const ask = this.#videoAsk;
    if (!ask) return;
    this.#videoAsk = null;
    this.emit('onVideoRequestEnded', { userId: ask.userId, direction: 'outgoing', outcome });
    if (outcome !== 'accepted') return ask.reject(new CallKitError(ErrorCode.SWITCH_TO_VIDEO_CALL_FAILED, outcome, outcome));
    this.#toMedia(CallMediaType.VIDEO);
    ask.resolve();
  }

  remoteMediaState(userId: string, state: { audio?: boolean; video?: boolean }): void {
    if (state.audio !== undefined) this.emit('onUserAudioAvailable', { userId, available: state.audio });
    if (state.video !== undefined) this.emit('onUserVideoAvailable', { userId, available: state.video });
  }

  volumes(volumes: Record<string, number>): void {
    this.emit('onUserVoiceVolumeChanged', { volumes });
  }

  networkQuality(qualities: Record<string, number>): void {
    this.emit('onUserNetworkQualityChanged', { qualities });
  }

  /** The media connection to `userId` is interrupted (true) or back (false): `onUserReconnecting`. */
  remoteReconnecting(userId: string, reconnecting: boolean): void {
    this.emit('onUserReconnecting', { userId, reconnecting });
  }

  /** The connection to the signaling server changes state (`'failed'`: reconnecting gave up). */
  connectionState(state: 'connected' | 'reconnecting' | 'failed'): void {
    this.emit('onConnectionStateChanged', { state });
  }

  // ---- internals ---------------------------------------------------------------------------------

  #withdraw(callId: string | undefined, cause: EndCause): void {
    if (callId !== undefined && this.#queue.withdraw(callId, cause)) return;
    if (callId === undefined || this.#call?.callId === callId) this.#end(cause, false);
  }

  #requireCall(role: CallRole): SimCall {
    if (!this.#call || this.#call.role !== role) throw new CallKitError(ErrorCode.INVALID_STATE, 'no such call');
    return this.#call;
  }

  #begin(): void {
    const call = this.#call;
    if (!call || call.begunAt) return;
    call.begunAt = Date.now();
    this.emit('onCallBegin', { callId: call.callId, mediaType: call.mediaType, role: call.role });
  }

  #memberOut(userId: string, cause: EndCause): void {
    const call = this.#call;
    if (!call) return;
    call.members.delete(userId);
    const stillThere = [...call.members.values()].filter((m) => call.role === CallRole.CALLER || m.accepted);
    if (stillThere.length === 0) this.#end(cause, false);
  }

  #end(cause: EndCause, _byMe: boolean): void {
    const call = this.#call;
    if (!call) return;
    this.#call = null;
    this.#videoAsked = null;
    this.#videoAsk?.reject(new CallKitError(ErrorCode.SWITCH_TO_VIDEO_CALL_FAILED, 'the call ended', 'cancelled'));
    this.#videoAsk = null;
    for (const userId of call.members.keys()) this.emit('onRemoteStream', { userId, stream: null });
    for (const s of this.#streams) for (const t of s.getTracks()) t.stop();
    this.#streams = [];
    for (const audio of this.#audioContexts) void audio.close().catch(() => undefined);
    this.#audioContexts = [];
    this.emit('onLocalStream', { stream: null });
    const totalTime = call.begunAt ? Math.round((Date.now() - call.begunAt) / 1000) : 0;
    this.emit('onCallEnd', { callId: call.callId, reason: END_REASON[cause], cause, totalTime });
    this.#queue.promote();
  }

  #startLocal(mediaType: CallMediaType): void {
    const stream = this.#synthetic(this.#userId, mediaType === CallMediaType.VIDEO);
    if (stream) this.emit('onLocalStream', { stream });
  }

  #remoteMedia(userId: string, mediaType: CallMediaType): void {
    this.remoteMediaState(userId, { audio: true, video: mediaType === CallMediaType.VIDEO });
    const stream = this.#synthetic(userId, mediaType === CallMediaType.VIDEO);
    if (stream) this.emit('onRemoteStream', { userId, stream });
  }

  /** A synthetic stream for `userId` (Storybook: see synthetic-video.ts), or null without a DOM. */
  #synthetic(userId: string, video: boolean): MediaStream | null {
    if (!this.#options.syntheticMedia || typeof document === 'undefined') return null;
    if (!video) {
      // Voice calls: a silent audio track, so the UI sees media flowing (not "connecting") as in real calls.
      if (typeof AudioContext === 'undefined') return null;
      const audio = new AudioContext();
      const stream = audio.createMediaStreamDestination().stream;
      this.#audioContexts.push(audio);
      this.#streams.push(stream);
      return stream;
    }
    const name = (userId === this.#userId ? this.#selfName : this.#call?.members.get(userId)?.name) || userId;
    const stream = syntheticVideoStream(userId, name, { mode: this.#options.syntheticVideo ?? 'animated' });
    if (!stream) return null;
    this.#streams.push(stream);
    return stream;
  }
}
