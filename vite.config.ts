import { defineConfig, type Plugin, type ViteDevServer, type PreviewServer } from 'vite';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { elementEntry } from './scripts/element-entry.js';
import { createSignalingServer, type SignalingServer, type SignalingServerOptions } from './server/index.js';
import { janusAvailable } from './server/sfu/janus-process.js';
import { ELEMENT_TAGS } from './src/element-tags.js';
import { minifyCssVitePlugin } from './scripts/minify-css.mjs';
import { BACKGROUND_ASSETS_URL, backgroundAsset } from './scripts/background-assets.mjs';

/**
 * Mounts the signaling server on the dev (and preview) server under /ck, in dev mode: the page gets
 * test userSigs from GET /ck/dev-usersig?user=<id>, minted here on the server (the page never holds
 * the secret). CALLKIT_RING_TIMEOUT_S shortens the ring timeout, CALLKIT_GRACE_MS the reconnect grace
 * period, CALLKIT_PING_INTERVAL_MS / CALLKIT_PING_TIMEOUT_MS the heartbeat (tests).
 * CALLKIT_RATE_LIMITS=off turns the rate limits off (churn tests and benchmarks make more than 10
 * invites a minute); CALLKIT_STATS=1 serves the registry counts as JSON on GET /ck/stats (leak checks).
 * Call records live in an in-memory embedded database (CALLKIT_DATABASE_URL: a postgres:// URL or a
 * directory to keep them, `off` for none).
 * CALLKIT_TURN_URL (comma-separated) + CALLKIT_TURN_SECRET (+ CALLKIT_TURN_TTL, CALLKIT_TURN_RELAY_ONLY=1)
 * hand out TURN credentials, as the CLI's --turn-* flags.
 * Group video through the SFU: CALLKIT_SFU (auto, always, never; default auto) and Janus:
 * CALLKIT_JANUS_URL (an existing one), else a private Janus started when the `janus` binary is
 * installed (stopped with the dev server), else mesh only, with one warning.
 */
function envNumber(name: string): number | undefined {
  const value = process.env[name];
  return value ? Number(value) : undefined;
}

function sfuOptions(warn: (m: string) => void): Pick<SignalingServerOptions, 'sfu' | 'janus'> {
  const mode = process.env.CALLKIT_SFU || 'auto';
  if (mode !== 'auto' && mode !== 'always' && mode !== 'never') throw new Error(`CALLKIT_SFU must be auto, always or never (got ${mode})`);
  if (mode === 'never') return { sfu: mode };
  if (process.env.CALLKIT_JANUS_URL) return { sfu: mode, janus: { url: process.env.CALLKIT_JANUS_URL } };
  if (janusAvailable()) return { sfu: mode, janus: { start: {} } };
  warn('janus is not installed: group video calls use mesh only (apt-get install -y janus for the SFU)');
  return { sfu: mode };
}

function callkitServer(): Plugin {
  let signaling: SignalingServer | null = null;
  const mount = (server: ViteDevServer | PreviewServer) => {
    signaling = createSignalingServer({
      secret: process.env.CALLKIT_SECRET ?? randomBytes(32).toString('hex'),
      sdkAppId: Number(process.env.CALLKIT_SDK_APP_ID ?? 1400000000),
      dev: true,
      path: '/ck',
      ringTimeoutS: process.env.CALLKIT_RING_TIMEOUT_S ? Number(process.env.CALLKIT_RING_TIMEOUT_S) : undefined,
      rateLimits: ['off', 'false'].includes(process.env.CALLKIT_RATE_LIMITS ?? '') ? false : undefined,
      graceMs: envNumber('CALLKIT_GRACE_MS'),
      pingIntervalMs: envNumber('CALLKIT_PING_INTERVAL_MS'),
      pingTimeoutMs: envNumber('CALLKIT_PING_TIMEOUT_MS'),
      databaseUrl: process.env.CALLKIT_DATABASE_URL === 'off' ? undefined : process.env.CALLKIT_DATABASE_URL || 'memory://',
      turn: process.env.CALLKIT_TURN_URL
        ? {
            urls: process.env.CALLKIT_TURN_URL.split(','),
            secret: process.env.CALLKIT_TURN_SECRET ?? '',
            ttlS: envNumber('CALLKIT_TURN_TTL'),
            relayOnly: process.env.CALLKIT_TURN_RELAY_ONLY === '1',
          }
        : undefined,
      ...sfuOptions((m) => server.config.logger.warn(m)),
      logger: { info: () => undefined, warn: (m) => server.config.logger.warn(m), error: (m) => server.config.logger.error(m) },
    });
    server.httpServer?.on('upgrade', (req, socket, head) => {
      signaling?.handleUpgrade(req, socket, head);
    });
    const stats = ['1', 'true'].includes(process.env.CALLKIT_STATS ?? '');
    server.middlewares.use((req, res, next) => {
      if (stats && signaling && req.url === '/ck/stats') {
        res.setHeader('content-type', 'application/json');
        res.setHeader('cache-control', 'no-store');
        res.end(JSON.stringify(signaling.stats()));
        return;
      }
      if (!signaling?.handleHttp(req, res)) next();
    });
    server.httpServer?.on('close', () => void signaling?.close());
    // Ctrl-C: exit through 'exit' handlers (a private Janus is killed and its temp dir removed there).
    process.once('SIGINT', () => process.exit(130));
  };
  return { name: 'callkit-server', configureServer: mount, configurePreviewServer: mount };
}

