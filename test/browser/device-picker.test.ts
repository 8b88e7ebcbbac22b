import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define-all.js';
import type { DevicePicker } from '../../components/device-picker/device-picker.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { DeviceRequestEvent } from '../../src/events/requests.js';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { registerLocale, loadLocale } from '../../src/i18n/index.js';
import { CallStore } from '../../src/store/store.js';
import type { DeviceInfo } from '../../src/engine/types.js';
import { listDevices } from '../../src/engine/webrtc/media.js';
import { background, onLightSystem, SURFACE } from '../helpers/theme.js';

// The kit loads zh-cn and ja_JP on first use (src/i18n/index.ts); these tests read them at once.
await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);

const q = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const options = (el: DevicePicker, kind: string) => [...el.shadowRoot!.querySelectorAll<HTMLOptionElement>(`#select-${kind} option`)];

const FAKES: DeviceInfo[] = [
  { deviceId: 'default', kind: 'microphone', label: 'Default - Desk mic' },
  { deviceId: 'mic-1', kind: 'microphone', label: 'Desk mic' },
  { deviceId: 'mic-2', kind: 'microphone', label: 'Headset mic' },
  { deviceId: 'cam-1', kind: 'camera', label: 'Front camera' },
  { deviceId: 'cam-2', kind: 'camera', label: '' },
  { deviceId: 'default', kind: 'speaker', label: 'Default - Speakers' },
  { deviceId: 'spk-1', kind: 'speaker', label: 'Speakers' },
];

/** A store with the devices the engine reported (`onDeviceUpdated`). */
function withDevices(devices: readonly DeviceInfo[] = FAKES, store = new CallStore()): CallStore {
  store.dispatch({ type: 'devices', devices });
  return store;
}

