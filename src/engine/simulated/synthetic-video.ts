/**
 * Synthetic camera pictures for the simulated engine (Storybook, docs, UI tests): a
 * `canvas.captureStream()` video track per member, painted in the member's own hue with their name
 * and a marker that moves, so a story of a video call shows moving pictures and tells tiles apart.
 *
 * `still` mode paints one fixed frame (the marker parked, nothing depending on time) and keeps
 * re-sending it, so screenshots of a story are the same on every run.
 *
 * No DOM access at import time: the canvas is created when a stream is asked for.
 */

/** `animated`: the marker circles the name; `still`: one fixed frame, for pixel snapshots. */
export type SyntheticVideoMode = 'animated' | 'still';

export interface SyntheticVideoOptions {
  /** Default `animated`. */
  mode?: SyntheticVideoMode;
  /** Frame size in CSS pixels. Default 320 x 240. */
  width?: number;
  height?: number;
  /** Frames per second (also how often a still frame is re-sent). Default 15 animated, 10 still. */
  fps?: number;
}

/** A stable hue (0-345, in 15-degree steps) for a user id: the same member always gets the same colour. */
export function hueOf(id: string): number {
  // FNV-1a, then murmur3's finalizer to spread short, similar ids (me, alice, bob, ...) over the
  // colour wheel; 24 steps keep neighbours apart (the stories' ten people get ten distinct hues).
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h >>> 0) % 24) * 15;
}

/**
 * Paints one frame for `id`/`name` at time `t` (seconds; the marker's position) on `ctx`.
 * Exported for tests; {@link syntheticVideoStream} calls it on every frame.
 */
export function paintFrame(ctx: CanvasRenderingContext2D, id: string, name: string, t: number): void {
  const { width: w, height: h } = ctx.canvas;
  const hue = hueOf(id);
  // Flat fills (no gradients): cheap to paint, and snapshots of them compress well.
  ctx.fillStyle = `hsl(${hue} 45% 36%)`;
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = `hsl(${hue} 45% 30%)`;
  ctx.fillRect(0, h * 0.75, w, h * 0.25);

  // The marker: a dot circling the centre once every 4 seconds, with a fading trail.
  const cx = w / 2;
  const cy = h / 2;
  const r = Math.min(w, h) * 0.32;
  for (let i = 3; i >= 0; i--) {
    const a = ((t - i * 0.08) / 4) * 2 * Math.PI - Math.PI / 2;
    ctx.beginPath();
    ctx.arc(cx + r * Math.cos(a), cy + r * Math.sin(a), Math.max(3, Math.min(w, h) * 0.04) * (1 - i * 0.18), 0, 2 * Math.PI);
    ctx.fillStyle = `hsl(${(hue + 180) % 360} 80% 70% / ${1 - i * 0.25})`;
    ctx.fill();
  }

  // The name, centred, with a shadow so it reads on any hue.
  const size = Math.round(Math.min(w, h) * 0.14);
  ctx.font = `600 ${size}px sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = 'rgb(0 0 0 / 0.35)';
  ctx.fillText(name, cx + 1, cy + 2);
  ctx.fillStyle = '#fff';
  ctx.fillText(name, cx, cy);
}

/**
 * A live synthetic video stream for `id`, labelled `name` (default: the id). Returns null without
 * a DOM or `captureStream`. The painting stops when the track is stopped.
 */
export function syntheticVideoStream(id: string, name = id, options: SyntheticVideoOptions = {}): MediaStream | null {
  if (typeof document === 'undefined') return null;
  const still = options.mode === 'still';
  const canvas = document.createElement('canvas');
  canvas.width = options.width ?? 320;
  canvas.height = options.height ?? 240;
  const ctx = canvas.getContext('2d');
  if (!ctx || typeof canvas.captureStream !== 'function') return null;
  const fps = options.fps ?? (still ? 10 : 15);
  const started = typeof performance === 'undefined' ? 0 : performance.now();
  // Still: the marker parked at 1.5 s (lower right of the name), the same pixels every time.
  const draw = () => paintFrame(ctx, id, name, still ? 1.5 : (performance.now() - started) / 1000);
  draw();
  const stream = canvas.captureStream(fps);
  const [track] = stream.getVideoTracks();
  // A still frame is re-painted too: a sink attached later (a tile that re-renders) needs a frame.
  const timer = setInterval(() => (track?.readyState === 'live' ? draw() : clearInterval(timer)), 1000 / fps);
  return stream;
}
