import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/define-all.js';
import type { CallKitElement } from '../../components/call-kit/call-kit.js';
import { CallMediaType } from '../../src/constants.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { animationsSettled } from '../helpers/settle.js';

async function setup() {
  const kit = new CallKit();
  const engine = new SimulatedEngine();
  await kit.init({ SDKAppID: 1, userID: 'bob', userSig: 'x', engine });
  const el = await fixture<CallKitElement>(html`<call-kit .kit=${kit}></call-kit>`);
  return { kit, engine, el };
}

const inner = (el: Element, selector: string) => el.shadowRoot!.querySelector(selector);

function deepButton(root: Element, name: string): HTMLButtonElement | null {
  const stack: (Element | ShadowRoot)[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    const scope = node instanceof Element && node.shadowRoot ? node.shadowRoot : node;
    for (const child of Array.from(scope.querySelectorAll('*'))) {
      if (child instanceof HTMLButtonElement && child.getAttribute('aria-label') === name) return child;
      if (child.shadowRoot) stack.push(child);
    }
  }
  return null;
}

describe('<call-kit>', () => {
  it('offers "Try again" while the connection to the server has failed; it asks the kit to reconnect; axe finds nothing', async () => {
    const { kit, engine, el } = await setup();
    expect(inner(el, '[part~="reconnect-button"]')).to.equal(null);
    (engine as unknown as { emit(e: string, p: unknown): void }).emit('onConnectionStateChanged', { state: 'failed' });
    await waitUntil(() => inner(el, '[part~="reconnect-button"]'), 'the retry button');
    expect(el.matches(':state(connection-failed)')).to.equal(true);
    expect(el.matches(':state(idle)')).to.equal(false);
    const button = inner(el, 'button[part~="reconnect-button"]') as HTMLButtonElement;
    expect(button.textContent!.trim()).to.equal('Try again');
    expect(inner(el, '[part~="reconnect"]')!.textContent).to.contain('Could not reconnect to the server');
    await expect(el).to.be.accessible();
    let asked = 0;
    kit.reconnect = async () => {
      asked += 1;
    };
    const request = oneEvent(el, 'ck-reconnect-request');
    button.click();
    await request;
    await waitUntil(() => asked === 1, 'callKit.reconnect() called');
    (engine as unknown as { emit(e: string, p: unknown): void }).emit('onConnectionStateChanged', { state: 'connected' });
    await waitUntil(() => !inner(el, '[part~="reconnect-button"]'), 'the retry button goes once connected');
    expect(el.matches(':state(connection-failed)')).to.equal(false);
    await kit.dispose();
  });

  it('"Try again" in zh-cn and ja_JP', async () => {
    const { kit, engine, el } = await setup();
    for (const [lang, text] of [
      ['zh-cn', '重试'],
      ['ja_JP', '再試行'],
    ] as const) {
      kit.setLanguage(lang);
      (engine as unknown as { emit(e: string, p: unknown): void }).emit('onConnectionStateChanged', { state: 'failed' });
      await waitUntil(() => inner(el, '[part~="reconnect-button"]')?.textContent?.trim() === text, `${lang}: ${text}`);
    }
    await kit.dispose();
  });
  it('renders nothing while idle and takes no space', async () => {
    const { kit, el } = await setup();
    expect(inner(el, '[part="base"]')).to.equal(null);
    expect(el.getBoundingClientRect().height).to.equal(0);
    await kit.dispose();
  });

  it('shows the incoming banner while ringing, the call view when connected; axe finds nothing', async () => {
    const { kit, engine, el } = await setup();
    engine.remoteInvite({ userId: 'alice', name: 'Alice' }, CallMediaType.VIDEO);
    await el.updateComplete;
    expect(inner(el, 'incoming-banner')).to.not.equal(null);
    expect(inner(el, 'call-view')).to.equal(null);
    await animationsSettled(el);
    await expect(el).to.be.accessible();
    await kit.accept();
    await el.updateComplete;
    expect(inner(el, 'call-view')).to.not.equal(null);
    await expect(el).to.be.accessible();
    await kit.hangup();
    await kit.dispose();
  });

  it('turns request events from its elements into kit calls', async () => {
    const { kit, engine, el } = await setup();
    engine.remoteInvite({ userId: 'alice', name: 'Alice' }, CallMediaType.VIDEO);
    await el.updateComplete;
    const banner = inner(el, 'incoming-banner')!;
    await (banner as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    deepButton(el, 'Accept')!.click();
    await waitUntil(() => kit.store.getState().status === 'connected', 'accepted through the kit');
    expect(engine.log.some((l) => l.method === 'accept')).to.equal(true);
    await el.updateComplete;
    const view = inner(el, 'call-view')!;
    await (view as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    await waitUntil(() => deepButton(el, 'Hang up') !== null, 'hang-up button rendered');
    deepButton(el, 'Hang up')!.click();
    await waitUntil(() => kit.store.getState().status === 'idle', 'hung up through the kit');
    await kit.dispose();
  });

  it('does nothing when the host prevents the request', async () => {
    const { kit, engine, el } = await setup();
    engine.remoteInvite({ userId: 'alice' }, CallMediaType.AUDIO);
    await el.updateComplete;
    document.addEventListener('ck-reject-request', (e) => e.preventDefault(), { once: true });
    deepButton(el, 'Decline')!.click();
    // <call-kit> acts in a microtask after the event: one task later it has acted or never will.
    await new Promise((r) => setTimeout(r, 0));
    expect(kit.store.getState().status).to.equal('calling');
    expect(engine.log.some((l) => l.method === 'reject')).to.equal(false);
    await kit.reject();
    await kit.dispose();
  });

  it('re-dispatches the kit events with TUICallKit status strings', async () => {
    const { kit, engine, el } = await setup();
    const changed = oneEvent(el, 'ck-status-changed');
    engine.remoteInvite({ userId: 'alice' }, CallMediaType.AUDIO);
    const event = (await changed) as CustomEvent<{ oldStatus: string; newStatus: string }>;
    expect(event.detail).to.include({ oldStatus: 'idle', newStatus: 'be-invited' });
    const ended = oneEvent(el, 'ck-call-ended');
    engine.remoteCancel();
    expect(((await ended) as CustomEvent<{ cause: string }>).detail.cause).to.equal('cancelled');
    await kit.dispose();
  });

  it('dispatches per-member events for hosts (ck-user-accepted, -joined, -declined, -left) with { callId, userId }', async () => {
    const { kit, engine, el } = await setup();
    const seen: string[] = [];
    for (const type of ['ck-user-accepted', 'ck-user-joined', 'ck-user-declined', 'ck-user-left'])
      el.addEventListener(type, (e) => seen.push(`${type} ${(e as CustomEvent<{ userId: string }>).detail.userId}`));
    await kit.calls({ userIDList: ['alice', 'carol'], type: CallMediaType.AUDIO });
    const callId = kit.store.getState().callId;
    const joined = oneEvent(el, 'ck-user-joined');
    engine.remoteAccept('alice');
    expect(((await joined) as CustomEvent<{ callId: string }>).detail.callId).to.equal(callId);
    engine.remoteReject('carol');
    engine.remoteHangup('alice');
    await waitUntil(() => seen.includes('ck-user-left alice'), 'alice left');
    expect(seen).to.deep.equal(['ck-user-accepted alice', 'ck-user-joined alice', 'ck-user-declined carol', 'ck-user-left alice']);
    await kit.dispose();
  });

  it('shows why the call ended after it ended, then disappears', async () => {
    const { kit, engine, el } = await setup();
    engine.remoteInvite({ userId: 'alice' }, CallMediaType.AUDIO);
    engine.remoteCancel();
    await el.updateComplete;
    expect(kit.store.getState().toast?.key).to.equal('other-side-cancelled');
    expect(inner(el, 'call-view')).to.not.equal(null);
    await kit.dispose();
  });

  describe('settings, callbacks, themes', () => {
    it('applies its attributes to the kit settings', async () => {
      const kit = new CallKit();
      const el = await fixture<CallKitElement>(
        html`<call-kit .kit=${kit} allowed-minimized allowed-full-screen video-display-mode="contain" video-resolution="1080p" layout-mode="local" language="ja_JP"></call-kit>`,
      );
      const settings = kit.store.getState().settings;
      expect(settings).to.include({
        floatWindow: true,
        allowedFullScreen: true,
        displayMode: 'contain',
        resolution: '1080p',
        layoutMode: 'local',
        language: 'ja_JP',
      });
      expect(kit.allowedFullScreen).to.equal(true);
      el.videoDisplayMode = 'fill';
      await el.updateComplete;
      expect(kit.store.getState().settings.displayMode).to.equal('fill');
      await kit.dispose();
    });

    it('callback properties and ck-minimized-changed', async () => {
      const { kit, engine, el } = await setup();
      const calls: [boolean, boolean][] = [];
      el.onMinimized = (a, b) => calls.push([a, b]);
      await el.updateComplete;
      engine.remoteInvite({ userId: 'alice' }, CallMediaType.AUDIO);
      await kit.accept();
      const changed = oneEvent(el, 'ck-minimized-changed');
      kit.setMinimized(true);
      expect(((await changed) as CustomEvent<{ minimized: boolean }>).detail).to.deep.equal({ minimized: true });
      expect(calls).to.deep.equal([[false, true]]);
      kit.setMinimized(false);
      await kit.hangup();
      await kit.dispose();
    });

    it('speaker requests mute and unmute remote audio; poor network toasts', async () => {
      const { kit, engine, el } = await setup();
      engine.remoteInvite({ userId: 'alice', name: 'Alice' }, CallMediaType.AUDIO);
      await kit.accept();
      await el.updateComplete;
      await waitUntil(() => deepButton(el, 'Speaker') !== null, 'speaker button rendered');
      deepButton(el, 'Speaker')!.click();
      await waitUntil(() => kit.store.getState().speakerMuted, 'remote audio muted');
      engine.networkQuality({ alice: 5 });
      await waitUntil(() => kit.store.getState().toast?.key === 'network-poor-remote', 'the other side is told poor');
      engine.networkQuality({ bob: 4, '': 4 });
      await waitUntil(() => kit.store.getState().toast?.key === 'network-poor-self', 'my network is poor');
      await kit.hangup();
      await kit.dispose();
    });

    it('choosing a speaker in the call UI switches the output (settings.speakerDeviceId)', async () => {
      const kit = new CallKit();
      const engine = new SimulatedEngine({
        devices: [
          { deviceId: 'default', label: 'Default - Headset', kind: 'speaker' },
          { deviceId: 'spk-headset', label: 'Headset', kind: 'speaker' },
          { deviceId: 'spk-hdmi', label: 'HDMI', kind: 'speaker' },
        ],
      });
      await kit.init({ SDKAppID: 1, userID: 'bob', userSig: 'x', engine });
      const el = await fixture<CallKitElement>(html`<call-kit .kit=${kit}></call-kit>`);
      await kit.getDeviceList();
      engine.remoteInvite({ userId: 'alice', name: 'Alice' }, CallMediaType.AUDIO);
      await kit.accept();
      await el.updateComplete;
      await waitUntil(() => deepButton(el, 'Choose speaker') !== null, 'speaker-output button rendered');
      const chevron = deepButton(el, 'Choose speaker')!;
      chevron.click();
      const menu = chevron.parentElement!.querySelector<HTMLElement>('[part~=speaker-menu]')!;
      await waitUntil(() => menu.matches(':popover-open'), 'list open');
      const hdmi = [...menu.querySelectorAll<HTMLButtonElement>('[part~=speaker-option]')].find((o) => o.textContent!.trim() === 'HDMI')!;
      hdmi.click();
      await waitUntil(() => kit.store.getState().settings.speakerDeviceId === 'spk-hdmi', 'output switched through the kit');
      expect(engine.log.filter((l) => l.method === 'switchDevice').map((l) => l.args[0])).to.deep.equal([
        { deviceType: 'speaker', deviceId: 'spk-hdmi' },
      ]);
      expect(menu.matches(':popover-open')).to.equal(false);
      await kit.hangup();
      await kit.dispose();
    });

    it('theme="dark" and theme="light" reach the elements inside', async () => {
      const { kit, engine, el } = await setup();
      engine.remoteInvite({ userId: 'alice', name: 'Alice' }, CallMediaType.AUDIO);
      await kit.accept();
      await el.updateComplete;
      const view = inner(el, 'call-view') as HTMLElement & { updateComplete: Promise<unknown> };
      await view.updateComplete;
      const stage = () => getComputedStyle(view.shadowRoot!.querySelector('[part~=base]')!).backgroundColor;
      el.theme = 'dark';
      await el.updateComplete;
      expect(el.getAttribute('theme')).to.equal('dark');
      expect(stage()).to.equal('rgb(31, 35, 41)');
      await expect(el).to.be.accessible();
      el.theme = 'light';
      await el.updateComplete;
      expect(stage()).to.equal('rgb(238, 240, 243)');
      await expect(el).to.be.accessible();
      await kit.hangup();
      await kit.dispose();
    });
  });
});
