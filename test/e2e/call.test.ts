/**
 * A real 1v1 call between Chromium pages through the real signaling server, driven the way a user
 * drives the demo: the page's form to dial, the kit's own buttons to answer and hang up.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import {
  assertReceivingMedia,
  assertReleased,
  dial,
  lastCallEnded,
  launchBrowser,
  mediaStats,
  openUser,
  startDemo,
  until,
  waitStatus,
  type Demo,
} from './harness.js';

const LABEL = {
  accept: 'Accept',
  reject: 'Decline',
  hangup: 'Hang up',
  microphone: 'Microphone',
  camera: 'Camera',
};

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

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

async function pair(users: string[]) {
  const context = await browser.newContext();
  const pages: Page[] = [];
  for (const user of users) pages.push(await openUser(context, demo, user));
  return { context, pages };
}

async function ringAndAccept(caller: Page, callee: Page, calleeId: string, type: 'video' | 'audio' = 'video') {
  await dial(caller, calleeId, type);
  const banner = callee.getByRole('alertdialog');
  await banner.waitFor({ timeout: 15_000 });
  await button(callee, LABEL.accept).click();
  await waitStatus(callee, 'connected');
  await waitStatus(caller, 'connected');
}

describe('1v1 call', { concurrency: 1 }, () => {
  test('accept: video and audio flow both ways; hang-up returns both to idle and releases everything', async () => {
    const {
      context,
      pages: [alice, bob],
    } = await pair(['alice1', 'bob1']);
    await dial(alice, 'bob1');
    const banner = bob.getByRole('alertdialog');
    await banner.waitFor({ timeout: 15_000 });
    const bannerText = await banner.innerText();
    assert.match(bannerText, /alice1/, 'the banner names the caller');
    assert.match(bannerText, /video/i, 'the banner says it is a video call');
    const ringing = await bob.evaluate(() => window.callKit.ringtone.kind);
    assert.equal(ringing, 'ringing', "bob's tab rings");
    await button(bob, LABEL.accept).click();
    await waitStatus(bob, 'connected');
    await waitStatus(alice, 'connected');
    await assertReceivingMedia(alice, 'alice');
    await assertReceivingMedia(bob, 'bob');
    for (const [page, other] of [
      [alice, 'bob1'],
      [bob, 'alice1'],
    ] as const) {
      const view = await page.evaluate(() => window.callKit.store.getState().members.map((m) => m.userId));
      assert.deepEqual(view, [other], 'a 1v1 call shows exactly the other side');
      const statuses = await page.evaluate(() =>
        window.demoLog.filter((e) => e.type === 'ck-status-changed').map((e) => (e.detail as { newStatus: string }).newStatus),
      );
      assert.equal(statuses.at(-1), 'calling-c2c-video');
    }
    assert.equal(await alice.locator('participant-tile').count(), 2, 'two tiles: remote large, local small');
    assert.equal(await bob.evaluate(() => window.callKit.ringtone.kind), null, 'the ring stopped');
    await button(alice, LABEL.hangup).click();
    await waitStatus(alice, 'idle');
    await waitStatus(bob, 'idle');
    await assertReleased(alice, 'alice');
    await assertReleased(bob, 'bob');
    assert.equal((await lastCallEnded(bob))?.cause, 'hangup');
    await context.close();
  });

  test('hang up from the callee side', async () => {
    const {
      context,
      pages: [alice, bob],
    } = await pair(['alice2', 'bob2']);
    await ringAndAccept(alice, bob, 'bob2', 'audio');
    await assertReceivingMedia(alice, 'alice', false);
    await assertReceivingMedia(bob, 'bob', false);
    await button(bob, LABEL.hangup).click();
    await waitStatus(alice, 'idle');
    await waitStatus(bob, 'idle');
    assert.equal((await lastCallEnded(alice))?.cause, 'hangup');
    await assertReleased(alice, 'alice');
    await assertReleased(bob, 'bob');
    await context.close();
  });

  test('reject: the caller is told the callee declined; both idle', async () => {
    const {
      context,
      pages: [alice, bob],
    } = await pair(['alice3', 'bob3']);
    await dial(alice, 'bob3');
    await bob.getByRole('alertdialog').waitFor();
    await button(bob, LABEL.reject).click();
    await waitStatus(alice, 'idle');
    await waitStatus(bob, 'idle');
    assert.equal((await lastCallEnded(alice))?.cause, 'rejected');
    assert.equal(await alice.evaluate(() => window.callKit.store.getState().toast?.key), 'other-side-reject-call');
    await assertReleased(alice, 'alice');
    await context.close();
  });

  test('the caller cancels while it rings', async () => {
    const {
      context,
      pages: [alice, bob],
    } = await pair(['alice4', 'bob4']);
    await dial(alice, 'bob4');
    await bob.getByRole('alertdialog').waitFor();
    await button(alice, LABEL.hangup).click();
    await waitStatus(bob, 'idle');
    await waitStatus(alice, 'idle');
    assert.equal((await lastCallEnded(bob))?.cause, 'cancelled');
    assert.equal(await bob.evaluate(() => window.callKit.store.getState().toast?.key), 'other-side-cancelled');
    assert.equal(await bob.getByRole('alertdialog').count(), 0, 'the banner is gone');
    await assertReleased(alice, 'alice');
    await context.close();
  });

  test('busy: a third user calling someone in a call gets busy; the call goes on', async () => {
    const {
      context,
      pages: [alice, bob, carol],
    } = await pair(['alice5', 'bob5', 'carol5']);
    await ringAndAccept(alice, bob, 'bob5');
    await dial(carol, 'bob5');
    await waitStatus(carol, 'idle');
    assert.equal((await lastCallEnded(carol))?.cause, 'busy');
    assert.equal(await carol.evaluate(() => window.callKit.store.getState().toast?.key), 'other-side-line-busy');
    assert.equal(await bob.getByRole('alertdialog').count(), 0, 'bob was not disturbed');
    await assertReceivingMedia(bob, 'bob');
    await assertReceivingMedia(alice, 'alice');
    assert.equal(await alice.evaluate(() => window.callKit.store.getState().status), 'connected');
    await button(alice, LABEL.hangup).click();
    await waitStatus(bob, 'idle');
    await context.close();
  });

  test('camera off shows the avatar on the other side; microphone off is reported', async () => {
    const {
      context,
      pages: [alice, bob],
    } = await pair(['alice6', 'bob6']);
    await ringAndAccept(alice, bob, 'bob6');
    await assertReceivingMedia(bob, 'bob');
    await until(() => bob.evaluate(() => window.callKit.store.getState().members[0]?.videoAvailable === true), 'bob sees alice video');
    await button(alice, LABEL.camera).click();
    await until(
      () => bob.evaluate(() => window.callKit.store.getState().members[0]?.videoAvailable === false),
      'bob is told the camera is off',
    );
    const tile = bob.locator('participant-tile').filter({ hasText: 'alice6' }).first();
    await tile.locator('[part~="avatar"]').waitFor({ state: 'visible' });
    assert.equal(
      await alice.evaluate(
        () =>
          (window as unknown as { __tracks: MediaStreamTrack[] }).__tracks.filter((t) => t.kind === 'video' && t.readyState === 'live')
            .length,
      ),
      0,
      "alice's camera is really off",
    );
    await button(alice, LABEL.microphone).click();
    await until(
      () => bob.evaluate(() => window.callKit.store.getState().members[0]?.audioAvailable === false),
      'bob is told the microphone is off',
    );
    await button(bob, LABEL.hangup).click();
    await waitStatus(alice, 'idle');
    await context.close();
  });

  test('two tabs of one user both ring; accepting on one stops the other', async () => {
    const {
      context,
      pages: [alice, bobTab1, bobTab2],
    } = await pair(['alice7', 'bob7', 'bob7']);
    await dial(alice, 'bob7');
    await bobTab1.getByRole('alertdialog').waitFor();
    await bobTab2.getByRole('alertdialog').waitFor();
    await button(bobTab2, LABEL.accept).click();
    await waitStatus(bobTab2, 'connected');
    await waitStatus(bobTab1, 'idle');
    assert.equal((await lastCallEnded(bobTab1))?.cause, 'answered-elsewhere');
    await assertReceivingMedia(bobTab2, 'bob tab 2');
    const tab1 = await mediaStats(bobTab1);
    assert.equal(tab1.openPcs, 0, 'the other tab holds no connection');
    await button(alice, LABEL.hangup).click();
    await waitStatus(bobTab2, 'idle');
    await context.close();
  });
});

describe('ring timeout', { concurrency: 1 }, () => {
  let shortDemo: Demo;
  before(async () => {
    shortDemo = await startDemo({ ringTimeoutS: 1.5 });
  });
  after(async () => {
    await shortDemo?.close();
  });

  test('nobody answers: both sides end with a timeout', async () => {
    const context = await browser.newContext();
    const alice = await openUser(context, shortDemo, 'alice8');
    const bob = await openUser(context, shortDemo, 'bob8');
    await dial(alice, 'bob8');
    await bob.getByRole('alertdialog').waitFor();
    await waitStatus(alice, 'idle');
    await waitStatus(bob, 'idle');
    assert.equal((await lastCallEnded(alice))?.cause, 'timeout');
    assert.equal(await alice.evaluate(() => window.callKit.store.getState().toast?.key), 'call-timeout');
    assert.equal((await lastCallEnded(bob))?.cause, 'timeout');
    await assertReleased(alice, 'alice');
    await context.close();
  });
});
