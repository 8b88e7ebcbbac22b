/**
 * `<device-check>` (issue 17 item 2) in Chromium with its fake camera and microphone
 * (`--use-fake-device-for-media-stream`, `--use-fake-ui-for-media-stream`: the browser grants
 * access). The blocked case replaces `getUserMedia` with one that rejects as a blocked browser does
 * (`NotAllowedError`): the fake UI flag cannot deny.
 */
import { webAudioRuns } from '../helpers/web-audio.js';
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define-all.js';
import type { CallView } from '../../components/call-view/call-view.js';
import type { DeviceCheck } from '../../components/device-check/device-check.js';
import { CallMediaType, CallRole } from '../../src/constants.js';
import { loadLocale } from '../../src/i18n/index.js';
import { CallStore } from '../../src/store/store.js';

await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);

const q = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const SLOW = { timeout: 15_000 };

/** Clicks the "Allow" button if the check waits for it (the permission may already be granted). */
async function live(el: DeviceCheck): Promise<void> {
  await waitUntil(() => el.status !== 'idle', 'permission read', SLOW);
  if (el.status === 'prompt') q<HTMLButtonElement>(el, '[part~=start]')!.click();
  await waitUntil(() => el.status === 'live' && el.stream, 'capture running', SLOW);
  await el.updateComplete;
}

