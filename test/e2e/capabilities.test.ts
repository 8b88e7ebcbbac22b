/**
 * A browser without WebRTC (issue 21): an init script deletes `RTCPeerConnection` from one demo
 * page, as some WebViews and locked-down browsers ship. That page's `init` fails with
 * UNSUPPORTED_BROWSER naming what is missing; with `stayReachable` it logs in and declines every
 * invitation, so the caller reads "the other side's browser cannot take calls". Neither side is ever
 * `connected`. And Tencent unreachable (every non-local host unresolvable and every request to it
 * aborted, as behind a firewall or offline): `init({ engine: 'tencent' })` rejects within its bound.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { lastCallEnded, launchBrowser, openUser, startDemo, until, type Demo } from './harness.js';

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

/** Every status the page's kit went through (`ck-status-changed`). */
const statuses = (page: Page): Promise<string[]> =>
  page.evaluate(() => window.demoLog.filter((e) => e.type === 'ck-status-changed').map((e) => (e.detail as { status: string }).status));

describe('a page without RTCPeerConnection', { concurrency: 1 }, () => {
  test('init fails with unsupported-browser; with stayReachable the caller is told, and nobody connects', async () => {
    const context = await browser.newContext();
    const alice = await openUser(context, demo, 'alice');

    const bob = await context.newPage();
    bob.on('pageerror', (error) => console.error('[bob] page error:', error));
    await bob.addInitScript(() => {
      delete (window as { RTCPeerConnection?: unknown }).RTCPeerConnection;
      delete (window as { webkitRTCPeerConnection?: unknown }).webkitRTCPeerConnection;
    });
    await bob.goto(`${demo.url}/?user=bob`);
    // The demo's own login (plain init) fails, and says why.
    await bob.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Login failed'), null, { timeout: 15_000 });
    assert.match((await bob.textContent('#status')) ?? '', /RTCPeerConnection/);
    const capabilities = await bob.evaluate(() => window.callKit.getCapabilities());
    assert.deepEqual({ canCall: capabilities.canCall, missing: capabilities.missing }, { canCall: false, missing: ['RTCPeerConnection'] });

    // The same init with stayReachable logs in; the typed error of a plain one is UNSUPPORTED_BROWSER.
    const outcome = await bob.evaluate(async () => {
      const { sdkAppId, userSig } = (await (await fetch('/ck/dev-usersig?user=bob')).json()) as { sdkAppId: number; userSig: string };
      const server = `ws://${location.host}/ck`;
      const plain = await window.callKit.init({ SDKAppID: sdkAppId, userID: 'bob', userSig, server }).then(
        () => null,
        (e: { code: number; reason?: string; name: string }) => ({ code: e.code, reason: e.reason, name: e.name }),
      );
      await window.callKit.init({ SDKAppID: sdkAppId, userID: 'bob', userSig, server, stayReachable: true });
      return { plain, loggedIn: window.callKit.store.getState().loggedIn };
    });
    assert.deepEqual(outcome, { plain: { code: 10023, reason: 'unsupported-browser', name: 'CallKitError' }, loggedIn: true });

    // Alice calls bob: bob's page declines instead of ringing; alice reads why.
    await alice.evaluate(() => window.callKit.calls({ userIDList: ['bob'], type: 2 }));
    await until(
      () =>
        alice.evaluate(() =>
          window.demoLog.some((e) => e.type === 'ck-call-ended' && (e.detail as { cause: string }).cause === 'unsupported'),
        ),
      'alice: the call ended with cause unsupported',
    );
    await alice.waitForFunction(() => window.callKit.store.getState().toast?.key === 'other-side-unsupported', null, { timeout: 5_000 });
    assert.equal(await alice.evaluate(() => window.callKit.store.getState().status), 'idle');
    assert.ok(!(await statuses(alice)).includes('connected'), 'alice was never connected');
    assert.deepEqual(await statuses(bob), [], 'bob never rang nor connected');
    assert.equal(await bob.evaluate(() => window.callKit.store.getState().incoming.length), 0);

    // Bob cannot place a call either; his toast is an i18n key, not a raw message.
    const placing = await bob.evaluate(() =>
      window.callKit.calls({ userIDList: ['alice'], type: 1 }).then(
        () => null,
        (e: { code: number }) => e.code,
      ),
    );
    assert.equal(placing, 10023);
    assert.equal(await bob.evaluate(() => window.callKit.store.getState().toast?.key), 'browser-unsupported');
    await context.close();
  });
});

