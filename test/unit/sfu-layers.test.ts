import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  chooseLayers,
  LAYER_WIDTHS,
  layerFor,
  SfuLayers,
  setFocus,
  setTileSizes,
  SIMULCAST_ENCODINGS,
  UPSCALE,
} from '../../src/engine/webrtc/sfu-layers.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('SFU simulcast layers', () => {
  it('uploads two layers, high first: rid h full size, rid l a quarter at a low bitrate', () => {
    assert.deepEqual(
      SIMULCAST_ENCODINGS.map((e) => [e.rid, e.scaleResolutionDownBy ?? 1]),
      [
        ['h', 1],
        ['l', 4],
      ],
    );
    assert.ok((SIMULCAST_ENCODINGS[1].maxBitrate ?? Infinity) <= 200_000);
  });

  it('high for everyone up to 2 others with video; in a larger grid, high only for the focus', () => {
    assert.deepEqual(
      [...chooseLayers(['b', 'c'], '')],
      [
        ['b', 1],
        ['c', 1],
      ],
    );
    assert.deepEqual(
      [...chooseLayers(['b', 'c', 'd'], '')],
      [
        ['b', 0],
        ['c', 0],
        ['d', 0],
      ],
    );
    assert.deepEqual(
      [...chooseLayers(['b', 'c', 'd'], 'c')],
      [
        ['b', 0],
        ['c', 1],
        ['d', 0],
      ],
    );
    assert.deepEqual(
      [...chooseLayers(['b', 'c', 'd'], 'zed')],
      [
        ['b', 0],
        ['c', 0],
        ['d', 0],
      ],
    );
  });

  it('a tile gets the smallest layer that covers its rendered width, up to a third of upscaling', () => {
    assert.deepEqual(
      LAYER_WIDTHS,
      [1280 / (SIMULCAST_ENCODINGS[1].scaleResolutionDownBy ?? 1), 1280],
      'the 720p capture: 1280 px, the low layer a quarter',
    );
    assert.equal(UPSCALE, 4 / 3);
    assert.deepEqual(
      [0, 1, 160, 320, 426, 427, 640, 1280, 3840].map((w) => layerFor(w)),
      [0, 0, 0, 0, 0, 1, 1, 1, 1],
    );
  });

  it("with the tiles' widths: low for no visible tile, high for the focus, else by width (the count rule no more)", () => {
    const widths = new Map([
      ['b', 200], // a small grid tile
      ['c', 900], // a large one (e.g. a 2-column grid on a wide screen, or devicePixelRatio 2)
      ['e', 100], // the focus, even when small
      ['f', 0], // the focus, but not rendered (call minimized): low
    ]);
    assert.deepEqual(Object.fromEntries(chooseLayers(['b', 'c', 'd', 'e'], 'e', widths)), { b: 0, c: 1, d: 0, e: 1 }, 'd: no tile');
    assert.deepEqual(Object.fromEntries(chooseLayers(['b', 'f'], 'f', widths)), { b: 0, f: 0 });
    assert.deepEqual(
      Object.fromEntries(chooseLayers(['b', 'c'], '', new Map([['b', 1000]]))),
      { b: 1, c: 0 },
      'two others: no longer all high, c has no tile',
    );
    assert.deepEqual(
      Object.fromEntries(chooseLayers(['b', 'c'], '', new Map())),
      { b: 0, c: 0 },
      'no tile at all (the view hidden): all low',
    );
    assert.deepEqual(Object.fromEntries(chooseLayers(['b', 'c'], '', null)), { b: 1, c: 1 }, 'before the UI told sizes: the count rule');
  });

  it('sends only changes, debounced; a member new to the subscription (or a new mid) is asked again', async () => {
    const sent: string[] = [];
    const layers = new SfuLayers((d) => sent.push(`${d.userId}:${d.substream}`), 1);
    let video = new Map([
      ['b', '1'],
      ['c', '3'],
      ['d', '5'],
    ]);
    let focus = '';
    const update = () => layers.update(() => ({ video, focus }));
    update();
    update();
    await tick();
    assert.deepEqual(sent, ['b:0', 'c:0', 'd:0'], 'one burst for two updates');
    focus = 'c';
    update();
    await tick();
    assert.deepEqual(sent.slice(3), ['c:1']);
    video = new Map([
      ['b', '1'],
      ['c', '3'],
    ]);
    update();
    await tick();
    assert.deepEqual(sent.slice(4), ['b:1'], 'd left: 2 others, both high');
    video = new Map([
      ['b', '1'],
      ['c', '7'],
    ]);
    update();
    await tick();
    assert.deepEqual(sent.slice(5), ['c:1'], 'c re-published (new mid): asked again');
    assert.deepEqual(layers.sent, { b: 1, c: 1 });
    layers.update(() => assert.fail('stopped'));
    layers.stop();
    await tick();
  });

  it('follows the widths it is given: a tile growing or going away changes the layer asked for', async () => {
    const sent: string[] = [];
    const layers = new SfuLayers((d) => sent.push(`${d.userId}:${d.substream}`), 1);
    const video = new Map([
      ['b', '1'],
      ['c', '3'],
    ]);
    let widths: Map<string, number> | null = null;
    const update = () => layers.update(() => ({ video, focus: '', widths }));
    update();
    await tick();
    assert.deepEqual(sent, ['b:1', 'c:1'], 'no sizes yet: two others, the count rule');
    widths = new Map([
      ['b', 300],
      ['c', 700],
    ]);
    update();
    await tick();
    assert.deepEqual(sent.slice(2), ['b:0'], 'b small: low; c large: stays high');
    widths = new Map([['b', 1200]]);
    update();
    await tick();
    assert.deepEqual(sent.slice(3), ['b:1', 'c:0'], 'b grew (focus or resize); c no longer shown');
    layers.stop();
  });

  it("setTileSizes remembers the widths (numbers only) and refreshes the call's SFU session", () => {
    let refreshed = 0;
    const ctx = {
      tileWidths: null as Map<string, number> | null,
      call: { sfuSession: { refocus: () => void refreshed++ } } as { sfuSession?: { refocus(): void } | 'loading' },
    };
    setTileSizes(ctx, { bob: 640, carol: 'big', dave: Number.NaN });
    assert.deepEqual([[...ctx.tileWidths!], refreshed], [[['bob', 640]], 1]);
    setTileSizes(ctx, null);
    setTileSizes(ctx, 'x');
    assert.deepEqual([[...ctx.tileWidths!], refreshed], [[['bob', 640]], 1], 'not an object: ignored');
    ctx.call.sfuSession = 'loading';
    setTileSizes(ctx, {});
    assert.deepEqual([ctx.tileWidths!.size, refreshed], [0, 1]);
  });

  it("setFocus remembers the focus and refreshes the call's SFU session", () => {
    let refreshed = 0;
    const ctx = {
      focus: '',
      call: { sfuSession: { refocus: () => void refreshed++ } } as { sfuSession?: { refocus(): void } | 'loading' },
    };
    setFocus(ctx, 'bob');
    assert.deepEqual([ctx.focus, refreshed], ['bob', 1]);
    ctx.call.sfuSession = 'loading';
    setFocus(ctx, 42);
    assert.deepEqual([ctx.focus, refreshed], ['', 1]);
  });
});
