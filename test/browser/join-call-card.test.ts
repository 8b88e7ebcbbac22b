import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../src/define-all.js';
import type { JoinCallCard } from '../../components/join-call-card/join-call-card.js';
import { CallMediaType, CallRole } from '../../src/constants.js';
import type { GroupCallInfo } from '../../src/engine/types.js';
import { JoinRequestEvent } from '../../src/events/requests.js';
import { CallStore } from '../../src/store/store.js';
import { avatarShows } from '../helpers/avatar.js';
import { background, onLightSystem, SURFACE } from '../helpers/theme.js';
import { loadLocale } from '../../src/i18n/index.js';

// The kit loads zh-cn and ja_JP on first use (src/i18n/index.ts); these tests read them at once.
await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);

const CALL = 'AbCdEfGhIjKlMnOpQrStUv';

function running(mediaType: GroupCallInfo['mediaType'] = CallMediaType.VIDEO, extra = 0): GroupCallInfo {
  const members: GroupCallInfo['members'] = [
    { userId: 'alice', name: 'Alice', status: 'accepted' },
    { userId: 'bob', name: 'Bob', avatar: 'data:image/png;base64,iVBORw0KGgo=', status: 'accepted' },
    { userId: 'carol', status: 'accepted' },
    { userId: 'dave', name: 'Dave', status: 'rejected' },
    { userId: 'erin', name: 'Erin', status: 'ringing' },
  ];
  for (let i = 0; i < extra; i++) members.push({ userId: `u${i}`, status: 'accepted' });
  return { callId: CALL, mediaType, members };
}

function storeWith(call: GroupCallInfo | null, groupId = 'team'): CallStore {
  const store = new CallStore();
  store.dispatch({ type: 'login', userId: 'me', name: 'Me' });
  store.dispatch({ type: 'group-call', groupId, call });
  return store;
}

const q = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const all = (el: Element, selector: string) => [...el.shadowRoot!.querySelectorAll(selector)];

