/**
 * Issue 14 item 1 (security review H2, M1): floods from a logged-in user and socket caps.
 * - frames are charged before parsing (frame tokens and bytes), a refused frame is never parsed;
 * - a socket that floods is closed with 4429 at once (TCP-speed flood, a burst then a pause) or by
 *   the sliding 10 s refusal count (small pulses that never stay over the limit for a whole second);
 * - concurrent sockets are capped per address (429), in total (503) and per user (4409, oldest first).
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startSignalingServer } from '../../server/index.js';
import type { SignalingServerOptions } from '../../server/index.js';
import { TestClient, TEST_SDK_APP_ID, TEST_SERVER, recordingLogger, sigFor, waitUntil } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';
import { Dispatcher } from '../../server/dispatch.js';
import { Connections, FRAMES_PER_TURN } from '../../server/connection.js';
import type { Conn } from '../../server/connection.js';
import type { ClientMessage } from '../../src/protocol/messages.js';

type Started = Awaited<ReturnType<typeof startSignalingServer>>;

let server: Started | undefined;
let clients: TestClient[] = [];
let logger = recordingLogger();

async function start(options: Partial<SignalingServerOptions> = {}): Promise<Started> {
  logger = recordingLogger();
  server = await startSignalingServer({ port: 0, ...TEST_SERVER, logger, ...options });
  return server;
}

async function user(userId: string): Promise<TestClient> {
  assert.ok(server);
  const c = await TestClient.connect(server.url, userId);
  clients.push(c);
  await c.login(userId);
  return c;
}

afterEach(async () => {
  for (const c of clients) c.close();
  clients = [];
  await server?.close();
  server = undefined;
  assert.deepEqual(
    logger.lines.filter((l) => l.level === 'error'),
    [],
  );
});

const FAKE_CALL = 'A'.repeat(22);
const TINY = JSON.stringify({ v: 1, type: 'join', callId: FAKE_CALL });

/** Answers the server parsed and acted on (each refused-unparsed frame gets none). */
function parsedAnswers(c: TestClient): number {
  return c.received.filter((m) => m.type === 'error' && m.code !== 'rate-limited').length;
}

/** Sends `frame` as fast as the socket takes it (bounded by `ms` and the send buffer), until closed. */
async function floodFor(c: TestClient, frame: string, ms: number): Promise<number> {
  let sent = 0;
  const until = Date.now() + ms;
  while (Date.now() < until && c.closeInfo === undefined && c.ws.readyState === c.ws.OPEN) {
    for (let i = 0; i < 5000 && c.ws.bufferedAmount < 1 << 20; i++) {
      c.ws.send(frame);
      sent++;
    }
    await new Promise((r) => setImmediate(r));
  }
  return sent;
}

