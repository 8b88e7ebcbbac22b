import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/define-all.js';
import type { CallAvatar } from '../../components/call-avatar/call-avatar.js';
import { initialOf } from '../../components/call-avatar/call-avatar.js';
import { avatarShows } from '../helpers/avatar.js';

/** A small PNG drawn on a canvas (no network). */
function png(colour: string): string {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 4;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, 4, 4);
  return canvas.toDataURL('image/png');
}

describe('<call-avatar>', () => {
  it('shows the image, decorative; axe finds nothing', async () => {
    const src = png('#c00');
    const el = await fixture<CallAvatar>(html`<call-avatar .src=${src} name="Alice"></call-avatar>`);
    expect(await avatarShows(el)).to.deep.equal({ image: src });
    expect(el.shadowRoot!.querySelector('img')!.alt).to.equal('');
    await expect(el).to.be.accessible();
  });

  it('shows the initial without an image, for an unsafe URL, and after the image failed (remembered)', async () => {
    const none = await fixture<CallAvatar>(html`<call-avatar name="  ülrich"></call-avatar>`);
    expect(await avatarShows(none)).to.deep.equal({ initial: 'ü' });
    expect(getComputedStyle(none.shadowRoot!.querySelector('[part~=initial]')!).textTransform).to.equal('uppercase');
    const unsafe = await fixture<CallAvatar>(html`<call-avatar .src=${'javascript:alert(1)'} name="Mallory"></call-avatar>`);
    expect(await avatarShows(unsafe)).to.deep.equal({ initial: 'M' });
    const broken = 'data:image/png;base64,AAAA';
    const failing = await fixture<CallAvatar>(html`<call-avatar .src=${broken} name="Zed"></call-avatar>`);
    await waitUntil(() => failing.shadowRoot!.querySelector('[part~=initial]'), 'the initial after the error');
    // Another avatar with the same URL does not try again.
    const again = await fixture<CallAvatar>(html`<call-avatar .src=${broken} name="Zed"></call-avatar>`);
    expect(await avatarShows(again)).to.deep.equal({ initial: 'Z' });
    expect(initialOf(''), 'an empty name').to.equal('?');
    expect(initialOf('😀 Joy'), 'a character, not a code unit').to.equal('😀');
  });

  it('is sized by --ck-avatar-size; the initial takes --ck-avatar-background and --ck-avatar-color', async () => {
    const el = await fixture<CallAvatar>(
      html`<call-avatar name="Bob" style="--ck-avatar-size: 64px; --ck-avatar-background: rgb(1, 2, 3); --ck-avatar-color: rgb(4, 5, 6)"></call-avatar>`,
    );
    const box = el.getBoundingClientRect();
    expect([box.width, box.height]).to.deep.equal([64, 64]);
    const initial = getComputedStyle(el.shadowRoot!.querySelector('[part~=initial]')!);
    expect([initial.backgroundColor, initial.color]).to.deep.equal(['rgb(1, 2, 3)', 'rgb(4, 5, 6)']);
  });
});
