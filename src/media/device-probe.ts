/**
 * The browser's media devices as a device check sees them: the device list, the camera and
 * microphone permission states, a capture for the preview (its failure classified), and a test
 * tone played on a chosen output, for `<device-check>`, which captures on its own (a check before the call, or next to the call's own
 * capture: the browser shares the device). No DOM access at import time.
 */
export { listDevices } from './devices.js';

const nav = (): Navigator | undefined => (globalThis as { navigator?: Navigator }).navigator;

/**
 * What the browser lets the page do with a device: `prompt` (it will ask), `granted`, `denied`
 * (the user or a policy blocked it: only the browser's site settings can undo it), or `unknown`
 * (no Permissions API for this device, e.g. Firefox before 131 for the camera).
 */
export type PermissionStatus = 'prompt' | 'granted' | 'denied' | 'unknown';

/** The permission state of the camera or microphone, without asking the user. */
export async function permissionStatus(device: 'camera' | 'microphone'): Promise<PermissionStatus> {
  const permissions = nav()?.permissions;
  if (!permissions?.query) return 'unknown';
  try {
    const status = await permissions.query({ name: device as PermissionName });
    return status.state;
  } catch {
    return 'unknown';
  }
}

/** Why a capture failed: `denied` (permission), `missing` (no such device), `busy` (in use or failed), `unsupported`. */
export type CaptureFailure = 'denied' | 'missing' | 'busy' | 'unsupported';

/** Classifies a getUserMedia rejection. */
export function captureFailure(error: unknown): CaptureFailure {
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'denied';
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') return 'missing';
  if (name === 'TypeError') return 'unsupported';
  return 'busy';
}

export interface CaptureRequest {
  /** Capture the camera (`false`: audio only). */
  camera: boolean;
  /** Capture the microphone. */
  microphone: boolean;
  /** deviceIds (`'default'` or absent: the browser's choice). */
  cameraId?: string;
  microphoneId?: string;
}

const exact = (id: string | undefined): MediaTrackConstraints => (id && id !== 'default' ? { deviceId: { exact: id } } : {});

/** One capture for the check; rejects with the browser's error (classify it with {@link captureFailure}). */
export async function capture(request: CaptureRequest): Promise<MediaStream> {
  const devices = nav()?.mediaDevices;
  if (!devices?.getUserMedia) throw new TypeError('media capture is not available (needs a secure context)');
  return devices.getUserMedia({
    video: request.camera ? { ...exact(request.cameraId), width: { ideal: 640 }, height: { ideal: 360 } } : false,
    audio: request.microphone ? exact(request.microphoneId) : false,
  });
}

/** Stops every track of `stream` (null: nothing). */
export function stopStream(stream: MediaStream | null | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** Tone of {@link TestTone}: three short beeps at 660 Hz, then silence. */
const TONE_HZ = 660;
const BEEPS = 3;
const BEEP_S = 0.3;
const GAP_S = 0.2;
const LEVEL = 0.2;

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

/**
 * A test tone generated with WebAudio (no audio file), played through an `<audio>` element so it
 * can go to a chosen output with `setSinkId` where the browser has it (elsewhere: the system's
 * output). {@link TestTone.play} resolves when the beeps have sounded (or {@link TestTone.stop}).
 */
export class TestTone {
  #ctx: AudioContext | null = null;
  #audio: SinkAudio | null = null;
  #done: (() => void) | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Whether a tone is sounding. */
  get playing(): boolean {
    return this.#ctx !== null;
  }

  /** Plays the beeps on `sinkId` (`'default'` or absent: the system's output). */
  async play(sinkId?: string): Promise<void> {
    this.stop();
    const Ctx = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
    if (!Ctx) throw new TypeError('WebAudio is not available');
    const ctx = new Ctx();
    this.#ctx = ctx;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = TONE_HZ;
    gain.gain.value = 0;
    let t = ctx.currentTime + 0.05;
    for (let i = 0; i < BEEPS; i++) {
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(LEVEL, t + 0.01);
      gain.gain.setValueAtTime(LEVEL, t + BEEP_S - 0.01);
      gain.gain.linearRampToValueAtTime(0, t + BEEP_S);
      t += BEEP_S + GAP_S;
    }
    const destination = ctx.createMediaStreamDestination();
    osc.connect(gain).connect(destination);
    osc.start();
    osc.stop(t);
    const audio = new Audio() as SinkAudio;
    this.#audio = audio;
    audio.srcObject = destination.stream;
    if (sinkId && sinkId !== 'default' && typeof audio.setSinkId === 'function') await audio.setSinkId(sinkId);
    const finished = new Promise<void>((resolve) => {
      this.#done = resolve;
    });
    this.#timer = setTimeout(() => this.stop(), (t - ctx.currentTime) * 1000 + 100);
    await Promise.all([ctx.resume(), audio.play()]).catch((error: unknown) => {
      this.stop();
      throw error;
    });
    return finished;
  }

  /** Silences the tone and releases the AudioContext. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#audio) {
      this.#audio.pause();
      this.#audio.srcObject = null;
      this.#audio = null;
    }
    if (this.#ctx) {
      void this.#ctx.close().catch(() => undefined);
      this.#ctx = null;
    }
    const done = this.#done;
    this.#done = null;
    done?.();
  }
}
