import type { StorybookConfig } from '@storybook/web-components-vite';

/**
 * Storybook for the kit's elements: every story runs a real `CallKit` on the simulated engine
 * (no network). `npm run storybook` (dev), `npm run build-storybook` (static), and
 * `npm run test:stories` renders every story in headless Chromium (vitest + addon-vitest).
 */
const config: StorybookConfig = {
  framework: { name: '@storybook/web-components-vite', options: {} },
  stories: ['../stories/**/*.stories.ts'],
  addons: ['@storybook/addon-vitest'],
  core: { disableTelemetry: true },
  // The project's vite.config.ts mounts the signaling server and a library build: not for Storybook.
  viteFinal: async (config) => {
    config.plugins = (config.plugins ?? [])
      .flat()
      .filter((p) => !(p && typeof p === 'object' && 'name' in p && p.name === 'callkit-server'));
    if (config.build) delete config.build.lib;
    return config;
  },
};
export default config;
