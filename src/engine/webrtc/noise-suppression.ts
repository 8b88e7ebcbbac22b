/**
 * The AI noise suppression switch of the default engine (`setAINoiseSuppression`): decides which
 * microphone track is sent. On: the capture goes through RNNoise (`denoiser.ts`, loaded with
 * `import()` the first time it is needed) and the denoised track is sent instead (the engine swaps
 * it with `replaceTrack`). Off: the raw capture again. The capture itself always asks the browser
 * for its own `noiseSuppression` (see `media.ts`), so when the denoiser cannot load (assets not
 * served, no AudioWorklet, an AudioContext that cannot start) the call keeps the browser's
 * suppression, and the switch reports itself off with the reason (`onChange`).
 *
 * The preference outlives a call: turned on while idle, the next call's microphone is denoised.
 */
import type { TrackDenoiser } from './denoiser.js';

export { DEFAULT_NOISE_SUPPRESSION_ASSETS } from './options.js';

export interface NoiseSuppressionState {
  /** The denoiser is wanted and running (or will run on the next capture). */
  enabled: boolean;
  /** Why it turned itself off: the browser's own noise suppression is what remains. */
  fallback?: string;
}

export class NoiseSuppression {
  readonly #assetsPath: string;
  readonly #onChange: (state: NoiseSuppressionState) => void;
  #wanted = false;
  #current: TrackDenoiser | null = null;
  /** Denoisers replaced on the senders but not yet closed (closed by {@link settle}). */
  #retired: TrackDenoiser[] = [];
  /** Every denoiser made and not yet seen closed, for leak checks. */
  #made = new Set<TrackDenoiser>();

  constructor(assetsPath: string, onChange: (state: NoiseSuppressionState) => void) {
    this.#assetsPath = assetsPath;
    this.#onChange = onChange;
  }

  get wanted(): boolean {
    return this.#wanted;
  }

  set wanted(on: boolean) {
    this.#wanted = on;
  }

  /** True while a denoiser processes a capture. */
  get active(): boolean {
    return !!this.#current;
  }

  /**
   * The track to send for the capture `raw`: its denoised twin while the switch is on (made when
   * missing), else null (send `raw`). A denoiser of an earlier capture is retired: the caller swaps
   * the senders, then calls {@link settle} to close it. A denoiser that cannot load turns the switch
   * off and reports why (null: the raw capture, with the browser's suppression, is sent).
   */
  async trackFor(raw: MediaStreamTrack | null): Promise<MediaStreamTrack | null> {
    const live = !!raw && raw.readyState === 'live';
    if (this.#current && (!this.#wanted || !live || this.#current.raw !== raw)) {
      this.#retired.push(this.#current);
      this.#current = null;
    }
    if (!this.#wanted || !live) return null;
    if (this.#current) return (this.#current as TrackDenoiser).track;
    let denoiser: TrackDenoiser;
    try {
      const { TrackDenoiser } = await import('./denoiser.js');
      denoiser = await TrackDenoiser.create(raw, this.#assetsPath);
    } catch (error) {
      this.#wanted = false;
      const reason = error instanceof Error ? error.message : String(error);
      this.#onChange({ enabled: false, fallback: reason });
      return null;
    }
    if (!this.#wanted || raw.readyState !== 'live') {
      denoiser.close();
      return null;
    }
    this.#current = denoiser;
    this.#made.add(denoiser);
    return denoiser.track;
  }

  /** Closes the denoisers no longer sent. */
  settle(): void {
    for (const denoiser of this.#retired.splice(0)) denoiser.close();
  }

  /** AudioContexts of denoisers not closed yet (closing is asynchronous). */
  openContextCount(): number {
    for (const denoiser of [...this.#made]) if (denoiser.closed) this.#made.delete(denoiser);
    return this.#made.size;
  }

  /** The capture is released (call over): every denoiser closed; the preference stays. */
  close(): void {
    if (this.#current) this.#retired.push(this.#current);
    this.#current = null;
    this.settle();
  }
}
