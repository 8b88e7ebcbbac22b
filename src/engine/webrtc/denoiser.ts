/**
 * The AI noise suppressor of the default engine: RNNoise (a small recurrent network, compiled to
 * WebAssembly) running in an AudioWorklet, from `@sapphi-red/web-noise-suppressor`. Lazy: only
 * `noise-suppression.ts` imports this module, with `import()`, when the user turns the switch on,
 * so a page that never does loads neither it nor the package (`test/unit/page-weight.test.ts`).
 *
 * The worklet module and the wasm binaries come from the app's own origin: `assetsPath` is where it
 * serves the package's `dist/` folder (`rnnoise/workletProcessor.js`, `rnnoise.wasm`,
 * `rnnoise_simd.wasm`); nothing is fetched from a CDN. RNNoise works on 48 kHz mono, so the
 * contexts here run at 48 kHz (the browser resamples the microphone).
 */
import { RnnoiseWorkletNode } from '@sapphi-red/web-noise-suppressor';

/** The package's dist files, relative to `assetsPath`. */
export const DENOISER_FILES = {
  worklet: 'rnnoise/workletProcessor.js',
  wasm: 'rnnoise.wasm',
  simdWasm: 'rnnoise_simd.wasm',
} as const;

export const DENOISER_SAMPLE_RATE = 48000;

/** The smallest module using a SIMD instruction (as `wasm-feature-detect`): SIMD builds run faster. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

const binaries = new Map<string, Promise<ArrayBuffer>>();

function baseUrl(assetsPath: string): URL {
  const href = (globalThis as { location?: Location }).location?.href;
  return new URL(assetsPath.endsWith('/') ? assetsPath : `${assetsPath}/`, href);
}

/** Fetches and checks a wasm binary (a 404 page or an HTML fallback is refused here, not later in the worklet). */
async function fetchWasm(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  if (!WebAssembly.validate(bytes)) throw new Error(`${url}: not a WebAssembly module`);
  return bytes;
}

function loadBinary(base: URL): Promise<ArrayBuffer> {
  const url = new URL(WebAssembly.validate(SIMD_PROBE) ? DENOISER_FILES.simdWasm : DENOISER_FILES.wasm, base).href;
  let binary = binaries.get(url);
  if (!binary) {
    binary = fetchWasm(url);
    binaries.set(url, binary);
    binary.catch(() => binaries.delete(url));
  }
  return binary;
}

/** A denoiser node of `ctx` (mono in, mono out); `destroy()` frees its wasm state. */
export type DenoiserNode = AudioWorkletNode & { destroy(): void };

/**
 * Loads the worklet module into `ctx` (once per context) and the wasm binary (once per page), and
 * makes a denoiser node. Rejects with the failing URL when an asset cannot be loaded.
 */
export async function createDenoiserNode(ctx: BaseAudioContext, assetsPath: string): Promise<DenoiserNode> {
  if (!ctx.audioWorklet) throw new Error('AudioWorklet is not available (needs a secure context)');
  const base = baseUrl(assetsPath);
  const worklet = new URL(DENOISER_FILES.worklet, base).href;
  const [binary] = await Promise.all([
    loadBinary(base),
    ctx.audioWorklet.addModule(worklet).catch((error: unknown) => {
      throw new Error(`${worklet}: ${String(error)}`);
    }),
  ]);
  return new RnnoiseWorkletNode(ctx as AudioContext, { maxChannels: 1, wasmBinary: binary });
}

/** How long a new AudioContext may take to start before the denoiser gives up (no user activation). */
const START_TIMEOUT_MS = 3000;

/**
 * Denoises one microphone track: its own 48 kHz AudioContext, source → RNNoise → destination; the
 * destination's track is what the peers get. {@link close} stops it and frees everything.
 */
export class TrackDenoiser {
  readonly raw: MediaStreamTrack;
  readonly track: MediaStreamTrack;
  readonly #ctx: AudioContext;
  readonly #source: MediaStreamAudioSourceNode;
  readonly #node: DenoiserNode;

  private constructor(
    raw: MediaStreamTrack,
    ctx: AudioContext,
    source: MediaStreamAudioSourceNode,
    node: DenoiserNode,
    track: MediaStreamTrack,
  ) {
    this.raw = raw;
    this.#ctx = ctx;
    this.#source = source;
    this.#node = node;
    this.track = track;
  }

  static async create(raw: MediaStreamTrack, assetsPath: string): Promise<TrackDenoiser> {
    const ctx = new AudioContext({ sampleRate: DENOISER_SAMPLE_RATE, latencyHint: 'interactive' });
    try {
      const node = await createDenoiserNode(ctx, assetsPath);
      const source = ctx.createMediaStreamSource(new MediaStream([raw]));
      const destination = ctx.createMediaStreamDestination();
      destination.channelCount = 1;
      source.connect(node).connect(destination);
      const track = destination.stream.getAudioTracks()[0];
      if (!track) throw new Error('no processed track');
      // A context that cannot start (no user activation yet) would send silence: refuse instead.
      if ((ctx.state as string) !== 'running') {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const started = await Promise.race([
          ctx.resume().then(() => true),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), START_TIMEOUT_MS))),
        ]);
        clearTimeout(timer);
        if (!started) throw new Error('the AudioContext could not start (no user activation)');
      }
      return new TrackDenoiser(raw, ctx, source, node, track);
    } catch (error) {
      void ctx.close().catch(() => undefined);
      throw error;
    }
  }

  /** Its AudioContext is closed. */
  get closed(): boolean {
    return this.#ctx.state === 'closed';
  }

  close(): void {
    this.track.stop();
    try {
      this.#source.disconnect();
      this.#node.disconnect();
    } catch {
      // already disconnected
    }
    this.#node.destroy();
    void this.#ctx.close().catch(() => undefined);
  }
}
