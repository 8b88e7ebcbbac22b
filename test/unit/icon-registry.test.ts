import { test } from 'node:test';
import assert from 'node:assert/strict';
import { html } from 'lit';
import { ErrorCode } from '../../src/errors.js';
import { ICON_NAMES, iconOverride, onIconsChanged, registerIcons } from '../../src/icon-registry.js';
import { icons } from '../../src/icons.js';

test('every kit icon is in the registry and nothing else', () => {
  assert.deepEqual(Object.keys(icons).sort(), [...ICON_NAMES].sort());
});

test('registerIcons replaces and restores an icon, and notifies', () => {
  const kitOwn = icons.hangup;
  const mine = html`<svg viewBox="0 0 24 24"><circle cx="12" cy="12" r="8" /></svg>`;
  let changes = 0;
  const off = onIconsChanged(() => changes++);
  registerIcons({ hangup: mine });
  assert.equal(icons.hangup, mine);
  assert.equal(iconOverride('hangup'), mine);
  assert.notEqual(icons.accept, mine, 'others untouched');
  registerIcons({ hangup: null });
  assert.equal(icons.hangup, kitOwn);
  off();
  registerIcons({ hangup: null });
  assert.equal(changes, 2, 'no calls after unsubscribing');
});

test('bad input: typed errors, nothing changed', () => {
  const mine = html`<svg></svg>`;
  const bad: unknown[] = [
    null,
    'hangup',
    [],
    { nope: mine },
    { hangup: '<svg onload=alert(1)>' },
    { hangup: { strings: [] } },
    { accept: mine, nope: mine },
  ];
  for (const value of bad) {
    assert.throws(
      () => registerIcons(value as Parameters<typeof registerIcons>[0]),
      (e: unknown) => (e as { code?: unknown }).code === ErrorCode.INVALID_PARAMETER,
      JSON.stringify(value),
    );
  }
  assert.equal(iconOverride('accept'), undefined, 'a batch with one bad entry changes nothing');
});
