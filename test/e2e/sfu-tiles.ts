/**
 * What each tile of an SFU call shows, read from a real page (`sfu-group`, `sfu-cluster`): frames
 * decoded for the `<video>` of each remote member's tile, and the check that every tile of a list
 * decodes and keeps decoding (state polled, generous deadlines: the machine has 2 cores).
 */
import type { Page } from 'playwright';
import { describeConnections, until } from './harness.js';

/** Load averages above 40 were seen on this 2-core machine while other suites ran. */
const SLOW = 240_000;

/**
 * Frames decoded for the video each remote member's tile shows: the tile's `<video>` track, found
 * among the page's connections' inbound streams (`framesDecoded` of the matching `trackIdentifier`).
 */
export function tileFrames(page: Page): Promise<Record<string, number>> {
  // A string, so no bundler helper leaks into the page.
  return page.evaluate(`(async () => {
    const tracks = {};
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.localName === 'participant-tile' && el.shownMember && el.shadowRoot) {
          const video = el.shadowRoot.querySelector('video');
          const id = el.shownMember.userId;
          const track = video && video.srcObject && video.srcObject.getVideoTracks()[0];
          if (track && id !== window.callKit.store.getState().self.userId) tracks[track.id] = id;
        }
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    const out = {};
    for (const pc of window.__pcs.filter((p) => p.connectionState !== 'closed')) {
      (await pc.getStats()).forEach((r) => {
        const id = r.type === 'inbound-rtp' && r.kind === 'video' ? tracks[r.trackIdentifier] : undefined;
        if (id) out[id] = Math.max(out[id] ?? 0, r.framesDecoded ?? 0);
      });
    }
    return out;
  })()`) as Promise<Record<string, number>>;
}

/** The store's remote streams (track ids and states) and the page's inbound video tracks, for failure messages. */
export function memberStreams(page: Page): Promise<unknown> {
  return page.evaluate(`(async () => {
    const members = window.callKit.store.getState().members.map((m) => ({
      id: m.userId,
      status: m.status,
      video: m.videoAvailable,
      tracks: m.stream ? m.stream.getTracks().map((t) => t.kind + ':' + t.id.slice(0, 8) + ':' + (t.muted ? 'muted' : 'live')) : null,
    }));
    const inbound = [];
    for (const pc of window.__pcs.filter((p) => p.connectionState !== 'closed')) {
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video') inbound.push(r.mid + ':' + String(r.trackIdentifier).slice(0, 8) + ':' + r.framesDecoded);
      });
    }
    return { members, inbound };
  })()`);
}

/** `page`'s tiles of every member in `from` decode video, and keep decoding. */
export async function assertTilesDecoding(page: Page, who: string, from: readonly string[], timeout = SLOW): Promise<void> {
  const explain = async () => ({ tiles: await tileFrames(page), members: await memberStreams(page), pcs: await describeConnections(page) });
  let first: Record<string, number> = {};
  await until(
    async () => {
      first = await tileFrames(page);
      return from.every((u) => (first[u] ?? 0) > 0);
    },
    `${who}'s tiles of ${from.join(', ')} decode video`,
    timeout,
    explain,
  );
  await until(
    async () => {
      const now = await tileFrames(page);
      return from.every((u) => (now[u] ?? 0) > (first[u] ?? 0));
    },
    `${who}'s tiles of ${from.join(', ')} keep decoding`,
    timeout,
    explain,
  );
}
