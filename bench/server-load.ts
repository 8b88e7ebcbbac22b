/**
 * `npm run bench:server` (R11 (a), reliability.md §5.1; issue 18 item 4): Node ws clients act out
 * concurrent 1v1 calls against the signaling server running in its own process on 127.0.0.1, for
 * each size in BENCH_SOCKETS (default `1000,10000`: both in one run, each on a fresh server):
 * login storm (every socket connects and logs in, BENCH_LOGIN_CONCURRENCY per client process at
 * once), call set-up (invite, accept, a 4 KB offer and answer, 10 candidates each way), a hold of
 * BENCH_HOLD_S seconds with a numbered relay each way per call every second, then hang-up.
 * The clients run in BENCH_WORKERS processes (default 4; `bench/server-load-clients.ts`): one
 * client process was the bottleneck of November's p99. Both sockets of a call live in one process,
 * so each relay's latency (send -> arrival at the peer) is read on one clock.
 * Reports per size: relay p50/p99 in the hold phase, lost / misrouted relays, server CPU and RSS
 * (also per 1,000 sockets), login storm time, and that the registry is back to 0.
 * Env: BENCH_SOCKETS, BENCH_HOLD_S (default 60; R11's hold is 300), BENCH_WORKERS,
 * BENCH_NODES (default 1; 2: two nodes over a throwaway redis-server, callers on the first, callees
 * on the second), BENCH_CPU_PROF=<dir> (the server writes a V8 CPU profile there when it stops),
 * BENCH_SERVER_FLAGS (V8 flags for the server process, e.g. `--max-semi-space-size=64`).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fmt, printTable, root, writeResult } from './lib.js';
import { Histogram } from './server-load-clients.js';
import { startRedis } from '../test/helpers/redis.js';

const SIZES = (process.env.BENCH_SOCKETS ?? '1000,10000').split(',').map((s) => 2 * Math.round(Number(s) / 2));
const HOLD_S = Number(process.env.BENCH_HOLD_S ?? 60);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const NODES = Number(process.env.BENCH_NODES ?? 1);
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
const SECRET = randomBytes(32).toString('hex');

interface ServerStats {
  stats: { sockets: number; users: number; calls: number; timers: number };
  cpu: NodeJS.CpuUsage;
  mem: NodeJS.MemoryUsage;
  at: number;
}

/** Waits for the first message of `child` that `pick` accepts. */
function answer<T>(child: ChildProcess, pick: (m: Record<string, unknown>) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (m: Record<string, unknown>) => {
      const v = pick(m);
      if (v === undefined) return;
      child.off('message', on);
      child.off('exit', onExit);
      resolve(v);
    };
    const onExit = (code: number | null) => reject(new Error(`process exited (${code}) before answering`));
    child.on('message', on);
    child.once('exit', onExit);
  });
}

async function startServers(redisUrl: string | undefined): Promise<{ children: ChildProcess[]; urls: string[]; errors: string[] }> {
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  const errors: string[] = [];
  for (let n = 0; n < NODES; n++) {
    const child = fork(`${root}bench/server-load-child.ts`, [], {
      execArgv: [
        '--import',
        'tsx',
        ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
        // e.g. BENCH_SERVER_FLAGS=--max-semi-space-size=64: V8 flags for the server process only.
        ...(process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean),
      ],
      env: { ...process.env, BENCH_SECRET: SECRET, ...(redisUrl ? { BENCH_REDIS_URL: redisUrl } : {}) },
    });
    child.on('message', (m: { error?: string }) => m.error && errors.push(m.error));
    children.push(child);
    urls.push(await answer(child, (m) => (typeof m.url === 'string' ? m.url : undefined)));
  }
  return { children, urls, errors };
}

/** Every node's figures added up (calls and timers live on the leader, sockets on each node). */
async function serverStats(children: ChildProcess[]): Promise<ServerStats> {
  const all = await Promise.all(
    children.map((child) => {
      const got = answer(child, (m) => (m.stats ? (m as unknown as ServerStats) : undefined));
      child.send({ cmd: 'stats' });
      return got;
    }),
  );
  const sum = (f: (s: ServerStats) => number) => all.reduce((n, s) => n + f(s), 0);
  return {
    stats: {
      sockets: sum((s) => s.stats.sockets),
      users: sum((s) => s.stats.users),
      calls: sum((s) => s.stats.calls),
      timers: sum((s) => s.stats.timers),
    },
    cpu: { user: sum((s) => s.cpu.user), system: sum((s) => s.cpu.system) },
    mem: { ...all[0].mem, rss: sum((s) => s.mem.rss) },
    at: all[0].at,
  };
}

interface LoopStats {
  p99: number;
  max: number;
  cpu: number;
  gc: { count: number; totalMs: number; maxMs: number; majorCount: number; majorMaxMs: number };
}

