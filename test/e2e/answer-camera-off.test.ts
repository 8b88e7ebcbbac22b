/**
 * Answering a video call with the camera off (issue 17 item 2b), between two Chromium pages through
 * the demo and the real signaling server: the callee turns off "Answer with camera on" in the
 * demo's `<incoming-banner>` (its camera preview stops) and presses Accept, which sends
 * `callKit.accept({ camera: false })`. It stays a video call: the callee sees the caller's video,
 * the caller sees the callee's avatar and decodes no video frame from them (audio flows), until the
 * camera is turned on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertReceivingMedia, dial, openUser, peerStats, until, waitStatus, useDemo } from './harness.js';

const env = useDemo();

test('the callee answers a video call with the camera off: the caller sees the avatar, then video once it is turned on', async () => {
  const context = await env.browser.newContext();
  const alice = await openUser(context, env.demo, 'alice-cam');
  const bob = await openUser(context, env.demo, 'bob-cam');
  await dial(alice, 'bob-cam');
  await bob.getByRole('alertdialog').waitFor({ timeout: 15_000 });
  // The banner's own camera preview (Chromium's fake camera), then the toggle off.
  const toggle = bob.getByRole('button', { name: 'Answer with camera on' });
  await toggle.waitFor({ timeout: 20_000 });
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  const preview = bob.locator('call-kit incoming-banner [part~=ringing-preview] video');
  await until(
    async () => (await preview.count()) === 1 && (await preview.evaluate((v: HTMLVideoElement) => v.videoWidth)) > 0,
    'the preview plays',
  );
  const sent: unknown[] = [];
  await bob.exposeFunction('__acceptDetail', (d: unknown) => sent.push(d));
  await bob.evaluate(() =>
    document.addEventListener(
      'ck-accept-request',
      (e) => (window as unknown as { __acceptDetail(d: unknown): void }).__acceptDetail((e as CustomEvent).detail),
      true,
    ),
  );
  await toggle.click();
  await until(async () => (await toggle.getAttribute('aria-pressed')) === 'false', 'the toggle is off');
  assert.equal(await preview.count(), 0, 'the preview stopped');
  await bob.getByRole('button', { name: 'Accept', exact: true }).click();
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
  assert.deepEqual(
    sent.map((d) => (d as { camera?: boolean }).camera),
    [false],
    'the banner asked for the camera off',
  );
  // Bob sends no video: Alice hears him (about 20 KB of his audio, seconds of it) and decodes no frame from him.
  const heard = async () => (await peerStats(alice, ['bob-cam']))['bob-cam']!;
  await until(async () => (await heard()).audioBytesReceived > 0, 'alice hears bob');
  const first = (await heard()).audioBytesReceived;
  await until(async () => (await heard()).audioBytesReceived > first + 20_000, 'more of his audio', 60_000);
  assert.equal((await heard()).framesDecoded, 0, 'alice decodes no video from bob');
  // Bob turns the camera on: Alice sees it.
  await bob.evaluate(() => window.callKit.openCamera());
  await until(async () => (await tileShowsVideo()) === true, "alice's tile for bob shows his video", 20_000);
  await alice.evaluate(() => window.callKit.hangup());
  await waitStatus(bob, 'idle');
  await context.close();
});
