/**
 * `npm run bench:noise`: what the AI noise suppression (RNNoise in an AudioWorklet, the default
 * engine's `enableAIVoice`) does to a noisy voice. Fixture: espeak-ng speech + sox noise at known
 * SNRs (bench/noise-fixture.ts); scored as SI-SNR against the clean speech, before and after.
 * BENCH_NOISE_KEEP=<dir> keeps the WAVs (clean, each mix) there.
 */
import { launchBrowser, startDemo } from '../test/e2e/harness.js';
import { fmt, printTable, writeResult } from './lib.js';
import { measureNoise, type NoiseCase } from './noise-fixture.js';

const CASES: NoiseCase[] = [
  { noise: 'pinknoise', snrDb: 0 },
  { noise: 'pinknoise', snrDb: 5 },
  { noise: 'pinknoise', snrDb: 10 },
  { noise: 'whitenoise', snrDb: 5 },
  { noise: 'brownnoise', snrDb: 5 },
];

const demo = await startDemo();
const browser = await launchBrowser();
try {
  const results = await measureNoise(browser, demo, CASES, process.env.BENCH_NOISE_KEEP);
  const table = printTable(
    'AI noise suppression (RNNoise worklet), SI-SNR vs the clean speech',
    ['noise', 'mix SNR', 'input SI-SNR', 'output SI-SNR', 'improvement', 'delay', 'render'],
    results.map((r) => [
      r.noise,
      `${r.snrDb} dB`,
      `${fmt(r.inputDb)} dB`,
      `${fmt(r.outputDb)} dB`,
      `**${r.improvementDb >= 0 ? '+' : ''}${fmt(r.improvementDb)} dB**`,
      `${r.delaySamples} samples`,
      `${fmt(r.renderMs, 0)} ms for ${fmt(r.seconds)} s`,
    ]),
  );
  writeResult('noise', results, table);
} finally {
  await browser.close();
  await demo.close();
}
