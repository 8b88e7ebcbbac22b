/**
 * A 1v1 video call between two Chromium browsers in the two network namespaces of `netns.ts`,
 * through the real demo server (in the root namespace), for the weak-network test and benchmark
 * (issue 20): open the pair, connect the call, read what each side receives and what its tile says.
 */
import { chromium, type Browser, type Page } from 'playwright';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { dial, openUser, until, waitStatus, type Demo } from './harness.js';
import type { Side, Topology } from './netns.js';

export interface NsPair {
  alice: Page;
  bob: Page;
  aliceId: string;
  bobId: string;
  browsers: Browser[];
}

/** The demo as a browser in `side`'s namespace reaches it (the root namespace's address on its link). */
const demoFor = (demo: Demo, side: Side): Demo => ({
  url: `http://${side.hostAddress}:${new URL(demo.url).port}`,
  close: async () => undefined,
});

/** How the pair's browsers capture (the benchmark lowers both to keep CPU off the critical path). */
export interface PairOptions {
  /** The fake camera's frame rate (Chromium's `--use-fake-device-for-media-stream=fps=N`); default its own (20). */
  fakeFps?: number;
  /** `callKit.setVideoResolution` on both pages before the call; default the kit's (720p). */
  resolution?: '480p' | '720p' | '1080p';
}

async function openIn(
  topo: Topology,
  demo: Demo,
  side: Side,
  user: string,
  tuning: boolean,
  opts: PairOptions,
): Promise<{ page: Page; browser: Browser }> {
  const at = demoFor(demo, side);
  const fake = '--use-fake-device-for-media-stream';
  const browser = await chromium.launch({
    executablePath: topo.wrapper(side, chromiumPath()),
    headless: true,
    args: [
      ...chromiumArgs.map((a) => (a === fake && opts.fakeFps ? `${fake}=fps=${opts.fakeFps}` : a)),
      // getUserMedia needs a secure context: the page is served over plain http from a private address.
      `--unsafely-treat-insecure-origin-as-secure=${at.url}`,
      // Host candidates as real addresses (the veth), not mDNS names.
      '--disable-features=WebRtcHideLocalIpsWithMdns',
    ],
  });
  try {
    // The demo page reads `tuning=off` next to `user` (init({ mediaTuning: false })).
    const page = await openUser(await browser.newContext(), at, tuning ? user : `${user}&tuning=off`);
    if (opts.resolution) await page.evaluate((r) => window.callKit.setVideoResolution(r), opts.resolution);
    return { page, browser };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/**
 * Opens alice in namespace a and bob in namespace b (new browsers), `tuning` false: both pages run
 * the default engine with `mediaTuning: false` (Chromium's defaults).
 */
export async function openNsPair(topo: Topology, demo: Demo, tag: string, tuning = true, opts: PairOptions = {}): Promise<NsPair> {
  const a = await openIn(topo, demo, topo.a, `${tag}a_${process.pid}`, tuning, opts);
  let b: { page: Page; browser: Browser };
  try {
    b = await openIn(topo, demo, topo.b, `${tag}b_${process.pid}`, tuning, opts);
  } catch (error) {
    await a.browser.close();
    throw error;
  }
  const idOf = (page: Page) => page.evaluate(() => window.callKit.store.getState().self.userId);
  return { alice: a.page, bob: b.page, aliceId: await idOf(a.page), bobId: await idOf(b.page), browsers: [a.browser, b.browser] };
}

export async function closeNsPair(p: NsPair): Promise<void> {
  for (const browser of p.browsers) await browser.close().catch(() => undefined);
}

/** alice calls bob (video), bob accepts; resolves once both sides decode video and hear audio. */
export async function connectNsCall(p: NsPair): Promise<void> {
  await dial(p.alice, p.bobId);
  await p.bob.getByRole('alertdialog').waitFor({ timeout: 20_000 });
  await p.bob.getByRole('button', { name: 'Accept', exact: true }).click();
  await waitStatus(p.bob, 'connected', 20_000);
  await waitStatus(p.alice, 'connected', 20_000);
  await until(
    async () => {
      const [a, b] = await Promise.all([received(p.alice, p.bobId), received(p.bob, p.aliceId)]);
      return a.framesDecoded > 0 && b.framesDecoded > 0 && a.totalSamplesReceived > 0 && b.totalSamplesReceived > 0;
    },
    'video and audio flow both ways',
    30_000,
  );
}

/** Cumulative receive figures of one page from one remote member (its inbound-rtp stats). */
export interface Received {
  at: number;
  concealedSamples: number;
  totalSamplesReceived: number;
  audioPacketsLost: number;
  audioPacketsReceived: number;
  framesDecoded: number;
  freezeCount: number;
  totalFreezesDuration: number;
  frameWidth: number;
  frameHeight: number;
  /** Where the page's own sender stands: its encoder output and parameters (for the report). */
  sentHeight: number;
  sentFps: number;
  availableOutgoingBitrate: number;
  /** Seconds this page's video encoder has been held back by CPU (`qualityLimitationDurations.cpu`). */
  cpuLimitedS: number;
  /** The video sender's `maxBitrate` (0: none set). */
  sentMaxBitrate: number;
  /** Key frames this page's video encoder produced, and the picture-loss requests it received. */
  keyFramesSent: number;
  pliReceived: number;
  /** Why this page's video encoder sends less than asked right now (`qualityLimitationReason`). */
  limitation: string;
  /** The codec this page SENDS its audio as (the first negotiated). */
  audioCodec: string;
}

/** Reads {@link Received} from the engine's connection toward `remote` (zeros while there is none). */
export function received(page: Page, remote: string): Promise<Received> {
  return page.evaluate(async (id) => {
    const debug = (window.callKit.engine as unknown as Record<symbol, { peerConnection(id: string): RTCPeerConnection | null }>)[
      Symbol.for('callkit-elements.webrtc-engine.debug')
    ];
    const out = {
      at: Date.now(),
      concealedSamples: 0,
      totalSamplesReceived: 0,
      audioPacketsLost: 0,
      audioPacketsReceived: 0,
      framesDecoded: 0,
      freezeCount: 0,
      totalFreezesDuration: 0,
      frameWidth: 0,
      frameHeight: 0,
      sentHeight: 0,
      sentFps: 0,
      availableOutgoingBitrate: 0,
      cpuLimitedS: 0,
      sentMaxBitrate: 0,
      keyFramesSent: 0,
      pliReceived: 0,
      limitation: '',
      audioCodec: '',
    };
    const pc = debug.peerConnection(id);
    if (!pc) return out;
    // The codec our audio goes out as: the first one negotiated (RED when the kit's tuning is on).
    const audioSender = pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio')?.sender;
    out.audioCodec = audioSender?.getParameters().codecs[0]?.mimeType ?? '';
    const videoSender = pc.getTransceivers().find((t) => t.receiver.track.kind === 'video')?.sender;
    out.sentMaxBitrate = videoSender?.getParameters().encodings[0]?.maxBitrate ?? 0;
    const report = await pc.getStats();
    const byId = new Map<string, Record<string, unknown>>();
    report.forEach((s: Record<string, unknown>) => byId.set(String(s.id), s));
    for (const s of byId.values()) {
      // (No named helper in here: the test transpiler would wrap it in a `__name` call the page lacks.)
      const [
        concealedSamples,
        totalSamplesReceived,
        packetsLost,
        packetsReceived,
        framesDecoded,
        freezeCount,
        totalFreezesDuration,
        frameWidth,
        frameHeight,
        framesPerSecond,
      ] = [
        'concealedSamples',
        'totalSamplesReceived',
        'packetsLost',
        'packetsReceived',
        'framesDecoded',
        'freezeCount',
        'totalFreezesDuration',
        'frameWidth',
        'frameHeight',
        'framesPerSecond',
      ].map((k) => Number(s[k] ?? 0));
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        out.concealedSamples += concealedSamples;
        out.totalSamplesReceived += totalSamplesReceived;
        out.audioPacketsLost += packetsLost;
        out.audioPacketsReceived += packetsReceived;
      } else if (s.type === 'inbound-rtp' && s.kind === 'video') {
        out.framesDecoded += framesDecoded;
        out.freezeCount += freezeCount;
        out.totalFreezesDuration += totalFreezesDuration;
        out.frameWidth = Math.max(out.frameWidth, frameWidth);
        out.frameHeight = Math.max(out.frameHeight, frameHeight);
      } else if (s.type === 'outbound-rtp' && s.kind === 'video') {
        out.sentHeight = Math.max(out.sentHeight, frameHeight);
        out.sentFps = Math.max(out.sentFps, framesPerSecond);
        out.keyFramesSent += Number(s.keyFramesEncoded ?? 0);
        out.pliReceived += Number(s.pliCount ?? 0);
        out.cpuLimitedS += Number((s.qualityLimitationDurations as Record<string, number> | undefined)?.cpu ?? 0);
        if (s.qualityLimitationReason) out.limitation = String(s.qualityLimitationReason);
      } else if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') {
        out.availableOutgoingBitrate = Number(byId.get(s.selectedCandidatePairId)?.availableOutgoingBitrate ?? 0);
      }
    }
    return out;
  }, remote);
}

