/**
 * Render cost: a simulated 9-member group video call (SimulatedEngine, the caller plus 8 members who
 * accept) in a <call-kit> on the demo page, with voice volumes for every member updated 10 times a
 * second (`engine.volumes()`). Counts kit element updates (every Lit `update()` of a kit element,
 * shadow roots included) and the time they take, and long tasks (PerformanceObserver 'longtask'),
 * for BENCH_SECONDS (default 10) per run, BENCH_ROUNDS (default 2) runs of each mode, alternated. Baseline, same page and load: the naive design that re-renders the
 * whole view on every store change (every kit element's requestUpdate() on each store notification).
 */
import { ELEMENT_TAGS } from '../src/element-tags.js';
import { launchBrowser, startDemo } from '../test/e2e/harness.js';
import { NAME_SHIM } from '../test/e2e/churn.js';
import { fmt, printTable, writeResult } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** Every element src/define.ts registers (now or on first use: the run loads them all first): the "whole view" of the baseline. */
const TAGS: string[] = ELEMENT_TAGS.map((e) => e.tag);

interface Result {
  updates: number;
  updateMs: number;
  byTag: Record<string, number>;
  longTasks: number;
  longTaskMs: number;
  storeChanges: number;
  seconds: number;
  elements: number;
}

const demo = await startDemo();
const browser = await launchBrowser();
try {
  const context = await browser.newContext();
  await context.addInitScript(NAME_SHIM);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${demo.url}/?bench=render`);
  await page.waitForFunction(() => customElements.get('call-kit') !== undefined);
  const run = async (mode: 'kit' | 'baseline'): Promise<Result> =>
    page.evaluate(
      async ({ mode, seconds, tags }) => {
        // Served by Vite from the source tree (a variable, so neither tsc nor Vite resolves it here).
        const load = (path: string) => import(/* @vite-ignore */ path);
        const { CallKit } = (await load('/src/kit/call-kit-api.ts')) as typeof import('../src/kit/call-kit-api.js');
        const { SimulatedEngine } = (await load(
          '/src/engine/simulated/simulated-engine.ts',
        )) as typeof import('../src/engine/simulated/simulated-engine.js');
        // define.js registers the call view and its parts on first use: register them all before wrapping.
        const { loadAllElements } = (await load('/src/define.ts')) as typeof import('../src/define.js');
        await loadAllElements();
        const stats = { updates: 0, updateMs: 0, byTag: {} as Record<string, number>, on: false };
        for (const tag of tags) {
          const ctor = customElements.get(tag);
          if (!ctor) continue;
          const proto = ctor.prototype as { update: (c: unknown) => void; __wrapped?: boolean };
          if (Object.prototype.hasOwnProperty.call(proto, '__wrapped')) continue;
          const original = proto.update;
          Object.defineProperty(proto, '__wrapped', { value: true });
          proto.update = function (this: unknown, changed: unknown) {
            const t = performance.now();
            original.call(this, changed);
            const w = window as unknown as { __renderStats?: typeof stats };
            const s = w.__renderStats;
            if (s?.on) {
              s.updates++;
              s.updateMs += performance.now() - t;
              s.byTag[tag] = (s.byTag[tag] ?? 0) + 1;
            }
          };
        }
        (window as unknown as { __renderStats: typeof stats }).__renderStats = stats;
        const kit = new CallKit();
        const engine = new SimulatedEngine();
        await kit.init({ SDKAppID: 1, userID: 'me', userSig: 'x', engine });
        const host = document.createElement('call-kit') as HTMLElement & { kit: unknown };
        host.kit = kit;
        host.style.width = '960px';
        host.style.height = '720px';
        document.body.append(host);
        const members = Array.from({ length: 8 }, (_, i) => `m${i}`);
        await kit.calls({ userIDList: members, type: 2 });
        for (const m of members) engine.remoteAccept(m, { name: `Member ${m}` });
        await new Promise((r) => setTimeout(r, 500));
        const all = (root: Document | ShadowRoot): HTMLElement[] =>
          [...root.querySelectorAll('*')].flatMap((el) => [
            ...(tags.includes(el.localName) ? [el as HTMLElement] : []),
            ...(el.shadowRoot ? all(el.shadowRoot) : []),
          ]);
        let storeChanges = 0;
        const off = kit.store.subscribe(() => {
          storeChanges++;
          if (mode === 'baseline')
            for (const el of all(host.shadowRoot as ShadowRoot)) (el as unknown as { requestUpdate: () => void }).requestUpdate();
        });
        let longTasks = 0;
        let longTaskMs = 0;
        const observer = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            longTasks++;
            longTaskMs += e.duration;
          }
        });
        observer.observe({ type: 'longtask' });
        stats.on = true;
        const t0 = performance.now();
        const ids = ['', ...members];
        await new Promise<void>((resolve) => {
          const timer = setInterval(() => {
            engine.volumes(Object.fromEntries(ids.map((id) => [id, Math.round(Math.random() * 100)])));
            if (performance.now() - t0 >= seconds * 1000) {
              clearInterval(timer);
              resolve();
            }
          }, 100);
        });
        await new Promise((r) => setTimeout(r, 200));
        stats.on = false;
        observer.disconnect();
        const elements = all(host.shadowRoot as ShadowRoot).length + 1;
        off();
        await kit.hangup();
        await kit.dispose();
        host.remove();
        const secondsRun = (performance.now() - t0) / 1000;
        return {
          updates: stats.updates,
          updateMs: stats.updateMs,
          byTag: stats.byTag,
          longTasks,
          longTaskMs,
          storeChanges,
          seconds: secondsRun,
          elements,
        };
      },
      { mode, seconds: SECONDS, tags: TAGS },
    );
  await run('kit'); // warm-up (module compile, first layout)
  // Alternate the modes so that drift (GC, JIT, thermal) does not favour either; sum the rounds.
  const sum = (a: Result, b: Result): Result => ({
    updates: a.updates + b.updates,
    updateMs: a.updateMs + b.updateMs,
    byTag: Object.fromEntries(
      [...new Set([...Object.keys(a.byTag), ...Object.keys(b.byTag)])].map((k) => [k, (a.byTag[k] ?? 0) + (b.byTag[k] ?? 0)]),
    ),
    longTasks: a.longTasks + b.longTasks,
    longTaskMs: a.longTaskMs + b.longTaskMs,
    storeChanges: a.storeChanges + b.storeChanges,
    seconds: a.seconds + b.seconds,
    elements: b.elements,
  });
  let kit = await run('kit');
  let baseline = await run('baseline');
  for (let round = 1; round < ROUNDS; round++) {
    baseline = sum(baseline, await run('baseline'));
    kit = sum(kit, await run('kit'));
  }
  const per = (r: Result, n: number) => n / r.seconds;
  const table = printTable(
    `Render cost: simulated 9-member video call, volumes for all 9 at 10/s, ${ROUNDS} × ${SECONDS} s per mode, Chromium ${browser.version()}`,
    ['figure', 'kit (store controllers with selectors)', 'baseline (whole view on every store change)', 'ratio kit / baseline'],
    [
      ['kit elements in the view', kit.elements, baseline.elements, ''],
      ['store changes / s', fmt(per(kit, kit.storeChanges)), fmt(per(baseline, baseline.storeChanges)), ''],
      [
        'element updates / s',
        fmt(per(kit, kit.updates)),
        fmt(per(baseline, baseline.updates)),
        `**${fmt(kit.updates / kit.seconds / (baseline.updates / baseline.seconds), 3)}**`,
      ],
      [
        'time in element updates, ms / s',
        fmt(per(kit, kit.updateMs), 2),
        fmt(per(baseline, baseline.updateMs), 2),
        fmt(kit.updateMs / kit.seconds / (baseline.updateMs / baseline.seconds), 3),
      ],
      [
        'long tasks (count / total ms)',
        `${kit.longTasks} / ${fmt(kit.longTaskMs, 0)}`,
        `${baseline.longTasks} / ${fmt(baseline.longTaskMs, 0)}`,
        '',
      ],
      ['updates by element', JSON.stringify(kit.byTag), JSON.stringify(baseline.byTag), ''],
    ],
  );
  writeResult('render', { seconds: SECONDS, rounds: ROUNDS, kit, baseline }, table);
  await context.close();
} finally {
  await browser.close();
  await demo.close();
}
