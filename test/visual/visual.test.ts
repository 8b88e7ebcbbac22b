/**
 * Visual regression tests (`npm run test:visual`, part of `npm test` after test:stories, which
 * builds storybook-static): every Storybook story rendered in Chromium and compared with its
 * committed baseline in test/visual/baselines/, in light and dark, LTR and RTL (unless the story
 * pins one), and the call states (`parameters.visual.mobile`) also in a 390-px phone viewport.
 *
 * On a difference the actual screenshot, the baseline and a diff image (red where they differ) go
 * to test-results/visual/ (gitignored). `npm run test:visual:update` (CK_VISUAL_UPDATE=1) writes
 * the baselines instead, drops those of stories that are gone, and records the font environment.
 *
 * Fonts are part of the environment: the suite refuses to run where fontconfig resolves the
 * pages' fonts differently from the machine the baselines were made on (see fonts.ts).
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright';
import { comparePngs, decodePng, encodePng } from './compare.js';
import { fontDifferences, fontFingerprint, readEnvironment, refusal } from './fonts.js';
import {
  launch,
  openStory,
  ROOT,
  serveStorybook,
  shoot,
  snapshotContext,
  storyIndex,
  variantName,
  type Dir,
  type StoryEntry,
  type Theme,
  type Variant,
  type ViewportName,
} from './harness.js';

const UPDATE = process.env.CK_VISUAL_UPDATE === '1';
const BASELINES = path.join(ROOT, 'test/visual/baselines');
const OUT = path.join(ROOT, 'test-results/visual');
const ENVIRONMENT = path.join(ROOT, 'test/visual/environment.json');

/** CK_VISUAL_ONLY=<text>: only the stories whose id contains it (while working on one element). */
const ONLY = process.env.CK_VISUAL_ONLY ?? '';
const stories: StoryEntry[] = storyIndex().filter((s) => s.id.includes(ONLY));
const fonts = fontFingerprint();
const recorded = readEnvironment(ENVIRONMENT);
const fontProblems = UPDATE
  ? []
  : recorded
    ? fontDifferences(recorded.fonts, fonts)
    : ['  no test/visual/environment.json: make baselines with `npm run test:visual:update`'];

let server: Awaited<ReturnType<typeof serveStorybook>> | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
/** Pages in use by story tests and free ones (CK_VISUAL_CONCURRENCY stories render at once, default 2). */
const CONCURRENCY = Math.max(1, Number(process.env.CK_VISUAL_CONCURRENCY ?? 2));
const freePages: Page[] = [];
const pageErrors = new WeakMap<Page, string[]>();
const waiting: ((page: Page) => void)[] = [];
async function withPage<T>(use: (page: Page) => Promise<T>): Promise<T> {
  const page = freePages.pop() ?? (await new Promise<Page>((resolve) => waiting.push(resolve)));
  try {
    return await use(page);
  } finally {
    const next = waiting.shift();
    if (next) next(page);
    else freePages.push(page);
  }
}
const written = new Set<string>();
const started = performance.now();
let shots = 0;
let completed = 0;

