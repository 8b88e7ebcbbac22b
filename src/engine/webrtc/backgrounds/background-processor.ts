/**
 * The page side of backgrounds (a lazy chunk: `backgrounds.ts` imports it with `import()` when a
 * background is first turned on). Starts the background worker, which loads the model from the
 * self-hosted assets folder, and turns a camera track into a processed one:
 * - Chromium: `MediaStreamTrackProcessor` -> worker -> `MediaStreamTrackGenerator`; the frames never
 *   touch the main thread ('worker-stream').
 * - Elsewhere (Firefox, Safari): a hidden `<video>` plays the camera, each frame goes to the worker
 *   as an ImageBitmap and comes back composited, drawn onto a canvas whose `captureStream()` is the
 *   processed track ('worker-frames'). Only the copy and the draw stay on the main thread.
 */
import type { BackgroundEffect, FromWorker, ToWorker } from './protocol.js';

interface TrackProcessor {
  readonly readable: ReadableStream<VideoFrame>;
}
interface TrackGenerator extends MediaStreamTrack {
  readonly writable: WritableStream<VideoFrame>;
}
interface InsertableStreams {
  MediaStreamTrackProcessor?: new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => TrackProcessor;
  MediaStreamTrackGenerator?: new (init: { kind: 'video' }) => TrackGenerator;
}

export type ProcessingMode = 'worker-stream' | 'worker-frames';

/** How frames reach the worker in this browser. */
export function processingMode(): ProcessingMode {
  const g = globalThis as InsertableStreams;
  return g.MediaStreamTrackProcessor && g.MediaStreamTrackGenerator ? 'worker-stream' : 'worker-frames';
}

/** One camera track being processed; `stop()` ends the processed track and its plumbing. */
interface Attachment {
  readonly track: MediaStreamTrack;
  stop(): void;
}

export class BackgroundProcessor {
  readonly mode: ProcessingMode;
  readonly #worker: Worker;
  #waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #attachment: Attachment | null = null;
  #nextId = 1;
  #closed = false;
  /** Frames the worker composited (reported every 30) and model time. */
  stats = { frames: 0, segmentMs: 0 };
  /** The last error the worker reported for a frame (frames are passed on unprocessed then). */
  lastError: string | null = null;

  private constructor(worker: Worker, mode: ProcessingMode) {
    this.#worker = worker;
    this.mode = mode;
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.#onMessage(event.data);
    worker.onerror = (event) => this.#fail(new Error(`background worker: ${event.message || 'failed to start'}`));
  }

  /** Starts the worker and loads the model from `assetsPath`; rejects when either fails. */
  static async create(assetsPath: string, workerUrl?: string | URL): Promise<BackgroundProcessor> {
    const worker = workerUrl
      ? new Worker(workerUrl, { type: 'module', name: 'callkit-backgrounds' })
      : new Worker(new URL('./background-worker.ts', import.meta.url), { type: 'module', name: 'callkit-backgrounds' });
    const processor = new BackgroundProcessor(worker, processingMode());
    const absolute = new URL(assetsPath, globalThis.location?.href).href;
    try {
      await processor.#request({ type: 'init', assetsPath: absolute });
    } catch (error) {
      processor.close();
      throw error;
    }
    return processor;
  }

  /** Changes the effect (an image is fetched by the worker first); resolves once frames use it. */
  setEffect(effect: BackgroundEffect): Promise<void> {
    const resolved = effect.type === 'image' ? { ...effect, url: new URL(effect.url, globalThis.location?.href).href } : effect;
    return this.#request({ type: 'effect', effect: resolved });
  }

  /** Processes `camera` (replacing any earlier one); returns the processed track to send and preview. */
  attach(camera: MediaStreamTrack): MediaStreamTrack {
    this.detach();
    this.#attachment = this.mode === 'worker-stream' ? this.#attachStream(camera) : this.#attachFrames(camera);
    return this.#attachment.track;
  }

  /** Ends the processed track (the camera track is the caller's). */
  detach(): void {
    this.#attachment?.stop();
    this.#attachment = null;
  }

  /** Detaches and terminates the worker (the model is freed with it). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.detach();
    this.#worker.terminate();
    this.#fail(new Error('background processing stopped'));
  }

  get closed(): boolean {
    return this.#closed;
  }

  #attachStream(camera: MediaStreamTrack): Attachment {
    const g = globalThis as InsertableStreams;
    const processor = new g.MediaStreamTrackProcessor!({ track: camera, maxBufferSize: 2 });
    const generator = new g.MediaStreamTrackGenerator!({ kind: 'video' });
    const id = this.#nextId++;
    this.#post({ type: 'stream', id, readable: processor.readable, writable: generator.writable }, [
      processor.readable as unknown as Transferable,
      generator.writable as unknown as Transferable,
    ]);
    return {
      track: generator,
      stop: () => {
        this.#post({ type: 'stop-stream', id });
        generator.stop();
      },
    };
  }

  #attachFrames(camera: MediaStreamTrack): Attachment {
    const settings = camera.getSettings();
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([camera]);
    const canvas = document.createElement('canvas');
    canvas.width = settings.width ?? 640;
    canvas.height = settings.height ?? 480;
    const ctx = canvas.getContext('2d')!;
    const track = canvas.captureStream(settings.frameRate ?? 30).getVideoTracks()[0]!;
    let stopped = false;
    let seq = 0;
    const pump = async (): Promise<void> => {
      while (!stopped && camera.readyState === 'live') {
        await new Promise<void>((resolve) => {
          if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(() => resolve());
          else setTimeout(resolve, 33);
        });
        if (stopped || !video.videoWidth) continue;
        const bitmap = await createImageBitmap(video);
        const mine = ++seq;
        const reply = await this.#frame(mine, bitmap);
        if (stopped) {
          reply?.close();
          break;
        }
        if (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight) {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
        }
        if (reply) {
          ctx.drawImage(reply, 0, 0);
          reply.close();
        }
      }
    };
    void video.play().then(pump, () => undefined);
    return {
      track,
      stop: () => {
        stopped = true;
        track.stop();
        video.pause();
        video.srcObject = null;
      },
    };
  }

  #frameWaiters = new Map<number, (bitmap: ImageBitmap | null) => void>();

  #frame(seq: number, bitmap: ImageBitmap): Promise<ImageBitmap | null> {
    return new Promise((resolve) => {
      if (this.#closed) {
        bitmap.close();
        resolve(null);
        return;
      }
      this.#frameWaiters.set(seq, resolve);
      this.#post({ type: 'frame', seq, bitmap }, [bitmap]);
    });
  }

  #request(message: ToWorker): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('background processing stopped'));
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#post(message);
    });
  }

  #post(message: ToWorker, transfer: Transferable[] = []): void {
    this.#worker.postMessage(message, transfer);
  }

  #onMessage(message: FromWorker): void {
    switch (message.type) {
      case 'ready':
      case 'effect-set':
        this.#waiters.shift()?.resolve();
        return;
      case 'error':
        this.#waiters.shift()?.reject(new Error(message.message));
        return;
      case 'frame-error':
        this.lastError = message.message;
        return;
      case 'frame':
        this.#frameWaiters.get(message.seq)?.(message.bitmap);
        this.#frameWaiters.delete(message.seq);
        return;
      case 'stats':
        this.stats = { frames: message.frames, segmentMs: message.segmentMs };
        return;
    }
  }

  #fail(error: Error): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    for (const resolve of this.#frameWaiters.values()) resolve(null);
    this.#frameWaiters.clear();
  }
}
