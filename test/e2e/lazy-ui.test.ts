/**
 * Issue 18 (pay for what you use) in the real demo: the call view is not loaded when a page logs in,
 * it loads while the call rings (so it is defined before the callee accepts), and the call connects
 * with media both ways. When its module cannot be fetched, the callee sees a readable error (with
 * "Try again" and "Hang up", the latter proven in test/browser/lazy-elements.test.ts) instead of a
 * stuck screen, and "Try again" loads it once the network is back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { assertReceivingMedia, assertReleased, dial, launchBrowser, openUser, startDemo, waitStatus, type Demo } from './harness.js';

const CALL_VIEW_MODULE = '**/components/call-view/call-view.ts*';
/** The default engine's media half (`src/engine/webrtc/media-half.ts`). */
const CALL_MEDIA_MODULE = '**/src/engine/webrtc/call-media.ts*';
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const defined = (page: Page, tag: string) => page.evaluate((t) => customElements.get(t) !== undefined, tag);

let demo: Demo;
let browser: Browser;
before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await demo?.close();
});

describe('the call UI loaded on first use', { concurrency: 1 }, () => {
  test('logged in without the call view; it loads while ringing; the call connects', async () => {
    const context = await browser.newContext();
    const alice = await openUser(context, demo, 'lazy-alice1');
    const bob = await openUser(context, demo, 'lazy-bob1');
    const fetched: string[] = [];
    const media: string[] = [];
    bob.on('request', (r) => {
      if (r.url().includes('/components/call-view/')) fetched.push(r.url());
      if (r.url().includes('/src/engine/webrtc/call-media.ts')) media.push(r.url());
    });
    for (const page of [alice, bob]) {
      assert.equal(await defined(page, 'call-kit'), true, '<call-kit> is there from the start');
      assert.equal(await defined(page, 'incoming-banner'), true);
      assert.equal(await defined(page, 'call-view'), false, 'the call view is not loaded at login');
    }
    assert.deepEqual(fetched, []);
    assert.deepEqual(media, [], "the engine's media half is not loaded at login");
    await dial(alice, 'lazy-bob1');
    await bob.getByRole('alertdialog').waitFor({ timeout: 15_000 });
    // Prefetched while ringing: defined before the user accepts.
    await bob.waitForFunction(() => customElements.get('call-view') !== undefined, null, { timeout: 15_000 });
    assert.equal(await bob.evaluate(() => window.callKit.store.getState().status), 'calling', 'still ringing');
    assert.ok(fetched.length > 0, 'the call view module was fetched on demand');
    await bob.waitForRequest((r) => r.url().includes('/src/engine/webrtc/call-media.ts'), { timeout: 15_000 }).catch(() => undefined);
    assert.ok(media.length > 0, "the engine's media half was prefetched while ringing");
    await button(bob, 'Accept').click();
    await waitStatus(bob, 'connected');
    await waitStatus(alice, 'connected');
    await assertReceivingMedia(alice, 'alice');
    await assertReceivingMedia(bob, 'bob');
    assert.equal(await bob.locator('participant-tile').count(), 2, 'the call view shows both tiles');
    await button(alice, 'Hang up').click();
    await waitStatus(alice, 'idle');
    await waitStatus(bob, 'idle');
    await assertReleased(alice, 'alice');
    await assertReleased(bob, 'bob');
    await context.close();
  });

  test('the call view cannot be fetched: a readable error with "Hang up" and "Try again", not a stuck UI', async () => {
    const context = await browser.newContext();
    const alice = await openUser(context, demo, 'lazy-alice2');
    const bob = await openUser(context, demo, 'lazy-bob2');
    await bob.route(CALL_VIEW_MODULE, (route) => route.abort('internetdisconnected'));
    await dial(alice, 'lazy-bob2');
    await bob.getByRole('alertdialog').waitFor({ timeout: 15_000 });
    await button(bob, 'Accept').click();
    await waitStatus(bob, 'connected');
    const alert = bob.getByRole('alert').filter({ hasText: 'Could not load the call screen' });
    await alert.waitFor({ timeout: 15_000 });
    assert.equal(await defined(bob, 'call-view'), false);
    const errors = await bob.evaluate(() => window.demoLog.filter((e) => e.type === 'ck-error').map((e) => JSON.stringify(e.detail)));
    assert.ok(
      errors.some((e) => e.includes('Could not load <call-view>')),
      errors.join('\n'),
    );
    // The call is still up underneath (media flows); "Try again" with the network back shows it.
    await assertReceivingMedia(bob, 'bob');
    await bob.unroute(CALL_VIEW_MODULE);
    await button(bob, 'Try again').click();
    // (Chromium does not keep a failed module fetch in its module map: the import is tried again.)
    await bob.waitForFunction(() => customElements.get('call-view') !== undefined, null, { timeout: 15_000 });
    await bob.locator('participant-tile').first().waitFor({ timeout: 15_000 });
    assert.equal(await alert.count(), 0, 'the error gave way to the call view');
    await button(bob, 'Hang up').click();
    await waitStatus(bob, 'idle');
    await waitStatus(alice, 'idle');
    await assertReleased(bob, 'bob');
    await context.close();
  });

  test("the engine's media half cannot be fetched: accepting says so, the call keeps ringing, accepting again connects", async () => {
    const context = await browser.newContext();
    const alice = await openUser(context, demo, 'lazy-alice3');
    const bob = await openUser(context, demo, 'lazy-bob3');
    await bob.route(CALL_MEDIA_MODULE, (route) => route.abort('internetdisconnected'));
    await dial(alice, 'lazy-bob3');
    const banner = bob.getByRole('alertdialog');
    await banner.waitFor({ timeout: 15_000 });
    await button(bob, 'Accept').click();
    await bob.waitForFunction(() => window.callKit.store.getState().toast?.key === 'load-failed', null, { timeout: 15_000 });
    const errors = await bob.evaluate(() => window.demoLog.filter((e) => e.type === 'ck-error').map((e) => JSON.stringify(e.detail)));
    assert.ok(
      errors.some((e) => e.includes('could not load the call media code')),
      errors.join('\n'),
    );
    assert.equal(await bob.evaluate(() => window.callKit.store.getState().status), 'calling', 'still ringing');
    await banner.waitFor({ timeout: 5_000 });
    await bob.unroute(CALL_MEDIA_MODULE);
    await button(bob, 'Accept').click();
    await waitStatus(bob, 'connected');
    await waitStatus(alice, 'connected');
    await assertReceivingMedia(bob, 'bob');
    await button(alice, 'Hang up').click();
    await waitStatus(alice, 'idle');
    await waitStatus(bob, 'idle');
    await assertReleased(alice, 'alice');
    await assertReleased(bob, 'bob');
    await context.close();
  });
});
