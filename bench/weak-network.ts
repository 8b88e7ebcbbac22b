/**
 * Weak networks (issue 20): a 1v1 video call between two Chromium browsers in two network namespaces
 * (`test/e2e/netns.ts`), through the real demo server, under a grid of conditions shaped in the root
 * namespace (nft random loss, tc tbf rate cap; the same each way), each held BENCH_HOLD_S (30 s).
 * The grid runs twice: Chromium's defaults (`init({ mediaTuning: false })`, demo `?tuning=off`) and
 * the kit's tuning (`src/engine/webrtc/media-tuning.ts`), each in its own call (warmed up first).
 *
 * Per condition, averaged over the two directions (each page's inbound-rtp from the other):
 * audio concealment (Δ concealedSamples / Δ totalSamplesReceived), video freezes (Δ freezeCount,
 * Δ totalFreezesDuration), decoded fps, received height (median of samples), and the time to
 * recover once the condition is lifted (both sides: a 1 s window with < 2 % concealed audio, fps at
 * >= 80 % of the clean call's, height back to the clean call's; "> BENCH_RECOVERY_S" otherwise).
 *
 * Env: BENCH_HOLD_S (30), BENCH_WARM_S (15), BENCH_RECOVERY_S (20), BENCH_CONDITIONS (names, comma
 * separated: e.g. `loss20,cap300`; default all). Needs root, iproute2 and nftables.
 */
import type { Page } from 'playwright';
import { startDemo, until } from '../test/e2e/harness.js';
import { createTopology, netnsUnavailable, nftUnavailable, precleanStale, type Shaping, type Topology } from '../test/e2e/netns.js';
import { closeNsPair, connectNsCall, openNsPair, received, type NsPair, type Received } from '../test/e2e/netns-call.js';
import { fmt, median, printTable, writeResult } from './lib.js';
import { loadavg } from 'node:os';

const HOLD_S = Number(process.env.BENCH_HOLD_S ?? 30);
const WARM_S = Number(process.env.BENCH_WARM_S ?? 15);
const RECOVERY_S = Number(process.env.BENCH_RECOVERY_S ?? 20);
const PREFIX = '10.225';

interface Condition {
  name: string;
  label: string;
  shaping: Shaping;
}

const GRID: Condition[] = [
  ...[0, 5, 10, 20, 30].map((loss) => ({ name: `loss${loss}`, label: `${loss} % loss`, shaping: { lossPercent: loss } })),
  { name: 'cap1000', label: '1 Mbps cap', shaping: { rateKbit: 1000 } },
  { name: 'cap300', label: '300 kbps cap', shaping: { rateKbit: 300 } },
  { name: 'loss10cap1000', label: '10 % loss + 1 Mbps', shaping: { lossPercent: 10, rateKbit: 1000 } },
];
const wanted = process.env.BENCH_CONDITIONS?.split(',').map((s) => s.trim());
const conditions = wanted ? GRID.filter((c) => wanted.includes(c.name)) : GRID;

interface Figures {
  concealment: number;
  freezeCount: number;
  freezeS: number;
  fps: number;
  height: number;
  /** seconds; null: not recovered within RECOVERY_S */
  recoveryS: number | null;
  audioLoss: number;
  load: number;
}

type Side = { page: Page; remote: string };
const sidesOf = (p: NsPair): Side[] => [
  { page: p.alice, remote: p.bobId },
  { page: p.bob, remote: p.aliceId },
];
const snap = (p: NsPair) => Promise.all(sidesOf(p).map((s) => received(s.page, s.remote)));
const wait = (ms: number) => until(async () => false, 'wait', ms).catch(() => undefined);

/** What one direction got between two snapshots. */
function between(a: Received, b: Received) {
  const dt = Math.max(0.001, (b.at - a.at) / 1000);
  const lost = b.audioPacketsLost - a.audioPacketsLost;
  const got = b.audioPacketsReceived - a.audioPacketsReceived;
  return {
    concealment: (b.concealedSamples - a.concealedSamples) / Math.max(1, b.totalSamplesReceived - a.totalSamplesReceived),
    freezeCount: b.freezeCount - a.freezeCount,
    freezeS: b.totalFreezesDuration - a.totalFreezesDuration,
    fps: (b.framesDecoded - a.framesDecoded) / dt,
    audioLoss: lost / Math.max(1, lost + got),
  };
}
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Clean-call reference: fps and height over a 5 s window. */
async function reference(p: NsPair): Promise<{ fps: number; height: number }> {
  const a = await snap(p);
  await wait(5000);
  const b = await snap(p);
  return { fps: mean(a.map((x, i) => between(x, b[i]).fps)), height: Math.min(...b.map((x) => x.frameHeight)) };
}

