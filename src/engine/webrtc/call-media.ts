/**
 * The default engine's media and peer wiring: our capture (`LocalMedia`), the volume meter, one
 * `Peer` per remote member (mesh), the video caps, the `media-state` announcements and the
 * volume / network-quality sampling. The call state machine (`call-machine.ts`) decides when a peer
 * opens or closes; this module does it and cleans up.
 */
import { CallMediaType, VIDEO_REQUEST_TIMEOUT_MS, type DeviceKind, type VideoResolution } from '../../constants.js';
import { CallKitError, ErrorCode } from '../../errors.js';
import type { RelayData } from '../../protocol/messages.js';
import type { EngineContext, ActiveCall, PreConnection, SfuData } from './call-model.js';
import type { SfuSession } from './sfu-session.js';
import { noop } from './call-model.js';
import { LocalMedia, VolumeMeter } from './media.js';
import { Backgrounds, type BackgroundEffect, type BackgroundsOptions } from './backgrounds.js';
import { NoiseSuppression } from './noise-suppression.js';
import { Peer } from './peer.js';
import { Preconnector } from './preconnect.js';
import { tuningHooks } from './peer-hooks.js';
import { startSfu } from './sfu-start.js';
import { degradationFor } from './media-tuning.js';
import { capVideo, setLinkVideo, videoLimitFor } from './video-caps.js';
import { VideoUpgrade } from './video-upgrade.js';

export interface CallMediaOptions {
  /** The configuration of each new RTCPeerConnection (app ICE servers + the server's TURN set). */
  rtcConfiguration(): RTCConfiguration;
  statsIntervalMs: number;
  iceDisconnectedTimeoutMs: number | undefined;
  mediaStallMs: number | undefined;
  /** The weak-network tuning of `media-tuning.ts` (false: Chromium's defaults). */
  mediaTuning: boolean;
  /** The bounded wait of a request to switch to video (`video-upgrade.ts`; default `VIDEO_REQUEST_TIMEOUT_MS`). */
  videoRequestTimeoutMs?: number;
  /** Background effects (blur, image): the self-hosted assets. */
  backgrounds?: BackgroundsOptions;
  /** Pre-connect incoming 1v1 calls while they ring (`preconnect.ts`). */
  preconnect: boolean;
  /** ICE toward `userId` failed for good (see `Peer`): the call state machine decides. */
  onIceFatal(call: ActiveCall, userId: string): void;
  /** No peer connection could be made toward `userId` (the constructor threw). */
  onPeerFailed(call: ActiveCall, userId: string): void;
  /** The connection toward `userId` (null: the upload to the SFU) is connected for the first time (media can flow). */
  onPeerConnected(call: ActiveCall, userId: string | null): void;
  /** Where the page serves `@sapphi-red/web-noise-suppressor`'s `dist/` (the AI denoiser's assets). */
  noiseSuppressionAssets: string;
}

