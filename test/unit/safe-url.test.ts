import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cssImageUrl, safeImageUrl } from '../../src/util/safe-url.js';

test('safeImageUrl: allowed schemes and relative URLs pass unchanged', () => {
  for (const url of [
    'https://cdn.example/a.png',
    'http://x/a.jpg',
    'blob:https://app.example/0b6f1c1e',
    'data:image/png;base64,iVBORw0KGgo=',
    'data:image/jpeg;base64,/9j/4AAQ',
    'data:image/gif,GIF89a',
    'data:image/webp;base64,UklGR',
    '/avatars/a.png',
    'avatars/a.png',
    '?u=1',
    '//cdn.example/a.png',
  ]) {
    assert.equal(safeImageUrl(url), url, url);
  }
  assert.equal(safeImageUrl('  https://x/a.png  '), 'https://x/a.png');
});

test('safeImageUrl: script-bearing or unknown schemes give an empty string (initials)', () => {
  for (const url of [
    'javascript:alert(1)',
    ' JavaScript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:image/svg+xml,<svg onload=alert(1)>',
    'DATA:IMAGE/SVG+XML;base64,PHN2Zz4=',
    'data:,x',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://x/a.png',
    'https://x/a\\b.png',
    'x'.repeat(1_000_001),
    '',
  ]) {
    assert.equal(safeImageUrl(url), '', JSON.stringify(url.slice(0, 40)));
  }
  for (const value of [undefined, null, 42, {}, ['https://x/a.png']]) assert.equal(safeImageUrl(value), '');
});

test('cssImageUrl: quoted url() that a quote or newline cannot end early', () => {
  assert.equal(cssImageUrl('https://x/a.png'), 'url("https://x/a.png")');
  assert.equal(cssImageUrl('a".png'), 'url("a\\22 .png")');
  assert.equal(cssImageUrl('javascript:alert(1)'), '');
  assert.equal(cssImageUrl('x\ny'), '', 'control characters refused outright');
});
