/**
 * The background compositor, run inside the background worker: MediaPipe's ImageSegmenter with the
 * selfie model finds the person in a downscaled copy of each frame; the person is drawn sharp over a
 * blurred copy of the frame or over an image, on an OffscreenCanvas. No DOM: workers only.
 */
import { ImageSegmenter, type ImageSegmenterResult } from '@mediapipe/tasks-vision';
import { imageInputMetadata, withTfliteMetadata } from './model-metadata.js';
import { BACKGROUND_ASSETS, type BackgroundEffect } from './protocol.js';

/** Width of the copy the model reads (the selfie model works at 256x256; masks come back at this size). */
const MODEL_INPUT_WIDTH = 256;

type Drawable = VideoFrame | ImageBitmap;

function sizeOf(source: Drawable): { width: number; height: number } {
  return 'displayWidth' in source
    ? { width: source.displayWidth, height: source.displayHeight }
    : { width: source.width, height: source.height };
}

function context(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D context on an OffscreenCanvas');
  return ctx;
}

/** Blur radius in pixels for `level` (1..10) on a frame `width` wide (scaled from 640 px). */
export function blurRadius(level: number, width: number): number {
  return Math.max(1, Math.round(((2 + level * 2) * width) / 640));
}

export class Compositor {
  readonly #segmenter: ImageSegmenter;
  #effect: BackgroundEffect = { type: 'none' };
  #image: ImageBitmap | null = null;
  readonly #small = new OffscreenCanvas(MODEL_INPUT_WIDTH, 144);
  readonly #mask = new OffscreenCanvas(MODEL_INPUT_WIDTH, 144);
  readonly #out = new OffscreenCanvas(640, 480);
  #maskData: ImageData | null = null;
  #lastTimestamp = 0;
  /** Frames composited, and the time spent in the model (ms, summed). */
  frames = 0;
  segmentMs = 0;

  private constructor(segmenter: ImageSegmenter) {
    this.#segmenter = segmenter;
  }

  /** Loads the WASM runtime and the model from `assetsPath` (a folder URL, our own origin). */
  static async create(assetsPath: string): Promise<Compositor> {
    const base = assetsPath.endsWith('/') ? assetsPath : `${assetsPath}/`;
    const response = await fetch(`${base}${BACKGROUND_ASSETS.model}`);
    if (!response.ok) throw new Error(`${BACKGROUND_ASSETS.model}: HTTP ${response.status}`);
    // The package's model has no TFLite metadata; the task needs its input normalization ([0, 1]).
    const model = withTfliteMetadata(new Uint8Array(await response.arrayBuffer()), imageInputMetadata('selfie_segmentation', [0], [255]));
    const segmenter = await ImageSegmenter.createFromOptions(
      { wasmLoaderPath: `${base}${BACKGROUND_ASSETS.loader}`, wasmBinaryPath: `${base}${BACKGROUND_ASSETS.wasm}` },
      {
        baseOptions: { modelAssetBuffer: model, delegate: 'CPU' },
        runningMode: 'VIDEO',
        outputConfidenceMasks: true,
        outputCategoryMask: false,
      },
    );
    return new Compositor(segmenter);
  }

  /** Sets the effect; an image effect fetches and decodes its picture first. */
  async setEffect(effect: BackgroundEffect): Promise<void> {
    let image: ImageBitmap | null = null;
    if (effect.type === 'image') {
      const response = await fetch(effect.url);
      if (!response.ok) throw new Error(`background image ${effect.url}: HTTP ${response.status}`);
      image = await createImageBitmap(await response.blob());
    }
    this.#image?.close();
    this.#image = image;
    this.#effect = effect;
  }

  /** Draws `source` with the current effect; returns the canvas holding the result. */
  render(source: Drawable): OffscreenCanvas {
    const { width, height } = sizeOf(source);
    const out = this.#out;
    if (out.width !== width || out.height !== height) {
      out.width = width;
      out.height = height;
    }
    const ctx = context(out);
    if (this.#effect.type === 'none') {
      ctx.globalCompositeOperation = 'copy';
      ctx.drawImage(source, 0, 0, width, height);
      ctx.globalCompositeOperation = 'source-over';
      return out;
    }
    this.#segment(source, width, height);
    ctx.filter = 'none';
    // The person: the mask (alpha = confidence, smoothed by the upscale), then the frame inside it.
    ctx.globalCompositeOperation = 'copy';
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.#mask, 0, 0, width, height);
    ctx.globalCompositeOperation = 'source-in';
    ctx.drawImage(source, 0, 0, width, height);
    // The background behind it.
    ctx.globalCompositeOperation = 'destination-over';
    if (this.#effect.type === 'blur') {
      const r = blurRadius(this.#effect.level, width);
      ctx.filter = `blur(${r}px)`;
      // Drawn larger than the frame so the blur does not fade to transparent at the edges.
      ctx.drawImage(source, -2 * r, -2 * r, width + 4 * r, height + 4 * r);
      ctx.filter = 'none';
    } else if (this.#image) {
      const image = this.#image;
      const scale = Math.max(width / image.width, height / image.height);
      const w = image.width * scale;
      const h = image.height * scale;
      ctx.drawImage(image, (width - w) / 2, (height - h) / 2, w, h);
    }
    ctx.globalCompositeOperation = 'source-over';
    this.frames++;
    return out;
  }

  #segment(source: Drawable, width: number, height: number): void {
    const small = this.#small;
    const h = Math.max(1, Math.round((MODEL_INPUT_WIDTH * height) / width));
    if (small.height !== h) small.height = h;
    const sctx = context(small);
    sctx.drawImage(source, 0, 0, small.width, small.height);
    const started = performance.now();
    // VIDEO mode wants strictly increasing timestamps.
    const timestamp = Math.max(this.#lastTimestamp + 1, Math.round(started));
    this.#lastTimestamp = timestamp;
    const image = sctx.getImageData(0, 0, small.width, small.height);
    this.#segmenter.segmentForVideo(image, timestamp, (result: ImageSegmenterResult) => this.#writeMask(result));
    this.segmentMs += performance.now() - started;
  }

  #writeMask(result: ImageSegmenterResult): void {
    const mask = result.confidenceMasks?.[0];
    if (!mask) return;
    // One-channel models give P(person); two-channel ones give the background first.
    const index = (result.confidenceMasks?.length ?? 1) > 1 ? 1 : 0;
    const person = result.confidenceMasks![index]!;
    const values = person.getAsFloat32Array();
    const { width, height } = person;
    if (this.#mask.width !== width || this.#mask.height !== height) {
      this.#mask.width = width;
      this.#mask.height = height;
      this.#maskData = null;
    }
    const data = (this.#maskData ??= new ImageData(width, height));
    const px = data.data;
    for (let i = 0; i < values.length; i++) px[i * 4 + 3] = Math.round(values[i]! * 255);
    context(this.#mask).putImageData(data, 0, 0);
  }

  close(): void {
    this.#image?.close();
    this.#image = null;
    this.#segmenter.close();
  }
}
