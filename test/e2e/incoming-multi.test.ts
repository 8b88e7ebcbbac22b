/**
 * Several incoming calls in one page, end to end (issue 3): real Chromium pages, the real demo and
 * signaling server, the kit's own banners.
 * - Three users call one page at once (a fourth finds it busy); it answers them in turn: accept
 *   one, hang up, accept the next that still rings, decline the third; media flows on each
 *   accepted call.
 * - Call waiting (opt-in): while in a call, one further call rings with "end and accept"; using it
 *   ends the running call and connects the new one, with media.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright';
import { assertReceivingFrom, launchBrowser, openUser, startDemo, until, waitStatus, type Demo } from './harness.js';

let demo: Demo;
let browser: Browser;
const contexts: BrowserContext[] = [];

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
});
after(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await demo?.close();
});

async function users(ids: string[]): Promise<Page[]> {
  const context = await browser.newContext();
  contexts.push(context);
  const pages: Page[] = [];
  for (const id of ids) pages.push(await openUser(context, demo, id));
  return pages;
}

/** Places a video call from the page's kit (long ring timeout: the machine may be slow). */
async function call(page: Page, callee: string): Promise<void> {
  await page.evaluate((id) => window.callKit.calls({ userIDList: [id], type: 2, timeout: 180 }), callee);
  await waitStatus(page, 'calling');
}

const incomingCallers = (page: Page) => page.evaluate(() => window.callKit.store.getState().incoming.map((c) => c.callerId));
const lastEnded = (page: Page) =>
  page.evaluate(() => {
    const ended = window.demoLog.filter((e) => e.type === 'ck-call-ended');
    return (ended.at(-1)?.detail as { cause: string } | undefined)?.cause ?? null;
  });
/** The banner of `caller`'s call: an alertdialog named after the caller. */
const banner = (page: Page, caller: string) => page.getByRole('alertdialog', { name: caller, exact: true });
const bannerButton = (page: Page, caller: string, name: string) => banner(page, caller).getByRole('button', { name, exact: true });

