/**
 * The background worker (a module worker, started by `background-processor.ts` only when a
 * background is turned on): loads the segmentation model and composites frames off the main thread.
 * Chromium hands it the camera's frames as a transferred stream (MediaStreamTrackProcessor) and
 * takes the result back through a MediaStreamTrackGenerator's writable; elsewhere frames come one
 * at a time as ImageBitmaps and go back the same way.
 */
import { Compositor } from './compositor.js';
import type { BackgroundEffect, FromWorker, ToWorker } from './protocol.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

let compositor: Compositor | null = null;
let pendingEffect: BackgroundEffect = { type: 'none' };
const streams = new Map<number, AbortController>();

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

async function pipe(id: number, readable: ReadableStream<VideoFrame>, writable: WritableStream<VideoFrame>): Promise<void> {
  const abort = new AbortController();
  streams.set(id, abort);
  const transform = new TransformStream<VideoFrame, VideoFrame>({
    transform(frame, controller) {
      try {
        if (!compositor) {
          controller.enqueue(frame);
          return;
        }
        const canvas = compositor.render(frame);
        const out = new VideoFrame(canvas, { timestamp: frame.timestamp, alpha: 'discard' });
        frame.close();
        controller.enqueue(out);
        if (compositor.frames % 30 === 0) post({ type: 'stats', frames: compositor.frames, segmentMs: compositor.segmentMs });
      } catch (error) {
        frame.close();
        post({ type: 'frame-error', message: String(error) });
      }
    },
  });
  try {
    await readable.pipeThrough(transform).pipeTo(writable, { signal: abort.signal });
  } catch {
    // The track ended or the page stopped this stream.
  } finally {
    streams.delete(id);
  }
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init':
      try {
        compositor = await Compositor.create(message.assetsPath);
        await compositor.setEffect(pendingEffect);
        post({ type: 'ready' });
      } catch (error) {
        post({ type: 'error', message: `cannot load the segmentation model: ${String(error)}` });
      }
      return;
    case 'effect':
      pendingEffect = message.effect;
      try {
        await compositor?.setEffect(message.effect);
        post({ type: 'effect-set' });
      } catch (error) {
        post({ type: 'error', message: String(error) });
      }
      return;
    case 'stream':
      void pipe(message.id, message.readable, message.writable);
      return;
    case 'stop-stream':
      streams.get(message.id)?.abort();
      return;
    case 'frame': {
      let bitmap: ImageBitmap | null = null;
      try {
        if (compositor) bitmap = compositor.render(message.bitmap).transferToImageBitmap();
      } catch (error) {
        post({ type: 'frame-error', message: String(error) });
      }
      message.bitmap.close();
      post({ type: 'frame', seq: message.seq, bitmap }, bitmap ? [bitmap] : []);
      if (compositor && compositor.frames % 30 === 0) post({ type: 'stats', frames: compositor.frames, segmentMs: compositor.segmentMs });
      return;
    }
  }
}

scope.onmessage = (event) => void handle(event.data);