/** Each node's event-loop delay and GC pauses since the last call (which resets them); the worst node's. */
async function serverLoop(children: ChildProcess[]): Promise<LoopStats> {
  const all = await Promise.all(
    children.map((child) => {
      const got = answer(child, (m) => (m.loop ? (m.loop as LoopStats) : undefined));
      child.send({ cmd: 'loop' });
      return got;
    }),
  );
  return all.reduce((a, b) => (b.max > a.max ? b : a));
}

/** Sends `cmd` to every client process and waits for all of them; a worker's error fails the run. */
async function phase(workers: ChildProcess[], cmd: string, extra: (i: number) => Record<string, unknown> = () => ({})) {
  const answers = await Promise.all(
    workers.map((w, i) => {
      const got = answer(w, (m) => (m.done === cmd ? m : undefined));
      w.send({ cmd, ...extra(i) });
      return got;
    }),
  );
  const failed = answers.find((a) => a.error);
  if (failed) throw new Error(`client process, ${cmd}: ${String(failed.error)}`);
  return answers;
}

async function runSize(sockets: number) {
  const calls = sockets / 2;
  const redis = NODES > 1 ? await startRedis() : null;
  const { children, urls, errors } = await startServers(redis?.url);
  const workers: ChildProcess[] = [];
  try {
    const count = Math.max(1, Math.min(WORKERS, calls));
    for (let i = 0; i < count; i++) {
      const w = fork(`${root}bench/server-load-clients.ts`, [], { execArgv: ['--import', 'tsx'] });
      workers.push(w);
      await answer(w, (m) => (m.ready ? true : undefined));
    }
    const share = (i: number) => ({ from: Math.floor((i * calls) / count), to: Math.floor(((i + 1) * calls) / count) });
    const mb = (n: number) => n / 2 ** 20;
    const cores = (a: ServerStats, b: ServerStats) => (b.cpu.user + b.cpu.system - a.cpu.user - a.cpu.system) / 1000 / (b.at - a.at);

    const s0 = await serverStats(children);
    const t0 = performance.now();
    const logins = await phase(workers, 'login', (i) => ({ urls, secret: SECRET, ...share(i) }));
    const tLogin = performance.now();
    const sLogin = await serverStats(children);
    await phase(workers, 'setup');
    const tSetup = performance.now();
    const sSetup = await serverStats(children);
    await serverLoop(children);
    const held = await phase(workers, 'hold', () => ({ seconds: HOLD_S }));
    const tHold = performance.now();
    const sHold = await serverStats(children);
    const holdLoop = await serverLoop(children);
    const ends = await phase(workers, 'hangup');
    let sEnd = await serverStats(children);
    for (const deadline = performance.now() + 15_000; performance.now() < deadline;) {
      if (!(sEnd.stats.calls || sEnd.stats.sockets || sEnd.stats.timers || sEnd.stats.users)) break;
      await new Promise((r) => setTimeout(r, 100));
      sEnd = await serverStats(children);
    }
    const hold = Histogram.merge(held.map((h) => h.hold as [number, number][]));
    const all = Histogram.merge(held.map((h) => h.all as [number, number][]));
    const clientLoops = held.map((h) => h.loop as { p99: number; max: number });
    const sum = (k: string) => ends.reduce((n, e) => n + Number(e[k]), 0);
    const sent = sum('sent');
    const got = sum('got');
    const perK = sockets / 1000;
    return {
      sockets,
      calls,
      nodes: NODES,
      clientProcesses: count,
      holdSeconds: HOLD_S,
      loginStormS: (tLogin - t0) / 1000,
      loginRetries: logins.reduce((n, l) => n + Number(l.retries ?? 0), 0),
      setupS: (tSetup - tLogin) / 1000,
      holdS: (tHold - tSetup) / 1000,
      relays: { sent, received: got, lost: sent - got, misrouted: sum('misrouted') },
      latencyMs: {
        p50: all.percentile(50),
        p99: all.percentile(99),
        holdP50: hold.percentile(50),
        holdP99: hold.percentile(99),
        holdMax: hold.percentile(100),
      },
      serverCpuCores: { login: cores(s0, sLogin), setup: cores(sLogin, sSetup), hold: cores(sSetup, sHold) },
      serverLoopHold: holdLoop,
      clientLoopHold: { p99: Math.max(...clientLoops.map((l) => l.p99)), max: Math.max(...clientLoops.map((l) => l.max)) },
      serverCpuPer1kSocketsHold: cores(sSetup, sHold) / perK,
      serverRssMb: {
        idle: mb(s0.mem.rss),
        loggedIn: mb(sLogin.mem.rss),
        inCalls: mb(sSetup.mem.rss),
        afterHold: mb(sHold.mem.rss),
        heapUsedAfterHold: mb(sHold.mem.heapUsed),
        externalAfterHold: mb(sHold.mem.external),
        end: mb(sEnd.mem.rss),
      },
      serverRssPer1kSocketsMb: (mb(sHold.mem.rss) - mb(s0.mem.rss)) / perK,
      registryAtPeak: sSetup.stats,
      registryAfter: sEnd.stats,
      serverErrors: errors,
      loadAverage: loadavg()[0],
    };
  } finally {
    for (const w of workers) {
      if (w.exitCode === null) w.send({ cmd: 'exit' });
    }
    for (const child of children) {
      if (child.exitCode !== null) continue;
      child.send({ cmd: 'stop' });
      await new Promise((r) => child.once('exit', r));
    }
    await redis?.stop();
  }
}

