/**
 * Call setup (R2, reliability.md §5.1): 20 video calls on loopback through the real demo (kit API,
 * default engine): invite sent → the callee's banner shown (an element with role alertdialog
 * rendered, shadow roots included), accept → first remote video frame decoded on the callee and on
 * the caller. Baseline in the same browser and run: two bare RTCPeerConnections in two pages with the
 * same fake camera and microphone, offer/answer passed through Node (no kit, no server): start →
 * first frame decoded on each side; one baseline call after each kit call (interleaved, so that
 * load changes on a shared machine affect both alike). Timestamps are taken in the pages (Date.now, shared clock) by
 * pollers every 5 ms. Env: BENCH_CALLS (default 20).
 */
import type { Page } from 'playwright';
import { launchBrowser, openUser, startDemo, waitStatus } from '../test/e2e/harness.js';
import { NAME_SHIM } from '../test/e2e/churn.js';
import { fmt, median, percentile, printTable, writeResult } from './lib.js';

const N = Number(process.env.BENCH_CALLS ?? 20);

/** In-page helpers: a deep role query and a first-frame watcher over window.__pcs. */
const helpers = () => {
  const w = window as unknown as Record<string, unknown> & { __pcs: RTCPeerConnection[] };
  const deep = (root: Document | ShadowRoot, selector: string): Element | null => {
    const hit = root.querySelector(selector);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) {
        const inner = deep(el.shadowRoot, selector);
        if (inner) return inner;
      }
    }
    return null;
  };
  w.__watchBanner = () =>
    new Promise<number>((resolve) => {
      const tick = () => {
        const el = deep(document, '[role=alertdialog]');
        if (el && (el as HTMLElement).getClientRects().length) resolve(Date.now());
        else setTimeout(tick, 5);
      };
      tick();
    });
  w.__watchFrame = (pcs?: RTCPeerConnection[]) =>
    new Promise<number>((resolve) => {
      const skip = pcs ? 0 : w.__pcs.length;
      const tick = async () => {
        const list = pcs ?? w.__pcs.slice(skip);
        for (const pc of list) {
          const report = await pc.getStats();
          let frames = 0;
          report.forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
            if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
          });
          if (frames > 0) return resolve(Date.now());
        }
        setTimeout(() => void tick(), 5);
      };
      void tick();
    });
};

