/**
 * The attacker of `bench/attack.ts`, in its own process: N logged-in sockets that send tiny valid
 * frames (`join` with a fake call id) as fast as TCP takes them; a socket the server closes logs
 * in again and goes on (as fast as its address's connection budget allows), until the parent says
 * stop or BENCH_FLOOD_S passes (bounded). Loopback only.
 */
import { WebSocket } from 'ws';
import { genUserSig } from '../server/usersig.js';

const url = process.env.BENCH_URL as string;
if (!/^ws:\/\/(127\.0\.0\.1|localhost|\[::1\]):/.test(url)) throw new Error('the attack bench runs against loopback only');
const N = Number(process.env.BENCH_FLOODERS ?? 1);
const until = Date.now() + 1000 * Number(process.env.BENCH_FLOOD_S ?? 30);
const FRAME = JSON.stringify({ v: 1, type: 'join', callId: 'A'.repeat(22) });
let stopped = false;
let sent = 0;
let closes = 0;
const codes: Record<number, number> = {};

function flooder(i: number): void {
  if (stopped || Date.now() > until) return;
  const userId = `flood${i}`;
  // One address per attacker socket, given through the trusted proxy header (see attack.ts).
  const ws = new WebSocket(url, { headers: { 'x-forwarded-for': `198.51.100.${i + 1}` } });
  ws.on('error', () => undefined);
  ws.on('open', () => {
    const userSig = genUserSig({ sdkAppId: 1400000001, secret: process.env.BENCH_SECRET as string, userId, expireSeconds: 3600 });
    ws.send(JSON.stringify({ v: 1, type: 'login', sdkAppId: 1400000001, userId, userSig }));
  });
  ws.once('message', () => {
    const pump = () => {
      if (stopped || ws.readyState !== WebSocket.OPEN || Date.now() > until) return;
      for (let k = 0; k < 2000 && ws.bufferedAmount < 1 << 20; k++) {
        ws.send(FRAME);
        sent++;
      }
      // Blocked by TCP (the server stopped reading): wait a millisecond instead of spinning, so
      // that this process does not take a core from the server it shares the machine with.
      if (ws.bufferedAmount >= 1 << 20) setTimeout(pump, 1);
      else setImmediate(pump);
    };
    pump();
  });
  ws.on('close', (code) => {
    closes++;
    codes[code] = (codes[code] ?? 0) + 1;
    setTimeout(() => flooder(i), 50); // refused upgrades (429) land here too and retry
  });
}

/**
 * BENCH_MODE=connect: upgrades in batches of 20 from one address, the next batch as soon as the
 * last is answered; accepted sockets are held open (they never log in).
 */
function connector(): void {
  if (stopped || Date.now() > until) return;
  let left = 20;
  for (let k = 0; k < 20; k++) {
    const ws = new WebSocket(url, { headers: { 'x-forwarded-for': '198.51.100.250' } });
    sent++;
    let answered = false;
    const done = (code: number) => {
      if (answered) return;
      answered = true;
      codes[code] = (codes[code] ?? 0) + 1;
      if (--left === 0) setImmediate(connector);
    };
    ws.on('error', () => done(0));
    ws.on('open', () => done(101));
    ws.on('unexpected-response', (_req, res) => {
      done(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
  }
}

if (process.env.BENCH_MODE === 'connect') connector();
else for (let i = 0; i < N; i++) flooder(i);
process.send?.({ flooding: true });
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'stop') {
    stopped = true;
    process.send?.({ sent, closes, codes });
    setTimeout(() => process.exit(0), 100);
  }
});
