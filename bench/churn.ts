/**
 * Churn and leaks (R1 at N = 200, reliability.md §5.1): 200 sequential video calls between one pair
 * of pages on the real demo (rate limits off), every call checked for leaks as in the e2e test
 * (test/e2e/churn.ts). Prints peer connections created/open, live tracks, listeners, store
 * subscriptions, engine counters, heap after GC (CDP) at calls 20 and 200 on both pages, and the
 * server registry after all. Env: BENCH_CALLS (default 200).
 */
import { launchBrowser, openUser, serverStats, startDemo } from '../test/e2e/harness.js';
import { churn, countListeners, heapAfterGc, NAME_SHIM } from '../test/e2e/churn.js';
import { fmt, median, percentile, printTable, writeResult } from './lib.js';

const N = Number(process.env.BENCH_CALLS ?? 200);
const SAMPLE = Math.min(20, N);
const demo = await startDemo({ rateLimits: false, stats: true });
const browser = await launchBrowser();
const version = browser.version();
try {
  const context = await browser.newContext();
  await context.addInitScript(NAME_SHIM);
  await context.addInitScript(countListeners);
  const alice = await openUser(context, demo, 'chalice');
  const bob = await openUser(context, demo, 'chbob');
  const heap: Record<number, [number, number]> = {};
  heap[0] = [await heapAfterGc(alice), await heapAfterGc(bob)];
  const started = Date.now();
  const run = await churn(demo, alice, bob, 'chbob', N, async (call) => {
    if (call.index === SAMPLE || call.index === N) heap[call.index] = [await heapAfterGc(alice), await heapAfterGc(bob)];
    if (call.index % 20 === 0) console.log(`call ${call.index}/${N}`);
  });
  const elapsed = (Date.now() - started) / 1000;
  const server = await serverStats(demo);
  const [a, b] = run.end;
  const slope = (side: 0 | 1) => (N > SAMPLE ? (heap[N][side] - heap[SAMPLE][side]) / (N - SAMPLE) / 1024 : Number.NaN);
  const growth = (side: 0 | 1) => (heap[N][side] - heap[0][side]) / 2 ** 20;
  const media = run.calls.map((c) => c.media);
  const perCall = run.calls.map(({ during: _during, ...c }) => c);
  const release = run.calls.map((c) => c.release);
  const data = {
    calls: N,
    elapsedS: elapsed,
    chromium: version,
    heap,
    end: run.end,
    base: run.base,
    duringFirstCall: run.calls[0].during,
    server,
    perCall,
  };
  const table = printTable(
    `Churn and leaks (R1): ${N} calls in one pair of pages, Chromium ${version}, ${fmt(elapsed)} s`,
    ['figure', 'caller', 'callee', 'target'],
    [
      [
        'during call 1 (positive control): open PCs / live tracks / listeners / store subs / kit elements',
        ...run.calls[0].during.map((d) => `${d.openPcs} / ${d.liveTracks} / ${d.listeners} / ${d.storeSubscriptions} / ${d.kitElements}`),
        '1 / ≥ 2 / - / > idle / > idle',
      ],
      ['peer connections created / open at the end', `${a.pcsCreated} / ${a.openPcs}`, `${b.pcsCreated} / ${b.openPcs}`, `${N} / 0`],
      ['live capture tracks at the end', a.liveTracks, b.liveTracks, '0'],
      [
        'listeners on window/document/mediaDevices (idle → end)',
        `${run.base[0].listeners} → ${a.listeners}`,
        `${run.base[1].listeners} → ${b.listeners}`,
        'delta 0',
      ],
      [
        'kit store subscriptions (idle → end)',
        `${run.base[0].storeSubscriptions} → ${a.storeSubscriptions}`,
        `${run.base[1].storeSubscriptions} → ${b.storeSubscriptions}`,
        'delta 0',
      ],
      [
        'engine peers / localTracks / timers / audioContexts / pendingRequests',
        `${String(a.engine.peers)} / ${String(a.engine.localTracks)} / ${String(a.engine.timers)} / ${String(a.engine.audioContexts)} / ${String(a.engine.pendingRequests)}`,
        `${String(b.engine.peers)} / ${String(b.engine.localTracks)} / ${String(b.engine.timers)} / ${String(b.engine.audioContexts)} / ${String(b.engine.pendingRequests)}`,
        '0',
      ],
      [
        `heap after GC: start / call ${SAMPLE} / call ${N}`,
        `${fmt(heap[0][0] / 2 ** 20, 2)} / ${fmt(heap[SAMPLE][0] / 2 ** 20, 2)} / ${fmt(heap[N][0] / 2 ** 20, 2)} MB`,
        `${fmt(heap[0][1] / 2 ** 20, 2)} / ${fmt(heap[SAMPLE][1] / 2 ** 20, 2)} / ${fmt(heap[N][1] / 2 ** 20, 2)} MB`,
        '',
      ],
      [`heap slope calls ${SAMPLE}→${N}`, `${fmt(slope(0), 2)} KB/call`, `${fmt(slope(1), 2)} KB/call`, '≤ 20 KB/call'],
      ['heap growth in total', `${fmt(growth(0), 2)} MB`, `${fmt(growth(1), 2)} MB`, '≤ 5 MB'],
      ['accept → frames decoded both sides, median / p95', `${median(media)} / ${percentile(media, 95)} ms`, '', ''],
      ['hang-up → all released (both pages + server), median / p95', `${median(release)} / ${percentile(release, 95)} ms`, '', ''],
      ['server registry after all', JSON.stringify(server), '', 'calls 0, timers 0'],
    ],
  );
  writeResult('churn', data, table);
  await context.close();
} finally {
  await browser.close();
  await demo.close();
}
