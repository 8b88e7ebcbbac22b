/**
 * Surviving the network, end to end (reliability.md §5.1 R3, R4, R8, R9, R10) between real
 * Chromium pages through the real demo server. Server timers are scaled down by configuration (grace
 * 4 s for 15 s, ping 0.5 s / 2 s for 5 s / 15 s, ring 5 s for 30 s; R8b: ping 1 s / 12 s and grace
 * 12 s); each test asserts its row's figure against the scaled budget. R6 (the media path cut
 * between two network namespaces) is `network-namespaces.test.ts`; R9 at the row's 100 trials on the server
 * alone is in `test/unit/server-resume.test.ts`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import {
  assertReceivingMedia,
  assertReleased,
  dial,
  lastCallEnded,
  launchBrowser,
  mediaStats,
  openUser,
  serverStats,
  startDemo,
  until,
  waitStatus,
  type Demo,
} from './harness.js';

const GRACE_MS = 4000;
const RING_TIMEOUT_S = 5;

let demo: Demo;
let browser: Browser;
before(async () => {
  demo = await startDemo({ graceMs: GRACE_MS, pingIntervalMs: 500, pingTimeoutMs: 2000, ringTimeoutS: RING_TIMEOUT_S });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await demo?.close();
});

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/**
 * Vite's dev client reloads the page when its dev server comes back after a restart; a real app has
 * no such client. For the server-restart test, its sockets are replaced by inert ones.
 */
const muteViteClient = () => {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      const p = Array.isArray(protocols) ? protocols : protocols ? [protocols] : [];
      // An inert socket: it never opens and never closes, so the client never reloads the page.
      super(p.some((x) => x.startsWith('vite-')) ? 'ws://127.0.0.1:9/inert' : url, protocols);
      if (p.some((x) => x.startsWith('vite-'))) {
        this.addEventListener('close', (e) => e.stopImmediatePropagation(), true);
        this.addEventListener('error', (e) => e.stopImmediatePropagation(), true);
      }
    }
  } as typeof WebSocket;
};

async function users(d: Demo, ids: string[], options: { muteVite?: boolean } = {}): Promise<{ context: BrowserContext; pages: Page[] }> {
  const context = await browser.newContext();
  if (options.muteVite) await context.addInitScript(muteViteClient);
  const pages: Page[] = [];
  for (const id of ids) pages.push(await openUser(context, d, id));
  for (const page of pages) await recordConnection(page);
  return { context, pages };
}

async function connectCall(caller: Page, callee: Page, calleeId: string): Promise<void> {
  await dial(caller, calleeId);
  await callee.getByRole('alertdialog').waitFor({ timeout: 15_000 });
  await button(callee, 'Accept').click();
  await waitStatus(callee, 'connected');
  await waitStatus(caller, 'connected');
  await assertReceivingMedia(caller, 'caller');
  await assertReceivingMedia(callee, 'callee');
}

type Change = { t: number; connection: string; tip: string | null };

/** Records every change of `store.connection` and of the tip, with a timestamp (page clock = ours). */
async function recordConnection(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __conn: Change[] };
    w.__conn = [];
    let prev = window.callKit.store.getState();
    window.callKit.store.subscribe((s) => {
      if (s.connection !== prev.connection || (s.tip?.key ?? null) !== (prev.tip?.key ?? null)) {
        w.__conn.push({ t: Date.now(), connection: s.connection, tip: s.tip?.key ?? null });
      }
      prev = s;
    });
  });
}

const changes = (page: Page): Promise<Change[]> => page.evaluate(() => (window as unknown as { __conn: Change[] }).__conn);
const callId = (page: Page): Promise<string> => page.evaluate(() => window.callKit.store.getState().callId);
const errors = (page: Page): Promise<unknown[]> => page.evaluate(() => window.demoLog.filter((e) => e.type === 'ck-error'));
const engineState = (page: Page) =>
  page.evaluate(() =>
    (
      window.callKit.engine as unknown as Record<
        symbol,
        { state(): { iceRestarts: number; reconnectAttempts: number; connection: string } }
      >
    )[Symbol.for('callkit-elements.webrtc-engine.debug')].state(),
  );

/** Calls `callee` from the kit API and resolves when the call ends: its cause, toast and duration. */
function callUntilEnded(page: Page, callee: string): Promise<{ cause: string; toast: string | undefined; ms: number }> {
  return page.evaluate(async (to) => {
    const t0 = Date.now();
    const ended = new Promise<{ cause: string; toast: string | undefined; ms: number }>((resolve) =>
      document.getElementById('kit')?.addEventListener(
        'ck-call-ended',
        (e) =>
          resolve({
            cause: (e as CustomEvent<{ cause: string }>).detail.cause,
            toast: window.callKit.store.getState().toast?.key,
            ms: Date.now() - t0,
          }),
        { once: true },
      ),
    );
    void window.callKit.calls({ userIDList: [to], type: 2 }).catch(() => undefined);
    return ended;
  }, callee);
}

