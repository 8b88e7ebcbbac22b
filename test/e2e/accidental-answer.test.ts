/**
 * An incoming call is never answered by accident (issue 22), on the real demo: the callee is typing
 * in a text field when a video call arrives. The banner announces the call but leaves focus in the
 * field; the Enter and Space the user goes on typing stay in the field; the call keeps ringing on
 * both sides. The user then reaches the banner on purpose with the shortcut and answers from the
 * keyboard: the call connects with media.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { assertReceivingMedia, dial, launchBrowser, openUser, startDemo, until, waitStatus, type Demo } from './harness.js';

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

/** The focused element, through shadow roots: `TAG label`. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return `${active?.tagName ?? ''} ${active?.getAttribute('aria-label') ?? ''}`.trim();
  });

describe('an incoming call while typing', { concurrency: 1 }, () => {
  test('keeps focus and text in the field, keeps ringing; the shortcut then reaches Accept', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    try {
      const alice = await openUser(context, demo, 'typealice');
      const bob = await openUser(context, demo, 'typebob');
      // A chat box on Bob's page (the host app's own field).
      await bob.evaluate(() => {
        const box = document.createElement('textarea');
        box.id = 'chat';
        box.setAttribute('aria-label', 'Message');
        document.querySelector('main')!.prepend(box);
      });
      await bob.focus('#chat');
      await bob.keyboard.type('hello wor');
      await dial(alice, 'typebob');
      await bob.getByRole('alertdialog').waitFor({ timeout: 15_000 });
      assert.equal(await focused(bob), 'TEXTAREA Message', 'the banner did not take focus from the field');
      // Still typing: a word, Enter, Space, a word.
      await bob.keyboard.type('ld');
      await bob.keyboard.press('Enter');
      await bob.keyboard.press('Space');
      await bob.keyboard.type('ok');
      assert.equal(await bob.inputValue('#chat'), 'hello world\n ok', 'every key reached the field');
      assert.equal(await focused(bob), 'TEXTAREA Message');
      const status = await bob.evaluate(() => window.callKit.store.getState().status);
      assert.equal(status, 'calling', 'bob still rings');
      assert.equal(await alice.evaluate(() => window.callKit.store.getState().status), 'calling', 'alice still waits');
      // The call was announced, with the way to reach it.
      await until(
        () =>
          bob
            .getByRole('status')
            .filter({ hasText: 'Press Alt+Shift+A to go to the call' })
            .count()
            .then((n) => n > 0),
        'the live region names the shortcut',
      );

      // On purpose now: the shortcut moves focus to Accept, and Enter answers once the guard is over.
      await bob.keyboard.press('Alt+Shift+A');
      assert.equal(await focused(bob), 'BUTTON Accept');
      await until(async () => {
        if ((await bob.evaluate(() => window.callKit.store.getState().status)) === 'connected') return true;
        await bob.keyboard.press('Enter');
        return false;
      }, 'Enter on the focused Accept answers after the guard');
      await waitStatus(alice, 'connected');
      await assertReceivingMedia(bob, 'bob');
      assert.equal(await bob.inputValue('#chat'), 'hello world\n ok', 'the field kept its text');
      await bob.getByRole('button', { name: 'Hang up', exact: true }).first().click();
      await waitStatus(alice, 'idle');
    } finally {
      await context.close();
    }
  });
});
