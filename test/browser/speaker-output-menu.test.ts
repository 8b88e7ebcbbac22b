import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/define-all.js';
import type { SpeakerOutputMenu } from '../../components/speaker-output-menu/speaker-output-menu.js';
import { DeviceRequestEvent } from '../../src/events/requests.js';
import { CallStore } from '../../src/store/store.js';

// Its keyboard, focus, popover and i18n behaviour is tested where the kit shows it: feature-buttons.test.ts.
describe('<speaker-output-menu>', () => {
  const q = <T extends Element = HTMLElement>(el: Element, s: string) => el.shadowRoot!.querySelector<T>(s);

  it('renders nothing without speakers in the store', async () => {
    const el = await fixture<SpeakerOutputMenu>(html`<speaker-output-menu .store=${new CallStore()}></speaker-output-menu>`);
    expect(q(el, 'button')).to.equal(null);
  });

  it('on its own (any store, no call needed): opens the list, a choice requests the output', async () => {
    const store = new CallStore();
    store.dispatch({
      type: 'devices',
      devices: [
        { deviceId: 'default', label: 'Default - Desk speakers', kind: 'speaker' },
        { deviceId: 'spk-1', label: 'Desk speakers', kind: 'speaker' },
        { deviceId: 'spk-2', label: 'Headset', kind: 'speaker' },
      ],
    });
    const el = await fixture<SpeakerOutputMenu>(html`<speaker-output-menu .store=${store}></speaker-output-menu>`);
    const button = q<HTMLButtonElement>(el, 'button.speaker-output')!;
    expect(button.getAttribute('aria-label')).to.equal('Choose speaker');
    button.click();
    await waitUntil(() => el.matches(':state(open)'), 'open');
    const options = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~=speaker-option]')];
    expect(options.map((o) => o.textContent!.trim())).to.deep.equal(['System default (Desk speakers)', 'Desk speakers', 'Headset']);
    await expect(el).to.be.accessible();
    setTimeout(() => options[2]!.click());
    const event = await oneEvent(el, DeviceRequestEvent.eventName);
    expect(event.detail).to.deep.equal({ kind: 'speaker', deviceId: 'spk-2' });
    await waitUntil(() => !el.matches(':state(open)'), 'closed');
  });
});
