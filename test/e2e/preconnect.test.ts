/**
 * Pre-connect while ringing (issue 18), two Chromium pages through the real demo: the callee opts in
 * (`init({ preconnect: true })`, the demo's `?preconnect=1`). While it rings, ICE and DTLS complete
 * (a `connected` peer connection on both sides) with no microphone opened on the callee, no track on
 * any sender (the banner's camera preview is the only capture, and it stays on the page) and no RTP
 * sent either way; accepting reuses that connection (no new one) and media flows both ways; declining closes it on
 * both sides.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import { assertReceivingMedia, assertReleased, describeConnections, openUser, until, waitStatus, useDemo } from './harness.js';

const env = useDemo();

interface PcView {
  open: number;
  connected: number;
  created: number;
  bytesSent: number;
  packetsSent: number;
  liveTracks: number;
  liveAudio: number;
  /** Senders of the open connections that carry a track. */
  senderTracks: number;
}

/** The page's peer connections (created, open, connected) and RTP bytes/packets sent over the open ones. */
function pcView(page: Page): Promise<PcView> {
  return page.evaluate(async () => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __tracks: MediaStreamTrack[] };
    const open = w.__pcs.filter((pc) => pc.signalingState !== 'closed');
    let bytesSent = 0;
    let packetsSent = 0;
    for (const pc of open) {
      const report = await pc.getStats();
      report.forEach((s: { type: string; bytesSent?: number; packetsSent?: number }) => {
        if (s.type !== 'outbound-rtp') return;
        bytesSent += s.bytesSent ?? 0;
        packetsSent += s.packetsSent ?? 0;
      });
    }
    return {
      open: open.length,
      connected: open.filter((pc) => pc.connectionState === 'connected').length,
      created: w.__pcs.length,
      bytesSent,
      packetsSent,
      liveTracks: w.__tracks.filter((t) => t.readyState === 'live').length,
      liveAudio: w.__tracks.filter((t) => t.readyState === 'live' && t.kind === 'audio').length,
      senderTracks: open.flatMap((pc) => pc.getSenders()).filter((sender) => sender.track).length,
    };
  });
}

const ringing = (page: Page) => page.evaluate(() => window.callKit.store.getState().status);

async function preconnected(caller: Page, callee: Page, calleeId: string): Promise<void> {
  await caller.evaluate((id) => void window.callKit.calls({ userIDList: [id], type: 2 }), calleeId);
  await callee.getByRole('alertdialog').waitFor({ timeout: 15_000 });
  await until(
    async () => (await pcView(callee)).connected === 1 && (await pcView(caller)).connected === 1,
    'ICE and DTLS connected on both sides while ringing',
    20_000,
    async () => ({ callee: await describeConnections(callee), caller: await describeConnections(caller) }),
  );
}

describe('pre-connect while ringing', { concurrency: 1 }, () => {
  test('connected before accept with no media sent and no capture; accept reuses the connection and frames flow both ways', async () => {
    const context = await env.browser.newContext();
    const alice = await openUser(context, env.demo, 'pcalice');
    const bob = await openUser(context, env.demo, 'pcbob', 'preconnect=1');
    await preconnected(alice, bob, 'pcbob');
    // Let the connection sit for a while: anything that would leak media would show in the counters.
    await new Promise((r) => setTimeout(r, 1500));
    const [a, b] = [await pcView(alice), await pcView(bob)];
    assert.equal(await ringing(bob), 'calling', 'bob still rings');
    // The ringing banner previews the callee's own camera (issue 17): that capture stays on the page.
    assert.equal(b.liveAudio, 0, 'the callee opened no microphone before accepting');
    assert.equal(b.senderTracks, 0, 'nothing of the callee is attached to the connection before accepting');
    assert.ok(b.liveTracks <= 1, `at most the preview's camera is live (${b.liveTracks} tracks)`);
    assert.deepEqual([b.bytesSent, b.packetsSent], [0, 0], 'the callee sent no RTP before accepting');
    assert.deepEqual([a.bytesSent, a.packetsSent], [0, 0], 'the caller sent no RTP to a callee who has not answered');
    assert.equal(await bob.evaluate(() => window.callKit.store.getState().members.some((m) => m.stream)), false, 'no remote stream shown');

    await bob.evaluate(() => window.callKit.accept());
    await waitStatus(bob, 'connected');
    await waitStatus(alice, 'connected');
    await assertReceivingMedia(alice, 'alice');
    await assertReceivingMedia(bob, 'bob');
    const [a2, b2] = [await pcView(alice), await pcView(bob)];
    assert.deepEqual(
      [a2.created, a2.open, b2.created, b2.open],
      [a.created, 1, b.created, 1],
      'the pre-connected connection carries the call',
    );
    await alice.evaluate(() => window.callKit.hangup());
    await Promise.all([waitStatus(alice, 'idle'), waitStatus(bob, 'idle')]);
    await assertReleased(alice, 'alice');
    await assertReleased(bob, 'bob');
    await context.close();
  });

  test('decline closes the pre-connected connection on both sides', async () => {
    const context = await env.browser.newContext();
    const alice = await openUser(context, env.demo, 'pcalice2');
    const bob = await openUser(context, env.demo, 'pcbob2', 'preconnect=1');
    await preconnected(alice, bob, 'pcbob2');
    await bob.evaluate(() => window.callKit.reject());
    await Promise.all([waitStatus(alice, 'idle'), waitStatus(bob, 'idle')]);
    await until(async () => (await pcView(alice)).open === 0 && (await pcView(bob)).open === 0, 'no open connection left on either side');
    assert.equal((await pcView(bob)).bytesSent, 0);
    await assertReleased(alice, 'alice');
    await assertReleased(bob, 'bob');
    await context.close();
  });
});
