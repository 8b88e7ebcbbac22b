/**
 * The server's Janus module against a real Janus and real Chromium peers, without the kit: each
 * page publishes one upload RTCPeerConnection through `SfuRoom.publish` and receives every other
 * member on one subscriber RTCPeerConnection whose offers come from `onSubscriberOffer`. Proves the
 * relay (offer/answer both ways, trickle, multistream mids -> user ids), a member leaving, and
 * that a Janus crash is reported.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import type { Jsep } from 'janode';
import { JanusSfu, SfuRoom, type SfuStream } from '../../server/sfu/janus-sfu.js';
import type { JanusInstance } from '../../server/sfu/janus-process.js';
import { startTestJanus } from '../helpers/janus.js';
import { launchBrowser } from './harness.js';

/** Polls `check` until it returns a value (state, not time: the timeout is only a safety net). */
async function until<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeout: number,
  what = 'condition',
  explain?: () => Promise<unknown>,
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const why = explain ? ` (${JSON.stringify(await explain().catch((e: Error) => e.message))})` : '';
      throw new Error(`timed out waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

let janus: JanusInstance;
let sfu: JanusSfu;
let browser: Browser;

before(async () => {
  janus = await startTestJanus();
  sfu = await JanusSfu.connect(janus.url);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await sfu?.close();
  await janus?.stop();
});

/** Page side: one publisher PC (small fake camera + mic) and one subscriber PC. */
const pageSetup = () => {
  const w = window as unknown as Record<string, unknown>;
  const candidates: { pc: 'pub' | 'sub'; candidate: RTCIceCandidateInit | null }[] = [];
  const pub = new RTCPeerConnection();
  const sub = new RTCPeerConnection();
  const mids = new Map<string, string>();
  pub.onicecandidate = (e) => candidates.push({ pc: 'pub', candidate: e.candidate ? e.candidate.toJSON() : null });
  sub.onicecandidate = (e) => candidates.push({ pc: 'sub', candidate: e.candidate ? e.candidate.toJSON() : null });
  w.__sfu = {
    pub,
    sub,
    mids,
    candidates,
    async offer(simulcast = false) {
      const size = simulcast ? { width: 640, height: 480 } : { width: 160, height: 120 };
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { ...size, frameRate: 10 } });
      for (const track of stream.getTracks()) {
        // Simulcast as janus.js sends it: rids from the highest layer down.
        const sendEncodings =
          simulcast && track.kind === 'video'
            ? [
                { rid: 'h', maxBitrate: 700_000 },
                { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: 120_000 },
              ]
            : undefined;
        pub.addTransceiver(track, { direction: 'sendonly', ...(sendEncodings ? { sendEncodings } : {}) });
      }
      await pub.setLocalDescription();
      return { type: 'offer', sdp: pub.localDescription?.sdp ?? '' };
    },
    async publishAnswer(answer: RTCSessionDescriptionInit) {
      await pub.setRemoteDescription(answer);
    },
    async subscribe(offer: RTCSessionDescriptionInit, streams: { mid: string; userId: string }[]) {
      for (const s of streams) mids.set(s.mid, s.userId);
      await sub.setRemoteDescription(offer);
      await sub.setLocalDescription();
      return { type: 'answer', sdp: sub.localDescription?.sdp ?? '' };
    },
    async decoded() {
      const out: Record<string, number> = {};
      const stats = await sub.getStats();
      stats.forEach((r: { type: string; kind?: string; mid?: string; framesDecoded?: number }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video' && r.mid !== undefined) {
          const user = mids.get(r.mid);
          if (user) out[user] = (out[user] ?? 0) + (r.framesDecoded ?? 0);
        }
      });
      return out;
    },
    /** The frame width of each member's video as last decoded. */
    async widths() {
      const out: Record<string, number> = {};
      const stats = await sub.getStats();
      stats.forEach((r: { type: string; kind?: string; mid?: string; frameWidth?: number }) => {
        const user = r.type === 'inbound-rtp' && r.kind === 'video' && r.mid !== undefined ? mids.get(r.mid) : undefined;
        if (user && r.frameWidth) out[user] = r.frameWidth;
      });
      return out;
    },
  };
};

interface Peer {
  userId: string;
  page: Page;
  streams: SfuStream[];
}

async function join(room: SfuRoom, peers: Map<string, Peer>, userId: string, simulcast = false): Promise<Peer> {
  const page = await (await browser.newContext()).newPage();
  // getUserMedia needs a secure context: a routed http://localhost page is one.
  await page.route('http://localhost/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>sfu</title>' }));
  await page.goto('http://localhost/');
  await page.evaluate(pageSetup);
  const peer: Peer = { userId, page, streams: [] };
  peers.set(userId, peer);
  const offer = (await page.evaluate(
    (sc) => (window as unknown as { __sfu: { offer(simulcast: boolean): Promise<Jsep> } }).__sfu.offer(sc),
    simulcast,
  )) as Jsep;
  const answer = await room.publish(userId, offer);
  await page.evaluate((a) => (window as unknown as { __sfu: { publishAnswer(a: Jsep): Promise<void> } }).__sfu.publishAnswer(a), answer);
  return peer;
}

/** Relays queued browser candidates to Janus (trickle), as the signaling server does. */
async function flushCandidates(room: SfuRoom, peers: Map<string, Peer>): Promise<void> {
  for (const peer of peers.values()) {
    const list = await peer.page.evaluate(() => {
      const s = (window as unknown as { __sfu: { candidates: unknown[] } }).__sfu;
      return s.candidates.splice(0) as {
        pc: 'pub' | 'sub';
        candidate: { candidate: string; sdpMid?: string; sdpMLineIndex?: number } | null;
      }[];
    });
    for (const c of list) await room.trickle(peer.userId, c.pc, c.candidate);
  }
}

async function explain(peer: Peer): Promise<unknown> {
  const pcs = await peer.page.evaluate(() => {
    const s = (window as unknown as { __sfu: { pub: RTCPeerConnection; sub: RTCPeerConnection } }).__sfu;
    return { pub: s.pub.connectionState, sub: s.sub.connectionState, subSignaling: s.sub.signalingState };
  });
  return { pcs, decoded: await decodedFrom(peer), streams: peer.streams };
}

async function decodedFrom(peer: Peer): Promise<Record<string, number>> {
  return peer.page.evaluate(() => (window as unknown as { __sfu: { decoded(): Promise<Record<string, number>> } }).__sfu.decoded());
}

/** Waits until `peer` decodes video from exactly `from` (growing frame counts). */
async function assertDecoding(room: SfuRoom, peers: Map<string, Peer>, peer: Peer, from: string[]): Promise<void> {
  const first = await until(
    async () => {
      await flushCandidates(room, peers);
      const d = await decodedFrom(peer);
      return from.every((u) => (d[u] ?? 0) > 0) ? d : undefined;
    },
    60_000,
    `${peer.userId} decoding ${from.join(', ')}`,
    () => explain(peer),
  );
  await until(async () => {
    await flushCandidates(room, peers);
    const d = await decodedFrom(peer);
    return from.every((u) => (d[u] ?? 0) > (first[u] ?? 0)) ? d : undefined;
  }, 60_000);
  assert.deepEqual(
    peer.streams
      .filter((s) => s.kind === 'video')
      .map((s) => s.userId)
      .sort(),
    [...from].sort(),
    `${peer.userId}'s subscription carries video of ${from.join(', ')}`,
  );
}

