import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define-all.js';
import type { CallView } from '../../components/call-view/call-view.js';
import type { FeatureButtons } from '../../components/feature-buttons/feature-buttons.js';
import type { ParticipantTile } from '../../components/participant-tile/participant-tile.js';
import { CallMediaType, CallRole, LayoutMode } from '../../src/constants.js';
import {
  AcceptRequestEvent,
  CameraRequestEvent,
  HangupRequestEvent,
  MicrophoneRequestEvent,
  SpeakerRequestEvent,
} from '../../src/events/requests.js';
import { CallStore } from '../../src/store/store.js';
import { animationsSettled } from '../helpers/settle.js';
import { avatarShows } from '../helpers/avatar.js';
import { loadLocale } from '../../src/i18n/index.js';

// The kit loads zh-cn and ja_JP on first use (src/i18n/index.ts); these tests read them at once.
await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);

type Media = (typeof CallMediaType)['AUDIO' | 'VIDEO'];

function ringing(store: CallStore, mediaType: Media = CallMediaType.VIDEO): void {
  store.dispatch({ type: 'login', userId: 'bob', name: 'Bob' });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLEE,
    callId: 'call-1',
    mediaType,
    callerId: 'alice',
    members: [{ userId: 'alice', name: 'Alice', status: 'accepted' }],
  });
}

function dialing(store: CallStore, mediaType: Media = CallMediaType.VIDEO, members = [{ userId: 'bob', name: 'Bob' }]): void {
  store.dispatch({ type: 'login', userId: 'alice', name: 'Alice' });
  store.dispatch({ type: 'call-start', role: CallRole.CALLER, callId: 'call-1', mediaType, callerId: 'alice', members });
}

function connect(store: CallStore, flowing = true): void {
  for (const m of store.getState().members) store.dispatch({ type: 'member-upsert', userId: m.userId, status: 'accepted' });
  store.dispatch({ type: 'call-connected' });
  // Remote media arrived (an empty stream object is enough for the view): past the connecting state.
  if (flowing)
    for (const m of store.getState().members)
      if (!m.stream) store.dispatch({ type: 'member-stream', userId: m.userId, stream: new MediaStream() });
}

const q = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const tiles = (el: CallView) => [...el.shadowRoot!.querySelectorAll<ParticipantTile>('participant-tile')];
const tileIn = (el: CallView, part: string) => q<ParticipantTile>(el, `[part~=${part}] participant-tile`);
const buttonsOf = (el: CallView) => q<FeatureButtons>(el, 'feature-buttons')!;
const buttonLabels = (el: CallView) => [...buttonsOf(el).shadowRoot!.querySelectorAll('button')].map((b) => b.getAttribute('aria-label'));

async function render(store: CallStore, dir?: string): Promise<CallView> {
  const el = await fixture<CallView>(html`<call-view dir=${dir ?? 'ltr'} style="width: 640px; height: 480px" .store=${store}></call-view>`);
  await settle(el);
  return el;
}

/** Waits for the view and the elements inside it to render. */
async function settle(el: CallView): Promise<void> {
  await el.updateComplete;
  for (const child of el.shadowRoot!.querySelectorAll<ParticipantTile | FeatureButtons>('participant-tile, feature-buttons')) {
    await child.updateComplete;
  }
}