describe('<device-picker>', () => {
  async function picker(store = withDevices()) {
    const el = await fixture<DevicePicker>(html`<device-picker .store=${store}></device-picker>`);
    await waitUntil(() => options(el, 'microphone').length === 3, 'lists read');
    return el;
  }

  it('renders camera, microphone and speaker lists, each with a system-default entry; axe finds nothing', async () => {
    const el = await picker();
    expect([...el.shadowRoot!.querySelectorAll('label')].map((l) => l.textContent)).to.deep.equal(['Camera', 'Microphone', 'Speaker']);
    expect(options(el, 'microphone').map((o) => o.textContent!.trim())).to.deep.equal([
      'System default (Desk mic)',
      'Desk mic',
      'Headset mic',
    ]);
    expect(options(el, 'camera').map((o) => o.textContent!.trim())).to.deep.equal(['System default', 'Front camera', 'Device 2']);
    expect(options(el, 'speaker').map((o) => o.value)).to.deep.equal(['default', 'spk-1']);
    await expect(el).to.be.accessible();
  });

  it("follows the store's devices (the engine reports plugged and unplugged devices)", async () => {
    const store = withDevices();
    const el = await picker(store);
    const plugged: DeviceInfo[] = [...FAKES, { deviceId: 'mic-3', kind: 'microphone', label: 'USB mic' }];
    withDevices(plugged, store);
    await waitUntil(() => options(el, 'microphone').length === 4, 'new device listed');
    withDevices(
      plugged.filter((d) => d.deviceId !== 'mic-1'),
      store,
    );
    await waitUntil(() => options(el, 'microphone').length === 3, 'unplugged device gone');
    expect(options(el, 'microphone').map((o) => o.value)).to.deep.equal(['default', 'mic-2', 'mic-3']);
  });

  it('never reads navigator.mediaDevices itself', async () => {
    const enumerate = navigator.mediaDevices.enumerateDevices;
    let calls = 0;
    navigator.mediaDevices.enumerateDevices = async () => {
      calls++;
      return [];
    };
    try {
      const el = await picker();
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      await el.updateComplete;
      expect(calls).to.equal(0);
    } finally {
      navigator.mediaDevices.enumerateDevices = enumerate;
    }
  });

  it('hides the speaker list where setSinkId is missing, and shows only the kinds asked for', async () => {
    const desc = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'setSinkId')!;
    delete (HTMLMediaElement.prototype as Partial<HTMLMediaElement>).setSinkId;
    try {
      const el = await picker();
      expect(q(el, '#select-speaker')).to.equal(null);
    } finally {
      Object.defineProperty(HTMLMediaElement.prototype, 'setSinkId', desc);
    }
    const el = await fixture<DevicePicker>(html`<device-picker kinds="microphone" .store=${withDevices()}></device-picker>`);
    await waitUntil(() => options(el, 'microphone').length === 3, 'read');
    expect(el.shadowRoot!.querySelectorAll('select')).to.have.length(1);
  });

  it('hides the speaker list when the browser lists no output device (Firefox, before selectAudioOutput)', async () => {
    const el = await picker(withDevices(FAKES.filter((d) => d.kind !== 'speaker')));
    // Booleans: chai describing a failing element takes minutes.
    expect(q(el, '#select-camera') !== null, 'the camera list').to.equal(true);
    expect(q(el, '#select-speaker') === null, 'no speaker list that can only say "System default"').to.equal(true);
  });

  it('choosing dispatches ck-device-request; the default camera requests the first camera', async () => {
    const el = await picker();
    const mic = q<HTMLSelectElement>(el, '#select-microphone')!;
    mic.value = 'mic-2';
    setTimeout(() => mic.dispatchEvent(new Event('change')));
    const event = await oneEvent(el, 'ck-device-request');
    expect(event).to.be.instanceOf(DeviceRequestEvent);
    expect(event.detail).to.deep.equal({ kind: 'microphone', deviceId: 'mic-2' });
    expect(event.bubbles && event.composed && event.cancelable).to.equal(true);
    expect(el.selected).to.deep.equal({ microphone: 'mic-2' });
    const cam = q<HTMLSelectElement>(el, '#select-camera')!;
    cam.value = 'cam-2';
    cam.dispatchEvent(new Event('change'));
    cam.value = 'default';
    setTimeout(() => cam.dispatchEvent(new Event('change')));
    expect((await oneEvent(el, 'ck-device-request')).detail).to.deep.equal({ kind: 'camera', deviceId: 'cam-1' });
  });

  it('inside <call-kit>, a choice switches the device through the kit', async () => {
    const kit = new CallKit();
    const engine = new SimulatedEngine({ devices: FAKES });
    await kit.init({ SDKAppID: 1, userID: 'bob', userSig: 'x', engine });
    const ck = await fixture(html`<call-kit .kit=${kit}><device-picker></device-picker></call-kit>`);
    const el = ck.querySelector('device-picker')!;
    await waitUntil(() => options(el, 'speaker').length === 2, 'read');
    const spk = q<HTMLSelectElement>(el, '#select-speaker')!;
    spk.value = 'spk-1';
    spk.dispatchEvent(new Event('change'));
    await waitUntil(() => engine.log.some((c) => c.method === 'switchDevice'), 'switched');
    expect(engine.log.find((c) => c.method === 'switchDevice')!.args[0]).to.deep.equal({ deviceType: 'speaker', deviceId: 'spk-1' });
    await kit.dispose();
  });

  it('keyboard: arrow keys on a focused list choose a device', async () => {
    const el = await picker();
    const mic = q<HTMLSelectElement>(el, '#select-microphone')!;
    mic.focus();
    const got = oneEvent(el, 'ck-device-request');
    await sendKeys({ press: 'ArrowDown' });
    expect((await got).detail).to.deep.equal({ kind: 'microphone', deviceId: 'mic-1' });
  });

  it('follows the language; sets dir="rtl" for a right-to-left language', async () => {
    const store = withDevices();
    store.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
    const el = await picker(store);
    expect([...el.shadowRoot!.querySelectorAll('label')].map((l) => l.textContent)).to.deep.equal(['摄像头', '麦克风', '扬声器']);
    expect(options(el, 'camera')[0].textContent!.trim()).to.equal('系统默认');
    registerLocale('ar', {});
    store.dispatch({ type: 'settings', settings: { language: 'ar' } });
    await el.updateComplete;
    expect(q(el, '[part~=base]')!.getAttribute('dir')).to.equal('rtl');
    await expect(el).to.be.accessible();
  });

  it("lists this browser's real devices as the engine reads them (fake media devices)", async () => {
    // Firefox hides devices until a capture was granted (one entry per kind, no id, no label:
    // not choosable, so not listed); a call grants it before the list is read again.
    const granted = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    granted.getTracks().forEach((t) => t.stop());
    const el = await fixture<DevicePicker>(html`<device-picker .store=${withDevices(await listDevices())}></device-picker>`);
    await waitUntil(() => options(el, 'camera').length >= 2, 'the fake camera is listed');
  });

  it('follows the theme of the <call-kit> named by call-kit (dark on a light system)', () =>
    onLightSystem(async () => {
      const wrap = await fixture<HTMLElement>(html`<div>
        <call-kit id="kit-theme" theme="dark"></call-kit>
        <device-picker call-kit="kit-theme" .store=${withDevices()}></device-picker>
      </div>`);
      const el = wrap.querySelector<DevicePicker>('device-picker')!;
      await el.updateComplete;
      expect(background(el, 'select')).to.equal(SURFACE.dark);
      wrap.querySelector('call-kit')!.setAttribute('theme', 'light');
      await new Promise((r) => requestAnimationFrame(r));
      expect(background(el, 'select')).to.equal(SURFACE.light);
    }));
});
