/**
 * Test code only: a second (third, ...) official engine, each in its own worker thread
 * (official-worker.ts), joined to the main thread's chat bus and TRTC rooms, for official <->
 * official baselines. Its `call`/`groupCall`/`accept`/... go to the worker; what its user sees
 * comes back as events.
 */
import { Worker } from 'node:worker_threads';
import type { BusEndpoint, BusMessage } from './chat-bus.js';
import { officialTrtcModule, TRTC_EVENT } from './official.js';
import { Party, type World } from './parties.js';

export class OfficialPeer extends Party implements BusEndpoint {
  readonly ready = true;
  readonly #worker: Worker;
  readonly #world: World;
  readonly #trtcs = new Map<number, Record<string, unknown>>();
  #seq = 0;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  #started: Promise<void>;

  constructor(world: World, userID: string) {
    super(userID);
    this.#world = world;
    // The worker registers tsx itself (a worker's execArgv --import is not applied to its entry).
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./official-worker.ts', import.meta.url).href;
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
  }

  /** Logged in and ready. */
  start(): Promise<void> {
    return this.#started;
  }

  receive(message: BusMessage): void {
    this.#worker.postMessage({ t: 'chat', message });
  }

  /** Calls the worker's TUICallEngine method (`call`, `groupCall`, `accept`, `hangup`, ...). */
  run(method: string, ...args: unknown[]): Promise<unknown> {
    const id = ++this.#seq;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ t: 'cmd', id, method, args });
    });
  }

  async stop(): Promise<void> {
    this.#world.bus.chats.delete(this);
    await this.#worker.terminate();
  }

  #onMessage(msg: Record<string, unknown>): void {
    switch (msg.t) {
      case 'send':
        this.#world.bus.send(this, msg.message as BusMessage);
        return;
      case 'event':
        this.record(String(msg.name), msg.payload);
        return;
      case 'cmd-reply': {
        const p = this.#pending.get(Number(msg.id));
        this.#pending.delete(Number(msg.id));
        if (msg.ok) p?.resolve(msg.value);
        else p?.reject(msg.error);
        return;
      }
      case 'trtc-create': {
        const trtcId = Number(msg.trtcId);
        const module = officialTrtcModule(this.#world.cloud, this.userID);
        const trtc = (module.create as () => Record<string, unknown>)();
        this.#trtcs.set(trtcId, trtc);
        const on = trtc.on as (event: string, fn: (payload: unknown) => void) => void;
        for (const event of Object.values(TRTC_EVENT)) {
          on.call(trtc, event, (payload: unknown) => {
            const { track: _track, ...rest } = (payload ?? {}) as Record<string, unknown>;
            this.#worker.postMessage({ t: 'trtc-event', trtcId, event, payload: rest });
          });
        }
        return;
      }
      case 'trtc': {
        const trtc = this.#trtcs.get(Number(msg.trtcId));
        const fn = trtc?.[String(msg.method)] as ((...a: unknown[]) => unknown) | undefined;
        Promise.resolve()
          .then(() => (typeof fn === 'function' ? fn.apply(trtc, (msg.args as unknown[]) ?? []) : undefined))
          .then(
            () => this.#worker.postMessage({ t: 'trtc-reply', id: msg.id, ok: true, value: null }),
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