describe('several incoming calls in one page', { concurrency: 1 }, () => {
  test('three users call at once (a fourth is busy); answered in turn: accept, hang up, accept the next, decline the third', async () => {
    const [bob, alice, carol, erin, frank] = await users(['mbob', 'malice', 'mcarol', 'merin', 'mfrank']);
    const pageTitle = await bob.title();
    await call(alice, 'mbob');
    await call(carol, 'mbob');
    await call(erin, 'mbob');
    await until(
      async () => (await incomingCallers(bob)).length === 3,
      'three calls ring at bob',
      20_000,
      () => incomingCallers(bob),
    );
    assert.deepEqual(await incomingCallers(bob), ['malice', 'mcarol', 'merin']);
    for (const caller of ['malice', 'mcarol', 'merin']) await banner(bob, caller).waitFor({ timeout: 15_000 });
    // In the top layer, as an open popover; focus went to a banner's accept button
    // (nothing had focus when the first call came; later calls do not move it off a banner).
    assert.equal(
      await bob.evaluate(() => {
        const el = document.querySelector('call-kit')?.shadowRoot?.querySelector('incoming-banner');
        return el?.shadowRoot?.querySelector('[part~=stack]')?.matches(':popover-open') ?? false;
      }),
      true,
    );
    const focused = await bob.evaluate(() => {
      let active: Element | null = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return `${(active?.closest('[part~=base]') as HTMLElement | null)?.dataset['callId'] ?? ''} ${active?.getAttribute('aria-label') ?? ''}`;
    });
    const ringingIds = await bob.evaluate(() => window.callKit.store.getState().incoming.map((c) => c.callId));
    const [focusedId, focusedName] = focused.split(' ');
    assert.ok(ringingIds.includes(focusedId ?? ''), `focus is on a ringing call's banner (${focused})`);
    assert.equal(focusedName, 'Accept');
    assert.equal(await bob.title(), 'Call from merin', 'the tab title shows the newest ringing call');
    // A fourth caller finds bob busy, at once.
    await frank.evaluate(() => window.callKit.calls({ userIDList: ['mbob'], type: 1 }).catch(() => undefined));
    await until(async () => (await lastEnded(frank)) === 'busy', 'the fourth caller gets busy');
    assert.equal((await incomingCallers(bob)).length, 3);

    // Accept alice's call from its banner.
    await bannerButton(bob, 'malice', 'Accept').click();
    await waitStatus(bob, 'connected');
    await waitStatus(alice, 'connected');
    assert.equal(await bob.evaluate(() => window.callKit.store.getState().callerId), 'malice');
    await assertReceivingFrom(bob, 'bob', ['malice']);
    await assertReceivingFrom(alice, 'alice', ['mbob']);
    // The other two still ring, at bob (as waiting calls) and at their callers.
    assert.deepEqual(await incomingCallers(bob), ['mcarol', 'merin']);
    await bannerButton(bob, 'mcarol', 'End current call and accept').waitFor({ timeout: 15_000 });
    for (const page of [carol, erin]) assert.equal(await page.evaluate(() => window.callKit.store.getState().status), 'calling');

    // Hang up: carol's call (the oldest still ringing) rings as the current one; accept it.
    await bob.getByRole('button', { name: 'Hang up', exact: true }).click();
    await until(async () => (await lastEnded(alice)) === 'hangup', "alice's call ended by bob's hang-up");
    await bannerButton(bob, 'mcarol', 'Accept').click();
    await waitStatus(bob, 'connected');
    await waitStatus(carol, 'connected');
    assert.equal(await bob.evaluate(() => window.callKit.store.getState().callerId), 'mcarol');
    await assertReceivingFrom(bob, 'bob', ['mcarol']);
    await assertReceivingFrom(carol, 'carol', ['mbob']);

    // Decline erin's (still ringing, waiting) by its own banner; carol's call goes on.
    await bannerButton(bob, 'merin', 'Decline').click();
    await until(async () => (await lastEnded(erin)) === 'rejected', "erin's call declined");
    assert.deepEqual(await incomingCallers(bob), []);
    assert.equal(await bob.evaluate(() => window.callKit.store.getState().status), 'connected');
    await assertReceivingFrom(bob, 'bob', ['mcarol']);
    await bob.getByRole('button', { name: 'Hang up', exact: true }).click();
    await waitStatus(carol, 'idle');
    await waitStatus(bob, 'idle');
    assert.equal(await bob.title(), pageTitle, 'the tab title is restored');
  });

  test('call waiting: while in a call, "end and accept" hangs up and connects the waiting call', async () => {
    const [bob, alice, carol, dave] = await users(['wbob', 'walice', 'wcarol', 'wdave']);
    // Off by default: busy at once, the call untouched.
    await call(alice, 'wbob');
    await bannerButton(bob, 'walice', 'Accept').click();
    await waitStatus(bob, 'connected');
    await dave.evaluate(() => window.callKit.calls({ userIDList: ['wbob'], type: 1 }).catch(() => undefined));
    await until(async () => (await lastEnded(dave)) === 'busy', 'busy while call waiting is off');
    assert.deepEqual(await incomingCallers(bob), []);

    // On: carol's call waits; a further one (dave) is busy.
    await bob.evaluate(() => window.callKit.enableCallWaiting(true));
    await call(carol, 'wbob');
    await until(async () => (await incomingCallers(bob)).length === 1, 'carol waits at bob');
    await dave.evaluate(() => window.callKit.calls({ userIDList: ['wbob'], type: 1 }).catch(() => undefined));
    await until(
      async () => (await dave.evaluate(() => window.demoLog.filter((e) => e.type === 'ck-call-ended').length)) === 2,
      'the second waiting call is busy',
    );
    assert.equal(await lastEnded(dave), 'busy');
    assert.equal(await bob.evaluate(() => window.callKit.store.getState().callerId), 'walice', 'the running call is untouched');
    await assertReceivingFrom(bob, 'bob', ['walice']);
    // Bob hears the call-waiting tone, not the ring (his accept click already allowed sound).
    await until(
      async () => {
        const tone = await bob.evaluate(() => window.callKit.ringtone);
        return tone.kind === 'waiting' && tone.playing && !tone.blocked;
      },
      'the call-waiting tone plays at bob',
      10_000,
      () => bob.evaluate(() => window.callKit.ringtone),
    );

    await bannerButton(bob, 'wcarol', 'End current call and accept').click();
    await until(async () => (await bob.evaluate(() => window.callKit.ringtone.kind)) === null, 'the tone stops');
    await until(async () => (await lastEnded(alice)) === 'hangup', "alice's call ended");
    await waitStatus(carol, 'connected');
    await until(async () => (await bob.evaluate(() => window.callKit.store.getState().callerId)) === 'wcarol', "bob is in carol's call");
    await waitStatus(bob, 'connected');
    await assertReceivingFrom(bob, 'bob', ['wcarol']);
    await assertReceivingFrom(carol, 'carol', ['wbob']);
    await bob.getByRole('button', { name: 'Hang up', exact: true }).click();
    await waitStatus(carol, 'idle');
  });
});
