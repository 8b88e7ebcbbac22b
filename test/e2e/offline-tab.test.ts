/**
 * Issue 14 item 7 (R5/R7) end to end, two Chromium pages through the demo server:
 * - a killed tab (renderer crash, no `pagehide`): a new page of the same user ends the orphaned
 *   call at once (the other side does not wait out the grace) and can call and be called at once;
 * - the browser going offline and online (Playwright's network emulation fires `offline`/`online`)
 *   mid-call keeps the call (same call id, media flowing), and while idle keeps the user reachable.
 * The grace period is 30 s here, so "at once" is far from it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright';
import { assertReceivingMedia, dial, lastCallEnded, launchBrowser, openUser, startDemo, until, waitStatus, type Demo } from './harness.js';

const GRACE_MS = 30_000;

let demo: Demo;
let browser: Browser;
const contexts: BrowserContext[] = [];
before(async () => {
  demo = await startDemo({ graceMs: GRACE_MS });
  browser = await launchBrowser();
});
after(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await demo?.close();
});

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const callId = (page: Page): Promise<string> => page.evaluate(() => window.callKit.store.getState().callId);

async function userIn(id: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  contexts.push(context);
  return { context, page: await openUser(context, demo, id) };
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

describe('offline, online and killed tabs', { concurrency: 1 }, () => {
  test('a killed tab: the new page ends the orphaned call at once and can call and be called', async () => {
    const alice = await userIn('alice1');
    const bob = await userIn('bob1');
    await connectCall(alice.page, bob.page, 'bob1');
    // Kill bob's renderer: no pagehide, so no hangup; the server keeps bob's place for the grace.
    const cdp = await bob.context.newCDPSession(bob.page);
    const crashed = new Promise<void>((resolve) => bob.page.once('crash', () => resolve()));
    void cdp.send('Page.crash').catch(() => undefined);
    await crashed;
    await until(
      async () => (await alice.page.evaluate(() => window.callKit.store.getState().status)) === 'connected',
      'alice still in the call',
    );
    const t0 = Date.now();
    const bob2 = await openUser(bob.context, demo, 'bob1');
    await waitStatus(alice.page, 'idle', GRACE_MS / 2);
    const endedAfter = Date.now() - t0;
    assert.ok(endedAfter < GRACE_MS / 2, `alice told ${endedAfter} ms after bob's new page opened (grace ${GRACE_MS} ms)`);
    assert.equal((await lastCallEnded(alice.page))?.cause, 'disconnected');
    // The new page calls at once, and is called at once.
    await dial(bob2, 'alice1', 'audio');
    await alice.page.getByRole('alertdialog').waitFor({ timeout: 15_000 });
    await button(alice.page, 'Decline').click();
    await waitStatus(bob2, 'idle');
    await dial(alice.page, 'bob1', 'audio');
    await bob2.getByRole('alertdialog').waitFor({ timeout: 15_000 });
    await button(bob2, 'Decline').click();
    await waitStatus(alice.page, 'idle');
    console.log(`killed tab: the other side told ${endedAfter} ms after the new page's login (grace ${GRACE_MS} ms)`);
  });

  test('offline then online mid-call keeps the call; offline then online while idle keeps the user reachable', async () => {
    const alice = await userIn('alice2');
    const bob = await userIn('bob2');
    await connectCall(alice.page, bob.page, 'bob2');
    const before = await callId(bob.page);
    // Count the signaling sockets bob's page opens, and how many exist right after the engine's
    // own `online` listener ran (it was added at login, so it runs before this one).
    await bob.page.evaluate(() => {
      const w = window as unknown as { __ck: number; __atOnline: number[]; __states: string[] };
      w.__ck = 0;
      w.__atOnline = [];
      w.__states = [];
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          if (String(url).includes('/ck')) w.__ck++;
        }
      } as typeof WebSocket;
      window.addEventListener('online', () => w.__atOnline.push(w.__ck));
      window.callKit.engine?.on('onConnectionStateChanged', ({ state }) => w.__states.push(state));
    });
    // The network goes away: the emulation blocks new sockets; the server drops bob's socket (as a
    // dead network would), so bob reconnects with backoff and every attempt fails while offline.
    await bob.context.setOffline(true);
    await until(async () => (await bob.page.evaluate(() => navigator.onLine)) === false, 'bob offline');
    assert.equal((await (await fetch(`${demo.url}/ck/dev-drop?user=bob2`)).json()).dropped, 1);
    await until(
      async () => (await bob.page.evaluate(() => (window as unknown as { __ck: number }).__ck)) >= 3,
      'bob retried twice while offline',
      20_000,
    );
    const tries = await bob.page.evaluate(() => (window as unknown as { __ck: number }).__ck);
    await bob.context.setOffline(false);
    await until(
      async () => (await bob.page.evaluate(() => (window as unknown as { __atOnline: number[] }).__atOnline.length)) > 0,
      'online event',
    );
    const atOnline = await bob.page.evaluate(() => (window as unknown as { __atOnline: number[] }).__atOnline[0]);
    assert.ok(atOnline > tries, `a new attempt at once on online (${tries} sockets before, ${atOnline} right after)`);
    await until(
      async () => (await bob.page.evaluate(() => window.callKit.store.getState().connection)) === 'connected',
      'bob signaling connected',
      20_000,
    );
    assert.equal(await callId(bob.page), before, 'the same call');
    console.log(
      `offline/online mid-call: ${tries} sockets while offline, ${atOnline} right after online; states ${JSON.stringify(await bob.page.evaluate(() => (window as unknown as { __states: string[] }).__states))}`,
    );
    await waitStatus(bob.page, 'connected');
    await waitStatus(alice.page, 'connected');
    await assertReceivingMedia(alice.page, 'alice after bob came back');
    await assertReceivingMedia(bob.page, 'bob after coming back');
    await button(bob.page, 'Hang up').click();
    await waitStatus(alice.page, 'idle');
    // Idle: offline and online again, then bob is called.
    await bob.context.setOffline(true);
    await until(async () => (await bob.page.evaluate(() => navigator.onLine)) === false, 'bob offline (idle)');
    await bob.context.setOffline(false);
    await until(
      async () => (await bob.page.evaluate(() => window.callKit.store.getState().connection)) === 'connected',
      'bob connected (idle)',
      20_000,
    );
    await dial(alice.page, 'bob2', 'audio');
    await bob.page.getByRole('alertdialog').waitFor({ timeout: 15_000 });
    await button(bob.page, 'Decline').click();
    await waitStatus(alice.page, 'idle');
  });
});
