import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../src/define-all.js';
import type { IncomingBanner } from '../../components/incoming-banner/incoming-banner.js';
import type { CallKitElement } from '../../components/call-kit/call-kit.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { CallMediaType, CallRole } from '../../src/constants.js';
import { AcceptRequestEvent, RejectRequestEvent } from '../../src/events/requests.js';
import { CallStore } from '../../src/store/store.js';
import type { IncomingCall } from '../../src/store/types.js';
import { animationsSettled } from '../helpers/settle.js';
import { avatarShows } from '../helpers/avatar.js';
import { background, onLightSystem, SURFACE } from '../helpers/theme.js';
import { loadLocale } from '../../src/i18n/index.js';

// The kit loads zh-cn and ja_JP on first use (src/i18n/index.ts); these tests read them at once.
await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);

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

/** An invitation in the store's incoming list (as the kit adds them). */
function incoming(store: CallStore, callId: string, name: string, mediaType: Media = CallMediaType.VIDEO): IncomingCall {
  if (!store.getState().loggedIn) store.dispatch({ type: 'login', userId: 'bob', name: 'Bob' });
  const callerId = name.toLowerCase();
  const call: IncomingCall = {
    callId,
    callerId,
    callerName: name,
    callerAvatar: '',
    mediaType,
    groupId: '',
    isGroup: false,
    members: [{ userId: callerId, name, status: 'accepted' }],
    receivedAt: Date.now(),
  };
  store.dispatch({ type: 'incoming-add', call });
  return call;
}

/** Bob is in a connected 1v1 call with Dave. */
function inCall(store: CallStore): void {
  if (!store.getState().loggedIn) store.dispatch({ type: 'login', userId: 'bob', name: 'Bob' });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLER,
    callId: 'call-0',
    mediaType: CallMediaType.AUDIO,
    callerId: 'bob',
    members: [{ userId: 'dave', name: 'Dave' }],
  });
  store.dispatch({ type: 'member-upsert', userId: 'dave', status: 'accepted' });
  store.dispatch({ type: 'call-connected' });
}

const banners = (el: Element) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~=base]')];
const bannerOf = (el: Element, callId: string) => banners(el).find((b) => b.dataset['callId'] === callId)!;
const centre = (r: DOMRect) => ({ x: r.left + r.width / 2, y: r.top + r.height / 2 });

/** Nothing has focus: the body. */
function blurAll(): void {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  (active as HTMLElement | null)?.blur();
  (document.activeElement as HTMLElement | null)?.blur();
}

const HINT = 'Press Alt+Shift+A to go to the call';

const q = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const live = (el: Element) => q(el, '[aria-live]')!;

