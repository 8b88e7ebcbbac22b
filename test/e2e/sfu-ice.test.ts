/**
 * The SFU media path when the media server cannot be reached (issue 15): real Chromium pages on the
 * demo, the default engine, a real Janus whose RTP ports (19000-19099, used by nothing else) a test
 * cuts with nftables (`udp-cut.ts`): signaling stays up, only media to and from Janus is dropped.
 * - An upload that fails twice before ever connecting ends the call with `network` on each page
 *   (`SfuSession.onFatal`), never a stuck "connecting" view.
 * - A receiving connection that loses its path restarts ICE (Janus offers again with new
 *   credentials) and its video resumes once the path is back.
 * Needs root and nft: otherwise skipped.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import type { JanusInstance } from '../../server/sfu/janus-process.js';
import { startTestJanus } from '../helpers/janus.js';
import { udpCut, udpCutUnavailable, type UdpCut } from '../helpers/udp-cut.js';
import { describeConnections, lastCallEnded, launchBrowser, openUser, startDemo, until, waitStatus, type Demo } from './harness.js';

const PORTS = [19000, 19099] as const;
const SLOW = 240_000;
const unavailable = await udpCutUnavailable();
if (unavailable) console.log(`SFU ICE tests SKIPPED: ${unavailable}`);

/** Records every store status the page goes through. */
const recordStatuses = (page: Page): Promise<void> =>
  page.evaluate(() => {
    const w = window as unknown as { __statuses: string[] };
    w.__statuses = [window.callKit.store.getState().status];
    window.callKit.store.subscribe((state, previous) => {
      if (state.status !== previous.status) w.__statuses.push(state.status);
    });
  });

/** The receiving (subscriber) connection: the page's open one whose transceivers only receive. */
function subState(page: Page): Promise<{ state: string; ufrag: string | null; frames: number } | null> {
  return page.evaluate(`(async () => {
    const pc = window.__pcs.find((p) => p.connectionState !== 'closed' && p.getTransceivers().some((t) => t.direction === 'recvonly'));
    if (!pc) return null;
    let frames = 0;
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded || 0;
    });
    const m = /a=ice-ufrag:(\\S+)/.exec(pc.remoteDescription ? pc.remoteDescription.sdp : '');
    return { state: pc.connectionState, ufrag: m ? m[1] : null, frames };
  })()`);
}

async function accept(page: Page): Promise<void> {
  await page.waitForFunction(() => window.callKit.store.getState().role === 'callee', null, { timeout: 30_000 });
  await page.evaluate(() => window.callKit.accept());
}

describe('SFU media path without a way to the media server', { concurrency: 1, timeout: 900_000, skip: unavailable ?? false }, () => {
  let browser: Browser;
  let janus: JanusInstance;
  let demo: Demo;
  let net: UdpCut;
  before(async () => {
    browser = await launchBrowser();
    janus = await startTestJanus({ rtpPortRange: `${PORTS[0]}-${PORTS[1]}` });
    demo = await startDemo({ sfu: 'always', janusUrl: janus.url, rateLimits: false });
    net = await udpCut(...PORTS);
  });
  after(async () => {
    await net?.destroy();
    await browser?.close();
    await demo?.close();
    await janus?.stop();
  });

  test('an upload that never connects ends the call with network on both pages, never connected', async () => {
    const context = await browser.newContext();
    try {
      const alice = await openUser(context, demo, 'fa');
      const bob = await openUser(context, demo, 'fb');
      await Promise.all([recordStatuses(alice), recordStatuses(bob)]);
      await net.cut();
      await alice.evaluate(() => window.callKit.calls({ userIDList: ['fb'], type: 2 }));
      await accept(bob);
      for (const [who, page] of [
        ['alice', alice],
        ['bob', bob],
      ] as const) {
        await waitStatus(page, 'idle', SLOW).catch(async (error: Error) => {
          throw new Error(`${who} is stuck: ${error.message} ${JSON.stringify(await describeConnections(page))}`);
        });
      }
      for (const [who, page] of [
        ['alice', alice],
        ['bob', bob],
      ] as const) {
        const statuses = await page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);
        assert.ok(!statuses.includes('connected'), `${who} was never connected: ${statuses.join(' -> ')}`);
        assert.equal((await lastCallEnded(page))?.cause, 'network', `${who} ended with network`);
        assert.equal(await page.evaluate(() => window.callKit.store.getState().toast?.key ?? null), 'network-unsupported');
      }
    } finally {
      await net.restore();
      await context.close();
    }
  });

  test('the receiving connection restarts ICE when its path dies, and the video resumes once it is back', async () => {
    const context = await browser.newContext();
    try {
      const alice = await openUser(context, demo, 'ra');
      const bob = await openUser(context, demo, 'rb');
      await alice.evaluate(() => window.callKit.calls({ userIDList: ['rb'], type: 2 }));
      await accept(bob);
      await waitStatus(alice, 'connected', 60_000);
      await waitStatus(bob, 'connected', 60_000);
      const before: Record<string, { ufrag: string | null; frames: number }> = {};
      for (const [who, page] of [
        ['alice', alice],
        ['bob', bob],
      ] as const) {
        await until(
          async () => ((await subState(page))?.frames ?? 0) > 0,
          `${who} decodes video`,
          SLOW,
          () => describeConnections(page),
        );
        const s = await subState(page);
        before[who] = { ufrag: s?.ufrag ?? null, frames: s?.frames ?? 0 };
      }
      await net.cut();
      // Each page's receiving connection asks Janus for an offer with new ICE credentials.
      for (const [who, page] of [
        ['alice', alice],
        ['bob', bob],
      ] as const) {
        await until(
          async () => {
            const s = await subState(page);
            return !!s && s.ufrag !== before[who].ufrag;
          },
          `${who}'s receiving connection restarted ICE`,
          SLOW,
          async () => ({ sub: await subState(page), pcs: await describeConnections(page) }),
        );
      }
      await net.restore();
      for (const [who, page] of [
        ['alice', alice],
        ['bob', bob],
      ] as const) {
        const cutFrames = (await subState(page))?.frames ?? 0;
        await until(
          async () => {
            const s = await subState(page);
            return s?.state === 'connected' && s.frames > cutFrames + 10;
          },
          `${who}'s video resumes`,
          SLOW,
          async () => ({ sub: await subState(page), pcs: await describeConnections(page) }),
        );
        assert.equal(await page.evaluate(() => window.callKit.store.getState().status), 'connected', `${who} is still in the call`);
      }
      await alice.evaluate(() => window.callKit.hangup());
      await waitStatus(bob, 'idle', 30_000);
    } finally {
      await net.restore();
      await context.close();
    }
  });
});