/**
 * The background effects' assets (MediaPipe's vision WASM + the selfie model, from node_modules)
 * served by the demo's dev and preview servers under /callkit-backgrounds/, from our own origin, as
 * `init({ backgroundAssetsPath: '/callkit-backgrounds/' })` expects (README "Backgrounds").
 */
function backgroundAssets(): Plugin {
  const mount = (server: ViteDevServer | PreviewServer) => {
    server.middlewares.use((req, res, next) => {
      const path = req.url?.split('?')[0] ?? '';
      const asset = path.startsWith(BACKGROUND_ASSETS_URL) ? backgroundAsset(path.slice(BACKGROUND_ASSETS_URL.length)) : null;
      if (!asset) return next();
      res.setHeader('content-type', asset.type);
      res.setHeader('cache-control', 'public, max-age=86400');
      res.end(asset.body);
    });
  };
  return { name: 'callkit-background-assets', configureServer: mount, configurePreviewServer: mount };
}

const ELEMENT_ENTRY = 'virtual:ck-element/';

/**
 * Library build: one entry per element of src/element-tags.ts (`dist/elements/<tag>.js`,
 * `callkit-elements/elements/<tag>.js`) that registers its tag and the kit tags it renders
 * (`static dependencies`), and exports the class: the module of scripts/element-entry.ts.
 */
function elementEntries(): Plugin {
  return {
    name: 'callkit-element-entries',
    apply: 'build',
    // (Vite makes lib entries absolute paths: match the marker anywhere in the id.)
    resolveId: (id) => (id.includes(ELEMENT_ENTRY) ? `\0${id.slice(id.indexOf(ELEMENT_ENTRY))}` : null),
    load(id) {
      if (!id.startsWith(`\0${ELEMENT_ENTRY}`)) return null;
      const element = ELEMENT_TAGS.find((e) => e.tag === id.slice(ELEMENT_ENTRY.length + 1))!;
      return elementEntry(element, fileURLToPath(new URL('.', import.meta.url)));
    },
  };
}

export default defineConfig({
  plugins: [callkitServer(), backgroundAssets(), elementEntries(), minifyCssVitePlugin()],
  // Files the library refers to by URL (the background worker) relative to the chunk that loads them,
  // so the package works under any base path.
  experimental: { renderBuiltUrl: (_file, { hostType }) => (hostType === 'js' ? { relative: true } : undefined) },
  // The background worker imports MediaPipe: an ES module worker (library build: dist/chunks/).
  worker: {
    format: 'es',
    rollupOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js', entryFileNames: 'chunks/[name]-[hash].js' } },
  },
  server: { host: '127.0.0.1', port: Number(process.env.PORT ?? 5173), strictPort: true },
  preview: { host: '127.0.0.1', port: Number(process.env.PORT ?? 4173), strictPort: true },
  // The demo page only: the examples/ pages have their own config (npm run examples) and aliases.
  optimizeDeps: { entries: ['index.html'] },
  build: {
    // The dev-only `tencent/dev-usersig` entry is built apart (npm run build:dev-usersig), so no bundle here holds it.
    lib: {
      entry: {
        'callkit-elements': 'src/index.ts',
        define: 'src/define.ts',
        react: 'src/react/index.ts',
        tencent: 'src/engine/tencent/index.ts',
        ...Object.fromEntries(ELEMENT_TAGS.map(({ tag }) => [`elements/${tag}`, `${ELEMENT_ENTRY}${tag}`])),
      },
      formats: ['es'],
    },
    sourcemap: true,
    rollupOptions: {
      external: [/^lit($|\/)/, /^@lit\//, /^@lit-labs\//, /^valibot$/, /^trtc-sdk-v5($|\/)/, /^@tencentcloud\//, /^react($|\/)/],
      output: { chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
