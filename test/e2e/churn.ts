/**
 * R1 churn driver (reliability.md §5.1), shared by the e2e test (N = 30) and `npm run bench:churn`
 * (N = 200): A calls B through the kit API (`window.callKit`) on the real demo, B accepts, a remote
 * video frame is decoded on both sides, A hangs up; after every call everything is back to baseline:
 * open peer connections, live capture tracks, the engine's `debugState()` counters (`src/engine/webrtc/debug.ts`), listeners on
 * window/document/mediaDevices, live subscriptions to the kit store, and the server registry.
 */
import type { Page } from 'playwright';
import { mediaStats, serverStats, until, waitStatus, type Demo } from './harness.js';

/** tsx/esbuild wrap named functions in `__name(...)`: define it in pages that run our functions. */
export const NAME_SHIM = 'globalThis.__name ??= (f) => f;';

/** Counts live listeners on window, document and navigator.mediaDevices (add minus remove, deduplicated). */
export const countListeners = () => {
  const w = window as unknown as { __listeners: () => number };
  const targets = [window, document, navigator.mediaDevices] as EventTarget[];
  const live = targets.map(() => new Map<string, Set<unknown>>());
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  const key = (type: string, options: unknown) =>
    `${type}:${typeof options === 'boolean' ? options : Boolean((options as { capture?: boolean } | undefined)?.capture)}`;
  EventTarget.prototype.addEventListener = function (this: EventTarget, type: string, listener: unknown, options?: unknown) {
    const i = targets.indexOf(this);
    if (i >= 0 && listener) {
      const k = key(type, options);
      if (!live[i].has(k)) live[i].set(k, new Set());
      (live[i].get(k) as Set<unknown>).add(listener);
    }
    return add.call(this, type, listener as EventListener, options as AddEventListenerOptions);
  } as typeof add;
  EventTarget.prototype.removeEventListener = function (this: EventTarget, type: string, listener: unknown, options?: unknown) {
    const i = targets.indexOf(this);
    if (i >= 0) live[i].get(key(type, options))?.delete(listener);
    return remove.call(this, type, listener as EventListener, options as EventListenerOptions);
  } as typeof remove;
  w.__listeners = () => live.reduce((n, m) => n + [...m.values()].reduce((a, s) => a + s.size, 0), 0);
};

export interface Snapshot {
  pcsCreated: number;
  openPcs: number;
  liveTracks: number;
  listeners: number;
  storeSubscriptions: number;
  engine: Record<string, unknown>;
  kitElements: number;
}

/** Wraps the kit store's `subscribe` (counting from now) and reads every counter. */
export async function snapshot(page: Page): Promise<Snapshot> {
  const s = await mediaStats(page);
  const rest = await page.evaluate(() => {
    const w = window as unknown as { __listeners: () => number; __subs?: { live: number } };
    const store = window.callKit.store as { subscribe: (fn: (...a: unknown[]) => void) => () => void };
    if (!w.__subs) {
      const subs = { live: 0 };
      w.__subs = subs;
      const original = store.subscribe.bind(store);
      store.subscribe = (fn) => {
        subs.live++;
        const off = original(fn);
        let done = false;
        return () => {
          if (!done) subs.live--;
          done = true;
          off();
        };
      };
    }
    const engine = window.callKit.engine as unknown as Record<symbol, { state(): Record<string, unknown> } | undefined> | null;
    const count = (root: Document | ShadowRoot): number =>
      [...root.querySelectorAll('*')].reduce(
        (n, el) => n + (el.tagName.includes('-') ? 1 : 0) + (el.shadowRoot ? count(el.shadowRoot) : 0),
        0,
      );
    return {
      listeners: w.__listeners(),
      storeSubscriptions: w.__subs.live,
      engine: engine?.[Symbol.for('callkit-elements.webrtc-engine.debug')]?.state() ?? {},
      kitElements: count(document),
    };
  });
  return { pcsCreated: s.pcs, openPcs: s.openPcs, liveTracks: s.liveTracks, ...rest };
}

/** The engine counters that must be back to their idle values after a call. */
export const ENGINE_COUNTERS = [
  'peers',
  'localTracks',
  'timers',
  'audioContexts',
  'pendingRequests',
  'listeners',
  'heldInvitations',
] as const;

/**
 * What differs from idle. `ui: false` skips the kit's custom elements and store subscriptions: after a
 * remote hang-up the callee shows a transient toast (its own element and subscriptions) for ~4 s, so
 * those are checked once at the end, not between calls.
 */
export function leaks(base: Snapshot, now: Snapshot, ui = true): string[] {
  const out: string[] = [];
  if (now.openPcs !== 0) out.push(`openPcs ${now.openPcs}`);
  if (now.liveTracks !== 0) out.push(`liveTracks ${now.liveTracks}`);
  if (now.listeners !== base.listeners) out.push(`listeners ${base.listeners} -> ${now.listeners}`);
  if (ui && now.storeSubscriptions !== base.storeSubscriptions)
    out.push(`store subscriptions ${base.storeSubscriptions} -> ${now.storeSubscriptions}`);
  if (ui && now.kitElements !== base.kitElements) out.push(`custom elements ${base.kitElements} -> ${now.kitElements}`);
  for (const k of ENGINE_COUNTERS) {
    if (typeof now.engine[k] !== 'number') out.push(`engine.${k} missing from debugState()`);
    else if (now.engine[k] !== base.engine[k]) out.push(`engine.${k} ${String(base.engine[k])} -> ${String(now.engine[k])}`);
  }
  return out;
}

