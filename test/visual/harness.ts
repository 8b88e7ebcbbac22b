/**
 * Renders Storybook stories for pixel snapshots, deterministically: the static Storybook build
 * (storybook-static/, made by `npm run build-storybook`, which `npm run test:stories` runs first)
 * served on 127.0.0.1, Debian's Chromium (or $CHROME_PATH), stories loaded with `embed=true` (play
 * functions off: the state the story sets up) and `globals=video:still` (the simulated engine's
 * still frame), a fixed clock (the call timer reads 00:00:00), device scale factor 1, animations
 * finished or cancelled and the caret hidden in the screenshot, and a screenshot taken only once
 * two in a row are identical.
 *
 * Used by test/visual/visual.test.ts and scripts/screenshots.ts.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const STORYBOOK_DIR = path.join(ROOT, 'storybook-static');

export type Theme = 'light' | 'dark';
export type Dir = 'ltr' | 'rtl';
export type ViewportName = 'desktop' | 'mobile';

export const VIEWPORTS: Record<ViewportName, { width: number; height: number }> = {
  desktop: { width: 960, height: 640 },
  // A common phone width (iPhone 12-15) in CSS pixels; rendered at scale 1 to keep files small.
  mobile: { width: 390, height: 844 },
};

/** The call timer reads 00:00:00 at any moment of the run. */
export const FIXED_TIME = new Date('2026-01-05T09:30:00Z');

export interface Variant {
  theme: Theme;
  dir: Dir;
  viewport: ViewportName;
}

/** How the decorator in .storybook/preview.ts describes a story (`window.__ckVisual`). */
export interface StoryVisual {
  id: string;
  themes: Theme[];
  dirs: Dir[];
  mobile: boolean;
  skip: string | null;
}

export interface StoryEntry {
  id: string;
  title: string;
  name: string;
}

export function variantName(v: Variant): string {
  return `${v.theme}-${v.dir}${v.viewport === 'mobile' ? '-mobile' : ''}`;
}

/** The stories of the static build, in index order. */
export function storyIndex(): StoryEntry[] {
  const file = path.join(STORYBOOK_DIR, 'index.json');
  if (!existsSync(file)) {
    throw new Error('No storybook-static/index.json: run `npm run build-storybook` first (npm test builds it in test:stories).');
  }
  const index = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, StoryEntry & { type: string }> };
  return Object.values(index.entries)
    .filter((e) => e.type === 'story')
    .map(({ id, title, name }) => ({ id, title, name }));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
};

/** A static file server for storybook-static on 127.0.0.1 (a free port). */
export async function serveStorybook(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = path.join(STORYBOOK_DIR, path.normalize(pathname));
    if (!file.startsWith(STORYBOOK_DIR)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) {
      // Chromium asks every page for /favicon.ico; the iframe has none (no console error for it).
      res.writeHead(pathname === '/favicon.ico' ? 204 : 404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'max-age=3600' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('storybook server did not listen');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // sRGB whatever the machine's display profile says; no GPU (software rendering, reproducible).
    args: [...chromiumArgs, '--force-color-profile=srgb', '--hide-scrollbars', '--font-render-hinting=none'],
  });
}

/** A context for snapshots: scale 1, English, UTC, a fixed clock. */
export async function snapshotContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: VIEWPORTS.desktop,
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
    reducedMotion: 'no-preference',
  });
  await context.clock.setFixedTime(FIXED_TIME);
  // No Document Picture-in-Picture: a navigation here can carry user activation, and then
  // <float-window> moves into a separate window that no screenshot shows (measured: 3 loads in 20).
  await context.addInitScript('Object.defineProperty(window, "documentPictureInPicture", { value: undefined, configurable: true })');
  return context;
}

export interface LoadOptions {
  dir: Dir;
  viewport: ViewportName;
  /** The colour scheme to load in (shoot can switch it afterwards). */
  theme: Theme;
  timeout?: number;
}

/**
 * Loads story `id` on `page` (a fresh navigation: the story's loaders run anew) and waits until it
 * rendered and settled. Returns how the story wants to be snapshot.
 */
