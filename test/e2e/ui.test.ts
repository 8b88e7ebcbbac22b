/**
 * The call UI in real calls (two Chromium pages, the real signaling server): layout swap with the
 * picture-in-picture really painted, the dark theme, a language switch re-rendering a live call,
 * and calls that start with the camera off.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { assertReceivingMedia, dial, launchBrowser, openUser, startDemo, until, waitStatus, type Demo } from './harness.js';

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

async function connectedPair(a: string, b: string, setup?: (caller: Page, callee: Page) => Promise<void>) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const alice = await openUser(context, demo, a);
  const bob = await openUser(context, demo, b);
  await setup?.(alice, bob);
  await dial(alice, b);
  await bob.getByRole('alertdialog').waitFor({ timeout: 15_000 });
  await button(bob, 'Accept').click();
  await waitStatus(bob, 'connected');
  await waitStatus(alice, 'connected');
  return { context, alice, bob };
}

/** `participant-tile` user ids in the call view's `main` and `pip` places. */
async function places(page: Page): Promise<{ main?: string; pip?: string }> {
  return page.evaluate(`(() => {
    const view = document.querySelector('call-kit').shadowRoot.querySelector('call-view').shadowRoot;
    return {
      main: view.querySelector('[data-place=main]')?.getAttribute('user-id') ?? undefined,
      pip: view.querySelector('[data-place=pip]')?.getAttribute('user-id') ?? undefined,
    };
  })()`);
}

/**
 * Mean brightness (0-255) of what is really painted inside the picture-in-picture: a screenshot,
 * decoded in the page. A black pip (the video playing but not painted) measures near 0.
 */
async function pipBrightness(page: Page): Promise<number> {
  const rect = (await page.evaluate(`(() => {
    const pip = document.querySelector('call-kit').shadowRoot.querySelector('call-view').shadowRoot.querySelector('[part~=pip]');
    const r = pip.getBoundingClientRect();
    return { x: r.x + 16, y: r.y + 16, width: r.width - 32, height: r.height - 64 };
  })()`)) as { x: number; y: number; width: number; height: number };
  const png = (await page.screenshot({ clip: rect })).toString('base64');
  return page.evaluate(
    `(async () => {
      const blob = await (await fetch('data:image/png;base64,${png}')).blob();
      const image = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(image.width, image.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(image, 0, 0);
      const data = ctx.getImageData(0, 0, image.width, image.height).data;
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) sum += data[i] + data[i + 1] + data[i + 2];
      return sum / (data.length / 4) / 3;
    })()`,
  );
}

