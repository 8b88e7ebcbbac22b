import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { LitElement } from 'lit';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define-all.js';
import type { FeatureButtons } from '../../components/feature-buttons/feature-buttons.js';
import type { SpeakerOutputMenu } from '../../components/speaker-output-menu/speaker-output-menu.js';
import { CallMediaType, CallRole, FeatureButton } from '../../src/constants.js';
import {
  AcceptRequestEvent,
  BlurRequestEvent,
  CameraRequestEvent,
  DeviceRequestEvent,
  FullScreenRequestEvent,
  HangupRequestEvent,
  InviteRequestEvent,
  MicrophoneRequestEvent,
  MinimizeRequestEvent,
  NoiseSuppressionRequestEvent,
  RejectRequestEvent,
  SpeakerRequestEvent,
  SwitchCameraRequestEvent,
} from '../../src/events/requests.js';
import { registerLocale, loadLocale } from '../../src/i18n/index.js';
import { registerIcons } from '../../src/icon-registry.js';
import { storeContext } from '../../src/elements/context.js';
import { CallStore } from '../../src/store/store.js';
import type { ReadonlyStore } from '../../src/store/types.js';
import type { DeviceInfo } from '../../src/engine/types.js';

// The kit loads zh-cn and ja_JP on first use (src/i18n/index.ts); these tests read them at once.
await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);

type Media = (typeof CallMediaType)['AUDIO' | 'VIDEO'];

function ringing(store: CallStore, mediaType: Media = CallMediaType.VIDEO): void {
  store.dispatch({ type: 'login', userId: 'bob', name: 'Bob' });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLEE,
    callId: 'call-1',
    mediaType,
    callerId: 'alice',
    members: [{ userId: 'alice', name: 'Alice', status: 'accepted' }],
  });
}

function dialing(store: CallStore, mediaType: Media = CallMediaType.VIDEO): void {
  store.dispatch({ type: 'login', userId: 'alice', name: 'Alice' });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLER,
    callId: 'call-1',
    mediaType,
    callerId: 'alice',
    members: [{ userId: 'bob', name: 'Bob' }],
  });
}

function connected(store: CallStore, mediaType: Media = CallMediaType.VIDEO): void {
  dialing(store, mediaType);
  store.dispatch({ type: 'member-upsert', userId: 'bob', status: 'accepted' });
  store.dispatch({ type: 'call-connected' });
}

function buttons(el: FeatureButtons): HTMLButtonElement[] {
  return [...el.shadowRoot!.querySelectorAll('button')];
}

function button(el: FeatureButtons, name: string): HTMLButtonElement {
  const found = el.shadowRoot!.querySelector<HTMLButtonElement>(`button.${name}`);
  if (!found) throw new Error(`no ${name} button`);
  return found;
}

function labels(el: FeatureButtons): (string | null)[] {
  return buttons(el).map((b) => b.getAttribute('aria-label'));
}

/** Chromium's list: the pseudo-devices, a named speaker and one without a label (no permission yet). */
const SPEAKERS: DeviceInfo[] = [
  { deviceId: 'default', label: 'Default - Headset', kind: 'speaker' },
  { deviceId: 'communications', label: 'Communications - Headset', kind: 'speaker' },
  { deviceId: 'spk-headset', label: 'Headset', kind: 'speaker' },
  { deviceId: 'spk-hdmi', label: '', kind: 'speaker' },
];
const MICROPHONE: DeviceInfo = { deviceId: 'mic-1', label: 'Microphone', kind: 'microphone' };

function withSpeakers(store: CallStore, speakers: DeviceInfo[] = SPEAKERS): void {
  store.dispatch({ type: 'devices', devices: [MICROPHONE, ...speakers] });
}

/** The `<speaker-output-menu>` on the speaker button (the chevron and the list of outputs live in it). */
function speakerMenu(el: FeatureButtons): SpeakerOutputMenu | null {
  return el.shadowRoot!.querySelector<SpeakerOutputMenu>('speaker-output-menu');
}

function chevron(el: FeatureButtons): HTMLButtonElement | null {
  return speakerMenu(el)?.shadowRoot?.querySelector<HTMLButtonElement>('button.speaker-output') ?? null;
}

function outputMenu(el: FeatureButtons): HTMLElement | null {
  return speakerMenu(el)?.shadowRoot?.querySelector<HTMLElement>('[part~=speaker-menu]') ?? null;
}

function outputOptions(el: FeatureButtons): HTMLButtonElement[] {
  return [...(speakerMenu(el)?.shadowRoot?.querySelectorAll<HTMLButtonElement>('[part~=speaker-option]') ?? [])];
}

/** The focused element inside the speaker menu (the chevron or an entry), or inside the buttons. */
function focused(el: FeatureButtons): Element | null {
  const active = el.shadowRoot!.activeElement;
  return active?.localName === 'speaker-output-menu' ? active.shadowRoot!.activeElement : active;
}

/** A connected call with speakers, its buttons rendered and the list of outputs opened. */
async function openOutputs(): Promise<{ store: CallStore; el: FeatureButtons }> {
  const store = new CallStore();
  connected(store);
  withSpeakers(store);
  const el = await render(store);
  await waitUntil(() => chevron(el), 'the chevron rendered');
  chevron(el)!.click();
  await speakerMenu(el)!.updateComplete;
  return { store, el };
}

