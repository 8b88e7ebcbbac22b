/**
 * Simulcast through the Janus SFU, end to end (issue 15): 4 members in a video call (`sfu:
 * 'always'`), real Chromium pages on the demo, a real Janus. Each member uploads two layers; qa
 * receives each other member at the layer its tile's rendered size needs: in a narrow window (small
 * tiles) the low layer, the focused tile (the call view's focus button) the high one whatever its
 * size, and once the window is widened (large tiles) the high layer for all. Widths are read from
 * `getStats` (`frameWidth` of the inbound video each tile shows, and of the sender's own outbound
 * layers); Janus switches a layer at that layer's next key frame, so every state is polled with
 * generous deadlines (the machine has 2 cores).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import type { JanusInstance } from '../../server/sfu/janus-process.js';
import { LAYER_WIDTHS, UPSCALE } from '../../src/engine/webrtc/sfu-layers.js';
import { startTestJanus } from '../helpers/janus.js';
import { launchBrowser, openUser, startDemo, until, waitStatus, type Demo, acceptWhenRinging } from './harness.js';

const SLOW = 240_000;

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Per remote member: the width of the video its tile shows (inbound `frameWidth`) and frames decoded. */
function tileVideo(page: Page): Promise<Record<string, { width: number; frames: number }>> {
  return page.evaluate(`(async () => {
    const tracks = {};
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.localName === 'participant-tile' && el.shownMember && el.shadowRoot) {
          const video = el.shadowRoot.querySelector('video');
          const track = video && video.srcObject && video.srcObject.getVideoTracks()[0];
          if (track && el.shownMember.userId !== window.callKit.store.getState().self.userId) tracks[track.id] = el.shownMember.userId;
        }
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    const out = {};
    for (const pc of window.__pcs.filter((p) => p.connectionState !== 'closed')) {
      (await pc.getStats()).forEach((r) => {
        const id = r.type === 'inbound-rtp' && r.kind === 'video' ? tracks[r.trackIdentifier] : undefined;
        if (id && (r.framesDecoded ?? 0) >= (out[id]?.frames ?? 0)) out[id] = { width: r.frameWidth ?? 0, frames: r.framesDecoded ?? 0 };
      });
    }
    return out;
  })()`) as Promise<Record<string, { width: number; frames: number }>>;
}

/** The widths of the video layers `page` uploads (outbound `frameWidth` per `rid`, '' without simulcast). */
function sentLayers(page: Page): Promise<Record<string, number>> {
  return page.evaluate(`(async () => {
    const out = {};
    for (const pc of window.__pcs.filter((p) => p.connectionState !== 'closed')) {
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'outbound-rtp' && r.kind === 'video') out[r.rid ?? ''] = Math.max(out[r.rid ?? ''] ?? 0, r.frameWidth ?? 0);
      });
    }
    return out;
  })()`) as Promise<Record<string, number>>;
}

/** The rendered width of each other member's tile in `page`, in device px (what the call view tells the engine). */
function tileWidths(page: Page): Promise<Record<string, number>> {
  return page.evaluate(`(() => {
    const out = {};
    const self = window.callKit.store.getState().self.userId;
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        const id = el.localName === 'participant-tile' ? el.getAttribute('user-id') : null;
        if (id && id !== self) out[id] = Math.round(el.getBoundingClientRect().width * devicePixelRatio);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return out;
  })()`) as Promise<Record<string, number>>;
}

/** Clicks the focus button over `userId`'s tile in `page`'s call view. */
async function focusTile(page: Page, userId: string): Promise<void> {
  const clicked = await page.evaluate(`(() => {
    const find = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.localName === 'call-view' && el.shadowRoot) {
          for (const cell of el.shadowRoot.querySelectorAll('.cell')) {
            const tile = cell.querySelector('participant-tile');
            if (tile && tile.shownMember && tile.shownMember.userId === ${JSON.stringify(userId)}) {
              cell.querySelector('[part~=focus-button]').click();
              return true;
            }
          }
        }
        if (el.shadowRoot && find(el.shadowRoot)) return true;
      }
      return false;
    };
    return find(document);
  })()`);
  assert.equal(clicked, true, `found ${userId}'s focus button`);
}