describe('<join-call-card>', () => {
  describe('rendering', () => {
    it('renders nothing without a store, without a group call, or for another group', async () => {
      const bare = await fixture<JoinCallCard>(html`<join-call-card group-id="team"></join-call-card>`);
      expect(q(bare, '[part~=base]')).to.equal(null);
      const none = await fixture<JoinCallCard>(html`<join-call-card group-id="team" .store=${storeWith(null)}></join-call-card>`);
      expect(q(none, '[part~=base]')).to.equal(null);
      expect(none.matches(':state(active)')).to.equal(false);
      const other = await fixture<JoinCallCard>(html`<join-call-card group-id="other" .store=${storeWith(running())}></join-call-card>`);
      expect(q(other, '[part~=base]')).to.equal(null);
      await expect(none).to.be.accessible();
    });

    it('shows the number of accepted members, their avatars and a Join button', async () => {
      const el = await fixture<JoinCallCard>(html`<join-call-card group-id="team" .store=${storeWith(running())}></join-call-card>`);
      expect(q(el, '[part~=count]')!.textContent).to.equal('3 people in the call');
      expect(q(el, '[part~=description]')!.textContent).to.equal('Video call in progress');
      const avatars = all(el, '[part~=avatar]');
      expect(avatars.map((a) => a.getAttribute('title'))).to.deep.equal(['Alice', 'Bob', 'carol']);
      expect(await avatarShows(avatars[1])).to.deep.equal({ image: 'data:image/png;base64,iVBORw0KGgo=' });
      expect(await avatarShows(avatars[0])).to.deep.equal({ initial: 'A' });
      const button = q<HTMLButtonElement>(el, 'button')!;
      expect(button.textContent).to.equal('Join');
      expect(button.getAttribute('aria-label')).to.equal('Join the call with 3 people');
      expect(el.matches(':state(active)')).to.equal(true);
      expect(el.matches(':state(video)')).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('caps the avatars with +N, and says a voice call', async () => {
      const el = await fixture<JoinCallCard>(
        html`<join-call-card group-id="team" .store=${storeWith(running(CallMediaType.AUDIO, 3))}></join-call-card>`,
      );
      expect(all(el, '[part~=avatar]').length).to.equal(4);
      expect(q(el, '[part~=more]')!.textContent).to.equal('+2');
      expect(q(el, '[part~=count]')!.textContent).to.equal('6 people in the call');
      expect(q(el, '[part~=description]')!.textContent).to.equal('Voice call in progress');
      expect(el.matches(':state(video)')).to.equal(false);
      await expect(el).to.be.accessible();
    });

    it('follows the store and the group-id attribute; hides while we are in that call', async () => {
      const store = storeWith(running());
      const el = await fixture<JoinCallCard>(html`<join-call-card group-id="other" .store=${store}></join-call-card>`);
      expect(q(el, '[part~=base]')).to.equal(null);
      el.groupId = 'team';
      await el.updateComplete;
      expect(q(el, '[part~=base]')).to.not.equal(null);
      store.dispatch({
        type: 'call-start',
        role: CallRole.CALLEE,
        callId: CALL,
        mediaType: CallMediaType.VIDEO,
        callerId: '',
        members: [{ userId: 'alice', status: 'accepted' }],
      });
      await el.updateComplete;
      expect(q(el, '[part~=base]')).to.equal(null);
      store.dispatch({ type: 'call-reset' });
      await el.updateComplete;
      expect(q(el, '[part~=base]')).to.not.equal(null);
      store.dispatch({ type: 'group-call', groupId: 'team', call: null });
      await el.updateComplete;
      expect(q(el, '[part~=base]')).to.equal(null);
    });

    it('speaks the language of the store', async () => {
      const store = storeWith(running());
      store.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
      const el = await fixture<JoinCallCard>(html`<join-call-card group-id="team" .store=${store}></join-call-card>`);
      expect(q(el, '[part~=count]')!.textContent).to.equal('通话中共 3 人');
      expect(q(el, 'button')!.textContent).to.equal('加入');
      await expect(el).to.be.accessible();
    });
  });

  describe('events', () => {
    it('Join dispatches a cancelable, bubbling, composed ck-join-request with the call id', async () => {
      const el = await fixture<JoinCallCard>(html`<join-call-card group-id="team" .store=${storeWith(running())}></join-call-card>`);
      const button = q<HTMLButtonElement>(el, 'button')!;
      setTimeout(() => button.click());
      const event = await oneEvent(el, 'ck-join-request');
      expect(event).to.be.instanceOf(JoinRequestEvent);
      expect(event.detail).to.deep.equal({ callId: CALL });
      expect(event.bubbles && event.composed && event.cancelable).to.equal(true);
    });

    it('<call-kit> does not join when the host prevents the request', async () => {
      const kit = await fixture<HTMLElement>(html`<call-kit><join-call-card group-id="team"></join-call-card></call-kit>`);
      const card = kit.querySelector('join-call-card')!;
      card.store = storeWith(running());
      await card.updateComplete;
      let seen = 0;
      kit.addEventListener('ck-join-request', (e) => {
        seen++;
        e.preventDefault();
      });
      q<HTMLButtonElement>(card, 'button')!.click();
      expect(seen).to.equal(1);
    });
  });

  describe('theme', () => {
    it('follows the theme of the <call-kit> named by call-kit (dark on a light system), its own theme winning', () =>
      onLightSystem(async () => {
        const wrap = await fixture<HTMLElement>(html`<div>
          <call-kit id="kit-theme" theme="dark"></call-kit>
          <join-call-card call-kit="kit-theme" group-id="team" .store=${storeWith(running())}></join-call-card>
        </div>`);
        const el = wrap.querySelector<JoinCallCard>('join-call-card')!;
        await el.updateComplete;
        expect(background(el)).to.equal(SURFACE.dark);
        wrap.querySelector('call-kit')!.setAttribute('theme', 'light');
        await new Promise((r) => requestAnimationFrame(r));
        expect(background(el)).to.equal(SURFACE.light);
        el.theme = 'dark';
        await el.updateComplete;
        expect(background(el)).to.equal(SURFACE.dark);
        await expect(el).to.be.accessible();
      }));
  });
});
