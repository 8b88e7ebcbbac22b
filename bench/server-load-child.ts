/** The signaling server under test, in its own process so its CPU and RSS can be measured (IPC). */
import { PerformanceObserver, constants, monitorEventLoopDelay } from 'node:perf_hooks';
import { startSignalingServer } from '../server/index.js';

const secret = process.env.BENCH_SECRET as string;
const server = await startSignalingServer({
  port: 0,
  secret,
  sdkAppId: 1400000001,
  allowedOrigins: ['*'],
  ...(process.env.BENCH_REDIS_URL ? { redisUrl: process.env.BENCH_REDIS_URL } : {}),
  // Per-socket and per-user limits stay at their defaults; only the per-IP socket rate and caps are
  // lifted, since every client comes from 127.0.0.1.
  // `bench/attack.ts` instead keeps every default and trusts loopback as a proxy: each attacker
  // socket then has its own address (X-Forwarded-For), as many clients behind nginx would.
  ...(process.env.BENCH_ATTACK
    ? { trustProxy: ['127.0.0.1'] }
    : { rateLimits: { connectionsPerSecond: 100_000, connectionBurst: 100_000, maxSocketsPerIp: 1_000_000, maxSockets: 1_000_000 } }),
  logger: { info: () => undefined, warn: () => undefined, error: (m) => process.send?.({ error: m }) },
});
process.send?.({ url: server.url });
// `loop`: the event loop's delay (p99, max, ms) and the CPU used since the last `loop`, then reset.
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
// GC pauses since the last `loop` (count, total and longest, ms), to tell GC from our own long turns.
// `majorMaxMs`: the longest mark-compact (old space) pause.
const gc = { count: 0, totalMs: 0, maxMs: 0, majorCount: 0, majorMaxMs: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++;
    gc.totalMs += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
    if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      gc.majorCount++;
      gc.majorMaxMs = Math.max(gc.majorMaxMs, e.duration);
    }
  }
}).observe({ entryTypes: ['gc'] });
let cpuFrom = process.cpuUsage();
let cpuAt = performance.now();
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'loop') {
    const cpu = process.cpuUsage(cpuFrom);
    const wallMs = performance.now() - cpuAt;
    process.send?.({
      loop: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6, cpu: (cpu.user + cpu.system) / 1000 / wallMs, gc: { ...gc } },
    });
    loop.reset();
    Object.assign(gc, { count: 0, totalMs: 0, maxMs: 0, majorCount: 0, majorMaxMs: 0 });
    cpuFrom = process.cpuUsage();
    cpuAt = performance.now();
  }
  if (m.cmd === 'stats') {
    process.send?.({ stats: server.stats(), cpu: process.cpuUsage(), mem: process.memoryUsage(), at: performance.now() });
  } else if (m.cmd === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
