/** Frame grabs for video tests: play a track, read its pixels, measure detail in a corner. */

export interface Frame {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** The next frame presented by `video`. */
export const nextFrame = (video: HTMLVideoElement) => new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));

/** Plays `track` (or a stream) in a muted <video> and waits for a few frames. */
export async function playTrack(source: MediaStreamTrack | MediaStream, frames = 3): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = source instanceof MediaStream ? source : new MediaStream([source]);
  document.body.append(video);
  await video.play();
  const deadline = Date.now() + 20000;
  while (!video.videoWidth && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (!video.videoWidth) throw new Error('no frame');
  for (let i = 0; i < frames; i++) await nextFrame(video);
  return video;
}

/** The frame `video` shows now. */
export function grab(video: HTMLVideoElement): Frame {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(video, 0, 0);
  return { data: ctx.getImageData(0, 0, canvas.width, canvas.height).data, width: canvas.width, height: canvas.height };
}

/**
 * Detail (mean absolute luma difference between horizontal and vertical neighbours) in a region
 * given as fractions of the frame; default the top-left quarter-by-quarter corner, background in
 * Chromium's fake camera picture. A blur lowers it.
 */
export function cornerDetail(frame: Frame, region = { x: 0, y: 0, w: 0.25, h: 0.25 }): number {
  const { data, width, height } = frame;
  const x0 = Math.floor(region.x * width);
  const y0 = Math.floor(region.y * height);
  const x1 = Math.min(width - 1, Math.floor((region.x + region.w) * width));
  const y1 = Math.min(height - 1, Math.floor((region.y + region.h) * height));
  const luma = (x: number, y: number) => {
    const i = (y * width + x) * 4;
    return 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
  };
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const l = luma(x, y);
      sum += Math.abs(l - luma(x + 1, y)) + Math.abs(l - luma(x, y + 1));
      n += 2;
    }
  }
  return n ? sum / n : 0;
}
