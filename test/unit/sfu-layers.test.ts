import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLayers, SfuLayers, setFocus, SIMULCAST_ENCODINGS } from '../../src/engine/webrtc/sfu-layers.js';

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
