import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../src/define-all.js';
import type { CallKitElement } from '../../components/call-kit/call-kit.js';
import { CallMediaType, CallRole } from '../../src/constants.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { HangupRequestEvent, MicrophoneRequestEvent, MinimizeRequestEvent } from '../../src/events/requests.js';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { CallStore } from '../../src/store/store.js';
import { FloatWindow } from '../../components/float-window/float-window.js';
import { background, onLightSystem } from '../helpers/theme.js';
import { loadLocale } from '../../src/i18n/index.js';

// The kit loads zh-cn and ja_JP on first use (src/i18n/index.ts); these tests read them at once.
await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);

type Media = (typeof CallMediaType)['AUDIO' | 'VIDEO'];

/** A store in a connected 1v1 call with Alice, minimized. */
function minimizedCall(mediaType: Media = CallMediaType.AUDIO, stream: MediaStream | null = null): CallStore {
  const store = new CallStore();
  store.dispatch({ type: 'login', userId: 'bob', name: 'Bob' });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLER,
    callId: 'c1',
    mediaType,
    callerId: 'bob',
    members: [{ userId: 'alice', name: 'Alice' }],
  });
  store.dispatch({ type: 'member-upsert', userId: 'alice', status: 'accepted' });
  store.dispatch({ type: 'call-connected' });
  store.dispatch({ type: 'self-media', audio: true, video: mediaType === CallMediaType.VIDEO });
  if (stream) {
    store.dispatch({ type: 'member-media', userId: 'alice', audio: true, video: true });
    store.dispatch({ type: 'member-stream', userId: 'alice', stream });
  }
  store.dispatch({ type: 'minimized', minimized: true });
  return store;
}

function canvasStream(): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = 160;
  canvas.height = 120;
  canvas.getContext('2d')!.fillRect(0, 0, 160, 120);
  return canvas.captureStream(5);
}

const q = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const base = (el: FloatWindow) => q(el, '[part~=base]')!;

