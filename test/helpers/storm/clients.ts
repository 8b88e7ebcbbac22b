/**
 * A worker of the restart-storm test (test/unit/server-restart-storm.test.ts): STORM_COUNT default
 * engines (`WebRTCEngine`, so the kit's own reconnect backoff, jitter and give-up time), users
 * `storm<STORM_FROM + i>`, each logged in to STORM_URL through the trusted proxy with its own
 * `X-Forwarded-For` address (198.18.x.y). Answers `status` with how many are connected, were lost,
 * came back, and gave up (state `failed`).
 */
import { WebSocket } from 'ws';
import type { ClientOptions } from 'ws';
import { WebRTCEngine } from '../../../src/engine/webrtc/index.js';
import type { SocketConstructor } from '../../../src/engine/webrtc/signaling-client.js';
import { TEST_SDK_APP_ID, sigFor } from '../ws-client.js';
import { CAN_CALL } from '../capabilities.js';

const url = process.env.STORM_URL as string;
const from = Number(process.env.STORM_FROM ?? 0);
const count = Number(process.env.STORM_COUNT ?? 0);
/** Logins in flight at once while the crowd logs in the first time. */
const LOGIN_CONCURRENCY = 50;

/** `ws` with a fixed `X-Forwarded-For`, as a trusted proxy in front of the server would send it. */
function socketFrom(address: string): SocketConstructor {
  const options: ClientOptions = { headers: { 'x-forwarded-for': address } };
  return class extends WebSocket {
    constructor(target: string) {
      super(target, options);
    }
  } as unknown as SocketConstructor;
}

interface Client {
  engine: WebRTCEngine;
  state: string;
  lost: boolean;
  back: boolean;
  failed: boolean;
  errors: string[];
}

const clients: Client[] = [];
for (let i = 0; i < count; i++) {
  const n = from + i;
  const engine = new WebRTCEngine({ WebSocket: socketFrom(`198.18.${n >> 8}.${n & 255}`), capabilities: CAN_CALL });
  const c: Client = { engine, state: 'disconnected', lost: false, back: false, failed: false, errors: [] };
  engine.on('onConnectionStateChanged', ({ state }) => {
    c.state = state;
    if (state === 'reconnecting') c.lost = true;
    if (state === 'connected' && c.lost) c.back = true;
    if (state === 'failed') c.failed = true;
  });
  engine.on('onError', ({ message }) => void (c.errors.length < 3 && c.errors.push(message)));
  clients.push(c);
}

let next = 0;
await Promise.all(
  Array.from({ length: LOGIN_CONCURRENCY }, async () => {
    while (next < clients.length) {
      const i = next++;
      const userId = `storm${from + i}`;
      await clients[i].engine.login({ SDKAppID: TEST_SDK_APP_ID, userID: userId, userSig: sigFor(userId), server: url });
    }
  }),
);
process.send?.({ ready: clients.length });

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'status') {
    const failed = clients.filter((c) => c.failed);
    process.send?.({
      status: {
        connected: clients.filter((c) => c.state === 'connected').length,
        lost: clients.filter((c) => c.lost).length,
        back: clients.filter((c) => c.back).length,
        failed: failed.length,
        errors: failed.slice(0, 3).flatMap((c) => c.errors),
      },
    });
  } else if (m.cmd === 'stop') {
    for (const c of clients) c.engine.destroy();
    setTimeout(() => process.exit(0), 100).unref();
  }
});
