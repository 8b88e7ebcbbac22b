import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import type { IncomingBanner } from '../../components/incoming-banner/incoming-banner.js';
import { CallMediaType, CallRole } from '../../src/constants.js';
import { AcceptRequestEvent, RejectRequestEvent } from '../../src/events/requests.js';
import { CallStore } from '../../src/store/store.js';

type Media = (typeof CallMediaType)['AUDIO' | 'VIDEO'];

function ring(store: CallStore, mediaType: Media = CallMediaType.VIDEO, callerName = 'Alice', callId = 'call-1'): void {
  if (!store.getState().loggedIn) store.dispatch({ type: 'login', userId: 'bob', name: 'Bob' });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLEE,
    callId,
    mediaType,
    callerId: 'alice',
    members: [{ userId: 'alice', name: callerName, status: 'accepted' }],
  });
}

const q = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const live = (el: Element) => q(el, '[aria-live]')!;

/**
 * Axe, once the banner's entry animation finished (it measures colours mid-fade otherwise).
 * Element.getAnimations, not ShadowRoot.getAnimations: the latter crashed this Chromium's renderer.
 */
async function accessible(el: IncomingBanner): Promise<void> {
  await Promise.all((el.shadowRoot!.querySelector('[part~=base]')?.getAnimations() ?? []).map((a) => a.finished));
  await expect(el).to.be.accessible();
}

