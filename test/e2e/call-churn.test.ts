/**
 * R1 (reliability.md §5.1, PR tier N = 30; `npm run bench:churn` runs N = 200): 30 sequential video
 * calls between one pair of pages through the kit API. After each call and at the end: 0 open peer
 * connections, 0 live tracks, the engine's debugState counters, listeners and kit store subscriptions
 * back to their idle values, the server registry at 0 calls and 0 timers; exactly one peer connection
 * created per call on each side. The demo runs with rate limits off (30 invites exceed 10 a minute).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright';
import { launchBrowser, openUser, serverStats, startDemo, type Demo } from './harness.js';
import { churn, countListeners, NAME_SHIM } from './churn.js';

const N = Number(process.env.R1_CALLS ?? 30);

let demo: Demo;
let browser: Browser;
let context: BrowserContext;
before(async () => {
  demo = await startDemo({ rateLimits: false, stats: true });
  browser = await launchBrowser();
});
after(async () => {
  await context?.close();
  await browser?.close();
  await demo?.close();
});

describe('R1: churn and leaks', () => {
  test(`${N} calls in one pair of pages leave nothing behind`, async (t) => {
    context = await browser.newContext();
    await context.addInitScript(NAME_SHIM);
    await context.addInitScript(countListeners);
    const alice = await openUser(context, demo, 'r1alice');
    const bob = await openUser(context, demo, 'r1bob');
    const started = Date.now();
    const run = await churn(demo, alice, bob, 'r1bob', N);
    const [a, b] = run.end;
    assert.equal(run.calls.length, N);
    // The counters saw every call (checked in churn(): 1 open PC, live tracks, more elements and subscriptions).
    const [da, db] = run.calls[0].during;
    assert.equal(da.openPcs + db.openPcs, 2);
    assert.ok(da.storeSubscriptions > run.base[0].storeSubscriptions && db.kitElements > run.base[1].kitElements);
    assert.equal(a.pcsCreated, N, 'one peer connection per call (caller)');
    assert.equal(b.pcsCreated, N, 'one peer connection per call (callee)');
    assert.equal(a.openPcs + b.openPcs + a.liveTracks + b.liveTracks, 0);
    for (const side of [a, b])
      for (const k of ['peers', 'localTracks', 'audioContexts', 'pendingRequests', 'heldInvitations'])
        assert.equal(side.engine[k], 0, `engine.${k}`);
    const server = await serverStats(demo);
    assert.deepEqual({ calls: server.calls, timers: server.timers }, { calls: 0, timers: 0 });
    const media = run.calls.map((c) => c.media).sort((x, y) => x - y);
    t.diagnostic(
      `${N} calls in ${((Date.now() - started) / 1000).toFixed(1)} s; accept -> frames both sides median ${media[Math.floor(N / 2)]} ms; ` +
        `per call ${JSON.stringify(run.calls.slice(0, 3).map(({ during: _during, ...c }) => c))}; ` +
        `during call 1 caller ${JSON.stringify({ pcs: da.openPcs, tracks: da.liveTracks, listeners: da.listeners, subs: da.storeSubscriptions, elements: da.kitElements })}; idle counters caller ${JSON.stringify({ listeners: a.listeners, subs: a.storeSubscriptions, engine: a.engine })}; server ${JSON.stringify(server)}`,
    );
  });
});
