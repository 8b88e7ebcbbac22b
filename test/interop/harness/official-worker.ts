/**
 * Test code only: a second official engine in a worker thread (the engine is a singleton per
 * thread), for official <-> official baselines. Its chat messages and TRTC room operations are
 * relayed to the main thread, where they join the shared bus and rooms (see official-peer.ts).
 */
import { parentPort } from 'node:worker_threads';
import { SimChat, type BusEndpoint, type BusLike, type BusMessage } from './chat-bus.js';
import { loadOfficial, TRTC_EVENT, TRTC_TYPE, useTrtcModule, type OfficialEngine } from './official.js';

const port = parentPort;
if (!port) throw new Error('official-worker.ts runs in a worker thread');

const quiet = (): void => undefined;
if (!process.env.INTEROP_VERBOSE) {
  console.log = quiet;
  console.info = quiet;
  console.debug = quiet;
  console.warn = quiet;
}

let seq = 0;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
const relays = new Map<number, Map<string, Set<(payload: unknown) => void>>>();
const clone = (v: unknown): unknown => (v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown));

function request(msg: Record<string, unknown>): Promise<unknown> {
  const id = ++seq;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    port?.postMessage({ ...msg, id });
  });
}

/** trtc-sdk-v5 as trtc-cloud-js-sdk calls it, every operation done by the main thread's rooms. */
function relayTrtc(): object {
  const trtcId = ++seq;
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  relays.set(trtcId, handlers);
  port?.postMessage({ t: 'trtc-create', trtcId });
  const local: Record<string, unknown> = {
    on(event: string, fn: (payload: unknown) => void) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)?.add(fn);
      return proxy;
    },
    off(event: string, fn: (payload: unknown) => void) {
      handlers.get(event)?.delete(fn);
      return proxy;
    },
    getAudioTrack: () => null,
    getVideoTrack: () => null,
    setRemoteAudioVolume: () => undefined,
    enableAudioVolumeEvaluation: () => undefined,
    use: () => undefined,
    destroy: () => undefined,
  };
  const proxy: object = new Proxy(local, {
    get: (target, key) => {
      if (typeof key === 'symbol' || key === 'then') return undefined;
      if (key in target) return target[key];
      return (...args: unknown[]) => request({ t: 'trtc', trtcId, method: key, args: clone(args) });
    },
  });
  return proxy;
}

useTrtcModule({
  EVENT: TRTC_EVENT,
  TYPE: TRTC_TYPE,
  ERROR_CODE: {},
  VERSION: '5.15.0-beta.25',
  create: () => relayTrtc(),
  getCameraList: async () => [{ deviceId: 'cam-1', label: 'Front camera' }],
  getMicrophoneList: async () => [{ deviceId: 'mic-1', label: 'Built-in microphone' }],
  getSpeakerList: async () => [{ deviceId: 'spk-1', label: 'Speakers' }],
  setCurrentSpeaker: async () => undefined,
  setLogLevel: () => undefined,
  isSupported: async () => ({ result: true, detail: {} }),
  _addKVStat: () => undefined,
  _loggerManager: {
    info() {},
    log() {},
    warn() {},
    error() {},
    debug() {},
    createLogger: () => ({ log() {}, info() {}, warn() {}, error() {}, debug() {} }),
  },
});

const bus: BusLike = {
  nextId: () => `w-${++seq}`,
  send: (_sender: BusEndpoint, message: BusMessage) => port?.postMessage({ t: 'send', message: clone(message) }),
};

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
      case 'trtc-reply':
      case 'cmd-reply-local': {
        const p = pending.get(Number(msg.id));
        pending.delete(Number(msg.id));
        if (msg.ok) p?.resolve(msg.value);
        else p?.reject(msg.error);
        return;
      }
      case 'trtc-event': {
        for (const fn of [...(relays.get(Number(msg.trtcId))?.get(String(msg.event)) ?? [])]) fn(msg.payload);
        return;
      }
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
