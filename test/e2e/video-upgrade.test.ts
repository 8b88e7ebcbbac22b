/**
 * Audio -> video mid-call (issue 17 item 1), two Chromium pages on the demo through the real
 * signaling server: an audio call; alice clicks "Switch to video"; bob sees "alice2 wants to switch
 * to video" and clicks Accept: both sides turn video and decode the other's frames. Then a second
 * call where bob declines: alice gets the toast, the call stays audio and no video is sent.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import { assertReceivingMedia, assertReleased, dial, mediaStats, openUser, until, waitStatus, useDemo } from './harness.js';

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

const env = useDemo();

async function audioCall(caller: Page, callee: Page, calleeId: string): Promise<void> {
  await dial(caller, calleeId, 'audio');
  await callee.getByRole('alertdialog').waitFor({ timeout: 15_000 });
  await button(callee, 'Accept').click();
  await waitStatus(callee, 'connected');
  await waitStatus(caller, 'connected');
  await assertReceivingMedia(caller, 'caller', false);
  await assertReceivingMedia(callee, 'callee', false);
}

const mediaType = (page: Page) => page.evaluate(() => window.callKit.store.getState().mediaType);

/** Video frames decoded by `page` keep rising. */
async function decodesVideo(page: Page, who: string): Promise<void> {
  await until(async () => (await mediaStats(page)).framesDecoded > 0, `${who} decodes video`, 30_000);
  const first = (await mediaStats(page)).framesDecoded;
  await until(async () => (await mediaStats(page)).framesDecoded > first, `${who}'s decoded frames keep rising`, 30_000);
}

describe('switching an audio call to video', { concurrency: 1 }, () => {
  test('asked, accepted: both sides turn video and decode the other side; declined: the asker is told, the call stays audio', async () => {
    const context = await env.browser.newContext();
    const alice = await openUser(context, env.demo, 'alice2');
    const bob = await openUser(context, env.demo, 'bob2');

    await audioCall(alice, bob, 'bob2');
    assert.equal((await mediaStats(alice)).framesDecoded, 0, 'an audio call carries no video');
    await button(alice, 'Switch to video').click();
    const prompt = bob.getByText('alice2 wants to switch to video');
    await prompt.waitFor({ timeout: 15_000 });
    await alice.getByText('Asking bob2 to switch to video…').waitFor({ timeout: 15_000 });
    await button(bob, 'Accept').click();
    for (const page of [alice, bob]) {
      await page.waitForFunction(() => window.callKit.store.getState().mediaType === 2, null, { timeout: 15_000 });
    }
    await decodesVideo(alice, 'alice');
    await decodesVideo(bob, 'bob');
    await prompt.waitFor({ state: 'detached', timeout: 15_000 });
    for (const page of [alice, bob]) {
      const events = await page.evaluate(() => window.demoLog.filter((e) => e.type.startsWith('ck-video-request')).map((e) => e.type));
      assert.deepEqual(events, ['ck-video-request', 'ck-video-request-ended']);
    }
    await button(alice, 'Hang up').click();
    await waitStatus(alice, 'idle');
    await waitStatus(bob, 'idle');
    await assertReleased(alice, 'alice');
    await assertReleased(bob, 'bob');

    // Declined: bob asks this time? No: alice asks again, bob declines.
    await audioCall(alice, bob, 'bob2');
    await button(alice, 'Switch to video').click();
    await bob.getByText('alice2 wants to switch to video').waitFor({ timeout: 15_000 });
    await button(bob, 'Decline').click();
    await alice.getByText('bob2 declined to switch to video').waitFor({ timeout: 15_000 });
    assert.equal(await mediaType(alice), 1);
    assert.equal(await mediaType(bob), 1);
    // Alice's camera, captured for the request, is released; nothing but audio flows either way.
    await until(
      () =>
        alice.evaluate(
          () =>
            !window.callKit.store
              .getState()
              .self.stream?.getVideoTracks()
              .some((t) => t.readyState === 'live'),
        ),
      "alice's camera released",
    );
    await assertReceivingMedia(alice, 'alice', false);
    assert.equal((await mediaStats(alice)).framesDecoded, 0);
    assert.equal((await mediaStats(bob)).framesDecoded, 0);
    await button(bob, 'Hang up').click();
    await waitStatus(alice, 'idle');
    await waitStatus(bob, 'idle');
    await assertReleased(alice, 'alice');
    await assertReleased(bob, 'bob');
    await context.close();
  });
});