/** Received audio bytes a second over `ms` (a measurement window, not a wait for a condition). */
async function audioRate(page: Page, ms: number): Promise<number> {
  const first = await mediaStats(page);
  const t0 = Date.now();
  await until(() => Date.now() - t0 >= ms, 'measurement window', ms + 1000);
  const last = await mediaStats(page);
  return (last.audioBytesReceived - first.audioBytesReceived) / ((Date.now() - t0) / 1000);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('survive the network', { concurrency: 1 }, () => {
  test('R3: signaling socket killed mid-call: media keeps flowing, "reconnecting" shown, same call resumed with the same peer connections', async () => {
    const {
      context,
      pages: [alice, bob],
    } = await users(demo, ['r3alice', 'r3bob']);
    await connectCall(alice, bob, 'r3bob');
    const id = await callId(bob);
    const pcsBefore = [(await mediaStats(alice)).pcs, (await mediaStats(bob)).pcs];
    const rateBefore = await audioRate(bob, 1500);
    const framesBefore = (await mediaStats(bob)).framesDecoded;

    // Keep bob's reconnect attempts failing for 1 s, so the outage is long enough to measure.
    let block = true;
    await bob.routeWebSocket(/\/ck$/, (ws) => {
      if (block) void ws.close({ code: 1011, reason: 'test: server unreachable' });
      else ws.connectToServer();
    });
    const dropAt = Date.now();
    const res = await fetch(`${demo.url}/ck/dev-drop?user=r3bob`);
    assert.deepEqual(await res.json(), { dropped: 1 }, 'the server terminated bob socket (1006)');
    await until(async () => (await changes(bob)).some((c) => c.connection === 'reconnecting'), 'bob is reconnecting', 3000);
    const bytesAtDrop = (await mediaStats(bob)).audioBytesReceived;
    const unblockAt = Date.now();
    await until(() => Date.now() - unblockAt >= 1000, 'outage window', 2000);
    block = false;
    await until(
      async () => (await engineState(bob)).connection === 'connected',
      'bob reconnected',
      8000,
      () => engineState(bob),
    );
    const resumedAt = Date.now();
    const outage = await mediaStats(bob);
    const rateDuring = (outage.audioBytesReceived - bytesAtDrop) / ((resumedAt - unblockAt) / 1000);

    const log = await changes(bob);
    const lost = log.find((c) => c.connection === 'reconnecting');
    const tip = log.find((c) => c.tip === 'reconnecting');
    assert.ok(lost && tip, `reconnecting state and tip shown: ${JSON.stringify(log)}`);
    assert.ok(tip.t - lost.t <= 1000, `tip ${tip.t - lost.t} ms after detection (<= 1 s)`);
    assert.ok(resumedAt - dropAt <= 5000, `resumed ${resumedAt - dropAt} ms after the drop (<= 5 s)`);
    await until(
      async () => (await bob.evaluate(() => window.callKit.store.getState().tip)) === null,
      'the tip is cleared after the resume',
      3000,
    );
    assert.ok(outage.framesDecoded > framesBefore, 'video frames kept being decoded during the outage');
    assert.ok(
      rateDuring >= 0.9 * rateBefore,
      `audio rate during the outage ${rateDuring.toFixed(0)} B/s >= 90 % of ${rateBefore.toFixed(0)} B/s`,
    );
    console.log(
      `R3: resumed ${resumedAt - dropAt} ms after the drop; audio ${rateBefore.toFixed(0)} -> ${rateDuring.toFixed(0)} B/s during the outage; ${(await engineState(bob)).reconnectAttempts} attempts`,
    );

    assert.equal(await callId(bob), id, 'same callId');
    assert.equal(await bob.evaluate(() => window.callKit.store.getState().status), 'connected');
    assert.deepEqual([(await mediaStats(alice)).pcs, (await mediaStats(bob)).pcs], pcsBefore, '0 new peer connections');
    assert.deepEqual(await errors(bob), [], '0 user-visible errors');
    assert.deepEqual(await errors(alice), []);
    await assertReceivingMedia(alice, 'alice');
    // The resumed socket is bound to the call: bob's hangup reaches alice at once.
    await button(bob, 'Hang up').click();
    await waitStatus(alice, 'idle', 3000);
    assert.equal((await lastCallEnded(alice))?.cause, 'hangup');
    await assertReleased(alice, 'alice');
    await assertReleased(bob, 'bob');
    await context.close();
  });

  // Not R6: this drives the engine's restart hook directly (no network fault). R6 itself cuts the
  // media path between two network namespaces: see network-namespaces.test.ts.
  test('restartIce API: a restart on the existing connection renegotiates new ICE credentials, media recovers, still 1 PC a peer', async () => {
    const {
      context,
      pages: [alice, bob],
    } = await users(demo, ['r6alice', 'r6bob']);
    await connectCall(alice, bob, 'r6bob');
    const ufrag = () =>
      alice.evaluate(() => {
        const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed');
        return pcs.map((pc) => /a=ice-ufrag:(\S+)/.exec(pc.localDescription?.sdp ?? '')?.[1] ?? '').join(',');
      });
    const before = await ufrag();
    const pcsBefore = [(await mediaStats(alice)).pcs, (await mediaStats(bob)).pcs];
    const restartAt = Date.now();
    const restarted = await alice.evaluate(() =>
      (window.callKit.engine as unknown as Record<symbol, { restartIce(): number }>)[
        Symbol.for('callkit-elements.webrtc-engine.debug')
      ].restartIce(),
    );
    assert.equal(restarted, 1);
    await until(async () => (await ufrag()) !== before, 'new ICE credentials negotiated', 5000);
    await until(
      () =>
        alice.evaluate(() =>
          (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.some(
            (pc) => pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed',
          ),
        ),
      'ICE connected again',
      5000,
    );
    await assertReceivingMedia(bob, 'bob after the restart');
    await assertReceivingMedia(alice, 'alice after the restart');
    const recovered = Date.now() - restartAt;
    assert.ok(recovered <= 5000, `media back ${recovered} ms after the restart (<= 5 s)`);
    console.log(`restartIce API: new credentials negotiated and media rising again ${recovered} ms after restartIce()`);
    assert.equal((await engineState(alice)).iceRestarts, 1);
    assert.deepEqual([(await mediaStats(alice)).pcs, (await mediaStats(bob)).pcs], pcsBefore, 'a restart, not a rebuild');
    await button(alice, 'Hang up').click();
    await waitStatus(bob, 'idle');
    await context.close();
  });

  test('R8a: a tab closed without hangup: the other side ends within 1 s (hangup sent on pagehide)', async () => {
    const {
      context,
      pages: [alice, bob],
    } = await users(demo, ['r8alice', 'r8bob']);
    await connectCall(alice, bob, 'r8bob');
    const closedAt = Date.now();
    await bob.close({ runBeforeUnload: true });
    await waitStatus(alice, 'idle', 3000);
    const ended = Date.now() - closedAt;
    assert.equal((await lastCallEnded(alice))?.cause, 'hangup');
    assert.ok(ended <= 1000, `alice saw the end ${ended} ms after the tab closed (<= 1 s)`);
    console.log(`R8a: ended ${ended} ms after the tab closed`);
    await assertReleased(alice, 'alice');
    await context.close();
  });

  test('R10: busy within 500 ms with A-B untouched; self-call is a typed error; unknown user unavailable; no answer times out', async () => {
    const {
      context,
      pages: [alice, bob, carol],
    } = await users(demo, ['r10alice', 'r10bob', 'r10carol']);
    await connectCall(alice, bob, 'r10bob');
    const before = (await mediaStats(bob)).audioBytesReceived;
    const busy = await callUntilEnded(carol, 'r10bob');
    assert.equal(busy.cause, 'busy');
    assert.ok(busy.ms <= 500, `busy after ${busy.ms} ms (<= 500 ms)`);
    console.log(`R10: busy after ${busy.ms} ms`);
    assert.equal(await bob.getByRole('alertdialog').count(), 0, 'bob was not disturbed');
    assert.equal(await alice.evaluate(() => window.callKit.store.getState().status), 'connected');
    assert.equal(await bob.evaluate(() => window.callKit.store.getState().status), 'connected');
    await until(async () => (await mediaStats(bob)).audioBytesReceived > before, 'A-B media keeps rising');
    await assertReleased(carol, 'carol');

    const selfCall = await carol.evaluate(() =>
      window.callKit.calls({ userIDList: ['r10carol'], type: 2 }).then(
        () => null,
        (e: { code: number }) => e.code,
      ),
    );
    assert.equal(selfCall, 10017, 'SELF_CALL');
    assert.equal(await carol.evaluate(() => window.callKit.store.getState().status), 'idle');

    const unknown = await callUntilEnded(carol, 'r10nobody');
    assert.equal(unknown.cause, 'unavailable');
    assert.equal(unknown.toast, 'user-unavailable');
    await waitStatus(carol, 'idle');

    await button(alice, 'Hang up').click();
    await waitStatus(bob, 'idle');
    const dialAt = Date.now();
    await dial(carol, 'r10bob');
    await bob.getByRole('alertdialog').waitFor();
    await waitStatus(carol, 'idle', RING_TIMEOUT_S * 1000 + 3000);
    const timedOut = Date.now() - dialAt;
    await waitStatus(bob, 'idle');
    assert.equal((await lastCallEnded(carol))?.cause, 'timeout');
    assert.equal((await lastCallEnded(bob))?.cause, 'timeout');
    assert.ok(Math.abs(timedOut - RING_TIMEOUT_S * 1000) <= 1000, `timeout after ${timedOut} ms (${RING_TIMEOUT_S} s ± 1 s)`);
    await assertReleased(carol, 'carol');
    await assertReleased(bob, 'bob');
    await context.close();
  });
});

describe('server restart (R4)', { concurrency: 1 }, () => {
  test('the server is killed mid-call and back 2 s later: media flows throughout, both sides reconnect and end the lost call cleanly', async () => {
    const port = await freePort();
    const secret = randomBytes(32).toString('hex');
    let restartable = await startDemo({ port, secret, graceMs: GRACE_MS });
    try {
      const {
        context,
        pages: [alice, bob],
      } = await users(restartable, ['r4alice', 'r4bob'], { muteVite: true });
      await connectCall(alice, bob, 'r4bob');
      await restartable.close();
      const downAt = Date.now();
      for (const page of [alice, bob]) {
        await until(async () => (await changes(page)).some((c) => c.connection === 'reconnecting'), 'reconnecting shown', 3000);
      }
      // Media keeps flowing between the browsers while the server is down.
      const bytes = (await mediaStats(bob)).audioBytesReceived;
      await until(() => Date.now() - downAt >= 2000, 'server down for 2 s', 3000);
      assert.ok((await mediaStats(bob)).audioBytesReceived > bytes, 'media flowed while the server was down');
      assert.equal(await bob.evaluate(() => window.callKit.store.getState().status), 'connected');
      assert.equal(await bob.evaluate(() => window.callKit.store.getState().tip?.key), 'reconnecting');
      for (const page of [alice, bob]) await page.locator('call-view').getByText('Reconnecting…').waitFor({ timeout: 2000 });

      restartable = await startDemo({ port, secret, graceMs: GRACE_MS });
      const upAt = Date.now();
      for (const [page, who] of [
        [alice, 'alice'],
        [bob, 'bob'],
      ] as const) {
        await waitStatus(page, 'idle', 10_000);
        const ended = await lastCallEnded(page);
        assert.equal(ended?.cause, 'disconnected', `${who} ends the lost call with a reason`);
        assert.equal(await page.evaluate(() => window.callKit.store.getState().toast?.key), 'disconnected');
        await until(
          async () => (await page.evaluate(() => window.callKit.store.getState().connection)) === 'connected',
          `${who} logged in again`,
          10_000,
        );
        await assertReleased(page, who);
      }
      const recovered = Date.now() - upAt;
      assert.ok(recovered <= 5000, `both back and clean ${recovered} ms after the server came back (<= 5 s)`);
      console.log(`R4: both reconnected and ended the lost call ${recovered} ms after the restart`);
      // The session works again: a new call connects.
      await connectCall(alice, bob, 'r4bob');
      await button(alice, 'Hang up').click();
      await waitStatus(bob, 'idle');
      await context.close();
    } finally {
      await restartable.close();
    }
  });
});

/**
 * R4's long cases. The outage lengths are the row's real ones (20 s; and past the engine's 60 s give-up,
 * which the kit does not let a page scale): the 20 s case always runs, the give-up only with
 * CK_E2E_LONG=1 (nightly tier, ~70 s).
 */
describe('server restart (R4), long outages', { concurrency: 1 }, () => {
  /** A call through a server that is then killed; returns a restart function. */
  async function callThenKill(ids: [string, string]) {
    const port = await freePort();
    const secret = randomBytes(32).toString('hex');
    let server = await startDemo({ port, secret, graceMs: GRACE_MS });
    const { context, pages } = await users(server, ids, { muteVite: true });
    await connectCall(pages[0], pages[1], ids[1]);
    await server.close();
    const downAt = Date.now();
    return {
      context,
      pages,
      downAt,
      restart: async () => {
        server = await startDemo({ port, secret, graceMs: GRACE_MS });
        return Date.now();
      },
      close: () => server.close().catch(() => undefined),
    };
  }

  test(
    'server down 20 s: "reconnecting" shown the whole time, attempts follow the backoff policy, then both recover <= 5 s after it is back',
    { timeout: 90_000 },
    async () => {
      const run = await callThenKill(['r4lalice', 'r4lbob']);
      try {
        const [alice, bob] = run.pages;
        // Sampled every 250 ms for 20 s: both still in the call, "reconnecting" shown, media flowing.
        const bytes = (await mediaStats(bob)).audioBytesReceived;
        await until(
          async () => {
            for (const page of [alice, bob]) {
              const s = await page.evaluate(() => ({
                status: window.callKit.store.getState().status,
                tip: window.callKit.store.getState().tip?.key ?? null,
              }));
              if (Date.now() - run.downAt > 1000)
                assert.deepEqual(
                  s,
                  { status: 'connected', tip: 'reconnecting' },
                  `${Math.round((Date.now() - run.downAt) / 1000)} s into the outage`,
                );
            }
            return Date.now() - run.downAt >= 20_000;
          },
          'a 20 s outage',
          30_000,
        );
        assert.ok((await mediaStats(bob)).audioBytesReceived > bytes, 'media flowed during the outage');
        // Policy 0, 0.3, 1.2, 2.7, 4.8, 7, 7 s (+-20 %): attempts start at 0, 0.3, 1.5, 4.2, 9, 16 s: 6 by 20 s.
        for (const page of [alice, bob]) {
          const attempts = (await engineState(page)).reconnectAttempts;
          assert.ok(attempts >= 5 && attempts <= 7, `${attempts} reconnect attempts in 20 s (policy: 6)`);
        }
        const upAt = await run.restart();
        for (const [page, who] of [
          [alice, 'alice'],
          [bob, 'bob'],
        ] as const) {
          await waitStatus(page, 'idle', 15_000);
          assert.equal((await lastCallEnded(page))?.cause, 'disconnected', `${who} ends the lost call with a reason`);
          await until(
            async () => (await page.evaluate(() => window.callKit.store.getState().connection)) === 'connected',
            `${who} logged in again`,
            15_000,
          );
          await assertReleased(page, who);
        }
        const recovered = Date.now() - upAt;
        console.log(`R4 (20 s): both back and clean ${recovered} ms after the server came back`);
        // The next attempt after 20 s is up to 7 s (+20 %) away: that, not the 5 s of the 2 s case, bounds the recovery.
        assert.ok(recovered <= 8400 + 1000, `recovered ${recovered} ms after the server came back (<= one 7 s backoff step + 20 % + 1 s)`);
        await run.context.close();
      } finally {
        await run.close();
      }
    },
  );

  test(
    'server gone for good: give-up at 45-60 s into a failed state with an error, then a retry reconnects',
    { skip: process.env.CK_E2E_LONG ? false : 'nightly tier: set CK_E2E_LONG=1 (~70 s)', timeout: 120_000 },
    async () => {
      const run = await callThenKill(['r4galice', 'r4gbob']);
      try {
        const [alice] = run.pages;
        await until(async () => (await alice.evaluate(() => window.callKit.store.getState().connection)) === 'failed', 'gave up', 70_000);
        const gaveUp = Date.now() - run.downAt;
        const state = await alice.evaluate(() => ({
          status: window.callKit.store.getState().status,
          toast: window.callKit.store.getState().toast?.key ?? null,
        }));
        const attempts = (await engineState(alice)).reconnectAttempts;
        console.log(`R4 give-up: failed ${gaveUp} ms after the server died, after ${attempts} attempts; ${JSON.stringify(state)}`);
        // 45-60 s, with 1 s for timers on a loaded machine.
        assert.ok(gaveUp >= 45_000 && gaveUp <= 61_000, `gave up ${gaveUp} ms after the server died (45-60 s)`);
        // The policy's own count (0, 0.3, 1.5, 4.2, 9, 16, 23 ... 58 s): 10-12 by 60 s, never a storm.
        // R5 asks <= 11 in any 60 s: a give-up at 60 s allows a 12th attempt at ~58 s (reported).
        assert.ok(attempts >= 10 && attempts <= 12, `${attempts} attempts before the give-up (policy: 10-12)`);
        assert.deepEqual(state, { status: 'idle', toast: 'reconnect-failed' });
        assert.equal((await lastCallEnded(alice))?.cause, 'disconnected');
        await assertReleased(alice, 'alice');
        // Retry (the kit's API: there is no retry button yet).
        await run.restart();
        await alice.evaluate(() => window.callKit.reconnect());
        assert.equal(await alice.evaluate(() => window.callKit.store.getState().connection), 'connected');
        await run.context.close();
      } finally {
        await run.close();
      }
    },
  );
});

/**
 * R8b with its own server: ping every 1 s, a socket silent for 12 s dropped, grace 12 s (the real
 * 5 s / 15 s / 15 s, scaled to 12 s so that ICE's own, unscalable detection of the dead peer happens
 * before the end). The row's `ended` <= 20 s (15 s timeout + margin) scales to the timeout + 2 s.
 */
const R8B = { pingIntervalMs: 1000, pingTimeoutMs: 12_000, graceMs: 12_000 };
const R8B_END_MS = R8B.pingTimeoutMs + 2000;
/**
 * The row wants "peer connection lost" shown <= 6 s. Chromium's ICE itself reports a silent peer
 * only after 5.3-7.9 s on this loaded machine (its consent-check timer, not scalable from a page),
 * so the engine also watches the peer's announced audio: packets stalled for 2 s (one stats sample
 * more at most) mark the member "reconnecting" (the tile's label, the call view's tip).
 */
const PEER_LOST_MS = 6000;

/**
 * Records (page clock) when the engine's connection toward `remote` goes `disconnected` (ICE, for
 * the report) and when `page` first shows `remote` as reconnecting: the "connection lost" hint.
 */
async function recordPeerLost(page: Page, remote: string): Promise<void> {
  await page.evaluate((id) => {
    const w = window as unknown as { __shownAt?: number; __lostAt?: number };
    const debug = (window.callKit.engine as unknown as Record<symbol, { peerConnection(id: string): RTCPeerConnection | null }>)[
      Symbol.for('callkit-elements.webrtc-engine.debug')
    ];
    const pc = debug.peerConnection(id);
    pc?.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'disconnected' || pc.connectionState === 'failed') w.__lostAt ??= Date.now();
    });
    window.callKit.store.subscribe((s) => {
      const m = s.members.find((x) => x.userId === id);
      if (m?.reconnecting) w.__shownAt ??= Date.now();
    });
  }, remote);
}
const peerLost = (page: Page): Promise<{ shownAt?: number; lostAt?: number }> =>
  page.evaluate(() => {
    const w = window as unknown as { __shownAt?: number; __lostAt?: number };
    return { shownAt: w.__shownAt, lostAt: w.__lostAt };
  });

