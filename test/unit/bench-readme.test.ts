/**
 * `npm run bench:readme` (issue 18): README's benchmark block is rendered from bench/results JSON
 * (fixtures here), with each result's date, commit and load average, and a note per missing result.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BENCHES,
  END,
  LONG_TABLE_ROWS,
  START,
  embedTable,
  readResults,
  renderBlock,
  replaceBlock,
  rewriteReadme,
  type BenchDoc,
} from '../../scripts/bench-readme.js';

const setup: BenchDoc = {
  name: 'setup',
  at: '2026-12-03T14:27:05.123Z',
  commit: 'abc1234',
  machine: { cpus: 2, cpu: 'Test CPU', node: 'v20.19.0', loadavg: [5.123, 4, 3.5] },
  data: { calls: 20 },
  table: '### Call setup (R2): 20 calls\n\n| interval (ms) | median |\n|---|---|\n| ring | 35 |\n',
};

describe('bench:readme', () => {
  test('renders each result with its date, commit, load average and table; a note for each missing one', () => {
    const block = renderBlock({ setup });
    assert.match(
      block,
      /#### `npm run bench:setup`\n\nMeasured 2026-12-03 14:27 UTC, commit `abc1234`, load average 5\.12 \/ 4\.00 \/ 3\.50, 2 CPUs \(Test CPU\), Node v20\.19\.0\./,
    );
    assert.match(block, /\*\*Call setup \(R2\): 20 calls\*\*\n\n\| interval \(ms\) \| median \|\n\|---\|---\|\n\| ring \| 35 \|/);
    assert.doesNotMatch(block, /^###? /m, 'no heading of the bench table leaks in');
    for (const b of BENCHES.filter((x) => x.name !== 'setup')) {
      assert.ok(block.includes(`\`bench/results/${b.name}-latest.json\` is missing`), `note for ${b.name}`);
    }
    assert.match(block, /weak-network-latest\.json` is missing\. Run `npm run bench:weak-network` \(not part of `npm run bench`\)/);
    assert.match(block, /Run `BENCH_NODES=2 node --import tsx bench\/server-load\.ts` \(the second run of `npm run bench:server`\)/);
    assert.ok(!block.includes('setup-latest.json` is missing'));
  });

  test('text after a table is its own paragraph (GFM would read it as one more row)', () => {
    const out = embedTable('### A\n| x |\n|---|\n| 1 |\ngoal met\nload average 1 2 3\n| y |\n|---|');
    assert.equal(out, '**A**\n\n| x |\n|---|\n| 1 |\n\ngoal met\n\nload average 1 2 3\n\n| y |\n|---|');
    assert.equal(embedTable('| a |\n|---|\n\n| b |\n|---|'), '| a |\n|---|\n\n| b |\n|---|', 'two tables stay two');
  });

  test('a long table folds under its title; a short one and a table without a title stay open', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `| ${i} |`).join('\n');
    const out = embedTable(`### Long\n| x |\n|---|\n${rows(LONG_TABLE_ROWS + 1)}\n### Short\n| y |\n|---|\n${rows(LONG_TABLE_ROWS)}`);
    assert.ok(out.startsWith(`<details><summary>Long (${LONG_TABLE_ROWS + 1} rows)</summary>\n\n| x |\n|---|\n| 0 |`), out.slice(0, 80));
    assert.match(out, /\| 20 \|\n\n<\/details>\n\n\*\*Short\*\*\n\n\| y \|/);
    assert.equal((out.match(/<details>/g) ?? []).length, 1);
    assert.doesNotMatch(embedTable(`| x |\n|---|\n${rows(30)}`), /<details>/);
  });

  test('replaces only the text between the markers, and refuses a README without them', () => {
    const readme = `# R\n\nbefore\n${START}\nold figures\n${END}\nafter\n`;
    const out = replaceBlock(readme, 'NEW');
    assert.equal(out, `# R\n\nbefore\n${START}\nNEW\n${END}\nafter\n`);
    assert.equal(replaceBlock(out, 'NEW'), out, 'idempotent');
    assert.throws(() => replaceBlock('# R\n', 'NEW'), /no <!-- bench:start -->/);
  });

  test('a section marked for one benchmark gets that part alone; the main block gets them all', () => {
    const readme = `# R\n<!-- bench:setup:start -->\nold\n<!-- bench:setup:end -->\n<!-- bench:group:start -->\nold\n<!-- bench:group:end -->\n${START}\n${END}\n`;
    const out = rewriteReadme(readme, { setup });
    const section = (name: string) => out.slice(out.indexOf(`<!-- bench:${name}:start -->`), out.indexOf(`<!-- bench:${name}:end -->`));
    assert.match(section('setup'), /Measured 2026-12-03 14:27 UTC/);
    assert.doesNotMatch(section('setup'), /bench:render|group-latest/);
    assert.match(section('group'), /`bench\/results\/group-latest\.json` is missing\. Run `npm run bench:group`/);
    assert.doesNotMatch(section('group'), /Measured/);
    const main = out.slice(out.indexOf(START), out.indexOf(END));
    assert.match(main, /Measured 2026-12-03 14:27 UTC/);
    assert.match(main, /render-latest\.json` is missing/);
    assert.equal(rewriteReadme(out, { setup }), out, 'idempotent');
  });

  test('a benchmark without a result here keeps the figures the README already shows (they carry their date)', () => {
    const published = rewriteReadme(`# R\n<!-- bench:setup:start -->\n<!-- bench:setup:end -->\n${START}\n${END}\n`, { setup });
    // A clone without bench/results (git-ignored) re-runs one other benchmark: setup's figures stay.
    const render: BenchDoc = { ...setup, name: 'render', table: '### Render\n\n| a | b |\n|---|---|\n| 1 | 2 |\n' };
    const out = rewriteReadme(published, { render });
    const section = out.slice(out.indexOf('<!-- bench:setup:start -->'), out.indexOf('<!-- bench:setup:end -->'));
    assert.match(section, /Measured 2026-12-03 14:27 UTC/);
    const main = out.slice(out.indexOf(START), out.indexOf(END));
    assert.match(main, /#### `npm run bench:setup`\n\nMeasured 2026-12-03 14:27 UTC/);
    assert.match(main, /#### `npm run bench:render`\n\nMeasured/);
    assert.match(main, /churn-latest\.json` is missing/, 'never published: still the note');
    assert.equal(rewriteReadme(out, { render }), out, 'idempotent');
  });

  test('reads <name>-latest.json, skipping unreadable and table-less files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-readme-'));
    try {
      writeFileSync(join(dir, 'setup-latest.json'), JSON.stringify(setup));
      writeFileSync(join(dir, 'render-latest.json'), '{ not json');
      writeFileSync(join(dir, 'churn-latest.json'), JSON.stringify({ name: 'churn', at: setup.at }));
      writeFileSync(join(dir, 'setup-2026-12-03T14-27-05-123Z.json'), JSON.stringify({ ...setup, commit: 'older' }));
      const docs = readResults(dir);
      assert.deepEqual(Object.keys(docs), ['setup']);
      assert.equal(docs.setup?.commit, 'abc1234');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
