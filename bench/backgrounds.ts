/**
 * Backgrounds (issue 17 item 3): CPU and frame rate of a 1v1 video call with the background effect
 * off, blurred and replaced by an image, in one run. Two default engines in one Chromium page on the
 * demo (its signaling server; the model and WASM from its /callkit-backgrounds/), Chromium's fake
 * camera at 640x480; alice's effect changes, bob decodes. Per mode, over BENCH_SECONDS (default 10)
 * after BENCH_WARMUP_SECONDS (default 4), BENCH_ROUNDS (default 2) rounds alternating the modes:
 * - CPU: user + system time of the browser's processes (every process descending from this one),
 *   read from /proc, as % of one core; the machine is shared, so compare modes of the same run.
 * - fps: frames alice's encoder sent and bob's decoder decoded per second (getStats), and the frames
 *   the background worker composited per second.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { launchBrowser, startDemo } from '../test/e2e/harness.js';
import { NAME_SHIM } from '../test/e2e/churn.js';
import { fmt, median, printTable, writeResult } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const MODES = ['off', 'blur', 'image'] as const;
type Mode = (typeof MODES)[number];

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) of every process descending from `root`. */
function treeCpuSeconds(root: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // gone meanwhile
    }
  }
  let ticks = 0;
  for (const [pid, s] of stats) {
    if (pid === root) continue;
    for (let p = s.ppid, hops = 0; p > 1 && hops < 20; p = stats.get(p)?.ppid ?? 0, hops++) {
      if (p === root) {
        ticks += s.ticks;
        break;
      }
    }
  }
  return ticks / TICKS;
}

interface Sample {
  mode: Mode;
  cpuPercent: number;
  sentFps: number;
  decodedFps: number;
  workerFps: number;
  segmentMsPerFrame: number;
}

