/**
 * Group video, mesh vs SFU (issue 15), in one run: for 3, 4 and 6 members, a video call through the
 * real demo with `sfu: 'never'` (full mesh) and one with `sfu: 'always'` (Janus VideoRoom, a
 * throwaway instance shared by both demos' runs). Every member is its own Chromium (fake camera and
 * microphone), so the CPU of each member is its browser's process tree (utime + stime from
 * /proc/<pid>/stat, summed over the browser process and its descendants) over the measuring window.
 * Per tile (each page's tile of each other member): frames decoded by the `<video>`'s track
 * (`framesDecoded` of its inbound-rtp) over the window. Time to all tiles playing: the callees
 * accept (all at once) → every page's tile of every other member has a `<video>` with data
 * (readyState ≥ 2, not paused) whose track has decoded a frame; timestamps taken in the pages.
 * Mesh and SFU alternate which goes first from one member count to the next, so load drift on the
 * shared machine hits both alike. Env: BENCH_QUICK=1 (short windows, for a smoke run),
 * BENCH_SIZES=3,4,6, BENCH_SECONDS (measuring window, default 30; quick 8).
 */
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { openUser, startDemo, waitStatus, type Demo } from '../test/e2e/harness.js';
import { NAME_SHIM } from '../test/e2e/churn.js';
import { startTestJanus } from '../test/helpers/janus.js';
import { compareTable, runsTable, type GroupMode, type GroupRun } from './group-table.js';
import { printTable, writeResult } from './lib.js';

const QUICK = process.env.BENCH_QUICK === '1';
const SIZES = (process.env.BENCH_SIZES ?? '3,4,6').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 8 : 30));
const WARM_S = QUICK ? 2 : 5;
const PLAYING_TIMEOUT_MS = QUICK ? 120_000 : 180_000;
const TICK_HZ = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU ticks (utime + stime) of every process, and each one's parent. */
function processTable(): Map<number, { ppid: number; ticks: number }> {
  const out = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces and parentheses): state ppid ... utime stime.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Ticks per process of the tree under `root` (root included). */
