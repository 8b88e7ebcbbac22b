/** `bench:group`'s tables (issue 15): SFU / mesh ratios computed from the runs of one benchmark run. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareTable, runsTable, type GroupRun } from '../../bench/group-table.js';

describe('bench:group tables', () => {
  const run = (members: number, mode: 'mesh' | 'sfu', cpu: number, fps: number, playingMs: number | null): GroupRun => ({
    members,
    mode,
    cpuPerBrowser: Array.from({ length: members }, (_, i) => cpu + (i === 0 ? 0.1 : -0.1 / (members - 1))),
    ...(mode === 'sfu' ? { janusCpu: 0.05 } : {}),
    tileFps: Array.from({ length: members * (members - 1) }, (_, i) => (i === 0 ? fps - 5 : fps)),
    tileHeights: Array.from({ length: members * (members - 1) }, () => 360),
    allPlayingMs: playingMs,
    tilesPlaying: playingMs === null ? 1 : members * (members - 1),
    tilesExpected: members * (members - 1),
    playingDeadlineMs: 180_000,
    connections: mode === 'sfu' ? 2 : members - 1,
    load: [3, 4.5],
    seconds: 30,
  });

  test('SFU / mesh ratios per member count, from the same run', () => {
    const runs = [run(4, 'mesh', 0.8, 10, 3000), run(4, 'sfu', 0.4, 20, 1500), run(6, 'sfu', 0.3, 15, 2000), run(6, 'mesh', 0.6, 5, null)];
    const t = compareTable(runs);
    assert.deepEqual(
      t.rows.map((r) => r[0]),
      ['4', '6'],
    );
    const [four, six] = t.rows;
    assert.equal(four[1], '0.80 / 0.40');
    assert.equal(four[2], '**0.50**');
    assert.equal(four[3], '10.0 / 20.0');
    assert.equal(four[4], '2.00');
    // 4 browsers x 0.8 cores / (12 tiles x 10 fps - 5) = 27.8 ms; SFU 4 x 0.4 / (12 x 20 - 5) = 6.8 ms.
    assert.equal(four[5], '27.8 / 6.8');
    assert.equal(four[6], '0.24');
    assert.equal(four[7], '3.0 / 1.5');
    assert.equal(four[8], '0.50');
    assert.equal(six[2], '**0.50**');
    assert.equal(six[7], '> 180 (1/30 tiles by then) / 2.0');
    assert.equal(six[8], '—', 'no ratio against a run that never had every tile playing');
    assert.equal(t.headers.length, four.length);
  });

  test('a member count measured in one mode only has no comparison row; the runs table lists it', () => {
    const runs = [run(3, 'mesh', 0.5, 12, 2000)];
    assert.deepEqual(compareTable(runs).rows, []);
    const rows = runsTable(runs).rows;
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0].slice(0, 4), ['3', 'mesh', '0.50 / 0.60', '—']);
    assert.equal(rows[0][6], '22.4', '3 x 0.5 cores / (6 x 12 - 5) fps');
    assert.equal(rows[0][9], '3.0 → 4.5');
  });
});