describe('<float-window>', () => {
  describe('rendering', () => {
    it('renders nothing without a store, while idle, or while not minimized', async () => {
      const bare = await fixture<FloatWindow>(html`<float-window></float-window>`);
      expect(q(bare, '[part~=base]')).to.equal(null);
      const store = minimizedCall();
      store.dispatch({ type: 'minimized', minimized: false });
      const el = await fixture<FloatWindow>(html`<float-window .store=${store}></float-window>`);
      expect(q(el, '[part~=base]')).to.equal(null);
      expect(el.matches(':state(open)')).to.equal(false);
      store.dispatch({ type: 'minimized', minimized: true });
      await el.updateComplete;
      expect(q(el, '[part~=base]')).to.not.equal(null);
      expect(el.matches(':state(open)')).to.equal(true);
    });

    it('voice call: timer, microphone and hang-up, in the top layer; axe finds nothing', async () => {
      const el = await fixture<FloatWindow>(html`<float-window .store=${minimizedCall()}></float-window>`);
      const b = base(el);
      expect(b.matches(':popover-open')).to.equal(true);
      expect(b.getAttribute('role')).to.equal('region');
      expect(b.getAttribute('aria-label')).to.equal('Minimized call');
      expect(q(el, '[part~=timer]')!.textContent).to.match(/^00:00:0\d$/);
      expect([...el.shadowRoot!.querySelectorAll('button')].map((x) => x.getAttribute('aria-label'))).to.deep.equal([
        `Return to the call: ${q(el, '[part~=timer]')!.textContent}`,
        'Microphone',
        'Hang up',
      ]);
      expect(q(el, '[part~=microphone]')!.getAttribute('aria-pressed')).to.equal('true');
      expect(q(el, 'video')).to.equal(null);
      await expect(el).to.be.accessible();
    });

    it('shows "Calling…" until the call connects', async () => {
      const store = new CallStore();
      store.dispatch({ type: 'login', userId: 'bob' });
      store.dispatch({
        type: 'call-start',
        role: CallRole.CALLER,
        callId: 'c',
        mediaType: CallMediaType.AUDIO,
        callerId: 'bob',
        members: [{ userId: 'alice' }],
      });
      store.dispatch({ type: 'minimized', minimized: true });
      const el = await fixture<FloatWindow>(html`<float-window .store=${store}></float-window>`);
      expect(q(el, '[part~=timer]')!.textContent).to.equal('Calling…');
    });

    it('video call: the remote video, restore by clicking it; axe finds nothing', async () => {
      const stream = canvasStream();
      const el = await fixture<FloatWindow>(html`<float-window .store=${minimizedCall(CallMediaType.VIDEO, stream)}></float-window>`);
      const video = q<HTMLVideoElement>(el, 'video')!;
      expect(video.srcObject).to.equal(stream);
      expect(video.muted).to.equal(true);
      expect(q(el, '[part~=name]')!.textContent).to.equal('Alice');
      expect(el.matches(':state(video)')).to.equal(true);
      await expect(el).to.be.accessible();
      // Re-renders (the clock ticks) never set srcObject again: that restarts the player (a black frame).
      let sets = 0;
      const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject')!;
      Object.defineProperty(video, 'srcObject', {
        configurable: true,
        get: () => srcObject.get!.call(video) as MediaProvider | null,
        set: (value: MediaProvider | null) => {
          sets++;
          srcObject.set!.call(video, value);
        },
      });
      for (let i = 0; i < 3; i++) {
        el.requestUpdate();
        await el.updateComplete;
      }
      expect(sets, 'srcObject not set again').to.equal(0);
      expect(q(el, 'video') === video).to.equal(true);
      for (const t of stream.getTracks()) t.stop();
    });

    it('stays inside the viewport, near the top end corner', async () => {
      const el = await fixture<FloatWindow>(html`<float-window .store=${minimizedCall()}></float-window>`);
      const r = base(el).getBoundingClientRect();
      expect(r.top).to.equal(16);
      expect(Math.round(innerWidth - r.right)).to.equal(16);
    });
  });

  describe('events', () => {
    it('restore, microphone and hang-up dispatch requests', async () => {
      const el = await fixture<FloatWindow>(html`<float-window .store=${minimizedCall()}></float-window>`);
      setTimeout(() => q<HTMLButtonElement>(el, '.restore')!.click());
      const restore = await oneEvent(el, 'ck-minimize-request');
      expect(restore).to.be.instanceOf(MinimizeRequestEvent);
      expect(restore.detail).to.deep.equal({ minimized: false });
      expect(restore.bubbles && restore.composed && restore.cancelable).to.equal(true);
      setTimeout(() => q<HTMLButtonElement>(el, '[part~=microphone]')!.click());
      const mic = await oneEvent(el, 'ck-microphone-request');
      expect(mic).to.be.instanceOf(MicrophoneRequestEvent);
      expect(mic.detail).to.deep.equal({ enabled: false });
      setTimeout(() => q<HTMLButtonElement>(el, '[part~=hangup]')!.click());
      expect(await oneEvent(el, 'ck-hangup-request')).to.be.instanceOf(HangupRequestEvent);
    });

    it('outside <call-kit>, call-kit="id" sends requests to that <call-kit>, which acts on them', async () => {
      const kit = new CallKit();
      const engine = new SimulatedEngine();
      await kit.init({ SDKAppID: 1, userID: 'bob', userSig: 'x', engine });
      const root = await fixture<HTMLDivElement>(html`<div>
        <call-kit id="ck-float" .kit=${kit}></call-kit>
        <float-window call-kit="ck-float"></float-window>
      </div>`);
      const el = root.querySelector('float-window')!;
      const ck = root.querySelector<CallKitElement>('call-kit')!;
      await kit.calls({ userIDList: ['alice'], type: CallMediaType.AUDIO });
      engine.remoteAccept('alice');
      kit.setMinimized(true);
      await el.updateComplete;
      await ck.updateComplete;
      expect(ck.matches(':state(minimized)')).to.equal(true);
      expect(ck.shadowRoot!.querySelector('call-view')!.hidden).to.equal(true);
      q<HTMLButtonElement>(el, '.restore')!.click();
      await waitUntil(() => kit.store.getState().minimized === false, 'restored');
      await ck.updateComplete;
      expect(ck.shadowRoot!.querySelector('call-view')!.hidden).to.equal(false);
      expect(ck.shadowRoot!.querySelector('float-window')).to.equal(null);
      await kit.dispose();
    });
  });

  describe('moving', () => {
    it('moves with the arrow keys on the restore button, and never leaves the viewport', async () => {
      const el = await fixture<FloatWindow>(html`<float-window picture-in-picture="off" .store=${minimizedCall()}></float-window>`);
      el.position = { x: 100, y: 100 };
      await el.updateComplete;
      q<HTMLButtonElement>(el, '.restore')!.focus();
      await sendKeys({ press: 'ArrowDown' });
      await sendKeys({ press: 'ArrowRight' });
      await el.updateComplete;
      expect(el.position).to.deep.equal({ x: 110, y: 110 });
      await sendKeys({ press: 'Shift+ArrowLeft' });
      await el.updateComplete;
      expect(el.position).to.deep.equal({ x: 60, y: 110 });
      await sendKeys({ press: 'Home' });
      await el.updateComplete;
      expect(el.position!.x).to.equal(8);
      for (let i = 0; i < 4; i++) await sendKeys({ press: 'Shift+ArrowUp' });
      await el.updateComplete;
      expect(el.position!.y).to.equal(8);
      await sendKeys({ press: 'End' });
      await el.updateComplete;
      const r = base(el).getBoundingClientRect();
      expect(Math.round(r.right)).to.equal(innerWidth - 8);
    });

    it('drags with the pointer without restoring, and a plain click still restores', async () => {
      const el = await fixture<FloatWindow>(html`<float-window picture-in-picture="off" .store=${minimizedCall()}></float-window>`);
      el.position = { x: 200, y: 200 };
      await el.updateComplete;
      let restores = 0;
      el.addEventListener('ck-minimize-request', () => restores++);
      const r = q(el, '.restore')!.getBoundingClientRect();
      const x = Math.round(r.left + r.width / 2);
      const y = Math.round(r.top + r.height / 2);
      await sendMouse({ type: 'move', position: [x, y] });
      await sendMouse({ type: 'down' });
      await sendMouse({ type: 'move', position: [x - 60, y + 40] });
      await sendMouse({ type: 'move', position: [x - 100, y + 80] });
      await sendMouse({ type: 'up' });
      await el.updateComplete;
      expect(el.position).to.deep.equal({ x: 100, y: 280 });
      expect(restores).to.equal(0);
      const r2 = q(el, '.restore')!.getBoundingClientRect();
      await sendMouse({ type: 'click', position: [Math.round(r2.left + r2.width / 2), Math.round(r2.top + r2.height / 2)] });
      await waitUntil(() => restores === 1, 'a click restores');
      await sendMouse({ type: 'move', position: [0, 0] });
    });
  });

  // After the clicks of the tests above the page may still have user activation: these check the
  // in-page window, so they keep it there.
  describe('i18n and RTL', () => {
    it('zh-cn labels', async () => {
      const store = minimizedCall();
      store.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
      const el = await fixture<FloatWindow>(html`<float-window picture-in-picture="off" .store=${store}></float-window>`);
      expect(base(el).getAttribute('aria-label')).to.equal('通话已最小化');
      expect(q(el, '[part~=hangup]')!.getAttribute('aria-label')).to.equal('挂断');
      expect(base(el).getAttribute('lang')).to.equal('zh-CN');
    });

    it('RTL: starts at the top start (left) corner', async () => {
      const { registerLocale } = await import('../../src/i18n/index.js');
      registerLocale('ar', {});
      const store = minimizedCall();
      store.dispatch({ type: 'settings', settings: { language: 'ar' } });
      const el = await fixture<FloatWindow>(html`<float-window picture-in-picture="off" .store=${store}></float-window>`);
      expect(base(el).getAttribute('dir')).to.equal('rtl');
      expect(base(el).getBoundingClientRect().left).to.equal(16);
      await expect(el).to.be.accessible();
    });
  });
  describe('Document Picture-in-Picture', () => {
    type Api = { requestWindow(options?: { width?: number; height?: number }): Promise<Window> };
    let frame: HTMLIFrameElement;
    let requests: { width?: number; height?: number }[];
    /** A fake API whose "window" is a same-origin iframe: a real second document. */
    function install(refuse = false) {
      requests = [];
      frame = document.createElement('iframe');
      document.body.append(frame);
      const fake: Api = {
        requestWindow: async (options = {}) => {
          requests.push(options);
          if (refuse) throw new DOMException('no activation', 'NotAllowedError');
          return frame.contentWindow!;
        },
      };
      // Shadows the browser's own API (a getter on Window.prototype, where it exists).
      Object.defineProperty(window, 'documentPictureInPicture', { value: fake, configurable: true, writable: true });
    }
    // The browser's own API, where it exists (an own accessor of window in Chromium), put back after each test.
    const own = Object.getOwnPropertyDescriptor(window, 'documentPictureInPicture');
    afterEach(() => {
      Reflect.deleteProperty(window, 'documentPictureInPicture');
      if (own) Object.defineProperty(window, 'documentPictureInPicture', own);
      frame?.remove();
    });
    /** A real click: gives the page the user activation the API needs. */
    async function activate() {
      const button = document.createElement('button');
      button.textContent = 'activate';
      document.body.append(button);
      const r = button.getBoundingClientRect();
      await sendMouse({ type: 'click', position: [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)] });
      button.remove();
    }
    const pipHost = () => frame.contentDocument!.querySelector<HTMLElement>('.ck-float-window-pip');
    const pipPart = (name: string) => pipHost()?.shadowRoot?.querySelector<HTMLElement>(`[part~=${name}]`) ?? null;

    it('moves into the Picture-in-Picture window after a user gesture; its buttons still send requests; restore closes it', async () => {
      install();
      const store = minimizedCall();
      store.dispatch({ type: 'minimized', minimized: false });
      const el = await fixture<FloatWindow>(html`<float-window .store=${store}></float-window>`);
      await activate();
      store.dispatch({ type: 'minimized', minimized: true });
      await waitUntil(() => pipPart('base') !== null, 'rendered in the Picture-in-Picture document', { timeout: 5000 });
      expect(requests).to.have.length(1);
      expect(requests[0]!.width).to.be.above(0);
      expect(el.pipWindow).to.equal(frame.contentWindow);
      expect(el.matches(':state(picture-in-picture)')).to.equal(true);
      expect(q(el, '[part~=base]'), 'not in the page at the same time').to.equal(null);
      expect(pipPart('base')!.classList.contains('pip')).to.equal(true);
      expect(pipPart('base')!.hasAttribute('popover')).to.equal(false);
      // Styled in that document (its own constructed sheet): the hang-up button is red.
      expect(getComputedStyle(pipPart('hangup')!).backgroundColor).to.not.equal('rgba(0, 0, 0, 0)');
      expect(pipPart('timer')!.textContent).to.match(/^\d\d:\d\d:\d\d$/);
      const mic = oneEvent(el, 'ck-microphone-request');
      pipPart('microphone')!.click();
      expect((await mic).detail).to.deep.equal({ enabled: false });
      store.dispatch({ type: 'minimized', minimized: false });
      await el.updateComplete;
      expect(pipHost(), 'removed from the Picture-in-Picture document').to.equal(null);
      expect(el.pipWindow).to.equal(null);
      expect(el.matches(':state(picture-in-picture)')).to.equal(false);
    });

    it("with the browser's own API: a real always-on-top window, closed on restore", async function () {
      if (!('documentPictureInPicture' in window)) this.skip(); // Chromium 116+ only.
      const store = minimizedCall();
      store.dispatch({ type: 'minimized', minimized: false });
      const el = await fixture<FloatWindow>(html`<float-window .store=${store}></float-window>`);
      await activate();
      store.dispatch({ type: 'minimized', minimized: true });
      await waitUntil(() => el.pipWindow !== null, 'the Picture-in-Picture window opened', { timeout: 5000 });
      const win = el.pipWindow!;
      expect(win).to.not.equal(window);
      const host = win.document.querySelector<HTMLElement>('.ck-float-window-pip')!;
      const hangup = host.shadowRoot!.querySelector<HTMLElement>('[part~=hangup]')!;
      expect(hangup.getAttribute('aria-label')).to.equal('Hang up');
      expect(win.getComputedStyle(hangup).backgroundColor, 'styled in that window').to.not.equal('rgba(0, 0, 0, 0)');
      store.dispatch({ type: 'minimized', minimized: false });
      await el.updateComplete;
      await waitUntil(() => win.closed, 'closed on restore', { timeout: 5000 });
    });

    it('closing the Picture-in-Picture window asks to restore the call, and falls back to the page', async () => {
      install();
      const store = minimizedCall();
      store.dispatch({ type: 'minimized', minimized: false });
      const el = await fixture<FloatWindow>(html`<float-window .store=${store}></float-window>`);
      await activate();
      store.dispatch({ type: 'minimized', minimized: true });
      await waitUntil(() => pipPart('base') !== null, 'in the Picture-in-Picture window', { timeout: 5000 });
      const restore = oneEvent(el, 'ck-minimize-request');
      frame.contentWindow!.dispatchEvent(new Event('pagehide'));
      expect((await restore).detail).to.deep.equal({ minimized: false });
      await el.updateComplete;
      expect(q(el, '[part~=base]'), 'the in-page window while still minimized').to.not.equal(null);
      expect(requests, 'not reopened').to.have.length(1);
    });

    it('stays in the page without a user gesture, when refused, or with picture-in-picture="off"', async () => {
      install();
      const store = minimizedCall();
      const el = await fixture<FloatWindow>(html`<float-window .store=${store}></float-window>`);
      await el.updateComplete;
      if (!(navigator as Navigator & { userActivation?: { isActive: boolean } }).userActivation?.isActive) {
        expect(requests, 'no activation: not requested').to.have.length(0);
      }
      el.remove();
      frame.remove();

      install(true);
      const refused = minimizedCall();
      refused.dispatch({ type: 'minimized', minimized: false });
      const el2 = await fixture<FloatWindow>(html`<float-window .store=${refused}></float-window>`);
      await activate();
      refused.dispatch({ type: 'minimized', minimized: true });
      await waitUntil(() => requests.length === 1, 'requested', { timeout: 5000 });
      await el2.updateComplete;
      expect(q(el2, '[part~=base]'), 'refused: the in-page window').to.not.equal(null);
      expect(el2.pipWindow).to.equal(null);
      el2.remove();
      frame.remove();

      install();
      const off = minimizedCall();
      off.dispatch({ type: 'minimized', minimized: false });
      const el3 = await fixture<FloatWindow>(html`<float-window picture-in-picture="off" .store=${off}></float-window>`);
      await activate();
      off.dispatch({ type: 'minimized', minimized: true });
      await el3.updateComplete;
      expect(q(el3, '[part~=base]')).to.not.equal(null);
      expect(requests).to.have.length(0);
    });
  });

  describe('theme', () => {
    const DARK = 'rgb(31, 35, 41)';
    const LIGHT = 'rgb(255, 255, 255)';
    // In the page (an earlier test's user activation would let it move into a real Picture-in-Picture window).
    const own = Object.getOwnPropertyDescriptor(window, 'documentPictureInPicture');
    before(() => Object.defineProperty(window, 'documentPictureInPicture', { value: undefined, configurable: true, writable: true }));
    after(() => {
      Reflect.deleteProperty(window, 'documentPictureInPicture');
      if (own) Object.defineProperty(window, 'documentPictureInPicture', own);
    });

    it('dark without a chosen theme (also on a light system); follows <call-kit theme> and its own theme', () =>
      onLightSystem(async () => {
        const plain = await fixture<FloatWindow>(html`<float-window .store=${minimizedCall()}></float-window>`);
        expect(background(plain), 'dark by default, like a system picture-in-picture window').to.equal(DARK);
        plain.theme = 'light';
        await plain.updateComplete;
        expect(background(plain)).to.equal(LIGHT);
        plain.remove();
        // Inside <call-kit theme="dark"> (where the kit shows it when minimized).
        const kit = new CallKit();
        const engine = new SimulatedEngine();
        await kit.init({ SDKAppID: 1, userID: 'bob', userSig: 'x', engine });
        const host = await fixture<CallKitElement>(html`<call-kit theme="light" .kit=${kit} allowed-minimized></call-kit>`);
        await kit.calls({ userIDList: ['alice'], type: CallMediaType.AUDIO });
        engine.remoteAccept('alice');
        kit.setMinimized(true);
        await waitUntil(
          () => host.shadowRoot!.querySelector('float-window')?.shadowRoot?.querySelector('[part~=base]'),
          'float window shown',
        );
        const inKit = host.shadowRoot!.querySelector<FloatWindow>('float-window')!;
        expect(background(inKit), '<call-kit theme="light">').to.equal(LIGHT);
        host.theme = 'dark';
        await host.updateComplete;
        expect(background(inKit), '<call-kit theme="dark">').to.equal(DARK);
        await expect(inKit).to.be.accessible();
        await kit.hangup();
        await kit.dispose();
      }));
  });

  describe('updates', () => {
    it('opening, moving and resizing never schedule an update after an update (lit dev-mode warning)', async () => {
      // Lit warns once per tag: a fresh tag, so an earlier test cannot have used up the warning.
      const tag = `float-window-updates-${Math.random().toString(36).slice(2)}`;
      customElements.define(tag, class extends FloatWindow {});
      const warnings: string[] = [];
      const warn = console.warn;
      console.warn = (...args: unknown[]) => {
        warnings.push(args.map(String).join(' '));
        warn.apply(console, args);
      };
      try {
        const store = minimizedCall();
        const el = document.createElement(tag) as FloatWindow;
        el.store = store;
        el.pictureInPicture = 'off';
        document.body.append(el);
        await waitUntil(() => el.shadowRoot?.querySelector('[part~=base]'), 'shown');
        await el.updateComplete;
        el.position = { x: 100, y: 100 };
        await el.updateComplete;
        q(el, '[part~=restore]')!.focus();
        await sendKeys({ press: 'ArrowDown' });
        store.dispatch({ type: 'self-media', audio: false });
        await el.updateComplete;
        dispatchEvent(new Event('resize'));
        store.dispatch({ type: 'minimized', minimized: false });
        await el.updateComplete;
        store.dispatch({ type: 'minimized', minimized: true });
        await el.updateComplete;
        for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
        expect(el.position).to.deep.equal({ x: 100, y: 110 });
        el.remove();
      } finally {
        console.warn = warn;
      }
      expect(warnings.filter((w) => /change-in-update|after an update completed/.test(w))).to.deep.equal([]);
    });

    it('an update that lands after the element left the page neither throws nor starts the clock again', async () => {
      const store = minimizedCall();
      const el = await fixture<FloatWindow>(html`<float-window picture-in-picture="off" .store=${store}></float-window>`);
      const ticks: number[] = [];
      const requestUpdate = el.requestUpdate.bind(el);
      el.requestUpdate = (...args: Parameters<FloatWindow['requestUpdate']>) => {
        if (!el.isConnected) ticks.push(Date.now());
        requestUpdate(...args);
      };
      store.dispatch({ type: 'self-media', audio: false });
      el.remove();
      // The update scheduled before the removal still runs: no popover on a detached element
      // (Firefox throws InvalidStateError), no interval left behind.
      await el.updateComplete;
      await new Promise((r) => setTimeout(r, 1500));
      expect(ticks, 'no clock tick after removal').to.deep.equal([]);
    });
  });
});