const results: Awaited<ReturnType<typeof runSize>>[] = [];
for (const size of SIZES) {
  console.log(`bench:server: ${size} sockets (${size / 2} calls), ${NODES} node(s), ${WORKERS} client processes, ${HOLD_S} s hold`);
  const r = await runSize(size);
  console.log(`  ${JSON.stringify(r)}`);
  results.push(r);
}
const col = (f: (r: Awaited<ReturnType<typeof runSize>>) => string) => results.map(f);
const table = printTable(
  `Server load (R11a, issue 18): 1v1 calls on loopback, ${HOLD_S} s hold, clients in ${WORKERS} processes` +
    (NODES > 1 ? `, ${NODES} nodes over Redis (every call across nodes; CPU and RSS summed)` : ''),
  ['figure', ...results.map((r) => `${r.sockets} sockets`), 'goal'],
  [
    ['login storm (all sockets connect + log in; connects retried)', ...col((r) => `${fmt(r.loginStormS, 1)} s (${r.loginRetries})`), ''],
    [
      'relay latency p50 / p99, hold phase',
      ...col((r) => `${fmt(r.latencyMs.holdP50, 2)} / ${fmt(r.latencyMs.holdP99, 2)} ms`),
      'p99 ≤ 20 ms at 10,000',
    ],
    ['relay latency p50 / p99, all relays', ...col((r) => `${fmt(r.latencyMs.p50, 2)} / ${fmt(r.latencyMs.p99, 2)} ms`), ''],
    ['relays sent / lost / misrouted', ...col((r) => `${r.relays.sent} / ${r.relays.lost} / ${r.relays.misrouted}`), '0 lost, 0 misrouted'],
    [
      'server CPU (cores): login / setup / hold',
      ...col((r) => `${fmt(r.serverCpuCores.login, 2)} / ${fmt(r.serverCpuCores.setup, 2)} / ${fmt(r.serverCpuCores.hold, 2)}`),
      '',
    ],
    ['server event-loop delay p99 / max, hold', ...col((r) => `${fmt(r.serverLoopHold.p99, 1)} / ${fmt(r.serverLoopHold.max, 1)} ms`), ''],
    [
      'client processes event-loop delay p99 / max, hold (worst)',
      ...col((r) => `${fmt(r.clientLoopHold.p99, 1)} / ${fmt(r.clientLoopHold.max, 1)} ms`),
      '',
    ],
    [
      'server GC pauses in the hold: count / total / longest (mark-compact: count / longest)',
      ...col((r) => {
        const gc = r.serverLoopHold.gc;
        return `${gc.count} / ${fmt(gc.totalMs, 0)} / ${fmt(gc.maxMs, 1)} ms (${gc.majorCount} / ${fmt(gc.majorMaxMs, 1)} ms)`;
      }),
      '',
    ],
    ['server CPU per 1,000 sockets, hold', ...col((r) => `${fmt(r.serverCpuPer1kSocketsHold, 3)} cores`), ''],
    [
      'server RSS: idle / in calls / after hold',
      ...col((r) => `${fmt(r.serverRssMb.idle)} / ${fmt(r.serverRssMb.inCalls)} / ${fmt(r.serverRssMb.afterHold)} MB`),
      '≤ 400 MB at 10,000',
    ],
    ['server RSS per 1,000 sockets', ...col((r) => `${fmt(r.serverRssPer1kSocketsMb)} MB`), ''],
    ['registry after hang-up', ...col((r) => JSON.stringify(r.registryAfter)), 'all 0'],
    ['server errors logged', ...col((r) => String(r.serverErrors.length)), '0'],
  ],
);
const summary = `load average (1/5/15 min): ${loadavg()
  .map((n) => n.toFixed(2))
  .join(' ')} on ${cpus().length} cores`;
console.log(summary);
writeResult(NODES > 1 ? `server-load-${NODES}-nodes` : 'server-load', { sizes: results }, `${table}\n${summary}`);
process.exit(0);
