/**
 * Background effects of the default engine (blur, image): which one is on, and the processor that
 * does it, loaded with `import()` the first time one is turned on (the model, the WASM runtime and
 * the worker cost nothing before). `CallMedia` asks for the camera transform and swaps the tracks.
 *
 * The processor is kept while an effect is on (across calls and camera switches) and closed (worker
 * terminated, model freed) when the effect is turned off, at logout and when the engine is destroyed.
 * Nothing is ever fetched from a CDN: without `backgroundAssetsPath` turning an effect on fails.
 */
import { CallKitError, ErrorCode } from '../../errors.js';
import type { BackgroundProcessor } from './backgrounds/background-processor.js';
import type { BackgroundEffect } from './backgrounds/protocol.js';

export type { BackgroundEffect } from './backgrounds/protocol.js';

export interface BackgroundsOptions {
  /** URL of the folder holding the three asset files (README "Backgrounds"), on the app's own origin. */
  assetsPath?: string;
  /** The worker script (default: the bundled `background-worker` module, resolved by the bundler). */
  workerUrl?: string | URL;
  /** Test seam: loads the processor module (default: a dynamic import of the lazy chunk). */
  loadProcessor?: () => Promise<{ BackgroundProcessor: typeof BackgroundProcessor }>;
}

const loadDefault = () => import('./backgrounds/background-processor.js');

/**
 * Whether this browser has insertable streams (`MediaStreamTrackProcessor` and
 * `MediaStreamTrackGenerator`: Chromium-based browsers), the only path shown to work. Elsewhere an
 * effect is refused at once (`not-supported`) instead of a worker that never sends a frame
 * (headless Firefox, measured); the processor's frame-by-frame path waits for that to be fixed.
 */
export function backgroundsSupported(): boolean {
  const g = globalThis as { MediaStreamTrackProcessor?: unknown; MediaStreamTrackGenerator?: unknown };
  return typeof g.MediaStreamTrackProcessor === 'function' && typeof g.MediaStreamTrackGenerator === 'function';
}

export class Backgrounds {
  readonly #options: BackgroundsOptions;
  #effect: BackgroundEffect = { type: 'none' };
  #processor: BackgroundProcessor | null = null;

  constructor(options: BackgroundsOptions = {}) {
    this.#options = options;
  }

  get effect(): BackgroundEffect {
    return this.#effect;
  }

  /** The live processor (tests, bench, leak checks); null while no effect is on. */
  get processor(): BackgroundProcessor | null {
    return this.#processor;
  }

  /**
   * Makes `effect` current: loads the processor first when needed, then hands it the effect (an
   * image is fetched). Returns the camera transform to apply, null for none. On failure nothing
   * changes (a processor loaded for the attempt is closed).
   */
  async prepare(effect: BackgroundEffect): Promise<((camera: MediaStreamTrack) => MediaStreamTrack) | null> {
    if (effect.type === 'none') {
      this.#effect = effect;
      return null;
    }
    const assetsPath = this.#options.assetsPath;
    if (!assetsPath) {
      throw new CallKitError(
        ErrorCode.FAILED,
        'backgrounds need the backgroundAssetsPath option: serve the MediaPipe WASM and the selfie model from your site (README "Backgrounds")',
        'not-supported',
      );
    }
    if (!backgroundsSupported() && !this.#options.loadProcessor) {
      throw new CallKitError(
        ErrorCode.FAILED,
        'background effects need insertable streams (MediaStreamTrackProcessor), which this browser lacks: Chromium-based browsers only for now',
        'not-supported',
      );
    }
    let processor = this.#processor;
    const fresh = !processor;
    try {
      if (!processor) {
        const { BackgroundProcessor } = await (this.#options.loadProcessor ?? loadDefault)();
        processor = await BackgroundProcessor.create(assetsPath, this.#options.workerUrl);
      }
      await processor.setEffect(effect);
    } catch (error) {
      if (fresh) processor?.close();
      throw new CallKitError(ErrorCode.FAILED, `background effect: ${(error as Error)?.message ?? String(error)}`, 'background-failed');
    }
    this.#processor = processor;
    this.#effect = effect;
    const live = processor;
    return (camera) => {
      try {
        return live.closed ? camera : live.attach(camera);
      } catch {
        return camera;
      }
    };
  }

  /** After the tracks were swapped: with no effect on, the processor is closed. */
  settle(): void {
    if (this.#effect.type === 'none') this.close();
  }

  /** Closes the processor (worker terminated); the effect is off. */
  close(): void {
    this.#effect = { type: 'none' };
    this.#processor?.close();
    this.#processor = null;
  }
}
