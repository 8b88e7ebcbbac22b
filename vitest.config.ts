// Story smoke tests (`npm run test:stories`): every story in stories/ is rendered in headless
// Chromium (Debian's, or $CHROME_PATH) through @storybook/addon-vitest, play functions included.
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { chromiumArgs, chromiumPath } from './scripts/chromium.mjs';

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        plugins: [storybookTest({ configDir: '.storybook' })],
        // Pre-bundled up front: a dependency discovered mid-run makes Vite re-optimize and reload,
        // which fails the story files being imported at that moment.
        optimizeDeps: {
          include: [
            'lit',
            'lit/decorators.js',
            'lit/directives/if-defined.js',
            'lit/directives/keyed.js',
            'lit/directives/repeat.js',
            'lit/directives/style-map.js',
            '@lit/context',
            'valibot',
          ],
        },
        test: {
          name: 'storybook',
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: chromiumPath(), args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