describe('flood: frames are charged before parsing; floods are closed (4429)', () => {
  it('a TCP-speed flood of tiny valid frames is closed at once, and almost nothing of it is parsed', async () => {
    await start();
    const flood = await user('flood');
    const t0 = Date.now();
    const sent = await floodFor(flood, TINY, 5000);
    const closed = await flood.waitClose(5000);
    const after = Date.now() - t0;
    assert.equal(closed.code, 4429);
    assert.ok(after < 3000, `closed after ${after} ms (${sent} frames sent)`);
    // The burst (40 - login) and the refill are parsed; refused frames are not even parsed.
    const parsed = parsedAnswers(flood);
    assert.ok(parsed <= 40 + 20 * (after / 1000) + 5, `${parsed} frames parsed of ${sent}`);
    assert.ok(logger.lines.some((l) => /flooding: closing \(4429\)/.test(l.msg)));
  });

  it('a burst then a pause (the pulse that evaded the old 10 s rule) is closed on the first burst', async () => {
    await start();
    const flood = await user('pulse');
    for (let pulse = 0; pulse < 5 && flood.closeInfo === undefined; pulse++) {
      for (let i = 0; i < 2000; i++) flood.ws.send(TINY);
      await new Promise((r) => setTimeout(r, 1200));
    }
    assert.equal((await flood.waitClose(5000)).code, 4429);
  });

  it('small pulses that never exceed the per-second ceiling are closed by the sliding 10 s count', async () => {
    await start({ rateLimits: { refusalLimit: 50 } });
    const flood = await user('pulse');
    const t0 = Date.now();
    // 60 frames per 1.2 s: 50/s against 20/s; about 36 refused a pulse, never a whole second refused.
    for (let pulse = 0; pulse < 8 && flood.closeInfo === undefined; pulse++) {
      for (let i = 0; i < 60; i++) flood.ws.send(TINY);
      await new Promise((r) => setTimeout(r, 1200));
    }
    assert.equal((await flood.waitClose(3000)).code, 4429);
    assert.ok(Date.now() - t0 < 8000, 'closed within a few pulses');
  });

  it('bytes are charged too: 60 KB frames are parsed at most at the byte rate', async () => {
    await start({ rateLimits: { bytesPerSecond: 128 * 1024, byteBurst: 256 * 1024 } });
    const flood = await user('big');
    const sdp = `v=0\r\n${'a'.repeat(60_000)}`;
    const big = JSON.stringify({
      v: 1,
      type: 'relay',
      callId: FAKE_CALL,
      to: 'x',
      data: { kind: 'description', description: { type: 'offer', sdp } },
    });
    const t0 = Date.now();
    await floodFor(flood, big, 2000);
    const elapsedS = (Date.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 100));
    const parsed = parsedAnswers(flood);
    const bound = Math.ceil((256 * 1024 + 128 * 1024 * (elapsedS + 0.2)) / big.length) + 2;
    assert.ok(parsed <= bound, `${parsed} big frames parsed in ${elapsedS.toFixed(1)} s (bound ${bound})`);
  });

  it('an honest call keeps its relay latency while a socket floods', async () => {
    // Each flooder from its own address (a flooder's address is penalized, see below).
    const s = await start({ trustProxy: ['127.0.0.1'] });
    const alice = await user('alice');
    const bob = await user('bob');
    const ok = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    await bob.waitForType('incoming');
    assert.equal((await bob.ask({ type: 'accept', callId: ok.callId })).type, 'call-started');
    await alice.waitForType('member-state');
    const measure = async (n: number): Promise<number[]> => {
      const lat: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        alice.send({ v: 1, type: 'relay', callId: ok.callId, to: 'bob', data: { kind: 'candidate', candidate: null } });
        await bob.waitForType('relay');
        lat.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
      lat.sort((a, b) => a - b);
      return lat;
    };
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];
    const before = await measure(30);
    // Three flooders, one after the other (each is closed within moments); the flooding client
    // shares this process, so its own sending cost is in the figures too.
    const during: number[] = [];
    for (const [i, name] of ['flood1', 'flood2', 'flood3'].entries()) {
      const flood = await TestClient.connect(s.url, name, { headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } });
      clients.push(flood);
      await flood.login(name);
      const flooding = floodFor(flood, TINY, 3000);
      during.push(...(await measure(15)));
      await flooding;
      assert.equal(flood.closeInfo?.code, 4429);
    }
    during.sort((a, b) => a - b);
    console.log(
      `# honest relay before: ${before.map((x) => x.toFixed(0)).join(' ')}; during floods: ${during.map((x) => x.toFixed(0)).join(' ')} ms`,
    );
    // Before the fix every relay during a flood took tens to hundreds of ms, for ~10 s. Now at most
    // the relay that meets a flooder's first megabyte is slow (the flooder shares this process).
    const slow = during.filter((x) => x > 50).length;
    assert.ok(slow <= 3, `${slow} of ${during.length} relays over 50 ms under floods`);
    assert.ok(median(during) < median(before) * 3 + 5, `median ${median(before).toFixed(1)} -> ${median(during).toFixed(1)} ms`);
    assert.equal(alice.closeInfo, undefined);
    assert.equal(bob.closeInfo, undefined);
  });
});

