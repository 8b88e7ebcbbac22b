import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How long a remote video track must stay muted before its tile shows the avatar instead (ms). */
export const MUTE_GRACE_MS = 1500;

export interface TrackMuteOptions {
  /** Default {@link MUTE_GRACE_MS}. */
  graceMs?: number;
  /** Timer functions (tests pass a manual clock); default `setTimeout` / `clearTimeout`. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (id: unknown) => void;
}

/**
 * Follows a video track's `mute` / `unmute` events: `stalled` turns true only once the track has
 * stayed muted for `graceMs` (a remote track mutes for a moment on every CPU or network hiccup;
 * swapping the picture for the avatar each time would flicker), and false again on `unmute`.
 *
 * The track is read from `trackOf()` before each host update (`hostUpdate`); listeners and the
 * timer move to a new track when it changes, and are removed while the host is disconnected (and
 * put back, for the same track, when it is connected again). State changes come from the track's
 * events and the timer only, never from an update, so it cannot start an update loop.
 */
export class TrackMuteController implements ReactiveController {
  /** The track has been muted for at least the grace period. */
  stalled = false;

  readonly #host: ReactiveControllerHost;
  readonly #trackOf: () => MediaStreamTrack | null;
  readonly #graceMs: number;
  readonly #setTimer: (fn: () => void, ms: number) => unknown;
  readonly #clearTimer: (id: unknown) => void;
  #track: MediaStreamTrack | null = null;
  #listening = false;
  #timer: unknown = undefined;
  #connected = false;

  constructor(host: ReactiveControllerHost, trackOf: () => MediaStreamTrack | null, options: TrackMuteOptions = {}) {
    this.#host = host;
    this.#trackOf = trackOf;
    this.#graceMs = options.graceMs ?? MUTE_GRACE_MS;
    this.#setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = options.clearTimer ?? ((id) => clearTimeout(id as ReturnType<typeof setTimeout>));
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#listen();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unlisten();
  }

  hostUpdate(): void {
    const next = this.#trackOf();
    if (next === this.#track) return;
    this.#unlisten();
    this.#track = next;
    // Set before render (this runs inside the update): no extra update is requested.
    this.stalled = false;
    this.#listen();
  }

  #listen(): void {
    const track = this.#track;
    if (!track || this.#listening || !this.#connected) return;
    track.addEventListener('mute', this.#onMute);
    track.addEventListener('unmute', this.#onUnmute);
    this.#listening = true;
    if (track.muted) this.#arm();
    else this.#set(false);
  }

  #unlisten(): void {
    this.#disarm();
    if (!this.#listening || !this.#track) return;
    this.#track.removeEventListener('mute', this.#onMute);
    this.#track.removeEventListener('unmute', this.#onUnmute);
    this.#listening = false;
  }

  #arm(): void {
    if (this.#timer !== undefined || this.stalled) return;
    this.#timer = this.#setTimer(() => {
      this.#timer = undefined;
      if (this.#track?.muted) this.#set(true);
    }, this.#graceMs);
  }

  #disarm(): void {
    if (this.#timer === undefined) return;
    this.#clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #set(stalled: boolean): void {
    if (this.stalled === stalled) return;
    this.stalled = stalled;
    this.#host.requestUpdate();
  }

  readonly #onMute = () => this.#arm();

  readonly #onUnmute = () => {
    this.#disarm();
    this.#set(false);
  };
}