const demo = await startDemo();
const browser = await launchBrowser();
const samples: Sample[] = [];
try {
  const context = await browser.newContext();
  await context.addInitScript(NAME_SHIM);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${demo.url}/?bench=backgrounds`);
  // Two engines in a call; helpers kept on window for the per-mode steps.
  await page.evaluate(async () => {
    const load = (path: string) => import(/* @vite-ignore */ path);
    const { WebRTCEngine } = (await load('/src/engine/webrtc/index.ts')) as typeof import('../src/engine/webrtc/index.js');
    const debug = (await load('/src/engine/webrtc/debug.ts')) as typeof import('../src/engine/webrtc/debug.js');
    const { CallMediaType } = (await load('/src/constants.ts')) as typeof import('../src/constants.js');
    const server = `${location.origin.replace(/^http/, 'ws')}/ck`;
    const login = async (name: string, options: object) => {
      const userId = `${name}-${Math.random().toString(36).slice(2, 8)}`;
      const engine = new WebRTCEngine({ statsIntervalMs: 500, ...options });
      const { sdkAppId, userSig } = (await (await fetch(`/ck/dev-usersig?user=${userId}`)).json()) as { sdkAppId: number; userSig: string };
      await engine.login({ SDKAppID: sdkAppId, userID: userId, userSig, server });
      return { userId, engine };
    };
    await navigator.mediaDevices.getUserMedia({ video: true }).then((s) => s.getTracks().forEach((t) => t.stop()));
    const alice = await login('alice', { backgroundAssetsPath: '/callkit-backgrounds/' });
    const bob = await login('bob', {});
    await alice.engine.setVideoQuality('480p');
    const remote = new Promise<MediaStream>((resolve) =>
      bob.engine.on('onRemoteStream', ({ stream }) => stream?.getVideoTracks().length && resolve(stream)),
    );
    const ringing = new Promise<void>((resolve) => bob.engine.on('onCallReceived', () => resolve()));
    await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.VIDEO });
    await ringing;
    await bob.engine.accept();
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = await remote;
    document.body.append(video);
    await video.play();
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const ctx = canvas.getContext('2d')!;
    const gradient = ctx.createLinearGradient(0, 0, 64, 48);
    gradient.addColorStop(0, '#2a6');
    gradient.addColorStop(1, '#26a');
    ctx.fillStyle = gradient;
    ctx.fillRect(0, 0, 64, 48);
    const image = canvas.toDataURL('image/png');
    const counters = async () => {
      let sent = 0;
      let decoded = 0;
      (await debug.debugPeerConnection(alice.engine, bob.userId)!.getStats()).forEach(
        (s: { type: string; kind?: string; framesEncoded?: number }) => {
          if (s.type === 'outbound-rtp' && s.kind === 'video') sent += s.framesEncoded ?? 0;
        },
      );
      (await debug.debugPeerConnection(bob.engine, alice.userId)!.getStats()).forEach(
        (s: { type: string; kind?: string; framesDecoded?: number }) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') decoded += s.framesDecoded ?? 0;
        },
      );
      const processor = debug.debugBackgrounds(alice.engine).processor;
      return { sent, decoded, worker: processor?.stats.frames ?? 0, segmentMs: processor?.stats.segmentMs ?? 0, at: performance.now() };
    };
    (window as unknown as Record<string, unknown>).__bg = {
      setMode: async (mode: string) => {
        if (mode === 'off') await alice.engine.setBlurBackground(0);
        else if (mode === 'blur') await alice.engine.setBlurBackground(3);
        else await alice.engine.setVirtualBackground(image);
      },
      counters,
    };
  });
  const pid = process.pid;
  type Counters = { sent: number; decoded: number; worker: number; segmentMs: number; at: number };
  const counters = () => page.evaluate(() => (window as unknown as { __bg: { counters(): Promise<Counters> } }).__bg.counters());
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 ? [...MODES].reverse() : MODES) {
      await page.evaluate((m) => (window as unknown as { __bg: { setMode(m: string): Promise<void> } }).__bg.setMode(m), mode);
      await new Promise((r) => setTimeout(r, WARMUP * 1000));
      const c0 = await counters();
      const cpu0 = treeCpuSeconds(pid);
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      const c1 = await counters();
      const cpu1 = treeCpuSeconds(pid);
      const wall = (performance.now() - t0) / 1000;
      const span = (c1.at - c0.at) / 1000;
      const workerFrames = c1.worker >= c0.worker ? c1.worker - c0.worker : c1.worker;
      samples.push({
        mode,
        cpuPercent: ((cpu1 - cpu0) / wall) * 100,
        sentFps: (c1.sent - c0.sent) / span,
        decodedFps: (c1.decoded - c0.decoded) / span,
        workerFps: mode === 'off' ? 0 : workerFrames / span,
        segmentMsPerFrame: workerFrames > 0 ? (c1.segmentMs - (c1.worker >= c0.worker ? c0.segmentMs : 0)) / workerFrames : 0,
      });
      console.log(`round ${round + 1} ${mode}: ${JSON.stringify(samples[samples.length - 1])}`);
    }
  }
} finally {
  await browser.close();
  await demo.close();
}

const rows = MODES.map((mode) => {
  const of = samples.filter((s) => s.mode === mode);
  const m = (k: keyof Omit<Sample, 'mode'>) => median(of.map((s) => s[k]));
  return {
    mode,
    cpuPercent: m('cpuPercent'),
    sentFps: m('sentFps'),
    decodedFps: m('decodedFps'),
    workerFps: m('workerFps'),
    segmentMs: m('segmentMsPerFrame'),
  };
});
const table = printTable(
  `Backgrounds: 1v1 video call in one Chromium page, 640x480 fake camera (${ROUNDS} rounds x ${SECONDS} s per mode, medians)`,
  ['mode', 'browser CPU (% of one core)', 'sent fps (alice)', 'decoded fps (bob)', 'worker fps', 'model ms / frame'],
  rows.map((r) => [
    r.mode,
    fmt(r.cpuPercent),
    fmt(r.sentFps),
    fmt(r.decodedFps),
    r.mode === 'off' ? '-' : fmt(r.workerFps),
    r.mode === 'off' ? '-' : fmt(r.segmentMs),
  ]),
);
writeResult('backgrounds', { seconds: SECONDS, rounds: ROUNDS, rows, samples }, table);
