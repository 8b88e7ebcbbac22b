/**
 * The signaling server of the restart-storm test (test/unit/server-restart-storm.test.ts), in its
 * own process so that the test can kill it like a crash and start it again on the same port. Every
 * limit at its default; loopback is a trusted proxy, as behind the README's same-host nginx (each
 * client then brings its own `X-Forwarded-For` address). STORM_PORT: the port (0: a free one);
 * STORM_GRACE_MS: the call grace (`graceMs`).
 * `restart`: a graceful restart in place (close: 1001 to every socket, then listen again at once).
 */
import { startSignalingServer } from '../../../server/index.js';
import { TEST_SERVER } from '../ws-client.js';

const port = Number(process.env.STORM_PORT ?? 0);
const start = (on: number) =>
  startSignalingServer({
    ...TEST_SERVER,
    port: on,
    graceMs: Number(process.env.STORM_GRACE_MS ?? 15_000),
    ...(process.env.STORM_NO_PROXY ? {} : { trustProxy: ['127.0.0.1'] }),
    logger: { info: () => undefined, warn: (m) => process.send?.({ warn: m }), error: (m) => process.send?.({ error: m }) },
  });
let server = await start(port);
process.send?.({ port: server.port });
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'stats') process.send?.({ stats: server.stats() });
  if (m.cmd === 'restart') {
    void (async () => {
      const on = server.port;
      await server.close();
      server = await start(on);
      process.send?.({ restarted: server.port });
    })();
  }
});
