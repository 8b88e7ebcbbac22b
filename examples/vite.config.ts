/**
 * The examples (`npm run examples`): one Vite dev server for the three hosts, with the signaling
 * server mounted under /ck by the project's own plugin (vite.config.ts), in dev mode:
 *   /plain/  plain HTML + TypeScript      /vue/  Vue 3 (@vitejs/plugin-vue)      /react/  React 19
 * The examples import `callkit-elements` like an app does; here the names point at the sources.
 */
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import projectConfig from '../vite.config.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const project = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const callkitServer = (projectConfig.plugins ?? [])
  .flat()
  .filter((p) => p && typeof p === 'object' && 'name' in p && p.name === 'callkit-server');

export default defineConfig({
  root: here('.'),
  plugins: [
    callkitServer,
    // The kit's tags are custom elements, not Vue components.
    vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.includes('-') } } }),
  ],
  resolve: {
    alias: [
      { find: /^callkit-elements$/, replacement: project('src/index.ts') },
      { find: /^callkit-elements\/define\.js$/, replacement: project('src/define.ts') },
      { find: /^callkit-elements\/react$/, replacement: project('src/react/index.ts') },
      { find: /^callkit-elements\/themes\/(.*)$/, replacement: project('themes/$1') },
    ],
  },
  oxc: { jsx: { runtime: 'automatic' } },
  server: { host: '127.0.0.1', port: Number(process.env.PORT ?? 5174), strictPort: true, fs: { allow: [project('.')] } },
  build: {
    outDir: project('dist/examples'),
    emptyOutDir: true,
    rollupOptions: {
      input: { index: here('index.html'), plain: here('plain/index.html'), vue: here('vue/index.html'), react: here('react/index.html') },
    },
  },
});
