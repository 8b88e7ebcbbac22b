/**
 * Local capture for the WebRTC engine, and the volume meter.
 *
 * Choices:
 * - Camera on/off are real track changes: {@link LocalMedia.stopCamera} stops the video track (the
 *   camera light goes off) and removes it; {@link LocalMedia.startCamera} captures a new one. The
 *   engine swaps them on the peers' senders with `replaceTrack`.
 * - Microphone off = `track.enabled = false` (silence is sent). It needs no renegotiation, cannot
 *   fail on the way back (no new permission prompt, no device race) and turning it back on is
 *   instant; the state is announced through `media-state` all the same. The mic is released
 *   (track stopped) when the call ends.
 * - Audio and video are captured with separate `getUserMedia` calls so a failure names the
 *   device: NotAllowedError/SecurityError -> *_NOT_AUTHORIZED, NotFoundError -> *_DEVICE_EMPTY,
 *   anything else -> *_START_FAILED.
 * - A background effect (`backgrounds.ts`) is a transform from the camera track to the track sent
 *   and previewed ({@link LocalMedia.setVideoTransform}); the camera track stays ours (stopped,
 *   switched, re-constrained), the processed one follows it: a new camera gets a new processed
 *   track, and turning the effect off sends the camera track itself again.
 * - Every capture belongs to a "generation"; {@link LocalMedia.release} starts a new one, and a
 *   capture that completes after it is stopped at once and rejected (INVALID_STATE), so a call that
 *   ended while `getUserMedia` was pending leaves no live track behind.
 *
 * Nothing here touches a browser API at import time (the module loads in Node).
 */
import { ErrorCode, CallKitError } from '../../errors.js';
import { boundedDeviceStart, DEVICE_START_TIMEOUT_MS } from '../device-start.js';
import type { DeviceKind, VideoResolution } from '../../constants.js';

export const RESOLUTION_CONSTRAINTS: Record<VideoResolution, MediaTrackConstraints> = {
  '480p': { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } },
  '720p': { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
  '1080p': { width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 30 } },
};

const AUDIO_CONSTRAINTS: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

/** Maps a getUserMedia failure to a {@link CallKitError} naming the device. */
export function mediaError(error: unknown, device: 'camera' | 'microphone'): CallKitError {
  if (error instanceof CallKitError) return error;
  const name = (error as { name?: string } | null)?.name ?? 'Error';
  const message = (error as { message?: string } | null)?.message || name;
  const camera = device === 'camera';
  let code: ErrorCode;
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
    code = camera ? ErrorCode.CAMERA_NOT_AUTHORIZED : ErrorCode.MICROPHONE_NOT_AUTHORIZED;
  } else if (name === 'NotFoundError' || name === 'DevicesNotFoundError') {
    code = camera ? ErrorCode.CAMERA_DEVICE_EMPTY : ErrorCode.MICROPHONE_DEVICE_EMPTY;
  } else {
    code = camera ? ErrorCode.CAMERA_START_FAILED : ErrorCode.MICROPHONE_START_FAILED;
  }
  return new CallKitError(code, `${device}: ${message}`, name);
}

function mediaDevices(): MediaDevices {
  const devices = (globalThis as { navigator?: Navigator }).navigator?.mediaDevices;
  if (!devices?.getUserMedia) {
    throw new CallKitError(ErrorCode.NOT_SUPPORTED_WEBRTC, 'media capture is not available (needs a secure context)');
  }
  return devices;
}

export { listDevices } from '../../media/devices.js';

export class LocalMedia {
  /**
   * Bound on a camera/microphone start once its permission is granted (a hung device or driver):
   * `CAMERA_START_FAILED` / `MICROPHONE_START_FAILED`, reason `device-timeout`. While the browser asks
   * the user (permission `prompt`), the start waits for the answer, unbounded.
   */
  deviceStartTimeoutMs = DEVICE_START_TIMEOUT_MS;
  /** The captured microphone track. */
  #audio: MediaStreamTrack | null = null;
  /** What is sent instead of `#audio` while a processor (the AI denoiser) runs; null: the raw mic. */
  #sentAudio: MediaStreamTrack | null = null;
  /** The track we send and preview: the camera's, or the background effect's output. */
  #video: MediaStreamTrack | null = null;
  /** The camera's own track (what `getUserMedia` gave). */
  #camera: MediaStreamTrack | null = null;
  #transform: ((camera: MediaStreamTrack) => MediaStreamTrack) | null = null;
  /** The stream the peers send with (its id is the msid); renewed per call. */
  #stream: MediaStream | null = null;
  #micMuted = false;
  #resolution: VideoResolution = '720p';
  #deviceIds: Partial<Record<DeviceKind, string>> = {};
  #generation = 0;
  /** Every track ever captured and not yet seen ended, for leak checks. */
  #captured = new Set<MediaStreamTrack>();

