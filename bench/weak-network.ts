/**
 * Weak networks (issue 20): a 1v1 video call between two Chromium browsers in two network namespaces
 * (`test/e2e/netns.ts`), through the real demo server, under a grid of conditions shaped in the root
 * namespace (nft random loss, tc tbf rate cap; the same each way), each held BENCH_HOLD_S (15 s),
 * once with Chromium's defaults (`init({ mediaTuning: false })`, demo `?tuning=off`) and once with
 * the kit's tuning (`src/engine/webrtc/media-tuning.ts`).
 *
 * Made for a loaded 2-core machine, where a video freeze comes from CPU starvation as often as from
 * the network: both calls stay connected (each in its own pair of namespaces), but only the one
 * being measured sends video, the other's camera track is disabled (its encoders idle on black
 * frames), so two browsers work at a time, not four; capture is 480p at 15 fps (BENCH_RESOLUTION,
 * BENCH_FPS) for both modes. Each condition runs BENCH_ROUNDS (3) rounds, default and kit
 * interleaved (A/B, B/A, A/B...), each window preceded by a settle: the call clean again (a 1 s
 * window with < 2 % concealed audio, >= 80 % of the clean fps, the clean height) and both bandwidth
 * estimates >= BENCH_SETTLE_KBPS (600; a clean 480p call sits at 0.8-2.5 Mbps), so no window starts
 * on a low estimate the previous one left; up to BENCH_SETTLE_S (20), then measured anyway. Reported
 * per condition: the median over the rounds and its range, the key frames sent, the share of each
 * window the senders' encoders were CPU-limited (`qualityLimitationDurations.cpu`), the machine's
 * idle CPU (/proc/stat) and the 1-minute load average, so a freeze the CPU caused shows as such; the
 * 0 % loss row is the freeze floor the machine itself adds.
 *
 * Per window, averaged over the two directions (each page's inbound-rtp from the other): audio
 * concealment (Δ concealedSamples / Δ totalSamplesReceived), video freezes (Δ freezeCount, Δ
 * totalFreezesDuration), decoded fps, received height (median of samples), and the time to recover
 * once the condition is lifted (the clean-media part of the settle; "> BENCH_RECOVERY_S" otherwise).
 *
 * Env: BENCH_ROUNDS (3), BENCH_HOLD_S (15), BENCH_WARM_S (10), BENCH_RECOVERY_S (10),
 * BENCH_SETTLE_S (20), BENCH_SETTLE_KBPS (600), BENCH_RESOLUTION (480p), BENCH_FPS (15),
 * BENCH_CONDITIONS (names, comma separated: e.g. `loss20,cap300`; default all), BENCH_TRACE (a line
 * per sample: estimate, cap, sent and received picture). Needs root, iproute2 and nftables.
 */
import { startDemo, until } from '../test/e2e/harness.js';
import { createTopology, netnsUnavailable, nftUnavailable, precleanStale, type Shaping, type Topology } from '../test/e2e/netns.js';
import { closeNsPair, connectNsCall, openNsPair, received, setVideoSending, type NsPair, type Received } from '../test/e2e/netns-call.js';
import { fmt, printTable, writeResult } from './lib.js';
import {
  between,
  mean,
  median,
  summarise,
  tableRows,
  TABLE_HEADERS,
  verdict,
  type ConditionResult,
  type Figures,
} from './weak-network-stats.js';
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const HOLD_S = Number(process.env.BENCH_HOLD_S ?? 15);
const WARM_S = Number(process.env.BENCH_WARM_S ?? 10);
const RECOVERY_S = Number(process.env.BENCH_RECOVERY_S ?? 10);
const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? 20);
const SETTLE_KBPS = Number(process.env.BENCH_SETTLE_KBPS ?? 600);
const RESOLUTION = (process.env.BENCH_RESOLUTION ?? '480p') as '480p' | '720p' | '1080p';
const FPS = Number(process.env.BENCH_FPS ?? 15);
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

const sidesOf = (p: NsPair) => [
  { page: p.alice, remote: p.bobId },
  { page: p.bob, remote: p.aliceId },
];
const snap = (p: NsPair) => Promise.all(sidesOf(p).map((s) => received(s.page, s.remote)));
const wait = (ms: number) => until(async () => false, 'wait', ms).catch(() => undefined);

