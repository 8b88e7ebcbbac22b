import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatShortcut, matchesShortcut, parseShortcut, type KeyLike } from '../../src/util/shortcut.js';

const key = (k: Partial<KeyLike> & Pick<KeyLike, 'key'>): KeyLike => ({
  code: '',
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...k,
});

describe('keyboard shortcuts (aria-keyshortcuts form)', () => {
  test('parses modifiers and a key, in any order and case; formats them back in a fixed order', () => {
    assert.deepEqual(parseShortcut('Alt+Shift+A'), { alt: true, ctrl: false, meta: false, shift: true, key: 'A' });
    assert.deepEqual(parseShortcut(' shift + ctrl + f2 '), { alt: false, ctrl: true, meta: false, shift: true, key: 'f2' });
    assert.equal(formatShortcut(parseShortcut('shift+alt+a')!), 'Alt+Shift+A');
    assert.equal(formatShortcut(parseShortcut('Meta+Control+1')!), 'Control+Meta+1');
    assert.equal(formatShortcut(parseShortcut('Control++')!), 'Control++');
  });

  test('off for none, empty, unknown modifiers or a missing key', () => {
    for (const text of ['', '  ', 'none', 'NONE', 'Hyper+A', 'Alt+', undefined, null])
      assert.equal(parseShortcut(text), null, String(text));
  });

  test('matches letters and digits by physical key too, and requires exactly the modifiers', () => {
    const altShiftA = parseShortcut('Alt+Shift+A')!;
    assert.equal(matchesShortcut(altShiftA, key({ key: 'Å', code: 'KeyA', altKey: true, shiftKey: true })), true, 'macOS Option+Shift+A');
    assert.equal(matchesShortcut(altShiftA, key({ key: 'A', code: 'KeyA', altKey: true, shiftKey: true })), true);
    assert.equal(matchesShortcut(altShiftA, key({ key: 'a', code: 'KeyQ', altKey: true, shiftKey: true })), true, 'AZERTY: the A key');
    assert.equal(matchesShortcut(altShiftA, key({ key: 'A', code: 'KeyA', shiftKey: true })), false, 'Alt missing');
    assert.equal(
      matchesShortcut(altShiftA, key({ key: 'A', code: 'KeyA', altKey: true, shiftKey: true, ctrlKey: true })),
      false,
      'extra Control',
    );
    assert.equal(matchesShortcut(altShiftA, key({ key: 'B', code: 'KeyB', altKey: true, shiftKey: true })), false);
    const ctrl1 = parseShortcut('Control+Shift+1')!;
    assert.equal(matchesShortcut(ctrl1, key({ key: '!', code: 'Digit1', ctrlKey: true, shiftKey: true })), true);
    const f2 = parseShortcut('F2')!;
    assert.equal(matchesShortcut(f2, key({ key: 'F2', code: 'F2' })), true);
    assert.equal(matchesShortcut(f2, key({ key: 'F3', code: 'F3' })), false);
  });
});