describe('a page whose RTCPeerConnection fails', { concurrency: 1 }, () => {
  test('accepting there ends the call on both sides with one cause, and the caller is never connected', async () => {
    const context = await browser.newContext();
    const alice = await openUser(context, demo, 'alice');
    const bob = await context.newPage();
    bob.on('pageerror', (error) => console.error('[bob] page error:', error));
    // RTCPeerConnection is there (the capability check passes) but no connection can be made, as
    // with a WebView whose WebRTC is disabled by policy or a broken build.
    // A script as text: the test's transpiler would wrap a function or class with a helper the page lacks.
    await bob.addInitScript({
      content: `{
        const Native = window.RTCPeerConnection;
        const Failing = function (config) {
          new Native(config).close();
          throw new DOMException('peer connections are disabled here', 'NotSupportedError');
        };
        Failing.prototype = Native.prototype;
        window.RTCPeerConnection = Failing;
      }`,
    });
    await bob.goto(`${demo.url}/?user=bob`);
    await bob.waitForFunction(() => window.callKit?.store.getState().loggedIn === true, null, { timeout: 20_000 });

    await alice.evaluate(() => window.callKit.calls({ userIDList: ['bob'], type: 2 }));
    await bob.waitForFunction(() => window.callKit.store.getState().status === 'calling', null, { timeout: 15_000 });
    const accepted = await bob.evaluate(() =>
      window.callKit.accept().then(
        () => null,
        (e: { code: number }) => e.code,
      ),
    );
    const explain = () =>
      Promise.all(
        [alice, bob].map((page) =>
          page.evaluate(() => ({ status: window.callKit.store.getState().status, log: window.demoLog.map((e) => e.type) })),
        ),
      );
    await until(() => alice.evaluate(() => window.callKit.store.getState().status === 'idle'), 'alice: the call ended', 20_000, explain);
    await until(() => bob.evaluate(() => window.callKit.store.getState().status === 'idle'), 'bob: the call ended');
    const causes = await Promise.all([alice, bob].map((page) => lastCallEnded(page).then((e) => e?.cause)));
    assert.equal(causes[0], causes[1], `one cause on both sides (alice ${causes[0]}, bob ${causes[1]})`);
    assert.equal(causes[0], 'unsupported');
    assert.notEqual(accepted, null, 'accept rejected');
    assert.ok(!(await statuses(alice)).includes('connected'), 'alice was never connected');
    assert.ok(!(await statuses(bob)).includes('connected'), 'bob was never connected');
    await alice.waitForFunction(() => window.callKit.store.getState().toast?.key === 'other-side-unsupported', null, { timeout: 5_000 });
    await context.close();
  });
});

describe('Tencent unreachable', { concurrency: 1 }, () => {
  test("init({ engine: 'tencent' }) rejects with CONNECTION_FAILED within its bound instead of hanging", async () => {
    // Name resolution fails for every host but this machine's, as in the report (offline laptop).
    const offline = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: [...chromiumArgs, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'],
    });
    try {
      const page = await offline.newPage();
      await page.route(
        (url) => !['localhost', '127.0.0.1'].includes(url.hostname),
        (route) => route.abort('internetdisconnected'),
      );
      await page.goto(`${demo.url}/`);
      await page.waitForFunction(() => Boolean(window.callKit));
      const outcome = await page.evaluate(async () => {
        const started = performance.now();
        const result = await window.callKit
          .init({ engine: 'tencent', SDKAppID: 1400000001, userID: 'alice', userSig: 'not-reachable-anyway' })
          .then(
            () => null,
            (e: { code: number; reason?: string; name: string }) => ({ code: e.code, reason: e.reason, name: e.name }),
          );
        return { result, ms: performance.now() - started, loggedIn: window.callKit.store.getState().loggedIn };
      });
      assert.deepEqual(outcome.result, { code: 10021, reason: 'login-timeout', name: 'CallKitError' });
      assert.equal(outcome.loggedIn, false);
      // The chat SDK never answers its login here: the engine's 20 s bound ends it (the kit's 30 s is the backstop).
      assert.ok(outcome.ms < 25_000, `settled after ${Math.round(outcome.ms)} ms (bound: 20 s chat login)`);
    } finally {
      await offline.close();
    }
  });
});