/** Heap used after a forced GC (CDP), in bytes. */
export async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.enable');
    for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return usedSize;
  } finally {
    await cdp.detach();
  }
}

export interface ChurnCall {
  index: number;
  /** invite sent -> the callee's store is ringing, ms */
  ring: number;
  /** accept -> a remote frame decoded on both sides, ms */
  media: number;
  /** hang-up -> both stores idle, ms */
  idle: number;
  /** hang-up -> everything released on both sides and the server at 0 calls and timers, ms */
  release: number;
  /** The counters in the middle of the call (caller, callee): the positive control that they see the call. */
  during: [Snapshot, Snapshot];
}

/**
 * Positive control: in a connected video call the counters must see the call (one open peer
 * connection, live audio and video tracks, more kit elements and store subscriptions than idle), or
 * "back to idle" afterwards would prove nothing.
 */
export function unseen(base: Snapshot, during: Snapshot): string[] {
  const out: string[] = [];
  if (during.openPcs !== 1) out.push(`openPcs ${during.openPcs} (expected 1)`);
  if (during.liveTracks < 2) out.push(`liveTracks ${during.liveTracks} (expected >= 2)`);
  if (during.kitElements <= base.kitElements) out.push(`kit elements ${base.kitElements} -> ${during.kitElements}`);
  if (during.storeSubscriptions <= base.storeSubscriptions)
    out.push(`store subscriptions ${base.storeSubscriptions} -> ${during.storeSubscriptions}`);
  if (typeof during.engine.peers !== 'number' || during.engine.peers < 1) out.push(`engine.peers ${String(during.engine.peers)}`);
  return out;
}

/**
 * Runs `calls` sequential calls from `caller` to `callee` (user id `calleeId`). Throws at the first
 * leak. `onCall` sees each call (to sample heap at chosen calls).
 */
export async function churn(
  demo: Demo,
  caller: Page,
  callee: Page,
  calleeId: string,
  calls: number,
  onCall?: (call: ChurnCall) => Promise<void>,
): Promise<{ base: [Snapshot, Snapshot]; end: [Snapshot, Snapshot]; calls: ChurnCall[] }> {
  const base: [Snapshot, Snapshot] = [await snapshot(caller), await snapshot(callee)];
  const results: ChurnCall[] = [];
  for (let index = 1; index <= calls; index++) {
    const t0 = Date.now();
    await caller.evaluate((id) => window.callKit.call({ userID: id, type: 2 }), calleeId);
    await waitStatus(callee, 'calling');
    const t1 = Date.now();
    await callee.evaluate(() => window.callKit.accept());
    await Promise.all([waitStatus(caller, 'connected'), waitStatus(callee, 'connected')]);
    await until(
      async () => (await mediaStats(caller)).framesDecoded > 0 && (await mediaStats(callee)).framesDecoded > 0,
      `call ${index}: frames decoded on both sides`,
    );
    const t2 = Date.now();
    const during: [Snapshot, Snapshot] = [await snapshot(caller), await snapshot(callee)];
    const blind = [...unseen(base[0], during[0]).map((l) => `caller ${l}`), ...unseen(base[1], during[1]).map((l) => `callee ${l}`)];
    if (blind.length) throw new Error(`call ${index}: the leak counters do not see the call: ${blind.join('; ')}`);
    const t3 = Date.now();
    await caller.evaluate(() => window.callKit.hangup());
    await Promise.all([waitStatus(caller, 'idle'), waitStatus(callee, 'idle')]);
    const idle = Date.now() - t3;
    let last: string[] = [];
    await until(
      async () => {
        const [a, b] = [await snapshot(caller), await snapshot(callee)];
        const server = await serverStats(demo);
        last = [...leaks(base[0], a, false).map((l) => `caller ${l}`), ...leaks(base[1], b, false).map((l) => `callee ${l}`)];
        if (a.pcsCreated !== index || b.pcsCreated !== index) last.push(`pcs created ${a.pcsCreated}/${b.pcsCreated}, expected ${index}`);
        if (server.calls !== 0 || server.timers !== 0) last.push(`server ${JSON.stringify(server)}`);
        return last.length === 0;
      },
      `call ${index}: everything released`,
      10_000,
      async () => last,
    );
    const call = { index, ring: t1 - t0, media: t2 - t1, idle, release: Date.now() - t3, during };
    results.push(call);
    await onCall?.(call);
  }
  // The transient UI (toasts) is gone too.
  let end: [Snapshot, Snapshot] = [base[0], base[1]];
  let last: string[] = [];
  await until(
    async () => {
      end = [await snapshot(caller), await snapshot(callee)];
      last = [...leaks(base[0], end[0]).map((l) => `caller ${l}`), ...leaks(base[1], end[1]).map((l) => `callee ${l}`)];
      return last.length === 0;
    },
    'the UI back to idle after the last call',
    10_000,
    async () => last,
  );
  return { base, end, calls: results };
}
