/**
 * The Tencent engine's media: one `trtc-sdk-v5` instance (created at the first call, kept until
 * logout), its TRTC room per call, local capture (microphone, camera, virtual background) and the
 * devices. Room events are handed to the engine through {@link TrtcMediaHandlers}; the engine
 * decides what they mean for the call's members. Room and capture operations run one at a time
 * ({@link TrtcMedia.op}).
 *
 * Remote video is subscribed with `startRemoteVideo({ view: null })` so TRTC renders nothing
 * itself, and TRTC's own playback of remote audio is turned to volume 0 (unless
 * `sdkPlaysRemoteAudio`) because the kit's tiles play the streams built from
 * {@link TrtcMedia.localTracks} / {@link TrtcMedia.remoteTracks}.
 */
import { CallMediaType, VideoResolution, type DeviceKind } from '../../constants.js';
import { CallKitError, ErrorCode, invalidParameter } from '../../errors.js';
import { withDeadline } from '../deadline.js';
import { boundedDeviceStart, DEVICE_START_TIMEOUT_MS } from '../device-start.js';
import type { DeviceInfo } from '../types.js';
import type { ActiveCall } from './call-model.js';
import { loadTRTCModule, loadVirtualBackgroundPlugin } from './default-loaders.js';
import type { TencentEngineOptions, TencentUser } from './options.js';
import { deviceError, errorEvent, roomError } from './sdk-errors.js';
import { TRTCEventName, type BackgroundEffect, type TRTCEventPayloads, type TRTCLike, type TRTCModuleLike } from './sdk-types.js';

/** What the TRTC room tells the engine (only events of the current TRTC instance). */
export interface TrtcMediaHandlers {
  remoteEnter(userId: string): void;
  remoteExit(userId: string): void;
  /** A remote member's audio or main video became (un)available. */
  remoteMedia(userId: string, kind: 'audio' | 'video', available: boolean): void;
  /** A track changed: ours (`userId` '') or a remote member's. */
  track(userId: string): void;
  /** Volume levels (`userId` '' is us). */
  volume(result: TRTCEventPayloads['audio-volume']['result']): void;
  networkQuality(quality: TRTCEventPayloads['network-quality']): void;
  /** The device lists after a device change. */
  devices(devices: DeviceInfo[]): void;
  /** TRTC removed us from the room. */
  roomKickedOut(reason: string): void;
  roomError(error: TRTCEventPayloads['error']): void;
}

/** The part of a call its room needs: the room id, and whether we are in it. */
export type RoomCall = Pick<ActiveCall, 'room' | 'inRoom'>;

const RESOLUTIONS: readonly string[] = Object.values(VideoResolution);

const noop = (): void => undefined;

export class TrtcMedia {
  readonly #options: TencentEngineOptions;
  readonly #on: TrtcMediaHandlers;
  readonly #user: () => TencentUser;

  #TRTC: TRTCModuleLike | null = null;
  #trtc: TRTCLike | null = null;
  #loading: Promise<TRTCLike> | null = null;
  #off: (() => void)[] = [];
  /** TRTC room and capture operations, one at a time. */
  #queue: Promise<unknown> = Promise.resolve();

  // local media state
  #audioStarted = false;
  #micMuted = false;
  #cameraOn = false;
  #cameraId = '';
  #microphoneId = '';
  #resolution: VideoResolution = VideoResolution.RESOLUTION_720P;
  /** Virtual background: registered with this TRTC instance, and the effect running (null off). */
  #blurPluginUsed = false;
  #background: BackgroundEffect | null = null;

  constructor(options: TencentEngineOptions, handlers: TrtcMediaHandlers, user: () => TencentUser) {
    this.#options = options;
    this.#on = handlers;
    this.#user = user;
  }

