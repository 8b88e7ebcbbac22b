// Component tests: real Chromium (Debian's, or $CHROME_PATH), TypeScript through esbuild.
// Run under tsx (`node --import tsx .../wtr`, see package.json) so the signaling server's TS loads.
// CK_BROWSER=firefox (`npm run test:firefox`) runs the same suites in Firefox instead (Debian's
// firefox-esr, or $FIREFOX_PATH, over WebDriver BiDi: scripts/firefox-launcher.mjs).
import { playwrightLauncher } from '@web/test-runner-playwright';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath } from './scripts/chromium.mjs';
import { firefoxLauncher } from './scripts/firefox-launcher.mjs';
import { startSignalingServer } from './server/index.ts';
import { BACKGROUND_ASSETS_URL, backgroundAsset } from './scripts/background-assets.mjs';

// Starts the real signaling server (127.0.0.1, free port, dev userSig endpoint) for the run and
// exposes it to tests as the virtual module /__signaling.js:
//   SIGNALING_URL (ws URL), HTTP_BASE (http://127.0.0.1:PORT/ck, + '/dev-usersig?user=ID'), SDK_APP_ID,
//   USERSIG_URL ('/__dev-usersig', a same-origin proxy of the dev endpoint: it sends no CORS headers).
const SDK_APP_ID = 1400000001;
function signalingPlugin() {
  let server;
  return {
    name: 'signaling-server',
    async serverStart() {
      server = await startSignalingServer({
        secret: 'callkit-elements component tests only',
        sdkAppId: SDK_APP_ID,
        dev: true,
        port: 0,
        ringTimeoutS: 30,
        rateLimits: false,
        logger: { info() {}, warn() {}, error: (m) => console.error(`[callkit-server] ${m}`) },
      });
    },
    async serverStop() {
      await server?.close();
    },
    async serve(ctx) {
      if (ctx.path === '/__dev-usersig') {
        // Same-origin proxy to the server's dev endpoint (which sends no CORS headers).
        const user = encodeURIComponent(String(ctx.query.user ?? ''));
        const res = await fetch(`${server.url.replace(/^ws/, 'http')}/dev-usersig?user=${user}`);
        ctx.status = res.status;
        return { body: await res.text(), type: 'json' };
      }
      if (ctx.path !== '/__signaling.js') return undefined;
      const httpBase = server.url.replace(/^ws/, 'http');
      return {
        body: [
          `export const SIGNALING_URL = ${JSON.stringify(server.url)};`,
          `export const HTTP_BASE = ${JSON.stringify(httpBase)};`,
          `export const SDK_APP_ID = ${SDK_APP_ID};`,
          `export const USERSIG_URL = '/__dev-usersig';`,
        ].join('\n'),
        type: 'js',
      };
    },
  };
}

const firefox = process.env.CK_BROWSER === 'firefox';

export default {
  files: 'test/browser/**/*.test.ts',
  nodeResolve: true,
  concurrency: 1,
  browsers: [
    firefox
      ? firefoxLauncher()
      : playwrightLauncher({
          product: 'chromium',
          launchOptions: { executablePath: chromiumPath(), headless: true, args: chromiumArgs },
        }),
  ],
  // The background-effect assets (WASM + model) from our own origin, as an app serves them.
  middleware: [
    async (ctx, next) => {
      const asset = ctx.path.startsWith(BACKGROUND_ASSETS_URL) ? backgroundAsset(ctx.path.slice(BACKGROUND_ASSETS_URL.length)) : null;
      if (!asset) return next();
      ctx.type = asset.type;
      ctx.body = asset.body;
    },
  ],
  plugins: [signalingPlugin(), esbuildPlugin({ ts: true, tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) })],
  testFramework: { config: { timeout: 10000 } },
  // A file's whole run (default 2 min): the background tests load a 13 MB WASM and a model in a
  // worker and wait for real encoders on a loaded machine.
  testsFinishTimeout: 300000,
  coverageConfig: { include: ['src/**/*.ts', 'components/**/*.ts'] },
};
