import { describe, it, mock, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { HeartbeatSweep, sweepSlices } from '../../server/heartbeat.js';

describe('HeartbeatSweep (one shared heartbeat, spread over its interval)', () => {
  afterEach(() => mock.timers.reset());

  /** Runs a sweep over `items` for `ms` of mocked time; returns what each timer firing visited. */
  function run(items: Map<number, number>, intervalMs: number, ms: number, during?: (tick: number) => void) {
    mock.timers.enable({ apis: ['setInterval', 'Date'] });
    const turns: number[][] = [];
    let current: number[] | null = null;
    const passes: number[] = [];
    const sweep = new HeartbeatSweep(
      items,
      intervalMs,
      (v) => current?.push(v),
      (now) => passes.push(now),
    );
    const period = intervalMs / sweepSlices(intervalMs);
    for (let t = 0; t < ms / period; t++) {
      current = [];
      mock.timers.tick(period);
      turns.push(current);
      during?.(t);
    }
    sweep.stop();
    return { turns, passes };
  }

  it('visits 10,000 sockets once per interval, never more than a slice in one timer turn', () => {
    const items = new Map(Array.from({ length: 10_000 }, (_, i) => [i, i]));
    const { turns, passes } = run(items, 5000, 10_000);
    const slices = sweepSlices(5000);
    assert.ok(slices >= 50, `${slices} slices`);
    const most = Math.max(...turns.map((t) => t.length));
    assert.ok(most <= Math.ceil(10_000 / slices), `${most} visited in one turn`);
    // Two intervals: every socket exactly twice, and two passes (the prune runs once per pass).
    const seen = new Map<number, number>();
    for (const t of turns) for (const v of t) seen.set(v, (seen.get(v) ?? 0) + 1);
    assert.equal(seen.size, 10_000);
    assert.ok([...seen.values()].every((n) => n === 2));
    assert.equal(passes.length, 2);
  });

  it('a socket added mid-pass is visited in that pass; one removed is not visited again', () => {
    const items = new Map(Array.from({ length: 1000 }, (_, i) => [i, i]));
    const { turns } = run(items, 5000, 5000, (tick) => {
      if (tick !== 10) return;
      items.delete(999);
      items.set(5000, 5000);
    });
    const visited = turns.flat();
    assert.ok(visited.includes(5000));
    assert.ok(!visited.includes(999));
    assert.equal(new Set(visited).size, visited.length);
  });

  it('with no sockets the prune still runs once per interval, and sockets that arrive later are pinged', () => {
    const items = new Map<number, number>();
    const { turns, passes } = run(items, 5000, 15_000, (tick) => {
      if (tick === 120) for (let i = 0; i < 500; i++) items.set(i, i);
    });
    assert.equal(passes.length, 3);
    assert.equal(new Set(turns.flat()).size, 500);
  });

  it('a short interval (tests) keeps one sweep per interval', () => {
    assert.equal(sweepSlices(30), 1);
    const items = new Map([
      [1, 1],
      [2, 2],
    ]);
    const { turns } = run(items, 30, 90);
    assert.deepEqual(turns, [
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });
});
