import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/define-all.js';
import type { CallHistory, HistoryRecord } from '../../components/call-history/call-history.js';
import { historyRow } from '../../components/call-history/call-history.js';
import { CallMediaType } from '../../src/constants.js';
import { CallBackRequestEvent } from '../../src/events/requests.js';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { CallStore } from '../../src/store/store.js';
import { background, onLightSystem, SURFACE } from '../helpers/theme.js';
import { loadLocale } from '../../src/i18n/index.js';

// The kit loads zh-cn and ja_JP on first use (src/i18n/index.ts); these tests read them at once.
await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);

const T0 = Date.UTC(2026, 11, 3, 9, 30);
const RECORDS: HistoryRecord[] = [
  // Outgoing video call bob answered, 65 s.
  {
    callId: 'c1',
    callerId: 'me',
    mediaType: 'video',
    members: [{ userId: 'bob', outcome: 'accepted' }],
    startedAt: T0,
    connectedAt: T0 + 5000,
    durationMs: 65_000,
  },
  // Incoming voice call from carol we did not answer: missed.
  {
    callId: 'c2',
    callerId: 'carol',
    mediaType: 'audio',
    members: [{ userId: 'me', outcome: 'no-answer' }],
    startedAt: T0 - 3_600_000,
    durationMs: 0,
  },
  // Outgoing call dave declined.
  {
    callId: 'c3',
    callerId: 'me',
    mediaType: 'audio',
    members: [{ userId: 'dave', outcome: 'rejected' }],
    startedAt: T0 - 7_200_000,
    durationMs: 0,
  },
];

function store(language?: string): CallStore {
  const s = new CallStore();
  s.dispatch({ type: 'login', userId: 'me', name: 'Me' });
  if (language) s.dispatch({ type: 'settings', settings: { language } });
  return s;
}

const q = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const all = (el: Element, selector: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(selector)];

