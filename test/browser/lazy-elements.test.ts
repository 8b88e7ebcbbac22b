/**
 * Pay for what you use (issue 18): `define.js` registers `<call-kit>`, `<incoming-banner>` and
 * `<call-avatar>` at once and the rest on first use. `<call-kit>` imports the call view while a call
 * rings (so it is there by the time the user accepts), renders it, and shows a readable error with
 * "Try again" and "Hang up" when its module fails to load. Tags an app puts in its page load when
 * they appear. This file imports only `define.js` (each test file runs in a page of its own).
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { LitElement } from 'lit';
import '../../src/define.js';
import type { CallKitElement } from '../../components/call-kit/call-kit.js';
import { CallMediaType } from '../../src/constants.js';
import { setElementImporter } from '../../src/element-loader.js';
import { LocalizeController } from '../../src/elements/localize-controller.js';
import { onLocaleRegistered, translate } from '../../src/i18n/index.js';
import { CallStore } from '../../src/store/store.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { CallKit } from '../../src/kit/call-kit-api.js';

async function setup() {
  const kit = new CallKit();
  const engine = new SimulatedEngine();
  await kit.init({ SDKAppID: 1, userID: 'bob', userSig: 'x', engine });
  const el = await fixture<CallKitElement>(html`<call-kit .kit=${kit}></call-kit>`);
  return { kit, engine, el };
}

const inner = (el: Element, selector: string) => el.shadowRoot!.querySelector(selector);
/** Chunks are fetched and compiled on a loaded machine: wait on state, generously. */
const SLOW = { timeout: 20_000 };

describe('elements loaded on first use (define.js)', () => {
  it('registers what a page needs to be called at once, the rest not yet', () => {
    for (const tag of ['call-kit', 'incoming-banner', 'call-avatar']) expect(customElements.get(tag), tag).to.not.equal(undefined);
    for (const tag of [
      'call-view',
      'participant-tile',
      'feature-buttons',
      'float-window',
      'device-picker',
      'device-check',
      'invite-panel',
    ]) {
      expect(customElements.get(tag), tag).to.equal(undefined);
    }
  });

  it('a call view that fails to load shows a readable error with "Try again" and "Hang up", not a stuck UI', async () => {
    let attempts = 0;
    setElementImporter(() => {
      attempts += 1;
      return Promise.reject(new TypeError('Failed to fetch dynamically imported module: /call-view.js'));
    });
    const { kit, engine, el } = await setup();
    const error = oneEvent(el, 'ck-error');
    engine.remoteInvite({ userId: 'alice', name: 'Alice' }, CallMediaType.VIDEO);
    // The import failed while ringing (the prefetch): the host hears why.
    expect((await error).detail.message).to.contain('Could not load <call-view>');
    await kit.accept();
    await waitUntil(() => inner(el, '[part~="load-error"]'), 'the load error instead of the call view', SLOW);
    expect(inner(el, 'call-view')).to.equal(null);
    const alert = inner(el, '[part~="load-error"]')!;
    expect(alert.getAttribute('role')).to.equal('alert');
    expect(alert.textContent).to.contain('Could not load the call screen');
    await expect(el).to.be.accessible();
    // "Try again" imports again (still failing here: the error stays, readable).
    const before = attempts;
    (inner(el, 'button[part~="load-retry"]') as HTMLButtonElement).click();
    await waitUntil(() => attempts === before + 1 && inner(el, '[part~="load-error"]'), 'tried again, error shown again', SLOW);
    // "Hang up" ends the call the user cannot see.
    (inner(el, 'button[part~="load-hangup"]') as HTMLButtonElement).click();
    await waitUntil(() => kit.store.getState().status === 'idle', 'hung up from the load error', SLOW);
    expect(engine.log.some((l) => l.method === 'hangup')).to.equal(true);
    await kit.dispose();
  });

  it('imports the call view while the call rings, so it is defined before the user accepts', async () => {
    setElementImporter(undefined);
    const { kit, engine, el } = await setup();
    expect(customElements.get('call-view')).to.equal(undefined);
    engine.remoteInvite({ userId: 'alice', name: 'Alice' }, CallMediaType.VIDEO);
    await waitUntil(() => customElements.get('call-view'), 'call-view registered while ringing', SLOW);
    expect(kit.store.getState().status).to.equal('calling');
    expect(customElements.get('participant-tile') && customElements.get('feature-buttons')).to.not.equal(undefined);
    await kit.accept();
    await el.updateComplete;
    const view = inner(el, 'call-view')!;
    expect(view.shadowRoot, 'upgraded at once').to.not.equal(null);
    expect(inner(el, '[part~="load-error"]')).to.equal(null);
    await kit.hangup();
    await kit.dispose();
  });

  it('a float window that fails to load shows the same error while minimized; "Try again" loads it', async () => {
    setElementImporter(() => Promise.reject(new TypeError('Failed to fetch dynamically imported module: /float-window.js')));
    const { kit, engine, el } = await setup();
    kit.enableFloatWindow(true);
    engine.remoteInvite({ userId: 'alice', name: 'Alice' }, CallMediaType.VIDEO);
    await kit.accept();
    kit.setMinimized(true);
    await waitUntil(() => inner(el, '[part~="load-error"]'), 'the load error instead of the float window', SLOW);
    expect(inner(el, 'float-window')).to.equal(null);
    setElementImporter(undefined);
    (inner(el, 'button[part~="load-retry"]') as HTMLButtonElement).click();
    await waitUntil(
      () => customElements.get('float-window') && inner(el, 'float-window')?.shadowRoot,
      'the float window after "Try again"',
      SLOW,
    );
    expect(inner(el, '[part~="load-error"]')).to.equal(null);
    await kit.hangup();
    await kit.dispose();
  });

  it('an element starts loading its language when it connects, before it translates anything', async () => {
    const store = new CallStore();
    store.dispatch({ type: 'settings', settings: { language: 'ja_JP' } });
    class Quiet extends LitElement {
      localize = new LocalizeController(this, store);
      override render() {
        return html`<p>no text</p>`;
      }
    }
    customElements.define('quiet-localized', Quiet);
    // (No translate() here: a lookup would start the load itself.)
    const arrived: string[] = [];
    const stop = onLocaleRegistered((code) => arrived.push(code));
    await fixture(html`<quiet-localized></quiet-localized>`);
    await waitUntil(() => arrived.includes('ja_JP'), 'ja_JP loaded without a lookup', SLOW);
    stop();
    expect(translate('ja_JP', 'reconnect-retry')).to.equal('再試行');
  });

  it('a tag the app puts in its page registers when it appears', async () => {
    const picker = document.createElement('device-picker');
    document.body.append(picker);
    await waitUntil(() => customElements.get('device-picker') && picker.shadowRoot, '<device-picker> upgraded', SLOW);
    picker.remove();
  });
});
