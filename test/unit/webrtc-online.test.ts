/**
 * The default engine and the browser's `online` event (issue 14 item 7, R5/R7), in Node against a
 * real signaling server: a reconnection waiting out its backoff tries at once when the network is
 * back; a reconnection that gave up starts over; and a socket that looks open but died with the old
 * network (a half-open TCP connection, made here by a proxy that stops forwarding) is probed and
 * replaced, so the user can be called again. `globalThis` gets an EventTarget's listener methods
 * for the test (Node has no `window`).
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { WebSocket } from 'ws';
import { WebRTCEngine } from '../../src/engine/webrtc/index.js';
import type { SocketConstructor } from '../../src/engine/webrtc/signaling-client.js';
import { startSignalingServer } from '../../server/index.js';
import { TEST_SERVER, TEST_SDK_APP_ID, quietLogger, sigFor, waitUntil, TestClient } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';
import { CAN_CALL } from '../helpers/capabilities.js';

const network = new EventTarget();
const g = globalThis as unknown as Partial<EventTarget>;
beforeEach(() => {
  g.addEventListener = network.addEventListener.bind(network);
  g.removeEventListener = network.removeEventListener.bind(network);
});
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  delete g.addEventListener;
  delete g.removeEventListener;
});

const online = () => network.dispatchEvent(new Event('online'));

/** A TCP proxy to `port`; `blackhole()` makes every open connection silently drop data both ways (half-open). */
async function proxy(port: number): Promise<{ port: number; blackhole(): void; close(): Promise<void> }> {
  const live = new Set<{ dead: boolean; a: net.Socket; b: net.Socket }>();
  const server = net.createServer((a) => {
    const b = net.connect(port, '127.0.0.1');
    const pair = { dead: false, a, b };
    live.add(pair);
    a.on('data', (d) => pair.dead || b.write(d));
    b.on('data', (d) => pair.dead || a.write(d));
    const end = () => {
      live.delete(pair);
      if (!pair.dead) {
        a.destroy();
        b.destroy();
      }
    };
    a.on('close', end).on('error', () => undefined);
    b.on('close', end).on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    blackhole: () => {
      for (const p of live) p.dead = true;
    },
    close: async () => {
      for (const p of live) {
        p.a.destroy();
        p.b.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function engineFor(server: string, userId: string, options: { delayScale?: number; giveUpMs?: number } = {}) {
  const engine = new WebRTCEngine({
    WebSocket: WebSocket as unknown as SocketConstructor,
    capabilities: CAN_CALL,
    requestTimeoutMs: 2000,
    reconnectDelayScale: options.delayScale,
    reconnectGiveUpMs: options.giveUpMs,
  });
  const states: string[] = [];
  engine.on('onConnectionStateChanged', ({ state }) => states.push(state));
  engine.on('onError', () => undefined);
  cleanups.push(() => engine.destroy());
  await engine.login({ SDKAppID: TEST_SDK_APP_ID, userID: userId, userSig: sigFor(userId), server });
  return { engine, states };
}

/** Whether `userId` can be called now: a fresh caller's invite finds it ringing (then cancels). */
async function ringsFor(url: string, userId: string): Promise<boolean> {
  const caller = await TestClient.login(url, `caller${Math.floor(Math.random() * 1e6)}`);
  try {
    const ok = (await caller.ask({ type: 'invite', to: [userId], mediaType: 'audio' })) as Msg<'invite-ok'>;
    const ringing = ok.members.find((m) => m.userId === userId)?.state === 'ringing';
    if (ringing) await caller.ask({ type: 'cancel', callId: ok.callId });
    return ringing;
  } finally {
    caller.close();
  }
}

test('idle, server unreachable, then back: `online` reconnects at once instead of waiting out a long backoff', async () => {
  const first = await startSignalingServer({ ...TEST_SERVER, logger: quietLogger });
  const port = first.port;
  // Backoff delays x1000: the second attempt would be 5 minutes away.
  const { states } = await engineFor(first.url, 'bob', { delayScale: 1000, giveUpMs: 600_000 });
  await first.close();
  await waitUntil(() => states.includes('reconnecting'), 'reconnecting', 5000);
  // Attempt 0 (no delay) fails on the closed port; attempt 1 is minutes away. (An `online` during
  // an attempt makes the next one immediate.)
  const second = await startSignalingServer({ ...TEST_SERVER, logger: quietLogger, port });
  cleanups.push(() => second.close());
  online();
  await waitUntil(() => states.at(-1) === 'connected', 'connected again after online', 10_000);
  assert.equal(await ringsFor(second.url, 'bob'), true);
});

test('a reconnection that gave up (failed) starts over on `online`', async () => {
  const first = await startSignalingServer({ ...TEST_SERVER, logger: quietLogger });
  const port = first.port;
  const { states } = await engineFor(first.url, 'bob', { giveUpMs: 300 });
  await first.close();
  await waitUntil(() => states.at(-1) === 'failed', 'gave up', 10_000);
  const second = await startSignalingServer({ ...TEST_SERVER, logger: quietLogger, port });
  cleanups.push(() => second.close());
  online();
  await waitUntil(() => states.at(-1) === 'connected', 'connected again after online', 10_000);
  assert.equal(await ringsFor(second.url, 'bob'), true);
});

test('a socket that died with the old network (half-open) is probed on `online` and replaced: the user can be called', async () => {
  const server = await startSignalingServer({ ...TEST_SERVER, logger: quietLogger, pingIntervalMs: 60_000, pingTimeoutMs: 120_000 });
  cleanups.push(() => server.close());
  const p = await proxy(server.port);
  cleanups.push(() => p.close());
  const { states } = await engineFor(`ws://127.0.0.1:${p.port}/ck`, 'bob');
  p.blackhole();
  online();
  await waitUntil(() => states.includes('reconnecting'), 'the dead socket given up', 15_000);
  await waitUntil(() => states.at(-1) === 'connected', 'connected on a new socket', 15_000);
  // The server still holds the dead socket too (no ping for a minute): the new one rings.
  assert.equal(await ringsFor(server.url, 'bob'), true);
});

test('a live socket answers the probe: `online` changes nothing', async () => {
  const server = await startSignalingServer({ ...TEST_SERVER, logger: quietLogger });
  cleanups.push(() => server.close());
  const { states } = await engineFor(server.url, 'bob');
  const before = states.length;
  online();
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(states.slice(before), []);
  assert.equal(await ringsFor(server.url, 'bob'), true);
});
