/**
 * The comparator of the visual regression tests: two PNGs, pixel by pixel (pixelmatch), with a
 * per-story allowance of differing pixels. A pixel counts as different at any colour change
 * (pixelmatch threshold 0), so a token changed by one step in one channel shows up wherever it is
 * painted. Pixels pixelmatch classifies as anti-aliasing are not counted: Chromium's rasteriser
 * can shade a curved edge one unit differently between two loads (measured: the rounded corners of
 * a `<select>` at the viewport edge), while a token paints whole areas.
 */
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

export interface CompareOptions {
  /** Differing pixels allowed before the comparison fails. Default {@link DEFAULT_MAX_DIFF_PIXELS}. */
  maxDiffPixels?: number;
}

/** Default allowance: a few pixels (an anti-aliased glyph edge), never an area. */
export const DEFAULT_MAX_DIFF_PIXELS = 8;

export interface Comparison {
  /** Within the allowance. */
  pass: boolean;
  /** Why not, for the failure message. */
  reason: string;
  diffPixels: number;
  /** The diff image (red where they differ), when the sizes match and some pixel differs. */
  diff: Buffer | null;
}

export function decodePng(buffer: Buffer): PNG {
  return PNG.sync.read(buffer);
}

/** PNG bytes, recompressed at zlib's best level: baselines are committed, so smaller is better. */
export function encodePng(png: PNG): Buffer {
  return PNG.sync.write(png, { deflateLevel: 9, deflateStrategy: 1, filterType: -1 });
}

export function comparePngs(expected: Buffer, actual: Buffer, options: CompareOptions = {}): Comparison {
  const a = decodePng(expected);
  const b = decodePng(actual);
  if (a.width !== b.width || a.height !== b.height) {
    return { pass: false, reason: `size ${b.width}x${b.height}, baseline ${a.width}x${a.height}`, diffPixels: Infinity, diff: null };
  }
  const out = new PNG({ width: a.width, height: a.height });
  const diffPixels = pixelmatch(a.data, b.data, out.data, a.width, a.height, { threshold: 0, includeAA: false, alpha: 0.3 });
  const max = options.maxDiffPixels ?? DEFAULT_MAX_DIFF_PIXELS;
  return {
    pass: diffPixels <= max,
    reason: `${diffPixels} pixels differ (allowed ${max})`,
    diffPixels,
    diff: diffPixels > 0 ? PNG.sync.write(out) : null,
  };
}