  /** Runs a room or capture operation after the previous one settled. */
  op<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(op, op);
    this.#queue = run.catch(noop);
    return run;
  }

  // ---- TRTC instance ------------------------------------------------------------------------------

  async #load(): Promise<TRTCModuleLike> {
    if (this.#TRTC) return this.#TRTC;
    try {
      this.#TRTC = await (this.#options.loadTRTC ?? loadTRTCModule)();
    } catch (error) {
      throw error instanceof CallKitError
        ? error
        : new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, `cannot load trtc-sdk-v5: ${String(error)}`);
    }
    return this.#TRTC;
  }

  #ensure(): Promise<TRTCLike> {
    if (this.#trtc) return Promise.resolve(this.#trtc);
    this.#loading ??= (async () => {
      const TRTC = await this.#load();
      const options: { assetsPath?: string; enableAutoPlayDialog: boolean } = { enableAutoPlayDialog: false };
      if (this.#options.assetsPath) options.assetsPath = this.#options.assetsPath;
      const trtc = TRTC.create(options);
      this.#bind(trtc);
      trtc.enableAudioVolumeEvaluation(this.#options.volumeIntervalMs ?? 500);
      this.#trtc = trtc;
      return trtc;
    })().finally(() => {
      this.#loading = null;
    });
    return this.#loading;
  }

  /** Waits for the queued operations, then leaves the room, stops capture and destroys the instance. */
  async teardown(): Promise<void> {
    await this.#queue.catch(noop);
    const trtc = this.#trtc;
    if (!trtc) return;
    this.#trtc = null;
    for (const off of this.#off) off();
    this.#off = [];
    await trtc.exitRoom().catch(noop);
    await trtc.stopLocalVideo().catch(noop);
    await trtc.stopLocalAudio().catch(noop);
    try {
      trtc.destroy();
    } catch {
      // already destroyed
    }
    this.#audioStarted = false;
    this.#cameraOn = false;
    this.#micMuted = false;
    this.#background = null;
    this.#blurPluginUsed = false;
  }

  #bind(trtc: TRTCLike): void {
    const on = <K extends keyof TRTCEventPayloads>(event: K, fn: (payload: TRTCEventPayloads[K]) => void): void => {
      const handler = (payload: TRTCEventPayloads[K]): void => {
        if (this.#trtc === trtc) fn(payload);
      };
      trtc.on(event, handler);
      this.#off.push(() => trtc.off(event, handler));
    };
    const h = this.#on;
    on(TRTCEventName.REMOTE_USER_ENTER, ({ userId }) => h.remoteEnter(userId));
    on(TRTCEventName.REMOTE_USER_EXIT, ({ userId }) => h.remoteExit(userId));
    on(TRTCEventName.REMOTE_AUDIO_AVAILABLE, ({ userId }) => h.remoteMedia(userId, 'audio', true));
    on(TRTCEventName.REMOTE_AUDIO_UNAVAILABLE, ({ userId }) => h.remoteMedia(userId, 'audio', false));
    on(TRTCEventName.REMOTE_VIDEO_AVAILABLE, ({ userId, streamType }) => {
      if (streamType === 'main') h.remoteMedia(userId, 'video', true);
    });
    on(TRTCEventName.REMOTE_VIDEO_UNAVAILABLE, ({ userId, streamType }) => {
      if (streamType === 'main') h.remoteMedia(userId, 'video', false);
    });
    on(TRTCEventName.TRACK, ({ userId }) => h.track(userId));
    on(TRTCEventName.AUDIO_VOLUME, ({ result }) => h.volume(result));
    on(TRTCEventName.NETWORK_QUALITY, (q) => h.networkQuality(q));
    on(TRTCEventName.DEVICE_CHANGED, () => {
      void this.getDeviceList().then((devices) => h.devices(devices), noop);
    });
    on(TRTCEventName.KICKED_OUT, ({ reason }) => h.roomKickedOut(reason));
    on(TRTCEventName.ERROR, (error) => h.roomError(error));
  }

  // ---- room ---------------------------------------------------------------------------------------

  /**
   * Captures local media for `mediaType` and enters the call's room, as one queued operation.
   * `assertCurrent` throws when the call ended meanwhile: checked before each step and after.
   */
  async captureAndEnter(call: RoomCall, mediaType: CallMediaType, assertCurrent: () => void): Promise<void> {
    await this.op(async () => {
      assertCurrent();
      await this.startLocal(mediaType);
      assertCurrent();
      await this.enterRoom(call);
    });
    assertCurrent();
  }

  /** Enters the call's room (`call.inRoom` true meanwhile, false again if that fails). */
  async enterRoom(call: RoomCall): Promise<void> {
    const trtc = await this.#ensure();
    const room = call.room;
    const { sdkAppId, userId, userSig } = this.#user();
    const params: Parameters<TRTCLike['enterRoom']>[0] = { sdkAppId, userId, userSig, autoReceiveAudio: true, enableAutoPlayDialog: false };
    if (typeof room === 'number') params.roomId = room;
    else params.strRoomId = room;
    call.inRoom = true;
    const timeoutMs = this.#options.roomEntryTimeoutMs ?? 15_000;
    try {
      await withDeadline(
        trtc.enterRoom(params),
        timeoutMs,
        () => new CallKitError(ErrorCode.CONNECTION_FAILED, `the TRTC room did not answer within ${timeoutMs} ms`, 'room-timeout'),
      );
    } catch (error) {
      call.inRoom = false;
      if ((error as CallKitError).reason === 'room-timeout') void trtc.exitRoom().catch(noop);
      throw roomError(error, 'cannot enter the TRTC room');
    }
  }

  /** Leaves the call's room (if in it) and stops capture (queued). */
  leaveRoom(call: RoomCall): void {
    void this.op(async () => {
      if (call.inRoom && this.#trtc) {
        call.inRoom = false;
        await this.#trtc.stopRemoteVideo({ userId: '*' }).catch(noop);
        await this.#trtc.exitRoom().catch(noop);
      }
      await this.stopLocal();
    });
  }

  /**
   * Follows a remote member's media: their audio is muted in TRTC's own player (the tiles play
   * it), their main video subscribed or dropped. Resolves when the video subscription settled
   * (null: nothing to wait for).
   */
  subscribe(userId: string, kind: 'audio' | 'video', available: boolean): Promise<void> | null {
    const trtc = this.#trtc;
    if (kind === 'audio' && available && trtc && !this.#options.sdkPlaysRemoteAudio) {
      try {
        trtc.setRemoteAudioVolume(userId, 0);
      } catch {
        // not subscribed yet: TRTC applies the volume when it subscribes
      }
    }
    if (kind !== 'video' || !trtc) return null;
    return available
      ? trtc.startRemoteVideo({ userId, streamType: 'main', view: null })
      : trtc.stopRemoteVideo({ userId, streamType: 'main' });
  }

  /** Our published tracks (null without a TRTC instance). With the background blurred, the processed video. */
  localTracks(): MediaStreamTrack[] | null {
    const trtc = this.#trtc;
    if (!trtc) return null;
    const tracks: MediaStreamTrack[] = [];
    const audio = this.#audioStarted ? trtc.getAudioTrack() : null;
    // With the background blurred, the preview shows what the others see.
    const video = this.#cameraOn ? ((this.#background ? trtc.getVideoTrack({ processed: true }) : null) ?? trtc.getVideoTrack()) : null;
    if (audio) tracks.push(audio);
    if (video) tracks.push(video);
    return tracks;
  }

  /** A remote member's tracks (null without a TRTC instance); video only when `video`. */
  remoteTracks(userId: string, video: boolean): MediaStreamTrack[] | null {
    const trtc = this.#trtc;
    if (!trtc) return null;
    const tracks: MediaStreamTrack[] = [];
    const audioTrack = trtc.getAudioTrack({ userId });
    const videoTrack = video ? trtc.getVideoTrack({ userId, streamType: 'main' }) : null;
    if (audioTrack) tracks.push(audioTrack);
    if (videoTrack) tracks.push(videoTrack);
    return tracks;
  }

  // ---- local capture ------------------------------------------------------------------------------

  /** TRTC's microphone / camera start, bounded once permission is granted (`device-start.ts`). */
  #startAudio(trtc: TRTCLike): Promise<void> {
    const ms = this.#options.deviceStartTimeoutMs ?? DEVICE_START_TIMEOUT_MS;
    return boundedDeviceStart('microphone', trtc.startLocalAudio(this.#audioConfig()), ms, () => void trtc.stopLocalAudio().catch(noop));
  }

  #startVideo(trtc: TRTCLike): Promise<void> {
    const ms = this.#options.deviceStartTimeoutMs ?? DEVICE_START_TIMEOUT_MS;
    return boundedDeviceStart('camera', trtc.startLocalVideo(this.#videoConfig()), ms, () => void trtc.stopLocalVideo().catch(noop));
  }

  /** Microphone, then camera for a video call; a camera failure releases the microphone again. */
  async startLocal(mediaType: CallMediaType): Promise<void> {
    const trtc = await this.#ensure();
    if (!this.#audioStarted) {
      try {
        await this.#startAudio(trtc);
      } catch (error) {
        throw deviceError(error, 'microphone');
      }
      this.#audioStarted = true;
      this.#micMuted = false;
    }
    if (mediaType === CallMediaType.VIDEO && !this.#cameraOn) {
      try {
        await this.#startVideo(trtc);
      } catch (error) {
        await this.stopLocal();
        throw deviceError(error, 'camera');
      }
      this.#cameraOn = true;
    }
  }

  async stopLocal(): Promise<void> {
    const trtc = this.#trtc;
    if (!trtc) return;
    if (this.#background) {
      this.#background = null;
      await trtc.stopPlugin('VirtualBackground').catch(noop);
    }
    if (this.#cameraOn) {
      this.#cameraOn = false;
      await trtc.stopLocalVideo().catch(noop);
    }
    if (this.#audioStarted) {
      this.#audioStarted = false;
      this.#micMuted = false;
      await trtc.stopLocalAudio().catch(noop);
    }
  }

  openCamera(): Promise<void> {
    return this.op(async () => {
      const trtc = await this.#ensure();
      if (this.#cameraOn) return;
      try {
        await this.#startVideo(trtc);
      } catch (error) {
        throw deviceError(error, 'camera');
      }
      this.#cameraOn = true;
    });
  }

  closeCamera(): Promise<void> {
    return this.op(async () => {
      if (!this.#cameraOn || !this.#trtc) return;
      this.#cameraOn = false;
      await this.#trtc.stopLocalVideo().catch(noop);
    });
  }

  openMicrophone(): Promise<void> {
    return this.op(async () => {
      const trtc = await this.#ensure();
      try {
        if (!this.#audioStarted) {
          await this.#startAudio(trtc);
          this.#audioStarted = true;
        } else if (this.#micMuted) {
          await trtc.updateLocalAudio({ mute: false });
        }
      } catch (error) {
        throw deviceError(error, 'microphone');
      }
      this.#micMuted = false;
    });
  }

  closeMicrophone(): Promise<void> {
    return this.op(async () => {
      if (!this.#audioStarted || this.#micMuted || !this.#trtc) return;
      try {
        await this.#trtc.updateLocalAudio({ mute: true });
      } catch (error) {
        throw deviceError(error, 'microphone');
      }
      this.#micMuted = true;
    });
  }

  // ---- devices ------------------------------------------------------------------------------------

  /** Uses this camera or microphone from now on, and switches the running capture to it. */
  switchInput(kind: 'camera' | 'microphone', deviceId: string): Promise<void> {
    const camera = kind === 'camera';
    if (camera) this.#cameraId = deviceId;
    else this.#microphoneId = deviceId;
    return this.op(async () => {
      const trtc = this.#trtc;
      if (!trtc || !(camera ? this.#cameraOn : this.#audioStarted)) return;
      try {
        await (camera
          ? trtc.updateLocalVideo({ option: { cameraId: deviceId } })
          : trtc.updateLocalAudio({ option: { microphoneId: deviceId } }));
      } catch (error) {
        throw deviceError(error, kind);
      }
    });
  }

  /**
   * The kit's tiles play remote audio (they follow the speaker setting themselves); TRTC's own
   * players are told too, for apps that let TRTC play.
   */
  async setSpeaker(deviceId: string): Promise<void> {
    const TRTC = await this.#load();
    await TRTC.setCurrentSpeaker(deviceId).catch((error: unknown) => {
      throw new CallKitError(ErrorCode.FAILED, `cannot switch the speaker: ${errorEvent(error).message}`);
    });
  }

  async getDeviceList(deviceType?: DeviceKind): Promise<DeviceInfo[]> {
    const TRTC = await this.#load();
    const kinds: DeviceKind[] = deviceType ? [deviceType] : ['camera', 'microphone', 'speaker'];
    const out: DeviceInfo[] = [];
    for (const kind of kinds) {
      let list: { deviceId: string; label: string }[] = [];
      try {
        list =
          kind === 'camera'
            ? await TRTC.getCameraList()
            : kind === 'microphone'
              ? await TRTC.getMicrophoneList()
              : kind === 'speaker'
                ? await TRTC.getSpeakerList()
                : [];
      } catch {
        list = [];
      }
      for (const d of list) out.push({ deviceId: d.deviceId, label: d.label, kind });
    }
    return out;
  }

  async setVideoQuality(resolution: VideoResolution): Promise<void> {
    if (!RESOLUTIONS.includes(resolution)) throw invalidParameter(`resolution must be one of ${RESOLUTIONS.join(', ')}`);
    this.#resolution = resolution;
    await this.op(async () => {
      if (!this.#cameraOn || !this.#trtc) return;
      try {
        await this.#trtc.updateLocalVideo({ option: { profile: resolution } });
      } catch (error) {
        throw deviceError(error, 'camera');
      }
    });
  }

  /** Puts `effect` (a blur, an image) behind the person with TRTC's virtual-background plugin; null: off. */
  async setBackground(effect: BackgroundEffect | null, api: string): Promise<void> {
    if (effect && !this.#options.assetsPath) {
      throw invalidParameter(`${api} needs the assetsPath option: serve node_modules/trtc-sdk-v5/assets from your site and pass its URL`);
    }
    await this.op(async () => {
      const trtc = await this.#ensure();
      try {
        if (!effect) {
          if (this.#background) await trtc.stopPlugin('VirtualBackground');
        } else {
          if (!this.#blurPluginUsed) {
            const plugin = await (this.#options.loadVirtualBackground ?? loadVirtualBackgroundPlugin)();
            trtc.use({ plugin, assetsPath: this.#options.assetsPath });
            this.#blurPluginUsed = true;
          }
          if (this.#background) {
            await trtc.updatePlugin('VirtualBackground', effect);
          } else {
            const { sdkAppId, userId, userSig } = this.#user();
            await trtc.startPlugin('VirtualBackground', { sdkAppId, userId, userSig, ...effect });
          }
        }
      } catch (error) {
        if (error instanceof CallKitError) throw error;
        const e = errorEvent(error);
        throw new CallKitError(ErrorCode.FAILED, `virtual background: ${e.message}`, String(e.code));
      }
      this.#background = effect;
    });
  }

  #videoConfig(): Parameters<TRTCLike['startLocalVideo']>[0] {
    const option: { profile: VideoResolution; cameraId?: string } = { profile: this.#resolution };
    if (this.#cameraId) option.cameraId = this.#cameraId;
    return { view: null, publish: true, option };
  }

  #audioConfig(): Parameters<TRTCLike['startLocalAudio']>[0] {
    return this.#microphoneId ? { publish: true, option: { microphoneId: this.#microphoneId } } : { publish: true };
  }
}

/** What {@link TrtcDevices} needs from its engine. */
export interface TrtcDevicesHost {
  /** Throws INVALID_STATE when there is no call. */
  requireCall(): void;
  /** Our capture changed: the engine hands out our stream again (when its tracks changed). */
  localChanged(): void;
}

/**
 * The engine's device methods (`CallEngine`: camera, microphone, switching devices, blur):
 * checked (capture changes need a call), run on {@link TrtcMedia}, then our stream handed out
 * again. Each is async: a refused argument is a rejected promise, as for every engine method.
 */
export class TrtcDevices {
  readonly #media: TrtcMedia;
  readonly #host: TrtcDevicesHost;

  constructor(media: TrtcMedia, host: TrtcDevicesHost) {
    this.#media = media;
    this.#host = host;
  }

  async openCamera(): Promise<void> {
    this.#host.requireCall();
    await this.#media.openCamera();
    this.#host.localChanged();
  }

  async closeCamera(): Promise<void> {
    this.#host.requireCall();
    await this.#media.closeCamera();
    this.#host.localChanged();
  }

  async openMicrophone(): Promise<void> {
    this.#host.requireCall();
    await this.#media.openMicrophone();
    this.#host.localChanged();
  }

  async closeMicrophone(): Promise<void> {
    this.#host.requireCall();
    await this.#media.closeMicrophone();
  }

  async switchDevice(params: { deviceType: DeviceKind; deviceId: string }): Promise<void> {
    const deviceId = params?.deviceId;
    if (typeof deviceId !== 'string' || !deviceId) throw invalidParameter('deviceId must be a non-empty string');
    const kind = params.deviceType;
    if (kind === 'speaker') return this.#media.setSpeaker(deviceId);
    if (kind !== 'camera' && kind !== 'microphone') throw invalidParameter('deviceType must be "camera", "microphone" or "speaker"');
    await this.#media.switchInput(kind, deviceId);
    this.#host.localChanged();
  }

  /**
   * Blurs the camera background with TRTC's virtual-background plugin: `blurLevel` 1..10, 0 turns
   * it off. Needs `assetsPath` (self-hosted plugin assets). The plugin is a paid TRTC feature: an
   * app without the package gets a CallKitError(FAILED) whose reason is TRTC's code. Turned off
   * when the call ends.
   */
  async setBlurBackground(blurLevel: number): Promise<void> {
    if (!Number.isInteger(blurLevel) || blurLevel < 0 || blurLevel > 10)
      throw invalidParameter('blurLevel must be an integer from 0 (off) to 10');
    this.#host.requireCall();
    await this.#media.setBackground(blurLevel > 0 ? { type: 'blur', blurLevel } : null, 'setBlurBackground');
    this.#host.localChanged();
  }

  /** An image (`url`; `''` off) behind the person, replacing a blur: same plugin and requirements as {@link setBlurBackground}. */
  async setVirtualBackground(url: string): Promise<void> {
    if (typeof url !== 'string') throw invalidParameter('url must be an image URL string');
    this.#host.requireCall();
    await this.#media.setBackground(url ? { type: 'image', src: url } : null, 'setVirtualBackground');
    this.#host.localChanged();
  }
}
