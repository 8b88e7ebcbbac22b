/**
 * The comparator of the visual tests catches what it must: identical renders pass, a one-step
 * colour change of a `--ck-*` token fails, and so does a single pixel changed by one unit when the
 * allowance is zero. Needs storybook-static (npm run build-storybook) and Chromium; no baselines.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright';
import { comparePngs, DEFAULT_MAX_DIFF_PIXELS, encodePng } from './compare.js';
import { FONT_PACKAGES } from './fonts.js';
import { launch, openStory, serveStorybook, shoot, snapshotContext } from './harness.js';

const STORY = 'elements-call-kit--audio-1-v-1';
let server: Awaited<ReturnType<typeof serveStorybook>> | undefined;
let browser: Browser | undefined;
let page: Page;

before(async () => {
  server = await serveStorybook();
  browser = await launch();
  page = await (await snapshotContext(browser)).newPage();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const render = async () => {
  await openStory(page, server!.url, STORY, { dir: 'ltr', viewport: 'desktop', theme: 'light' });
  return shoot(page, 'light');
};

test('two renders of a story are identical: the comparison passes with 0 differing pixels', async () => {
  const first = await render();
  const second = await render();
  const result = comparePngs(first, second);
  assert.equal(result.diffPixels, 0, result.reason);
  assert.equal(result.pass, true);
  assert.equal(result.diff, null);
});

test('a --ck-* token one step off (#e54545 -> #e54546) fails the comparison and yields a diff image', async () => {
  const baseline = await render();
  // The hang-up colour, one unit more blue, set where the theme sets tokens.
  await page.evaluate(`(() => {
    const kit = document.querySelector('call-kit');
    kit.style.setProperty('--ck-color-hangup', '#e54546');
    return kit.updateComplete;
  })()`);
  const changed = await shoot(page, 'light');
  const result = comparePngs(baseline, changed);
  assert.equal(result.pass, false, `a token change went unnoticed: ${result.reason}`);
  assert.ok(result.diffPixels > DEFAULT_MAX_DIFF_PIXELS, result.reason);
  assert.ok(result.diff, 'a diff image');
  const diff = PNG.sync.read(result.diff);
  assert.equal(diff.width, PNG.sync.read(baseline).width);
});

test('one pixel one unit off: counted (threshold 0), passes only within the allowance', () => {
  const a = new PNG({ width: 8, height: 8 });
  a.data.fill(200);
  const b = new PNG({ width: 8, height: 8 });
  a.data.copy(b.data);
  b.data[4 * 27 + 2] = 201; // pixel (3, 3), blue channel
  const strict = comparePngs(encodePng(a), encodePng(b), { maxDiffPixels: 0 });
  assert.equal(strict.diffPixels, 1);
  assert.equal(strict.pass, false);
  assert.equal(comparePngs(encodePng(a), encodePng(b), { maxDiffPixels: 1 }).pass, true);
  const other = new PNG({ width: 8, height: 7 });
  assert.match(comparePngs(encodePng(a), encodePng(other)).reason, /size/);
});

test('.ci/run installs the fonts the suite requires (from the one package list)', async () => {
  const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
  assert.match(ci, /node scripts\/system-packages\.mjs --missing/);
  const { SYSTEM_PACKAGES } = await import('../../scripts/system-packages.mjs');
  const listed = new Set(SYSTEM_PACKAGES.map((p) => p.name));
  assert.deepEqual(
    FONT_PACKAGES.filter((f) => !listed.has(f)),
    [],
  );
});
