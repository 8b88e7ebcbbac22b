/**
 * bench:bundle's page figure (bench/page-weight.ts): a page with the kit and the default engine
 * loads no code of the lazy engines (tencent, tuicall: their chunks are reached only through a
 * dynamic import) and stays within its budget. The renovation alone (issue 12) kept it at 69.5 KB,
 * within issue 12's 72.9 KB; the features merged after it (records client and <call-history>,
 * identity, TURN, weak-network tuning, codec checks) brought it to 75.3 KB, so the budget is now
 * that figure plus a little. Issue 18 (load the call UI on first use) brought it down: the call view
 * and its parts, the float window, device picker, invite panel, join card, call history and the
 * languages other than English are chunks loaded on first use, and a test here proves it.
 * The one-file figure, which inlines the lazy engines, is larger than what loads.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pageWeight, type PageWeight } from '../../bench/page-weight.js';
import { ELEMENT_TAGS } from '../../src/element-tags.js';
import { readBudgets } from '../../scripts/size.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
/**
 * size-budgets.json's `page/initial` and `page/ui` (75,828 B loaded up front before issue 18, when
 * every element and language was in the initial graph; 57,908 B after it; the goals are 30 KB and 60 KB).
 */
const budgets = readBudgets();
const PAGE_BUDGET = budgets['page/initial']!;
const UI_BUDGET = budgets['page/ui']!;

describe('page weight (bench:bundle)', () => {
  let page: PageWeight;
  before(async () => {
    page = await pageWeight(`import ${JSON.stringify(join(root, 'src/define.ts'))};`, ['trtc-sdk-v5', '@tencentcloud/*'], root);
  });

  it('the lazy engines are chunks the page does not load', () => {
    const lazyModules = page.lazy.flatMap((c) => c.from);
    assert.ok(
      lazyModules.some((m) => m.includes('src/engine/tencent/tencent-engine.ts')),
      lazyModules.join('\n'),
    );
    assert.ok(
      lazyModules.some((m) => m.includes('src/engine/tuicall/')),
      lazyModules.join('\n'),
    );
    // The SFU media path (issue 15) loads when the server says a call goes through the SFU.
    assert.ok(
      lazyModules.some((m) => m.includes('src/engine/webrtc/sfu-session.ts')),
      lazyModules.join('\n'),
    );
    // The AI denoiser (issue 17) and its package load when the user turns noise suppression on.
    assert.ok(lazyModules.includes('src/engine/webrtc/denoiser.ts'), lazyModules.join('\n'));
    const eager = page.loadedModules.filter((m) => m.includes('denoiser') || m.includes('web-noise-suppressor'));
    assert.deepEqual(eager, [], 'the denoiser is in the initial graph');
    assert.ok(page.inlined.gzip > page.load.gzip + 5_000, `inlined ${page.inlined.gzip} B vs loaded ${page.load.gzip} B`);
  });

  it('backgrounds (issue 17): the processor is a chunk loaded on first use; the worker, MediaPipe and the model are not in any page chunk', () => {
    const loaded = page.loadedModules;
    const lazyModules = page.lazy.flatMap((c) => c.from);
    const processor = 'src/engine/webrtc/backgrounds/background-processor.ts';
    assert.ok(!loaded.includes(processor), `${processor} is in the initial graph`);
    assert.ok(lazyModules.includes(processor), `${processor} is in no lazy chunk:\n${lazyModules.join('\n')}`);
    // The worker is its own script (new Worker(new URL(...))): its MediaPipe runtime never joins the page.
    for (const m of [...loaded, ...lazyModules]) {
      assert.ok(!m.includes('@mediapipe') && !m.includes('backgrounds/compositor.ts'), `${m} reached the page`);
    }
    // The small controller comes with the engine's media half (loaded when a call rings or is placed).
    assert.ok(lazyModules.includes('src/engine/webrtc/backgrounds.ts'), 'the small controller is part of the media half');
  });

  it("the default engine's media half (peers, capture, pre-connect, tuning...) is a chunk loaded on first use", () => {
    const loaded = page.loadedModules;
    const lazyModules = page.lazy.flatMap((c) => c.from);
    const half = [
      'call-media',
      'peer',
      'media',
      'preconnect',
      'video-upgrade',
      'media-tuning',
      'video-caps',
      'peer-hooks',
      'sfu-start',
      'backgrounds',
      'noise-suppression',
    ].map((m) => `src/engine/webrtc/${m}.ts`);
    for (const file of half) {
      assert.ok(!loaded.includes(file), `${file} is in the initial graph`);
      assert.ok(lazyModules.includes(file), `${file} is in no lazy chunk`);
    }
    // What logs in and rings stays: the engine's session, signaling and call state machine, and the loader.
    for (const m of ['webrtc-engine', 'call-machine', 'signaling-client', 'media-half', 'device-watch']) {
      assert.ok(loaded.includes(`src/engine/webrtc/${m}.ts`), `${m} loads first`);
    }
  });

  it('the call UI past the banner and the other locales are chunks loaded on first use', () => {
    const loaded = page.loadedModules;
    const lazyModules = page.lazy.flatMap((c) => c.from);
    for (const { tag, file } of ELEMENT_TAGS.filter((e) => e.lazy)) {
      assert.ok(!loaded.includes(file), `${tag} (${file}) is in the initial graph:\n${loaded.join('\n')}`);
      assert.ok(lazyModules.includes(file), `${tag} (${file}) is in no lazy chunk`);
    }
    for (const file of ['src/i18n/locales/zh-cn.ts', 'src/i18n/locales/ja_JP.ts']) {
      assert.ok(!loaded.includes(file), `${file} is in the initial graph`);
      assert.ok(lazyModules.includes(file), `${file} is in no lazy chunk`);
    }
    // What logs in and shows the banner is there from the start.
    for (const { file } of ELEMENT_TAGS.filter((e) => !e.lazy)) assert.ok(loaded.includes(file), `${file} loads first`);
    assert.ok(loaded.includes('src/i18n/locales/en.ts') && loaded.includes('src/engine/webrtc/signaling-client.ts'));
  });

  it(`what the page loads is within ${PAGE_BUDGET} B gzip`, () => {
    assert.ok(page.load.gzip > 20_000, `${page.load.gzip} B: lit, the elements and the engine at least`);
    const parts = page.modules.map((m) => `${String(m.gzip).padStart(6)} ${m.module}`).join('\n');
    assert.ok(page.load.gzip <= PAGE_BUDGET, `${page.load.gzip} B gzip in ${page.load.files} files; per module:\n${parts}`);
  });

  it(`the whole default-engine UI is within ${UI_BUDGET} B gzip`, () => {
    assert.ok(page.ui.gzip > page.load.gzip + 10_000, `${page.ui.gzip} B: the call view and the other elements come on top`);
    assert.ok(page.ui.gzip <= UI_BUDGET, `${page.ui.gzip} B gzip in ${page.ui.files} files`);
  });

  it('the per-module breakdown covers what loads', () => {
    const total = page.modules.reduce((a, m) => a + m.gzip, 0);
    // Compressed apart, the parts add up to more than the files, but not wildly so.
    assert.ok(total >= page.load.gzip * 0.9 && total <= page.load.gzip * 1.6, `${total} B vs ${page.load.gzip} B`);
    assert.ok(page.modules.some((m) => m.module === 'node_modules/lit-html'));
  });
});
