import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define-all.js';
import type { InvitePanel } from '../../components/invite-panel/invite-panel.js';
import { CallMediaType, CallRole } from '../../src/constants.js';
import { CallStore } from '../../src/store/store.js';
import { background, onLightSystem, SURFACE } from '../helpers/theme.js';
import { loadLocale } from '../../src/i18n/index.js';

// The kit loads zh-cn and ja_JP on first use (src/i18n/index.ts); these tests read them at once.
await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);

const PEOPLE = ['bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'ken'].map((userId) => ({
  userId,
  name: userId[0]!.toUpperCase() + userId.slice(1),
}));

/** Alice in a connected call with `accepted` (and `ringing`, still ringing). */
function inCall(accepted: string[], ringing: string[] = []): CallStore {
  const store = new CallStore();
  store.dispatch({ type: 'login', userId: 'alice', name: 'Alice' });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLER,
    callId: 'c1',
    mediaType: CallMediaType.VIDEO,
    callerId: 'alice',
    members: [
      ...accepted.map((userId) => ({ userId, status: 'accepted' as const })),
      ...ringing.map((userId) => ({ userId, status: 'ringing' as const })),
    ],
  });
  store.dispatch({ type: 'call-connected' });
  return store;
}

const boxes = (el: InvitePanel) => [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type=checkbox]')];
const labelOf = (box: HTMLInputElement) => box.closest('label')!.textContent!.replace(/\s+/g, ' ').trim();
const q = <T extends Element = HTMLElement>(el: InvitePanel, s: string) => el.shadowRoot!.querySelector<T>(s);

async function panel(store: CallStore, candidates = PEOPLE.slice(0, 5), attrs = ''): Promise<InvitePanel> {
  const el = await fixture<InvitePanel>(html`<invite-panel .store=${store} .candidates=${candidates}></invite-panel>`);
  if (attrs) el.setAttribute('dir', attrs);
  await el.updateComplete;
  return el;
}

describe('<invite-panel>', () => {
  describe('rendering', () => {
    it('lists the candidates; members in the call (accepted or ringing) are checked and disabled', async () => {
      const el = await panel(inCall(['bob'], ['carol']));
      expect(q(el, '[part~=title]')!.textContent).to.equal('Add people to the call');
      expect(boxes(el).map(labelOf)).to.deep.equal(['Bob (In the call)', 'Carol (In the call)', 'Dave', 'Erin', 'Frank']);
      expect(boxes(el).map((b) => [b.checked, b.disabled])).to.deep.equal([
        [true, true],
        [true, true],
        [false, false],
        [false, false],
        [false, false],
      ]);
      expect(q<HTMLButtonElement>(el, '.submit')!.disabled, 'nothing picked: Invite disabled').to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('says so when there is nobody to invite', async () => {
      const el = await panel(inCall(['bob']), []);
      expect(q(el, '[part~=status]')!.textContent).to.equal('No one to invite');
    });

    it('stops at 9 people: the rest are disabled and the limit is said', async () => {
      // Alice + 7 in the call = 8: one more may be picked.
      const el = await panel(inCall(PEOPLE.slice(0, 7).map((p) => p.userId)), PEOPLE);
      const free = () => boxes(el).filter((b) => !b.disabled && !b.checked);
      expect(free()).to.have.length(3);
      free()[0]!.click();
      await el.updateComplete;
      expect(free(), 'full: nobody else').to.have.length(0);
      expect(q(el, '[role=status]')!.textContent).to.equal('A call has at most 9 people');
      expect(
        boxes(el).filter((b) => b.checked && !b.disabled),
        'the picked one can still be unpicked',
      ).to.have.length(1);
    });
  });

  describe('events', () => {
    it('Invite sends the picked people (not those already in the call) and clears the choice', async () => {
      const el = await panel(inCall(['bob']));
      boxes(el)[2]!.click();
      boxes(el)[4]!.click();
      await el.updateComplete;
      expect(q(el, '[role=status]')!.textContent).to.equal('2 people selected');
      const request = oneEvent(el, 'ck-invite-request');
      q<HTMLButtonElement>(el, '.submit')!.click();
      const event = await request;
      expect(event.detail).to.deep.equal({ userIDList: ['dave', 'frank'] });
      expect(event.bubbles && event.composed && event.cancelable).to.equal(true);
      await el.updateComplete;
      expect(boxes(el).filter((b) => b.checked && !b.disabled)).to.have.length(0);
    });

    it('Cancel and Escape send ck-invite-cancel', async () => {
      const el = await panel(inCall(['bob']));
      let cancels = 0;
      el.addEventListener('ck-invite-cancel', () => cancels++);
      q<HTMLButtonElement>(el, '.cancel')!.click();
      expect(cancels).to.equal(1);
      boxes(el)[2]!.focus();
      await sendKeys({ press: 'Escape' });
      expect(cancels).to.equal(2);
    });

    it('works from the keyboard: Space picks, Tab reaches Invite, Enter invites', async () => {
      const el = await panel(inCall(['bob']), PEOPLE.slice(0, 3));
      boxes(el)[2]!.focus();
      await sendKeys({ press: 'Space' });
      await el.updateComplete;
      expect(boxes(el)[2]!.checked).to.equal(true);
      const request = oneEvent(el, 'ck-invite-request');
      await sendKeys({ press: 'Tab' }); // Cancel
      await sendKeys({ press: 'Tab' }); // Invite
      await sendKeys({ press: 'Enter' });
      expect((await request).detail).to.deep.equal({ userIDList: ['dave'] });
    });
  });

  describe('i18n and RTL', () => {
    it('zh-cn, with plural-aware counts in English', async () => {
      const store = inCall(['bob']);
      const el = await panel(store);
      boxes(el)[2]!.click();
      await el.updateComplete;
      expect(q(el, '[role=status]')!.textContent).to.equal('1 person selected');
      store.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
      await el.updateComplete;
      expect(q(el, '[part~=title]')!.textContent).to.equal('邀请成员加入通话');
      expect(q(el, '[role=status]')!.textContent).to.equal('已选择 1 人');
      expect(q(el, '.submit')!.textContent).to.equal('邀请');
    });

    it('lays out right to left under dir="rtl"', async () => {
      const el = await panel(inCall(['bob']), PEOPLE.slice(0, 3), 'rtl');
      const cancel = q(el, '.cancel')!.getBoundingClientRect();
      const submit = q(el, '.submit')!.getBoundingClientRect();
      expect(getComputedStyle(q(el, '[part~=base]')!).direction).to.equal('rtl');
      expect(submit.left, 'Invite at the inline end: left of Cancel').to.be.below(cancel.left);
      await expect(el).to.be.accessible();
    });
  });

  describe('theme', () => {
    it('follows the theme of the <call-kit> named by call-kit (dark on a light system)', () =>
      onLightSystem(async () => {
        const wrap = await fixture<HTMLElement>(html`<div>
          <call-kit id="kit-theme" theme="dark"></call-kit>
          <invite-panel call-kit="kit-theme" .store=${inCall(['bob'])} .candidates=${PEOPLE.slice(0, 3)}></invite-panel>
        </div>`);
        const el = wrap.querySelector<InvitePanel>('invite-panel')!;
        await el.updateComplete;
        expect(background(el)).to.equal(SURFACE.dark);
        await expect(el).to.be.accessible();
        wrap.querySelector('call-kit')!.setAttribute('theme', 'light');
        await new Promise((r) => requestAnimationFrame(r));
        expect(background(el)).to.equal(SURFACE.light);
      }));
  });
});