describe('fairness between sockets', () => {
  it("a flooder's read does not hold up another socket's frame, and what it sent after its close is not even framed", async () => {
    await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const ok = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    await bob.waitForType('incoming');
    assert.equal((await bob.ask({ type: 'accept', callId: ok.callId })).type, 'call-started');
    const flood = await user('flood');
    // Observed, not changed: the order in which the server acts on messages, and the frames `ws`
    // still hands over for the flooder once it is closing.
    const order: string[] = [];
    let afterClose = 0;
    const dispatch = Dispatcher.prototype.onMessage;
    Dispatcher.prototype.onMessage = function (this: Dispatcher, conn: Conn, msg: ClientMessage) {
      order.push(`${conn.userId}:${msg.type}`);
      dispatch.call(this, conn, msg);
    };
    const proto = Connections.prototype as unknown as { onFrame(conn: Conn, data: unknown, isBinary: boolean): void };
    const onFrame = proto.onFrame;
    proto.onFrame = function (this: Connections, conn: Conn, data: unknown, isBinary: boolean) {
      if (conn.userId === 'flood' && conn.closing) afterClose++;
      onFrame.call(this, conn, data, isBinary);
    };
    try {
      // Client and server share this process: nothing is read until this block yields, so the
      // flooder's ~130 KB and then alice's relay are both waiting in the kernel when the server reads.
      for (let i = 0; i < 3000; i++) flood.ws.send(TINY);
      alice.send({ v: 1, type: 'relay', callId: ok.callId, to: 'bob', data: { kind: 'candidate', candidate: null } });
      await bob.waitForType('relay');
      assert.equal((await flood.waitClose(5000)).code, 4429);
    } finally {
      Dispatcher.prototype.onMessage = dispatch;
      proto.onFrame = onFrame;
    }
    const relayAt = order.indexOf('alice:relay');
    const floodFirst = order.slice(0, relayAt).filter((x) => x.startsWith('flood:')).length;
    // Before: the flooder's whole first 64 KB read (its 39 passing frames) was handled before the
    // relay, and the ~1,300 frames after its close in that read were still framed and emitted.
    assert.ok(floodFirst <= 4, `${floodFirst} of the flooder's frames were handled before the relay (FRAMES_PER_TURN ${FRAMES_PER_TURN})`);
    assert.ok(afterClose <= 10, `${afterClose} frames of the flooder framed after its close`);
  });
});

