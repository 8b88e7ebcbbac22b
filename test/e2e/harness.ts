/**
 * End-to-end harness: the real demo (Vite dev server + signaling server mounted by the same plugin
 * `npm start` uses) and real Chromium pages with fake camera and microphone.
 */
import { createServer, type ViteDevServer } from 'vite';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Demo {
  url: string;
  close(): Promise<void>;
}

/** Starts the demo on a free port. `ringTimeoutS` shortens the server's ring timeout. */
export async function startDemo(options: { ringTimeoutS?: number } = {}): Promise<Demo> {
  const previous = process.env.CALLKIT_RING_TIMEOUT_S;
  if (options.ringTimeoutS !== undefined) process.env.CALLKIT_RING_TIMEOUT_S = String(options.ringTimeoutS);
  else delete process.env.CALLKIT_RING_TIMEOUT_S;
  let server: ViteDevServer;
  try {
    server = await createServer({
      root,
      configFile: `${root}/vite.config.ts`,
      logLevel: 'warn',
      server: { port: 0, strictPort: false, host: '127.0.0.1', hmr: false },
    });
    await server.listen();
  } finally {
    if (previous === undefined) delete process.env.CALLKIT_RING_TIMEOUT_S;
    else process.env.CALLKIT_RING_TIMEOUT_S = previous;
  }
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('demo server did not listen');
  return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
}

/**
 * Records every RTCPeerConnection and every getUserMedia track a page creates, so tests can read
 * media statistics and prove nothing is left live, whatever the engine does inside.
 */
const instrument = () => {
  const w = window as unknown as { __pcs: RTCPeerConnection[]; __tracks: MediaStreamTrack[] };
  w.__pcs = [];
  w.__tracks = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      w.__pcs.push(this);
    }
  } as typeof RTCPeerConnection;
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await gum(constraints);
    w.__tracks.push(...stream.getTracks());
    return stream;
  };
};

export async function openUser(context: BrowserContext, demo: Demo, user: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${user}] page error:`, error));
  if (process.env.E2E_DEBUG) page.on('console', (m) => console.log(`[${user}] ${m.type()}: ${m.text()}`));
  await page.addInitScript(instrument);
  await page.goto(`${demo.url}/?user=${user}`);
  await page.waitForFunction(() => window.callKit?.store.getState().loggedIn === true, null, { timeout: 20_000 });
  return page;
}

export type Status = 'idle' | 'calling' | 'connected';

export async function waitStatus(page: Page, status: Status, timeout = 15_000): Promise<void> {
  await page.waitForFunction((s) => window.callKit.store.getState().status === s, status, { timeout });
}

export interface MediaStats {
  pcs: number;
  openPcs: number;
  framesDecoded: number;
  audioBytesReceived: number;
  liveTracks: number;
}

/** Sums inbound video frames decoded and audio bytes received over the page's open connections. */
export async function mediaStats(page: Page): Promise<MediaStats> {
  return page.evaluate(async () => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __tracks: MediaStreamTrack[] };
    let framesDecoded = 0;
    let audioBytesReceived = 0;
    const open = w.__pcs.filter((pc) => pc.connectionState !== 'closed');
    for (const pc of open) {
      const report = await pc.getStats();
      report.forEach((s: { type: string; kind?: string; framesDecoded?: number; bytesReceived?: number }) => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video') framesDecoded += s.framesDecoded ?? 0;
        if (s.kind === 'audio') audioBytesReceived += s.bytesReceived ?? 0;
      });
    }
    return {
      pcs: w.__pcs.length,
      openPcs: open.length,
      framesDecoded,
      audioBytesReceived,
      liveTracks: w.__tracks.filter((t) => t.readyState === 'live').length,
    };
  });
}

/** Polls `check` until it returns true, or fails with `message` after `timeout` ms. */
export async function until(
  check: () => Promise<boolean> | boolean,
  message: string,
  timeout = 15_000,
  explain?: () => Promise<unknown>,
): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) {
      const why = explain ? ` (${JSON.stringify(await explain().catch((e: Error) => e.message))})` : '';
      throw new Error(`timed out: ${message}${why}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Peer connection states and stats, for failure messages. */
export async function describeConnections(page: Page): Promise<unknown> {
  const stats = await mediaStats(page);
  const pcs = await page.evaluate(() =>
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((pc) => ({
      connection: pc.connectionState,
      signaling: pc.signalingState,
      ice: pc.iceConnectionState,
      gathering: pc.iceGatheringState,
      localCandidates: (pc.localDescription?.sdp.match(/a=candidate/g) ?? []).length,
      remoteCandidates: (pc.remoteDescription?.sdp.match(/a=candidate/g) ?? []).length,
      transceivers: pc.getTransceivers().map((t) => `${t.receiver.track.kind}:${t.currentDirection}`),
    })),
  );
  return { stats, pcs };
}

/** Media flows into `page`: video frames decoded (if `video`) and audio bytes rising. */
export async function assertReceivingMedia(page: Page, who: string, video = true): Promise<void> {
  await until(async () => {
    const s = await mediaStats(page);
    return s.audioBytesReceived > 0 && (!video || s.framesDecoded > 0);
  }, `${who} receives media`, 15_000, () => describeConnections(page));
  const first = await mediaStats(page);
  await until(async () => {
    const s = await mediaStats(page);
    return s.audioBytesReceived > first.audioBytesReceived && (!video || s.framesDecoded > first.framesDecoded);
  }, `${who}'s received media keeps rising`);
}

/** Nothing is left live: no open peer connection, no live capture track. */
export async function assertReleased(page: Page, who: string): Promise<void> {
  await until(async () => {
    const s = await mediaStats(page);
    return s.openPcs === 0 && s.liveTracks === 0;
  }, `${who} released every peer connection and track`);
}

/** The kit events the demo page logged (`window.demoLog`). */
export async function lastCallEnded(page: Page): Promise<{ cause: string; reason: number } | undefined> {
  return page.evaluate(() => {
    const ended = window.demoLog.filter((e) => e.type === 'ck-call-ended');
    return ended.at(-1)?.detail as { cause: string; reason: number } | undefined;
  });
}

/** Starts a call from the demo page's own form, as a user would. */
export async function dial(page: Page, callee: string, type: 'video' | 'audio' = 'video'): Promise<void> {
  await page.fill('#callee', callee);
  await page.selectOption('#call-type', type === 'video' ? '2' : '1');
  await page.click('#call-button');
  await waitStatus(page, 'calling');
}