describe('call UI in real calls', { concurrency: 1 }, () => {
  test('1v1 video: pip painted, click-to-swap, dark theme and a language switch mid-call', async () => {
    const { context, alice, bob } = await connectedPair('uiAlice1', 'uiBob1');
    await assertReceivingMedia(alice, 'alice');
    await until(async () => (await places(alice)).pip === 'uiAlice1', 'remote large, local in the pip');
    assert.equal((await places(alice)).main, 'uiBob1');
    await until(
      async () => (await pipBrightness(alice)) > 20,
      'the local video is painted in the pip (not black)',
      10_000,
      () => pipBrightness(alice),
    );
    await until(async () => (await places(bob)).pip === 'uiBob1', "the callee's local video in its pip");
    await until(
      async () => (await pipBrightness(bob)) > 20,
      "the callee's pip is painted too",
      10_000,
      () => pipBrightness(bob),
    );

    // Click-to-swap: a real button with an accessible name over the small video.
    await button(alice, 'Swap the large and small videos').click();
    await until(async () => (await places(alice)).main === 'uiAlice1', 'local large after the swap');
    assert.equal((await places(alice)).pip, 'uiBob1');
    await until(
      async () => (await pipBrightness(alice)) > 20,
      'the remote video is painted in the pip',
      10_000,
      () => pipBrightness(alice),
    );
    await button(alice, 'Swap the large and small videos').click();
    await until(async () => (await places(alice)).main === 'uiBob1', 'swapped back');

    // Camera off and on again: a new track, a new stream; the pip must show it, not a stale black frame.
    await button(alice, 'Camera').click();
    await until(async () => (await button(alice, 'Camera').getAttribute('aria-pressed')) === 'false', 'camera off');
    await button(alice, 'Camera').click();
    await until(async () => (await button(alice, 'Camera').getAttribute('aria-pressed')) === 'true', 'camera on again');
    await until(async () => (await places(alice)).pip === 'uiAlice1', 'local video back in the pip');
    await until(
      async () => (await pipBrightness(alice)) > 20,
      'the re-opened camera is painted in the pip',
      10_000,
      () => pipBrightness(alice),
    );

    // theme="dark" on <call-kit>: the inner elements follow it.
    const toolbarColour = () =>
      bob.evaluate(`(() => {
        const view = document.querySelector('call-kit').shadowRoot.querySelector('call-view');
        return getComputedStyle(view.shadowRoot.querySelector('[part~=base]')).backgroundColor + '|' + getComputedStyle(view).colorScheme;
      })()`) as Promise<string>;
    await bob.evaluate(`document.querySelector('call-kit').setAttribute('theme', 'light')`);
    const light = await toolbarColour();
    await bob.evaluate(`document.querySelector('call-kit').setAttribute('theme', 'dark')`);
    const dark = await toolbarColour();
    assert.notEqual(dark, light, 'computed colours change with the theme');
    assert.equal(dark, 'rgb(31, 35, 41)|dark', 'the dark stage colour');
    assert.equal(light, 'rgb(238, 240, 243)|light', 'the light stage colour');

    // Language switch re-renders the live call.
    await bob.evaluate(`window.callKit.setLanguage('zh-cn')`);
    await button(bob, '挂断').waitFor({ timeout: 5000 });
    assert.equal(await button(bob, 'Hang up').count(), 0);
    await button(bob, '挂断').click();
    await waitStatus(alice, 'idle');
    await waitStatus(bob, 'idle');
    await context.close();
  });

  test('minimize and restore during a call (Document Picture-in-Picture where the browser has it)', async () => {
    const { context, alice, bob } = await connectedPair('uiAlice3', 'uiBob3', async (caller) => {
      await caller.evaluate(`window.callKit.enableFloatWindow(true)`);
    });
    await assertReceivingMedia(alice, 'alice');
    await button(alice, 'Minimize').click();
    await until(() => alice.evaluate(`window.callKit.store.getState().minimized`) as Promise<boolean>, 'minimized');
    // The float window shows the other side's video, in a Picture-in-Picture window or in the page.
    const floatVideo = `(() => {
      const fw = document.querySelector('call-kit').shadowRoot.querySelector('float-window');
      if (!fw) return null;
      const root = fw.pipWindow ? fw.pipWindow.document.querySelector('.ck-float-window-pip').shadowRoot : fw.shadowRoot;
      const video = root.querySelector('video');
      return { pip: Boolean(fw.pipWindow), playing: Boolean(video && !video.paused && video.readyState >= 2 && video.videoWidth > 0) };
    })()`;
    await until(
      async () => ((await alice.evaluate(floatVideo)) as { playing: boolean } | null)?.playing === true,
      'the minimized window plays the remote video',
    );
    const { pip } = (await alice.evaluate(floatVideo)) as { pip: boolean };
    assert.equal(
      await alice.evaluate(`getComputedStyle(document.querySelector('call-kit').shadowRoot.querySelector('call-view')).display`),
      'none',
      'the call view is hidden while minimized',
    );
    // Restore from the float window's own button.
    await alice.evaluate(`(() => {
      const fw = document.querySelector('call-kit').shadowRoot.querySelector('float-window');
      const root = fw.pipWindow ? fw.pipWindow.document.querySelector('.ck-float-window-pip').shadowRoot : fw.shadowRoot;
      root.querySelector('[part~=restore]').click();
    })()`);
    await until(async () => (await alice.evaluate(`window.callKit.store.getState().minimized`)) === false, 'restored');
    await until(async () => (await places(alice)).main === 'uiBob3', 'the call view is back with the remote video large');
    assert.equal(await alice.evaluate(`window.callKit.store.getState().status`), 'connected');
    await assertReceivingMedia(alice, 'alice');
    console.log(`minimized window: ${pip ? 'Document Picture-in-Picture' : 'in-page'}`);
    await button(alice, 'Hang up').click();
    await waitStatus(bob, 'idle');
    await context.close();
  });

  test('setCameraDefaultState(false): the call starts with the camera off', async () => {
    const { context, alice, bob } = await connectedPair('uiAlice2', 'uiBob2', async (caller) => {
      await caller.evaluate(`window.callKit.setCameraDefaultState(false)`);
    });
    await assertReceivingMedia(alice, 'alice', false);
    assert.equal(await alice.evaluate(`window.callKit.store.getState().self.videoAvailable`), false);
    await until(
      () => alice.evaluate(`window.__tracks.filter((t) => t.kind === 'video' && t.readyState === 'live').length === 0`) as Promise<boolean>,
      "alice's camera is not capturing",
    );
    await until(
      () => bob.evaluate(`window.callKit.store.getState().members[0]?.videoAvailable === false`) as Promise<boolean>,
      'bob sees the camera off',
    );
    assert.equal(await button(alice, 'Camera').getAttribute('aria-pressed'), 'false');
    await button(alice, 'Hang up').click();
    await waitStatus(bob, 'idle');
    await context.close();
  });

  test('speaker output: the call lists the outputs and plays the remote audio on the chosen one', async () => {
    const { context, alice, bob } = await connectedPair('uiAlice3', 'uiBob3');
    await assertReceivingMedia(alice, 'alice');
    // The list comes from the store's devices, read once the camera and microphone were granted.
    const outputs = (await alice.evaluate(
      `navigator.mediaDevices.enumerateDevices().then((l) => l.filter((d) => d.kind === 'audiooutput').map((d) => d.deviceId))`,
    )) as string[];
    assert.ok(outputs.length > 0, `Chromium lists audio outputs: ${JSON.stringify(outputs)}`);
    await button(alice, 'Choose speaker').click();
    const menu = alice.getByRole('group', { name: 'Audio output' });
    await menu.waitFor();
    const options = menu.getByRole('button');
    assert.equal(
      await options
        .first()
        .textContent()
        .then((t) => t?.trim().startsWith('System default')),
      true,
      'first entry: System default',
    );
    assert.equal(await options.first().getAttribute('aria-pressed'), 'true', 'the system default is the current output');
    const real = outputs.filter((id) => id !== 'default' && id !== 'communications');
    // The last entry: a real device where Chromium lists one, else the system default again.
    const target = real.at(-1) ?? 'default';
    console.log(`speaker output: Chromium lists ${JSON.stringify(outputs)}, choosing ${target}`);
    await options.last().click();
    await until(
      async () => (await alice.evaluate(`window.callKit.store.getState().settings.speakerDeviceId`)) === target,
      'the store has the chosen output',
    );
    // The remote member's audio really goes to that output: the sinkId of the tile's media element
    // ('' is the system default).
    const sinks = () =>
      alice.evaluate(`(() => {
        const view = document.querySelector('call-kit').shadowRoot.querySelector('call-view').shadowRoot;
        const tile = [...view.querySelectorAll('participant-tile')].find((t) => t.getAttribute('user-id') === 'uiBob3');
        return [...tile.shadowRoot.querySelectorAll('audio, video')].map((m) => m.sinkId);
      })()`) as Promise<string[]>;
    const expected = target === 'default' ? '' : target;
    await until(async () => (await sinks()).includes(expected), `the remote tile plays on ${target}`, 10_000, sinks);
    assert.equal(await menu.isVisible(), false, 'the list closed');
    await assertReceivingMedia(alice, 'alice');
    await button(alice, 'Hang up').click();
    await waitStatus(bob, 'idle');
    await context.close();
  });
});
