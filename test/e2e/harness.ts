/**
 * End-to-end harness: the real demo (Vite dev server + signaling server mounted by the same plugin
 * `npm start` uses) and real Chromium pages with fake camera and microphone.
 */
import { after, before } from 'node:test';
import { createServer, type ViteDevServer } from 'vite';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Demo {
  url: string;
  close(): Promise<void>;
}

export interface DemoOptions {
  /** Shortens the server's ring timeout (CALLKIT_RING_TIMEOUT_S). */
  ringTimeoutS?: number;
  /** Reconnect grace period of the server, ms (CALLKIT_GRACE_MS). */
  graceMs?: number;
  /** Server heartbeat, ms (CALLKIT_PING_INTERVAL_MS / CALLKIT_PING_TIMEOUT_MS). */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** A fixed port (to restart a server on the same address); default a free one. */
  port?: number;
  /** A fixed userSig secret (CALLKIT_SECRET), so a restarted server accepts the pages' userSigs. */
  secret?: string;
  /** `false` turns the server's rate limits off (CALLKIT_RATE_LIMITS): churn runs make more than 10 invites a minute. */
  rateLimits?: false;
  /** Serve the registry counts on GET /ck/stats (CALLKIT_STATS), read with {@link serverStats}. */
  stats?: boolean;
  /** Address the dev server binds (default 127.0.0.1); '0.0.0.0' serves browsers in other network namespaces. */
  host?: string;
  /** Keep call records (an in-memory database, CALLKIT_DATABASE_URL); default off, so other suites load no database. */
  records?: boolean;
  /** TURN for the server to hand out (CALLKIT_TURN_URL, CALLKIT_TURN_SECRET, CALLKIT_TURN_TTL, CALLKIT_TURN_RELAY_ONLY). */
  turnUrl?: string;
  turnSecret?: string;
  turnTtl?: number;
  turnRelayOnly?: '1';
  /** Group video through the SFU (CALLKIT_SFU): default `never` here, so other suites start no Janus. */
  sfu?: 'auto' | 'always' | 'never';
  /** An existing Janus for the SFU (CALLKIT_JANUS_URL), e.g. `startTestJanus().url`; without it the demo starts its own. */
  janusUrl?: string;
  /** Another Vite config that mounts the same server plugin (e.g. examples/vite.config.ts); default the demo's. */
  configFile?: string;
}

const DEMO_ENV: Record<string, keyof DemoOptions> = {
  CALLKIT_RING_TIMEOUT_S: 'ringTimeoutS',
  CALLKIT_GRACE_MS: 'graceMs',
  CALLKIT_PING_INTERVAL_MS: 'pingIntervalMs',
  CALLKIT_PING_TIMEOUT_MS: 'pingTimeoutMs',
  CALLKIT_SECRET: 'secret',
  CALLKIT_RATE_LIMITS: 'rateLimits',
  CALLKIT_STATS: 'stats',
  CALLKIT_DATABASE_URL: 'records',
  CALLKIT_TURN_URL: 'turnUrl',
  CALLKIT_TURN_SECRET: 'turnSecret',
  CALLKIT_TURN_TTL: 'turnTtl',
  CALLKIT_TURN_RELAY_ONLY: 'turnRelayOnly',
  CALLKIT_SFU: 'sfu',
  CALLKIT_JANUS_URL: 'janusUrl',
};

/** Starts the demo (on a free port unless `port`), with the server timers `options` scale down. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const previous: Record<string, string | undefined> = {};
  for (const [name, key] of Object.entries(DEMO_ENV)) {
    previous[name] = process.env[name];
    if (key === 'records') process.env[name] = options.records ? 'memory://' : 'off';
    else if (key === 'sfu') process.env[name] = options.sfu ?? 'never';
    else if (options[key] !== undefined) process.env[name] = String(options[key]);
    else delete process.env[name];
  }
  let server: ViteDevServer;
  try {
    server = await createServer({
      root,
      configFile: options.configFile ?? `${root}/vite.config.ts`,
      logLevel: 'warn',
      server: { port: options.port ?? 0, strictPort: options.port !== undefined, host: options.host ?? '127.0.0.1', hmr: false },
    });
    await server.listen();
  } finally {
    for (const name of Object.keys(DEMO_ENV)) {
      if (previous[name] === undefined) delete process.env[name];
      else process.env[name] = previous[name];
    }
  }
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('demo server did not listen');
  return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

/** The signaling registry counts of a demo started with `stats: true`. */
export async function serverStats(demo: Demo): Promise<{ sockets: number; users: number; calls: number; timers: number }> {
  const res = await fetch(`${demo.url}/ck/stats`);
  if (!res.ok) throw new Error(`GET /ck/stats: HTTP ${res.status} (start the demo with stats: true)`);
  return (await res.json()) as { sockets: number; users: number; calls: number; timers: number };
}

/**
 * A demo (server + page) and a Chromium shared by one test file's tests: started in `before`, closed
 * in `after` (also when a test failed). Read `env.demo` / `env.browser` inside the tests.
 */
export function useDemo(options: DemoOptions = {}): { readonly demo: Demo; readonly browser: Browser } {
  const env = {} as { demo: Demo; browser: Browser };
  before(async () => {
    env.demo = await startDemo(options);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.demo?.close();
  });
  return env;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
}

/**
 * Records every RTCPeerConnection and every getUserMedia track a page creates, so tests can read
 * media statistics and prove nothing is left live, whatever the engine does inside. A connection
 * closed in the same task it was made in is the engine's capability probe (`CallMedia.probePeer`,
 * made before each call is placed or accepted): it carries no media and is not recorded.
 */
