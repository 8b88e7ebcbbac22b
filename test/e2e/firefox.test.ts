/**
 * Issue 17 item 7: a Chromium user and a Firefox user call each other through the demo (the real
 * signaling server), each driving the page the way a user does: the form to dial, the kit's own
 * buttons to answer, decline and hang up. Firefox is Debian's firefox-esr over WebDriver BiDi
 * (test/e2e/firefox-harness.ts), with its fake camera and microphone.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright';
import type { Browser as FirefoxBrowser } from 'puppeteer-core';
import {
  assertReceivingMedia,
  assertReleased,
  dial,
  lastCallEnded,
  launchBrowser,
  openUser,
  startDemo,
  waitStatus,
  type Demo,
} from './harness.js';
import {
  asEvaluator,
  clickButton,
  dialFirefox,
  launchFirefox,
  openFirefoxUser,
  waitStatusFirefox,
  type FirefoxPage,
} from './firefox-harness.js';

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

let demo: Demo;
let chromium: Browser;
let firefox: FirefoxBrowser;
let context: BrowserContext;
before(async () => {
  demo = await startDemo();
  chromium = await launchBrowser();
  firefox = await launchFirefox();
  context = await chromium.newContext();
});
after(async () => {
  await context?.close();
  await chromium?.close();
  await firefox?.close();
  await demo?.close();
});

/** The video codec `page` decodes (mimeType of its inbound video), '' when none. */
async function receivedVideoCodec(page: Page): Promise<string> {
  return page.evaluate(async () => {
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      const codecs = new Map<string, string>();
      const inbound: string[] = [];
      report.forEach((s: { type: string; id: string; kind?: string; codecId?: string; mimeType?: string }) => {
        if (s.type === 'codec' && s.mimeType) codecs.set(s.id, s.mimeType);
        if (s.type === 'inbound-rtp' && s.kind === 'video' && s.codecId) inbound.push(s.codecId);
      });
      const found = inbound.map((id) => codecs.get(id)).find(Boolean);
      if (found) return found;
    }
    return '';
  });
}

async function pair(tag: string): Promise<{ chrome: Page; fox: FirefoxPage; chromeId: string; foxId: string }> {
  const chromeId = `chrome-${tag}`;
  const foxId = `fox-${tag}`;
  const chrome = await openUser(context, demo, chromeId);
  const fox = await openFirefoxUser(firefox, demo, foxId);
  return { chrome, fox, chromeId, foxId };
}

describe('Chromium and Firefox call each other', { concurrency: 1 }, () => {
  test('Chromium calls Firefox: video both ways; Firefox hangs up; both idle, nothing left live', async () => {
    const { chrome, fox, foxId } = await pair('a');
    await dial(chrome, foxId);
    await clickButton(fox, 'Accept');
    await waitStatusFirefox(fox, 'connected');
    await waitStatus(chrome, 'connected');
    await assertReceivingMedia(chrome, 'the Chromium user');
    await assertReceivingMedia(asEvaluator(fox), 'the Firefox user');
    const codecs = { chromium: await receivedVideoCodec(chrome), firefox: await receivedVideoCodec(asEvaluator(fox)) };
    console.log(`video codec received: ${JSON.stringify(codecs)}`);
    assert.ok(codecs.chromium && codecs.firefox, 'both decode video');
    await clickButton(fox, 'Hang up');
    await waitStatusFirefox(fox, 'idle');
    await waitStatus(chrome, 'idle');
    assert.equal((await lastCallEnded(chrome))?.cause, 'hangup');
    await assertReleased(chrome, 'the Chromium user');
    await assertReleased(asEvaluator(fox), 'the Firefox user');
    await chrome.close();
    await fox.close();
  });

  test('Firefox calls Chromium: video both ways; Chromium hangs up', async () => {
    const { chrome, fox, chromeId } = await pair('b');
    await dialFirefox(fox, chromeId);
    await chrome.getByRole('alertdialog').waitFor({ timeout: 15_000 });
    await button(chrome, 'Accept').click();
    await waitStatus(chrome, 'connected');
    await waitStatusFirefox(fox, 'connected');
    await assertReceivingMedia(chrome, 'the Chromium user');
    await assertReceivingMedia(asEvaluator(fox), 'the Firefox user');
    await button(chrome, 'Hang up').click();
    await waitStatus(chrome, 'idle');
    await waitStatusFirefox(fox, 'idle');
    assert.equal((await lastCallEnded(asEvaluator(fox)))?.cause, 'hangup');
    await assertReleased(chrome, 'the Chromium user');
    await assertReleased(asEvaluator(fox), 'the Firefox user');
    await chrome.close();
    await fox.close();
  });

  test('Firefox declines a call from Chromium; Chromium declines a call from Firefox', async () => {
    const { chrome, fox, chromeId, foxId } = await pair('c');
    await dial(chrome, foxId);
    await clickButton(fox, 'Decline');
    await waitStatus(chrome, 'idle');
    await waitStatusFirefox(fox, 'idle');
    assert.equal((await lastCallEnded(chrome))?.cause, 'rejected');
    await assertReleased(chrome, 'the Chromium user');

    await dialFirefox(fox, chromeId);
    await chrome.getByRole('alertdialog').waitFor({ timeout: 15_000 });
    await button(chrome, 'Decline').click();
    await waitStatusFirefox(fox, 'idle');
    await waitStatus(chrome, 'idle');
    assert.equal((await lastCallEnded(asEvaluator(fox)))?.cause, 'rejected');
    await assertReleased(asEvaluator(fox), 'the Firefox user');
    await chrome.close();
    await fox.close();
  });
});