/**
 * Pauses (false) or resumes (true) the video `page` sends to `remote`: the sent track disabled, so
 * its encoder idles on black frames. The benchmark pauses the call it is not measuring, so only
 * one call's encoders and decoders compete for the cores at a time.
 */
export function setVideoSending(page: Page, remote: string, on: boolean): Promise<void> {
  return page.evaluate(
    ([id, enabled]) => {
      const debug = (window.callKit.engine as unknown as Record<symbol, { peerConnection(id: string): RTCPeerConnection | null }>)[
        Symbol.for('callkit-elements.webrtc-engine.debug')
      ];
      for (const s of debug.peerConnection(id)?.getSenders() ?? []) if (s.track?.kind === 'video') s.track.enabled = enabled;
    },
    [remote, on] as const,
  );
}

/**
 * Whether the tile showing `remote` on `page` shows the poor-network indicator (its
 * `:state(poor-network)`, and the indicator element in its shadow root). A string, so no bundler
 * helper can leak into the page.
 */
export function tilePoor(page: Page, remote: string): Promise<boolean> {
  return page.evaluate(`(() => {
    const tiles = [];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.localName === 'participant-tile') tiles.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    const mine = tiles.filter((t) => t.shownMember && t.shownMember.userId === ${JSON.stringify(remote)});
    return mine.length > 0 && mine.every((t) => t.matches(':state(poor-network)') && Boolean(t.shadowRoot.querySelector('[part~=network]')));
  })()`);
}
