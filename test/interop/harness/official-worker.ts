/**
 * Test code only: a second official engine in a worker thread (the engine is a singleton per
 * thread), for official <-> official baselines. Its chat messages and TRTC room operations are
 * relayed to the main thread, where they join the shared bus and rooms (see official-peer.ts).
 */
import { parentPort } from 'node:worker_threads';
import { SimChat, type BusMessage } from './chat-bus.js';
import { loadOfficial, type OfficialEngine } from './official.js';
import { clone, startWorkerRelay } from './worker-relay.js';

const port = parentPort;
if (!port) throw new Error('official-worker.ts runs in a worker thread');

const { bus, handle } = startWorkerRelay(port, { idPrefix: 'w' });

let chat: SimChat | null = null;
let engine: OfficialEngine | null = null;
const EVENTS = [
  'onCallReceived',
  'onCallBegin',
  'onCallEnd',
  'onCallNotConnected',
  'onCallCancelled',
  'onUserAccept',
  'onUserReject',
  'onUserNoResponse',
  'onUserLineBusy',
  'onUserJoin',
  'onUserLeave',
  'onCallMediaTypeChanged',
];

port.on('message', (msg: Record<string, unknown>) => {
  if (handle(msg)) return;
  void (async () => {
    switch (msg.t) {
      case 'init': {
        const userID = String(msg.userID);
        chat = new SimChat(bus, userID);
        const mod = await loadOfficial();
        engine = mod.TUICallEngine.createInstance({ SDKAppID: 1400000001, tim: chat });
        for (const name of EVENTS) engine.on(name, (payload) => port.postMessage({ t: 'event', name, payload: clone(payload) }));
        await engine.login({ userID, userSig: `sig-${userID}` });
        port.postMessage({ t: 'ready' });
        return;
      }
      case 'chat':
        chat?.receive(msg.message as BusMessage);
        return;
      case 'cmd': {
        const method = String(msg.method) as keyof OfficialEngine;
        try {
          const fn = engine?.[method] as ((...a: unknown[]) => Promise<unknown>) | undefined;
          const value = await fn?.apply(engine, (msg.args as unknown[]) ?? []);
          port.postMessage({ t: 'cmd-reply', id: msg.id, ok: true, value: clone(value) });
        } catch (error) {
          port.postMessage({
            t: 'cmd-reply',
            id: msg.id,
            ok: false,
            error: clone({
              code: (error as { code?: unknown })?.code,
              message: String((error as { message?: unknown })?.message ?? error),
            }),
          });
        }
        return;
      }
    }
  })();
});
