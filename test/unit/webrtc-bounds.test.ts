/**
 * The default engine's first signaling connection is bounded (issue 21): a server that accepts TCP
 * and never speaks WebSocket (or never answers TLS), and a closed port, both end `login` in a typed
 * CONNECTION_FAILED within `requestTimeoutMs` (default 10 s), with the connection state reported on
 * the way (connecting -> failed -> disconnected) and nothing left behind.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { WebSocket } from 'ws';
import { WebRTCEngine } from '../../src/engine/webrtc/index.js';
import { debugState } from '../../src/engine/webrtc/debug.js';
import type { SocketConstructor } from '../../src/engine/webrtc/signaling-client.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import { CAN_CALL } from '../helpers/capabilities.js';

let silent: net.Server;
let silentPort = 0;
const sockets = new Set<net.Socket>();
before(async () => {
  // Accepts TCP, reads whatever comes, never answers: an HTTP upgrade (or a TLS hello) hangs.
  silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as net.AddressInfo).port;
});
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function attempt(server: string, requestTimeoutMs: number) {
  const engine = new WebRTCEngine({ WebSocket: WebSocket as unknown as SocketConstructor, requestTimeoutMs, capabilities: CAN_CALL });
  const states: string[] = [];
  engine.on('onConnectionStateChanged', ({ state }) => states.push(state));
  const started = Date.now();
  const error = await engine.login({ SDKAppID: 1400000001, userID: 'alice', userSig: 'sig', server }).catch((e: unknown) => e);
  const took = Date.now() - started;
  const left = debugState(engine);
  await engine.destroy();
  return { error, took, states, left };
}

test('a port that accepts TCP and never speaks WebSocket: CONNECTION_FAILED timeout within requestTimeoutMs', async () => {
  const { error, took, states, left } = await attempt(`ws://127.0.0.1:${silentPort}/ck`, 400);
  assert.ok(error instanceof CallKitError, String(error));
  assert.equal(error.code, ErrorCode.CONNECTION_FAILED);
  assert.equal(error.reason, 'timeout');
  assert.ok(took >= 390 && took < 2000, `rejected after ${took} ms`);
  assert.deepEqual(states, ['connecting', 'failed', 'disconnected']);
  assert.deepEqual(
    { connection: left.connection, timers: left.timers, pendingRequests: left.pendingRequests },
    { connection: 'disconnected', timers: 0, pendingRequests: 0 },
  );
});

test('TLS that is never answered (wss:// to the silent port): the same bound', async () => {
  const { error, took } = await attempt(`wss://127.0.0.1:${silentPort}/ck`, 400);
  assert.ok(error instanceof CallKitError, String(error));
  assert.equal(error.code, ErrorCode.CONNECTION_FAILED);
  assert.equal(error.reason, 'timeout');
  assert.ok(took < 2000, `rejected after ${took} ms`);
});

test('a closed port: CONNECTION_FAILED closed at once, long before the bound', async () => {
  const port = await closedPort();
  const { error, took, states } = await attempt(`ws://127.0.0.1:${port}/ck`, 5000);
  assert.ok(error instanceof CallKitError, String(error));
  assert.equal(error.code, ErrorCode.CONNECTION_FAILED);
  assert.equal(error.reason, 'closed');
  assert.ok(took < 2000, `rejected after ${took} ms`);
  assert.deepEqual(states, ['connecting', 'failed', 'disconnected']);
});

test('the default bound is 10 s (README "Bounds and capabilities")', async () => {
  const { error, took } = await attempt(`ws://127.0.0.1:${silentPort}/ck`, undefined as unknown as number);
  assert.ok(error instanceof CallKitError);
  assert.equal(error.reason, 'timeout');
  assert.ok(took >= 9900 && took < 12_000, `rejected after ${took} ms`);
});
