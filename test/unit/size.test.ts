/**
 * Bundle budgets (size-budgets.json, `npm run size`): the core with every element and the default
 * engine, each element entry alone and the lazily loaded Tencent engine chunk, gzip, must stay within
 * their budgets. The checker itself is shown to fail on a too-small budget and on a missing one.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { elementTags, measure, overBudget, readBudgets, table, type Size } from '../../scripts/size.js';

describe('bundle size budgets', () => {
  let sizes: Size[] = [];
  before(async () => {
    sizes = await measure();
  });

  it('measures the core, every element entry and the Tencent chunk', () => {
    assert.deepEqual(
      sizes.map((s) => s.name).sort(),
      ['core', 'tencent', 'page/initial', 'page/ui', ...elementTags().map((t) => `elements/${t}`)].sort(),
    );
    const get = (name: string) => sizes.find((s) => s.name === name)!;
    // Sanity: lit alone is ~6 KB gzip, so every bundle is bigger; the core holds every element.
    for (const s of sizes) assert.ok(s.gzip > 5_000 && s.gzip < s.raw, `${s.name}: ${s.gzip} B gzip`);
    for (const tag of elementTags()) assert.ok(get('core').gzip >= get(`elements/${tag}`).gzip, `core >= ${tag}`);
    // What loads first is part of the whole UI, which is split into more files than the one-file core.
    assert.ok(get('page/initial').gzip < get('page/ui').gzip);
    // The Tencent chunk leaves the SDKs out (trtc-sdk-v5 alone is ~230 KB gzip).
    assert.ok(get('tencent').gzip < 60_000);
  });

  it('every bundle is within its budget', () => {
    const budgets = readBudgets();
    assert.deepEqual(overBudget(sizes, budgets), [], `\n${table(sizes, budgets)}`);
  });

  it('the check fails when a budget is too small or missing', () => {
    const budgets = readBudgets();
    const tight = { ...budgets, core: sizes.find((s) => s.name === 'core')!.gzip - 1 };
    assert.deepEqual(overBudget(sizes, tight).length, 1);
    assert.match(overBudget(sizes, tight)[0], /^core: \d+ B gzip > budget \d+ B$/);
    const { tencent: _dropped, ...without } = budgets;
    assert.deepEqual(overBudget(sizes, without), ['tencent: no budget in size-budgets.json']);
  });
});