describe('<device-check>', function () {
  this.timeout(60_000);
  const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  afterEach(() => {
    navigator.mediaDevices.getUserMedia = realGetUserMedia;
  });

  it('previews the camera, meters the microphone, lists the devices; axe finds nothing', async () => {
    const el = await fixture<DeviceCheck>(html`<device-check></device-check>`);
    await live(el);
    const video = q<HTMLVideoElement>(el, 'video')!;
    expect(video.srcObject).to.equal(el.stream);
    await waitUntil(() => video.videoWidth > 0, 'the preview plays frames', SLOW);
    expect(el.stream!.getVideoTracks()).to.have.length(1);
    expect(el.stream!.getAudioTracks()).to.have.length(1);
    // Chromium's fake microphone beeps: the level moves. (Headless Firefox in a container starts no
    // AudioContext, so nothing can be metered there.)
    if (await webAudioRuns()) {
      await waitUntil(() => Number(q(el, '[role=meter]')!.getAttribute('aria-valuenow')) > 0, 'the microphone level moves', SLOW);
    }
    const picker = q(el, 'device-picker')!;
    await waitUntil(() => picker.shadowRoot?.querySelector('#select-camera option + option'), 'the picker lists the cameras', SLOW);
    await expect(el).to.be.accessible();
  });

  it('turns the camera preview off and on (aria-pressed), stopping the camera track', async () => {
    const el = await fixture<DeviceCheck>(html`<device-check></device-check>`);
    await live(el);
    const firstVideo = el.stream!.getVideoTracks()[0]!;
    const toggle = q<HTMLButtonElement>(el, '[part~=camera-toggle]')!;
    expect(toggle.getAttribute('aria-pressed')).to.equal('true');
    expect(toggle.getAttribute('aria-label')).to.equal('Camera preview on');
    toggle.click();
    await waitUntil(() => el.status === 'live' && el.stream && el.stream.getVideoTracks().length === 0, 'camera off', SLOW);
    expect(firstVideo.readyState).to.equal('ended');
    await el.updateComplete;
    expect(q(el, 'video')).to.equal(null);
    expect(q(el, '[part~=camera-toggle]')!.getAttribute('aria-pressed')).to.equal('false');
    q<HTMLButtonElement>(el, '[part~=camera-toggle]')!.click();
    await waitUntil(() => el.status === 'live' && el.stream?.getVideoTracks().length === 1, 'camera on again', SLOW);
  });

  it('stops every track when Done is pressed (keyboard) and when removed', async () => {
    const el = await fixture<DeviceCheck>(html`<device-check></device-check>`);
    await live(el);
    const tracks = el.stream!.getTracks();
    expect(tracks.every((t) => t.readyState === 'live')).to.equal(true);
    const done = q<HTMLButtonElement>(el, '[part~=done]')!;
    done.focus();
    const closed = oneEvent(el, 'ck-device-check-close');
    await sendKeys({ press: 'Enter' });
    await closed;
    expect(tracks.map((t) => t.readyState)).to.deep.equal(['ended', 'ended']);
    expect(el.stream).to.equal(null);

    const again = await fixture<DeviceCheck>(html`<device-check></device-check>`);
    await live(again);
    const more = again.stream!.getTracks();
    again.remove();
    expect(more.map((t) => t.readyState)).to.deep.equal(['ended', 'ended']);
  });

  it('a capture that resolves after removal is stopped at once (nothing leaks)', async () => {
    let resolved: MediaStream | null = null;
    navigator.mediaDevices.getUserMedia = async (c) => {
      const stream = await realGetUserMedia(c);
      resolved = stream;
      return stream;
    };
    const el = await fixture<DeviceCheck>(html`<device-check></device-check>`);
    await waitUntil(() => el.status !== 'idle', 'permission read', SLOW);
    if (el.status === 'prompt') q<HTMLButtonElement>(el, '[part~=start]')!.click();
    el.remove();
    await waitUntil(() => resolved, 'the capture resolved', SLOW);
    await waitUntil(() => resolved!.getTracks().every((t) => t.readyState === 'ended'), 'its tracks stopped', SLOW);
  });

  it('blocked: explains how to allow the devices in the browser, and "Try again" captures', async () => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    const el = await fixture<DeviceCheck>(html`<device-check></device-check>`);
    await waitUntil(() => el.status !== 'idle', 'permission read', SLOW);
    if (el.status === 'prompt') q<HTMLButtonElement>(el, '[part~=start]')!.click();
    await waitUntil(() => el.status === 'denied', 'denied', SLOW);
    await el.updateComplete;
    expect(el.matches(':state(denied)')).to.equal(true);
    expect(q(el, '[role=alert]')!.textContent).to.contain('blocking your camera or microphone');
    expect(q(el, '[part~=help]')!.textContent).to.contain('address bar');
    await expect(el).to.be.accessible();
    navigator.mediaDevices.getUserMedia = realGetUserMedia;
    const retry = q<HTMLButtonElement>(el, '[part~=retry]')!;
    expect(retry.textContent!.trim()).to.equal('Try again');
    retry.click();
    await waitUntil(() => el.status === 'live' && el.stream, 'captures after retry', SLOW);
    el.remove();
  });

  it('plays the test tone (aria-pressed while it sounds) and stops it', async () => {
    const el = await fixture<DeviceCheck>(html`<device-check></device-check>`);
    await live(el);
    const tone = q<HTMLButtonElement>(el, '[part~=tone]')!;
    expect(tone.getAttribute('aria-pressed')).to.equal('false');
    tone.click();
    await waitUntil(() => q(el, '[part~=tone]')!.getAttribute('aria-pressed') === 'true', 'tone sounding', SLOW);
    expect(q(el, '[part~=tone]')!.textContent).to.contain('Stop test sound');
    q<HTMLButtonElement>(el, '[part~=tone]')!.click();
    await waitUntil(() => q(el, '[part~=tone]')!.getAttribute('aria-pressed') === 'false', 'tone stopped', SLOW);
    expect(q(el, '[part~=message][role=alert]')).to.equal(null);
  });

  it('choosing a microphone restarts the capture on it and the request bubbles to the host', async () => {
    const el = await fixture<DeviceCheck>(html`<device-check></device-check>`);
    await live(el);
    const picker = q(el, 'device-picker')!;
    await waitUntil(() => picker.shadowRoot?.querySelector('#select-microphone option + option'), 'microphones listed', SLOW);
    const select = picker.shadowRoot!.querySelector<HTMLSelectElement>('#select-microphone')!;
    const real = [...select.options].map((o) => o.value).find((v) => v !== 'default')!;
    const old = el.stream!.getAudioTracks()[0]!;
    const request = oneEvent(el, 'ck-device-request');
    select.value = real;
    select.dispatchEvent(new Event('change'));
    expect((await request).detail).to.deep.equal({ kind: 'microphone', deviceId: real });
    await waitUntil(() => el.stream && el.stream.getAudioTracks()[0] !== old, 'a new capture', SLOW);
    expect(old.readyState).to.equal('ended');
    expect(el.stream!.getAudioTracks()[0]!.getSettings().deviceId).to.equal(real);
  });

  it("speaks the kit's language, right to left where it applies, and follows the dark theme", async () => {
    const store = new CallStore();
    store.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
    const el = await fixture<DeviceCheck>(html`<device-check .store=${store}></device-check>`);
    await el.updateComplete;
    expect(q(el, 'h2')!.textContent).to.equal('检测设备');
    store.dispatch({ type: 'settings', settings: { language: 'ja_JP' } });
    await el.updateComplete;
    expect(q(el, 'h2')!.textContent).to.equal('デバイスの確認');
    store.dispatch({ type: 'settings', settings: { language: 'ar' } });
    await el.updateComplete;
    expect(q(el, '[part~=base]')!.getAttribute('dir')).to.equal('rtl');
    el.setAttribute('theme', 'dark');
    await el.updateComplete;
    expect(getComputedStyle(q(el, '[part~=base]')!).backgroundColor).to.equal('rgb(43, 47, 54)');
    el.remove();
  });
});

