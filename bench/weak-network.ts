/**
 * Weak networks (issue 20): a 1v1 video call between two Chromium browsers in two network namespaces
 * (`test/e2e/netns.ts`), through the real demo server, under a grid of conditions shaped in the root
 * namespace (nft random loss, tc tbf rate cap; the same each way), each held BENCH_HOLD_S (30 s).
 * Two calls run side by side, each in its own pair of namespaces shaped alike at the same moments:
 * one with Chromium's defaults (`init({ mediaTuning: false })`, demo `?tuning=off`), one with the
 * kit's tuning (`src/engine/webrtc/media-tuning.ts`), so machine load weighs on both alike.
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
const PREFIX_DEFAULT = '10.225';
const PREFIX_KIT = '10.226';

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

/** One mode's call: its own namespaces (so a rate cap is its own), its pages, its clean reference. */
interface Lane {
  mode: 'default' | 'kit';
  topo: Topology;
  pair: NsPair;
  ref: { fps: number; height: number };
}

/** Seconds until both sides of `lane` have a clean 1 s window again (null: not within RECOVERY_S). */
async function recovery(lane: Lane, clearAt: number): Promise<number | null> {
  let prev = await snap(lane.pair);
  while (Date.now() - clearAt < RECOVERY_S * 1000) {
    await wait(1000);
    const now = await snap(lane.pair);
    const ok = now.every((r, i) => {
      const d = between(prev[i], r);
      return d.concealment < 0.02 && d.fps >= 0.8 * lane.ref.fps && r.frameHeight >= lane.ref.height;
    });
    prev = now;
    if (ok) return (Date.now() - clearAt) / 1000;
  }
  return null;
}

/** Holds `c` on every lane at once (same moments, same machine load), then lifts it and times recovery. */
async function runCondition(lanes: Lane[], c: Condition): Promise<Figures[]> {
  const load = loadavg()[0];
  for (const l of lanes) {
    await l.topo.shape(l.topo.a, c.shaping);
    await l.topo.shape(l.topo.b, c.shaping);
  }
  const start = await Promise.all(lanes.map((l) => snap(l.pair)));
  const heights: number[][] = lanes.map(() => []);
  const end0 = Date.now() + HOLD_S * 1000;
  while (Date.now() < end0) {
    await wait(Math.min(2000, Math.max(0, end0 - Date.now())));
    const now = await Promise.all(lanes.map((l) => snap(l.pair)));
    now.forEach((rs, i) => heights[i].push(...rs.map((r) => r.frameHeight)));
  }
  const end = await Promise.all(lanes.map((l) => snap(l.pair)));
  for (const l of lanes) {
    await l.topo.unshape(l.topo.a);
    await l.topo.unshape(l.topo.b);
  }
  const clearAt = Date.now();
  const recoveries = await Promise.all(lanes.map((l) => recovery(l, clearAt)));
  const out = lanes.map((_, i): Figures => {
    const dirs = start[i].map((s, j) => between(s, end[i][j]));
    return {
      concealment: mean(dirs.map((d) => d.concealment)),
      freezeCount: mean(dirs.map((d) => d.freezeCount)),
      freezeS: mean(dirs.map((d) => d.freezeS)),
      fps: mean(dirs.map((d) => d.fps)),
      height: median(heights[i]),
      recoveryS: recoveries[i],
      audioLoss: mean(dirs.map((d) => d.audioLoss)),
      load,
    };
  });
  out.forEach((f, i) => console.log(`  ${c.label} (${lanes[i].mode}): ${JSON.stringify(f)}`));
  // Settle before the next condition (a call that did not recover gets a few more seconds).
  if (recoveries.includes(null)) await wait(5000);
  return out;
}

async function openLane(topo: Topology, demo: Awaited<ReturnType<typeof startDemo>>, mode: Lane['mode']): Promise<Lane> {
  const pair = await openNsPair(topo, demo, mode === 'kit' ? 'wk' : 'wd', mode === 'kit');
  try {
    await connectNsCall(pair);
  } catch (error) {
    await closeNsPair(pair);
    throw error;
  }
  return { mode, topo, pair, ref: { fps: 0, height: 0 } };
}

const unavailable = (await netnsUnavailable()) ?? (await nftUnavailable());
if (unavailable) {
  console.error(`bench:weak-network needs network namespaces: ${unavailable}`);
  process.exit(1);
}
await precleanStale(PREFIX_DEFAULT);
await precleanStale(PREFIX_KIT);
// Two topologies, one per mode, shaped alike at the same moments: both calls live through the same
// machine load, so a busy machine weighs on Chromium's defaults and on the kit alike.
const topos: Topology[] = [];
const demo = await startDemo({ host: '0.0.0.0', rateLimits: false });
const lanes: Lane[] = [];
let results: { default: Record<string, Figures>; kit: Record<string, Figures> };
try {
  topos.push(await createTopology(PREFIX_DEFAULT, 'd'));
  topos.push(await createTopology(PREFIX_KIT, 'k'));
  console.log(
    `weak network: ${conditions.length} conditions x ${HOLD_S} s, Chromium's defaults and the kit's tuning side by side (two calls at once)`,
  );
  lanes.push(await openLane(topos[0], demo, 'default'));
  lanes.push(await openLane(topos[1], demo, 'kit'));
  await wait(WARM_S * 1000);
  const refs = await Promise.all(lanes.map((l) => reference(l.pair)));
  for (const [i, l] of lanes.entries()) {
    l.ref = refs[i];
    const codecs = (await snap(l.pair)).map((r) => r.audioCodec);
    console.log(`${l.mode}: clean call ${fmt(l.ref.fps)} fps, ${l.ref.height}p; audio sent as ${codecs.join(' / ')}`);
  }
  results = { default: {}, kit: {} };
  for (const c of conditions) {
    const [d, k] = await runCondition(lanes, c);
    results.default[c.name] = d;
    results.kit[c.name] = k;
  }
} finally {
  for (const l of lanes) await closeNsPair(l.pair);
  await demo.close().catch(() => undefined);
  for (const t of topos.reverse()) await t.destroy();
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
