/**
 * Audio -> video requests in the call view (issue 17 item 1): the "Switch to video" button of a
 * connected 1v1 audio call, the other side's request with real Accept / Decline buttons in an
 * assertive live region (en, zh-cn, ja_JP), and the whole path through `<call-kit>`, the kit and
 * the simulated engine (accept -> video; decline -> the requester's toast; hidden in group calls).
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/define-all.js';
import type { CallKitElement } from '../../components/call-kit/call-kit.js';
import type { CallView } from '../../components/call-view/call-view.js';
import { CallMediaType, CallRole, CallStatus } from '../../src/constants.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { SwitchToVideoRequestEvent, VideoAnswerRequestEvent } from '../../src/events/requests.js';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { loadLocale } from '../../src/i18n/index.js';
import { CallStore } from '../../src/store/store.js';

await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);

const q = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector);

function audioCall(store: CallStore, members = [{ userId: 'bob', name: 'Bob' }]): void {
  store.dispatch({ type: 'login', userId: 'alice', name: 'Alice' });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLER,
    callId: 'call-1',
    mediaType: CallMediaType.AUDIO,
    callerId: 'alice',
    members,
  });
  for (const m of members) store.dispatch({ type: 'member-upsert', userId: m.userId, status: 'accepted' });
  store.dispatch({ type: 'call-connected' });
  for (const m of members) store.dispatch({ type: 'member-stream', userId: m.userId, stream: new MediaStream() });
}

async function render(store: CallStore): Promise<CallView> {
  const el = await fixture<CallView>(html`<call-view style="width: 640px; height: 480px" .store=${store}></call-view>`);
  await el.updateComplete;
  return el;
}

describe('<call-view> video requests', () => {
  it('a connected 1v1 audio call offers "Switch to video" (a real button); clicking it asks; axe finds nothing', async () => {
    const store = new CallStore();
    audioCall(store);
    const el = await render(store);
    const button = q<HTMLButtonElement>(el, 'button[part~="switch-to-video"]');
    expect(button, 'the switch button').to.not.equal(null);
    expect(button!.textContent!.trim()).to.equal('Switch to video');
    setTimeout(() => button!.click());
    const event = await oneEvent(el, SwitchToVideoRequestEvent.eventName);
    expect(event).to.be.instanceOf(SwitchToVideoRequestEvent);
    expect(event.bubbles && event.composed && event.cancelable).to.equal(true);
    await expect(el).to.be.accessible();
    // Hidden by the host, and absent in video calls.
    store.dispatch({ type: 'settings', settings: { hiddenButtons: ['switchToVideo'] } });
    await el.updateComplete;
    expect(q(el, '[part~="switch-to-video"]')).to.equal(null);
    store.dispatch({ type: 'settings', settings: { hiddenButtons: [] } });
    store.dispatch({ type: 'media-type', mediaType: CallMediaType.VIDEO });
    await el.updateComplete;
    expect(q(el, '[part~="switch-to-video"]')).to.equal(null);
  });

  it('no switch button in a group call', async () => {
    const store = new CallStore();
    audioCall(store, [
      { userId: 'bob', name: 'Bob' },
      { userId: 'carol', name: 'Carol' },
    ]);
    const el = await render(store);
    expect(q(el, '[part~="switch-to-video"]')).to.equal(null);
  });

  it('the other side asks: the text in an assertive live region, Accept / Decline buttons named and grouped; axe finds nothing', async () => {
    const store = new CallStore();
    audioCall(store);
    const el = await render(store);
    const region = q(el, '[part~="video-request-text"]')!;
    // The live region exists (empty) before the request, so its text is announced when it comes.
    expect(region.getAttribute('aria-live')).to.equal('assertive');
    expect(region.textContent).to.equal('');
    store.dispatch({ type: 'video-request', request: { userId: 'bob', direction: 'incoming' } });
    await el.updateComplete;
    expect(q(el, '[part~="video-request-text"]')).to.equal(region);
    expect(region.textContent).to.equal('Bob wants to switch to video');
    const accept = q<HTMLButtonElement>(el, 'button[part~="video-request-accept"]')!;
    const decline = q<HTMLButtonElement>(el, 'button[part~="video-request-decline"]')!;
    expect(accept.textContent!.trim()).to.equal('Accept');
    expect(decline.textContent!.trim()).to.equal('Decline');
    expect(accept.closest('[role="group"]')!.getAttribute('aria-labelledby')).to.equal(region.id);
    // The switch button is not offered while a request is pending.
    expect(q(el, '[part~="switch-to-video"]')).to.equal(null);
    await expect(el).to.be.accessible();
    setTimeout(() => accept.click());
    expect((await oneEvent(el, VideoAnswerRequestEvent.eventName)).detail).to.deep.equal({ accept: true });
    setTimeout(() => decline.click());
    expect((await oneEvent(el, VideoAnswerRequestEvent.eventName)).detail).to.deep.equal({ accept: false });
    // Keyboard: the buttons are reachable and activate with Enter (real buttons).
    accept.focus();
    expect(el.shadowRoot!.activeElement).to.equal(accept);
    // Ours: only the text, no buttons.
    store.dispatch({ type: 'video-request', request: { userId: 'bob', direction: 'outgoing' } });
    await el.updateComplete;
    expect(region.textContent).to.equal('Asking Bob to switch to video…');
    expect(q(el, '[part~="video-request-accept"]')).to.equal(null);
    store.dispatch({ type: 'video-request', request: null });
    await el.updateComplete;
    expect(region.textContent).to.equal('');
  });

  it('speaks zh-cn and ja_JP', async () => {
    for (const [language, text, accept] of [
      ['zh-cn', 'Bob 请求切换到视频通话', '同意'],
      ['ja_JP', 'Bob さんがビデオ通話への切り替えを求めています', '承諾'],
    ] as const) {
      const store = new CallStore();
      store.dispatch({ type: 'settings', settings: { language } });
      audioCall(store);
      store.dispatch({ type: 'video-request', request: { userId: 'bob', direction: 'incoming' } });
      const el = await render(store);
      expect(q(el, '[part~="video-request-text"]')!.textContent).to.equal(text);
      expect(q(el, '[part~="video-request-accept"]')!.textContent!.trim()).to.equal(accept);
    }
  });
});

describe('<call-kit> video requests with the simulated engine', () => {
  async function setup() {
    const kit = new CallKit();
    const engine = new SimulatedEngine();
    await kit.init({ SDKAppID: 1, userID: 'alice', userSig: 'x', engine });
    const el = await fixture<CallKitElement>(html`<call-kit .kit=${kit}></call-kit>`);
    await kit.calls({ userIDList: ['bob'], type: CallMediaType.AUDIO });
    engine.remoteAccept('bob', { name: 'Bob' });
    await waitUntil(() => kit.store.getState().status === CallStatus.CONNECTED, 'connected');
    const view = () => el.shadowRoot!.querySelector<CallView>('call-view')!;
    await waitUntil(() => view() && q(view(), '[part~="switch-to-video"]'), 'the switch button');
    return { kit, engine, el, view };
  }

  it('incoming request -> Accept: the call is video, the prompt goes, ck-video-request / -ended reach the host', async () => {
    const { kit, engine, el, view } = await setup();
    const asked = oneEvent(el, 'ck-video-request');
    engine.remoteVideoRequest('bob');
    expect((await asked).detail).to.include({ userId: 'bob', direction: 'incoming' });
    await waitUntil(() => q(view(), '[part~="video-request-accept"]'), 'the prompt');
    const ended = oneEvent(el, 'ck-video-request-ended');
    q<HTMLButtonElement>(view(), 'button[part~="video-request-accept"]')!.click();
    expect((await ended).detail).to.include({ userId: 'bob', direction: 'incoming', outcome: 'accepted' });
    await waitUntil(() => kit.store.getState().mediaType === CallMediaType.VIDEO, 'video');
    expect(engine.log.some((c) => c.method === 'respondVideoRequest' && c.args[0] === true)).to.equal(true);
    await waitUntil(() => !q(view(), '[part~="video-request-accept"]'), 'the prompt gone');
  });

  it('our request, declined: "Asking…", then the decline toast; the call stays audio', async () => {
    const { kit, engine, view } = await setup();
    const pending = kit.switchCallMediaType(CallMediaType.VIDEO);
    await waitUntil(() => q(view(), '[part~="video-request-text"]')!.textContent === 'Asking Bob to switch to video…', 'asking');
    engine.remoteVideoAnswer('declined');
    const error = await pending.then(
      () => null,
      (e: unknown) => e as { code: number; reason: string },
    );
    expect(error).to.include({ code: 60002, reason: 'declined' });
    expect(kit.store.getState().mediaType).to.equal(CallMediaType.AUDIO);
    expect(kit.store.getState().toast?.key).to.equal('video-request-declined');
    await waitUntil(() => q(view(), '[part~="toast"]')!.textContent === 'Bob declined to switch to video', 'the toast');
  });

  it('our request in a group call: not-supported, with a toast', async () => {
    const kit = new CallKit();
    const engine = new SimulatedEngine();
    await kit.init({ SDKAppID: 1, userID: 'alice', userSig: 'x', engine });
    await kit.calls({ userIDList: ['bob', 'carol'], type: CallMediaType.AUDIO });
    engine.remoteAccept('bob');
    engine.remoteAccept('carol');
    await waitUntil(() => kit.store.getState().status === CallStatus.CONNECTED, 'connected');
    const error = await kit.switchCallMediaType(CallMediaType.VIDEO).then(
      () => null,
      (e: unknown) => e as { code: number; reason: string },
    );
    expect(error).to.include({ code: 60002, reason: 'not-supported' });
    expect(kit.store.getState().toast?.key).to.equal('switch-to-video-failed');
  });
});