describe('<call-history>', () => {
  describe('rendering', () => {
    it('says so when there are no calls', async () => {
      const el = await fixture<CallHistory>(html`<call-history .store=${store()}></call-history>`);
      expect(q(el, '[part=empty]')!.textContent).to.equal('No calls yet');
      expect(el.matches(':state(empty)')).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('lists each call with direction, media type, outcome, time, duration and a missed badge', async () => {
      const el = await fixture<CallHistory>(
        html`<call-history .store=${store()} .records=${RECORDS} .names=${{ bob: 'Bob B.' }}></call-history>`,
      );
      const items = all(el, '[part~=item]');
      expect(items.length).to.equal(3);
      expect(q(el, 'h2')!.textContent).to.equal('Recent calls');
      expect(items[0].querySelector('[part=name]')!.textContent).to.equal('Bob B.');
      expect(items[0].querySelector('[part=direction]')!.getAttribute('aria-label')).to.equal('Outgoing');
      expect(items[0].querySelector('[part=details]')!.textContent).to.match(/^Video call · Answered · .+ · 00:01:05$/);
      expect(items[1].getAttribute('part')).to.equal('item missed');
      expect(items[1].querySelector('[part=badge]')!.textContent).to.equal('Missed');
      expect(items[1].querySelector('[part=direction]')!.getAttribute('aria-label')).to.equal('Incoming');
      expect(items[1].querySelector('[part=details]')!.textContent).to.match(/^Voice call · No answer · /);
      expect(items[2].querySelector('[part=badge]')).to.equal(null);
      expect(items[2].querySelector('[part=details]')!.textContent).to.match(/Declined/);
      expect(el.matches(':state(missed)')).to.equal(true);
      const buttons = all(el, 'button');
      expect(buttons.map((b) => b.getAttribute('aria-label'))).to.deep.equal(['Call Bob B. back', 'Call carol back', 'Call dave back']);
      await expect(el).to.be.accessible();
    });

    it("shows a 1v1 peer's presence from the store (dot with an accessible text), and the host's presence over it", async () => {
      const s = store();
      const el = await fixture<CallHistory>(html`<call-history .store=${s} .records=${RECORDS}></call-history>`);
      expect(all(el, '[part~=presence]').length).to.equal(0, 'nothing before presence is known');
      s.dispatch({
        type: 'presence',
        users: [
          { userId: 'bob', status: 'online' },
          { userId: 'carol', status: 'busy' },
        ],
      });
      await el.updateComplete;
      const items = all(el, '[part~=item]');
      const dot = (i: number) => items[i].querySelector('[part~=presence]');
      expect(dot(0)!.getAttribute('part')).to.equal('presence online');
      expect(dot(0)!.getAttribute('role')).to.equal('img');
      expect(dot(0)!.getAttribute('aria-label')).to.equal('Online');
      expect(dot(1)!.getAttribute('aria-label')).to.equal('Busy (in a call)');
      expect(dot(2)).to.equal(null, 'dave: unknown');
      expect(getComputedStyle(dot(0)!).backgroundColor).to.not.equal(getComputedStyle(dot(1)!).backgroundColor);
      await expect(el).to.be.accessible();
      el.presence = { bob: 'offline' };
      await el.updateComplete;
      expect(dot(0)?.getAttribute('aria-label') ?? all(el, '[part~=presence]')[0].getAttribute('aria-label')).to.equal('Offline');
      expect(all(el, '[part~=presence]').length).to.equal(1);
      s.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
      el.presence = undefined;
      await el.updateComplete;
      expect(all(el, '[part~=presence]')[0].getAttribute('aria-label')).to.equal('在线');
    });

    it('takes the point of view of user-id over the store', () => {
      const row = historyRow(RECORDS[0], 'bob');
      expect(row.outgoing).to.equal(false);
      expect(row.peers).to.deep.equal(['me']);
      expect(row.outcome).to.equal('accepted');
      const group = historyRow(
        {
          callId: 'g',
          callerId: 'a',
          mediaType: 'audio',
          members: [
            { userId: 'me', outcome: 'cancelled' },
            { userId: 'b', outcome: 'accepted' },
          ],
          startedAt: 0,
          durationMs: 0,
        },
        'me',
      );
      expect(group).to.include({ missed: true, outcome: 'cancelled' });
      expect(group.peers).to.deep.equal(['a', 'b']);
    });
  });

  describe('events', () => {
    it('the call-back button dispatches a bubbling, composed, cancelable ck-call-back-request', async () => {
      const el = await fixture<CallHistory>(html`<call-history .store=${store()} .records=${RECORDS}></call-history>`);
      const buttons = all(el, 'button');
      setTimeout(() => buttons[0].click());
      const video = (await oneEvent(el, 'ck-call-back-request')) as CallBackRequestEvent;
      expect(video).to.be.instanceOf(CallBackRequestEvent);
      expect(video.bubbles && video.composed && video.cancelable).to.equal(true);
      expect(video.detail).to.deep.equal({ userIDList: ['bob'], type: CallMediaType.VIDEO });
      setTimeout(() => buttons[1].click());
      const audio = (await oneEvent(el, 'ck-call-back-request')) as CallBackRequestEvent;
      expect(audio.detail).to.deep.equal({ userIDList: ['carol'], type: CallMediaType.AUDIO });
    });

    it('<call-kit> calls the users back, unless the host prevents the request', async () => {
      const kit = new CallKit();
      const calls: unknown[] = [];
      kit.calls = async (params) => {
        calls.push(params);
      };
      const host = await fixture<HTMLElement>(
        html`<call-kit .kit=${kit}><call-history .store=${store()} .records=${RECORDS}></call-history></call-kit>`,
      );
      const history = host.querySelector('call-history')!;
      await history.updateComplete;
      all(history, 'button')[2].click();
      await waitUntil(() => calls.length === 1, 'callKit.calls');
      expect(calls[0]).to.deep.equal({ userIDList: ['dave'], type: CallMediaType.AUDIO });
      host.addEventListener('ck-call-back-request', (e) => e.preventDefault(), { once: true });
      all(history, 'button')[0].click();
      await new Promise((r) => setTimeout(r, 50));
      expect(calls.length).to.equal(1);
    });
  });

  describe('i18n and RTL', () => {
    it('speaks the language of the store (zh-cn, ja_JP)', async () => {
      const zh = await fixture<CallHistory>(html`<call-history .store=${store('zh-cn')} .records=${RECORDS}></call-history>`);
      expect(q(zh, 'h2')!.textContent).to.equal('最近通话');
      expect(all(zh, '[part=badge]')[0].textContent).to.equal('未接');
      const ja = await fixture<CallHistory>(html`<call-history .store=${store('ja_JP')} .records=${RECORDS}></call-history>`);
      expect(all(ja, '[part=details]')[0].textContent).to.match(/^ビデオ通話 · 応答済み/);
      await expect(ja).to.be.accessible();
    });

    it('mirrors the direction arrows right to left', async () => {
      const el = await fixture<CallHistory>(html`<div dir="rtl"><call-history .store=${store()} .records=${RECORDS}></call-history></div>`);
      const history = el.querySelector('call-history')!;
      expect(getComputedStyle(q(history, '[part=direction]')!).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
      const ltr = await fixture<CallHistory>(html`<call-history .store=${store()} .records=${RECORDS}></call-history>`);
      expect(getComputedStyle(q(ltr, '[part=direction]')!).transform).to.equal('none');
    });
  });

  describe('theme', () => {
    it('follows theme="dark" on a light system', () =>
      onLightSystem(async () => {
        const el = await fixture<CallHistory>(html`<call-history theme="dark" .store=${store()} .records=${RECORDS}></call-history>`);
        expect(background(el)).to.equal(SURFACE.dark);
        el.theme = 'light';
        await el.updateComplete;
        expect(background(el)).to.equal(SURFACE.light);
        await expect(el).to.be.accessible();
      }));
  });
});
