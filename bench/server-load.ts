/**
 * R11 (a), reliability.md §5.1: Node ws clients act out K concurrent 1v1 calls (2K sockets) against
 * the signaling server running in its own process on 127.0.0.1: login, invite, accept, a 4 KB offer
 * and answer and 10 candidates each way, then holding for BENCH_HOLD_S seconds with a numbered relay
 * each way every second, then hang-up. Measures relay latency (client-observed, send -> arrival at
 * the peer), lost or misrouted relays (sequence numbers), server CPU and RSS (from the server
 * process) and that the registry is back to 0. Env: BENCH_CALLS (default 500), BENCH_HOLD_S (default
 * 300: R11's 5 min hold; e.g. BENCH_HOLD_S=20 for a quick run), BENCH_NODES (default 1; 2: two nodes over a
 * throwaway redis-server, callers on the first, callees on the second).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { genUserSig } from '../server/usersig.js';
import { fmt, percentile, printTable, root, writeResult } from './lib.js';
import { startRedis } from '../test/helpers/redis.js';

const K = Number(process.env.BENCH_CALLS ?? 500);
const HOLD_S = Number(process.env.BENCH_HOLD_S ?? 300);
const SECRET = randomBytes(32).toString('hex');
const APP = 1400000001;

interface ChildStats {
  stats: { sockets: number; users: number; calls: number; timers: number };
  cpu: NodeJS.CpuUsage;
  mem: NodeJS.MemoryUsage;
  at: number;
}

// BENCH_NODES=2: two server processes over a throwaway redis-server (README "Multi-node
// deployment"); every call crosses nodes (callers on the first, callees on the second).
const NODES = Number(process.env.BENCH_NODES ?? 1);
const redis = NODES > 1 ? await startRedis() : null;
const serverErrors: string[] = [];
const children: ChildProcess[] = [];
const urls: string[] = [];
for (let n = 0; n < NODES; n++) {
  const child = fork(`${root}bench/server-load-child.ts`, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_SECRET: SECRET, ...(redis ? { BENCH_REDIS_URL: redis.url } : {}) },
  });
  children.push(child);
  urls.push(
    await new Promise<string>((resolve, reject) => {
      child.on('message', (m: { url?: string; error?: string }) => {
        if (m.url) resolve(m.url);
        if (m.error) serverErrors.push(m.error);
      });
      child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    }),
  );
}
const oneChildStats = (child: ChildProcess) =>
  new Promise<ChildStats>((resolve) => {
    const on = (m: Partial<ChildStats>) => {
      if (m.stats) {
        child.off('message', on);
        resolve(m as ChildStats);
      }
    };
    child.on('message', on);
    child.send({ cmd: 'stats' });
  });
/** Every node's figures added up (calls and timers live on the leader, sockets on each node). */
const childStats = async (): Promise<ChildStats> => {
  const all = await Promise.all(children.map(oneChildStats));
  const sum = (f: (s: ChildStats) => number) => all.reduce((n, s) => n + f(s), 0);
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
};

const SDP = `v=0\r\n${'a=x-pad:'.padEnd(4096 - 5, 'x')}`;

