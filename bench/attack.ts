/**
 * `npm run bench:attack`: honest 1v1 relay latency against the signaling server (every limit at its
 * default, loopback trusted as a proxy so each attacker socket has its own X-Forwarded-For address;
 * in its own process) with no attacker, then with 1 and 30 sockets flooding tiny valid
 * frames as fast as TCP allows (in a third process). The honest client relays an ICE candidate
 * every 20 ms and times alice -> server -> bob with one clock. Loopback only; every loop is bounded.
 * On 2 cores the three processes share the CPU: pin them (`taskset`) for the review's setup.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { genUserSig } from '../server/usersig.js';
import { fmt, percentile, printTable, root, writeResult } from './lib.js';

const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 5);
const SECRET = randomBytes(32).toString('hex');
const APP = 1400000001;

const server = fork(`${root}bench/server-load-child.ts`, [], {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, BENCH_SECRET: SECRET, BENCH_ATTACK: '1' },
});
const url = await new Promise<string>((resolve, reject) => {
  server.on('message', (m: { url?: string }) => m.url && resolve(m.url));
  server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
});

type Frame = Record<string, unknown> & { type: string };
async function login(
  userId: string,
): Promise<{ ws: WebSocket; next: (type: string) => Promise<Frame>; onRelay: (fn: () => void) => void }> {
  const ws = new WebSocket(url);
  const queue: Frame[] = [];
  const waiters: (() => void)[] = [];
  let relayFn: (() => void) | null = null;
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as Frame;
    if (m.type === 'relay' && relayFn) return relayFn();
    queue.push(m);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  const next = async (type: string): Promise<Frame> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const i = queue.findIndex((m) => m.type === type);
      if (i >= 0) return queue.splice(i, 1)[0];
      if (Date.now() > deadline) throw new Error(`${userId}: no ${type}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  ws.send(
    JSON.stringify({
      v: 1,
      type: 'login',
      sdkAppId: APP,
      userId,
      userSig: genUserSig({ sdkAppId: APP, secret: SECRET, userId, expireSeconds: 3600 }),
    }),
  );
  await next('login-ok');
  return { ws, next, onRelay: (fn) => (relayFn = fn) };
}

const alice = await login('alice');
const bob = await login('bob');
alice.ws.send(JSON.stringify({ v: 1, type: 'invite', to: ['bob'], mediaType: 'audio' }));
const { callId } = (await alice.next('invite-ok')) as { callId: string } & Frame;
await bob.next('incoming');
bob.ws.send(JSON.stringify({ v: 1, type: 'accept', callId }));
await bob.next('call-started');

/** Relays every 20 ms for WINDOW_S and returns the one-way latencies (ms) and how many were lost. */
async function measure(): Promise<{ lat: number[]; lost: number }> {
  const lat: number[] = [];
  let sentAt = 0;
  let pending = false;
  let lost = 0;
  bob.onRelay(() => {
    if (pending) lat.push(performance.now() - sentAt);
    pending = false;
  });
  const frame = JSON.stringify({ v: 1, type: 'relay', callId, to: 'bob', data: { kind: 'candidate', candidate: null } });
  const end = Date.now() + WINDOW_S * 1000;
  while (Date.now() < end) {
    if (pending) lost++;
    pending = true;
    sentAt = performance.now();
    alice.ws.send(frame);
    await new Promise((r) => setTimeout(r, 20));
    // A late answer is still measured: wait up to 2 s for it before the next relay.
    for (const stop = Date.now() + 2000; pending && Date.now() < stop;) await new Promise((r) => setTimeout(r, 2));
  }
  return { lat, lost: lost + (pending ? 1 : 0) };
}

