/**
 * A deterministic, scripted engine for Storybook and UI unit tests only: no network, no real
 * calls. Tests and stories drive the "other side" through `remote*` methods; local media is
 * optional (a canvas-drawn stream when `syntheticMedia` is on and a DOM exists).
 */
import { CallEndReason, CallMediaType, CallRole, type DeviceKind, type VideoResolution } from '../../constants.js';
import { CallKitError, ErrorCode } from '../../errors.js';
import { Emitter } from '../emitter.js';
import type {
  CallEngine,
  CallEngineEvents,
  DeviceInfo,
  EndCause,
  EngineCallParams,
  EngineLoginParams,
  UserProfile,
} from '../types.js';

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

interface SimCall {
  callId: string;
  role: CallRole;
  mediaType: CallMediaType;
  members: Map<string, UserProfile & { accepted: boolean }>;
  begunAt: number;
}

export interface SimulatedEngineOptions {
  /** Draw a canvas stream for local and remote video (needs a DOM). Default false. */
  syntheticMedia?: boolean;
  /** Devices `getDeviceList` reports. */
  devices?: DeviceInfo[];
}

let nextId = 0;

export class SimulatedEngine extends Emitter<CallEngineEvents> implements CallEngine {
  readonly name = 'simulated';
  #userId = '';
  #call: SimCall | null = null;
  #options: SimulatedEngineOptions;
  #streams: MediaStream[] = [];
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

  #record(method: string, ...args: unknown[]): void {
    this.log.push({ method, args });
  }

  async login(params: EngineLoginParams): Promise<void> {
    this.#record('login', params.userID);
    this.#userId = params.userID;
    this.emit('onConnectionStateChanged', { state: 'connected' });
  }

  async logout(): Promise<void> {
    this.#record('logout');
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

  async accept(options: { mediaType?: CallMediaType } = {}): Promise<void> {
    this.#record('accept', options);
    const call = this.#requireCall(CallRole.CALLEE);
    if (options.mediaType === CallMediaType.AUDIO) call.mediaType = CallMediaType.AUDIO;
    this.#startLocal(call.mediaType);
    this.#begin();
    for (const m of call.members.values()) if (m.accepted) this.#remoteMedia(m.userId, call.mediaType);
  }

  async reject(): Promise<void> {
    this.#record('reject');
    this.#requireCall(CallRole.CALLEE);
    this.#end('rejected', true);
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
    if (this.#call) this.#call.mediaType = mediaType;
    this.emit('onCallMediaTypeChanged', { mediaType });
  }
  async setSelfInfo(profile: { name?: string; avatar?: string }): Promise<void> {
    this.#record('setSelfInfo', profile);
  }

  async destroy(): Promise<void> {
    this.#record('destroy');
    this.#end('hangup', false);
    this.removeAllListeners();
  }

  // ---- the scripted other side -----------------------------------------------------------------

  /** Someone calls us. */
  remoteInvite(caller: UserProfile, mediaType: CallMediaType = CallMediaType.VIDEO, others: UserProfile[] = []): string {
    const callId = `sim-call-${++nextId}`.padEnd(22, '0');
    const members = new Map<string, UserProfile & { accepted: boolean }>([[caller.userId, { ...caller, accepted: true }]]);
    for (const o of others) members.set(o.userId, { ...o, accepted: false });
    this.#call = { callId, role: CallRole.CALLEE, mediaType, members, begunAt: 0 };
    this.emit('onCallReceived', {
      callId,
      caller,
      calleeIdList: [this.#userId, ...others.map((o) => o.userId)],
      members: [caller, ...others],
      mediaType,
    });
    return callId;
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

  /** The caller cancels the call ringing here. */
  remoteCancel(): void {
    this.#end('cancelled', false);
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

  // ---- internals ---------------------------------------------------------------------------------

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
    for (const userId of call.members.keys()) this.emit('onRemoteStream', { userId, stream: null });
    for (const s of this.#streams) for (const t of s.getTracks()) t.stop();
    this.#streams = [];
    this.emit('onLocalStream', { stream: null });
    const totalTime = call.begunAt ? Math.round((Date.now() - call.begunAt) / 1000) : 0;
    this.emit('onCallEnd', { callId: call.callId, reason: END_REASON[cause], cause, totalTime });
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

  /** A canvas-drawn stream labelled with the user id (Storybook), or null without a DOM. */
  #synthetic(label: string, video: boolean): MediaStream | null {
    if (!this.#options.syntheticMedia || !video || typeof document === 'undefined') return null;
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 240;
    const ctx = canvas.getContext('2d');
    if (!ctx || typeof canvas.captureStream !== 'function') return null;
    let hue = [...label].reduce((h, c) => h + c.charCodeAt(0), 0) % 360;
    const draw = () => {
      hue = (hue + 1) % 360;
      ctx.fillStyle = `hsl(${hue} 45% 35%)`;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.fillStyle = '#fff';
      ctx.font = '48px sans-serif';
      ctx.textAlign = 'center';
      ctx.fillText(label.slice(0, 1).toUpperCase(), canvas.width / 2, canvas.height / 2 + 16);
    };
    draw();
    const stream = canvas.captureStream(10);
    const [track] = stream.getVideoTracks();
    const timer = setInterval(() => (track.readyState === 'live' ? draw() : clearInterval(timer)), 100);
    this.#streams.push(stream);
    return stream;
  }
}
