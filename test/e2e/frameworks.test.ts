/**
 * The same elements in three hosts (examples/): a React user (the @lit/react wrappers) calls a Vue
 * user, then invites a plain-HTML user who joins. Everyone logs in and answers through the examples'
 * own UI; media flows between every pair, and each framework's event handler saw the call
 * (`onCkStatusChanged` in React, `@ck-status-changed` in Vue, `addEventListener` in plain HTML).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright';
import { assertReceivingFrom, launchBrowser, startDemo, waitStatus, type Demo } from './harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface LogEntry {
  type: string;
  status: string;
}

describe('examples: React, Vue and plain HTML hosts in one call', { timeout: 240_000 }, () => {
  let demo: Demo;
  let browser: Browser;
  const pages: Page[] = [];

  before(async () => {
    demo = await startDemo({ configFile: `${root}/examples/vite.config.ts` });
    browser = await launchBrowser();
  });
  after(async () => {
    for (const page of pages) await page.evaluate('window.callKit?.hangup?.().catch(() => undefined)').catch(() => undefined);
    await browser?.close();
    await demo?.close();
  });

  /** Opens an example (its own browser context) and logs in through its form. */
  async function open(example: 'react' | 'vue' | 'plain', user: string): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`[${example}/${user}] page error:`, error));
    pages.push(page);
    await page.goto(`${demo.url}/examples/${example}/`);
    await page.getByLabel('User ID').fill(user);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForFunction('window.callKit?.store.getState().loggedIn === true', null, { timeout: 30_000 });
    await page
      .getByRole('status')
      .filter({ hasText: `Logged in as ${user}` })
      .waitFor({ timeout: 10_000 });
    return page;
  }

  const answer = async (page: Page) => {
    await waitStatus(page, 'calling', 20_000);
    await page.getByRole('button', { name: 'Accept', exact: true }).click();
  };
  const log = (page: Page) => page.evaluate('window.ckLog') as Promise<LogEntry[]>;

  it('React calls Vue, plain HTML joins: media flows and every host sees the events', async () => {
    const react = await open('react', 'alice');
    const vue = await open('vue', 'bob');
    const plain = await open('plain', 'carol');
    // Before any call, no host logged a status change (the logs are filled only by the handlers).
    for (const page of [react, vue, plain]) assert.deepEqual(await log(page), []);

    await react.getByLabel('Call').fill('bob');
    await react.getByRole('button', { name: 'Video call' }).click();
    await answer(vue);
    await waitStatus(react, 'connected', 20_000);
    await waitStatus(vue, 'connected', 20_000);
    await assertReceivingFrom(react, 'alice (React)', ['bob'], true, 30_000);
    await assertReceivingFrom(vue, 'bob (Vue)', ['alice'], true, 30_000);

    await react.evaluate("window.callKit.inviteUser({ userIDList: ['carol'] })");
    await answer(plain);
    await waitStatus(plain, 'connected', 20_000);
    await assertReceivingFrom(plain, 'carol (plain)', ['alice', 'bob'], true, 30_000);
    await assertReceivingFrom(react, 'alice (React)', ['bob', 'carol'], true, 30_000);
    await assertReceivingFrom(vue, 'bob (Vue)', ['alice', 'carol'], true, 30_000);

    // Each framework's handler got the kit's events, in order: ringing/dialing, then connected.
    for (const [name, page] of [
      ['React onCkStatusChanged', react],
      ['Vue @ck-status-changed', vue],
      ['plain addEventListener', plain],
    ] as const) {
      const entries = await log(page);
      assert.ok(
        entries.every((e) => e.type === 'ck-status-changed'),
        `${name}: ${JSON.stringify(entries)}`,
      );
      const statuses = entries.map((e) => e.status);
      assert.ok(
        statuses.indexOf('calling') >= 0 && statuses.indexOf('calling') < statuses.indexOf('connected'),
        `${name}: ${statuses.join(' → ')}`,
      );
    }
    // The hosts render the status their handler wrote (React state, Vue ref, DOM text).
    await vue.getByRole('status').filter({ hasText: 'bob: ' }).waitFor({ timeout: 5_000 });
    await react.getByRole('status').filter({ hasText: 'alice: ' }).waitFor({ timeout: 5_000 });
    await plain.getByRole('status').filter({ hasText: 'carol: ' }).waitFor({ timeout: 5_000 });

    // Hang up from React's UI: everyone's handlers see the call end.
    await react
      .getByRole('button', { name: /hang up/i })
      .first()
      .click();
    await waitStatus(react, 'idle', 20_000);
    await react.waitForFunction("window.ckLog.at(-1)?.status === 'idle'", null, { timeout: 10_000 });
  });
});