/** Axe, once the banner's entry animation finished (it measures colours mid-fade otherwise). */
async function accessible(el: IncomingBanner): Promise<void> {
  await animationsSettled(el);
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

    it('a self-declared name shows the user id beside it, marked; an operator name does not', async () => {
      const store = new CallStore();
      const call = incoming(store, 'c1', 'Alice');
      store.dispatch({ type: 'incoming-remove', callId: 'c1' });
      store.dispatch({ type: 'incoming-add', call: { ...call, callerName: 'IT Support', callerNameSource: 'self' } });
      store.dispatch({ type: 'incoming-add', call: { ...incoming(new CallStore(), 'c2', 'Carol'), callerNameSource: 'operator' } });
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      const banners = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~=base]')];
      const self = banners.find((b) => b.dataset['callId'] === 'c1')!;
      const operator = banners.find((b) => b.dataset['callId'] === 'c2')!;
      expect(self.querySelector('[part~=name]')!.textContent).to.equal('IT Support');
      expect(self.querySelector('[part~=user-id]')!.textContent!.trim()).to.equal('alice · Name not verified');
      expect(operator.querySelector('[part~=user-id]')).to.equal(null);
      await accessible(el);
    });

    it('does not show for the caller', async () => {
      const store = new CallStore();
      store.dispatch({ type: 'login', userId: 'alice' });
      store.dispatch({
        type: 'call-start',
        role: CallRole.CALLER,
        callId: 'c',
        mediaType: CallMediaType.VIDEO,
        callerId: 'alice',
        members: [{ userId: 'bob' }],
      });
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
      expect(await avatarShows(q(el, '[part~=avatar]')!)).to.deep.equal({ initial: 'A' });
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
      store.dispatch({
        type: 'call-start',
        role: CallRole.CALLEE,
        callId: 'c',
        mediaType: CallMediaType.AUDIO,
        callerId: 'zoe',
        members: [],
      });
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
      await waitUntil(() => region.textContent === `Incoming video call from Alice. ${HINT}`, 'announced');
      expect(live(el), 'the same live region').to.equal(region);
      store.dispatch({ type: 'call-reset' });
      await el.updateComplete;
      expect(live(el).textContent).to.equal('');
    });

    it('moves focus to accept when nothing has focus, and gives it back when it closes', async () => {
      const store = new CallStore();
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <button id="outside">outside</button>
        <incoming-banner .store=${store}></incoming-banner>
      </div>`);
      const outside = wrapper.querySelector<HTMLButtonElement>('#outside')!;
      const el = wrapper.querySelector('incoming-banner')!;
      blurAll();
      ring(store);
      await el.updateComplete;
      expect(document.activeElement).to.equal(el);
      expect(el.shadowRoot!.activeElement).to.equal(q(el, 'button.accept'));
      store.dispatch({ type: 'call-reset' });
      await el.updateComplete;
      expect(document.activeElement).to.not.equal(el);
      // With a control focused, the banner leaves focus there, and there it stays after.
      outside.focus();
      ring(store);
      await el.updateComplete;
      expect(document.activeElement).to.equal(outside);
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
      blurAll();
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
      blurAll();
      // No guard here (see "never answered by accident" for the guard).
      const el = await fixture<IncomingBanner>(html`<incoming-banner accept-guard="0" .store=${store}></incoming-banner>`);
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

  describe('never answered by accident', () => {
    /** Records the banner's requests. */
    function requests(el: HTMLElement): string[] {
      const seen: string[] = [];
      el.addEventListener(AcceptRequestEvent.eventName, (e) => seen.push(e.detail.audioOnly ? 'accept-audio' : 'accept'));
      el.addEventListener(RejectRequestEvent.eventName, () => seen.push('reject'));
      return seen;
    }

    it('a call arriving while the user types keeps focus in the field; Enter and Space stay there', async () => {
      const store = new CallStore();
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <input id="field" aria-label="message" />
        <incoming-banner .store=${store}></incoming-banner>
      </div>`);
      const field = wrapper.querySelector<HTMLInputElement>('#field')!;
      const el = wrapper.querySelector('incoming-banner')!;
      const seen = requests(el);
      let submitted = 0;
      field.addEventListener('keydown', (e) => e.key === 'Enter' && submitted++);
      field.focus();
      await sendKeys({ type: 'hello wor' });
      ring(store);
      await el.updateComplete;
      expect(document.activeElement, 'focus stays in the field').to.equal(field);
      await sendKeys({ type: 'ld' });
      await sendKeys({ press: 'Enter' });
      await sendKeys({ press: 'Space' });
      expect(field.value).to.equal('hello world ');
      expect(submitted, 'the page got its Enter').to.equal(1);
      expect(seen).to.deep.equal([]);
      expect(el.matches(':state(ringing)')).to.equal(true);
      await waitUntil(() => live(el).textContent === `Incoming video call from Alice. ${HINT}`, 'announced instead');
    });

    it('keeps focus in a contenteditable, a field inside a shadow root, and a focused iframe', async () => {
      const store = new CallStore();
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <div id="editor" contenteditable="true" aria-label="editor">text</div>
        <div id="host"></div>
        <iframe title="frame" srcdoc="<input aria-label='inner'>"></iframe>
        <incoming-banner .store=${store}></incoming-banner>
      </div>`);
      const el = wrapper.querySelector('incoming-banner')!;
      const editor = wrapper.querySelector<HTMLElement>('#editor')!;
      const root = wrapper.querySelector('#host')!.attachShadow({ mode: 'open' });
      root.innerHTML = '<input aria-label="deep">';
      const deep = root.querySelector('input')!;
      const frame = wrapper.querySelector('iframe')!;
      await waitUntil(() => frame.contentDocument?.querySelector('input'), 'iframe loaded');
      const cases: [string, () => void, () => boolean][] = [
        ['contenteditable', () => editor.focus(), () => document.activeElement === editor],
        ['shadow root', () => deep.focus(), () => root.activeElement === deep],
        ['iframe', () => frame.contentDocument!.querySelector('input')!.focus(), () => document.activeElement === frame],
      ];
      for (const [name, focus, stillThere] of cases) {
        focus();
        expect(stillThere(), `${name} focused`).to.equal(true);
        ring(store, CallMediaType.VIDEO, 'Alice', `call-${name}`);
        await el.updateComplete;
        expect(stillThere(), `${name} keeps focus`).to.equal(true);
        expect(el.shadowRoot!.activeElement, name).to.equal(null);
        store.dispatch({ type: 'call-reset' });
        await el.updateComplete;
      }
    });

    it('the shortcut moves focus to the newest banner and focus returns to the field after', async () => {
      const store = new CallStore();
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <input id="field" aria-label="message" />
        <incoming-banner accept-guard="0" .store=${store}></incoming-banner>
      </div>`);
      const field = wrapper.querySelector<HTMLInputElement>('#field')!;
      const el = wrapper.querySelector('incoming-banner')!;
      const seen = requests(el);
      field.focus();
      incoming(store, 'call-a', 'Alice');
      incoming(store, 'call-c', 'Carol', CallMediaType.AUDIO);
      await el.updateComplete;
      const accept = bannerOf(el, 'call-c').querySelector<HTMLButtonElement>('button.accept')!;
      expect(accept.getAttribute('aria-keyshortcuts')).to.equal('Alt+Shift+A');
      expect(bannerOf(el, 'call-a').querySelector('button.accept')!.hasAttribute('aria-keyshortcuts')).to.equal(false);
      await sendKeys({ press: 'Alt+Shift+A' });
      expect(el.shadowRoot!.activeElement).to.equal(accept);
      expect(field.value, 'the shortcut typed nothing').to.equal('');
      await sendKeys({ press: 'Escape' });
      expect(seen).to.deep.equal(['reject']);
      store.dispatch({ type: 'incoming-remove', callId: 'call-c' });
      store.dispatch({ type: 'incoming-remove', callId: 'call-a' });
      await el.updateComplete;
      expect(document.activeElement, 'focus is back in the field').to.equal(field);
    });

    it('the shortcut is configurable and can be turned off', async () => {
      const store = new CallStore();
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <input id="field" aria-label="message" />
        <incoming-banner shortcut="Control+Shift+1" .store=${store}></incoming-banner>
      </div>`);
      const field = wrapper.querySelector<HTMLInputElement>('#field')!;
      const el = wrapper.querySelector('incoming-banner')!;
      field.focus();
      ring(store);
      await el.updateComplete;
      await sendKeys({ press: 'Alt+Shift+A' });
      expect(document.activeElement, 'the default no longer applies').to.equal(field);
      await waitUntil(() => live(el).textContent?.endsWith('Press Control+Shift+1 to go to the call'), 'announces the shortcut');
      await sendKeys({ press: 'Control+Shift+Digit1' });
      expect(el.shadowRoot!.activeElement).to.equal(q(el, 'button.accept'));
      field.focus();
      el.shortcut = 'none';
      await el.updateComplete;
      expect(q(el, 'button.accept')!.hasAttribute('aria-keyshortcuts')).to.equal(false);
      await sendKeys({ press: 'Control+Shift+Digit1' });
      expect(document.activeElement).to.equal(field);
    });

    it('ignores Enter and Space on its buttons during the guard after it takes focus; after it, they work', async () => {
      const store = new CallStore();
      blurAll();
      const el = await fixture<IncomingBanner>(html`<incoming-banner accept-guard="1500" .store=${store}></incoming-banner>`);
      const seen = requests(el);
      const shownAt = performance.now();
      ring(store);
      await el.updateComplete;
      expect(el.shadowRoot!.activeElement).to.equal(q(el, 'button.accept'));
      await sendKeys({ press: 'Enter' });
      await sendKeys({ press: 'Space' });
      q<HTMLButtonElement>(el, 'button.accept-audio')!.focus();
      await sendKeys({ press: 'Enter' });
      expect(performance.now() - shownAt, 'the keys came inside the guard').to.be.below(1500);
      expect(seen, 'inside the guard').to.deep.equal([]);
      await waitUntil(() => performance.now() - shownAt > 1550, 'guard over', { interval: 50, timeout: 3000 });
      seen.length = 0;
      await sendKeys({ press: 'Enter' });
      q<HTMLButtonElement>(el, 'button.accept')!.focus();
      await sendKeys({ press: 'Space' });
      expect(seen).to.deep.equal(['accept-audio', 'accept']);
    });

    it('a pointer click is not delayed by the guard', async () => {
      const store = new CallStore();
      const el = await fixture<IncomingBanner>(html`<incoming-banner accept-guard="60000" .store=${store}></incoming-banner>`);
      const seen = requests(el);
      ring(store);
      await el.updateComplete;
      const r = q(el, 'button.accept')!.getBoundingClientRect();
      await sendMouse({ type: 'click', position: [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)] });
      expect(seen).to.deep.equal(['accept']);
    });

    it('a key that auto-repeats never answers', async () => {
      const store = new CallStore();
      blurAll();
      const el = await fixture<IncomingBanner>(html`<incoming-banner accept-guard="0" .store=${store}></incoming-banner>`);
      const seen = requests(el);
      ring(store);
      await el.updateComplete;
      expect(el.shadowRoot!.activeElement).to.equal(q(el, 'button.accept'));
      // Held down: the second keydown has repeat set.
      await sendKeys({ down: 'Enter' });
      await sendKeys({ down: 'Enter' });
      await sendKeys({ down: 'Enter' });
      await sendKeys({ up: 'Enter' });
      expect(seen, 'the first press answers (no guard here), the repeats do not').to.deep.equal(['accept']);
    });

    it('a banner focused by the user is guarded again when the stack changes around it', async () => {
      const store = new CallStore();
      incoming(store, 'call-a', 'Alice');
      const el = await fixture<IncomingBanner>(html`<incoming-banner accept-guard="60000" .store=${store}></incoming-banner>`);
      const seen = requests(el);
      // Guard expired for call-a: pretend by a fresh element with a 0 guard, then raise it.
      el.acceptGuard = 0;
      store.dispatch({ type: 'incoming-remove', callId: 'call-a' });
      await el.updateComplete;
      incoming(store, 'call-a', 'Alice');
      await el.updateComplete;
      bannerOf(el, 'call-a').querySelector<HTMLButtonElement>('button.accept')!.focus();
      el.acceptGuard = 60000;
      await el.updateComplete;
      incoming(store, 'call-c', 'Carol');
      await el.updateComplete;
      expect((el.shadowRoot!.activeElement?.closest('[part~=base]') as HTMLElement).dataset['callId']).to.equal('call-a');
      await sendKeys({ press: 'Enter' });
      expect(seen, 'the banner moved under the user: Enter is ignored').to.deep.equal([]);
    });

    it('in <call-kit>: a waiting call during a minimized call leaves the field focused; incoming-shortcut reaches "end and accept"', async () => {
      const kit = new CallKit();
      const engine = new SimulatedEngine();
      await kit.init({ SDKAppID: 1, userID: 'bob', userSig: 'x', engine });
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <input id="field" aria-label="message" />
        <call-kit call-waiting allowed-minimized incoming-shortcut="Control+Alt+J" .kit=${kit}></call-kit>
      </div>`);
      const host = wrapper.querySelector<CallKitElement>('call-kit')!;
      const field = wrapper.querySelector<HTMLInputElement>('#field')!;
      await waitUntil(() => engine.callWaiting, 'call waiting reached the engine');
      await kit.calls({ userIDList: ['dave'], type: CallMediaType.AUDIO });
      engine.remoteAccept('dave');
      kit.setMinimized(true);
      await waitUntil(() => host.shadowRoot!.querySelector('float-window'), 'the float window shows');
      field.focus();
      await sendKeys({ type: 'hi' });
      const carol = engine.remoteInvite({ userId: 'carol', name: 'Carol' }, CallMediaType.VIDEO);
      await waitUntil(() => host.shadowRoot!.querySelector('incoming-banner'), 'the banner shows');
      const el = host.shadowRoot!.querySelector<IncomingBanner>('incoming-banner')!;
      await el.updateComplete;
      expect(el.shortcut).to.equal('Control+Alt+J');
      expect(document.activeElement, 'neither the banner nor the float window took focus').to.equal(field);
      await sendKeys({ press: 'Enter' });
      await sendKeys({ press: 'Space' });
      expect(field.value).to.equal('hi ');
      expect(kit.store.getState().callId, 'still in the first call').to.not.equal(carol);
      expect(kit.store.getState().incoming.map((c) => c.callId)).to.deep.equal([carol]);
      await sendKeys({ press: 'Control+Alt+KeyJ' });
      expect(el.shadowRoot!.activeElement).to.equal(bannerOf(el, carol).querySelector('button.end-accept'));
      await kit.hangup();
      await kit.dispose();
    });

    it('is accessible with the shortcut advertised', async () => {
      const store = new CallStore();
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      ring(store);
      await el.updateComplete;
      await accessible(el);
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

  describe('several calls (up to 3), call waiting, top layer', () => {
    it('renders one banner per ringing call, at most 3, the newest on top', async () => {
      const store = new CallStore();
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      incoming(store, 'call-a', 'Alice');
      incoming(store, 'call-c', 'Carol', CallMediaType.AUDIO);
      incoming(store, 'call-e', 'Erin');
      await el.updateComplete;
      expect(banners(el).map((b) => b.dataset['callId'])).to.deep.equal(['call-e', 'call-c', 'call-a']);
      expect(banners(el).map((b) => b.querySelector('[part~=name]')!.textContent)).to.deep.equal(['Erin', 'Carol', 'Alice']);
      // Each banner has its own buttons: the voice call has no "accept as voice call".
      expect(bannerOf(el, 'call-c').querySelectorAll('button')).to.have.length(2);
      expect(bannerOf(el, 'call-a').querySelectorAll('button')).to.have.length(3);
      // Each banner is labelled by its own name.
      for (const b of banners(el)) {
        expect(el.shadowRoot!.getElementById(b.getAttribute('aria-labelledby')!)!.closest('[part~=base]')).to.equal(b);
      }
      expect(q(el, '[part~=stack]')!.getAttribute('aria-label')).to.equal('3 incoming calls');
      expect(el.matches(':state(multiple)')).to.equal(true);
      // A fourth entry (never sent by the kit) still shows only the newest three.
      incoming(store, 'call-f', 'Frank');
      await el.updateComplete;
      expect(banners(el).map((b) => b.dataset['callId'])).to.deep.equal(['call-f', 'call-e', 'call-c']);
      await accessible(el);
      store.dispatch({ type: 'incoming-remove', callId: 'call-e' });
      await el.updateComplete;
      expect(banners(el).map((b) => b.dataset['callId'])).to.deep.equal(['call-f', 'call-c', 'call-a']);
    });

    it("accept, accept as voice call and decline carry each banner's callId", async () => {
      const store = new CallStore();
      incoming(store, 'call-a', 'Alice');
      incoming(store, 'call-c', 'Carol');
      incoming(store, 'call-e', 'Erin');
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      const seen: unknown[] = [];
      el.addEventListener(AcceptRequestEvent.eventName, (e) => seen.push(['accept', e.detail]));
      el.addEventListener(RejectRequestEvent.eventName, (e) => seen.push(['reject', e.detail]));
      bannerOf(el, 'call-c').querySelector<HTMLButtonElement>('button.accept')!.click();
      bannerOf(el, 'call-a').querySelector<HTMLButtonElement>('button.accept-audio')!.click();
      bannerOf(el, 'call-e').querySelector<HTMLButtonElement>('button.reject')!.click();
      bannerOf(el, 'call-a').querySelector<HTMLButtonElement>('button.reject')!.focus();
      await sendKeys({ press: 'Escape' });
      expect(seen).to.deep.equal([
        ['accept', { audioOnly: false, callId: 'call-c' }],
        ['accept', { audioOnly: true, callId: 'call-a' }],
        ['reject', { callId: 'call-e' }],
        ['reject', { callId: 'call-a' }],
      ]);
    });

    it('while in a call, a waiting call offers "end and accept" or decline', async () => {
      const store = new CallStore();
      inCall(store);
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      expect(banners(el)).to.have.length(0);
      blurAll();
      incoming(store, 'call-c', 'Carol');
      await el.updateComplete;
      const banner = bannerOf(el, 'call-c');
      expect([...banner.querySelectorAll('button')].map((b) => b.getAttribute('aria-label'))).to.deep.equal([
        'Decline',
        'End current call and accept',
      ]);
      expect(banner.querySelector('[part~=description]')!.textContent).to.equal('Waiting call · invites you to a video call');
      expect(el.matches(':state(waiting)')).to.equal(true);
      expect(el.shadowRoot!.activeElement === banner.querySelector('button.end-accept'), 'end-accept focused').to.equal(true);
      setTimeout(() => banner.querySelector<HTMLButtonElement>('button.end-accept')!.click());
      expect((await oneEvent(el, AcceptRequestEvent.eventName)).detail).to.deep.equal({
        audioOnly: false,
        callId: 'call-c',
        endCurrent: true,
      });
      setTimeout(() => banner.querySelector<HTMLButtonElement>('button.reject')!.click());
      expect((await oneEvent(el, RejectRequestEvent.eventName)).detail).to.deep.equal({ callId: 'call-c' });
      await accessible(el);
    });

    it('a new call does not move focus off a banner; when the focused banner goes, focus moves to the newest left', async () => {
      const store = new CallStore();
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <button id="outside">outside</button>
        <incoming-banner .store=${store}></incoming-banner>
      </div>`);
      const outside = wrapper.querySelector<HTMLButtonElement>('#outside')!;
      const el = wrapper.querySelector('incoming-banner')!;
      const focusedCall = () => (el.shadowRoot!.activeElement?.closest('[part~=base]') as HTMLElement | null)?.dataset['callId'] ?? null;
      const focusedClass = () => el.shadowRoot!.activeElement?.className ?? null;
      blurAll();
      incoming(store, 'call-a', 'Alice');
      await el.updateComplete;
      expect([focusedCall(), focusedClass()]).to.deep.equal(['call-a', 'accept']);
      incoming(store, 'call-c', 'Carol');
      await el.updateComplete;
      expect([focusedCall(), focusedClass()], 'focus stays on the banner it was on').to.deep.equal(['call-a', 'accept']);
      // The focused banner goes: focus moves to the newest one left.
      incoming(store, 'call-e', 'Erin');
      await el.updateComplete;
      store.dispatch({ type: 'incoming-remove', callId: 'call-a' });
      await el.updateComplete;
      expect([focusedCall(), focusedClass()]).to.deep.equal(['call-e', 'accept']);
      store.dispatch({ type: 'incoming-remove', callId: 'call-e' });
      store.dispatch({ type: 'incoming-remove', callId: 'call-c' });
      await el.updateComplete;
      expect(el.shadowRoot!.activeElement, 'focus left the banners').to.equal(null);
      expect(document.activeElement === outside, 'focus was on the body: nothing to return to').to.equal(false);
    });

    it('announces each new call, a waiting one as waiting', async () => {
      const store = new CallStore();
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      incoming(store, 'call-a', 'Alice');
      await waitUntil(() => live(el).textContent === `Incoming video call from Alice. ${HINT}`, 'first announced');
      store.dispatch({ type: 'incoming-remove', callId: 'call-a' });
      inCall(store);
      incoming(store, 'call-c', 'Carol', CallMediaType.AUDIO);
      await waitUntil(() => live(el).textContent === `Waiting call: Incoming voice call from Carol. ${HINT}`, 'waiting announced');
    });

    it('is in the top layer: a huge z-index on the page does not cover it, and the page stays usable', async () => {
      const store = new CallStore();
      // The banner sits in a low stacking context, and a later full-page layer has the highest z-index.
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <div style="position: relative; z-index: 1"><incoming-banner .store=${store}></incoming-banner></div>
        <div id="cover" style="position: fixed; inset: 0; z-index: 2147483647; background: rgb(200 0 0 / 0.3)"></div>
      </div>`);
      const el = wrapper.querySelector('incoming-banner')!;
      const cover = wrapper.querySelector<HTMLDivElement>('#cover')!;
      incoming(store, 'call-a', 'Alice');
      await el.updateComplete;
      const stack = q(el, '[part~=stack]')!;
      expect(stack.getAttribute('popover')).to.equal('manual');
      expect(stack.matches(':popover-open')).to.equal(true);
      const accept = bannerOf(el, 'call-a').querySelector<HTMLButtonElement>('button.accept')!;
      const { x, y } = centre(accept.getBoundingClientRect());
      expect(document.elementFromPoint(x, y) === el, 'the page sees the banner host on top').to.equal(true);
      expect(el.shadowRoot!.elementFromPoint(x, y)?.closest('button') === accept, 'the accept button is hit').to.equal(true);
      // Not modal: the rest of the page is not inert and stays on top of nothing else.
      expect(document.elementFromPoint(5, window.innerHeight - 5) === cover, 'the page is hit elsewhere').to.equal(true);
      expect(cover.inert).to.equal(false);
      // The host's own modal dialog opens above the banner and is not blocked by it.
      const dialog = document.createElement('dialog');
      dialog.style.cssText = 'inset: 0; margin: 0; width: 100vw; height: 100vh; max-width: none; max-height: none';
      dialog.innerHTML = '<button id="in-dialog">ok</button>';
      wrapper.append(dialog);
      dialog.showModal();
      expect(document.elementFromPoint(x, y)?.closest('dialog') === dialog, 'the host dialog is on top').to.equal(true);
      dialog.close();
      // A new call raises the stack again above what the page put in the top layer meanwhile.
      incoming(store, 'call-c', 'Carol');
      await el.updateComplete;
      expect(stack.matches(':popover-open')).to.equal(true);
      const newest = centre(bannerOf(el, 'call-c').querySelector<HTMLButtonElement>('button.accept')!.getBoundingClientRect());
      expect(document.elementFromPoint(newest.x, newest.y) === el, 'the raised stack is on top').to.equal(true);
    });

    it('shows "connecting" on the accepted banner and ignores further clicks on it', async () => {
      const store = new CallStore();
      incoming(store, 'call-a', 'Alice');
      incoming(store, 'call-c', 'Carol');
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      const seen: string[] = [];
      el.addEventListener(AcceptRequestEvent.eventName, (e) => seen.push(e.detail.callId ?? ''));
      store.dispatch({ type: 'answering', callId: 'call-a' });
      await el.updateComplete;
      const a = bannerOf(el, 'call-a');
      expect(a.querySelector('[part~=description]')!.textContent).to.equal('Connecting…');
      expect(a.getAttribute('aria-busy')).to.equal('true');
      expect([...a.querySelectorAll('button')].every((b) => b.getAttribute('aria-disabled') === 'true')).to.equal(true);
      expect(el.matches(':state(connecting)')).to.equal(true);
      a.querySelector<HTMLButtonElement>('button.accept')!.click();
      bannerOf(el, 'call-c').querySelector<HTMLButtonElement>('button.accept')!.click();
      expect(seen).to.deep.equal(['call-c']);
      expect(bannerOf(el, 'call-c').hasAttribute('aria-busy')).to.equal(false);
      await accessible(el);
    });

    it('in <call-kit>: call-waiting attribute, banner beside the running call (also minimized), end and accept through the kit', async () => {
      const kit = new CallKit();
      const engine = new SimulatedEngine();
      await kit.init({ SDKAppID: 1, userID: 'bob', userSig: 'x', engine });
      const host = await fixture<CallKitElement>(html`<call-kit call-waiting notifications .kit=${kit}></call-kit>`);
      await waitUntil(() => engine.callWaiting, 'call waiting reached the engine');
      expect(kit.store.getState().settings.notifications).to.equal(true);
      await kit.calls({ userIDList: ['dave'], type: CallMediaType.AUDIO });
      engine.remoteAccept('dave');
      kit.setMinimized(true);
      const carol = engine.remoteInvite({ userId: 'carol', name: 'Carol' }, CallMediaType.VIDEO);
      await host.updateComplete;
      const el = host.shadowRoot!.querySelector<IncomingBanner>('incoming-banner')!;
      await el.updateComplete;
      expect(host.shadowRoot!.querySelector('call-view')!.hidden, 'the call view is minimized').to.equal(true);
      const banner = bannerOf(el, carol);
      expect(banner.querySelector('[part~=name]')!.textContent).to.equal('Carol');
      banner.querySelector<HTMLButtonElement>('button.end-accept')!.click();
      await waitUntil(() => kit.store.getState().callId === carol && kit.store.getState().status === 'connected', 'carol connected');
      expect(kit.store.getState().incoming).to.have.length(0);
      await waitUntil(() => !host.shadowRoot!.querySelector('incoming-banner'), 'the banner is gone');
      await kit.hangup();
      await kit.dispose();
    });

    it('translates the stack, the waiting call and "end and accept" (zh-cn, ja_JP)', async () => {
      const store = new CallStore();
      inCall(store);
      incoming(store, 'call-c', 'Carol');
      store.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
      const el = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      expect(q(el, 'button.end-accept')!.getAttribute('aria-label')).to.equal('结束当前通话并接听');
      expect(q(el, '[part~=stack]')!.getAttribute('aria-label')).to.equal('1 个来电');
      store.dispatch({ type: 'settings', settings: { language: 'ja_JP' } });
      await el.updateComplete;
      expect(q(el, 'button.end-accept')!.getAttribute('aria-label')).to.equal('現在の通話を終了して応答');
      expect(q(el, '[part~=description]')!.textContent!.startsWith('待機中の着信')).to.equal(true);
      await accessible(el);
    });

    it('sits at the inline end of the viewport: right in LTR, left under dir="rtl"', async () => {
      const store = new CallStore();
      incoming(store, 'call-a', 'Alice');
      incoming(store, 'call-c', 'Carol');
      const ltr = await fixture<IncomingBanner>(html`<incoming-banner .store=${store}></incoming-banner>`);
      const ltrBox = q(ltr, '[part~=stack]')!.getBoundingClientRect();
      expect(ltrBox.right).to.be.greaterThan(window.innerWidth / 2);
      const rtl = await fixture<IncomingBanner>(html`<incoming-banner dir="rtl" .store=${store}></incoming-banner>`);
      const rtlBox = q(rtl, '[part~=stack]')!.getBoundingClientRect();
      expect(rtlBox.left).to.be.lessThan(window.innerWidth / 2);
      const banner = bannerOf(rtl, 'call-c');
      const avatar = banner.querySelector('[part~=avatar]')!.getBoundingClientRect();
      const actions = banner.querySelector('[part~=actions]')!.getBoundingClientRect();
      expect(avatar.left, 'avatar at the inline start (right)').to.be.greaterThan(actions.left);
      await accessible(rtl);
    });
  });

  describe('theme', () => {
    it('<call-kit theme="dark"> on a light system darkens the banner; theme="light" lightens it', () =>
      onLightSystem(async () => {
        const kit = new CallKit();
        const engine = new SimulatedEngine();
        await kit.init({ SDKAppID: 1, userID: 'bob', userSig: 'x', engine });
        const host = await fixture<CallKitElement>(html`<call-kit theme="dark" .kit=${kit}></call-kit>`);
        engine.remoteInvite({ userId: 'carol', name: 'Carol' }, CallMediaType.AUDIO);
        await waitUntil(() => host.shadowRoot!.querySelector('incoming-banner')?.shadowRoot?.querySelector('[part~=base]'), 'banner shown');
        const el = host.shadowRoot!.querySelector<IncomingBanner>('incoming-banner')!;
        expect(background(el)).to.equal(SURFACE.dark);
        host.theme = 'light';
        await host.updateComplete;
        expect(background(el)).to.equal(SURFACE.light);
        await kit.dispose();
      }));
  });
});
