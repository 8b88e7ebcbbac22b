/**
 * Test code only: what a worker thread that hosts one official engine needs, shared by
 * official-worker.ts and tuicall-worker.ts: a quiet console, trtc-sdk-v5 installed as a relay of the
 * main thread's fake rooms (every operation is a request answered by `trtc-reply`, room events come
 * as `trtc-event`), and a chat bus whose messages go to the main thread.
 */
import type { MessagePort } from 'node:worker_threads';
import type { BusEndpoint, BusLike, BusMessage } from './chat-bus.js';
import { TRTC_ERROR_CODE, TRTC_EVENT, TRTC_TYPE, useTrtcModule } from './official.js';

/** JSON-cloned (what crosses the thread boundary). */
export const clone = (v: unknown): unknown => (v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown));

export interface WorkerRelayOptions {
  /** Prefix of the bus message ids of this worker. */
  idPrefix: string;
  /** What `getAudioTrack` / `getVideoTrack` of relayed TRTC `trtcId` return (default null). */
  track?: (trtcId: number, kind: 'audio' | 'video', config: unknown) => object | null;
}

export interface WorkerRelay {
  bus: BusLike;
  /** Handles the relay's own messages (`trtc-reply`, `cmd-reply-local`, `trtc-event`); false for others. */
  handle(msg: Record<string, unknown>): boolean;
}

export function startWorkerRelay(port: MessagePort, { idPrefix, track }: WorkerRelayOptions): WorkerRelay {
  if (!process.env.INTEROP_VERBOSE) {
    const quiet = (): void => undefined;
    console.log = quiet;
    console.info = quiet;
    console.debug = quiet;
    console.warn = quiet;
  }

  let seq = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const relays = new Map<number, Map<string, Set<(payload: unknown) => void>>>();

  function request(msg: Record<string, unknown>): Promise<unknown> {
    const id = ++seq;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      port.postMessage({ ...msg, id });
    });
  }

  /** trtc-sdk-v5 as trtc-cloud-js-sdk calls it, every operation done by the main thread's rooms. */
  function relayTrtc(): object {
    const trtcId = ++seq;
    const handlers = new Map<string, Set<(payload: unknown) => void>>();
    relays.set(trtcId, handlers);
    port.postMessage({ t: 'trtc-create', trtcId });
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
      getAudioTrack: (config?: unknown) => track?.(trtcId, 'audio', config) ?? null,
      getVideoTrack: (config?: unknown) => track?.(trtcId, 'video', config) ?? null,
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
    ERROR_CODE: TRTC_ERROR_CODE,
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
    nextId: () => `${idPrefix}-${++seq}`,
    send: (_sender: BusEndpoint, message: BusMessage) => port.postMessage({ t: 'send', message: clone(message) }),
  };

  return {
    bus,
    handle(msg) {
      switch (msg.t) {
        case 'trtc-reply':
        case 'cmd-reply-local': {
          const p = pending.get(Number(msg.id));
          pending.delete(Number(msg.id));
          if (msg.ok) p?.resolve(msg.value);
          else p?.reject(msg.error);
          return true;
        }
        case 'trtc-event':
          for (const fn of [...(relays.get(Number(msg.trtcId))?.get(String(msg.event)) ?? [])]) fn(msg.payload);
          return true;
        default:
          return false;
      }
    },
  };
}