export const instrument = () => {
  const w = window as unknown as { __pcs: RTCPeerConnection[]; __tracks: MediaStreamTrack[] };
  w.__pcs = [];
  w.__tracks = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    #newborn = true;
    constructor(config?: RTCConfiguration) {
      super(config);
      w.__pcs.push(this);
      queueMicrotask(() => (this.#newborn = false));
    }
    override close(): void {
      if (this.#newborn) w.__pcs.splice(w.__pcs.indexOf(this), 1);
      super.close();
    }
  } as typeof RTCPeerConnection;
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await gum(constraints);
    w.__tracks.push(...stream.getTracks());
    return stream;
  };
};

/** Opens the demo logged in as `user`; `query` adds demo options (e.g. `preconnect=1`). */
export async function openUser(context: BrowserContext, demo: Demo, user: string, query = ''): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${user}] page error:`, error));
  if (process.env.E2E_DEBUG) page.on('console', (m) => console.log(`[${user}] ${m.type()}: ${m.text()}`));
  await page.addInitScript(instrument);
  await page.goto(`${demo.url}/?user=${user}${query ? `&${query}` : ''}`);
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
  await until(
    async () => {
      const s = await mediaStats(page);
      return s.audioBytesReceived > 0 && (!video || s.framesDecoded > 0);
    },
    `${who} receives media`,
    15_000,
    () => describeConnections(page),
  );
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
/** The callee accepts through `window.callKit` once its store rings, and waits until it is connected. */
export async function acceptWhenRinging(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const s = window.callKit.store.getState();
      return s.status === 'calling' && s.role === 'callee';
    },
    null,
    { timeout },
  );
  await page.evaluate(() => window.callKit.accept());
  await waitStatus(page, 'connected', timeout);
}

export async function dial(page: Page, callee: string, type: 'video' | 'audio' = 'video'): Promise<void> {
  await page.fill('#callee', callee);
  await page.selectOption('#call-type', type === 'video' ? '2' : '1');
  await page.click('#call-button');
  await waitStatus(page, 'calling');
}

/** What one page receives from (and sends to) one remote member, over that member's own connection. */
export interface PeerStats {
  /** `connectionState` of the connection, or 'none' when the engine has no connection to them. */
  connection: RTCPeerConnectionState | 'none';
  framesDecoded: number;
  audioBytesReceived: number;
  /** Height of the video we send them (after `scaleResolutionDownBy`), 0 when none. */
  sentFrameHeight: number;
  /** Encoding parameters of our video sender toward them (the mesh caps). */
  videoEncoding: { maxBitrate?: number; scaleResolutionDownBy?: number; maxFramerate?: number } | null;
}

/**
 * Stats per remote member, read from the RTCPeerConnection the default engine keeps for each one
 * (`debugPeerConnection(engine, userId)`, `src/engine/webrtc/debug.ts`): proves media flows between every pair of a mesh.
 */
export async function peerStats(page: Page, userIds: readonly string[]): Promise<Record<string, PeerStats>> {
  return page.evaluate(async (ids) => {
    const engine = window.callKit.engine as unknown as Record<
      symbol,
      { peerConnection(id: string): RTCPeerConnection | null } | undefined
    > | null;
    const debug = engine?.[Symbol.for('callkit-elements.webrtc-engine.debug')];
    const out: Record<string, PeerStats> = {};
    for (const id of ids) {
      const pc = debug?.peerConnection(id) ?? null;
      const row: PeerStats = {
        connection: pc?.connectionState ?? 'none',
        framesDecoded: 0,
        audioBytesReceived: 0,
        sentFrameHeight: 0,
        videoEncoding: null,
      };
      if (pc) {
        const report = await pc.getStats();
        report.forEach((s: { type: string; kind?: string; framesDecoded?: number; bytesReceived?: number; frameHeight?: number }) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') row.framesDecoded += s.framesDecoded ?? 0;
          if (s.type === 'inbound-rtp' && s.kind === 'audio') row.audioBytesReceived += s.bytesReceived ?? 0;
          if (s.type === 'outbound-rtp' && s.kind === 'video') row.sentFrameHeight = Math.max(row.sentFrameHeight, s.frameHeight ?? 0);
        });
        const sender = pc.getSenders().find((s) => s.track?.kind === 'video');
        const enc = sender?.getParameters().encodings?.[0];
        if (enc)
          row.videoEncoding = {
            maxBitrate: enc.maxBitrate,
            scaleResolutionDownBy: enc.scaleResolutionDownBy,
            maxFramerate: enc.maxFramerate,
          };
      }
      out[id] = row;
    }
    return out;
  }, userIds);
}

/**
 * `page` receives audio (and video frames, if `video`) from each of `from` over their own
 * connection, and keeps receiving (the counters rise again).
 */
export async function assertReceivingFrom(page: Page, who: string, from: readonly string[], video = true, timeout = 15_000): Promise<void> {
  const flowing = (s: Record<string, PeerStats>, base?: Record<string, PeerStats>) =>
    from.every((id) => {
      const row = s[id];
      const was = base?.[id];
      return (
        row.connection === 'connected' &&
        row.audioBytesReceived > (was?.audioBytesReceived ?? 0) &&
        (!video || row.framesDecoded > (was?.framesDecoded ?? 0))
      );
    });
  await until(
    async () => flowing(await peerStats(page, from)),
    `${who} receives media from ${from.join(', ')}`,
    timeout,
    () => peerStats(page, from),
  );
  const first = await peerStats(page, from);
  await until(
    async () => flowing(await peerStats(page, from), first),
    `${who}'s media from ${from.join(', ')} keeps rising`,
    timeout,
    () => peerStats(page, from),
  );
}