describe('<call-view>', () => {
  let streams: MediaStream[] = [];
  afterEach(() => {
    for (const s of streams) for (const t of s.getTracks()) t.stop();
    streams = [];
  });
  async function camera(): Promise<MediaStream> {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
    streams.push(stream);
    return stream;
  }

  describe('rendering', () => {
    it('renders only an empty status region while idle or without a store', async () => {
      const bare = await fixture<CallView>(html`<call-view></call-view>`);
      expect(q(bare, '[part~=base]')).to.equal(null);
      const el = await render(new CallStore());
      expect(q(el, '[part~=base]')).to.equal(null);
      expect(q(el, '[role=status]')!.textContent).to.equal('');
      expect(el.matches(':state(idle)')).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('ringing: the caller, the call type, accept / decline', async () => {
      const store = new CallStore();
      ringing(store);
      const el = await render(store);
      expect(q(el, '[part~=name]')!.textContent).to.equal('Alice');
      expect(q(el, '[part~=tip]')!.textContent).to.equal('invites you to a video call');
      expect(buttonLabels(el)).to.deep.equal(['Decline', 'Accept as voice call', 'Accept']);
      expect(q(el, '[part~=timer]')).to.equal(null);
      expect(el.matches(':state(ringing)')).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('dialing a voice call: callee avatar, name and "waiting" tip', async () => {
      const store = new CallStore();
      dialing(store, CallMediaType.AUDIO);
      const el = await render(store);
      expect(await avatarShows(q(el, '[part~=avatar]')!)).to.deep.equal({ initial: 'B' });
      expect(q(el, '[part~=name]')!.textContent).to.equal('Bob');
      expect(q(el, '[part~=tip]')!.textContent).to.equal('Waiting for the other side to answer…');
      expect(buttonLabels(el)).to.deep.equal(['Microphone', 'Hang up']);
      expect(el.matches(':state(dialing)') && el.matches(':state(audio)')).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('dialing a video call: over the local video', async () => {
      const stream = await camera();
      const store = new CallStore();
      dialing(store);
      store.dispatch({ type: 'self-media', video: true, stream });
      const el = await render(store);
      const backdrop = tileIn(el, 'backdrop')!;
      expect(backdrop.userId).to.equal('alice');
      const video = backdrop.shadowRoot!.querySelector('video')!;
      await waitUntil(() => video.videoWidth > 0, 'local preview plays');
      // The tile shows the video (not its avatar) once a frame was painted: the tip sits over it.
      await waitUntil(() => backdrop.matches(':state(video)'), 'the backdrop shows the first frame');
      expect(q(el, '[part~=name]')!.textContent).to.equal('Bob');
      expect(q(el, '[part~=base]')!.classList.contains('over-video')).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('shows the store tip instead of the default one', async () => {
      const store = new CallStore();
      dialing(store, CallMediaType.AUDIO);
      store.dispatch({ type: 'tip', tip: { key: 'wait-to-be-called' } });
      const el = await render(store);
      expect(q(el, '[part~=tip]')!.textContent).to.equal('Waiting for the others to answer…');
    });

    it('connected 1v1 video: remote large, local picture-in-picture, timer', async () => {
      const stream = await camera();
      const store = new CallStore();
      dialing(store);
      connect(store);
      store.dispatch({ type: 'self-media', audio: true, video: true, stream });
      store.dispatch({ type: 'member-stream', userId: 'bob', stream: stream.clone() });
      store.dispatch({ type: 'member-media', userId: 'bob', audio: true, video: true });
      const el = await render(store);
      expect(tileIn(el, 'main')!.userId).to.equal('bob');
      expect(tileIn(el, 'pip')!.userId).to.equal('alice');
      expect(q(el, '[part~=timer]')!.textContent).to.contain('00:00:00');
      expect(q(el, '[part~=timer]')!.getAttribute('role')).to.equal('timer');
      expect(q(el, '[part~=timer]')!.textContent).to.contain('Call duration');
      expect(el.matches(':state(connected)') && el.matches(':state(video)')).to.equal(true);
      const remoteVideo = tileIn(el, 'main')!.shadowRoot!.querySelector('video')!;
      await waitUntil(() => remoteVideo.videoWidth > 0, 'remote video plays');
      const pip = q(el, '[part~=pip]')!.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      expect(pip.width).to.be.lessThan(box.width / 2);
      expect(pip.right, 'pip at the inline end (right)').to.be.greaterThan(box.left + box.width * 0.75);
      await expect(el).to.be.accessible();
    });

    it('settings.layoutMode "local" puts the local video large', async () => {
      const store = new CallStore({ layoutMode: LayoutMode.LOCAL_LARGE });
      dialing(store);
      connect(store);
      const el = await render(store);
      expect(tileIn(el, 'main')!.userId).to.equal('alice');
      expect(tileIn(el, 'pip')!.userId).to.equal('bob');
    });

    it('a camera that is off shows the avatar', async () => {
      const stream = await camera();
      const store = new CallStore();
      dialing(store);
      connect(store);
      store.dispatch({ type: 'member-stream', userId: 'bob', stream });
      store.dispatch({ type: 'member-media', userId: 'bob', audio: false, video: true });
      const el = await render(store);
      const main = tileIn(el, 'main')!;
      const video = main.shadowRoot!.querySelector<HTMLElement>('[part~=video]');
      expect(video).to.not.equal(null);
      store.dispatch({ type: 'member-media', userId: 'bob', video: false });
      await settle(el);
      expect(main.shadowRoot!.querySelector('[part~=video]') === video, 'the same <video>, under the avatar').to.equal(true);
      expect(getComputedStyle(video!).visibility).to.equal('hidden');
      expect(await avatarShows(main.shadowRoot!.querySelector('[part~=avatar]')!)).to.deep.equal({ initial: 'B' });
      expect(main.shadowRoot!.querySelector('[part~=status] [role=img]')!.getAttribute('aria-label')).to.equal('Microphone is off');
      expect(q(el, '[part~=base]')!.classList.contains('over-video')).to.equal(false);
      await expect(el).to.be.accessible();
    });

    it('connected voice call: the other side avatar, no picture-in-picture', async () => {
      const store = new CallStore();
      dialing(store, CallMediaType.AUDIO);
      connect(store);
      store.dispatch({ type: 'member-media', userId: 'bob', audio: true });
      const el = await render(store);
      const main = tileIn(el, 'main')!;
      expect(main.userId).to.equal('bob');
      expect(main.shadowRoot!.querySelector('[part~=avatar]')).to.not.equal(null);
      expect(q(el, '[part~=pip]')).to.equal(null);
      expect(buttonLabels(el)).to.deep.equal(['Microphone', 'Speaker', 'Hang up']);
      await expect(el).to.be.accessible();
    });

    it('group: a grid with a tile per member', async () => {
      const store = new CallStore();
      dialing(store, CallMediaType.VIDEO, [
        { userId: 'bob', name: 'Bob' },
        { userId: 'carol', name: 'Carol' },
      ]);
      const el = await render(store);
      expect(tiles(el).map((t) => t.userId)).to.deep.equal(['alice', 'bob', 'carol']);
      expect(q(el, '[part~=grid]')!.getAttribute('aria-label')).to.equal('3 people in the call');
      expect(el.matches(':state(group)')).to.equal(true);
      store.dispatch({ type: 'member-remove', userId: 'carol' });
      connect(store);
      await settle(el);
      expect(tiles(el).map((t) => t.userId)).to.deep.equal(['alice', 'bob']);
      expect(q(el, '[part~=grid]')!.getAttribute('aria-label')).to.equal('2 people in the call');
      await expect(el).to.be.accessible();
    });

    it('volume ticks do not re-render the view', async () => {
      const store = new CallStore();
      dialing(store);
      connect(store);
      const el = await render(store);
      let renders = 0;
      const render0 = el.render.bind(el);
      el.render = () => {
        renders++;
        return render0();
      };
      store.dispatch({ type: 'volumes', volumes: { bob: 50, '': 30 } });
      await el.updateComplete;
      expect(renders).to.equal(0);
    });
  });

  describe('timer', () => {
    it('ticks every second while connected, and stops on hang-up and on removal', async () => {
      const pending = new Map<number, number>();
      const realSet = window.setTimeout;
      const realClear = window.clearTimeout;
      const patched = window as unknown as { setTimeout: unknown; clearTimeout: unknown };
      patched.setTimeout = (fn: () => void, ms?: number) => {
        const id: number = realSet(() => {
          pending.delete(id);
          fn();
        }, ms);
        pending.set(id, ms ?? 0);
        return id;
      };
      patched.clearTimeout = (id: number) => {
        pending.delete(id);
        realClear(id);
      };
      const clockTimers = () => [...pending.values()].filter((ms) => ms > 500 && ms <= 1005).length;
      try {
        const store = new CallStore();
        dialing(store, CallMediaType.AUDIO);
        const el = await render(store);
        expect(clockTimers(), 'no clock while dialing').to.equal(0);
        connect(store);
        await settle(el);
        const timer = q(el, '[part~=timer]')!;
        expect(timer.textContent).to.contain('00:00:00');
        expect(clockTimers()).to.equal(1);
        await waitUntil(() => timer.textContent!.includes('00:00:01'), 'one second later', { timeout: 2500 });
        expect(clockTimers(), 'one clock at a time').to.equal(1);

        store.dispatch({ type: 'call-reset' });
        await settle(el);
        expect(q(el, '[part~=timer]')).to.equal(null);
        expect(clockTimers(), 'stopped after the call').to.equal(0);

        dialing(store, CallMediaType.AUDIO);
        connect(store);
        await settle(el);
        expect(clockTimers()).to.equal(1);
        el.remove();
        expect(clockTimers(), 'stopped when removed').to.equal(0);
        document.body.append(el);
        await settle(el);
        expect(clockTimers(), 'restarted when attached again').to.equal(1);
        el.remove();
      } finally {
        patched.setTimeout = realSet;
        patched.clearTimeout = realClear;
      }
    });
  });

  describe('toasts', () => {
    it('shows the toast in a live region that outlives the call', async () => {
      const store = new CallStore();
      dialing(store);
      connect(store);
      const el = await render(store);
      const region = q(el, '[part~=toast]')!;
      expect(region.getAttribute('role')).to.equal('status');
      expect(region.textContent).to.equal('');
      store.dispatch({ type: 'toast', toast: { key: 'no-camera-access', type: 'error' } });
      await el.updateComplete;
      expect(region.textContent).to.equal('The camera is blocked. Allow access to it in your browser settings.');
      expect(region.dataset.type).to.equal('error');
      await animationsSettled(el);
      await expect(el).to.be.accessible();

      store.dispatch({ type: 'call-reset' });
      store.dispatch({ type: 'toast', toast: { key: 'other-side-hangup', type: 'info' } });
      await el.updateComplete;
      expect(q(el, '[part~=toast]'), 'the same live region').to.equal(region);
      expect(region.textContent).to.equal('The other side hung up');
      store.dispatch({ type: 'toast', toast: { key: 'call-failed', params: { message: 'no route' }, type: 'error' } });
      await el.updateComplete;
      expect(region.textContent).to.equal('The call failed: no route');
      await animationsSettled(el);
      await expect(el).to.be.accessible();
    });
  });

  it('exports every <feature-buttons> part, the speaker-output list included, for ::part styling', async () => {
    const store = new CallStore();
    dialing(store, CallMediaType.AUDIO);
    connect(store);
    store.dispatch({ type: 'devices', devices: [{ deviceId: 'spk-1', label: 'Headset', kind: 'speaker' }] });
    const sheet = document.createElement('style');
    sheet.textContent = `
      call-view::part(speaker) { outline-color: rgb(1, 2, 3); }
      call-view::part(speaker-output) { outline-color: rgb(4, 5, 6); }
      call-view::part(speaker-menu) { outline-color: rgb(7, 8, 9); }
      call-view::part(hangup) { outline-color: rgb(10, 11, 12); }`;
    document.head.append(sheet);
    try {
      const el = await render(store);
      const inner = buttonsOf(el);
      await inner.updateComplete;
      const color = (selector: string) => getComputedStyle(inner.shadowRoot!.querySelector(selector)!).outlineColor;
      // The list of outputs is <speaker-output-menu> inside <feature-buttons>: its parts go through both.
      const menu = inner.shadowRoot!.querySelector<HTMLElement & { updateComplete: Promise<unknown> }>('speaker-output-menu')!;
      await menu.updateComplete;
      const menuColor = (selector: string) => getComputedStyle(menu.shadowRoot!.querySelector(selector)!).outlineColor;
      expect(color('button.speaker')).to.equal('rgb(1, 2, 3)');
      expect(menuColor('button.speaker-output')).to.equal('rgb(4, 5, 6)');
      expect(menuColor('[part~=speaker-menu]')).to.equal('rgb(7, 8, 9)');
      expect(color('button.hangup')).to.equal('rgb(10, 11, 12)');
    } finally {
      sheet.remove();
    }
  });

  describe('events', () => {
    it('the buttons inside send their requests out of the view', async () => {
      const store = new CallStore();
      dialing(store);
      connect(store);
      const el = await render(store);
      const buttons = buttonsOf(el);
      setTimeout(() => buttons.shadowRoot!.querySelector<HTMLButtonElement>('button.hangup')!.click());
      const hangup = await oneEvent(document, HangupRequestEvent.eventName);
      expect(hangup.composed).to.equal(true);
      buttons.shadowRoot!.querySelector<HTMLButtonElement>('button.microphone')!.focus();
      setTimeout(() => void sendKeys({ press: 'Space' }));
      expect((await oneEvent(el, MicrophoneRequestEvent.eventName)).detail).to.deep.equal({ enabled: true });
    });

    it('accept while ringing', async () => {
      const store = new CallStore();
      ringing(store);
      const el = await render(store);
      setTimeout(() => buttonsOf(el).shadowRoot!.querySelector<HTMLButtonElement>('button.accept')!.click());
      expect((await oneEvent(el, AcceptRequestEvent.eventName)).detail).to.deep.equal({ audioOnly: false, callId: 'call-1' });
    });

    it('lets hosts replace the controls', async () => {
      const store = new CallStore();
      dialing(store);
      const el = await fixture<CallView>(html`<call-view .store=${store}><div slot="controls">mine</div></call-view>`);
      const slot = q<HTMLSlotElement>(el, 'slot[name=controls]')!;
      expect(slot.assignedElements()[0]!.textContent).to.equal('mine');
    });
  });

  describe('i18n and RTL', () => {
    it('switches language with the store setting', async () => {
      const store = new CallStore();
      dialing(store, CallMediaType.AUDIO);
      const el = await render(store);
      store.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
      await settle(el);
      expect(q(el, '[part~=tip]')!.textContent).to.equal('正在等待对方接听…');
      expect(buttonLabels(el)).to.deep.equal(['麦克风', '挂断']);
      expect(q(el, '[part~=base]')!.getAttribute('lang')).to.equal('zh-CN');
      connect(store);
      await settle(el);
      expect(q(el, '[part~=timer]')!.textContent).to.contain('通话时长');
      await expect(el).to.be.accessible();
    });

    it('puts the picture-in-picture at the inline end under dir="rtl"', async () => {
      const store = new CallStore();
      dialing(store);
      connect(store);
      const el = await render(store, 'rtl');
      const pip = q(el, '[part~=pip]')!.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      expect(pip.left, 'pip at the inline end (left)').to.be.lessThan(box.left + box.width * 0.25);
      expect(getComputedStyle(q(el, '[part~=base]')!).direction).to.equal('rtl');
      await expect(el).to.be.accessible();
    });
  });

  describe('connecting, layout, focus and keyboard', () => {
    it('connecting: after the answer and until remote media arrives, a spinner and "Connecting…"', async () => {
      const store = new CallStore();
      dialing(store);
      connect(store, false);
      const el = await render(store);
      expect(el.matches(':state(connecting)')).to.equal(true);
      expect(q(el, '[part~=connecting] [part~=name]')!.textContent).to.equal('Bob');
      expect(q(el, '[part~=connecting] [part~=tip]')!.textContent!.trim()).to.equal('Connecting…');
      expect(q(el, '[part~=pip]')).to.equal(null);
      await expect(el).to.be.accessible();
      store.dispatch({ type: 'member-stream', userId: 'bob', stream: new MediaStream() });
      await settle(el);
      expect(el.matches(':state(connecting)')).to.equal(false);
      expect(q(el, '[part~=connecting]')).to.equal(null);
      expect(tileIn(el, 'pip')!.userId).to.equal('alice');
    });

    it('answered, media path not connected yet (status calling, store.connecting): "Connecting…", hang up, no timer, no accept', async () => {
      for (const [who, setUp, peer] of [
        ['callee', ringing, 'Alice'],
        ['caller', dialing, 'Bob'],
      ] as const) {
        const store = new CallStore();
        setUp(store);
        if (who === 'caller') store.dispatch({ type: 'member-upsert', userId: 'bob', status: 'accepted' });
        store.dispatch({ type: 'call-connecting' });
        const el = await render(store);
        expect(store.getState().status, who).to.equal('calling');
        expect(el.matches(':state(connecting)'), who).to.equal(true);
        expect(el.matches(':state(ringing)') || el.matches(':state(dialing)'), who).to.equal(false);
        expect(q(el, '[part~=connecting] [part~=name]')!.textContent, who).to.equal(peer);
        expect(q(el, '[part~=connecting] [part~=tip]')!.textContent!.trim(), who).to.equal('Connecting…');
        expect(q(el, '[part~=timer]'), `${who}: no timer before the media path`).to.equal(null);
        const labels = buttonLabels(el);
        expect(labels, who).to.include('Hang up');
        expect(labels, who).not.to.include('Accept');
        expect(labels, who).not.to.include('Decline');
        await expect(el).to.be.accessible();
        store.dispatch({ type: 'call-connected' });
        await settle(el);
        expect(q(el, '[part~=timer]'), `${who}: the timer starts once connected`).not.to.equal(null);
      }
    });

    it('the small video is a button that swaps the large and small videos; layout-mode wins over the store', async () => {
      const store = new CallStore();
      dialing(store);
      connect(store);
      const el = await render(store);
      const swap = q<HTMLButtonElement>(el, '[part~=swap-button]')!;
      expect(swap.localName).to.equal('button');
      expect(swap.getAttribute('aria-label')).to.equal('Swap the large and small videos');
      await expect(el).to.be.accessible();
      swap.click();
      await settle(el);
      expect(el.layoutMode).to.equal(LayoutMode.LOCAL_LARGE);
      expect(el.getAttribute('layout-mode')).to.equal('local');
      expect(tileIn(el, 'main')!.userId).to.equal('alice');
      expect(tileIn(el, 'pip')!.userId).to.equal('bob');
      // Keyboard: the swap button is focusable and activates with Enter.
      q<HTMLButtonElement>(el, '[part~=swap-button]')!.focus();
      await sendKeys({ press: 'Enter' });
      await settle(el);
      expect(tileIn(el, 'main')!.userId).to.equal('bob');
      el.setAttribute('layout-mode', 'local');
      await settle(el);
      expect(tileIn(el, 'main')!.userId).to.equal('alice');
    });

    it('group: 2 columns up to 4 tiles, 3 up to 9; a tile button focuses a member', async () => {
      const store = new CallStore();
      const members = ['bob', 'carol', 'dave', 'erin', 'frank'].map((userId) => ({ userId, name: userId.toUpperCase() }));
      dialing(store, CallMediaType.VIDEO, members.slice(0, 3));
      connect(store);
      const el = await render(store);
      const grid = q(el, '[part~=grid]')!;
      expect(getComputedStyle(grid).gridTemplateColumns.split(' ')).to.have.length(2);
      const focusButtons = () => [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~=focus-button]')];
      expect(focusButtons().map((b) => b.getAttribute('aria-label'))).to.deep.equal([
        'Show Alice large',
        'Show BOB large',
        'Show CAROL large',
        'Show DAVE large',
      ]);
      // The focus is reported (ck-focus-change, for the engine's simulcast layers); never us.
      const told: string[] = [];
      el.addEventListener('ck-focus-change', (e) => told.push(e.detail.userId));
      focusButtons()[2]!.click();
      await settle(el);
      expect(tiles(el)[0]!.userId, 'the focused tile comes first').to.equal('carol');
      expect(focusButtons()[0]!.getAttribute('aria-pressed')).to.equal('true');
      await expect(el).to.be.accessible();
      focusButtons()[0]!.click();
      await settle(el);
      expect(tiles(el)[0]!.userId).to.equal('alice');
      focusButtons()[0]!.click();
      await settle(el);
      expect(tiles(el)[0]!.userId, 'we can be shown large too').to.equal('alice');
      focusButtons()[3]!.click();
      await settle(el);
      expect(told).to.deep.equal(['carol', '', 'dave']);
      focusButtons()[0]!.click();
      await settle(el);
      for (const m of members.slice(3)) store.dispatch({ type: 'member-upsert', userId: m.userId, name: m.name, status: 'accepted' });
      await settle(el);
      expect(getComputedStyle(q(el, '[part~=grid]')!).gridTemplateColumns.split(' ')).to.have.length(3);
    });

    it('group: the odd tile out of the last row is centred (3 tiles in 2 columns, 7 in 3)', async () => {
      const store = new CallStore();
      const members = ['bob', 'carol', 'dave', 'erin', 'frank', 'grace'].map((userId) => ({ userId, name: userId }));
      dialing(store, CallMediaType.VIDEO, members.slice(0, 2));
      connect(store);
      const el = await render(store);
      const centre = (r: DOMRect) => r.left + r.width / 2;
      const gridBox = () => q(el, '[part~=grid]')!.getBoundingClientRect();
      const boxes = () => tiles(el).map((t) => t.getBoundingClientRect());
      expect(tiles(el)).to.have.length(3);
      expect(Math.abs(centre(boxes()[2]!) - centre(gridBox())), 'third tile centred').to.be.below(2);
      expect(Math.abs(boxes()[2]!.width - boxes()[0]!.width), 'at the width of the others').to.be.below(2);
      for (const m of members.slice(2)) store.dispatch({ type: 'member-upsert', userId: m.userId, name: m.name, status: 'accepted' });
      await settle(el);
      expect(tiles(el)).to.have.length(7);
      expect(Math.abs(centre(boxes()[6]!) - centre(gridBox())), 'seventh tile in the middle column').to.be.below(2);
      expect(Math.abs(centre(boxes()[6]!) - centre(boxes()[1]!)), 'under the second').to.be.below(2);
    });

    it('keyboard shortcuts inside the view: M microphone, V camera, S speaker', async () => {
      const store = new CallStore();
      dialing(store);
      connect(store);
      store.dispatch({ type: 'self-media', audio: true, video: false });
      const el = await render(store);
      const seen: Event[] = [];
      for (const type of ['ck-microphone-request', 'ck-camera-request', 'ck-speaker-request'])
        el.addEventListener(type, (e) => seen.push(e));
      buttonsOf(el).shadowRoot!.querySelector<HTMLButtonElement>('button')!.focus();
      await sendKeys({ press: 'm' });
      await sendKeys({ press: 'v' });
      await sendKeys({ press: 's' });
      expect(seen.map((e) => e.constructor)).to.deep.equal([MicrophoneRequestEvent, CameraRequestEvent, SpeakerRequestEvent]);
      expect((seen[0] as MicrophoneRequestEvent).detail).to.deep.equal({ enabled: false });
      expect((seen[1] as CameraRequestEvent).detail).to.deep.equal({ enabled: true });
      expect((seen[2] as SpeakerRequestEvent).detail).to.deep.equal({ muted: true });
    });

    it('video-display-mode reaches the tiles', async () => {
      const stream = await camera();
      const store = new CallStore();
      dialing(store);
      connect(store);
      store.dispatch({ type: 'member-stream', userId: 'bob', stream });
      store.dispatch({ type: 'member-media', userId: 'bob', audio: true, video: true });
      const el = await render(store);
      el.videoDisplayMode = 'contain';
      await settle(el);
      const video = tileIn(el, 'main')!.shadowRoot!.querySelector('video')!;
      expect(getComputedStyle(video).objectFit).to.equal('contain');
    });

    it('follows --ck-color-scheme (the theme of <call-kit>)', async () => {
      const store = new CallStore();
      dialing(store, CallMediaType.AUDIO);
      const el = await render(store);
      el.style.setProperty('--ck-color-scheme', 'light');
      const light = getComputedStyle(q(el, '[part~=base]')!).backgroundColor;
      el.style.setProperty('--ck-color-scheme', 'dark');
      const dark = getComputedStyle(q(el, '[part~=base]')!).backgroundColor;
      expect(light).to.equal('rgb(238, 240, 243)');
      expect(dark).to.equal('rgb(31, 35, 41)');
      await expect(el).to.be.accessible();
    });

    it('theme="light|dark" on the element itself wins over the inherited scheme, and reaches the tiles', async () => {
      const store = new CallStore();
      dialing(store, CallMediaType.VIDEO, [
        { userId: 'bob', name: 'Bob' },
        { userId: 'carol', name: 'Carol' },
      ]);
      connect(store);
      const el = await render(store);
      const wrapper = el.parentElement!;
      wrapper.style.setProperty('--ck-color-scheme', 'light');
      const stage = () => getComputedStyle(q(el, '[part~=base]')!).backgroundColor;
      const tileStage = () => getComputedStyle(tiles(el)[1]!).backgroundColor;
      expect(stage()).to.equal('rgb(238, 240, 243)');
      const lightTile = tileStage();
      el.theme = 'dark';
      await el.updateComplete;
      expect(el.getAttribute('theme')).to.equal('dark');
      expect(stage(), 'dark although the page says light').to.equal('rgb(31, 35, 41)');
      expect(tileStage(), 'the tiles inside follow').to.not.equal(lightTile);
      el.theme = 'light';
      wrapper.style.setProperty('--ck-color-scheme', 'dark');
      await el.updateComplete;
      expect(stage(), 'light although the page says dark').to.equal('rgb(238, 240, 243)');
      el.theme = undefined;
      await el.updateComplete;
      expect(stage(), 'no theme: inherited again').to.equal('rgb(31, 35, 41)');
    });

    it('narrow containers: the picture-in-picture shrinks (container query)', async () => {
      const store = new CallStore();
      dialing(store);
      connect(store);
      const el = await render(store);
      el.style.width = '360px';
      el.style.height = '640px';
      await settle(el);
      const pip = q(el, '[part~=pip]')!.getBoundingClientRect();
      expect(pip.width).to.be.closeTo(360 * 0.3, 2);
    });
  });
});
