/**
 * Test code only: a `tuicall` engine in its own worker thread (tuicall-worker.ts: the official
 * engine under it is a singleton per thread), seen from the main thread as a `CallEngine`: its
 * methods are relayed to the worker, its events come back (streams as fake streams with the same
 * track kinds). Its chat joins the main thread's bus, its TRTC operations the main thread's rooms.
 */
import { Worker } from 'node:worker_threads';
import { CallKitError, type ErrorCode } from '../../../src/errors.js';
import { Emitter } from '../../../src/engine/emitter.js';
import type { CallEngine, CallEngineEvents } from '../../../src/engine/types.js';
import { FakeTrack, fakeStreamFactory, type FakeTRTC } from '../../helpers/tencent-double.js';
import type { BusEndpoint, BusMessage } from './chat-bus.js';
import { officialTrtcModule, TRTC_EVENT } from './official.js';
import type { World } from './parties.js';
import type { TrackInfo, TrackSnapshot } from './tuicall-worker.js';

type Method = (...args: unknown[]) => Promise<unknown>;

export class TuicallPeer implements BusEndpoint {
  readonly ready = true;
  readonly events = new Emitter<CallEngineEvents>();
  /** The worker's engine as a CallEngine (every method relayed). */
  readonly engine: CallEngine;
  readonly #worker: Worker;
  readonly #world: World;
  readonly #trtcs = new Map<number, FakeTRTC>();
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  readonly #tracks = new Map<string, FakeTrack>();
  readonly #started: Promise<void>;
  #seq = 0;

  constructor(
    world: World,
    readonly userID: string,
  ) {
    this.#world = world;
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./tuicall-worker.ts', import.meta.url).href;
    const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    this.#worker = new Worker(boot, { eval: true });
    world.bus.chats.add(this);
    this.#started = new Promise((resolve, reject) => {
      this.#worker.once('error', reject);
      this.#worker.on('message', (msg: Record<string, unknown>) => {
        if (msg.t === 'ready') resolve();
        else this.#onMessage(msg);
      });
    });
    this.#worker.postMessage({ t: 'init', userID });
    const events = this.events;
    const local: Record<string | symbol, unknown> = {
      name: 'tuicall',
      on: events.on.bind(events),
      off: events.off.bind(events),
    };
    this.engine = new Proxy(local, {
      get: (target, key) => {
        if (key in target) return target[key];
        if (typeof key === 'symbol' || key === 'then') return undefined;
        return ((...args: unknown[]) => this.run(key, ...args)) as Method;
      },
    }) as unknown as CallEngine;
  }

  /** The worker is up (the engine is not logged in yet). */
  start(): Promise<void> {
    return this.#started;
  }

  receive(message: BusMessage): void {
    this.#worker.postMessage({ t: 'chat', message });
  }

  run(method: string, ...args: unknown[]): Promise<unknown> {
    const id = ++this.#seq;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ t: 'cmd', id, method, args: JSON.parse(JSON.stringify(args)) as unknown[] });
    });
  }

  async stop(): Promise<void> {
    this.#world.bus.chats.delete(this);
    for (const trtc of this.#trtcs.values()) if (trtc.room) await trtc.exitRoom().catch(() => undefined);
    await this.#worker.terminate();
  }

  #track(info: TrackInfo): FakeTrack {
    let t = this.#tracks.get(info.id);
    if (!t) {
      t = new FakeTrack(info.kind, info.id, this.userID);
      this.#tracks.set(info.id, t);
    }
    return t;
  }

  #payload(payload: Record<string, unknown>): unknown {
    if (!('stream' in payload)) return payload;
    const s = payload.stream as { tracks: TrackInfo[] } | null;
    return { ...payload, stream: s ? fakeStreamFactory(s.tracks.map((t) => this.#track(t)) as unknown as MediaStreamTrack[]) : null };
  }

  /** What the worker's `getAudioTrack` / `getVideoTrack` should answer now. */
  #snapshot(trtcId: number): void {
    const trtc = this.#trtcs.get(trtcId);
    if (!trtc) return;
    const info = (t: MediaStreamTrack | null): TrackInfo | null => (t ? { kind: t.kind as 'audio' | 'video', id: t.id } : null);
    const tracks: TrackSnapshot = { '': { audio: info(trtc.getAudioTrack()), video: info(trtc.getVideoTrack()) } };
    if (trtc.room) {
      for (const user of this.#world.cloud.roomMembers(trtc.room)) {
        if (user !== this.userID)
          tracks[user] = { audio: info(trtc.getAudioTrack({ userId: user })), video: info(trtc.getVideoTrack({ userId: user })) };
      }
    }
    this.#worker.postMessage({ t: 'trtc-tracks', trtcId, tracks });
  }

  #onMessage(msg: Record<string, unknown>): void {
    switch (msg.t) {
      case 'send':
        this.#world.bus.send(this, msg.message as BusMessage);
        return;
      case 'event': {
        const name = String(msg.name) as keyof CallEngineEvents;
        this.events.emit(name, this.#payload(msg.payload as Record<string, unknown>) as never);
        return;
      }
      case 'cmd-reply': {
        const p = this.#pending.get(Number(msg.id));
        this.#pending.delete(Number(msg.id));
        if (msg.ok) p?.resolve(msg.value);
        else {
          const e = msg.error as { name: string; code: unknown; reason: unknown; message: string };
          p?.reject(
            e.name === 'CallKitError'
              ? new CallKitError(e.code as ErrorCode, e.message, (e.reason as string | null) ?? undefined)
              : Object.assign(new Error(e.message), { code: e.code }),
          );
        }
        return;
      }
      case 'trtc-create': {
        const trtcId = Number(msg.trtcId);
        const module = officialTrtcModule(this.#world.cloud, this.userID);
        const trtc = (module.create as () => FakeTRTC)();
        this.#trtcs.set(trtcId, trtc);
        const on = trtc.on as unknown as (event: string, fn: (payload: unknown) => void) => void;
        for (const event of Object.values(TRTC_EVENT)) {
          on.call(trtc, event, (payload: unknown) => {
            const { track: _track, ...rest } = (payload ?? {}) as Record<string, unknown>;
            this.#snapshot(trtcId);
            this.#worker.postMessage({ t: 'trtc-event', trtcId, event, payload: JSON.parse(JSON.stringify(rest)) as unknown });
          });
        }
        return;
      }
      case 'trtc': {
        const trtcId = Number(msg.trtcId);
        const trtc = this.#trtcs.get(trtcId) as unknown as Record<string, unknown> | undefined;
        const fn = trtc?.[String(msg.method)] as ((...a: unknown[]) => unknown) | undefined;
        Promise.resolve()
          .then(() => (typeof fn === 'function' ? fn.apply(trtc, (msg.args as unknown[]) ?? []) : undefined))
          .then(
            () => {
              this.#snapshot(trtcId);
              this.#worker.postMessage({ t: 'trtc-reply', id: msg.id, ok: true, value: null });
            },
            (error: unknown) =>
              this.#worker.postMessage({
                t: 'trtc-reply',
                id: msg.id,
                ok: false,
                error: JSON.parse(JSON.stringify(error ?? null)) as unknown,
              }),
          );
        return;
      }
    }
  }
}