const demo = await startDemo({ rateLimits: false });
const browser = await launchBrowser();
try {
  const context = await browser.newContext();
  await context.addInitScript(NAME_SHIM);
  await context.addInitScript(helpers);
  const alice = await openUser(context, demo, 'setupalice');
  const bob = await openUser(context, demo, 'setupbob');
  // Baseline: bare RTCPeerConnections, same browser, same fake media, SDP passed through Node.
  const bctx = await browser.newContext();
  await bctx.addInitScript(NAME_SHIM);
  await bctx.addInitScript(helpers);
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
  const baseCallee: number[] = [];
  const baseCaller: number[] = [];
  const offer = async (p: Page) =>
    p.evaluate(async () => {
      const w = window as unknown as Record<string, unknown>;
      const t = Date.now();
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
      return { t, sdp: (pc.localDescription as RTCSessionDescription).sdp };
    });
  const baselineOnce = async () => {
    const { t, sdp } = await offer(pa);
    const answer = await pb.evaluate(async (remote) => {
      const w = window as unknown as Record<string, unknown>;
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
      return (pc.localDescription as RTCSessionDescription).sdp;
    }, sdp);
    const fb = pb.evaluate(() =>
      (window as unknown as { __watchFrame: (p: RTCPeerConnection[]) => Promise<number> }).__watchFrame([
        (window as unknown as { __pc: RTCPeerConnection }).__pc,
      ]),
    );
    const fa = pa.evaluate(async (remote) => {
      const w = window as unknown as { __pc: RTCPeerConnection; __watchFrame: (p: RTCPeerConnection[]) => Promise<number> };
      await w.__pc.setRemoteDescription({ type: 'answer', sdp: remote });
      return w.__watchFrame([w.__pc]);
    }, answer);
    const [ta, tb] = await Promise.all([fa, fb]);
    baseCaller.push(ta - t);
    baseCallee.push(tb - t);
    for (const p of [pa, pb]) {
      await p.evaluate(() => {
        const w = window as unknown as { __pc: RTCPeerConnection; __stream: MediaStream };
        w.__pc.close();
        for (const track of w.__stream.getTracks()) track.stop();
      });
    }
    await new Promise((r) => setTimeout(r, 300));
  };
  const ring: number[] = [];
  const acceptToFrameCallee: number[] = [];
  const acceptToFrameCaller: number[] = [];
  const inviteToFrame: number[] = [];
  for (let i = 0; i < N; i++) {
    const banner = bob.evaluate(() => (window as unknown as { __watchBanner: () => Promise<number> }).__watchBanner());
    const t0 = await alice.evaluate(() => {
      const t = Date.now();
      void window.callKit.call({ userID: 'setupbob', type: 2 });
      return t;
    });
    const shown = await banner;
    const frameA = alice.evaluate(() => (window as unknown as { __watchFrame: () => Promise<number> }).__watchFrame());
    const frameB = bob.evaluate(() => (window as unknown as { __watchFrame: () => Promise<number> }).__watchFrame());
    const tAccept = await bob.evaluate(() => {
      const t = Date.now();
      void window.callKit.accept();
      return t;
    });
    const [fa, fb] = await Promise.all([frameA, frameB]);
    ring.push(shown - t0);
    acceptToFrameCallee.push(fb - tAccept);
    acceptToFrameCaller.push(fa - tAccept);
    inviteToFrame.push(Math.max(fa, fb) - t0);
    await alice.evaluate(() => window.callKit.hangup());
    await Promise.all([waitStatus(alice, 'idle'), waitStatus(bob, 'idle')]);
    await new Promise((r) => setTimeout(r, 300));
    await baselineOnce(); // interleaved, so that load drifts on the shared machine hit both alike
  }
  await context.close();
  await bctx.close();

  const row = (what: string, v: number[], target = '') => [what, `${median(v)}`, `${percentile(v, 95)}`, target];
  const kitFrame = acceptToFrameCallee.map((v, i) => Math.max(v, acceptToFrameCaller[i]));
  const baseFrame = baseCallee.map((v, i) => Math.max(v, baseCaller[i]));
  const table = printTable(
    `Call setup (R2): ${N} video calls on loopback, Chromium ${browser.version()}, fake media`,
    ['interval (ms)', 'median', 'p95', 'target'],
    [
      row('kit: invite sent → banner shown at the callee', ring, 'ring ≤ 150 median'),
      row('kit: accept → first remote frame decoded, callee', acceptToFrameCallee),
      row('kit: accept → first remote frame decoded, caller', acceptToFrameCaller),
      row('kit: accept → frames decoded on both sides', kitFrame, 'accept → video p95 ≤ 1500'),
      row('kit: invite → frames on both sides', inviteToFrame),
      row('baseline (bare RTCPeerConnection, gUM both sides): start → frame, callee', baseCallee),
      row('baseline: start → frame, caller', baseCaller),
      row('baseline: start → frames on both sides', baseFrame),
      [
        '**ratio kit / baseline (accept → frames both sides vs start → frames both sides)**',
        `**${fmt(median(kitFrame) / median(baseFrame), 2)}**`,
        `**${fmt(percentile(kitFrame, 95) / percentile(baseFrame, 95), 2)}**`,
        '',
      ],
    ],
  );
  writeResult('setup', { calls: N, ring, acceptToFrameCallee, acceptToFrameCaller, inviteToFrame, baseCallee, baseCaller }, table);
} finally {
  await browser.close();
  await demo.close();
}