/** Honest logins (one every 250 ms, each from its own address behind the proxy) during a connection flood. */
async function loginsUnderConnectionFlood(): Promise<{
  ok: number;
  attempts: number;
  attacker: { sent: number; codes: Record<string, number> };
}> {
  const child = fork(`${root}bench/attack-flooder.ts`, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_URL: url, BENCH_SECRET: SECRET, BENCH_MODE: 'connect', BENCH_FLOOD_S: String(WINDOW_S + 10) },
  });
  await new Promise<void>((r) => child.on('message', (m: { flooding?: boolean }) => m.flooding && r()));
  await new Promise((r) => setTimeout(r, 300));
  let ok = 0;
  let attempts = 0;
  const end = Date.now() + WINDOW_S * 1000;
  for (let i = 0; Date.now() < end; i++) {
    attempts++;
    const userId = `honest${i}`;
    const ws = new WebSocket(url, { headers: { 'x-forwarded-for': `203.0.113.${(i % 250) + 1}` } });
    const good = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5000);
      ws.on('error', () => (clearTimeout(timer), resolve(false)));
      ws.on('open', () =>
        ws.send(
          JSON.stringify({
            v: 1,
            type: 'login',
            sdkAppId: APP,
            userId,
            userSig: genUserSig({ sdkAppId: APP, secret: SECRET, userId, expireSeconds: 3600 }),
          }),
        ),
      );
      ws.on('message', (d) => (clearTimeout(timer), resolve((JSON.parse(d.toString()) as Frame).type === 'login-ok')));
    });
    if (good) ok++;
    ws.close();
    await new Promise((r) => setTimeout(r, 250));
  }
  const attacker = await new Promise<{ sent: number; codes: Record<string, number> }>((resolve) => {
    child.on('message', (m: { sent?: number; codes: Record<string, number> }) => m.sent !== undefined && resolve(m as never));
    child.send({ cmd: 'stop' });
  });
  await new Promise((r) => child.once('exit', r));
  return { ok, attempts, attacker };
}

async function withFlooders(
  n: number,
): Promise<{ lat: number[]; lost: number; attacker: { sent: number; closes: number; codes: Record<string, number> } }> {
  const child = fork(`${root}bench/attack-flooder.ts`, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_URL: url, BENCH_SECRET: SECRET, BENCH_FLOODERS: String(n), BENCH_FLOOD_S: String(WINDOW_S + 10) },
  });
  await new Promise<void>((r) => child.on('message', (m: { flooding?: boolean }) => m.flooding && r()));
  await new Promise((r) => setTimeout(r, 300)); // let the sockets log in and start
  const result = await measure();
  const attacker = await new Promise<{ sent: number; closes: number; codes: Record<string, number> }>((resolve) => {
    child.on(
      'message',
      (m: { sent?: number; closes: number; codes: Record<string, number> }) => m.sent !== undefined && resolve(m as never),
    );
    child.send({ cmd: 'stop' });
  });
  await new Promise((r) => child.once('exit', r));
  return { ...result, attacker };
}

const rows: (string | number)[][] = [];
const data: Record<string, unknown> = {};
const row = (label: string, r: { lat: number[]; lost: number }, extra = '') => {
  rows.push([label, fmt(percentile(r.lat, 50), 2), fmt(percentile(r.lat, 99), 2), fmt(Math.max(...r.lat), 2), r.lost, extra]);
  data[label] = { p50: percentile(r.lat, 50), p99: percentile(r.lat, 99), max: Math.max(...r.lat), lost: r.lost, samples: r.lat.length };
};
row('no attacker', await measure());
for (const n of [1, 30]) {
  const r = await withFlooders(n);
  row(`${n} flooding socket${n > 1 ? 's' : ''}`, r, `${r.attacker.sent} frames sent, closed ${JSON.stringify(r.attacker.codes)}`);
}
const logins = await loginsUnderConnectionFlood();
const loginTable = printTable(
  'Honest logins during a connection flood through a trusted proxy (each client its own X-Forwarded-For)',
  ['honest logins', 'attacker upgrades', 'attacker answers'],
  [[`${logins.ok} / ${logins.attempts}`, logins.attacker.sent, JSON.stringify(logins.attacker.codes)]],
);
data.connectionFlood = logins;
alice.ws.close();
bob.ws.close();
server.send({ cmd: 'stop' });
const table = printTable(
  `Honest 1v1 relay latency under a flood (${WINDOW_S} s windows, one relay / 20 ms)`,
  ['condition', 'p50 ms', 'p99 ms', 'max ms', 'lost', 'attacker'],
  rows,
);
console.log(table);
console.log(loginTable);
writeResult('attack', data, `${table}\n${loginTable}`);