describe('simulcast through the Janus SFU', { timeout: 1_200_000 }, () => {
  let janus: JanusInstance | undefined;
  let demo: Demo | undefined;
  after(async () => {
    await demo?.close();
    await janus?.stop();
  });

  test("4 members: each tile's layer follows its rendered size, the focused tile gets the high layer", async () => {
    janus = await startTestJanus();
    demo = await startDemo({ sfu: 'always', janusUrl: janus.url });
    const users = ['qa', 'qb', 'qc', 'qd'];
    const context = await browser.newContext();
    try {
      const pages: Record<string, Page> = {};
      for (const u of users) pages[u] = await openUser(context, demo, u);
      // qa's window is narrow: a grid of 4 makes tiles about 220 px wide, which the low layer covers.
      await pages.qa.setViewportSize({ width: 480, height: 800 });
      await pages.qa.evaluate(() => window.callKit.calls({ userIDList: ['qb', 'qc', 'qd'], type: 2 }));
      for (const u of users.slice(1)) await acceptWhenRinging(pages[u]);
      await waitStatus(pages.qa, 'connected', 30_000);
      const others = users.slice(1);
      // Per other member: the width qa receives it at, and the widths of the layers it sends now.
      type Seen = Record<string, { width: number; frames: number; sent: Record<string, number> }>;
      let seen: Seen = {};
      const look = async (): Promise<Seen> => {
        const received = await tileVideo(pages.qa);
        const out: Seen = {};
        for (const u of others) out[u] = { ...(received[u] ?? { width: 0, frames: 0 }), sent: await sentLayers(pages[u]) };
        return (seen = out);
      };
      const explain = async () => seen;
      // A layer is told apart by its width: the low one is a quarter of the high one (SIMULCAST_ENCODINGS).
      const atLow = (u: string) => {
        const { width, frames, sent } = seen[u];
        return frames > 0 && width > 0 && (sent.h ?? 0) >= 2 * (sent.l ?? 0) && width <= (sent.h ?? 0) / 2;
      };
      const atHigh = (u: string) => seen[u].width > 0 && seen[u].width >= 2 * (seen[u].sent.l ?? Infinity);

      // Small tiles: qa receives every other member at its low layer. Janus switches a layer on that
      // layer's next key frame, so each one gets there in its own time: polled.
      let small: Record<string, number> = {};
      await until(
        async () => ((small = await tileWidths(pages.qa)), others.every((u) => small[u] > 0 && small[u] <= LAYER_WIDTHS[0] * UPSCALE)),
        'small tiles in the narrow window',
        30_000,
        async () => small,
      );
      await until(async () => (await look(), others.every(atLow)), 'qa receives the others at their low layer', SLOW, explain);
      const low = seen.qd.width;
      console.log(
        `simulcast: qd sends ${JSON.stringify(seen.qd.sent)}; qa's tiles ${JSON.stringify(small)} device px; qd received at ${low} px`,
      );

      // Focusing qd's tile: qd at the high layer and still decoding; the others stay low.
      await focusTile(pages.qa, 'qd');
      await until(
        async () => (await look(), atHigh('qd') && atLow('qb') && atLow('qc')),
        "qa receives qd's high layer once focused, the others' low one",
        SLOW,
        explain,
      );
      const high = seen.qd.width;
      const frames = seen.qd.frames;
      await until(async () => ((await tileVideo(pages.qa)).qd?.frames ?? 0) > frames, 'qd keeps decoding at the high layer', SLOW);
      console.log(`simulcast: qa receives qd focused at ${high} px`);

      // Unfocusing brings qd back down.
      await focusTile(pages.qa, 'qd');
      await until(async () => (await look(), others.every(atLow)), 'qd back to the low layer once unfocused', SLOW, explain);

      // A wide window (the demo's page without its max width): tiles wider than the low layer covers,
      // every other member at the high layer.
      await pages.qa.setViewportSize({ width: 1600, height: 900 });
      await pages.qa.evaluate(() => document.querySelector('main')?.style.setProperty('max-width', 'none'));
      let large: Record<string, number> = {};
      await until(
        async () => ((large = await tileWidths(pages.qa)), others.every((u) => large[u] > LAYER_WIDTHS[0] * UPSCALE)),
        'large tiles in the wide window',
        30_000,
        async () => large,
      );
      await until(
        async () => (await look(), others.every(atHigh)),
        'qa receives the others at their high layer in large tiles',
        SLOW,
        explain,
      );
      console.log(`simulcast: qa's tiles ${JSON.stringify(large)} device px; qd received at ${seen.qd.width} px`);
      for (const u of users) await pages[u].evaluate(() => window.callKit.hangup());
    } finally {
      await context.close();
    }
  });
});