describe('a socket closed for flooding gains nothing by coming back at once', () => {
  const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
  async function open(address: string, label: string): Promise<TestClient | number> {
    assert.ok(server);
    try {
      const c = await TestClient.connect(server.url, label, from(address));
      clients.push(c);
      return c;
    } catch (err) {
      return (err as { statusCode?: number }).statusCode ?? -1;
    }
  }
  /** Tries to log `userId` in from `address` until it works (bounded); returns how many tries were refused. */
  async function loginEventually(address: string, userId: string): Promise<number> {
    let refused = 0;
    for (const until = Date.now() + 10_000; Date.now() < until; refused++) {
      const c = await open(address, userId);
      if (typeof c !== 'number') {
        const answer = await c.ask({ type: 'login', sdkAppId: TEST_SDK_APP_ID, userId, userSig: sigFor(userId) });
        if (answer.type === 'login-ok') return refused;
        c.close();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${userId} never got back in`);
  }

  it("its address's connection budget is emptied and its user is refused (4429) until a socket budget would have refilled", async () => {
    // Socket budget 40 at 10/s: a 4 s login cooldown; new sockets at 0.5/s: 2 s until the address
    // may open one again (long enough for a loaded machine to get to the checks).
    await start({ trustProxy: ['127.0.0.1'], rateLimits: { messagesPerSecond: 10, connectionsPerSecond: 0.5 } });
    const flooder = await open('203.0.113.9', 'flood');
    assert.ok(typeof flooder !== 'number');
    await flooder.login('flood');
    await floodFor(flooder, TINY, 5000);
    assert.equal((await flooder.waitClose(5000)).code, 4429);
    // At once, from the same address: refused at the upgrade (before: a fresh socket at once).
    assert.equal(await open('203.0.113.9', 'again'), 429);
    // The same user from another address: refused at login.
    const other = await open('203.0.113.10', 'flood-elsewhere');
    assert.ok(typeof other !== 'number');
    const answer = await other.ask({ type: 'login', sdkAppId: TEST_SDK_APP_ID, userId: 'flood', userSig: sigFor('flood') });
    assert.equal(answer.type === 'error' && answer.code, 'rate-limited');
    assert.equal((await other.waitClose()).code, 4429);
    // Others are not touched, and after the cooldown the user and the address get in again.
    await user('honest');
    assert.ok((await loginEventually('203.0.113.9', 'flood')) >= 0);
  });
});

describe('socket caps', () => {
  it('per address: sockets over maxSocketsPerIp get 429; a slot frees when one closes', async () => {
    const s = await start({ rateLimits: { maxSocketsPerIp: 3 } });
    const open = await Promise.all([0, 1, 2].map((i) => TestClient.connect(s.url, `s${i}`)));
    clients.push(...open);
    await assert.rejects(TestClient.connect(s.url, 'over'), (err: { statusCode?: number }) => err.statusCode === 429);
    open[0].close();
    await waitUntil(() => s.stats().sockets === 2, 'a slot freed');
    const again = await TestClient.connect(s.url, 'again');
    clients.push(again);
    await again.login('again');
  });

  it('in total: sockets over maxSockets get 503', async () => {
    const s = await start({ rateLimits: { maxSockets: 2 } });
    clients.push(await TestClient.connect(s.url, 'a'), await TestClient.connect(s.url, 'b'));
    await assert.rejects(TestClient.connect(s.url, 'c'), (err: { statusCode?: number }) => err.statusCode === 503);
  });

  it("per user: a login over maxSocketsPerUser closes that user's oldest socket with 4409", async () => {
    const s = await start({ rateLimits: { maxSocketsPerUser: 2 } });
    const tab1 = await user('alice');
    const tab2 = await user('alice');
    const other = await user('bob');
    const tab3 = await user('alice');
    assert.equal((await tab1.waitClose()).code, 4409);
    assert.equal(tab2.closeInfo, undefined);
    assert.equal(other.closeInfo, undefined);
    await tab3.sync();
    await waitUntil(() => s.stats().sockets === 3, 'three sockets left');
  });
});

describe('limits on the command line', () => {
  it('every rate limit has a flag and an env var (flag wins), and a bad value is refused', async () => {
    const { parseCli, HELP } = await import('../../server/cli.js');
    const env = { CALLKIT_SECRET: 's'.repeat(32), CALLKIT_MAX_SOCKETS_PER_IP: '7', CALLKIT_FLOOD_CEILING: '9' };
    const cmd = parseCli(['--allowed-origins', '*', '--max-sockets-per-ip', '3', '--bytes-per-second', '4096', '--max-sockets', '20'], env);
    assert.ok(!cmd.help);
    assert.deepEqual(cmd.options.rateLimits, { maxSocketsPerIp: 3, bytesPerSecond: 4096, maxSockets: 20, floodCeiling: 9 });
    const plain = parseCli(['--allowed-origins', '*'], { CALLKIT_SECRET: 's'.repeat(32) });
    assert.ok(!plain.help && plain.options.rateLimits === undefined, 'no flag: the defaults');
    assert.throws(() => parseCli(['--allowed-origins', '*', '--max-sockets', 'x'], env), /--max-sockets must be a positive number/);
    for (const flag of [
      'messages-per-second',
      'message-burst',
      'bytes-per-second',
      'byte-burst',
      'flood-ceiling',
      'refusal-limit',
      'invites-per-minute',
      'connections-per-second',
      'connection-burst',
      'max-sockets-per-ip',
      'max-sockets-per-user',
      'max-sockets',
    ]) {
      assert.match(HELP, new RegExp(`--${flag} N`), flag);
    }
  });
});
