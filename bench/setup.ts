/**
 * Call setup (R2, reliability.md §5.1; issue 18): N video calls per mode on loopback through the real
 * demo (kit API, default engine), interleaved in one run: the kit as is, the kit with the callee's
 * `init({ preconnect: true })` (accepted once the pre-connection is up), and a baseline of two bare
 * RTCPeerConnections in two pages with the same fake camera and microphone, offer/answer passed
 * through Node (no kit, no server). Compared: accept → first remote video frame decoded on both sides
 * (baseline: start → frames on both sides, gUM on both sides included). Breakdown of where the time
 * goes from the in-page probe (`setup-probe.ts`: signaling frames, getUserMedia, ICE, DTLS, first
 * frame decoded, frame rendered in a `<video>`), and invite → banner with its stages (server relay,
 * engine + store, render, paint). Env: BENCH_CALLS (default 20), BENCH_KIT_RESOLUTION (default 480p, as the
 * baseline's 640×480 capture; the kit's own default is 720p), BENCH_TUNING=off (the kit with `mediaTuning: false`).
 */
import type { Page } from 'playwright';
import { loadavg } from 'node:os';
import { launchBrowser, openUser, startDemo, until, waitStatus } from '../test/e2e/harness.js';
import { NAME_SHIM } from '../test/e2e/churn.js';
import { fmt, median, percentile, printTable, writeResult } from './lib.js';
import { probe } from './setup-probe.js';

type Marks = Record<string, number>;
interface Probe {
  __marks: Marks;
  __now(): number;
  __resetMarks(): void;
  __watchCall(render: boolean): Promise<void>;
  __watchBanner(): Promise<void>;
}
const marks = (p: Page) => p.evaluate(() => ({ ...(window as unknown as Probe).__marks }));

const N = Number(process.env.BENCH_CALLS ?? 20);
const RESOLUTION = (process.env.BENCH_KIT_RESOLUTION ?? '480p') as '480p' | '720p' | '1080p';

