/**
 * Backgrounds (blur / image behind the person) for the default engine: the effect type and the
 * messages between the page and the background worker (`background-worker.ts`). Types only, plus
 * the file names the worker loads from the self-hosted assets folder (`scripts/background-assets.mjs`
 * says which package file each one is).
 */

/** What replaces the camera's background: nothing, a blur (level 1..10) or an image (absolute URL). */
export type BackgroundEffect = { type: 'none' } | { type: 'blur'; level: number } | { type: 'image'; url: string };

/**
 * The files the worker loads from `backgroundAssetsPath` (copied from the two npm packages, see
 * README "Backgrounds"): MediaPipe's vision runtime (WASM, module flavour) and the selfie model.
 */
export const BACKGROUND_ASSETS = {
  loader: 'vision_wasm_module_internal.js',
  wasm: 'vision_wasm_module_internal.wasm',
  model: 'selfie_segmentation.tflite',
} as const;

/** Page -> worker. */
export type ToWorker =
  | { type: 'init'; assetsPath: string }
  | { type: 'effect'; effect: BackgroundEffect }
  /** Chromium: the camera's frames in, the processed frames out (transferred streams). */
  | { type: 'stream'; id: number; readable: ReadableStream<VideoFrame>; writable: WritableStream<VideoFrame> }
  /** Elsewhere: one frame at a time; the worker answers `frame` with the same `seq`. */
  | { type: 'frame'; seq: number; bitmap: ImageBitmap }
  | { type: 'stop-stream'; id: number };

/** Worker -> page. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'effect-set' }
  /** A request (`init`, `effect`) failed. */
  | { type: 'error'; message: string }
  /** A frame could not be composited (it was dropped); requests are unaffected. */
  | { type: 'frame-error'; message: string }
  | { type: 'frame'; seq: number; bitmap: ImageBitmap | null }
  /** Frames processed so far on the stream path (bench / tests read it through `stats()`). */
  | { type: 'stats'; frames: number; segmentMs: number };
