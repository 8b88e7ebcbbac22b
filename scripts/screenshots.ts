/**
 * README screenshots (`npm run screenshots`), from the same rendering path as the visual tests
 * (test/visual/harness.ts): Storybook stories of `<call-kit>` on the simulated engine (still
 * synthetic video, fixed clock, scale 1) in headless Chromium, from storybook-static (the npm
 * script builds it first). Writes docs/screenshots/{incoming,call}-{light,dark}.png and
 * incoming-zh-cn.png.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch, openStory, serveStorybook, shoot, snapshotContext, type Clip, type Theme } from '../test/visual/harness.js';

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
mkdirSync(out, { recursive: true });

/** The incoming-call banner floats at the top of the page: its band, not the empty page below. */
const banner: Clip = { x: 0, y: 0, width: 960, height: 200 };

const shots: { file: string; story: string; theme: Theme; clip?: Clip }[] = [
  { file: 'incoming-light', story: 'elements-call-kit--ringing', theme: 'light', clip: banner },
  { file: 'incoming-dark', story: 'elements-call-kit--ringing', theme: 'dark', clip: banner },
  { file: 'call-light', story: 'elements-call-kit--video-1-v-1', theme: 'light' },
  { file: 'call-dark', story: 'elements-call-kit--video-1-v-1', theme: 'dark' },
  { file: 'incoming-zh-cn', story: 'elements-call-kit--chinese-ringing', theme: 'light', clip: banner },
];

const server = await serveStorybook();
const browser = await launch();
try {
  const page = await (await snapshotContext(browser)).newPage();
  for (const { file, story, theme, clip } of shots) {
    await openStory(page, server.url, story, { dir: 'ltr', viewport: 'desktop', theme });
    writeFileSync(`${out}${file}.png`, await shoot(page, theme, { clip }));
    console.log(`docs/screenshots/${file}.png  (${story}, ${theme})`);
  }
} finally {
  await browser.close();
  await server.close();
}