const demo = await startDemo({ rateLimits: false });
const browser = await launchBrowser();
try {
  const context = await browser.newContext();
  await context.addInitScript(NAME_SHIM);
  await context.addInitScript(probe);
  // BENCH_TUNING=off: the kit without its weak-network tuning (`mediaTuning: false`), to see what it costs here.
  const tuning = process.env.BENCH_TUNING === 'off' ? 'tuning=off' : '';
  const alice = await openUser(context, demo, 'setupalice', tuning);
  const bob = await openUser(context, demo, 'setupbob', tuning);
  const alice2 = await openUser(context, demo, 'setupalice2', tuning);
  const bob2 = await openUser(context, demo, 'setupbob2', ['preconnect=1', tuning].filter(Boolean).join('&'));
  // The baseline captures 640×480: the kit too (its default is 720p; BENCH_KIT_RESOLUTION=720p measures that).
  for (const p of [alice, bob, alice2, bob2]) await p.evaluate((r) => window.callKit.setVideoResolution(r), RESOLUTION);
  // Baseline: bare RTCPeerConnections, same browser, same fake media, SDP passed through Node.
  const bctx = await browser.newContext();
  await bctx.addInitScript(NAME_SHIM);
  await bctx.addInitScript(probe);
  // An empty page on the demo's origin (loopback, so a secure context for getUserMedia), served by
  // Playwright: the Vite dev server would answer any unknown path with the demo page and its kit.
  await bctx.route(`${demo.url}/__baseline`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>baseline</title>' }),
  );
  const [pa, pb] = [await bctx.newPage(), await bctx.newPage()];
  for (const p of [pa, pb]) {
    await p.goto(`${demo.url}/__baseline`);
    if (await p.evaluate(() => 'callKit' in window || customElements.get('call-kit') !== undefined))
      throw new Error('the baseline page loaded the kit');
  }
  interface BaseRun {
    t: number;
    offer: number;
    answer: number;
    a: Marks;
    b: Marks;
  }
  const baselineOnce = async (): Promise<BaseRun> => {
    for (const p of [pa, pb]) await p.evaluate(() => (window as unknown as Probe).__resetMarks());
    const wa = pa.evaluate(() => (window as unknown as Probe).__watchCall(false));
    const wb = pb.evaluate(() => (window as unknown as Probe).__watchCall(false));
    const { t, offer, sdp } = await pa.evaluate(async () => {
      const w = window as unknown as Record<string, unknown> & Probe;
      const t = w.__now();
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
      const pc = new RTCPeerConnection();
      w.__pc = pc;
      w.__stream = stream;
      for (const track of stream.getTracks()) pc.addTrack(track, stream);
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((r) =>
        pc.iceGatheringState === 'complete'
          ? r()
          : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()),
      );
      return { t, offer: w.__now(), sdp: (pc.localDescription as RTCSessionDescription).sdp };
    });
    const { answer, sdp: answerSdp } = await pb.evaluate(async (remote) => {
      const w = window as unknown as Record<string, unknown> & Probe;
      const pc = new RTCPeerConnection();
      w.__pc = pc;
      await pc.setRemoteDescription({ type: 'offer', sdp: remote });
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
      w.__stream = stream;
      for (const track of stream.getTracks()) pc.addTrack(track, stream);
      await pc.setLocalDescription(await pc.createAnswer());
      await new Promise<void>((r) =>
        pc.iceGatheringState === 'complete'
          ? r()
          : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()),
      );
      return { answer: w.__now(), sdp: (pc.localDescription as RTCSessionDescription).sdp };
    }, sdp);
    await pa.evaluate(async (remote) => {
      const w = window as unknown as { __pc: RTCPeerConnection };
      await w.__pc.setRemoteDescription({ type: 'answer', sdp: remote });
    }, answerSdp);
    await Promise.all([wa, wb]);
    const run = { t, offer, answer, a: await marks(pa), b: await marks(pb) };
    for (const p of [pa, pb]) {
      await p.evaluate(() => {
        const w = window as unknown as { __pc?: RTCPeerConnection; __stream: MediaStream };
        w.__pc?.close();
        delete w.__pc;
        for (const track of w.__stream.getTracks()) track.stop();
      });
    }
    await new Promise((r) => setTimeout(r, 300));
    return run;
  };

  interface KitRun {
    t0: number;
    accept: number;
    /** Before the accept (the ring, and for pre-connect the connection). */
    ringA: Marks;
    ringB: Marks;
    a: Marks;
    b: Marks;
  }
  /** One kit call: invite -> banner (-> pre-connected) -> accept -> frames rendered on both sides -> hang up. */
  const kitOnce = async (caller: Page, callee: Page, calleeId: string, pre: boolean): Promise<KitRun> => {
    for (const p of [caller, callee]) await p.evaluate(() => (window as unknown as Probe).__resetMarks());
    const banner = callee.evaluate(() => (window as unknown as Probe).__watchBanner());
    const t0 = await caller.evaluate((id) => {
      const t = (window as unknown as Probe).__now();
      void window.callKit.calls({ userIDList: [id], type: 2 });
      return t;
    }, calleeId);
    await banner;
    if (pre) {
      for (const p of [caller, callee]) void p.evaluate(() => (window as unknown as Probe).__watchCall(false)); // ICE, DTLS during the ring
      // The ring lasts seconds in real life: accept once the pre-connection is up, as a user would after it.
      const connected = (p: Page) =>
        p.evaluate(() =>
          (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.some(
            (pc) => pc.signalingState !== 'closed' && pc.connectionState === 'connected',
          ),
        );
      await until(async () => (await connected(caller)) && (await connected(callee)), 'pre-connected', 20_000);
    }
    const [ringA, ringB] = [await marks(caller), await marks(callee)];
    for (const p of [caller, callee]) await p.evaluate(() => (window as unknown as Probe).__resetMarks());
    const wa = caller.evaluate(() => (window as unknown as Probe).__watchCall(true));
    const wb = callee.evaluate(() => (window as unknown as Probe).__watchCall(true));
    const accept = await callee.evaluate(() => {
      const t = (window as unknown as Probe).__now();
      void window.callKit.accept();
      return t;
    });
    await Promise.all([wa, wb]);
    const run = { t0, accept, ringA, ringB, a: await marks(caller), b: await marks(callee) };
    await caller.evaluate(() => window.callKit.hangup());
    await Promise.all([waitStatus(caller, 'idle'), waitStatus(callee, 'idle')]);
    await new Promise((r) => setTimeout(r, 300));
    return run;
  };

  const plain: KitRun[] = [];
  const preconnected: KitRun[] = [];
  const base: BaseRun[] = [];
  // Interleaved, so that load drifts on the shared machine hit the three alike.
  for (let i = 0; i < N; i++) {
    plain.push(await kitOnce(alice, bob, 'setupbob', false));
    preconnected.push(await kitOnce(alice2, bob2, 'setupbob2', true));
    base.push(await baselineOnce());
  }
  await context.close();
  await bctx.close();

  const med = (v: number[]) => median(v.filter(Number.isFinite));
  const cell = (v: number[]) => (v.some(Number.isFinite) ? fmt(med(v), 0) : '–');
  const since = (runs: KitRun[], side: 'a' | 'b', key: string) => runs.map((r) => (r[side][key] ?? Number.NaN) - r.accept);
  const before = (runs: KitRun[], side: 'a' | 'b', key: string) =>
    runs.map((r) => (r[side === 'a' ? 'ringA' : 'ringB'][key] ?? Number.NaN) - r.accept);
  const both = (runs: KitRun[], key: string) => runs.map((r) => Math.max(r.a[key] ?? Number.NaN, r.b[key] ?? Number.NaN) - r.accept);
  const baseBoth = (key: string) => base.map((r) => Math.max(r.a[key] ?? Number.NaN, r.b[key] ?? Number.NaN) - r.t);
  const kitFrame = both(plain, 'frame');
  const preFrame = both(preconnected, 'frame');
  const baseFrame = baseBoth('frame');
  const step = (what: string, side: 'a' | 'b', key: string) => [what, cell(since(plain, side, key)), cell(since(preconnected, side, key))];
  const preOr = (what: string, side: 'a' | 'b', key: string) => [
    what,
    cell(since(plain, side, key)),
    `${cell(before(preconnected, side, key))} (before accept)`,
  ];
  const ratio = (kit: number[]) =>
    `**${fmt(med(kit) / med(baseFrame), 2)}** (p95 ${fmt(percentile(kit, 95) / percentile(baseFrame, 95), 2)})`;
  const table = printTable(
    `Call setup (R2, issue 18): ${N} video calls per mode on loopback, Chromium ${browser.version()}, fake media (kit ${RESOLUTION}${tuning ? ', tuning off' : ''}, baseline 640×480), load average ${loadavg()
      .map((l) => fmt(l, 2))
      .join(' ')}`,
    ['interval (ms, median)', 'kit', 'kit + pre-connect', 'bare RTCPeerConnection baseline'],
    [
      [
        '**accept → frames decoded on both sides** (baseline: start → frames)',
        `**${cell(kitFrame)}**`,
        `**${cell(preFrame)}**`,
        `**${cell(baseFrame)}**`,
      ],
      ['ratio to the baseline (goal: kit ≤ 1.0, pre-connect ≤ 0.5)', ratio(kitFrame), ratio(preFrame), '1'],
      [
        'accept → frames rendered in a `<video>` on both sides',
        cell(both(plain, 'render')),
        cell(both(preconnected, 'render')),
        '(no render)',
      ],
      [
        'p95 accept → frames decoded on both sides',
        fmt(percentile(kitFrame, 95), 0),
        fmt(percentile(preFrame, 95), 0),
        fmt(percentile(baseFrame, 95), 0),
      ],
      ['*where the time goes (from accept; baseline from start)*', '', '', ''],
      [...step('callee: getUserMedia done', 'b', 'gum:end'), cell(base.map((r) => (r.a['gum:end'] ?? Number.NaN) - r.t)) + ' (A)'],
      [...step('callee: `accept` sent', 'b', 'out:accept'), `${cell(base.map((r) => r.offer - r.t))} (A offer, gathered)`],
      [...step('callee: `call-started` back (one server round trip)', 'b', 'in:call-started'), ''],
      [...step('caller: `member-state accepted` in', 'a', 'in:member-state'), ''],
      [...step('callee: first offer sent (`relay`)', 'b', 'out:relay'), ''],
      [...step('caller: answer sent (`relay`)', 'a', 'out:relay'), `${cell(base.map((r) => r.answer - r.t))} (B answer, gUM + gathered)`],
      [...preOr('callee: ICE connected', 'b', 'ice'), cell(base.map((r) => (r.b.ice ?? Number.NaN) - r.t))],
      [...preOr('caller: ICE connected', 'a', 'ice'), cell(base.map((r) => (r.a.ice ?? Number.NaN) - r.t))],
      [...preOr('callee: DTLS done (connectionState connected)', 'b', 'dtls'), cell(base.map((r) => (r.b.dtls ?? Number.NaN) - r.t))],
      [...preOr('caller: DTLS done', 'a', 'dtls'), cell(base.map((r) => (r.a.dtls ?? Number.NaN) - r.t))],
      [...step('callee: first remote frame decoded', 'b', 'frame'), cell(base.map((r) => (r.b.frame ?? Number.NaN) - r.t))],
      [...step('caller: first remote frame decoded', 'a', 'frame'), cell(base.map((r) => (r.a.frame ?? Number.NaN) - r.t))],
      [...step('callee: remote frame rendered', 'b', 'render'), ''],
      [...step('caller: remote frame rendered', 'a', 'render'), ''],
    ],
  );
  const rings = [...plain, ...preconnected];
  const ringStep = (from: (r: KitRun) => number | undefined, to: (r: KitRun) => number | undefined) =>
    rings.map((r) => (to(r) ?? Number.NaN) - (from(r) ?? Number.NaN));
  const bannerAt = (r: KitRun) => r.ringB.banner;
  const ringTable = printTable(
    `Invite → banner (issue 18 item 2): ${rings.length} rings, same run`,
    ['interval (ms)', 'median', 'p95'],
    [
      [
        '**invite (`calls()`) → banner shown (alertdialog has a box)**',
        `**${cell(ringStep((r) => r.t0, bannerAt))}**`,
        fmt(
          percentile(
            ringStep((r) => r.t0, bannerAt),
            95,
          ),
          0,
        ),
      ],
      [
        "`invite` frame sent → banner shown (without the caller's capture)",
        cell(ringStep((r) => r.ringA['out:invite'], bannerAt)),
        fmt(
          percentile(
            ringStep((r) => r.ringA['out:invite'], bannerAt),
            95,
          ),
          0,
        ),
      ],
      [
        'invite → next frame painted',
        cell(
          ringStep(
            (r) => r.t0,
            (r) => r.ringB.paint,
          ),
        ),
        fmt(
          percentile(
            ringStep(
              (r) => r.t0,
              (r) => r.ringB.paint,
            ),
            95,
          ),
          0,
        ),
      ],
      [
        'caller: `calls()` → `invite` sent (capture first)',
        cell(
          ringStep(
            (r) => r.t0,
            (r) => r.ringA['out:invite'],
          ),
        ),
        '',
      ],
      [
        'server relay: `invite` sent → `incoming` received',
        cell(
          ringStep(
            (r) => r.ringA['out:invite'],
            (r) => r.ringB['in:incoming'],
          ),
        ),
        '',
      ],
      [
        'engine + kit + store: `incoming` → the store holds it',
        cell(
          ringStep(
            (r) => r.ringB['in:incoming'],
            (r) => r.ringB.store,
          ),
        ),
        '',
      ],
      ['render: store → banner has a box', cell(ringStep((r) => r.ringB.store, bannerAt)), ''],
      ['top-layer paint: banner → next frame', cell(ringStep(bannerAt, (r) => r.ringB.paint)), ''],
    ],
  );
  writeResult('setup', { calls: N, plain, preconnected, base }, `${table}\n\n${ringTable}`);
} finally {
  await browser.close();
  await demo.close();
}