  /** The microphone track we send: the processed one while a processor runs, else the capture. */
  get audioTrack(): MediaStreamTrack | null {
    return this.#sentAudio ?? this.#audio;
  }

  /** The captured microphone track (before any processing). */
  get rawAudioTrack(): MediaStreamTrack | null {
    return this.#audio;
  }

  /**
   * Sends `track` (the output of a processor fed by {@link rawAudioTrack}) instead of the capture;
   * null: the capture again. The previous processed track is only replaced, not stopped (its
   * processor owns it). The caller swaps it on the senders.
   */
  setSentAudio(track: MediaStreamTrack | null): void {
    if (track === this.#sentAudio) return;
    const before = this.audioTrack;
    if (before) this.#stream?.removeTrack(before);
    this.#sentAudio = track;
    const after = this.audioTrack;
    if (after) {
      after.enabled = !this.#micMuted;
      this.stream.addTrack(after);
    }
  }

  /** The video we send: the camera track, or its processed twin while a background effect is on. */
  get videoTrack(): MediaStreamTrack | null {
    return this.#video;
  }

  /** The camera's own track (differs from {@link videoTrack} while a background effect is on). */
  get cameraTrack(): MediaStreamTrack | null {
    return this.#camera;
  }

  /** True while we send live microphone audio. */
  get audioEnabled(): boolean {
    return !!this.#audio && this.#audio.readyState === 'live' && !this.#micMuted;
  }

  /** True while we send camera video. */
  get videoEnabled(): boolean {
    return !!this.#camera && this.#camera.readyState === 'live';
  }

  get micMuted(): boolean {
    return this.#micMuted;
  }

  get resolution(): VideoResolution {
    return this.#resolution;
  }

  /** Chosen devices (the speaker id is only remembered: elements apply it with setSinkId). */
  get deviceIds(): Readonly<Partial<Record<DeviceKind, string>>> {
    return this.#deviceIds;
  }

  /** The stream to give `addTrack` (stable for the call, tracks added/removed in place). */
  get stream(): MediaStream {
    this.#stream ??= new MediaStream();
    return this.#stream;
  }

  /** A new MediaStream with the current tracks, for `onLocalStream`; null when there are none. */
  snapshot(): MediaStream | null {
    const tracks = [this.audioTrack, this.#video].filter((t): t is MediaStreamTrack => !!t);
    return tracks.length ? new MediaStream(tracks) : null;
  }

  /** Captured tracks that are still live (0 when everything was released). */
  liveTrackCount(): number {
    let n = 0;
    for (const t of [...this.#captured]) {
      if (t.readyState === 'live') n++;
      else this.#captured.delete(t);
    }
    return n;
  }

  /**
   * Makes the captured set exactly `{audio, video}`: captures what is missing (audio first), stops
   * video when not wanted. On failure, stops whatever this call captured and throws the mapped
   * error.
   */
  async acquire(want: { audio: boolean; video: boolean }): Promise<void> {
    const added: MediaStreamTrack[] = [];
    try {
      if (want.audio && !this.#live(this.#audio)) {
        const track = await this.#capture('microphone');
        added.push(track);
        this.#setAudio(track);
      }
      if (want.video && !this.#live(this.#camera)) {
        const track = await this.#capture('camera');
        added.push(track);
        this.#setVideo(track);
      }
    } catch (error) {
      for (const t of added) {
        t.stop();
        if (this.#audio === t) this.#setAudio(null);
        if (this.#camera === t) this.#setVideo(null);
      }
      throw error;
    }
    if (!want.video) this.stopCamera();
  }

  /** Captures the camera when it is off; returns the video track to send (processed when an effect is on). */
  async startCamera(): Promise<MediaStreamTrack> {
    if (this.#live(this.#camera)) return this.#video!;
    const track = await this.#capture('camera');
    this.#setVideo(track);
    return this.#video!;
  }

  /** Stops and removes the camera track (no-op when off). */
  stopCamera(): void {
    const track = this.#camera;
    if (!track) return;
    track.stop();
    this.#setVideo(null);
  }

  /**
   * Sets (or, with null, removes) the transform from camera track to sent track and applies it to a
   * live camera at once. Returns the track to send now, null when the camera is off.
   */
  setVideoTransform(transform: ((camera: MediaStreamTrack) => MediaStreamTrack) | null): MediaStreamTrack | null {
    this.#transform = transform;
    if (!this.#live(this.#camera)) return null;
    this.#setVideo(this.#camera);
    return this.#video;
  }

  /** Captures the microphone when there is no live audio track; returns it. */
  async startMicrophone(): Promise<MediaStreamTrack> {
    if (this.#live(this.#audio)) return this.#audio!;
    const track = await this.#capture('microphone');
    this.#setAudio(track);
    return track;
  }

  setMicMuted(muted: boolean): void {
    this.#micMuted = muted;
    if (this.#audio) this.#audio.enabled = !muted;
    if (this.#sentAudio) this.#sentAudio.enabled = !muted;
  }

  /**
   * Selects a device. For a live camera/mic, captures the new device first and then stops the old
   * one; returns the new track (the caller swaps it on the senders) or null when nothing was live
   * (the id is used by the next capture) or for the speaker (only remembered).
   */
  async switchDevice(kind: DeviceKind, deviceId: string): Promise<MediaStreamTrack | null> {
    const previous = this.#deviceIds[kind];
    this.#deviceIds[kind] = deviceId;
    if (kind === 'speaker') return null;
    const current = kind === 'camera' ? this.#camera : this.#audio;
    if (!this.#live(current)) return null;
    let track: MediaStreamTrack;
    try {
      track = await this.#capture(kind);
    } catch (error) {
      this.#deviceIds[kind] = previous;
      throw error;
    }
    if (kind === 'camera') this.#setVideo(track);
    else this.#setAudio(track);
    current!.stop();
    return kind === 'camera' ? this.#video : track;
  }

  /** Sets the capture resolution; a live camera track is re-constrained in place. */
  async setResolution(resolution: VideoResolution): Promise<void> {
    this.#resolution = resolution;
    if (this.#live(this.#camera)) {
      try {
        await this.#camera!.applyConstraints(this.#videoConstraints());
      } catch (error) {
        throw mediaError(error, 'camera');
      }
    }
  }

  /** Stops every track, resets the mic mute and starts a new generation. Idempotent. */
  release(): void {
    this.#generation++;
    for (const t of [this.#audio, this.#video, this.#camera]) t?.stop();
    for (const t of this.#captured) t.stop();
    this.#captured.clear();
    this.#audio = null;
    this.#sentAudio = null;
    this.#video = null;
    this.#camera = null;
    this.#stream = null;
    this.#micMuted = false;
  }

  #live(track: MediaStreamTrack | null): boolean {
    return !!track && track.readyState === 'live';
  }

  #videoConstraints(): MediaTrackConstraints {
    const base = RESOLUTION_CONSTRAINTS[this.#resolution];
    const id = this.#deviceIds.camera;
    return id ? { ...base, deviceId: { exact: id } } : base;
  }

  async #capture(device: 'camera' | 'microphone'): Promise<MediaStreamTrack> {
    const generation = this.#generation;
    let stream: MediaStream;
    try {
      const id = this.#deviceIds.microphone;
      const request = mediaDevices().getUserMedia(
        device === 'camera'
          ? { video: this.#videoConstraints() }
          : { audio: id ? { ...AUDIO_CONSTRAINTS, deviceId: { exact: id } } : AUDIO_CONSTRAINTS },
      );
      // A start that comes back late is stopped: no camera left on behind the error.
      stream = await boundedDeviceStart(device, request, this.deviceStartTimeoutMs, (late) => late.getTracks().forEach((t) => t.stop()));
    } catch (error) {
      throw mediaError(error, device);
    }
    const track = (device === 'camera' ? stream.getVideoTracks() : stream.getAudioTracks())[0];
    for (const t of stream.getTracks()) if (t !== track) t.stop();
    if (!track) throw mediaError(new DOMException('no track', 'NotFoundError'), device);
    if (generation !== this.#generation) {
      track.stop();
      throw new CallKitError(ErrorCode.INVALID_STATE, `${device} capture finished after the call ended`);
    }
    this.#captured.add(track);
    return track;
  }

  /** A new capture (or none): a processed track of the old one is no longer sent. */
  #setAudio(track: MediaStreamTrack | null): void {
    const before = this.audioTrack;
    if (before) this.#stream?.removeTrack(before);
    this.#sentAudio = null;
    this.#audio = track;
    if (track) {
      track.enabled = !this.#micMuted;
      this.stream.addTrack(track);
    }
  }

  /** Makes `camera` our camera track and derives the sent track from it (the old processed one ends). */
  #setVideo(camera: MediaStreamTrack | null): void {
    const previous = this.#video;
    if (previous) this.#stream?.removeTrack(previous);
    if (previous && previous !== this.#camera) previous.stop();
    this.#camera = camera;
    this.#video = camera && this.#transform ? this.#transform(camera) : camera;
    if (this.#video) this.stream.addTrack(this.#video);
  }
}

export { VolumeMeter } from '../../media/volume-meter.js';
