/**
 * The noise suppression measurement (issue 17 item 4), shared by `npm run bench:noise` and
 * test/e2e/noise-suppression.test.ts:
 *
 * 1. A fixture made with Debian's `espeak-ng` (speech) and `sox` (48 kHz mono; pink, white or brown
 *    noise with a fixed seed, `sox -R`), mixed here at a known SNR (speech power over noise power,
 *    whole clip). The clean speech is the reference. 1 s of noise alone leads in (the denoiser
 *    adapts; it is not scored).
 * 2. The noisy mix goes through the kit's own denoiser node (`createDenoiserNode` of
 *    src/engine/webrtc/denoiser.ts: RNNoise in an AudioWorklet, assets from the demo's origin) in an
 *    OfflineAudioContext in Chromium, on the Vite demo server.
 * 3. Scored against the clean speech: scale-invariant SNR (SI-SNR) of the input mix and of the
 *    output after aligning the worklet's delay (cross-correlation); the improvement is their
 *    difference in dB.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import type { Demo } from '../test/e2e/harness.js';
import { NAME_SHIM } from '../test/e2e/churn.js';

export const RATE = 48000;
const LEAD_IN_S = 1;
const TAIL_S = 0.5;
const SPEECH =
  'The quick brown fox jumps over the lazy dog. Please call me back when you hear this message, ' +
  'the meeting moved to three o clock on Thursday afternoon.';

export type NoiseColour = 'pinknoise' | 'whitenoise' | 'brownnoise';

export interface NoiseCase {
  noise: NoiseColour;
  /** SNR of the mix in dB. */
  snrDb: number;
}

export interface NoiseResult extends NoiseCase {
  seconds: number;
  /** SI-SNR of the noisy input vs the clean speech (dB). */
  inputDb: number;
  /** SI-SNR of the denoised output vs the clean speech (dB). */
  outputDb: number;
  improvementDb: number;
  /** The worklet's delay found by alignment (samples at 48 kHz). */
  delaySamples: number;
  /** Wall time of the offline rendering (ms; for the record, not asserted). */
  renderMs: number;
  /** Audio time (s) at which the denoiser's output started (-1: not seen in the lead-in). */
  readyAt: number;
}

function f32(buffer: Buffer): Float32Array {
  const copy = new Uint8Array(buffer.byteLength);
  copy.set(buffer);
  return new Float32Array(copy.buffer);
}

/** Renders the clean speech (`espeak-ng`, resampled by `sox`) with the lead-in and a tail of silence. */
export function speech(dir: string): Float32Array {
  const wav = join(dir, 'speech.wav');
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', wav, SPEECH]);
  const raw = execFileSync('sox', [wav, '-t', 'f32', '-r', String(RATE), '-c', '1', '-', 'pad', String(LEAD_IN_S), String(TAIL_S)], {
    maxBuffer: 64 << 20,
  });
  return f32(raw);
}

/** `sox`'s noise generator (fixed seed), as long as `samples`. */
export function noise(colour: NoiseColour, samples: number): Float32Array {
  const raw = execFileSync(
    'sox',
    ['-R', '-n', '-t', 'f32', '-r', String(RATE), '-c', '1', '-', 'synth', `${samples}s`, colour, 'vol', '0.5'],
    { maxBuffer: 64 << 20 },
  );
  return f32(raw).subarray(0, samples);
}

const power = (x: Float32Array) => x.reduce((a, v) => a + v * v, 0) / x.length;

/** speech + noise scaled so that the mix has `snrDb` (whole clip). */
export function mix(clean: Float32Array, n: Float32Array, snrDb: number): Float32Array {
  const gain = Math.sqrt(power(clean) / (power(n) * 10 ** (snrDb / 10)));
  const out = new Float32Array(clean.length);
  for (let i = 0; i < clean.length; i++) out[i] = clean[i] + gain * n[i];
  return out;
}

/** Writes `samples` as a 16-bit WAV (`sox`), e.g. for `--use-file-for-fake-audio-capture`. */
export function writeWav(path: string, samples: Float32Array): void {
  execFileSync('sox', ['-t', 'f32', '-r', String(RATE), '-c', '1', '-', '-b', '16', path], {
    input: Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength),
  });
}

/** Scale-invariant SNR of `estimate` against `reference` (dB); -Infinity for a silent estimate. */
export function siSnr(estimate: Float32Array, reference: Float32Array): number {
  let dot = 0;
  let ref = 0;
  for (let i = 0; i < reference.length; i++) {
    dot += estimate[i] * reference[i];
    ref += reference[i] * reference[i];
  }
  const alpha = dot / ref;
  let target = 0;
  let error = 0;
  for (let i = 0; i < reference.length; i++) {
    const t = alpha * reference[i];
    target += t * t;
    error += (estimate[i] - t) ** 2;
  }
  if (target === 0) return -Infinity;
  return 10 * Math.log10(target / error);
}

