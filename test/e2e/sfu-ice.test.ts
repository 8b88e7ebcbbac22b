/**
 * The SFU media path when the media server cannot be reached (issue 15): real Chromium pages on the
 * demo, the default engine, a real Janus whose RTP ports (19000-19099, used by nothing else) a test
 * cuts with nftables (`udp-cut.ts`): signaling stays up, only media to and from Janus is dropped.
 * - An upload that fails twice before ever connecting ends the call with `network` on each page
 *   (`SfuSession.onFatal`), never a stuck "connecting" view.
 * - A receiving connection that loses its path restarts ICE (Janus offers again with new
 *   credentials) and its video resumes once the path is back.
 * - Network quality (`sfu-quality.ts`) rates ourselves and each member from the two connections:
 *   poor tiles when a third of the media to and from Janus is lost (nft `numgen random`).
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

  test('network quality on the SFU path: good on a clean link, poor for the member and ourselves when a third of the media is lost', async () => {
    const context = await browser.newContext();
    const qualities = (page: Page) =>
      page.evaluate(() => {
        const s = window.callKit.store.getState();
        return Object.fromEntries([s.self, ...s.members].map((m) => [m.userId, m.networkQuality]));
      });
    /** Whether `page`'s tile of `userId` shows the poor-network state. */
    const tilePoor = (page: Page, userId: string) =>
      page.evaluate(`(() => {
        const walk = (root) => {
          for (const el of root.querySelectorAll('*')) {
            if (el.localName === 'participant-tile' && el.shownMember && el.shownMember.userId === ${JSON.stringify(userId)}) return el.matches(':state(poor-network)');
            if (el.shadowRoot) { const r = walk(el.shadowRoot); if (r !== undefined) return r; }
          }
          return undefined;
        };
        return walk(document);
      })()`);
    try {
      const alice = await openUser(context, demo, 'qa');
      const bob = await openUser(context, demo, 'qb');
      await alice.evaluate(() => window.callKit.calls({ userIDList: ['qb'], type: 2 }));
      await accept(bob);
      await waitStatus(alice, 'connected', 60_000);
      await until(
        async () => {
          const q = await qualities(alice);
          return q.qa >= 1 && q.qa <= 3 && q.qb >= 1 && q.qb <= 3;
        },
        'alice rates herself and bob (1-3) on a clean link',
        SLOW,
        () => qualities(alice),
      );
      await net.lossy(35);
      await until(
        async () => {
          const q = await qualities(alice);
          return q.qa >= 4 && q.qb >= 4;
        },
        'alice rates herself and bob poor (>= 4) at 35 % loss',
        SLOW,
        () => qualities(alice),
      );
      await until(async () => (await tilePoor(alice, 'qb')) === true, "alice's tile of bob shows poor network", 30_000);
      await net.restore();
      await until(
        async () => {
          const q = await qualities(alice);
          return q.qa <= 3 && q.qb <= 3;
        },
        'the ratings recover once the loss is gone',
        SLOW,
        () => qualities(alice),
      );
      await alice.evaluate(() => window.callKit.hangup());
      await waitStatus(bob, 'idle', 30_000);
    } finally {
      await net.restore();
      await context.close();
    }
  });
});
