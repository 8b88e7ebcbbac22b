/**
 * Test code only: one `tuicall` engine (TUICallEngineAdapter over the official TUICallEngine, a
 * singleton per thread) in a worker thread, so a scenario can have several. Its chat messages and
 * TRTC room operations are relayed to the main thread (like official-worker.ts); the main thread
 * also sends a snapshot of the room's tracks before every TRTC reply and event, so the adapter's
 * synchronous `getAudioTrack` / `getVideoTrack` answer from it. See tuicall-peer.ts.
 */
import { parentPort } from 'node:worker_threads';
import { TUICallEngineAdapter } from '../../../src/engine/tuicall/index.js';
import type { TUICallEngineModule } from '../../../src/engine/tuicall/index.js';
import type { CallEngineEvents } from '../../../src/engine/types.js';
import { fakeStreamFactory } from '../../helpers/tencent-double.js';
import { SimChat, type BusMessage } from './chat-bus.js';
import { loadOfficial } from './official.js';
import { clone, startWorkerRelay } from './worker-relay.js';

const port = parentPort;
if (!port) throw new Error('tuicall-worker.ts runs in a worker thread');

/** A track as the main thread describes it. */
export interface TrackInfo {
  kind: 'audio' | 'video';
  id: string;
}
/** The tracks one relayed TRTC sees: '' is the local user. */
export type TrackSnapshot = Record<string, { audio: TrackInfo | null; video: TrackInfo | null }>;

const snapshots = new Map<number, TrackSnapshot>();

const trackObjects = new Map<string, object>();
/** The same object for the same track id (the adapter keys streams by track id). */
function track(info: TrackInfo | null | undefined): object | null {
  if (!info) return null;
  let t = trackObjects.get(info.id);
  if (!t) {
    t = { kind: info.kind, id: info.id, readyState: 'live', stop() {} };
    trackObjects.set(info.id, t);
  }
  return t;
}

const user = (config: unknown): string =>
  typeof config === 'string' ? config : String((config as { userId?: unknown } | undefined)?.userId ?? '');
const { bus, handle } = startWorkerRelay(port, {
  idPrefix: 't',
  track: (trtcId, kind, config) => track(snapshots.get(trtcId)?.[user(config)]?.[kind]),
});

/** A payload made cloneable: streams become their tracks' descriptions. */
function wire(payload: unknown): unknown {
  if (!payload || typeof payload !== 'object') return payload;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload as Record<string, unknown>)) {
    if (k === 'stream') {
      const s = v as { getTracks?: () => { kind: string; id: string }[] } | null;
      out.stream = s && typeof s.getTracks === 'function' ? { tracks: s.getTracks().map((t) => ({ kind: t.kind, id: t.id })) } : null;
    } else out[k] = v;
  }
  return clone(out);
}

function wireError(error: unknown): Record<string, unknown> {
  const e = error as { name?: unknown; code?: unknown; reason?: unknown; message?: unknown } | null;
  return { name: String(e?.name ?? 'Error'), code: e?.code ?? null, reason: e?.reason ?? null, message: String(e?.message ?? error) };
}

let chat: SimChat | null = null;
let engine: TUICallEngineAdapter | null = null;
const EVENTS: (keyof CallEngineEvents)[] = [
  'onCallReceived',
  'onCallStarted',
  'onCallBegin',
  'onCallEnd',
  'onUserAccept',
  'onUserReject',
  'onUserNoResponse',
  'onUserLineBusy',
  'onUserJoin',
  'onUserLeave',
  'onUserInvited',
  'onCallMediaTypeChanged',
  'onUserVideoAvailable',
  'onUserAudioAvailable',
  'onLocalStream',
  'onRemoteStream',
  'onError',
];

port.on('message', (msg: Record<string, unknown>) => {
  if (handle(msg)) return;
  void (async () => {
    switch (msg.t) {
      case 'init': {
        const userID = String(msg.userID);
        chat = new SimChat(bus, userID);
        engine = new TUICallEngineAdapter({
          loadEngine: async () => (await loadOfficial()) as unknown as TUICallEngineModule,
          chat,
          protocol: 'v2',
          createMediaStream: fakeStreamFactory,
        });
        for (const name of EVENTS) engine.on(name, (payload) => port.postMessage({ t: 'event', name, payload: wire(payload) }));
        port.postMessage({ t: 'ready' });
        return;
      }
      case 'chat':
        chat?.receive(msg.message as BusMessage);
        return;
      case 'trtc-tracks':
        snapshots.set(Number(msg.trtcId), msg.tracks as TrackSnapshot);
        return;
      case 'cmd': {
        const method = String(msg.method);
        try {
          const fn = (engine as unknown as Record<string, unknown> | null)?.[method];
          if (typeof fn !== 'function') throw new TypeError(`tuicall engine has no ${method}()`);
          const value = await (fn as (...a: unknown[]) => Promise<unknown>).apply(engine, (msg.args as unknown[]) ?? []);
          port.postMessage({ t: 'cmd-reply', id: msg.id, ok: true, value: clone(value) });
        } catch (error) {
          port.postMessage({ t: 'cmd-reply', id: msg.id, ok: false, error: wireError(error) });
        }
        return;
      }
    }
  })();
});