/** The member shown reconnecting <= {@link PEER_LOST_MS} after the fault (ICE's own time is reported). */
async function assertPeerLostHint(alice: Page, t0: number, label: string): Promise<string> {
  const { shownAt, lostAt } = await peerLost(alice);
  assert.ok(shownAt !== undefined, `${label}: the connection-lost hint was shown before the end`);
  assert.ok(shownAt - t0 <= PEER_LOST_MS, `${label}: "reconnecting" shown ${shownAt - t0} ms after the fault (<= ${PEER_LOST_MS} ms)`);
  return `"reconnecting" shown after ${shownAt - t0} ms; ICE disconnected after ${lostAt === undefined ? '(never)' : `${lostAt - t0} ms`}`;
}

interface Gone {
  /** ms after the fault: the server no longer holds bob's socket / the call; alice's call ended. */
  socket: number;
  call: number;
  ended: number;
}

/** Waits for the server to drop the socket and the call and for alice to end; times from `t0`. */
async function watchGone(d: Demo, alice: Page, t0: number): Promise<Gone> {
  const seen: Partial<Gone> = {};
  await until(
    async () => {
      const stats = await serverStats(d);
      const now = Date.now() - t0;
      if (stats.sockets <= 1) seen.socket ??= now;
      if (stats.calls === 0) seen.call ??= now;
      if ((await alice.evaluate(() => window.callKit.store.getState().status)) === 'idle') seen.ended ??= now;
      return seen.socket !== undefined && seen.call !== undefined && seen.ended !== undefined;
    },
    'server dropped the socket and the call, alice ended',
    R8B_END_MS + 10_000,
    async () => ({ seen, stats: await serverStats(d) }),
  );
  return seen as Gone;
}

