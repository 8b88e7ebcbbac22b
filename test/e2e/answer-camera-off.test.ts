/**
 * Answering a video call with the camera off (issue 17 item 2b), between two Chromium pages through
 * the demo and the real signaling server: the callee answers with `callKit.accept({ camera: false })`
 * (what `<call-view>`'s "Answer with camera on" toggle sends while the call rings; the demo's
 * `<call-kit>` answers from its banner, which has no preview). It stays a video call: the callee
 * sees the caller's video, the caller sees the callee's avatar, not video, until the camera is
 * turned on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertReceivingMedia, dial, openUser, until, waitStatus, useDemo } from './harness.js';

const env = useDemo();

test('the callee answers a video call with the camera off: the caller sees the avatar, then video once it is turned on', async () => {
  const context = await env.browser.newContext();
  const alice = await openUser(context, env.demo, 'alice-cam');
  const bob = await openUser(context, env.demo, 'bob-cam');
  await dial(alice, 'bob-cam');
  await bob.getByRole('alertdialog').waitFor({ timeout: 15_000 });
  await bob.evaluate(() => window.callKit.accept({ camera: false }));
  await waitStatus(bob, 'connected');
  await waitStatus(alice, 'connected');
  // Bob still sees Alice's video.
  await assertReceivingMedia(bob, 'bob');
  const bobSelf = await bob.evaluate(() => {
    const s = window.callKit.store.getState();
    return { mediaType: s.mediaType, video: s.self.videoAvailable, audio: s.self.audioAvailable };
  });
  assert.deepEqual(bobSelf, { mediaType: 2, video: false, audio: true }, "bob's own state: video call, camera off, microphone on");
  const tileShowsVideo = () =>
    alice.evaluate(() => {
      const tile = document
        .querySelector('call-kit')
        ?.shadowRoot?.querySelector('call-view')
        ?.shadowRoot?.querySelector('participant-tile[user-id="bob-cam"]');
      return tile ? tile.matches(':state(video)') : null;
    });
  await until(
    async () =>
      (await alice.evaluate(() => window.callKit.store.getState().members.find((m) => m.userId === 'bob-cam')?.videoAvailable)) === false,
    'alice knows bob has no video',
  );
  assert.equal(await tileShowsVideo(), false, "alice's tile for bob shows the avatar, not video");
  // Bob turns the camera on: Alice sees it.
  await bob.evaluate(() => window.callKit.openCamera());
  await until(async () => (await tileShowsVideo()) === true, "alice's tile for bob shows his video", 20_000);
  await alice.evaluate(() => window.callKit.hangup());
  await waitStatus(bob, 'idle');
  await context.close();
});
