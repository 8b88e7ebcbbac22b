/**
 * README screenshots of the real UI (`npm run screenshots`): starts the demo (dev server + signaling),
 * two Chromium pages with fake camera and microphone make a real call, in the light and the dark
 * theme; writes docs/screenshots/{incoming,call}-{light,dark}.png (the incoming call: the demo page;
 * the call: the `<call-kit>` element).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright';
import { assertReceivingFrom, dial, launchBrowser, openUser, startDemo, waitStatus } from '../test/e2e/harness.js';

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
mkdirSync(out, { recursive: true });

const demo = await startDemo();
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 }, deviceScaleFactor: 1 });
  const alice = await openUser(context, demo, 'alice');
  const bob = await openUser(context, demo, 'bob');
  await Promise.all([alice, bob].map((p) => p.evaluate("window.callKit.setSelfInfo({ nickName: document.title.split(' ')[0] === 'alice' ? 'Alice' : 'Bob' })")));

  /** The `<call-kit>` box, or the whole page (the incoming banner floats over the page). */
  const shoot = async (page: Page, name: string, what: 'element' | 'page' = 'element') => {
    // Let transitions settle on a frame (no fixed wait: two rendered frames).
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    if (what === 'page') await page.screenshot({ path: `${out}${name}.png`, clip: { x: 0, y: 0, width: 1000, height: 240 } });
    else await page.locator('call-kit').screenshot({ path: `${out}${name}.png` });
    console.log(`docs/screenshots/${name}.png`);
  };

  for (const scheme of ['light', 'dark'] as const) {
    for (const page of [alice, bob]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate(`document.querySelector('call-kit').setAttribute('theme', '${scheme}')`);
    }
    await dial(alice, 'bob');
    await waitStatus(bob, 'calling');
    await bob.getByRole('button', { name: 'Accept', exact: true }).waitFor();
    await shoot(bob, `incoming-${scheme}`, 'page');
    await bob.getByRole('button', { name: 'Accept', exact: true }).click();
    await waitStatus(alice, 'connected');
    await waitStatus(bob, 'connected');
    await assertReceivingFrom(alice, 'alice', ['bob']);
    await shoot(alice, `call-${scheme}`);
    await alice.evaluate('window.callKit.hangup()');
    await waitStatus(alice, 'idle');
    await waitStatus(bob, 'idle');
  }
} finally {
  await browser.close();
  await demo.close();
}