describe('R8b: a crashed or frozen tab, detected by the server', { concurrency: 1 }, () => {
  let r8: Demo;
  before(async () => {
    r8 = await startDemo({ ...R8B, stats: true });
  });
  after(async () => {
    await r8?.close();
  });

  test('renderer crash (CDP Page.crash): the remote shows the connection lost <= 6 s and ends <= the scaled 20 s; the server frees the call', async () => {
    const {
      context,
      pages: [alice, bob],
    } = await users(r8, ['r8calice', 'r8cbob']);
    try {
      await connectCall(alice, bob, 'r8cbob');
      await recordPeerLost(alice, 'r8cbob');
      await until(async () => (await serverStats(r8)).sockets === 2, 'only the two sockets of this test');
      assert.equal((await serverStats(r8)).calls, 1);
      const cdp = await context.newCDPSession(bob);
      const crashedAt = Date.now();
      void cdp.send('Page.crash').catch(() => undefined);
      const gone = await watchGone(r8, alice, crashedAt);
      console.log(
        `R8b crash: socket closed after ${gone.socket} ms (the browser closes a crashed tab's socket), ${JSON.stringify(await peerLost(alice))} vs crash at ${crashedAt}, ` +
          `alice ended after ${gone.ended} ms, call freed after ${gone.call} ms (ping timeout ${R8B.pingTimeoutMs} ms, grace ${R8B.graceMs} ms)`,
      );
      console.log(`R8b crash: ${await assertPeerLostHint(alice, crashedAt, 'crash')}`);
      assert.equal((await lastCallEnded(alice))?.cause, 'disconnected');
      assert.ok(gone.ended <= R8B_END_MS, `ended ${gone.ended} ms after the crash (<= ${R8B_END_MS} ms)`);
      assert.ok(gone.call <= R8B_END_MS, `server freed the call ${gone.call} ms after the crash (<= ${R8B_END_MS} ms)`);
      await assertReleased(alice, 'alice');
    } finally {
      await context.close();
    }
  });

  test('frozen browser (SIGSTOP, its socket left open): dropped by the server ping timeout; the remote shows the connection lost and ends <= the scaled 20 s', async () => {
    // Bob's own browser, so the whole of it (network process included) can be frozen: nothing
    // answers the server's pings, and no FIN is sent, as with a hung machine or a dead network.
    const server = await chromium.launchServer({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
    const pid = server.process().pid;
    assert.ok(pid, 'browser pid');
    let frozen = false;
    let aliceContext: BrowserContext | undefined;
    try {
      const bobBrowser = await chromium.connect(server.wsEndpoint());
      aliceContext = await browser.newContext();
      const alice = await openUser(aliceContext, r8, 'r8halice');
      await recordConnection(alice);
      const bob = await openUser(await bobBrowser.newContext(), r8, 'r8hbob');
      await recordConnection(bob);
      await connectCall(alice, bob, 'r8hbob');
      await recordPeerLost(alice, 'r8hbob');
      await until(async () => (await serverStats(r8)).sockets === 2, 'only the two sockets of this test');
      assert.equal((await serverStats(r8)).calls, 1);
      // Playwright starts the browser detached: its process group is the browser and its children.
      process.kill(-pid, 'SIGSTOP');
      frozen = true;
      const frozenAt = Date.now();
      const gone = await watchGone(r8, alice, frozenAt);
      console.log(
        `R8b frozen: socket dropped after ${gone.socket} ms, ${JSON.stringify(await peerLost(alice))} vs freeze at ${frozenAt}, alice ended after ${gone.ended} ms, ` +
          `call freed after ${gone.call} ms (ping timeout ${R8B.pingTimeoutMs} ms, ping every ${R8B.pingIntervalMs} ms)`,
      );
      // Dropped by the ping timeout: not before the timeout, and within one ping period (+ 1 s of load) after it.
      assert.ok(gone.socket >= R8B.pingTimeoutMs - R8B.pingIntervalMs, `socket kept until the ping timeout (${gone.socket} ms)`);
      assert.ok(
        gone.socket <= R8B.pingTimeoutMs + R8B.pingIntervalMs + 1000,
        `socket dropped ${gone.socket} ms after the freeze (ping timeout ${R8B.pingTimeoutMs} ms)`,
      );
      assert.equal((await lastCallEnded(alice))?.cause, 'disconnected');
      console.log(`R8b frozen: ${await assertPeerLostHint(alice, frozenAt, 'frozen')}`);
      assert.ok(gone.ended <= R8B_END_MS, `ended ${gone.ended} ms after the freeze (<= ${R8B_END_MS} ms)`);
      assert.ok(gone.call <= R8B_END_MS, `server freed the call ${gone.call} ms after the freeze (<= ${R8B_END_MS} ms)`);
      await assertReleased(alice, 'alice');
    } finally {
      await aliceContext?.close();
      if (frozen) process.kill(-pid, 'SIGKILL');
      await server.close().catch(() => undefined);
    }
  });
});

/**
 * R9 in real browsers (the server-side rule at 100 trials is `test/unit/server-resume.test.ts`):
 * (a) crossed invites A->B and B->A with a random offset of 0-50 ms end as exactly one connected call
 * that both UIs agree on, with 0 orphan peer connections; (b) both sides toggle the camera at the
 * same moment with 0 negotiation errors and media still flowing. PR tier: 20 trials
 * (R9_TRIALS=100 for the row's full count).
 */
const R9_TRIALS = Number(process.env.R9_TRIALS ?? 20);
/** Console errors that mean a failed negotiation or toggle (a missing favicon is not one). */
const NEGOTIATION_ERROR = /toggle failed|InvalidStateError|InvalidAccessError|m-line|negotiat|setRemoteDescription|setLocalDescription/i;

type Action = { kind: 'call'; to: string } | { kind: 'toggle-camera' };

/** Starts `action` in `page` at wall-clock `at` (page clock = ours), so Node's latency is not in the offset. */
async function actAt(page: Page, at: number, action: Action): Promise<void> {
  await page.evaluate(
    ([when, act]) => {
      setTimeout(
        () => {
          if (act.kind === 'call') void window.callKit.calls({ userIDList: [act.to], type: 2 }).catch(() => undefined);
          else
            void window.callKit
              .closeCamera()
              .then(() => window.callKit.openCamera())
              .then(() => {
                const w = window as unknown as { __toggles?: number };
                w.__toggles = (w.__toggles ?? 0) + 1;
              })
              .catch((e: unknown) => console.error('toggle failed', String(e)));
        },
        Math.max(0, when - Date.now()),
      );
    },
    [at, action] as const,
  );
}

const openPcs = (page: Page) =>
  page.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed').length);
const negotiationErrors = (page: Page) =>
  page.evaluate(() => window.demoLog.filter((e) => e.type === 'ck-error').map((e) => JSON.stringify(e.detail)));

describe('glare (R9)', { concurrency: 1 }, () => {
  // Its own server without rate limits: 20+ invites a minute from one user is the point here.
  let r9: Demo;
  before(async () => {
    r9 = await startDemo({ rateLimits: false });
  });
  after(async () => {
    await r9?.close();
  });

  test(
    `(a) crossed invites with a 0-50 ms offset, ${R9_TRIALS} trials: exactly one connected call each time, both UIs agree, 0 orphan PCs`,
    { timeout: R9_TRIALS * 15_000 },
    async () => {
      const {
        context,
        pages: [alice, bob],
      } = await users(r9, ['r9alice', 'r9bob']);
      const pageErrors: string[] = [];
      for (const page of [alice, bob]) page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
      for (let trial = 0; trial < R9_TRIALS; trial++) {
        const offset = Math.floor(Math.random() * 51);
        const aliceFirst = Math.random() < 0.5;
        const at = Date.now() + 300;
        await actAt(alice, at + (aliceFirst ? 0 : offset), { kind: 'call', to: 'r9bob' });
        await actAt(bob, at + (aliceFirst ? offset : 0), { kind: 'call', to: 'r9alice' });
        // Exactly one call survives: whoever is ringing accepts it.
        let callee: Page | undefined;
        await until(
          async () => {
            for (const page of [alice, bob]) if ((await page.getByRole('alertdialog').count()) > 0) callee = page;
            return callee !== undefined;
          },
          `trial ${trial}: one side rings`,
          10_000,
        );
        await button(callee!, 'Accept').click();
        await waitStatus(alice, 'connected');
        await waitStatus(bob, 'connected');
        const ids = [await callId(alice), await callId(bob)];
        assert.equal(
          ids[0],
          ids[1],
          `trial ${trial} (offset ${offset} ms, ${aliceFirst ? 'alice' : 'bob'} first): both UIs show the same call`,
        );
        await until(
          async () => (await openPcs(alice)) === 1 && (await openPcs(bob)) === 1,
          `trial ${trial}: one open PC a side`,
          5000,
          async () => [await openPcs(alice), await openPcs(bob)],
        );
        await until(
          () =>
            alice.evaluate(() =>
              (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.some((pc) => pc.connectionState === 'connected'),
            ),
          `trial ${trial}: media connection up`,
          10_000,
        );
        assert.equal(
          (await alice.getByRole('alertdialog').count()) + (await bob.getByRole('alertdialog').count()),
          0,
          `trial ${trial}: no second ringing call`,
        );
        await button(alice, 'Hang up').click();
        await waitStatus(alice, 'idle');
        await waitStatus(bob, 'idle');
        await assertReleased(alice, 'alice');
        await assertReleased(bob, 'bob');
      }
      assert.deepEqual([...(await negotiationErrors(alice)), ...(await negotiationErrors(bob))], [], '0 kit errors');
      assert.deepEqual(
        pageErrors.filter((t) => NEGOTIATION_ERROR.test(t)),
        [],
        '0 negotiation errors in the consoles',
      );
      console.log(`R9a: ${R9_TRIALS} crossed-invite trials, each exactly one call, 0 orphan PCs`);
      await context.close();
    },
  );

  test(
    `(b) both sides toggle the camera at the same moment, ${R9_TRIALS} trials: 0 negotiation errors, media keeps flowing`,
    { timeout: R9_TRIALS * 10_000 },
    async () => {
      const {
        context,
        pages: [alice, bob],
      } = await users(r9, ['r9balice', 'r9bbob']);
      const pageErrors: string[] = [];
      for (const page of [alice, bob]) page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
      await connectCall(alice, bob, 'r9bbob');
      const sdpBefore = await alice.evaluate(
        () => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs[0].localDescription?.sdp ?? '',
      );
      for (let trial = 0; trial < R9_TRIALS; trial++) {
        const offset = Math.floor(Math.random() * 51);
        const at = Date.now() + 300;
        await actAt(alice, at, { kind: 'toggle-camera' });
        await actAt(bob, at + offset, { kind: 'toggle-camera' });
        await until(
          async () => {
            for (const page of [alice, bob]) {
              const done = await page.evaluate(() => ({
                toggles: (window as unknown as { __toggles?: number }).__toggles ?? 0,
                video: window.callKit.store.getState().self.videoAvailable,
              }));
              if (done.toggles !== trial + 1 || !done.video) return false;
            }
            return true;
          },
          `trial ${trial}: both cameras back on`,
          10_000,
        );
      }
      await assertReceivingMedia(alice, 'alice after the toggles');
      await assertReceivingMedia(bob, 'bob after the toggles');
      const pcs = await alice.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((pc) => pc.signalingState));
      assert.deepEqual(pcs, ['stable'], 'one connection, stable');
      // The toggles replace the track on the existing sender: no renegotiation, so no glare to resolve.
      const sdpAfter = await alice.evaluate(
        () => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs[0].localDescription?.sdp ?? '',
      );
      assert.equal(sdpAfter.match(/^m=/gm)?.length, sdpBefore.match(/^m=/gm)?.length, 'same m-lines');
      assert.deepEqual([...(await negotiationErrors(alice)), ...(await negotiationErrors(bob))], [], '0 kit errors');
      assert.deepEqual(
        pageErrors.filter((t) => NEGOTIATION_ERROR.test(t)),
        [],
        '0 toggle failures or negotiation errors in the consoles',
      );
      console.log(`R9b: ${R9_TRIALS} simultaneous camera toggles, 0 errors, media flowing`);
      await button(alice, 'Hang up').click();
      await waitStatus(bob, 'idle');
      await context.close();
    },
  );
});