export async function openStory(page: Page, baseUrl: string, id: string, options: LoadOptions): Promise<StoryVisual> {
  const timeout = options.timeout ?? 20_000;
  await page.emulateMedia({ colorScheme: options.theme, reducedMotion: 'no-preference' });
  await page.setViewportSize(VIEWPORTS[options.viewport]);
  const globals = encodeURIComponent(`dir:${options.dir};video:still`);
  await page.goto(`${baseUrl}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story&embed=true&globals=${globals}`, {
    waitUntil: 'load',
  });
  // Rendered: the preview's current render of this story reached its last phase (no play function
  // runs with embed=true), or Storybook shows its error display.
  const outcome = await page.waitForFunction(
    (storyId) => {
      if (document.body.classList.contains('sb-show-errordisplay')) {
        return `error: ${document.querySelector('#error-message')?.textContent ?? ''} ${document.querySelector('#error-stack')?.textContent ?? ''}`.trim();
      }
      type Render = { id?: string; phase?: string };
      const preview = (globalThis as { __STORYBOOK_PREVIEW__?: { currentRender?: Render } }).__STORYBOOK_PREVIEW__;
      const render = preview?.currentRender;
      return render?.id === storyId && render.phase === 'finished' ? 'ok' : false;
    },
    id,
    { timeout, polling: 50 },
  );
  const result = await outcome.jsonValue();
  if (result !== 'ok') throw new Error(`story ${id} did not render: ${String(result)}`);
  await settle(page, timeout);
  return (await page.evaluate('globalThis.__ckVisual')) as StoryVisual;
}

/**
 * A screenshot of the viewport in `theme` (the page's colour scheme, switched in place: no kit
 * state depends on it), once the page settled and two screenshots in a row are identical.
 */
export async function shoot(page: Page, theme: Theme, options: { clip?: Clip; timeout?: number } = {}): Promise<Buffer> {
  await page.emulateMedia({ colorScheme: theme });
  await settle(page, options.timeout ?? 20_000);
  return stableScreenshot(page, options.clip);
}

export interface Clip {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Waits for what a screenshot must not catch half done: fonts, lit updates, images, a decoded
 * frame in every `<video>` that has a stream, then two animation frames.
 */
async function settle(page: Page, timeout: number): Promise<void> {
  const pending = (await page.evaluate(`(${SETTLE})(${timeout})`)) as string[];
  if (pending.length) throw new Error(`no video frame within ${timeout} ms from: ${pending.join(', ')}`);
}

// Plain JavaScript (a string: the TypeScript loader would add helpers the page does not have).
const SETTLE = `async function settle(deadlineMs) {
  const deadline = performance.now() + deadlineMs;
  const all = [];
  function walk(root) {
    for (const el of root.querySelectorAll('*')) {
      all.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  }
  function frame() {
    return new Promise((r) => requestAnimationFrame(() => r()));
  }
  await document.fonts.ready;
  // Lit elements settle in a few rounds (an update can schedule another).
  for (let round = 0; round < 3; round++) {
    all.length = 0;
    walk(document);
    await Promise.all(all.map((el) => el.updateComplete).filter(Boolean));
    await frame();
  }
  all.length = 0;
  walk(document);
  await Promise.all(all.filter((el) => el instanceof HTMLImageElement && el.src).map((img) => img.decode().catch(() => undefined)));
  const late = [];
  await Promise.all(
    all
      // Videos not drawn (a tile's camera off, or an audio-only call: its <video> plays the audio) present no frame.
      .filter((el) => el instanceof HTMLVideoElement && el.srcObject && el.srcObject.getVideoTracks().length > 0 && getComputedStyle(el).visibility !== 'hidden')
      .map((video) => new Promise((resolve) => {
        // A frame presented from now on: the picture is on screen, not just decoded.
        const timer = setTimeout(() => {
          late.push(video.getRootNode().host?.getAttribute('user-id') ?? 'video');
          resolve();
        }, Math.max(0, deadline - performance.now()));
        video.requestVideoFrameCallback(() => {
          clearTimeout(timer);
          resolve();
        });
      })),
  );
  await frame();
  await frame();
  return late;
}`;

/** Screenshots until two in a row are byte-identical (at most 10). */
async function stableScreenshot(page: Page, clip?: Clip): Promise<Buffer> {
  const shot = () => page.screenshot({ animations: 'disabled', caret: 'hide', scale: 'css', type: 'png', clip });
  let previous = await shot();
  for (let i = 0; i < 10; i++) {
    const next = await shot();
    if (next.equals(previous)) return next;
    previous = next;
  }
  throw new Error('the page kept changing: 10 screenshots in a row differed');
}