function isOpen(menu: HTMLElement | null): boolean {
  return menu !== null && menu.matches(':popover-open');
}

/** Removes prototype members (WebIDL operations are configurable) for the length of `body`. */
async function without(proto: object, names: string[], body: () => Promise<void>): Promise<void> {
  const saved = names.map((name) => [name, Object.getOwnPropertyDescriptor(proto, name)] as const);
  for (const [name, descriptor] of saved) {
    expect(descriptor?.configurable, `${name} is configurable`).to.equal(true);
    delete (proto as Record<string, unknown>)[name];
  }
  try {
    await body();
  } finally {
    for (const [name, descriptor] of saved) Object.defineProperty(proto, name, descriptor!);
  }
}

async function render(store: ReadonlyStore | undefined): Promise<FeatureButtons> {
  return fixture<FeatureButtons>(html`<feature-buttons .store=${store}></feature-buttons>`);
}

class TestStoreProvider extends LitElement {
  store: ReadonlyStore | undefined;
  readonly provider = new ContextProvider(this, { context: storeContext, initialValue: undefined });
  override willUpdate() {
    this.provider.setValue(this.store);
  }
  override render() {
    return html`<slot></slot>`;
  }
}
customElements.define('test-store-provider', TestStoreProvider);

describe('<feature-buttons>', () => {
  describe('rendering', () => {
    it('renders nothing without a store or while idle', async () => {
      const bare = await render(undefined);
      expect(buttons(bare)).to.have.length(0);
      const idle = await render(new CallStore());
      expect(buttons(idle)).to.have.length(0);
      expect(idle.shadowRoot!.querySelector('[part~=base]')).to.equal(null);
      await expect(idle).to.be.accessible();
    });

    it('ringing video call: decline, accept as voice call, accept', async () => {
      const store = new CallStore();
      ringing(store);
      const el = await render(store);
      expect(labels(el)).to.deep.equal(['Decline', 'Accept as voice call', 'Accept']);
      expect(el.matches(':state(ringing)')).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('ringing voice call: decline, accept', async () => {
      const store = new CallStore();
      ringing(store, CallMediaType.AUDIO);
      const el = await render(store);
      expect(labels(el)).to.deep.equal(['Decline', 'Accept']);
      await expect(el).to.be.accessible();
    });

    it('dialing: microphone, camera (video only), hang up', async () => {
      const store = new CallStore();
      dialing(store);
      const el = await render(store);
      expect(labels(el)).to.deep.equal(['Microphone', 'Camera', 'Hang up']);
      expect(el.matches(':state(dialing)')).to.equal(true);
      await expect(el).to.be.accessible();

      const audioStore = new CallStore();
      dialing(audioStore, CallMediaType.AUDIO);
      const audio = await render(audioStore);
      expect(labels(audio)).to.deep.equal(['Microphone', 'Hang up']);
    });

    it('connected: toggles show the device state with aria-pressed', async () => {
      const store = new CallStore();
      connected(store);
      const el = await render(store);
      expect(labels(el)).to.deep.equal(['Microphone', 'Camera', 'Speaker', 'Hang up']);
      expect(el.matches(':state(connected)')).to.equal(true);
      expect(button(el, 'microphone').getAttribute('aria-pressed')).to.equal('false');
      expect(button(el, 'camera').getAttribute('aria-pressed')).to.equal('false');
      expect(button(el, 'hangup').hasAttribute('aria-pressed')).to.equal(false);
      store.dispatch({ type: 'self-media', audio: true, video: true });
      await el.updateComplete;
      expect(button(el, 'microphone').getAttribute('aria-pressed')).to.equal('true');
      expect(button(el, 'camera').getAttribute('aria-pressed')).to.equal('true');
      expect(button(el, 'microphone').title).to.equal('Microphone is on');
      await expect(el).to.be.accessible();
    });

    it('hides the buttons in settings.hiddenButtons', async () => {
      const store = new CallStore({ hiddenButtons: [FeatureButton.Camera] });
      connected(store);
      const el = await render(store);
      expect(labels(el)).to.deep.equal(['Microphone', 'Speaker', 'Hang up']);
      store.dispatch({ type: 'settings', settings: { hiddenButtons: [FeatureButton.Camera, FeatureButton.Microphone] } });
      await el.updateComplete;
      expect(labels(el)).to.deep.equal(['Speaker', 'Hang up']);
    });

    it('lets hosts replace icons through named slots', async () => {
      const store = new CallStore();
      connected(store);
      const el = await fixture<FeatureButtons>(html`<feature-buttons .store=${store}><b slot="icon-hangup">X</b></feature-buttons>`);
      const slot = el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name=icon-hangup]')!;
      expect(slot.assignedElements()[0]?.textContent).to.equal('X');
      expect(el.shadowRoot!.querySelector('slot[name=icon-microphone-off]')).to.not.equal(null);
    });

    it('lets apps replace icons everywhere through the registry, also inside <call-view>; null restores them', async () => {
      const store = new CallStore();
      connected(store);
      const view = await fixture<HTMLElement>(html`<call-view .store=${store} style="width: 640px; height: 480px"></call-view>`);
      const inner = () => view.shadowRoot!.querySelector<FeatureButtons>('feature-buttons')!;
      await inner().updateComplete;
      const hangupIcon = () => inner().shadowRoot!.querySelector('slot[name=icon-hangup] svg');
      expect(hangupIcon()!.getAttribute('data-mine')).to.equal(null);
      registerIcons({ hangup: html`<svg data-mine="yes" viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="9" /></svg>` });
      try {
        await inner().updateComplete;
        expect(hangupIcon()!.getAttribute('data-mine'), 're-rendered with the registered icon').to.equal('yes');
        expect(
          inner().shadowRoot!.querySelector('slot[name^=icon-microphone] svg')!.getAttribute('data-mine'),
          'others untouched',
        ).to.equal(null);
        await expect(view).to.be.accessible();
      } finally {
        registerIcons({ hangup: null });
      }
      await inner().updateComplete;
      expect(hangupIcon()!.getAttribute('data-mine')).to.equal(null);
    });
  });

  describe('events', () => {
    it('microphone and camera request the opposite of their state', async () => {
      const store = new CallStore();
      connected(store);
      const wrapper = await fixture<HTMLDivElement>(html`<div><feature-buttons .store=${store}></feature-buttons></div>`);
      const el = wrapper.querySelector('feature-buttons')!;
      await el.updateComplete;

      setTimeout(() => button(el, 'microphone').click());
      const mic = await oneEvent(wrapper, MicrophoneRequestEvent.eventName);
      expect(mic).to.be.instanceOf(MicrophoneRequestEvent);
      expect(mic.detail).to.deep.equal({ enabled: true });
      expect(mic.bubbles && mic.composed && mic.cancelable).to.equal(true);

      store.dispatch({ type: 'self-media', audio: true, video: true });
      await el.updateComplete;
      setTimeout(() => button(el, 'microphone').click());
      expect((await oneEvent(wrapper, MicrophoneRequestEvent.eventName)).detail).to.deep.equal({ enabled: false });
      setTimeout(() => button(el, 'camera').click());
      const cam = await oneEvent(wrapper, CameraRequestEvent.eventName);
      expect(cam).to.be.instanceOf(CameraRequestEvent);
      expect(cam.detail).to.deep.equal({ enabled: false });
    });

    it('hang up', async () => {
      const store = new CallStore();
      dialing(store);
      const el = await render(store);
      setTimeout(() => button(el, 'hangup').click());
      const event = await oneEvent(document, HangupRequestEvent.eventName);
      expect(event).to.be.instanceOf(HangupRequestEvent);
    });

    it('accept, accept as voice call and decline carry the call id', async () => {
      const store = new CallStore();
      ringing(store);
      const el = await render(store);
      setTimeout(() => button(el, 'accept').click());
      const accept = await oneEvent(document, AcceptRequestEvent.eventName);
      expect(accept.detail).to.deep.equal({ audioOnly: false, callId: 'call-1' });
      setTimeout(() => button(el, 'accept-audio').click());
      expect((await oneEvent(document, AcceptRequestEvent.eventName)).detail).to.deep.equal({ audioOnly: true, callId: 'call-1' });
      setTimeout(() => button(el, 'reject').click());
      const reject = await oneEvent(document, RejectRequestEvent.eventName);
      expect(reject).to.be.instanceOf(RejectRequestEvent);
      expect(reject.detail).to.deep.equal({ callId: 'call-1' });
    });

    it('works from the keyboard (Enter and Space)', async () => {
      const store = new CallStore();
      ringing(store);
      const el = await render(store);
      const seen: string[] = [];
      el.addEventListener(AcceptRequestEvent.eventName, (e) => seen.push(e.detail.audioOnly ? 'accept-audio' : 'accept'));
      el.addEventListener(RejectRequestEvent.eventName, () => seen.push('reject'));
      button(el, 'accept').focus();
      await sendKeys({ press: 'Enter' });
      button(el, 'reject').focus();
      await sendKeys({ press: 'Space' });
      // Tab order follows the visual order.
      button(el, 'reject').focus();
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement).to.equal(button(el, 'accept-audio'));
      await sendKeys({ press: 'Enter' });
      expect(seen).to.deep.equal(['accept', 'reject', 'accept-audio']);
    });
  });

  describe('store resolution', () => {
    it('finds the store through call-kit="id"', async () => {
      const store = new CallStore();
      dialing(store);
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <div id="my-kit"></div>
        <feature-buttons call-kit="my-kit"></feature-buttons>
      </div>`);
      Object.assign(wrapper.querySelector('#my-kit')!, { store });
      const el = wrapper.querySelector('feature-buttons')!;
      // The target had no store when the element connected: setting the attribute again resolves it.
      el.callKit = undefined;
      await el.updateComplete;
      el.callKit = 'my-kit';
      await el.updateComplete;
      expect(labels(el)).to.deep.equal(['Microphone', 'Camera', 'Hang up']);
    });

    it('waits for an undefined call-kit element to upgrade', async () => {
      const store = new CallStore();
      dialing(store);
      const tag = 'test-late-kit';
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <test-late-kit id="late-kit"></test-late-kit>
        <feature-buttons call-kit="late-kit"></feature-buttons>
      </div>`);
      const el = wrapper.querySelector('feature-buttons')!;
      expect(buttons(el)).to.have.length(0);
      customElements.define(
        tag,
        class extends HTMLElement {
          readonly store = store;
        },
      );
      await new Promise((r) => setTimeout(r));
      await el.updateComplete;
      expect(labels(el)).to.deep.equal(['Microphone', 'Camera', 'Hang up']);
    });

    it('takes the store from the context of an enclosing provider, and follows it', async () => {
      const store = new CallStore();
      connected(store);
      const provider = await fixture<TestStoreProvider>(
        html`<test-store-provider .store=${store}><feature-buttons></feature-buttons></test-store-provider>`,
      );
      const el = provider.querySelector('feature-buttons')!;
      await el.updateComplete;
      expect(labels(el)).to.deep.equal(['Microphone', 'Camera', 'Speaker', 'Hang up']);
      const other = new CallStore();
      ringing(other, CallMediaType.AUDIO);
      provider.store = other;
      provider.requestUpdate();
      await provider.updateComplete;
      await el.updateComplete;
      expect(labels(el)).to.deep.equal(['Decline', 'Accept']);
    });

    it('the store property wins over the context', async () => {
      const contextStore = new CallStore();
      connected(contextStore);
      const own = new CallStore();
      ringing(own, CallMediaType.AUDIO);
      const provider = await fixture<TestStoreProvider>(
        html`<test-store-provider .store=${contextStore}><feature-buttons .store=${own}></feature-buttons></test-store-provider>`,
      );
      const el = provider.querySelector('feature-buttons')!;
      await el.updateComplete;
      expect(labels(el)).to.deep.equal(['Decline', 'Accept']);
      el.store = undefined;
      await el.updateComplete;
      expect(labels(el)).to.deep.equal(['Microphone', 'Camera', 'Speaker', 'Hang up']);
    });

    it('unsubscribes from the store when removed', async () => {
      const store = new CallStore();
      connected(store);
      const before = store.listenerCount;
      const el = await render(store);
      expect(store.listenerCount).to.be.greaterThan(before);
      el.remove();
      expect(store.listenerCount).to.equal(before);
    });
  });

  describe('i18n and RTL', () => {
    it('switches language with the store setting', async () => {
      const store = new CallStore();
      connected(store);
      const el = await render(store);
      expect(labels(el)).to.deep.equal(['Microphone', 'Camera', 'Speaker', 'Hang up']);
      store.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
      await el.updateComplete;
      expect(labels(el)).to.deep.equal(['麦克风', '摄像头', '扬声器', '挂断']);
      expect(el.shadowRoot!.querySelector('[part~=base]')!.getAttribute('lang')).to.equal('zh-CN');
      store.dispatch({ type: 'settings', settings: { language: 'ja_JP' } });
      await el.updateComplete;
      expect(labels(el)).to.deep.equal(['マイク', 'カメラ', 'スピーカー', '通話終了']);
      await expect(el).to.be.accessible();
    });

    it('lays out right to left under dir="rtl"', async () => {
      const store = new CallStore();
      connected(store);
      const el = await fixture<FeatureButtons>(html`<feature-buttons dir="rtl" .store=${store}></feature-buttons>`);
      const [first, , last] = buttons(el);
      expect(getComputedStyle(el.shadowRoot!.querySelector('[part~=base]')!).direction).to.equal('rtl');
      expect(first!.getBoundingClientRect().left).to.be.greaterThan(last!.getBoundingClientRect().left);
      await expect(el).to.be.accessible();
    });

    it('sets dir="rtl" itself for a right-to-left language', async () => {
      registerLocale('ar', { hangup: 'إنهاء المكالمة', microphone: 'الميكروفون', camera: 'الكاميرا', 'call-controls': 'عناصر التحكم' });
      const store = new CallStore({ language: 'ar' });
      connected(store);
      const el = await render(store);
      const base = el.shadowRoot!.querySelector('[part~=base]')!;
      expect(base.getAttribute('dir')).to.equal('rtl');
      expect(labels(el)).to.deep.equal(['الميكروفون', 'الكاميرا', 'Speaker', 'إنهاء المكالمة']);
      const [first, , last] = buttons(el);
      expect(first!.getBoundingClientRect().left).to.be.greaterThan(last!.getBoundingClientRect().left);
    });
  });

  describe('call feature buttons', () => {
    it('speaker: a toggle that requests muting remote audio, then unmuting', async () => {
      const store = new CallStore();
      connected(store);
      const el = await render(store);
      const speaker = button(el, 'speaker');
      expect(speaker.getAttribute('aria-pressed')).to.equal('true');
      expect(speaker.title).to.equal('Speaker is on');
      setTimeout(() => speaker.click());
      const muted = await oneEvent(el, SpeakerRequestEvent.eventName);
      expect(muted).to.be.instanceOf(SpeakerRequestEvent);
      expect(muted.detail).to.deep.equal({ muted: true });
      store.dispatch({ type: 'speaker-muted', muted: true });
      await el.updateComplete;
      expect(button(el, 'speaker').getAttribute('aria-pressed')).to.equal('false');
      setTimeout(() => button(el, 'speaker').click());
      expect((await oneEvent(el, SpeakerRequestEvent.eventName)).detail).to.deep.equal({ muted: false });
      await expect(el).to.be.accessible();
    });

    it('switch camera only with the camera on and more than one camera; hidden by hideFeatureButton', async () => {
      const store = new CallStore();
      connected(store);
      store.dispatch({ type: 'self-media', audio: true, video: true });
      store.dispatch({ type: 'devices', devices: [{ deviceId: 'front', label: 'Front', kind: 'camera' }] });
      const el = await render(store);
      expect(labels(el)).to.not.include('Switch camera');
      store.dispatch({
        type: 'devices',
        devices: [
          { deviceId: 'front', label: 'Front', kind: 'camera' },
          { deviceId: 'back', label: 'Back', kind: 'camera' },
        ],
      });
      await el.updateComplete;
      expect(labels(el)).to.deep.equal(['Microphone', 'Camera', 'Speaker', 'Switch camera', 'Hang up']);
      setTimeout(() => button(el, 'switch-camera').click());
      expect(await oneEvent(el, SwitchCameraRequestEvent.eventName)).to.be.instanceOf(SwitchCameraRequestEvent);
      store.dispatch({ type: 'settings', settings: { hiddenButtons: [FeatureButton.SwitchCamera] } });
      await el.updateComplete;
      expect(labels(el)).to.not.include('Switch camera');
    });

    it('blur, invite, minimize and full screen follow the settings', async () => {
      const store = new CallStore();
      dialing(store);
      store.dispatch({ type: 'member-upsert', userId: 'carol', name: 'Carol' });
      store.dispatch({ type: 'settings', settings: { virtualBackground: true, floatWindow: true, allowedFullScreen: true } });
      const el = await render(store);
      expect(labels(el)).to.deep.equal(['Microphone', 'Camera', 'Blur background', 'Add people', 'Minimize', 'Full screen', 'Hang up']);
      const events: Event[] = [];
      for (const type of [
        BlurRequestEvent.eventName,
        InviteRequestEvent.eventName,
        MinimizeRequestEvent.eventName,
        FullScreenRequestEvent.eventName,
      ]) {
        el.addEventListener(type, (e) => {
          e.preventDefault();
          events.push(e);
        });
      }
      for (const name of ['blur', 'invite', 'minimize', 'full-screen']) button(el, name).click();
      expect(events.map((e) => e.type)).to.deep.equal([
        'ck-blur-request',
        'ck-invite-request',
        'ck-minimize-request',
        'ck-full-screen-request',
      ]);
      expect((events[0] as BlurRequestEvent).detail).to.deep.equal({ enabled: true });
      expect((events[2] as MinimizeRequestEvent).detail).to.deep.equal({ minimized: true });
      expect((events[3] as FullScreenRequestEvent).detail).to.deep.equal({ fullScreen: true });
      expect(button(el, 'blur').getAttribute('aria-pressed')).to.equal('false');
      store.dispatch({ type: 'settings', settings: { blurBackground: true, hiddenButtons: [FeatureButton.InviteUser] } });
      await el.updateComplete;
      expect(button(el, 'blur').getAttribute('aria-pressed')).to.equal('true');
      expect(labels(el)).to.not.include('Add people');
      await expect(el).to.be.accessible();
    });

    it('AI noise suppression: a named toggle where the engine has it; aria-pressed follows the switch', async () => {
      const store = new CallStore();
      dialing(store);
      const el = await render(store);
      expect(labels(el)).to.not.include('AI noise suppression');
      store.dispatch({ type: 'settings', settings: { aiNoiseSuppressionAvailable: true } });
      await el.updateComplete;
      expect(labels(el)).to.include('AI noise suppression');
      const toggle = button(el, 'noise-suppression');
      expect(toggle.tagName).to.equal('BUTTON');
      expect(toggle.getAttribute('aria-pressed')).to.equal('false');
      setTimeout(() => toggle.click());
      const on = await oneEvent(el, NoiseSuppressionRequestEvent.eventName);
      expect(on).to.be.instanceOf(NoiseSuppressionRequestEvent);
      expect((on as NoiseSuppressionRequestEvent).detail).to.deep.equal({ enabled: true });
      store.dispatch({ type: 'settings', settings: { aiNoiseSuppression: true } });
      await el.updateComplete;
      expect(button(el, 'noise-suppression').getAttribute('aria-pressed')).to.equal('true');
      setTimeout(() => button(el, 'noise-suppression').click());
      expect(((await oneEvent(el, NoiseSuppressionRequestEvent.eventName)) as NoiseSuppressionRequestEvent).detail).to.deep.equal({
        enabled: false,
      });
      store.dispatch({ type: 'settings', settings: { hiddenButtons: [FeatureButton.AINoiseSuppression] } });
      await el.updateComplete;
      expect(labels(el)).to.not.include('AI noise suppression');
      await expect(el).to.be.accessible();
    });

    it('an "off" toggle (blur background before it is on) is a circle that stands out from the stage of its theme', async () => {
      const store = new CallStore();
      connected(store);
      store.dispatch({ type: 'settings', settings: { virtualBackground: true } });
      const iconBg = (el: FeatureButtons) => getComputedStyle(button(el, 'blur').querySelector('.icon')!).backgroundColor;
      // Dark stage (call-view's #1f2329 in the dark theme, the Storybook canvas): a light circle.
      const dark = await fixture<FeatureButtons>(html`<feature-buttons theme="dark" .store=${store}></feature-buttons>`);
      expect(iconBg(dark)).to.equal('rgb(245, 246, 247)');
      expect(getComputedStyle(button(dark, 'blur').querySelector('.icon')!).borderRadius).to.equal('50%');
      // Light stage: a dark circle.
      const light = await fixture<FeatureButtons>(html`<feature-buttons theme="light" .store=${store}></feature-buttons>`);
      expect(iconBg(light)).to.equal('rgb(31, 35, 41)');
    });

    it('labels the new buttons in every language', async () => {
      const store = new CallStore({ language: 'ja_JP', allowedFullScreen: true });
      connected(store);
      const el = await render(store);
      expect(labels(el)).to.deep.equal(['マイク', 'カメラ', 'スピーカー', '全画面表示', '通話終了']);
    });
  });

  describe('speaker output', () => {
    it('no chevron while dialing, without speakers or without setSinkId; with speakers, one right after the speaker button', async () => {
      const store = new CallStore();
      dialing(store);
      withSpeakers(store);
      const el = await render(store);
      expect(chevron(el), 'not while dialing').to.equal(null);

      store.dispatch({ type: 'member-upsert', userId: 'bob', status: 'accepted' });
      store.dispatch({ type: 'call-connected' });
      store.dispatch({ type: 'devices', devices: [MICROPHONE, { deviceId: 'cam', label: 'Camera', kind: 'camera' }] });
      await el.updateComplete;
      expect(chevron(el), 'not without speakers').to.equal(null);
      expect(labels(el)).to.deep.equal(['Microphone', 'Camera', 'Speaker', 'Hang up']);

      withSpeakers(store);
      await el.updateComplete;
      const button = chevron(el)!;
      expect(button).to.not.equal(null);
      expect(button.type).to.equal('button');
      expect(button.getAttribute('part')).to.equal('button speaker-output');
      expect(button.getAttribute('aria-label')).to.equal('Choose speaker');
      expect(button.getAttribute('aria-haspopup')).to.equal('true');
      expect(button.getAttribute('aria-expanded')).to.equal('false');
      expect(button.getAttribute('aria-controls')).to.equal(outputMenu(el)!.id);
      expect(el.shadowRoot!.querySelector('slot[name=icon-speaker-output] svg')).to.not.equal(null);
      // The other buttons keep their parts and order; the chevron (its own element) follows the speaker toggle.
      expect(buttons(el).map((b) => b.getAttribute('part'))).to.deep.equal([
        'button microphone',
        'button camera',
        'button speaker',
        'button hangup',
      ]);
      expect(el.shadowRoot!.querySelector('button.speaker')!.nextElementSibling).to.equal(speakerMenu(el));
      expect(isOpen(outputMenu(el)), 'closed at first').to.equal(false);
      await expect(el).to.be.accessible();

      await without(HTMLMediaElement.prototype, ['setSinkId'], async () => {
        el.requestUpdate();
        await el.updateComplete;
        expect(chevron(el), 'not where the browser cannot route audio').to.equal(null);
      });
      el.requestUpdate();
      await el.updateComplete;
      expect(chevron(el)).to.not.equal(null);
    });

    it('opens the list: System default then each speaker, the current one pressed and focused; axe finds nothing', async () => {
      const { store, el } = await openOutputs();
      const menu = outputMenu(el)!;
      expect(isOpen(menu)).to.equal(true);
      expect(menu.getAttribute('popover')).to.equal('auto');
      expect(menu.getAttribute('role')).to.equal('group');
      expect(menu.getAttribute('aria-label')).to.equal('Audio output');
      expect(chevron(el)!.getAttribute('aria-expanded')).to.equal('true');
      // Chromium's "Default - Headset" names the device; pseudo-devices are not listed twice.
      expect(outputOptions(el).map((o) => o.textContent!.trim())).to.deep.equal(['System default (Headset)', 'Headset', 'Device 2']);
      expect(outputOptions(el).every((o) => o.type === 'button')).to.equal(true);
      expect(outputOptions(el).map((o) => o.getAttribute('aria-pressed'))).to.deep.equal(['true', 'false', 'false']);
      await waitUntil(() => focused(el) === outputOptions(el)[0], 'focus on the current output');
      await expect(el).to.be.accessible();
      chevron(el)!.click();
      await el.updateComplete;
      expect(isOpen(menu), 'the chevron closes it again').to.equal(false);
      expect(chevron(el)!.getAttribute('aria-expanded')).to.equal('false');

      store.dispatch({ type: 'settings', settings: { speakerDeviceId: 'spk-hdmi' } });
      await el.updateComplete;
      chevron(el)!.click();
      await el.updateComplete;
      expect(outputOptions(el).map((o) => o.getAttribute('aria-pressed'))).to.deep.equal(['false', 'false', 'true']);
      await waitUntil(() => focused(el) === outputOptions(el)[2], 'focus on the current output');
      store.dispatch({ type: 'settings', settings: { speakerDeviceId: 'default' } });
      await el.updateComplete;
      expect(
        outputOptions(el).map((o) => o.getAttribute('aria-pressed')),
        "'default' is the system default",
      ).to.deep.equal(['true', 'false', 'false']);

      // Without a name for the system's device, the plain entry.
      withSpeakers(store, [{ deviceId: 'spk-a', label: 'Speakers', kind: 'speaker' }]);
      await el.updateComplete;
      expect(outputOptions(el).map((o) => o.textContent!.trim())).to.deep.equal(['System default', 'Speakers']);
    });

    it('choosing an output requests it (bubbling, composed), closes the list and returns focus to the chevron', async () => {
      const store = new CallStore();
      connected(store);
      withSpeakers(store);
      const wrapper = await fixture<HTMLDivElement>(html`<div><feature-buttons .store=${store}></feature-buttons></div>`);
      const el = wrapper.querySelector('feature-buttons')!;
      await el.updateComplete;
      chevron(el)!.click();
      await el.updateComplete;
      setTimeout(() => outputOptions(el)[1]!.click());
      const request = await oneEvent(wrapper, DeviceRequestEvent.eventName);
      expect(request).to.be.instanceOf(DeviceRequestEvent);
      expect(request.detail).to.deep.equal({ kind: 'speaker', deviceId: 'spk-headset' });
      expect(request.bubbles && request.composed && request.cancelable).to.equal(true);
      await el.updateComplete;
      expect(isOpen(outputMenu(el))).to.equal(false);
      expect(chevron(el)!.getAttribute('aria-expanded')).to.equal('false');
      expect(focused(el)).to.equal(chevron(el));

      // System default requests 'default'.
      chevron(el)!.click();
      await el.updateComplete;
      setTimeout(() => outputOptions(el)[0]!.click());
      expect((await oneEvent(wrapper, DeviceRequestEvent.eventName)).detail).to.deep.equal({ kind: 'speaker', deviceId: 'default' });
    });

    it('from the keyboard: Enter opens, arrows, Home and End move, Enter chooses, Escape closes; focus returns', async () => {
      const store = new CallStore();
      connected(store);
      withSpeakers(store);
      store.dispatch({ type: 'settings', settings: { speakerDeviceId: 'spk-headset' } });
      const el = await render(store);
      const requests: unknown[] = [];
      el.addEventListener(DeviceRequestEvent.eventName, (e) => requests.push(e.detail));
      const active = () => focused(el);
      const [system, headset, hdmi] = [0, 1, 2];
      button(el, 'speaker').focus();
      await sendKeys({ press: 'Tab' });
      expect(active(), 'the chevron follows the speaker button in tab order').to.equal(chevron(el));
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => active() === outputOptions(el)[headset], 'focus on the current output');
      await sendKeys({ press: 'ArrowDown' });
      expect(active()).to.equal(outputOptions(el)[hdmi]);
      await sendKeys({ press: 'ArrowDown' });
      expect(active(), 'wraps around').to.equal(outputOptions(el)[system]);
      await sendKeys({ press: 'ArrowUp' });
      expect(active()).to.equal(outputOptions(el)[hdmi]);
      await sendKeys({ press: 'Home' });
      expect(active()).to.equal(outputOptions(el)[system]);
      await sendKeys({ press: 'End' });
      expect(active()).to.equal(outputOptions(el)[hdmi]);

      await sendKeys({ press: 'Escape' });
      await el.updateComplete;
      expect(isOpen(outputMenu(el)), 'Escape closes').to.equal(false);
      expect(chevron(el)!.getAttribute('aria-expanded')).to.equal('false');
      expect(active(), 'focus back on the chevron').to.equal(chevron(el));
      expect(requests, 'Escape chooses nothing').to.deep.equal([]);

      await sendKeys({ press: 'Space' });
      await waitUntil(() => active() === outputOptions(el)[headset], 'focus on the current output');
      await sendKeys({ press: 'ArrowDown' });
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(requests).to.deep.equal([{ kind: 'speaker', deviceId: 'spk-hdmi' }]);
      expect(isOpen(outputMenu(el))).to.equal(false);
      expect(active()).to.equal(chevron(el));

      // Tabbing past the last entry closes the list, focus goes on to the next button.
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => active() === outputOptions(el)[headset], 'focus on the current output');
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      await el.updateComplete;
      expect(active()).to.equal(button(el, 'hangup'));
      expect(isOpen(outputMenu(el)), 'closed once focus left it').to.equal(false);
      expect(chevron(el)!.getAttribute('aria-expanded')).to.equal('false');
      expect(requests).to.have.length(1);
    });

    it('leaves no open list when the speakers go away or the call ends', async () => {
      const { store, el } = await openOutputs();
      const first = outputMenu(el)!;
      expect(isOpen(first)).to.equal(true);
      store.dispatch({ type: 'devices', devices: [MICROPHONE] });
      await el.updateComplete;
      expect(chevron(el)).to.equal(null);
      expect(isOpen(first), 'closed with its button').to.equal(false);
      withSpeakers(store);
      await el.updateComplete;
      expect(isOpen(outputMenu(el)), 'still closed when speakers are back').to.equal(false);
      expect(chevron(el)!.getAttribute('aria-expanded')).to.equal('false');

      chevron(el)!.click();
      await el.updateComplete;
      const second = outputMenu(el)!;
      expect(isOpen(second)).to.equal(true);
      store.dispatch({ type: 'call-reset' });
      await el.updateComplete;
      expect(isOpen(second)).to.equal(false);
      expect(outputMenu(el)).to.equal(null);
      connected(store);
      withSpeakers(store);
      await el.updateComplete;
      expect(isOpen(outputMenu(el))).to.equal(false);
      expect(chevron(el)!.getAttribute('aria-expanded')).to.equal('false');
    });

    it('without the Popover API: a plain box that opens, closes with Escape and returns focus', async () => {
      await without(HTMLElement.prototype, ['showPopover', 'hidePopover', 'togglePopover'], async () => {
        const store = new CallStore();
        connected(store);
        withSpeakers(store);
        const el = await render(store);
        const menu = outputMenu(el)!;
        expect(menu.hasAttribute('popover')).to.equal(false);
        expect(menu.hidden).to.equal(true);
        chevron(el)!.focus();
        chevron(el)!.click();
        await el.updateComplete;
        expect(menu.hidden).to.equal(false);
        expect(chevron(el)!.getAttribute('aria-expanded')).to.equal('true');
        expect(focused(el)).to.equal(outputOptions(el)[0]);
        await sendKeys({ press: 'Escape' });
        await el.updateComplete;
        expect(menu.hidden).to.equal(true);
        expect(focused(el)).to.equal(chevron(el));
        // Choosing closes it too.
        chevron(el)!.click();
        await el.updateComplete;
        setTimeout(() => outputOptions(el)[2]!.click());
        expect((await oneEvent(el, DeviceRequestEvent.eventName)).detail).to.deep.equal({ kind: 'speaker', deviceId: 'spk-hdmi' });
        await el.updateComplete;
        expect(menu.hidden).to.equal(true);
        expect(focused(el)).to.equal(chevron(el));
      });
    });

    it('sits on the speaker icon; the list opens above it, inside the viewport', async () => {
      const store = new CallStore();
      connected(store);
      withSpeakers(store);
      const el = await fixture<FeatureButtons>(
        html`<feature-buttons .store=${store} style="position: fixed; inset: auto 0 24px 0"></feature-buttons>`,
      );
      const icon = button(el, 'speaker').querySelector('.icon')!.getBoundingClientRect();
      const chev = chevron(el)!.getBoundingClientRect();
      expect(chev.width).to.be.at.least(24);
      // Its icon (this element's fallback svg, slotted into the menu) stays inside it, unstyled by the big buttons' rules.
      const chevIcon = el.shadowRoot!.querySelector('slot[name=icon-speaker-output] svg')!.getBoundingClientRect();
      expect(chevIcon.width, 'the chevron icon is smaller than its button').to.be.below(chev.width);
      expect(chevIcon.left).to.be.at.least(chev.left);
      expect(chevIcon.bottom).to.be.at.most(chev.bottom);
      expect(chev.left, 'overlaps the icon').to.be.lessThan(icon.right);
      expect(chev.right).to.be.greaterThan(icon.right - chev.width);
      expect(chev.top).to.be.lessThan(icon.bottom);
      chevron(el)!.click();
      await el.updateComplete;
      const list = outputMenu(el)!.getBoundingClientRect();
      expect(list.bottom, 'above the speaker button').to.be.at.most(icon.top + 1);
      expect(list.top).to.be.at.least(0);
      expect(list.left).to.be.at.least(0);
      expect(list.right).to.be.at.most(window.innerWidth);
      chevron(el)!.click();
    });

    it("speaks the user's language", async () => {
      const store = new CallStore({ language: 'zh-cn' });
      connected(store);
      withSpeakers(store);
      const el = await render(store);
      expect(chevron(el)!.getAttribute('aria-label')).to.equal('选择扬声器');
      chevron(el)!.click();
      await el.updateComplete;
      expect(outputMenu(el)!.getAttribute('aria-label')).to.equal('音频输出');
      expect(outputOptions(el).map((o) => o.textContent!.trim())).to.deep.equal(['系统默认（Headset）', 'Headset', '设备 2']);
      store.dispatch({ type: 'settings', settings: { language: 'ja_JP' } });
      await el.updateComplete;
      expect(chevron(el)!.getAttribute('aria-label')).to.equal('スピーカーを選択');
      expect(outputOptions(el)[0]!.textContent!.trim()).to.equal('システムの既定（Headset）');
      chevron(el)!.click();
    });
  });
});
