import { defineConfig, type Plugin, type ViteDevServer, type PreviewServer } from 'vite';
import { randomBytes } from 'node:crypto';
import { createSignalingServer, type SignalingServer } from './server/index.js';

/**
 * Mounts the signaling server on the dev (and preview) server under /ck, in dev mode: the page gets
 * test userSigs from GET /ck/dev-usersig?user=<id>, minted here on the server (the page never holds
 * the secret). CALLKIT_RING_TIMEOUT_S shortens the ring timeout, CALLKIT_GRACE_MS the reconnect grace
 * period, CALLKIT_PING_INTERVAL_MS / CALLKIT_PING_TIMEOUT_MS the heartbeat (tests).
 * CALLKIT_RATE_LIMITS=off turns the rate limits off (churn tests and benchmarks make more than 10
 * invites a minute); CALLKIT_STATS=1 serves the registry counts as JSON on GET /ck/stats (leak checks).
 */
function envNumber(name: string): number | undefined {
  const value = process.env[name];
  return value ? Number(value) : undefined;
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
  };
  return { name: 'callkit-server', configureServer: mount, configurePreviewServer: mount };
}

export default defineConfig({
  plugins: [callkitServer()],
  server: { host: '127.0.0.1', port: Number(process.env.PORT ?? 5173), strictPort: true },
  preview: { host: '127.0.0.1', port: Number(process.env.PORT ?? 4173), strictPort: true },
  build: {
    lib: { entry: { 'callkit-elements': 'src/index.ts', define: 'src/define.ts' }, formats: ['es'] },
    sourcemap: true,
    rollupOptions: { external: [/^lit($|\/)/, /^@lit\//, /^valibot$/, /^trtc-sdk-v5($|\/)/, /^@tencentcloud\//] },
  },
});
