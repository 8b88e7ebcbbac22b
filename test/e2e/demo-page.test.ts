/** The demo page loads clean: no failed request (the favicon used to 404 on every load), no console error. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright';
import { launchBrowser, startDemo, type Demo } from './harness.js';

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

test('the demo page logs no 404 (favicon included) and no console error on load', { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => failed.push(`failed ${r.url()}`));
  page.on('console', (m) => {
    if (m.type() === 'error') failed.push(`console: ${m.text()}`);
  });
  await page.goto(`${demo.url}/?user=favicon-check`);
  await page.waitForFunction(() => window.callKit?.store.getState().loggedIn === true, null, { timeout: 20_000 });
  // Past the point where the favicon is requested: the load event plus a round trip to the server.
  await page.waitForLoadState('load');
  await page.evaluate(() => fetch('/index.html', { cache: 'no-store' }).then((r) => r.text()));
  assert.deepEqual(failed, []);
  // The icon is inline: the browser has nothing to fetch for it.
  const icon = await page.evaluate(() => document.querySelector('link[rel=icon]')?.getAttribute('href') ?? '');
  assert.match(icon, /^data:image\/svg\+xml,/);
  await page.close();
});
