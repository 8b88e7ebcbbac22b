/**
 * Ringtones under the browser's real autoplay policy: this Chromium is launched WITHOUT
 * --autoplay-policy=no-user-gesture-required, so a page nobody clicked may not play sound.
 * The callee's ring is then held back, <call-kit> shows "Tap to turn on sound", and the first click
 * starts the ring (the <audio> really plays: not paused).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { dial, openUser, startDemo, until, waitStatus, type Demo } from './harness.js';

interface Ring {
  loggedIn: boolean;
  status: string;
  kind: string | null;
  blocked: boolean;
  playing: boolean;
  activated: boolean;
}

let demo: Demo;
let browser: Browser;
before(async () => {
  demo = await startDemo();
  const args = chromiumArgs.filter((a) => !a.startsWith('--autoplay-policy'));
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args });
});
after(async () => {
  await browser?.close();
  await demo?.close();
});

describe('ringtone and autoplay', { concurrency: 1 }, () => {
  test('the ring is blocked until the first click, then plays; it stops when the call is answered', async () => {
    const context = await browser.newContext();
    const alice = await openUser(context, demo, 'ring-alice');
    // Playwright's evaluate() and locators run with a user gesture, which would lift the autoplay
    // block: until the click, bob's page is only watched through what it logs (an init script).
    const bob = await context.newPage();
    const reports: Ring[] = [];
    bob.on('console', (m) => {
      if (m.text().startsWith('RING ')) reports.push(JSON.parse(m.text().slice(5)) as Ring);
    });
    await bob.addInitScript(() => {
      let last = '';
      setInterval(() => {
        const kit = (window as { callKit?: typeof window.callKit }).callKit;
        if (!kit) return;
        const r = kit.ringtone;
        const report = JSON.stringify({
          loggedIn: kit.store.getState().loggedIn,
          status: kit.store.getState().status,
          kind: r.kind,
          blocked: r.blocked,
          playing: r.playing,
          activated: navigator.userActivation.hasBeenActive,
        });
        if (report !== last) console.log(`RING ${(last = report)}`);
      }, 50);
    });
    await bob.goto(`${demo.url}/?user=ring-bob`);
    await until(() => reports.at(-1)?.loggedIn === true, 'bob logged in', 20_000);
    await dial(alice, 'ring-bob', 'audio');
    // The caller clicked (dialing): the ringback plays.
    await until(() => alice.evaluate(() => window.callKit.ringtone.playing), 'alice hears the ringback');
    await until(
      () => reports.at(-1)?.blocked === true,
      "bob's ring is blocked by the autoplay policy",
      15_000,
      async () => reports.at(-1),
    );
    const blocked = reports.at(-1)!;
    assert.deepEqual(blocked, { loggedIn: true, status: 'calling', kind: 'ringing', blocked: true, playing: false, activated: false });
    const soundButton = bob.getByRole('button', { name: 'Tap to turn on sound', exact: true });
    await soundButton.click();
    await until(() => bob.evaluate(() => window.callKit.ringtone.playing), "bob's ring plays after the first click");
    const ring = await bob.evaluate(() => window.callKit.ringtone);
    assert.equal(ring.kind, 'ringing');
    assert.equal(ring.blocked, false);
    await soundButton.waitFor({ state: 'detached', timeout: 5_000 });
    await bob.getByRole('button', { name: 'Accept', exact: true }).click();
    await waitStatus(bob, 'connected');
    assert.deepEqual(await bob.evaluate(() => ({ kind: window.callKit.ringtone.kind, playing: window.callKit.ringtone.playing })), {
      kind: null,
      playing: false,
    });
    await until(() => alice.evaluate(() => window.callKit.ringtone.kind === null), "alice's ringback stopped");
    await context.close();
  });
});