/** One mode's call: its own namespaces (so a rate cap is its own), its pages, its clean reference. */
interface Lane {
  mode: 'default' | 'kit';
  topo: Topology;
  pair: NsPair;
  ref: { fps: number; height: number };
}

/** Both pages of `lane` send video (true) or idle on a disabled camera track (false). */
const sending = (lane: Lane, on: boolean) => Promise.all(sidesOf(lane.pair).map((s) => setVideoSending(s.page, s.remote, on)));

/** Clean-call reference: fps and height over a 5 s window. */
async function reference(p: NsPair): Promise<{ fps: number; height: number }> {
  const a = await snap(p);
  await wait(5000);
  const b = await snap(p);
  return { fps: mean(a.map((x, i) => between(x, b[i]).fps)), height: Math.min(...b.map((x) => x.frameHeight)) };
}

/**
 * Seconds from `since` until both sides of `lane` have a clean 1 s window (null: not within
 * `budgetS`); with `minBps`, both connections' bandwidth estimates at least that too.
 */
async function cleanAfter(lane: Lane, since: number, budgetS: number, minBps = 0): Promise<number | null> {
  let prev = await snap(lane.pair);
  while (Date.now() - since < budgetS * 1000) {
    await wait(1000);
    const now = await snap(lane.pair);
    if (process.env.BENCH_TRACE) trace(lane, 'clean?', now);
    const ok = now.every((r, i) => {
      const d = between(prev[i], r);
      return (
        d.concealment < 0.02 && d.fps >= 0.8 * lane.ref.fps && r.frameHeight >= lane.ref.height && r.availableOutgoingBitrate >= minBps
      );
    });
    prev = now;
    if (ok) return (Date.now() - since) / 1000;
  }
  return null;
}

/** The machine's idle and total CPU time so far (jiffies, all cores; /proc/stat). */
function cpuTimes(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: fields[3] + (fields[4] ?? 0), total: fields.reduce((s, x) => s + x, 0) };
}

/** BENCH_TRACE: one line per sample (what each side sends and gets). */
function trace(lane: Lane, what: string, now: Received[]): void {
  const side = (r: Received) =>
    `est ${fmt(r.availableOutgoingBitrate / 1000, 0)}k cap ${fmt(r.sentMaxBitrate / 1000, 0)}k sent ${r.sentHeight}p@${fmt(r.sentFps, 0)} got ${r.frameHeight}p frz ${r.freezeCount} ${r.limitation}`;
  console.log(`    ${lane.mode} ${what}: ${now.map(side).join(' | ')}`);
}

/** One window: `lane` sends video, settles, holds `c`, recovers, and idles again. */
async function measure(lane: Lane, c: Condition): Promise<Figures> {
  await sending(lane, true);
  // Clean media and an estimate back above SETTLE_KBPS: a window that starts on a low estimate left
  // by the previous one has no drop to live through and would flatter that mode.
  const settleS = await cleanAfter(lane, Date.now(), SETTLE_S, SETTLE_KBPS * 1000);
  const load = loadavg()[0];
  await lane.topo.shape(lane.topo.a, c.shaping);
  await lane.topo.shape(lane.topo.b, c.shaping);
  const start = await snap(lane.pair);
  const cpu0 = cpuTimes();
  const heights: number[] = [];
  const end0 = Date.now() + HOLD_S * 1000;
  while (Date.now() < end0) {
    await wait(Math.min(2000, Math.max(0, end0 - Date.now())));
    const now = await snap(lane.pair);
    heights.push(...now.map((r) => r.frameHeight));
    if (process.env.BENCH_TRACE) trace(lane, c.name, now);
  }
  const end = await snap(lane.pair);
  const cpu1 = cpuTimes();
  await lane.topo.unshape(lane.topo.a);
  await lane.topo.unshape(lane.topo.b);
  const clearAt = Date.now();
  const recoveryS = await cleanAfter(lane, clearAt, RECOVERY_S);
  await sending(lane, false);
  const dirs = start.map((s, j) => between(s, end[j]));
  return {
    concealment: mean(dirs.map((d) => d.concealment)),
    freezeCount: mean(dirs.map((d) => d.freezeCount)),
    freezeS: mean(dirs.map((d) => d.freezeS)),
    fps: mean(dirs.map((d) => d.fps)),
    height: median(heights),
    recoveryS,
    audioLoss: mean(dirs.map((d) => d.audioLoss)),
    cpuLimited: mean(dirs.map((d) => d.cpuLimited)),
    keyFrames: dirs.reduce((n, d) => n + d.keyFrames, 0),
    plis: dirs.reduce((n, d) => n + d.plis, 0),
    idle: (cpu1.idle - cpu0.idle) / Math.max(1, cpu1.total - cpu0.total),
    load,
    settleS,
  };
}

