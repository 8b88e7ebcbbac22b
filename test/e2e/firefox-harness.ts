/**
 * Firefox pages for the end-to-end tests: Debian's firefox-esr (or $FIREFOX_PATH) driven by
 * puppeteer-core over WebDriver BiDi, with the same instrumentation as the Chromium pages
 * (`instrument` of harness.ts), so the harness's media checks read both.
 */
import * as puppeteer from 'puppeteer-core';
import type { Browser, Page } from 'puppeteer-core';
import type { Page as PlaywrightPage } from 'playwright';
import { firefoxLaunchOptions } from '../../scripts/firefox.mjs';
import { instrument, type Demo, type Status } from './harness.js';

export type FirefoxPage = Page;

export async function launchFirefox(): Promise<Browser> {
  return puppeteer.launch(firefoxLaunchOptions());
}

/** A logged-in demo page of `user` in its own tab of `browser`. */
export async function openFirefoxUser(browser: Browser, demo: Demo, user: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`[${user}, Firefox] page error:`, error));
  if (process.env.E2E_DEBUG) page.on('console', (m) => console.log(`[${user}, Firefox] ${m.type()}: ${m.text()}`));
  await page.evaluateOnNewDocument(instrument);
  await page.goto(`${demo.url}/?user=${user}`);
  await page.waitForFunction(() => window.callKit?.store.getState().loggedIn === true, { timeout: 20_000 });
  return page;
}

export async function waitStatusFirefox(page: Page, status: Status, timeout = 15_000): Promise<void> {
  await page.waitForFunction((s) => window.callKit.store.getState().status === s, { timeout }, status);
}

/**
 * Clicks (real pointer input) the visible button named `name` (its aria-label, else its text),
 * searched through open shadow roots: puppeteer's ARIA selectors need CDP's accessibility tree.
 */
export async function clickButton(page: Page, name: string, timeout = 15_000): Promise<void> {
  const handle = await page.waitForFunction(
    (wanted: string) => {
      // No named inner functions: tsx would wrap them in a helper the page does not have.
      const roots: (Document | ShadowRoot)[] = [document];
      while (roots.length) {
        for (const el of roots.shift()!.querySelectorAll('*')) {
          if (el instanceof HTMLButtonElement) {
            const label = el.getAttribute('aria-label') ?? el.textContent?.trim();
            if (label === wanted && el.getClientRects().length > 0 && !el.disabled) return el;
          }
          if (el.shadowRoot) roots.push(el.shadowRoot);
        }
      }
      return null;
    },
    { timeout },
    name,
  );
  const button = handle.asElement();
  if (!button) throw new Error(`no button "${name}"`);
  await (button as import('puppeteer-core').ElementHandle<Element>).click();
  await handle.dispose();
}

/** Starts a call from the demo page's own form. */
export async function dialFirefox(page: Page, callee: string, type: 'video' | 'audio' = 'video'): Promise<void> {
  await page.locator('#callee').fill(callee);
  await page.select('#call-type', type === 'video' ? '2' : '1');
  await page.locator('#call-button').click();
  await waitStatusFirefox(page, 'calling');
}

/**
 * The harness's media checks (mediaStats, assertReceivingMedia, assertReleased, lastCallEnded) only
 * call `page.evaluate(fn)` without arguments, which both drivers take alike: the Firefox page is
 * handed to them through this view.
 */
export function asEvaluator(page: Page): PlaywrightPage {
  return { evaluate: (fn: () => unknown) => page.evaluate(fn) } as unknown as PlaywrightPage;
}