/** The delay (0..maxLag samples) at which `output` best matches `reference` (cross-correlation). */
export function delayOf(output: Float32Array, reference: Float32Array, maxLag = 4800): number {
  const from = LEAD_IN_S * RATE;
  const to = Math.min(reference.length - maxLag, from + 2 * RATE);
  let best = 0;
  let bestScore = -Infinity;
  for (let lag = 0; lag <= maxLag; lag++) {
    let score = 0;
    for (let i = from; i < to; i++) score += output[i + lag] * reference[i];
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  return best;
}

/** Runs `noisy` through the kit's denoiser in an OfflineAudioContext on the demo page. */
async function denoise(
  browser: Browser,
  demo: Demo,
  noisy: Float32Array,
): Promise<{ output: Float32Array; renderMs: number; readyAt: number }> {
  const context = await browser.newContext();
  await context.addInitScript(NAME_SHIM);
  const page = await context.newPage();
  try {
    await page.goto(`${demo.url}/?bench=noise`);
    const result = await page.evaluate(
      async ({ samples, rate }) => {
        const load = (path: string) => import(/* @vite-ignore */ path);
        const { createDenoiserNode } = (await load('/src/engine/webrtc/denoiser.ts')) as typeof import('../src/engine/webrtc/denoiser.js');
        const { DEFAULT_NOISE_SUPPRESSION_ASSETS } = (await load(
          '/src/engine/webrtc/noise-suppression.ts',
        )) as typeof import('../src/engine/webrtc/noise-suppression.js');
        const ctx = new OfflineAudioContext(1, samples.length, rate);
        const buffer = ctx.createBuffer(1, samples.length, rate);
        buffer.copyToChannel(Float32Array.from(samples), 0);
        const source = ctx.createBufferSource();
        source.buffer = buffer;
        const node = await createDenoiserNode(ctx, DEFAULT_NOISE_SUPPRESSION_ASSETS);
        const analyser = ctx.createAnalyser();
        source.connect(node).connect(ctx.destination);
        node.connect(analyser);
        source.start();
        // The worklet compiles its wasm asynchronously (its output is silence until then): hold the
        // rendering in the unscored lead-in, a few quanta at a time, until the denoiser's output moves.
        const probe = new Float32Array(analyser.fftSize);
        const step = 256 / rate;
        let readyAt = -1;
        void ctx.suspend(0.2).then(async () => {
          for (let i = 0; i < 140; i++) {
            analyser.getFloatTimeDomainData(probe);
            if (probe.some((v) => v !== 0)) {
              readyAt = ctx.currentTime;
              break;
            }
            await new Promise((r) => setTimeout(r, 20));
            const next = ctx.suspend(ctx.currentTime + step);
            await ctx.resume();
            await next;
          }
          await ctx.resume();
        });
        const t = performance.now();
        const rendered = await ctx.startRendering();
        const renderMs = performance.now() - t;
        node.destroy();
        return { output: Array.from(rendered.getChannelData(0)), renderMs, readyAt };
      },
      { samples: Array.from(noisy), rate: RATE },
    );
    return { output: Float32Array.from(result.output), renderMs: result.renderMs, readyAt: result.readyAt };
  } finally {
    await context.close();
  }
}

/** Makes the fixture for each case, denoises it in Chromium, scores it. `keepDir`: leave the WAVs there. */
export async function measureNoise(browser: Browser, demo: Demo, cases: NoiseCase[], keepDir?: string): Promise<NoiseResult[]> {
  const dir = keepDir ?? mkdtempSync(join(tmpdir(), 'ck-noise-'));
  try {
    const clean = speech(dir);
    writeWav(join(dir, 'clean.wav'), clean);
    const results: NoiseResult[] = [];
    for (const c of cases) {
      const noisy = mix(clean, noise(c.noise, clean.length), c.snrDb);
      writeWav(join(dir, `${c.noise}-${c.snrDb}dB.wav`), noisy);
      const { output, renderMs, readyAt } = await denoise(browser, demo, noisy);
      const delay = delayOf(output, clean);
      const from = LEAD_IN_S * RATE;
      const to = clean.length - delay;
      const reference = clean.subarray(from, to);
      const inputDb = siSnr(noisy.subarray(from, to), reference);
      const outputDb = siSnr(output.subarray(from + delay, to + delay), reference);
      results.push({
        ...c,
        seconds: clean.length / RATE,
        inputDb,
        outputDb,
        improvementDb: outputDb - inputDb,
        delaySamples: delay,
        renderMs,
        readyAt,
      });
    }
    writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 2));
    return results;
  } finally {
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  }
}
