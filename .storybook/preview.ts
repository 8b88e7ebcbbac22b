/// <reference types="vite/client" />
import type { Preview } from '@storybook/web-components-vite';
import { setCustomElementsManifest } from '@storybook/web-components-vite';
import { html } from 'lit';
import manifest from '../custom-elements.json?raw';
import '../src/define-all.js';
import { loadLocale } from '../src/i18n/index.js';
import { setVideoMode } from '../stories/support/scenario.js';

// Controls and docs tables come from the custom elements manifest (npm run manifest).
setCustomElementsManifest(JSON.parse(manifest));

/**
 * What the visual regression tests (test/visual/) render of a story, as `parameters.visual`:
 * by default light and dark, LTR and RTL, desktop only. A story that pins `theme` or `dir` in its
 * args is rendered in that one only.
 */
export interface VisualParameters {
  /** Also render it in the 390-px phone viewport (the call states). */
  mobile?: boolean;
  /** Leave it out, with the reason. */
  skip?: string;
}

const preview: Preview = {
  parameters: {
    controls: { expanded: true },
    layout: 'fullscreen',
  },
  globalTypes: {
    dir: {
      description: 'Text direction around the story',
      toolbar: { title: 'Direction', icon: 'transfer', items: ['ltr', 'rtl'], dynamicTitle: true },
    },
    video: {
      description: 'Synthetic video of the simulated engine: moving, or one still frame (visual tests)',
      toolbar: {
        title: 'Video',
        icon: 'video',
        items: [
          { value: 'animated', title: 'Moving video' },
          { value: 'still', title: 'Still frame' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { dir: 'ltr', video: 'animated' },
  // Runs before the stories' own loaders (which create the engines and streams).
  loaders: [
    async ({ globals }) => {
      setVideoMode(globals.video === 'still' ? 'still' : 'animated');
      // The kit loads zh-cn and ja_JP on first use; a story in them shows its texts from the first frame.
      await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);
      return {};
    },
  ],
  decorators: [
    (story, { globals, args, parameters, id }) => {
      const visual = (parameters.visual ?? {}) as VisualParameters;
      // Read by test/visual/: which variants of this story to render.
      (globalThis as { __ckVisual?: unknown }).__ckVisual = {
        id,
        themes: args.theme === 'light' || args.theme === 'dark' ? [args.theme] : ['light', 'dark'],
        dirs: args.dir === 'ltr' || args.dir === 'rtl' ? [args.dir] : ['ltr', 'rtl'],
        mobile: visual.mobile === true,
        skip: visual.skip ?? null,
      };
      const dir = globals.dir === 'rtl' ? 'rtl' : 'ltr';
      return html`<div dir=${dir} style="color-scheme: light dark; background: Canvas; color: CanvasText; min-block-size: 100vh">${story()}</div>`;
    },
  ],
};
export default preview;
