/**
 * Backgrounds through the demo (issue 17 item 3): alice presses the kit's own "Blur background"
 * button during a video call (`?backgrounds=on` shows it; the demo serves the model and WASM under
 * /callkit-backgrounds/); bob's decoded frames lose detail in the corner (the fake camera has no
 * person: all background) and keep coming; pressing it again brings the sharp picture back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import { dial, instrument, until, waitStatus, useDemo } from './harness.js';
import { NAME_SHIM } from './churn.js';

const env = useDemo();

/** Median detail (mean neighbour luma difference) in the top-left sixteenth of the video bob receives, and frames decoded. */
const remoteCorner = (page: Page) =>
  page.evaluate(async () => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __probe?: HTMLVideoElement };
    const pc = w.__pcs.find((p) => p.connectionState === 'connected')!;
    const receiver = pc.getReceivers().find((r) => r.track.kind === 'video')!;
    let video = w.__probe;
    if (!video || (video.srcObject as MediaStream).getVideoTracks()[0] !== receiver.track) {
      video = document.createElement('video');
      video.muted = true;
      video.srcObject = new MediaStream([receiver.track]);
      await video.play();
      w.__probe = video;
    }
    const values: number[] = [];
    for (let n = 0; n < 5; n++) {
      await new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(video, 0, 0);
      const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let sum = 0;
      let count = 0;
      for (let y = 0; y < height / 4; y++) {
        for (let x = 0; x < width / 4; x++) {
          const i = (y * width + x) * 4;
          const l = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
          const r = i + 4;
          const d = i + width * 4;
          sum += Math.abs(l - (0.299 * data[r]! + 0.587 * data[r + 1]! + 0.114 * data[r + 2]!));
          sum += Math.abs(l - (0.299 * data[d]! + 0.587 * data[d + 1]! + 0.114 * data[d + 2]!));
          count += 2;
        }
      }
      values.push(sum / count);
    }
    values.sort((a, b) => a - b);
    let decoded = 0;
    (await pc.getStats()).forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') decoded += s.framesDecoded ?? 0;
    });
    return { detail: values[2]!, decoded };
  });

async function open(user: string): Promise<Page> {
  const context = await env.browser.newContext();
  await context.addInitScript(NAME_SHIM);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${user}] page error:`, error));
  await page.addInitScript(instrument);
  await page.goto(`${env.demo.url}/?user=${user}&backgrounds=on`);
  await page.waitForFunction(() => window.callKit?.store.getState().loggedIn === true, null, { timeout: 20_000 });
  return page;
}

test(
  'the blur button blurs what the other side decodes, frames keep coming; pressing it again restores',
  { timeout: 240_000 },
  async () => {
    const alice = await open('bg-alice');
    const bob = await open('bg-bob');
    await dial(alice, 'bg-bob');
    await bob.getByRole('alertdialog').waitFor({ timeout: 15_000 });
    await bob.getByRole('button', { name: 'Accept', exact: true }).click();
    await waitStatus(bob, 'connected');
    await waitStatus(alice, 'connected');
    await until(async () => (await remoteCorner(bob)).decoded > 10, 'bob decodes video', 20_000);
    const raw = (await remoteCorner(bob)).detail;
    assert.ok(raw > 0.5, `the fake camera has detail in the corner (${raw})`);

    const blur = alice.getByRole('button', { name: 'Blur background', exact: true });
    await blur.click();
    await until(() => alice.evaluate(() => window.callKit.store.getState().settings.blurBackground), 'the store says blurred', 60_000);
    assert.equal(await blur.getAttribute('aria-pressed'), 'true');
    let blurred = raw;
    await until(
      async () => {
        blurred = (await remoteCorner(bob)).detail;
        return blurred < raw * 0.6;
      },
      'bob decodes blurred frames',
      60_000,
    );
    const before = (await remoteCorner(bob)).decoded;
    await until(async () => (await remoteCorner(bob)).decoded > before + 10, 'frames keep coming while blurred', 30_000);
    console.log(`corner detail at bob: raw ${raw.toFixed(2)}, blurred ${blurred.toFixed(2)}`);

    await blur.click();
    await until(
      async () => !(await alice.evaluate(() => window.callKit.store.getState().settings.blurBackground)),
      'the store says not blurred',
      30_000,
    );
    await until(async () => (await remoteCorner(bob)).detail > Math.max(blurred * 4, raw * 0.3), 'bob decodes sharp frames again', 60_000);

    await alice.getByRole('button', { name: 'Hang up', exact: true }).click();
    await waitStatus(alice, 'idle');
    await waitStatus(bob, 'idle');
  },
);