async function openLane(topo: Topology, demo: Awaited<ReturnType<typeof startDemo>>, mode: Lane['mode']): Promise<Lane> {
  const pair = await openNsPair(topo, demo, mode === 'kit' ? 'wk' : 'wd', mode === 'kit', { fakeFps: FPS, resolution: RESOLUTION });
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
// Two topologies, one per mode (each call its own link, so a rate cap is its own); one shaped at a time.
const topos: Topology[] = [];
const demo = await startDemo({ host: '0.0.0.0', rateLimits: false });
const lanes: Lane[] = [];
const rounds: Record<string, Record<Lane['mode'], Figures[]>> = {};
try {
  topos.push(await createTopology(PREFIX_DEFAULT, 'd'));
  topos.push(await createTopology(PREFIX_KIT, 'k'));
  console.log(
    `weak network: ${conditions.length} conditions x ${ROUNDS} rounds x ${HOLD_S} s, Chromium's defaults and the kit's tuning interleaved (one call sends video at a time), ${RESOLUTION} at ${FPS} fps`,
  );
  lanes.push(await openLane(topos[0], demo, 'default'));
  await sending(lanes[0], false);
  lanes.push(await openLane(topos[1], demo, 'kit'));
  await sending(lanes[1], false);
  for (const l of lanes) {
    await sending(l, true);
    await wait(WARM_S * 1000);
    l.ref = await reference(l.pair);
    await sending(l, false);
    const codecs = (await snap(l.pair)).map((r) => r.audioCodec);
    console.log(`${l.mode}: clean call ${fmt(l.ref.fps)} fps, ${l.ref.height}p; audio sent as ${codecs.join(' / ')}`);
  }
  for (const c of conditions) {
    rounds[c.name] = { default: [], kit: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const l of r % 2 === 0 ? lanes : [...lanes].reverse()) {
        const f = await measure(l, c);
        rounds[c.name][l.mode].push(f);
        console.log(`  ${c.label} round ${r + 1} (${l.mode}): ${JSON.stringify(f)}`);
      }
    }
  }
} finally {
  for (const l of lanes) await closeNsPair(l.pair);
  await demo.close().catch(() => undefined);
  for (const t of topos.reverse()) await t.destroy();
}

const results: ConditionResult[] = conditions.map((c) => ({
  label: c.label,
  default: summarise(rounds[c.name].default),
  kit: summarise(rounds[c.name].kit),
}));
const verdicts = results.map((r) => `${r.label}: audio ${verdict(r).audio ? 'ok' : 'BEHIND'}, video ${verdict(r).video ? 'ok' : 'BEHIND'}`);
const table = printTable(
  `bench:weak-network (${ROUNDS} rounds x ${HOLD_S} s per condition and mode, interleaved; ${RESOLUTION} ${FPS} fps; default / kit, median (range) (kit ÷ default))`,
  TABLE_HEADERS,
  tableRows(results, RECOVERY_S),
);
console.log(`kit at or below the default (medians): ${verdicts.join('; ')}`);
writeResult(
  'weak-network',
  {
    rounds: ROUNDS,
    holdS: HOLD_S,
    warmS: WARM_S,
    recoveryS: RECOVERY_S,
    resolution: RESOLUTION,
    fps: FPS,
    refs: Object.fromEntries(lanes.map((l) => [l.mode, l.ref])),
    summary: Object.fromEntries(conditions.map((c, i) => [c.name, results[i]])),
    windows: rounds,
  },
  `${table}\n\nKit at or below the default (medians): ${verdicts.join('; ')}.`,
);