/** A room whose subscriber offers are answered by the members' pages (as the signaling server relays them). */
async function relayRoom(peers: Map<string, Peer>, errors: string[]): Promise<SfuRoom> {
  const room: SfuRoom = await sfu.createRoom({
    onSubscriberOffer: (userId, offer, streams) => {
      const peer = peers.get(userId);
      if (!peer) return void errors.push(`offer for unknown ${userId}`);
      peer.streams = streams;
      void peer.page
        .evaluate(
          ([o, s]) =>
            (window as unknown as { __sfu: { subscribe(o: Jsep, s: SfuStream[]): Promise<Jsep> } }).__sfu.subscribe(
              o as Jsep,
              s as SfuStream[],
            ),
          [offer, streams] as const,
        )
        .then((answer) => room.answer(userId, answer as Jsep))
        .catch((err: Error) => errors.push(`${userId}: ${err.message}`));
    },
    onError: (userId, err) => errors.push(`${userId}: ${err.message}`),
  });
  return room;
}

describe('SFU through Janus (server module, real Janus, Chromium peers)', { timeout: 240_000 }, () => {
  test('simulcast: a subscriber gets the layer it asks for (setSubstream), a lower resolution for layer 0', async () => {
    const peers = new Map<string, Peer>();
    const errors: string[] = [];
    const room = await relayRoom(peers, errors);
    try {
      await join(room, peers, 'sim', true);
      const viewer = await join(room, peers, 'viewer');
      await assertDecoding(room, peers, viewer, ['sim']);
      const width = () =>
        viewer.page.evaluate(() => (window as unknown as { __sfu: { widths(): Promise<Record<string, number>> } }).__sfu.widths());
      const layer = async (substream: number, ok: (w: number) => boolean, what: string) => {
        assert.equal(await room.setSubstream('viewer', 'sim', substream), true);
        return until(
          async () => {
            await flushCandidates(room, peers);
            const w = (await width()).sim ?? 0;
            return ok(w) ? w : undefined;
          },
          120_000,
          what,
          async () => ({ widths: await width(), errors }),
        );
      };
      const low = await layer(0, (w) => w > 0 && w <= 200, 'layer 0: 160 px wide');
      const high = await layer(1, (w) => w >= 480, 'layer 1: full width');
      console.log(`simulcast: layer 0 ${low} px, layer 1 ${high} px`);
      assert.equal(await room.setSubstream('viewer', 'nobody', 0), false);
      assert.deepEqual(errors, []);
    } finally {
      for (const peer of peers.values()) await peer.page.context().close();
      await room.destroy();
    }
  });

  test('three members each decode the two others; a leaver is dropped from the others; a Janus crash is reported', async () => {
    const peers = new Map<string, Peer>();
    const errors: string[] = [];
    const room = await sfu.createRoom({
      onSubscriberOffer: (userId, offer, streams) => {
        const peer = peers.get(userId);
        if (!peer) return void errors.push(`offer for unknown ${userId}`);
        peer.streams = streams;
        void peer.page
          .evaluate(
            ([o, s]) =>
              (window as unknown as { __sfu: { subscribe(o: Jsep, s: SfuStream[]): Promise<Jsep> } }).__sfu.subscribe(
                o as Jsep,
                s as SfuStream[],
              ),
            [offer, streams] as const,
          )
          .then((answer) => room.answer(userId, answer as Jsep))
          .catch((err: Error) => errors.push(`${userId}: ${err.message}`));
      },
      onError: (userId, err) => errors.push(`${userId}: ${err.message}`),
    });
    for (const user of ['ann', 'bob', 'cat']) await join(room, peers, user);
    const all = [...peers.keys()];
    for (const peer of peers.values()) {
      await assertDecoding(
        room,
        peers,
        peer,
        all.filter((u) => u !== peer.userId),
      );
    }
    assert.deepEqual(
      room
        .publishers()
        .map((p) => p.userId)
        .sort(),
      all,
    );

    // cat leaves: ann and bob get an update without cat's streams, and keep decoding each other.
    const cat = peers.get('cat') as Peer;
    peers.delete('cat');
    await cat.page.context().close();
    await room.leave('cat');
    for (const peer of peers.values()) {
      await until(() => (peer.streams.every((s) => s.userId !== 'cat') ? true : undefined), 30_000);
      await assertDecoding(
        room,
        peers,
        peer,
        ['ann', 'bob'].filter((u) => u !== peer.userId),
      );
    }
    assert.deepEqual(errors, []);

    // Janus dies: the module says so once, with a reason.
    const reasons: string[] = [];
    sfu.onClosed((why) => reasons.push(why));
    await janus.stop();
    await until(() => (reasons.length > 0 ? true : undefined), 30_000);
    assert.equal(reasons.length, 1);
    assert.match(reasons[0] ?? '', /janus/);
    assert.ok(sfu.isClosed);
    for (const peer of peers.values()) await peer.page.context().close();
  });
});