class Peer {
  ws: WebSocket;
  queue: Record<string, unknown>[] = [];
  waiters: ((m: Record<string, unknown>) => boolean)[] = [];
  next = 1;
  constructor(
    readonly userId: string,
    url: string,
  ) {
    this.ws = new WebSocket(url);
  }
  open() {
    return new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }
  request(m: Record<string, unknown>): string {
    const id = String(this.next++);
    this.ws.send(JSON.stringify({ v: 1, id, ...m }));
    return id;
  }
  send(m: Record<string, unknown>) {
    this.ws.send(JSON.stringify({ v: 1, ...m }));
  }
  wait(pred: (m: Record<string, unknown>) => boolean, ms = 30_000): Promise<Record<string, unknown>> {
    const i = this.queue.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.userId}: timeout`)), ms);
      this.waiters.push((m) => {
        if (!pred(m)) return false;
        clearTimeout(timer);
        resolve(m);
        return true;
      });
    });
  }
}

interface Pair {
  a: Peer;
  b: Peer;
  callId: string;
  sent: [number, number];
  got: [number, number];
  misrouted: number;
}
const latencies: number[] = [];
const holdLatencies: number[] = [];
let holding = false;

function attach(pair: Pair, side: 0 | 1) {
  const me = side === 0 ? pair.a : pair.b;
  const other = side === 0 ? pair.b : pair.a;
  me.ws.on('message', (raw) => {
    const m = JSON.parse(raw.toString()) as Record<string, unknown> & {
      data?: { candidate?: { candidate?: string }; description?: { sdp?: string } };
    };
    if (m.type === 'relay') {
      const tag = m.data?.candidate?.candidate ?? m.data?.description?.sdp?.slice(-40) ?? '';
      const match = /seq:(\d+):(\d+):([\d.]+)/.exec(tag);
      if (!match || m.from !== other.userId || m.callId !== pair.callId) {
        pair.misrouted++;
        return;
      }
      const dir = 1 - side;
      if (Number(match[1]) !== pair.got[dir]) pair.misrouted++;
      pair.got[dir] = Number(match[1]) + 1;
      const lat = performance.now() - Number(match[3]);
      latencies.push(lat);
      if (holding) holdLatencies.push(lat);
      return;
    }
    for (let i = 0; i < me.waiters.length; i++) {
      if (me.waiters[i](m)) {
        me.waiters.splice(i, 1);
        return;
      }
    }
    me.queue.push(m);
  });
}

function relay(pair: Pair, side: 0 | 1, kind: 'candidate' | 'offer' | 'answer') {
  const from = side === 0 ? pair.a : pair.b;
  const to = side === 0 ? pair.b : pair.a;
  const tag = `seq:${pair.sent[side]++}:${side}:${performance.now().toFixed(3)}`;
  const data =
    kind === 'candidate'
      ? {
          kind: 'candidate',
          candidate: { candidate: `candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host ${tag}`, sdpMid: '0', sdpMLineIndex: 0 },
        }
      : { kind: 'description', description: { type: kind, sdp: `${SDP.slice(0, 4096 - tag.length - 2)} ${tag}` } };
  from.send({ type: 'relay', callId: pair.callId, to: to.userId, data });
}

const t0 = performance.now();
const s0 = await childStats();

// Connect and log in 2K sockets, in batches.
const pairs: Pair[] = [];
for (let base = 0; base < K; base += 50) {
  await Promise.all(
    Array.from({ length: Math.min(50, K - base) }, async (_, j) => {
      const i = base + j;
      const a = new Peer(`la${i}`, urls[0]);
      const b = new Peer(`lb${i}`, urls[NODES - 1]);
      const pair: Pair = { a, b, callId: '', sent: [0, 0], got: [0, 0], misrouted: 0 };
      attach(pair, 0);
      attach(pair, 1);
      await Promise.all([a.open(), b.open()]);
      for (const p of [a, b]) {
        const id = p.request({
          type: 'login',
          sdkAppId: APP,
          userId: p.userId,
          userSig: genUserSig({ sdkAppId: APP, secret: SECRET, userId: p.userId, expireSeconds: 3600 }),
        });
        await p.wait((m) => m.ref === id && m.type === 'login-ok');
      }
      pairs.push(pair);
    }),
  );
}
const tLogin = performance.now();
const sLogin = await childStats();

// Set up every call concurrently.
await Promise.all(
  pairs.map(async (pair) => {
    const id = pair.a.request({ type: 'invite', to: [pair.b.userId], mediaType: 'video' });
    const ok = await pair.a.wait((m) => m.ref === id);
    if (ok.type !== 'invite-ok') throw new Error(`invite: ${JSON.stringify(ok)}`);
    pair.callId = ok.callId as string;
    await pair.b.wait((m) => m.type === 'incoming');
    const acc = pair.b.request({ type: 'accept', callId: pair.callId });
    await pair.b.wait((m) => m.ref === acc && m.type === 'call-started');
    await pair.a.wait((m) => m.type === 'member-state');
    relay(pair, 0, 'offer');
    relay(pair, 1, 'answer');
    for (let c = 0; c < 10; c++) {
      relay(pair, 0, 'candidate');
      relay(pair, 1, 'candidate');
    }
  }),
);
const deadline = performance.now() + 30_000;
while (pairs.some((p) => p.got[0] < p.sent[0] || p.got[1] < p.sent[1]) && performance.now() < deadline)
  await new Promise((r) => setTimeout(r, 20));
const tSetup = performance.now();
const sSetup = await childStats();

// Hold: one numbered relay each way per call every second (spread over the second).
holding = true;
const holdStart = performance.now();
for (let s = 0; s < HOLD_S; s++) {
  const tick = performance.now();
  for (let i = 0; i < pairs.length; i++) {
    relay(pairs[i], 0, 'candidate');
    relay(pairs[i], 1, 'candidate');
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 1000 / (pairs.length / 50) - 1));
  }
  const left = 1000 - (performance.now() - tick);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
}
const drain = performance.now() + 10_000;
while (pairs.some((p) => p.got[0] < p.sent[0] || p.got[1] < p.sent[1]) && performance.now() < drain)
  await new Promise((r) => setTimeout(r, 20));
holding = false;
const sHold = await childStats();
const tHold = performance.now();

// Hang up and close.
await Promise.all(
  pairs.map(async (pair) => {
    const id = pair.a.request({ type: 'hangup', callId: pair.callId });
    await pair.a.wait((m) => m.ref === id);
    await pair.b.wait((m) => m.type === 'call-ended');
  }),
);
for (const p of pairs) {
  p.a.ws.close();
  p.b.ws.close();
}
let sEnd = await childStats();
const endDeadline = performance.now() + 10_000;
while ((sEnd.stats.calls || sEnd.stats.sockets || sEnd.stats.timers || sEnd.stats.users) && performance.now() < endDeadline) {
  await new Promise((r) => setTimeout(r, 100));
  sEnd = await childStats();
}

const sent = pairs.reduce((n, p) => n + p.sent[0] + p.sent[1], 0);
const got = pairs.reduce((n, p) => n + Math.min(p.got[0], p.sent[0]) + Math.min(p.got[1], p.sent[1]), 0);
const misrouted = pairs.reduce((n, p) => n + p.misrouted, 0);
const cores = (a: ChildStats, b: ChildStats) => (b.cpu.user + b.cpu.system - a.cpu.user - a.cpu.system) / 1000 / (b.at - a.at);
const mb = (n: number) => n / 2 ** 20;
const data = {
  nodes: NODES,
  calls: K,
  sockets: 2 * K,
  holdSeconds: HOLD_S,
  relays: { sent, received: got, lost: sent - got, misrouted },
  latencyMs: {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    holdP50: percentile(holdLatencies, 50),
    holdP99: percentile(holdLatencies, 99),
  },
  serverCpuCores: { login: cores(s0, sLogin), setup: cores(sLogin, sSetup), hold: cores(sSetup, sHold), overall: cores(s0, sHold) },
  serverRssMb: {
    idle: mb(s0.mem.rss),
    loggedIn: mb(sLogin.mem.rss),
    inCalls: mb(sSetup.mem.rss),
    afterHold: mb(sHold.mem.rss),
    end: mb(sEnd.mem.rss),
  },
  phasesS: { login: (tLogin - t0) / 1000, setup: (tSetup - tLogin) / 1000, hold: (tHold - holdStart) / 1000 },
  registryAtPeak: sSetup.stats,
  registryAfter: sEnd.stats,
  serverErrors,
};
const table = printTable(
  `Server load (R11a): ${K} concurrent 1v1 calls, ${2 * K} sockets, ${HOLD_S} s hold, loopback` +
    (NODES > 1 ? `, ${NODES} nodes over Redis (every call across nodes; CPU and RSS summed)` : ''),
  ['figure', 'measured', 'target (reliability.md)'],
  [
    ['relay latency p50 / p99 (all relays)', `${fmt(data.latencyMs.p50, 2)} / ${fmt(data.latencyMs.p99, 2)} ms`, '≤ 5 / ≤ 50 ms'],
    ['relay latency p50 / p99 (hold phase)', `${fmt(data.latencyMs.holdP50, 2)} / ${fmt(data.latencyMs.holdP99, 2)} ms`, ''],
    ['relays sent / lost / misrouted', `${sent} / ${sent - got} / ${misrouted}`, '0 lost, 0 misrouted'],
    [
      'server CPU (cores): login / setup / hold / overall',
      `${fmt(data.serverCpuCores.login, 2)} / ${fmt(data.serverCpuCores.setup, 2)} / ${fmt(data.serverCpuCores.hold, 2)} / ${fmt(data.serverCpuCores.overall, 2)}`,
      '≤ 1 core on average',
    ],
    [
      'server RSS: idle / in calls / end',
      `${fmt(data.serverRssMb.idle)} / ${fmt(data.serverRssMb.inCalls)} / ${fmt(data.serverRssMb.end)} MB`,
      '≤ 200 MB',
    ],
    ['registry at peak', JSON.stringify(sSetup.stats), ''],
    ['registry after hang-up', JSON.stringify(sEnd.stats), 'all 0'],
    ['phases: login / setup / hold', `${fmt(data.phasesS.login)} / ${fmt(data.phasesS.setup)} / ${fmt(data.phasesS.hold)} s`, ''],
    ['server errors logged', String(serverErrors.length), '0'],
  ],
);
writeResult(NODES > 1 ? `server-load-${NODES}-nodes` : 'server-load', data, table);
for (const child of children) {
  child.send({ cmd: 'stop' });
  await new Promise((r) => child.once('exit', r));
}
await redis?.stop();
process.exit(0);