function treeTicks(table: Map<number, { ppid: number; ticks: number }>, root: number): Map<number, number> {
  const children = new Map<number, number[]>();
  for (const [pid, p] of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const out = new Map<number, number>();
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    const p = table.get(pid);
    if (!p) continue;
    out.set(pid, p.ticks);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Cores used by a tree between two snapshots (a process born in between counts from 0). */
function cores(before: Map<number, number>, after: Map<number, number>, seconds: number): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks / TICK_HZ / seconds;
}

/**
 * The remote tiles of a page: for each `<participant-tile>` showing another member, its `<video>`'s
 * state and the frames its track decoded (inbound-rtp of the same trackIdentifier). A string, so no
 * bundler helper leaks into the page.
 */
const TILES = `(async () => {
  const self = window.callKit.store.getState().self.userId;
  const tiles = {};
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.localName === 'participant-tile' && el.shownMember && el.shadowRoot && el.shownMember.userId !== self) {
        const video = el.shadowRoot.querySelector('video');
        const track = video && video.srcObject && video.srcObject.getVideoTracks()[0];
        tiles[el.shownMember.userId] = { track: track ? track.id : '', ready: !!video && video.readyState >= 2 && !video.paused, frames: 0, height: 0 };
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  const open = window.__pcs.filter((p) => p.connectionState !== 'closed');
  for (const pc of open) {
    (await pc.getStats()).forEach((r) => {
      if (r.type !== 'inbound-rtp' || r.kind !== 'video') return;
      for (const t of Object.values(tiles)) {
        if (t.track && t.track === r.trackIdentifier && (r.framesDecoded ?? 0) >= t.frames) {
          t.frames = r.framesDecoded ?? 0;
          t.height = r.frameHeight ?? 0;
        }
      }
    });
  }
  return { tiles, open: open.length };
})()`;

interface TileState {
  track: string;
  ready: boolean;
  frames: number;
  height: number;
}
type Tiles = { tiles: Record<string, TileState>; open: number };
const tiles = (page: Page) => page.evaluate(TILES) as Promise<Tiles>;

/**
 * Resolves with Date.now() (in the page) once `others` all play on `page` (polled in the page every
 * 50 ms), or with null at the deadline; with the tiles playing then.
 */
function whenAllPlaying(page: Page, others: string[], timeoutMs: number): Promise<{ at: number | null; playing: number }> {
  return page.evaluate(
    `new Promise((resolve) => {
      const others = ${JSON.stringify(others)};
      const deadline = Date.now() + ${timeoutMs};
      const tick = async () => {
        const t = await ${TILES};
        const playing = others.filter((u) => t.tiles[u] && t.tiles[u].ready && t.tiles[u].frames > 0).length;
        if (playing === others.length) return resolve({ at: Date.now(), playing });
        if (Date.now() > deadline) return resolve({ at: null, playing });
        setTimeout(() => void tick(), 50);
      };
      void tick();
    })`,
  ) as Promise<{ at: number | null; playing: number }>;
}

async function runCall(
  demo: Demo,
  browsers: { server: BrowserServer; browser: Browser }[],
  members: number,
  mode: GroupMode,
  janusPid: number | undefined,
): Promise<GroupRun> {
  const users = Array.from({ length: members }, (_, i) => `${mode}${members}m${i}`);
  const contexts = await Promise.all(browsers.slice(0, members).map(({ browser }) => browser.newContext()));
  try {
    const pages: Page[] = [];
    // One at a time: page loads at once on 2 cores only slow each other down.
    for (const [i, u] of users.entries()) {
      await contexts[i].addInitScript(NAME_SHIM);
      pages.push(await openUser(contexts[i], demo, u));
    }
    await pages[0].evaluate((list) => window.callKit.calls({ userIDList: list, type: 2 }), users.slice(1));
    await Promise.all(
      pages.slice(1).map((p) =>
        p.waitForFunction(
          () => {
            const s = window.callKit.store.getState();
            return s.status === 'calling' && s.role === 'callee';
          },
          null,
          { timeout: 60_000 },
        ),
      ),
    );
    const others = (i: number) => users.filter((_, j) => j !== i);
    const watchers = pages.map((p, i) => whenAllPlaying(p, others(i), PLAYING_TIMEOUT_MS));
    const tAccept = Date.now();
    await Promise.all(pages.slice(1).map((p) => p.evaluate(() => window.callKit.accept())));
    const done = await Promise.all(watchers);
    const allPlayingMs = done.every((d) => d.at !== null) ? Math.max(...done.map((d) => d.at as number)) - tAccept : null;
    const tilesPlaying = done.reduce((sum, d) => sum + d.playing, 0);
    await Promise.all(pages.map((p) => waitStatus(p, 'connected', 60_000)));

    await new Promise((r) => setTimeout(r, WARM_S * 1000));
    const load0 = loadavg()[0];
    const before = await Promise.all(pages.map(tiles));
    const t0 = Date.now();
    const procs0 = processTable();
    const cpu0 = browsers.slice(0, members).map(({ server }) => treeTicks(procs0, server.process().pid!));
    const janus0 = janusPid ? treeTicks(procs0, janusPid) : undefined;
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const procs1 = processTable();
    const t1 = Date.now();
    const after = await Promise.all(pages.map(tiles));
    const seconds = (t1 - t0) / 1000;
    const cpuPerBrowser = browsers
      .slice(0, members)
      .map(({ server }, i) => cores(cpu0[i], treeTicks(procs1, server.process().pid!), seconds));
    const tileFps: number[] = [];
    const tileHeights: number[] = [];
    for (const [i, page] of after.entries()) {
      for (const u of others(i)) {
        const a = page.tiles[u];
        const b = before[i].tiles[u];
        // A tile whose track changed in the window (a remount) counts only what its new track decoded.
        const frames = a ? a.frames - (b && b.track === a.track ? b.frames : 0) : 0;
        tileFps.push(Math.max(0, frames) / seconds);
        tileHeights.push(a?.height ?? 0);
      }
    }
    const run: GroupRun = {
      members,
      mode,
      cpuPerBrowser,
      ...(janus0 && janusPid ? { janusCpu: cores(janus0, treeTicks(procs1, janusPid), seconds) } : {}),
      tileFps,
      tileHeights,
      allPlayingMs,
      tilesPlaying,
      tilesExpected: members * (members - 1),
      playingDeadlineMs: PLAYING_TIMEOUT_MS,
      connections: Math.max(...after.map((p) => p.open), ...before.map((p) => p.open)),
      load: [load0, loadavg()[0]],
      seconds,
    };
    console.log(
      `${members} members, ${mode}: CPU/browser ${cpuPerBrowser.map((c) => c.toFixed(2)).join(' ')}; fps/tile ${tileFps.map((f) => f.toFixed(0)).join(' ')}; all playing ${allPlayingMs ?? 'not in time'} ms; load ${run.load.map((l) => l.toFixed(1)).join(' → ')}`,
    );
    for (const p of pages) await p.evaluate(() => window.callKit.hangup()).catch(() => undefined);
    await Promise.all(pages.map((p) => waitStatus(p, 'idle', 30_000).catch(() => undefined)));
    return run;
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  }
}

const janus = await startTestJanus();
const meshDemo = await startDemo({ sfu: 'never', rateLimits: false });
const sfuDemo = await startDemo({ sfu: 'always', janusUrl: janus.url, rateLimits: false });
const browsers: { server: BrowserServer; browser: Browser }[] = [];
try {
  for (let i = 0; i < Math.max(...SIZES); i++) {
    const server = await chromium.launchServer({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
    browsers.push({ server, browser: await chromium.connect(server.wsEndpoint()) });
  }
  const version = browsers[0].browser.version();
  const runs: GroupRun[] = [];
  /** A run that threw (a page that never rang or connected under load): said under the tables, the others kept. */
  const failed: string[] = [];
  for (const [k, n] of SIZES.entries()) {
    const order: GroupMode[] = k % 2 === 0 ? ['mesh', 'sfu'] : ['sfu', 'mesh'];
    for (const mode of order) {
      try {
        runs.push(await runCall(mode === 'sfu' ? sfuDemo : meshDemo, browsers, n, mode, mode === 'sfu' ? janus.pid : undefined));
      } catch (e) {
        failed.push(`${n} members, ${mode === 'sfu' ? 'SFU' : 'mesh'}: failed (${(e as Error).message.split('\n')[0]})`);
        console.error(failed.at(-1));
      }
    }
  }
  const detail = runsTable(runs);
  const compare = compareTable(runs);
  const about = `${QUICK ? 'quick run, ' : ''}${SECONDS} s window after ${WARM_S} s warm-up, one Chromium ${version} per member, fake camera`;
  const t1 = printTable(`Group video, mesh (sfu: never) vs SFU (sfu: always, Janus): ${about}`, detail.headers, detail.rows);
  const t2 = printTable('Group video: SFU / mesh, same run', compare.headers, compare.rows);
  const notes = failed.length ? `\n\n${failed.join('\n')}` : '';
  writeResult('group', { quick: QUICK, seconds: SECONDS, warmS: WARM_S, chromium: version, runs, failed }, `${t2}\n\n${t1}${notes}`);
} finally {
  for (const { browser, server } of browsers) {
    await browser.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  }
  await meshDemo.close();
  await sfuDemo.close();
  await janus.stop();
}
