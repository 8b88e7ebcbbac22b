/**
 * One client process of `bench/server-load.ts`: it acts out its share of the 1v1 calls (both sockets
 * of each call live here, so a relay's latency is read on one clock), phase by phase as the
 * coordinator asks over IPC: `login` (connect and log in every socket, at most BENCH_LOGIN_CONCURRENCY
 * at once: the login storm), `setup` (invite, accept, a 4 KB offer and answer and 10 candidates each
 * way), `hold` (a numbered relay each way per call every second, spread over the second), `hangup`.
 * Latencies go back as a log-scale histogram (1 % buckets), so workers' figures add up exactly.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { genUserSig } from '../server/usersig.js';

const APP = 1400000001;
/** A 4 KB offer/answer the server accepts (it checks for a DTLS fingerprint). */
const FINGERPRINT = `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => 'AB').join(':')}\r\n`;
const SDP = `v=0\r\n${FINGERPRINT}${'a=x-pad:'.padEnd(4096 - 5 - FINGERPRINT.length, 'x')}`;
const LOGIN_CONCURRENCY = Number(process.env.BENCH_LOGIN_CONCURRENCY ?? 200);

/** Log-scale histogram of milliseconds: bucket i holds [1.01^i, 1.01^(i+1)) µs. */
export class Histogram {
  readonly counts = new Map<number, number>();
  add(ms: number): void {
    const i = Math.floor(Math.log(Math.max(1, ms * 1000)) / Math.log(1.01));
    this.counts.set(i, (this.counts.get(i) ?? 0) + 1);
  }
  static merge(parts: [number, number][][]): Histogram {
    const h = new Histogram();
    for (const part of parts) for (const [i, n] of part) h.counts.set(i, (h.counts.get(i) ?? 0) + n);
    return h;
  }
  get size(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }
  /** The p-th percentile in ms (the bucket's upper bound: at most 1 % high). */
  percentile(p: number): number {
    const total = this.size;
    if (!total) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * total));
    let seen = 0;
    for (const i of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(i) ?? 0;
      if (seen >= rank) return 1.01 ** (i + 1) / 1000;
    }
    return Number.NaN;
  }
}

type Message = Record<string, unknown>;

class Peer {
  ws!: WebSocket;
  readonly queue: Message[] = [];
  readonly waiters: ((m: Message) => boolean)[] = [];
  private next = 1;
  constructor(
    readonly userId: string,
    readonly url: string,
    private readonly onMessage: (peer: Peer, raw: WebSocket.RawData) => void,
  ) {}
  /** Connects (the socket is made here, so the login storm's concurrency is what `pool` allows). */
  open(): Promise<void> {
    this.ws = new WebSocket(this.url);
    this.ws.on('message', (raw) => this.onMessage(this, raw));
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }
  request(m: Message): string {
    const id = String(this.next++);
    this.ws.send(JSON.stringify({ v: 1, id, ...m }));
    return id;
  }
  send(m: Message): void {
    this.ws.send(JSON.stringify({ v: 1, ...m }));
  }
  wait(pred: (m: Message) => boolean, ms = 60_000): Promise<Message> {
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

const pairs: Pair[] = [];
const all = new Histogram();
const hold = new Histogram();
let holding = false;

const sideOf = new Map<Peer, { pair: Pair; side: 0 | 1 }>();

function onMessage(me: Peer, raw: WebSocket.RawData): void {
  const at = sideOf.get(me);
  if (!at) return;
  const { pair, side } = at;
  const other = side === 0 ? pair.b : pair.a;
  const m = JSON.parse(raw.toString()) as Message & {
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
    all.add(lat);
    if (holding) hold.add(lat);
    return;
  }
  for (let i = 0; i < me.waiters.length; i++) {
    if (me.waiters[i](m)) {
      me.waiters.splice(i, 1);
      return;
    }
  }
  me.queue.push(m);
}

function relay(pair: Pair, side: 0 | 1, kind: 'candidate' | 'offer' | 'answer'): void {
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

/** Runs `work` over `items` with at most `limit` at once. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** Connect attempts that failed and were retried (a refused or reset connection during the storm). */
let retries = 0;

async function login(p: Peer, secret: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await p.open();
      break;
    } catch (error) {
      p.ws.removeAllListeners();
      p.ws.on('error', () => undefined);
      if (attempt >= 5) throw error;
      retries++;
      // The kit's own backoff shape: 250 ms doubling, with jitter.
      await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1) * (0.5 + Math.random())));
    }
  }
  p.ws.on('error', () => undefined);
  const id = p.request({
    type: 'login',
    sdkAppId: APP,
    userId: p.userId,
    userSig: genUserSig({ sdkAppId: APP, secret, userId: p.userId, expireSeconds: 3600 }),
  });
  const answer = await p.wait((m) => m.ref === id);
  if (answer.type !== 'login-ok') throw new Error(`login ${p.userId}: ${JSON.stringify(answer)}`);
}

