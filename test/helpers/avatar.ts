import type { CallAvatar } from '../../components/call-avatar/call-avatar.js';

/** The `<call-avatar>` that is `el` or inside it (light DOM or its shadow root). */
function avatarOf(el: Element): CallAvatar {
  const avatar = el.localName === 'call-avatar' ? el : (el.querySelector('call-avatar') ?? el.shadowRoot?.querySelector('call-avatar'));
  if (!avatar) throw new Error(`no <call-avatar> in <${el.localName}>`);
  return avatar as CallAvatar;
}

/** What a `<call-avatar>` shows: `{ initial }` (its text) or `{ image }` (the URL), once it rendered. */
export async function avatarShows(el: Element): Promise<{ initial?: string; image?: string }> {
  const avatar = avatarOf(el);
  await avatar.updateComplete;
  const img = avatar.shadowRoot!.querySelector<HTMLImageElement>('[part~=image]');
  if (img) return { image: img.getAttribute('src') ?? '' };
  return { initial: avatar.shadowRoot!.querySelector('[part~=initial]')!.textContent!.trim() };
}