before(async () => {
  if (fontProblems.length) return;
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(BASELINES, { recursive: true });
  server = await serveStorybook();
  browser = await launch();
  context = await snapshotContext(browser);
  for (let i = 0; i < CONCURRENCY; i++) {
    const page = await context.newPage();
    // An exception in a story is a failure even when the picture looks right.
    page.on('pageerror', (error) => pageErrors.get(page)?.push(`page error: ${error.message}`));
    freePages.push(page);
  }
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (fontProblems.length) return;
  const files = readdirSync(BASELINES).filter((f) => f.endsWith('.png'));
  const bytes = files.reduce((sum, f) => sum + readFileSync(path.join(BASELINES, f)).length, 0);
  console.log(
    `visual: ${shots} screenshots of ${stories.length} stories in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `${files.length} baselines, ${(bytes / 1024 / 1024).toFixed(2)} MiB`,
  );
  if (UPDATE && browser) {
    writeFileSync(ENVIRONMENT, `${JSON.stringify({ fonts, chromium: browser.version() }, null, 2)}\n`);
  }
});

test('the fonts are those the baselines were made with', () => {
  if (fontProblems.length) assert.fail(refusal(fontProblems));
  if (recorded && browser && recorded.chromium !== browser.version()) {
    console.log(`note: baselines were made with Chromium ${recorded.chromium}, this is ${browser.version()}`);
  }
});

/** The variants of a story, from what its decorator reported. */
function variantsOf(visual: { themes: Theme[]; dirs: Dir[]; mobile: boolean }): Variant[] {
  const viewports: ViewportName[] = visual.mobile ? ['desktop', 'mobile'] : ['desktop'];
  return viewports.flatMap((viewport) => visual.dirs.flatMap((dir) => visual.themes.map((theme) => ({ theme, dir, viewport }))));
}

/** Compares (or, updating, writes) one screenshot; returns a failure line or null. */
function check(name: string, png: Buffer): string | null {
  shots++;
  const file = path.join(BASELINES, `${name}.png`);
  written.add(path.basename(file));
  if (UPDATE) {
    // Rewrite only what changed, so an update does not touch identical baselines.
    if (!existsSync(file) || !comparePngs(readFileSync(file), png, { maxDiffPixels: 0 }).pass)
      writeFileSync(file, encodePng(decodePng(png)));
    return null;
  }
  if (!existsSync(file)) {
    mkdirSync(OUT, { recursive: true });
    writeFileSync(path.join(OUT, `${name}.png`), png);
    return `${name}: no baseline (new story? run \`npm run test:visual:update\` and commit test/visual/baselines/)`;
  }
  const result = comparePngs(readFileSync(file), png);
  if (result.pass) return null;
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, `${name}.png`), png);
  writeFileSync(path.join(OUT, `${name}.expected.png`), readFileSync(file));
  if (result.diff) writeFileSync(path.join(OUT, `${name}.diff.png`), result.diff);
  return `${name}: ${result.reason}; see test-results/visual/${name}.png and ${name}.diff.png`;
}

/** Renders every variant of `story` on `page` and compares; returns the failure lines. */
async function snapshotStory(page: Page, story: StoryEntry, t: TestContext): Promise<string[]> {
  const url = server!.url;
  const failures: string[] = [];
  pageErrors.set(page, failures);
  // The first load tells the story's variants; the LTR desktop shots come from it.
  const visual = await openStory(page, url, story.id, { dir: 'ltr', viewport: 'desktop', theme: 'light' });
  if (visual.skip) {
    t.skip(visual.skip);
    return [];
  }
  const groups = new Map<string, Variant[]>();
  for (const v of variantsOf(visual)) groups.set(`${v.dir}/${v.viewport}`, [...(groups.get(`${v.dir}/${v.viewport}`) ?? []), v]);
  let loaded = 'ltr/desktop';
  for (const [key, group] of groups) {
    for (const v of group) {
      const name = `${story.id}.${variantName(v)}`;
      const load = () => openStory(page, url, story.id, { dir: v.dir, viewport: v.viewport, theme: v.theme });
      if (loaded !== key) {
        await load();
        loaded = key;
      }
      let failure = check(name, await shoot(page, v.theme));
      if (failure) {
        // Once more from a fresh load, so a one-off shows as a note and a regression as a failure.
        await load();
        const again = check(name, await shoot(page, v.theme));
        if (!again) {
          console.log(`note: ${name} matched only on the second load (first: ${failure})`);
          // Kept for a look: <name>.first*.png.
          for (const suffix of ['', '.expected', '.diff']) {
            const from = path.join(OUT, `${name}${suffix}.png`);
            if (existsSync(from)) renameSync(from, path.join(OUT, `${name}.first${suffix}.png`));
          }
        }
        failure = again;
      }
      if (failure) failures.push(failure);
    }
  }
  return failures;
}

describe('stories', { concurrency: CONCURRENCY }, () => {
  for (const story of stories) {
    test(`${story.title} / ${story.name}`, { skip: fontProblems.length > 0 && 'fonts differ', timeout: 180_000 }, async (t) => {
      const failures = await withPage((page) => snapshotStory(page, story, t));
      completed++;
      assert.deepEqual(failures, [], `\n${failures.join('\n')}`);
    });
  }
});

test('every baseline belongs to a story variant', { skip: fontProblems.length > 0 && 'fonts differ' }, (t) => {
  if (completed < stories.length || ONLY) {
    t.skip('not every story rendered');
    return;
  }
  const stale = readdirSync(BASELINES).filter((f) => f.endsWith('.png') && !written.has(f));
  if (UPDATE) {
    for (const f of stale) rmSync(path.join(BASELINES, f));
    return;
  }
  assert.deepEqual(stale, [], 'baselines without a story: run `npm run test:visual:update` to drop them');
});