async function setup(pair: Pair): Promise<void> {
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
}

const pending = () => pairs.some((p) => p.got[0] < p.sent[0] || p.got[1] < p.sent[1]);
async function drain(ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (pending() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** This client process's own event-loop delay in the hold: a relay that waits here is the client's tail, not the server's. */
const loopDelay = monitorEventLoopDelay({ resolution: 1 });

async function holdFor(seconds: number): Promise<void> {
  holding = true;
  loopDelay.enable();
  // Spread each second's relays over the second in slices of 50 calls.
  const slices = Math.max(1, Math.ceil(pairs.length / 50));
  for (let s = 0; s < seconds; s++) {
    const tick = performance.now();
    for (let i = 0; i < pairs.length; i++) {
      relay(pairs[i], 0, 'candidate');
      relay(pairs[i], 1, 'candidate');
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, Math.max(0, 1000 / slices - 1)));
    }
    const left = 1000 - (performance.now() - tick);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
  }
  await drain(10_000);
  holding = false;
  loopDelay.disable();
}

async function hangup(): Promise<void> {
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
}

interface Command {
  cmd: 'login' | 'setup' | 'hold' | 'hangup' | 'exit';
  urls?: string[];
  from?: number;
  to?: number;
  secret?: string;
  seconds?: number;
}

process.on('message', (c: Command) => {
  const reply = (m: Message) => process.send?.({ done: c.cmd, ...m });
  const fail = (error: unknown) => process.send?.({ done: c.cmd, error: String((error as Error)?.stack ?? error) });
  if (c.cmd === 'login') {
    const urls = c.urls ?? [];
    for (let i = c.from ?? 0; i < (c.to ?? 0); i++) {
      const pair: Pair = {
        a: new Peer(`la${i}`, urls[0], onMessage),
        b: new Peer(`lb${i}`, urls[urls.length - 1], onMessage),
        callId: '',
        sent: [0, 0],
        got: [0, 0],
        misrouted: 0,
      };
      sideOf.set(pair.a, { pair, side: 0 });
      sideOf.set(pair.b, { pair, side: 1 });
      pairs.push(pair);
    }
    const peers = pairs.flatMap((p) => [p.a, p.b]);
    pool(peers, LOGIN_CONCURRENCY, (p) => login(p, c.secret ?? '')).then(() => reply({ retries }), fail);
  } else if (c.cmd === 'setup') {
    Promise.all(pairs.map(setup))
      .then(() => drain(60_000))
      .then(() => reply({}), fail);
  } else if (c.cmd === 'hold') {
    holdFor(c.seconds ?? 10).then(
      () =>
        reply({ hold: [...hold.counts], all: [...all.counts], loop: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 } }),
      fail,
    );
  } else if (c.cmd === 'hangup') {
    hangup().then(() => {
      const sent = pairs.reduce((n, p) => n + p.sent[0] + p.sent[1], 0);
      const got = pairs.reduce((n, p) => n + Math.min(p.got[0], p.sent[0]) + Math.min(p.got[1], p.sent[1]), 0);
      reply({ sent, got, misrouted: pairs.reduce((n, p) => n + p.misrouted, 0) });
    }, fail);
  } else if (c.cmd === 'exit') process.exit(0);
});
process.send?.({ ready: true });