function sameRecord(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

export class CallMedia {
  readonly #ctx: EngineContext;
  readonly #options: CallMediaOptions;
  readonly local = new LocalMedia();
  readonly backgrounds: Backgrounds;
  readonly #meter = new VolumeMeter();
  /** Every RTCPeerConnection created, until seen closed (leak checks). */
  readonly #pcs = new Set<RTCPeerConnection>();
  #statsTimer: ReturnType<typeof setInterval> | null = null;
  #statsBusy = false;
  #lastVolumes: Record<string, number> = {};
  #lastQualities: Record<string, number> = {};
  #queue: Promise<unknown> = Promise.resolve();
  /** Audio -> video requests (`video-upgrade.ts`). */
  readonly upgrade: VideoUpgrade;
  readonly #noise: NoiseSuppression;
  /** Pre-connection while ringing (issue 18). */
  readonly pre: Preconnector;

  constructor(ctx: EngineContext, options: CallMediaOptions) {
    this.#ctx = ctx;
    this.#options = options;
    this.upgrade = new VideoUpgrade(
      ctx,
      {
        captureCamera: () => this.run(() => this.local.startCamera()).then(noop),
        releaseCamera: (call) =>
          this.run(async () => {
            if (call.mediaType !== CallMediaType.VIDEO) this.local.stopCamera();
          }),
        toVideo: (call) => this.toVideo(call),
      },
      options.videoRequestTimeoutMs ?? VIDEO_REQUEST_TIMEOUT_MS,
    );
    this.backgrounds = new Backgrounds(options.backgrounds);
    this.#noise = new NoiseSuppression(options.noiseSuppressionAssets, (state) => {
      ctx.events.emit('onAINoiseSuppressionChanged', state);
    });
    this.pre = new Preconnector(ctx, this, options.preconnect);
  }

  /** Runs media operations one at a time (capture, camera/mic toggles, device switches). */
  run<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(op, op);
    this.#queue = run.catch(noop);
    return run;
  }

  /** Captures what a call needs (queued with the other media operations). */
  acquire(constraints: { audio: boolean; video: boolean }): Promise<void> {
    return this.run(async () => {
      await this.local.acquire(constraints);
      await this.#denoise();
    });
  }

  /** AI noise suppression on/off (`noise-suppression.ts`), swapped on every sender; false: it could not load. */
  setNoiseSuppression(enable: boolean): Promise<boolean> {
    return this.run(async () => {
      this.#noise.wanted = enable;
      if (await this.#denoise()) {
        await this.#sendTrack('audio', this.local.audioTrack);
        this.meterLocal();
        this.emitLocalStream();
      }
      this.#noise.settle();
      if (this.#noise.wanted === enable) this.#ctx.events.emit('onAINoiseSuppressionChanged', { enabled: enable });
      return this.#noise.wanted;
    });
  }

  /** Puts the denoised (or raw) microphone in `local`; true when the track to send changed. */
  async #denoise(): Promise<boolean> {
    const before = this.local.audioTrack;
    this.local.setSentAudio(await this.#noise.trackFor(this.local.rawAudioTrack));
    return this.local.audioTrack !== before;
  }

  // ---- local media, as the engine's public methods ask ----------------------------------------

  openCamera(): Promise<void> {
    return this.run(async () => {
      const call = this.#ctx.call;
      if (call && call.phase !== 'ringing' && call.mediaType !== CallMediaType.VIDEO) {
        throw new CallKitError(ErrorCode.INVALID_STATE, 'the camera is not available in an audio call');
      }
      if (this.local.videoEnabled) return;
      const track = await this.local.startCamera();
      await this.#sendTrack('video', track);
      this.emitLocalStream();
      this.sendMediaState();
    });
  }

  closeCamera(): Promise<void> {
    return this.run(async () => {
      if (!this.local.videoTrack) return;
      this.local.stopCamera();
      await this.#sendTrack('video', null);
      this.emitLocalStream();
      this.sendMediaState();
    });
  }

  openMicrophone(): Promise<void> {
    return this.run(async () => {
      this.local.setMicMuted(false);
      const call = this.#ctx.call;
      if (call && (call.phase === 'connected' || call.phase === 'dialing') && !this.local.audioEnabled) {
        await this.local.startMicrophone();
        await this.#denoise();
        await this.#sendTrack('audio', this.local.audioTrack);
        this.#noise.settle();
        this.meterLocal();
        this.emitLocalStream();
      }
      this.sendMediaState();
    });
  }

  closeMicrophone(): Promise<void> {
    return this.run(async () => {
      this.local.setMicMuted(true);
      this.sendMediaState();
    });
  }

  switchDevice(deviceType: DeviceKind, deviceId: string): Promise<void> {
    return this.run(async () => {
      const captured = await this.local.switchDevice(deviceType, deviceId);
      if (!captured) return;
      if (captured.kind === 'audio') await this.#denoise();
      const track = captured.kind === 'audio' ? this.local.audioTrack : captured;
      await this.#sendTrack(captured.kind as 'audio' | 'video', track);
      this.#noise.settle();
      if (captured.kind === 'audio') this.meterLocal();
      this.emitLocalStream();
    });
  }

  /**
   * A background effect on, changed or off (`none`): the processed track replaces the camera's on every
   * sender and in the preview; it stays through camera switches and off/on (`backgrounds.ts`).
   */
  setBackground(effect: BackgroundEffect): Promise<void> {
    return this.run(async () => {
      const transform = await this.backgrounds.prepare(effect);
      const track = this.local.setVideoTransform(transform);
      if (track) {
        await this.#sendTrack('video', track);
        this.emitLocalStream();
      }
      this.backgrounds.settle();
    });
  }

  setResolution(resolution: VideoResolution): Promise<void> {
    return this.run(() => this.local.setResolution(resolution));
  }

  /** `switchCallMediaType(AUDIO)`: the connected call goes audio for everyone. */
  switchToAudio(): Promise<void> {
    const call = this.#ctx.call;
    if (!call || call.phase !== 'connected') {
      return Promise.reject(new CallKitError(ErrorCode.SWITCH_TO_AUDIO_CALL_FAILED, 'no connected call to switch'));
    }
    return this.toAudio(call, true);
  }

  /** Drops our camera for good and emits onCallMediaTypeChanged; `announce`: we switch the call. */
  toAudio(call: ActiveCall, announce: boolean): Promise<void> {
    return this.run(async () => {
      if (this.#ctx.call !== call || call.mediaType === CallMediaType.AUDIO) return;
      call.mediaType = CallMediaType.AUDIO;
      if (this.local.videoTrack) {
        this.local.stopCamera();
        await this.#sendTrack('video', null);
        this.emitLocalStream();
      }
      this.sendMediaState(announce);
      this.#ctx.events.emit('onCallMediaTypeChanged', { mediaType: CallMediaType.AUDIO });
    });
  }

  /** The call became video (`video-upgrade.ts`): our camera goes to the peers (they renegotiate), announced. */
  toVideo(call: ActiveCall): Promise<void> {
    return this.run(async () => {
      if (this.#ctx.call !== call || call.mediaType === CallMediaType.VIDEO) return;
      call.mediaType = CallMediaType.VIDEO;
      this.#ctx.events.emit('onCallMediaTypeChanged', { mediaType: CallMediaType.VIDEO });
      // Captured before the request went out; if it stopped since (device unplugged), the call is
      // video with our camera off: the user can turn it on again with the camera button.
      const track = this.local.videoEnabled ? this.local.videoTrack : null;
      if (track) {
        await this.#sendTrack('video', track);
        this.emitLocalStream();
      }
      this.sendMediaState();
    });
  }

  // ---- peers ------------------------------------------------------------------------------------

  /** `initiator`: we make the first offer (we just joined); otherwise we wait for theirs. */
  connectPeer(call: ActiveCall, userId: string, initiator: boolean): Peer | null {
    const existing = call.peers.get(userId);
    if (existing || call.sfu) return existing ?? null;
    if (this.#ctx.call !== call || call.phase !== 'connected') return null;
    const adopted = this.pre.take(call, userId);
    if (adopted) return this.#adopt(call, userId, adopted);
    const peer = this.makePeer(call, userId, initiator);
    peer?.addLocalTracks(this.local.stream);
    return peer;
  }

  /**
   * A new `Peer` toward `userId` with the call's settings. `pre`: made while ringing (`preconnect.ts`):
   * until adopted, its signals go as `pre-connect`, its remote stream is held and its failures only
   * drop it. Null when no peer connection can be made (an ordinary one then ends the call).
   */
  makePeer(call: ActiveCall, userId: string, initiator: boolean, pre?: PreConnection): Peer | null {
    const ctx = this.#ctx;
    const callId = call.callId;
    const events = ctx.events;
    const early = () => pre !== undefined && !pre.adopted;
    let peer: Peer;
    try {
      peer = new Peer({
        localUserId: ctx.userId,
        remoteUserId: userId,
        initiator,
        configuration: () => this.#options.rtcConfiguration(),
        send: (data: RelayData) => this.pre.send(callId, userId, pre, data),
        onRemoteStream: (stream) => {
          if (pre) pre.stream = stream;
          if (ctx.call !== call || call.peers.get(userId) !== peer) return;
          this.#meter.set(userId, stream.getAudioTracks()[0] ?? null);
          events.emit('onRemoteStream', { userId, stream });
        },
        onError: (error) => {
          if (early()) return this.pre.drop(call, true);
          events.emit('onError', {
            code: ErrorCode.FAILED,
            message: `negotiation with ${userId} failed: ${(error as Error)?.message ?? String(error)}`,
          });
        },
        onIceFatal: () => (early() ? this.pre.drop(call, true) : this.#options.onIceFatal(call, userId)),
        onFirstConnected: () => {
          if (pre && early()) pre.connected = true;
          else this.#options.onPeerConnected(call, userId);
        },
        iceDisconnectedTimeoutMs: this.#options.iceDisconnectedTimeoutMs,
        onInterrupted: (reconnecting) => {
          if (ctx.call === call && call.peers.get(userId) === peer) events.emit('onUserReconnecting', { userId, reconnecting });
        },
        stallMs: this.#options.mediaStallMs,
        ...tuningHooks(this.#options.mediaTuning, pre !== undefined, () => peer),
      });
    } catch (error) {
      if (pre) return null; // no pre-connection: the call is set up as usual at accept
      // No media path to this member: the call must not stay `connected` without one (the machine
      // ends a 1v1 call for both sides). After the caller's loop over members, never inside it.
      events.emit('onError', { code: ErrorCode.NOT_SUPPORTED_WEBRTC, message: `cannot create a peer connection: ${String(error)}` });
      queueMicrotask(() => this.#options.onPeerFailed(call, userId));
      return null;
    }
    this.#pcs.add(peer.pc);
    // Before any track (a pre-connection: before `replaceTrack` at accept): a degradation preference
    // set on a running encoder reconfigures it and delays the first frame.
    this.#capPeer(call, peer);
    if (!pre) call.peers.set(userId, peer);
    return peer;
  }

  /** The pre-connected peer becomes the call's peer toward `userId` (its tracks are attached already). */
  #adopt(call: ActiveCall, userId: string, pre: PreConnection): Peer {
    const peer = pre.peer;
    call.peers.set(userId, peer);
    this.#capPeer(call, peer);
    // After the caller's synchronous handling (its media type, onConnected), as an ordinary connection would.
    queueMicrotask(() => {
      if (this.#ctx.call !== call || call.peers.get(userId) !== peer) return;
      if (pre.stream) {
        this.#meter.set(userId, pre.stream.getAudioTracks()[0] ?? null);
        this.#ctx.events.emit('onRemoteStream', { userId, stream: pre.stream });
      }
      if (pre.connected) this.#options.onPeerConnected(call, userId);
    });
    return peer;
  }

  #capPeer(call: ActiveCall, peer: Peer): void {
    capVideo(peer.pc, videoLimitFor(memberCount(call)));
    if (this.#options.mediaTuning) setLinkVideo(peer.pc, { degradation: degradationFor(memberCount(call)) });
  }

  /** Sends our current tracks on `peer`'s transceivers (`replaceTrack`, no renegotiation): a pre-connection adopted. */
  attachTracks(peer: Peer): void {
    const stream = this.local.stream;
    for (const track of stream.getTracks()) {
      peer.setTrack(track.kind as 'audio' | 'video', track, stream).catch((error: unknown) => {
        if (!peer.closed)
          this.#ctx.events.emit('onError', { code: ErrorCode.FAILED, message: `could not send ${track.kind}: ${String(error)}` });
      });
    }
  }

  closePeer(call: ActiveCall, userId: string): void {
    // A pre-connection goes once its callee stops ringing (declined, no answer...), not on a repeated `ringing`.
    if (call.pre?.userId === userId && call.members.get(userId)?.state !== 'ringing') this.pre.drop(call, false);
    const peer = call.peers.get(userId);
    const viaSfu = sessionOf(call)?.forget(userId) ?? false;
    if (!peer) {
      if (viaSfu) this.#remoteStream(userId, null);
      return;
    }
    call.peers.delete(userId);
    const wasInterrupted = peer.interrupted;
    peer.close();
    this.#meter.set(userId, null);
    this.#ctx.events.emit('onRemoteStream', { userId, stream: null });
    if (wasInterrupted) this.#ctx.events.emit('onUserReconnecting', { userId, reconnecting: false });
  }

  // ---- the SFU media path ------------------------------------------------------------------------

  /** The call goes through the SFU: loads the session (lazy chunk) and publishes our media once. */
  startSfu(call: ActiveCall): void {
    startSfu(call, {
      ctx: this.#ctx,
      local: this.local,
      configuration: () => this.#options.rtcConfiguration(),
      remoteStream: (userId, stream) => this.#remoteStream(userId, stream),
      addPeerConnection: (pc) => this.#pcs.add(pc),
      onConnected: () => this.#options.onPeerConnected(call, null),
      onFatal: () => this.#options.onIceFatal(call, 'the media server'),
    });
  }

  /** An `sfu` message from the server for `call` (`start` is the machine's). */
  onSfuData(call: ActiveCall, data: SfuData): void {
    const session = call.sfuSession;
    if (session && session !== 'loading') void session.onMessage(data);
    else if ((call.sfuPending ??= []).length < 50) call.sfuPending.push(data);
  }

  #remoteStream(userId: string, stream: MediaStream | null): void {
    this.#meter.set(userId, stream?.getAudioTracks()[0] ?? null);
    this.#ctx.events.emit('onRemoteStream', { userId, stream });
  }

  /** Caps every outgoing video by the member count (see `video-caps.ts`); audio is untouched. */
  capVideo(call: ActiveCall): void {
    if (this.#ctx.call !== call) return;
    const limit = videoLimitFor(memberCount(call));
    for (const peer of call.peers.values()) {
      capVideo(peer.pc, limit);
      if (this.#options.mediaTuning) setLinkVideo(peer.pc, { degradation: degradationFor(memberCount(call)) });
    }
  }

  /** Sends `track` (or nothing) as our `kind` media to every peer of the call. */
  async #sendTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const call = this.#ctx.call;
    if (!call) return;
    await sessionOf(call)
      ?.setTrack(kind, track)
      .catch((error: unknown) =>
        this.#ctx.events.emit('onError', { code: ErrorCode.FAILED, message: `could not switch ${kind}: ${String(error)}` }),
      );
    await Promise.all(
      [...call.peers.values()].map((peer) =>
        peer.setTrack(kind, track, this.local.stream).catch((error: unknown) => {
          if (!peer.closed) {
            this.#ctx.events.emit('onError', {
              code: ErrorCode.FAILED,
              message: `could not switch ${kind} for ${peer.remoteUserId}: ${String(error)}`,
            });
          }
        }),
      ),
    );
  }

  /** Announces our microphone/camera state; `switchToAudio`: we switched the whole call to audio. */
  sendMediaState(switchToAudio = false): void {
    const call = this.#ctx.call;
    if (!call || call.phase !== 'connected' || !call.callId) return;
    this.#ctx.client?.send({
      type: 'media-state',
      callId: call.callId,
      audio: this.local.audioEnabled,
      // A camera captured for a pending video request is not sent yet: not announced either.
      video: this.local.videoEnabled && call.mediaType === CallMediaType.VIDEO,
      ...(switchToAudio ? { mediaType: 'audio' as const } : {}),
    });
  }

  emitLocalStream(): void {
    this.#ctx.events.emit('onLocalStream', { stream: this.local.snapshot() });
  }

  meterLocal(): void {
    if (this.#ctx.call?.phase === 'connected') this.#meter.set(this.#ctx.userId, this.local.audioTrack);
  }

  /** We are connected: meter our own voice, tell the others our media, start sampling. */
  onConnected(call: ActiveCall): void {
    if (this.#ctx.call !== call) return;
    this.meterLocal();
    this.sendMediaState();
    this.#startStats();
    this.startSfu(call);
  }

  /** The call is over: peers closed (onRemoteStream null each), capture stopped, sampling stopped. */
  endCall(call: ActiveCall): void {
    this.upgrade.end();
    this.#stopStats();
    this.pre.drop(call, false);
    for (const userId of [...call.peers.keys()]) this.closePeer(call, userId);
    const session = sessionOf(call);
    call.sfuSession = undefined;
    if (session) {
      for (const userId of session.shown) this.#remoteStream(userId, null);
      session.close();
    }
    this.local.release();
    this.#noise.close();
    void this.#meter.close();
    this.#lastVolumes = {};
    this.#lastQualities = {};
  }

  /** Logout: no sampling, no capture, the AudioContext closed. */
  async reset(): Promise<void> {
    this.upgrade.end();
    this.#stopStats();
    this.local.setVideoTransform(null);
    this.backgrounds.close();
    this.local.release();
    this.#noise.close();
    await this.#meter.close();
  }

  // ---- sampling ---------------------------------------------------------------------------------

  #startStats(): void {
    if (this.#statsTimer) return;
    this.#statsTimer = setInterval(() => void this.#sample(), this.#options.statsIntervalMs);
  }

  #stopStats(): void {
    if (this.#statsTimer) clearInterval(this.#statsTimer);
    this.#statsTimer = null;
  }

  async #sample(): Promise<void> {
    const ctx = this.#ctx;
    const call = ctx.call;
    if (!call || call.phase !== 'connected') return;
    const volumes = this.#meter.read();
    if (!sameRecord(volumes, this.#lastVolumes)) {
      this.#lastVolumes = volumes;
      ctx.events.emit('onUserVoiceVolumeChanged', { volumes });
    }
    const session = sessionOf(call);
    if (this.#statsBusy || !(call.peers.size || session)) return;
    this.#statsBusy = true;
    try {
      const qualities: Record<string, number> = {};
      await Promise.all(
        [...call.peers].map(async ([userId, peer]) => {
          qualities[userId] = await peer.sampleQuality(call.members.get(userId)?.audio === true);
        }),
      );
      // Ours: the worst of our mesh links and of our link to the media server (`sfu-quality.ts`).
      const known = Object.values(qualities).filter((q) => q > 0);
      if (session) known.push(await session.rate(qualities, call.members));
      if (ctx.call !== call) return;
      qualities[ctx.userId] = Math.max(0, ...known);
      if (!sameRecord(qualities, this.#lastQualities)) {
        this.#lastQualities = qualities;
        ctx.events.emit('onUserNetworkQualityChanged', { qualities });
      }
    } finally {
      this.#statsBusy = false;
    }
  }

  // ---- leak counts (test support) ---------------------------------------------------------------

  /** Peer connections created and not closed yet. */
  openPeerCount(): number {
    for (const pc of [...this.#pcs]) if (pc.signalingState === 'closed') this.#pcs.delete(pc);
    return this.#pcs.size;
  }

  get statsTimerCount(): number {
    return this.#statsTimer ? 1 : 0;
  }

  openAudioContextCount(): number {
    return this.#meter.openContextCount() + this.#noise.openContextCount();
  }
}

/** Accepted members, us included: what the video caps depend on. */
function memberCount(call: ActiveCall): number {
  let n = 1;
  for (const m of call.members.values()) if (m.state === 'accepted') n++;
  return n;
}

function sessionOf(call: ActiveCall): SfuSession | null {
  const session = call.sfuSession;
  return session && session !== 'loading' ? session : null;
}
