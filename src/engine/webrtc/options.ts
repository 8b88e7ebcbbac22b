/** The default engine's constructor options (`new WebRTCEngine(options)`). */
import type { Capabilities } from '../capabilities.js';
import type { SocketConstructor } from './signaling-client.js';

/** Where the dev servers (Vite, web-test-runner) serve the package; production sites pass their own. */
export const DEFAULT_NOISE_SUPPRESSION_ASSETS = '/node_modules/@sapphi-red/web-noise-suppressor/dist/';

export interface WebRTCEngineOptions {
  /** ICE servers for every peer connection (default none: host candidates only). */
  iceServers?: RTCIceServer[];
  /** Deadline for each signaling request and for connect + login (default 10 s). */
  requestTimeoutMs?: number;
  /** Period of the volume / network-quality sampling while connected (default 500 ms). */
  statsIntervalMs?: number;
  /** WebSocket implementation (default `globalThis.WebSocket`), e.g. `ws` in Node. */
  WebSocket?: SocketConstructor;
  /** Give up reconnecting a lost signaling socket after this long (default 60 000 ms). */
  reconnectGiveUpMs?: number;
  /** Multiplies the reconnect backoff delays (default 1; tests use less). */
  reconnectDelayScale?: number;
  /** ICE `disconnected` for longer than this triggers an ICE restart (default 2500 ms). */
  iceDisconnectedTimeoutMs?: number;
  /**
   * A member whose announced audio has not arrived for this long is reported reconnecting
   * (`onUserReconnecting`; default 2000 ms; checked every `statsIntervalMs`).
   */
  mediaStallMs?: number;
  /**
   * What this page offers (default: {@link detectCapabilities} at each login; an injected
   * `WebSocket` counts as present). Tests in Node, and hosts with a vetted polyfill, pass their own.
   */
  capabilities?: Capabilities;
  /** Weak-network tuning (`media-tuning.ts`; default true); false leaves Chromium's defaults. */
  mediaTuning?: boolean;
  /**
   * Pre-connect incoming 1v1 calls while they ring (`preconnect.ts`; default false): ICE and DTLS
   * are done before the user answers, so accepting only attaches the tracks. The caller learns this
   * page's ICE candidates (its addresses) before the user answers: see README "Pre-connect while ringing".
   */
  preconnect?: boolean;
  /** How long `switchCallMediaType(VIDEO)` waits for an answer (default `VIDEO_REQUEST_TIMEOUT_MS`, 30 s). */
  videoRequestTimeoutMs?: number;
  /**
   * Backgrounds (`setBlurBackground`, `setVirtualBackground`): URL of the folder where the app
   * serves MediaPipe's vision WASM and the selfie model (README "Backgrounds"). Without it, turning
   * a background on fails (`not-supported`): nothing is fetched from a CDN.
   */
  backgroundAssetsPath?: string;
  /** The background worker's script, when the bundler cannot place it (default: bundled next to the engine). */
  backgroundWorkerUrl?: string | URL;
  /**
   * Where the page serves `@sapphi-red/web-noise-suppressor`'s `dist/` folder, for the AI noise
   * suppression switch (`setAINoiseSuppression`): the worklet and wasm files come from this origin,
   * never a CDN. Default `/node_modules/@sapphi-red/web-noise-suppressor/dist/` (what Vite's and
   * web-test-runner's dev servers serve); a production site copies that folder and passes its URL.
   */
  noiseSuppressionAssets?: string;
}