async function runCondition(topo: Topology, p: NsPair, c: Condition, ref: { fps: number; height: number }): Promise<Figures> {
  const load = loadavg()[0];
  await topo.shape(topo.a, c.shaping);
  await topo.shape(topo.b, c.shaping);
  const start = await snap(p);
  const heights: number[] = [];
  const end0 = Date.now() + HOLD_S * 1000;
  while (Date.now() < end0) {
    await wait(Math.min(2000, Math.max(0, end0 - Date.now())));
    for (const r of await snap(p)) heights.push(r.frameHeight);
  }
  const end = await snap(p);
  await topo.unshape(topo.a);
  await topo.unshape(topo.b);
  const clearAt = Date.now();
  let recoveryS: number | null = null;
  let prev = await snap(p);
  while (Date.now() - clearAt < RECOVERY_S * 1000) {
    await wait(1000);
    const now = await snap(p);
    const ok = now.every((r, i) => {
      const d = between(prev[i], r);
      return d.concealment < 0.02 && d.fps >= 0.8 * ref.fps && r.frameHeight >= ref.height;
    });
    prev = now;
    if (ok) {
      recoveryS = (Date.now() - clearAt) / 1000;
      break;
    }
  }
  const dirs = start.map((s, i) => between(s, end[i]));
  const figures: Figures = {
    concealment: mean(dirs.map((d) => d.concealment)),
    freezeCount: mean(dirs.map((d) => d.freezeCount)),
    freezeS: mean(dirs.map((d) => d.freezeS)),
    fps: mean(dirs.map((d) => d.fps)),
    height: median(heights),
    recoveryS,
    audioLoss: mean(dirs.map((d) => d.audioLoss)),
    load,
  };
  console.log(`  ${c.label}: ${JSON.stringify(figures)}`);
  // Settle before the next condition (a call that did not recover gets a few more seconds).
  if (recoveryS === null) await wait(5000);
  return figures;
}

async function runMode(topo: Topology, demo: Awaited<ReturnType<typeof startDemo>>, tuning: boolean): Promise<Record<string, Figures>> {
  const mode = tuning ? 'kit' : 'default';
  console.log(`${mode}: opening the call`);
  const p = await openNsPair(topo, demo, tuning ? 'wk' : 'wd', tuning);
  try {
    await connectNsCall(p);
    await wait(WARM_S * 1000);
    const ref = await reference(p);
    const codecs = (await snap(p)).map((r) => r.audioCodec);
    console.log(`${mode}: clean call ${fmt(ref.fps)} fps, ${ref.height}p; audio sent as ${codecs.join(' / ')}`);
    const out: Record<string, Figures> = {};
    for (const c of conditions) out[c.name] = await runCondition(topo, p, c, ref);
    return out;
  } finally {
    await closeNsPair(p);
  }
}

const unavailable = (await netnsUnavailable()) ?? (await nftUnavailable());
if (unavailable) {
  console.error(`bench:weak-network needs network namespaces: ${unavailable}`);
  process.exit(1);
}
await precleanStale(PREFIX);
const topo = await createTopology(PREFIX);
const demo = await startDemo({ host: '0.0.0.0', rateLimits: false });
let results: { default: Record<string, Figures>; kit: Record<string, Figures> };
try {
  console.log(`weak network: ${conditions.length} conditions x ${HOLD_S} s, Chromium defaults then the kit's tuning`);
  const def = await runMode(topo, demo, false);
  const kit = await runMode(topo, demo, true);
  results = { default: def, kit };
} finally {
  await demo.close().catch(() => undefined);
  await topo.destroy();
}

const pct = (x: number) => `${fmt(x * 100)} %`;
const ratio = (k: number, d: number) => (d === 0 ? (k === 0 ? '1' : '∞') : fmt(k / d, 2));
const rec = (s: number | null) => (s === null ? `> ${RECOVERY_S}` : fmt(s));
const rows = conditions.map((c) => {
  const d = results.default[c.name];
  const k = results.kit[c.name];
  return [
    c.label,
    `${pct(d.concealment)} / ${pct(k.concealment)} (${ratio(k.concealment, d.concealment)})`,
    `${fmt(d.freezeCount)} / ${fmt(k.freezeCount)}`,
    `${fmt(d.freezeS, 2)} / ${fmt(k.freezeS, 2)} (${ratio(k.freezeS, d.freezeS)})`,
    `${fmt(d.fps)} / ${fmt(k.fps)} (${ratio(k.fps, d.fps)})`,
    `${d.height} / ${k.height}`,
    `${rec(d.recoveryS)} / ${rec(k.recoveryS)}`,
  ];
});
const table = printTable(
  `bench:weak-network (${HOLD_S} s per condition, each way; default / kit (kit ÷ default))`,
  ['condition', 'audio concealed', 'video freezes', 'freeze time s', 'decoded fps', 'height p', 'recovery s'],
  rows,
);
writeResult('weak-network', { holdS: HOLD_S, warmS: WARM_S, recoveryS: RECOVERY_S, ...results }, table);
