/**
 * Does a third (middle) simulcast layer pay for itself on a 2-core machine? (issue 15) A small
 * experiment, not the call: one Chromium sends its fake 720p camera to another Chromium (two
 * browsers, so each one's CPU is its own process tree), one RTCPeerConnection per layer (libwebrtc
 * runs one encoder per simulcast layer, so N single-layer senders cost what N layers cost).
 * - sender cost of the layer sets the SFU upload would use: [1, 1/4] (2 layers) and [1, 1/2, 1/4];
 * - receiver cost of one tile's stream at the high layer (1280x720) and at a middle one (640x360),
 *   which is what a middle layer saves each receiver whose tile is between the two.
 * CPU: utime + stime of each browser's process tree over the window (BENCH_SECONDS, default 20).
 */
import { chromium, type BrowserServer, type Page } from 'playwright';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const TICK_HZ = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function treeTicks(root: number): number {
  const table = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // gone meanwhile
    }
  }
  let ticks = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    ticks += table.get(pid)?.ticks ?? 0;
    for (const [child, p] of table) if (p.ppid === pid) stack.push(child);
  }
  return ticks;
}

const BITRATE: Record<number, number | undefined> = { 1: undefined, 2: 500_000, 4: 150_000 };

/** Connects `scales.length` senders in `tx` to receivers in `rx` (non-trickle ICE); returns when every receiver decodes. */
async function connect(tx: Page, rx: Page, scales: number[]): Promise<void> {
  await tx.evaluate(`(async () => {
    const cam = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720, frameRate: 30 } });
    window.__pcs = [];
    for (const s of ${JSON.stringify(scales)}) {
      const pc = new RTCPeerConnection();
      const enc = { scaleResolutionDownBy: s };
      const max = ${JSON.stringify(BITRATE)}[s];
      if (max) enc.maxBitrate = max;
      pc.addTransceiver(cam.getVideoTracks()[0], { direction: 'sendonly', sendEncodings: [enc] });
      window.__pcs.push(pc);
    }
  })()`);
  for (let i = 0; i < scales.length; i++) {
    const offer = await tx.evaluate(`(async () => {
      const pc = window.__pcs[${i}];
      await pc.setLocalDescription();
      await new Promise((r) => (pc.iceGatheringState === 'complete' ? r() : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r())));
      return pc.localDescription.sdp;
    })()`);
    const answer = await rx.evaluate(`(async () => {
      window.__pcs = window.__pcs || [];
      const pc = new RTCPeerConnection();
      window.__pcs.push(pc);
      pc.ontrack = (e) => { const v = document.createElement('video'); v.muted = true; v.autoplay = true; v.srcObject = new MediaStream([e.track]); document.body.append(v); };
      await pc.setRemoteDescription({ type: 'offer', sdp: ${JSON.stringify(offer)} });
      await pc.setLocalDescription();
      await new Promise((r) => (pc.iceGatheringState === 'complete' ? r() : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r())));
      return pc.localDescription.sdp;
    })()`);
    await tx.evaluate(`window.__pcs[${i}].setRemoteDescription({ type: 'answer', sdp: ${JSON.stringify(answer)} })`);
  }
  await rx.waitForFunction(
    `(async () => {
    let n = 0;
    for (const pc of window.__pcs) (await pc.getStats()).forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'video' && r.framesDecoded > 30) n++; });
    return n === ${scales.length};
  })()`,
    undefined,
    { timeout: 120_000, polling: 500 },
  );
}

async function widths(page: Page, type: 'outbound-rtp' | 'inbound-rtp'): Promise<number[]> {
  return (await page.evaluate(`(async () => {
    const out = [];
    for (const pc of window.__pcs) (await pc.getStats()).forEach((r) => { if (r.type === '${type}' && r.kind === 'video') out.push(r.frameWidth ?? 0); });
    return out;
  })()`)) as number[];
}

async function run(scales: number[]): Promise<{ scales: number[]; sent: number[]; received: number[]; tx: number; rx: number }> {
  const servers: BrowserServer[] = [
    await chromium.launchServer({ executablePath: chromiumPath(), args: chromiumArgs }),
    await chromium.launchServer({ executablePath: chromiumPath(), args: chromiumArgs }),
  ];
  try {
    const [tx, rx] = await Promise.all(servers.map(async (s) => (await (await chromium.connect(s.wsEndpoint())).newContext()).newPage()));
    for (const page of [tx, rx]) await page.goto(origin); // a secure context (localhost): getUserMedia
    await connect(tx, rx, scales);
    await new Promise((r) => setTimeout(r, 5000)); // bitrate ramp-up
    const t0 = [treeTicks(servers[0].process().pid!), treeTicks(servers[1].process().pid!)];
    const start = Date.now();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const s = (Date.now() - start) / 1000;
    const t1 = [treeTicks(servers[0].process().pid!), treeTicks(servers[1].process().pid!)];
    return {
      scales,
      sent: await widths(tx, 'outbound-rtp'),
      received: await widths(rx, 'inbound-rtp'),
      tx: (t1[0] - t0[0]) / TICK_HZ / s,
      rx: (t1[1] - t0[1]) / TICK_HZ / s,
    };
  } finally {
    for (const s of servers) await s.close();
  }
}

// An empty page on localhost: getUserMedia needs a secure context.
const http = createServer((_, res) => res.end('<!doctype html><title>layers</title>'));
await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
const address = http.address();
const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
const rows = [];
for (const scales of [[1, 4], [1, 2, 4], [1], [2]]) {
  const r = await run(scales);
  rows.push(r);
  console.log(
    `layers ${JSON.stringify(r.scales)}: sent widths ${r.sent.join('/')}, sender ${r.tx.toFixed(3)} cores, receiver ${r.rx.toFixed(3)} cores (received ${r.received.join('/')}); load ${loadavg()[0].toFixed(1)}`,
  );
}
const [two, three, high, mid] = rows;
console.log(
  `middle layer: +${(three.tx - two.tx).toFixed(3)} cores per sender (+${(((three.tx - two.tx) / two.tx) * 100).toFixed(0)}%); a tile at 640 instead of 1280 saves ${(high.rx - mid.rx).toFixed(3)} cores per receiver per tile`,
);
http.close();
