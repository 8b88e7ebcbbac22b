/**
 * Camera preview + camera toggle in `<incoming-banner>` while an incoming video call rings (issue 17
 * item 2b): the compact banner `<call-kit>` shows while a call rings has the user's own camera
 * (Chromium's and Firefox's fake one) and "Answer with camera on" (`aria-pressed`); turned off, the
 * capture stops and Accept answers the video call with the camera off. The preview's code is
 * `<call-view>`'s chunk, loaded when a video call first rings in the banner.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/define.js';
import type { CallKitElement } from '../../components/call-kit/call-kit.js';
import type { IncomingBanner } from '../../components/incoming-banner/incoming-banner.js';
import { CallMediaType } from '../../src/constants.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { loadLocale } from '../../src/i18n/index.js';

const SLOW = { timeout: 20_000 };
const banner = (ck: CallKitElement) => ck.shadowRoot!.querySelector<IncomingBanner>('incoming-banner');
const inBanner = <T extends Element = HTMLElement>(ck: CallKitElement, selector: string) =>
  banner(ck)?.shadowRoot?.querySelector<T>(selector) ?? null;
const previewVideo = (ck: CallKitElement) => inBanner<HTMLVideoElement>(ck, '[part~=ringing-preview] video');
const previewTracks = (ck: CallKitElement) =>
  ((previewVideo(ck)?.srcObject as MediaStream | null)?.getTracks() ?? []) as MediaStreamTrack[];
const toggle = (ck: CallKitElement) => inBanner<HTMLButtonElement>(ck, '[part~=ringing-camera-toggle]');

async function ringing(type: CallMediaType = CallMediaType.VIDEO, language?: string) {
  const kit = new CallKit();
  const engine = new SimulatedEngine();
  await kit.init({ SDKAppID: 1, userID: 'bob', userSig: 'x', engine });
  if (language) {
    await loadLocale(language);
    kit.setLanguage(language);
  }
  const ck = await fixture<CallKitElement>(html`<call-kit .kit=${kit}></call-kit>`);
  engine.remoteInvite({ userId: 'alice', name: 'Alice' }, type);
  await waitUntil(() => inBanner(ck, '[part~=accept]'), 'the banner rings', SLOW);
  return { kit, engine, ck };
}

describe('<incoming-banner>: camera preview while a video call rings', function () {
  this.timeout(90_000);

  it("shows the user's own camera and a pressed toggle with a name; axe finds nothing; stops when it stops ringing", async () => {
    const { kit, ck } = await ringing();
    await waitUntil(() => previewTracks(ck).some((t) => t.readyState === 'live'), 'the preview captures', SLOW);
    await waitUntil(() => previewVideo(ck)!.videoWidth > 0, 'the preview plays frames', SLOW);
    const button = toggle(ck)!;
    expect(button.localName).to.equal('button');
    expect(button.getAttribute('aria-pressed')).to.equal('true');
    expect(button.getAttribute('aria-label')).to.equal('Answer with camera on');
    expect(previewVideo(ck)!.getAttribute('aria-label')).to.be.a('string').and.not.equal('');
    // The preview is a row of the newest banner (the adopted compact styles: not a zero-size box).
    const box = inBanner(ck, '[part~=ringing-preview]')!.getBoundingClientRect();
    expect(box.height).to.be.greaterThan(40);
    // Below the buttons: they do not move under the pointer when the preview's code arrives.
    expect(inBanner(ck, '[part~=accept]')!.getBoundingClientRect().bottom).to.be.at.most(box.top);
    await expect(banner(ck)!).to.be.accessible();
    const tracks = previewTracks(ck);
    await kit.reject();
    await waitUntil(() => tracks.every((t) => t.readyState === 'ended'), 'the capture stops when it stops ringing', SLOW);
    await kit.dispose();
  });

  it('toggled off, the capture stops; Accept answers the video call with the camera off', async () => {
    const { kit, engine, ck } = await ringing();
    await waitUntil(() => previewTracks(ck).length === 1, 'the preview captures', SLOW);
    const tracks = previewTracks(ck);
    toggle(ck)!.click();
    await waitUntil(() => toggle(ck)!.getAttribute('aria-pressed') === 'false', 'toggled off', SLOW);
    expect(tracks[0]!.readyState).to.equal('ended');
    expect(previewVideo(ck)).to.equal(null);
    const requests: { camera?: boolean; audioOnly: boolean }[] = [];
    ck.addEventListener('ck-accept-request', (e) => requests.push((e as CustomEvent).detail), { capture: true });
    inBanner<HTMLButtonElement>(ck, '[part~=accept]')!.click();
    await waitUntil(() => kit.store.getState().status === 'connected', 'answered', SLOW);
    expect(requests.map((r) => [r.audioOnly, r.camera])).to.deep.equal([[false, false]]);
    // The kit closes the camera right after the answer.
    await waitUntil(() => engine.log.some((l) => l.method === 'closeCamera'), 'the camera closed', SLOW);
    await waitUntil(() => !kit.store.getState().self.videoAvailable, 'no video of mine', SLOW);
    expect(kit.store.getState().mediaType).to.equal(CallMediaType.VIDEO);
    await kit.hangup();
    await kit.dispose();
  });

  it('answering with the camera on (the default) sends no camera flag and keeps it on; the capture stops', async () => {
    const { kit, ck } = await ringing();
    await waitUntil(() => previewTracks(ck).length === 1, 'the preview captures', SLOW);
    const tracks = previewTracks(ck);
    const requests: { camera?: boolean }[] = [];
    ck.addEventListener('ck-accept-request', (e) => requests.push((e as CustomEvent).detail), { capture: true });
    inBanner<HTMLButtonElement>(ck, '[part~=accept]')!.click();
    await waitUntil(() => kit.store.getState().status === 'connected', 'answered', SLOW);
    expect(requests[0]!.camera).to.equal(undefined);
    expect(tracks[0]!.readyState).to.equal('ended');
    expect(kit.store.getState().self.videoAvailable).to.equal(true);
    await kit.hangup();
    await kit.dispose();
  });

  it('a voice call has no preview; the toggle is named in zh-cn and ja_JP; removing <call-kit> stops the capture', async () => {
    const voice = await ringing(CallMediaType.AUDIO);
    expect(inBanner(voice.ck, '[part~=ringing-preview]')).to.equal(null);
    expect(inBanner(voice.ck, '[part~=ringing-camera-toggle]')).to.equal(null);
    await voice.kit.dispose();

    for (const [language, name] of [
      ['zh-cn', '接听时开启摄像头'],
      ['ja_JP', 'カメラをオンにして応答'],
    ] as const) {
      const { kit, ck } = await ringing(CallMediaType.VIDEO, language);
      await waitUntil(() => toggle(ck), 'the toggle', SLOW);
      expect(toggle(ck)!.getAttribute('aria-label')).to.equal(name);
      await waitUntil(() => previewTracks(ck).length === 1, 'the preview captures', SLOW);
      const tracks = previewTracks(ck);
      ck.remove();
      expect(tracks[0]!.readyState).to.equal('ended');
      await kit.dispose();
    }
  });
});