describe('<call-view> "Check devices"', function () {
  this.timeout(60_000);

  it('opens <device-check> in a modal dialog; Escape closes it, stops its tracks and returns focus', async () => {
    const store = new CallStore();
    store.dispatch({ type: 'login', userId: 'alice', name: 'Alice' });
    store.dispatch({
      type: 'call-start',
      role: CallRole.CALLER,
      callId: 'call-1',
      mediaType: CallMediaType.VIDEO,
      callerId: 'alice',
      members: [{ userId: 'bob', name: 'Bob', status: 'accepted' }],
    });
    store.dispatch({ type: 'call-connected' });
    const view = await fixture<CallView>(html`<call-view .store=${store} style="height: 480px"></call-view>`);
    const button = q<HTMLButtonElement>(view, '[part~=device-check-button]')!;
    expect(button.textContent!.trim()).to.equal('Check devices');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    button.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => q<HTMLDialogElement>(view, 'dialog')?.open, 'dialog open', SLOW);
    const check = q<DeviceCheck>(view, 'dialog device-check')!;
    await live(check);
    const tracks = check.stream!.getTracks();
    await expect(view).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !q(view, 'dialog'), 'dialog gone', SLOW);
    expect(tracks.map((t) => t.readyState)).to.deep.equal(['ended', 'ended']);
    await waitUntil(() => view.shadowRoot!.activeElement === q(view, '[part~=device-check-button]'), 'focus back on the button', SLOW);
  });

  it('has no "Check devices" while an incoming call rings (accept / decline only)', async () => {
    const store = new CallStore();
    store.dispatch({ type: 'login', userId: 'bob', name: 'Bob' });
    store.dispatch({
      type: 'call-start',
      role: CallRole.CALLEE,
      callId: 'call-2',
      mediaType: CallMediaType.VIDEO,
      callerId: 'alice',
      members: [{ userId: 'alice', name: 'Alice', status: 'accepted' }],
    });
    const view = await fixture<CallView>(html`<call-view .store=${store}></call-view>`);
    expect(view.matches(':state(ringing)')).to.equal(true);
    expect(q(view, '[part~=device-check-button]')).to.equal(null);
  });
});
