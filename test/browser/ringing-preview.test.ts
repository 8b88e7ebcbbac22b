/**
 * Camera preview + camera toggle while an incoming video call rings (issue 17 item 2b), in
 * `<call-view>`'s ringing state: the callee sees their own camera (Chromium's fake one), can turn
 * it off before answering, and the answer then starts the video call with the camera off (the
 * kit closes it: the others see the avatar). The preview's capture stops when the call stops
 * ringing, when the toggle goes off, and when the view leaves the page.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/define-all.js';
import type { CallView } from '../../components/call-view/call-view.js';
import { CallMediaType } from '../../src/constants.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { AcceptRequestEvent } from '../../src/events/requests.js';
import { CallKit } from '../../src/kit/call-kit-api.js';

const SLOW = { timeout: 15_000 };
const q = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const previewVideo = (view: CallView) => q<HTMLVideoElement>(view, '[part~=ringing-preview] video');
const previewTracks = (view: CallView) => ((previewVideo(view)?.srcObject as MediaStream | null)?.getTracks() ?? []) as MediaStreamTrack[];
const acceptButton = (view: CallView) => q(view, 'feature-buttons')!.shadowRoot!.querySelector<HTMLButtonElement>('[part~=accept]');

async function ringing(type: CallMediaType = CallMediaType.VIDEO) {
  const kit = new CallKit();
  const engine = new SimulatedEngine();
  await kit.init({ SDKAppID: 1, userID: 'bob', userSig: 'x', engine });
  engine.remoteInvite({ userId: 'alice', name: 'Alice' }, type);
  // The call view placed by the app; its requests go to a <call-kit> (as they would inside one).
  const ck = await fixture(html`<div>
    <call-kit .kit=${kit}></call-kit>
    <call-view .store=${kit.store} style="height: 480px"></call-view>
  </div>`);
  const view = ck.querySelector<CallView>('call-view')!;
  ck.addEventListener('ck-accept-request', (e) => {
    if (e.target === view) ck.querySelector('call-kit')!.dispatchEvent(new AcceptRequestEvent((e as AcceptRequestEvent).detail));
  });
  await waitUntil(() => view.matches(':state(ringing)'), 'ringing', SLOW);
  return { kit, engine, view };
}

describe('camera preview while a video call rings', function () {
  this.timeout(60_000);

  it("shows the callee's own camera with a toggle; axe finds nothing", async () => {
    const { kit, view } = await ringing();
    await waitUntil(() => previewTracks(view).some((t) => t.readyState === 'live'), 'the preview captures', SLOW);
    await waitUntil(() => previewVideo(view)!.videoWidth > 0, 'the preview plays frames', SLOW);
    const toggle = q(view, '[part~=ringing-camera-toggle]')!;
    expect(toggle.getAttribute('aria-pressed')).to.equal('true');
    expect(toggle.getAttribute('aria-label')).to.equal('Answer with camera on');
    await expect(view).to.be.accessible();
    const tracks = previewTracks(view);
    await kit.reject();
    await waitUntil(() => !q(view, '[part~=ringing-preview]'), 'gone when it stops ringing', SLOW);
    expect(tracks.map((t) => t.readyState)).to.deep.equal(['ended']);
    await kit.dispose();
  });

  it('turning the camera off stops the preview; answering then starts the video call with the camera off', async () => {
    const { kit, engine, view } = await ringing();
    await waitUntil(() => previewTracks(view).length === 1, 'the preview captures', SLOW);
    const tracks = previewTracks(view);
    q<HTMLButtonElement>(view, '[part~=ringing-camera-toggle]')!.click();
    await waitUntil(() => q(view, '[part~=ringing-camera-toggle]')!.getAttribute('aria-pressed') === 'false', 'toggled off', SLOW);
    expect(tracks[0]!.readyState).to.equal('ended');
    expect(previewVideo(view)).to.equal(null);
    const requests: { camera?: boolean }[] = [];
    view.addEventListener('ck-accept-request', (e) => requests.push((e as CustomEvent).detail));
    acceptButton(view)!.click();
    await waitUntil(() => kit.store.getState().status === 'connected', 'answered', SLOW);
    expect(requests).to.have.length(1);
    expect(requests[0]!.camera).to.equal(false);
    const s = kit.store.getState();
    expect(s.mediaType).to.equal(CallMediaType.VIDEO);
    expect(s.self.videoAvailable).to.equal(false);
    expect(engine.log.some((l) => l.method === 'closeCamera')).to.equal(true);
    await kit.hangup();
    await kit.dispose();
  });

  it('answering with the camera on (the default) keeps it on and stops the preview', async () => {
    const { kit, view } = await ringing();
    await waitUntil(() => previewTracks(view).length === 1, 'the preview captures', SLOW);
    const tracks = previewTracks(view);
    acceptButton(view)!.click();
    await waitUntil(() => kit.store.getState().status === 'connected', 'answered', SLOW);
    expect(tracks[0]!.readyState).to.equal('ended');
    expect(kit.store.getState().self.videoAvailable).to.equal(true);
    await kit.hangup();
    await kit.dispose();
  });

  it('a voice call shows no preview; removing the view while it rings stops the capture', async () => {
    const voice = await ringing(CallMediaType.AUDIO);
    expect(q(voice.view, '[part~=ringing-preview]')).to.equal(null);
    await voice.kit.dispose();

    const { kit, view } = await ringing();
    await waitUntil(() => previewTracks(view).length === 1, 'the preview captures', SLOW);
    const tracks = previewTracks(view);
    view.remove();
    expect(tracks[0]!.readyState).to.equal('ended');
    await kit.dispose();
  });
});