describe('<incoming-banner>', () => {
  describe('rendering', () => {
    it('renders only an empty live region while idle or without a store', async () => {
      const bare = await fixture<IncomingBanner>(html`<incoming-banner></incoming-banner>`);
      expect(q(bare, '[part~=base]')).to.equal(null);
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${new CallStore()}></incoming-banner>`);
      expect(q(el, '[part~=base]')).to.equal(null);
      expect(live(el).textContent).to.equal('');
      expect(el.matches(':state(ringing)')).to.equal(false);
      await accessible(el);
    });

    it('does not show for the caller', async () => {
      const store = new CallStore();
      store.dispatch({ type: 'login', userId: 'alice' });
      store.dispatch({ type: 'call-start', role: CallRole.CALLER, callId: 'c', mediaType: CallMediaType.VIDEO, callerId: 'alice', members: [{ userId: 'bob' }] });
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      expect(q(el, '[part~=base]')).to.equal(null);
    });

    it('shows a video call: caller, call type, three buttons, as an alertdialog', async () => {
      const store = new CallStore();
      ring(store);
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      const base = q(el, '[part~=base]')!;
      expect(base.getAttribute('role')).to.equal('alertdialog');
      const title = q(el, `#${base.getAttribute('aria-labelledby')}`)!;
      expect(title.textContent).to.equal('Alice');
      expect(q(el, `#${base.getAttribute('aria-describedby')}`)!.textContent).to.equal('invites you to a video call');
      expect([...el.shadowRoot!.querySelectorAll('button')].map((b) => b.getAttribute('aria-label'))).to.deep.equal([
        'Decline',
        'Accept as voice call',
        'Accept',
      ]);
      expect(q(el, '[part~=avatar]')!.textContent!.trim()).to.equal('A');
      expect(el.matches(':state(ringing)') && el.matches(':state(video)')).to.equal(true);
      await accessible(el);
    });

    it('shows a voice call without "accept as voice call"', async () => {
      const store = new CallStore();
      ring(store, CallMediaType.AUDIO);
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      expect(q(el, '[part~=description]')!.textContent).to.equal('invites you to a voice call');
      expect(el.shadowRoot!.querySelectorAll('button')).to.have.length(2);
      expect(q(el, 'button.accept-audio')).to.equal(null);
      expect(el.matches(':state(video)')).to.equal(false);
      await accessible(el);
    });

    it('falls back to the caller id without a member for the caller', async () => {
      const store = new CallStore();
      store.dispatch({ type: 'login', userId: 'bob' });
      store.dispatch({ type: 'call-start', role: CallRole.CALLEE, callId: 'c', mediaType: CallMediaType.AUDIO, callerId: 'zoe', members: [] });
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      expect(q(el, '[part~=name]')!.textContent).to.equal('zoe');
    });

    it('closes when the call is answered or ends', async () => {
      const store = new CallStore();
      ring(store);
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      store.dispatch({ type: 'call-connected' });
      await el.updateComplete;
      expect(q(el, '[part~=base]')).to.equal(null);
      expect(el.matches(':state(ringing)')).to.equal(false);
    });
  });

  describe('announcement and focus', () => {
    it('announces the call in a live region that existed before', async () => {
      const store = new CallStore();
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      const region = live(el);
      ring(store);
      await waitUntil(() => region.textContent === 'Incoming video call from Alice', 'announced');
      expect(live(el), 'the same live region').to.equal(region);
      store.dispatch({ type: 'call-reset' });
      await el.updateComplete;
      expect(live(el).textContent).to.equal('');
    });

    it('moves focus to accept when it appears and restores it when it closes', async () => {
      const store = new CallStore();
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <button id="outside">outside</button>
        <incoming-banner .store=${store}></incoming-banner>
      </div>`);
      const outside = wrapper.querySelector<HTMLButtonElement>('#outside')!;
      const el = wrapper.querySelector('incoming-banner')!;
      outside.focus();
      ring(store);
      await el.updateComplete;
      expect(document.activeElement).to.equal(el);
      expect(el.shadowRoot!.activeElement).to.equal(q(el, 'button.accept'));
      store.dispatch({ type: 'call-reset' });
      await el.updateComplete;
      expect(document.activeElement).to.equal(outside);
    });

    it('keeps focus where it is with no-autofocus', async () => {
      const store = new CallStore();
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <button id="outside">outside</button>
        <incoming-banner no-autofocus .store=${store}></incoming-banner>
      </div>`);
      const outside = wrapper.querySelector<HTMLButtonElement>('#outside')!;
      outside.focus();
      ring(store);
      await wrapper.querySelector('incoming-banner')!.updateComplete;
      expect(document.activeElement).to.equal(outside);
    });

    it('focuses accept when it renders already ringing', async () => {
      const store = new CallStore();
      ring(store, CallMediaType.AUDIO);
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      expect(el.shadowRoot!.activeElement).to.equal(q(el, 'button.accept'));
    });
  });

  describe('events', () => {
    it('accept, accept as voice call and decline on click', async () => {
      const store = new CallStore();
      ring(store);
      const wrapper = await fixture<HTMLDivElement>(html`<div><incoming-banner .store=${store}></incoming-banner></div>`);
      const el = wrapper.querySelector('incoming-banner')!;
      await el.updateComplete;
      setTimeout(() => q<HTMLButtonElement>(el, 'button.accept')!.click());
      const accept = await oneEvent(wrapper, AcceptRequestEvent.eventName);
      expect(accept).to.be.instanceOf(AcceptRequestEvent);
      expect(accept.detail).to.deep.equal({ audioOnly: false, callId: 'call-1' });
      expect(accept.bubbles && accept.composed && accept.cancelable).to.equal(true);
      setTimeout(() => q<HTMLButtonElement>(el, 'button.accept-audio')!.click());
      expect((await oneEvent(wrapper, AcceptRequestEvent.eventName)).detail).to.deep.equal({ audioOnly: true, callId: 'call-1' });
      setTimeout(() => q<HTMLButtonElement>(el, 'button.reject')!.click());
      const reject = await oneEvent(wrapper, RejectRequestEvent.eventName);
      expect(reject).to.be.instanceOf(RejectRequestEvent);
      expect(reject.detail).to.deep.equal({ callId: 'call-1' });
    });

    it('works from the keyboard: Enter, Space, and Escape declines', async () => {
      const store = new CallStore();
      ring(store);
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      const seen: string[] = [];
      el.addEventListener(AcceptRequestEvent.eventName, (e) => seen.push(e.detail.audioOnly ? 'accept-audio' : 'accept'));
      el.addEventListener(RejectRequestEvent.eventName, () => seen.push('reject'));
      // Focus is on accept already.
      await sendKeys({ press: 'Enter' });
      q<HTMLButtonElement>(el, 'button.accept-audio')!.focus();
      await sendKeys({ press: 'Space' });
      await sendKeys({ press: 'Escape' });
      expect(seen).to.deep.equal(['accept', 'accept-audio', 'reject']);
    });
  });

  describe('i18n and RTL', () => {
    it('switches language with the store setting', async () => {
      const store = new CallStore();
      ring(store);
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      store.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
      await el.updateComplete;
      expect(q(el, '[part~=description]')!.textContent).to.equal('邀请你进行视频通话');
      expect(q(el, 'button.accept')!.getAttribute('aria-label')).to.equal('接听');
      store.dispatch({ type: 'settings', settings: { language: 'ja_JP' } });
      await el.updateComplete;
      expect(q(el, 'button.reject')!.getAttribute('aria-label')).to.equal('拒否');
      await accessible(el);
    });

    it('renders right to left under dir="rtl"', async () => {
      const store = new CallStore();
      ring(store);
      const el = await fixture<IncomingBanner>(html`<incoming-banner dir="rtl" style="width: 480px" .store=${store}></incoming-banner>`);
      const avatar = q(el, '[part~=avatar]')!.getBoundingClientRect();
      const actions = q(el, '[part~=actions]')!.getBoundingClientRect();
      expect(avatar.left, 'avatar at the inline start (right)').to.be.greaterThan(actions.left);
      await accessible(el);
    });
  });
});
