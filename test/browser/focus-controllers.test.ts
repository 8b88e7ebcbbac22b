/** The focus and announcement controllers that the incoming banner is built from. */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { LitElement } from 'lit';
import { focusIsInUse, deepActiveElement } from '../../src/elements/active-element.js';
import { AnnounceController, ANNOUNCE_DELAY_MS } from '../../src/elements/announce-controller.js';
import { FocusReturnController } from '../../src/elements/focus-return-controller.js';
import { KeyActivationGuard } from '../../src/elements/key-activation-guard.js';

class ControllerHost extends LitElement {
  readonly announcer = new AnnounceController(this);
  readonly focusReturn = new FocusReturnController(this);
  readonly guard = new KeyActivationGuard(this);
  override render() {
    return html`<button id="inner">inner</button><div role="status">${this.announcer.text}</div>`;
  }
}
customElements.define('ck-test-controller-host', ControllerHost);

describe('focus and announcement controllers', () => {
  it('deepActiveElement looks into shadow roots; focusIsInUse is false only for the body', async () => {
    const host = await fixture<ControllerHost>(html`<ck-test-controller-host></ck-test-controller-host>`);
    (document.activeElement as HTMLElement | null)?.blur();
    expect(focusIsInUse()).to.equal(false);
    const inner = host.shadowRoot!.querySelector<HTMLButtonElement>('#inner')!;
    inner.focus();
    expect(deepActiveElement()).to.equal(inner);
    expect(focusIsInUse()).to.equal(true);
  });

  it('AnnounceController fills the region a moment after announce(), and clears it', async () => {
    const host = await fixture<ControllerHost>(html`<ck-test-controller-host></ck-test-controller-host>`);
    const region = host.shadowRoot!.querySelector('[role=status]')!;
    const start = performance.now();
    host.announcer.announce('Incoming call');
    await host.updateComplete;
    expect(region.textContent).to.equal('');
    await waitUntil(() => region.textContent === 'Incoming call', 'announced');
    expect(performance.now() - start).to.be.at.least(ANNOUNCE_DELAY_MS - 5);
    host.announcer.announce('Second');
    host.announcer.clear();
    await host.updateComplete;
    expect(region.textContent).to.equal('');
    await new Promise((r) => setTimeout(r, ANNOUNCE_DELAY_MS * 2));
    expect(host.announcer.text, 'a cleared announcement never comes').to.equal('');
  });

  it('FocusReturnController gives focus back only when it fell to the body, and ignores its own host', async () => {
    const wrapper = await fixture<HTMLDivElement>(
      html`<div><input id="field" aria-label="f" /><button id="other">o</button><ck-test-controller-host></ck-test-controller-host></div>`,
    );
    const host = wrapper.querySelector<ControllerHost>('ck-test-controller-host')!;
    const field = wrapper.querySelector<HTMLInputElement>('#field')!;
    const inner = host.shadowRoot!.querySelector<HTMLButtonElement>('#inner')!;
    field.focus();
    host.focusReturn.remember();
    inner.focus();
    host.focusReturn.remember(); // keeps the first place
    inner.blur();
    host.focusReturn.restore();
    expect(document.activeElement).to.equal(field);
    // The user moved on meanwhile: focus stays where they put it.
    host.focusReturn.remember();
    wrapper.querySelector<HTMLButtonElement>('#other')!.focus();
    host.focusReturn.restore();
    expect(document.activeElement!.id).to.equal('other');
    // Remembering from inside the host holds nothing.
    inner.focus();
    host.focusReturn.remember();
    expect(host.focusReturn.holding).to.equal(false);
  });

  it('KeyActivationGuard refuses Enter/Space while armed or repeating, and the click that follows', async () => {
    const host = await fixture<ControllerHost>(html`<ck-test-controller-host></ck-test-controller-host>`);
    const guard = host.guard;
    guard.ms = 60_000;
    guard.arm('a');
    const down = (key: string, repeat = false) => new KeyboardEvent('keydown', { key, repeat, cancelable: true });
    const enter = down('Enter');
    expect(guard.onKeydown(enter, 'a')).to.equal(true);
    expect(enter.defaultPrevented).to.equal(true);
    expect(guard.blocks(new MouseEvent('click', { detail: 0 }), 'a'), 'its keyboard click').to.equal(true);
    expect(guard.blocks(new MouseEvent('click', { detail: 1 }), 'a'), 'a pointer click').to.equal(false);
    expect(guard.onKeydown(down('x'), 'a'), 'other keys pass').to.equal(false);
    expect(guard.onKeydown(down('Enter'), 'b'), 'an id never armed').to.equal(false);
    expect(guard.onKeydown(down('Enter', true), 'b'), 'a repeat always').to.equal(true);
    guard.retain(new Set(['b']));
    expect(guard.guarded('a'), 'forgotten').to.equal(false);
  });
});
