import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/define-all.js';
import { ParticipantTile } from '../../components/participant-tile/participant-tile.js';
import { CallMediaType, CallRole } from '../../src/constants.js';
import { CallStore } from '../../src/store/store.js';
import type { MemberView } from '../../src/store/types.js';
import { avatarShows } from '../helpers/avatar.js';
import { loadLocale } from '../../src/i18n/index.js';

// The kit loads zh-cn and ja_JP on first use (src/i18n/index.ts); these tests read them at once.
await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);

class CountingTile extends ParticipantTile {
  renders = 0;
  override render() {
    this.renders++;
    return super.render();
  }
}
customElements.define('counting-tile', CountingTile);

function connectedGroup(store: CallStore): void {
  store.dispatch({ type: 'login', userId: 'alice', name: 'Alice' });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLER,
    callId: 'call-1',
    mediaType: CallMediaType.VIDEO,
    callerId: 'alice',
    members: [
      { userId: 'bob', name: 'Bob', status: 'accepted' },
      { userId: 'carol', name: '', status: 'ringing' },
    ],
  });
  store.dispatch({ type: 'call-connected' });
}

function remote(patch: Partial<MemberView> = {}): MemberView {
  return {
    userId: 'bob',
    name: 'Bob',
    avatar: '',
    isSelf: false,
    status: 'accepted',
    audioAvailable: true,
    videoAvailable: false,
    volume: 0,
    networkQuality: 0,
    stream: null,
    ...patch,
  };
}

/** A tiny red PNG as a data URL, so the avatar test needs no network. */
function avatarUrl(): string {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 4;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#c00';
  ctx.fillRect(0, 0, 4, 4);
  return canvas.toDataURL('image/png');
}

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~=${name}]`);

describe('<participant-tile>', () => {
  let streams: MediaStream[] = [];
  afterEach(() => {
    for (const s of streams) for (const t of s.getTracks()) t.stop();
    streams = [];
  });

  async function camera(): Promise<MediaStream> {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true });
    streams.push(stream);
    return stream;
  }

  describe('rendering', () => {
    it('renders nothing without a member', async () => {
      const el = await fixture<ParticipantTile>(html`<participant-tile></participant-tile>`);
      expect(part(el, 'base')).to.equal(null);
      const withStore = await fixture<ParticipantTile>(
        html`<participant-tile user-id="nobody" .store=${new CallStore()}></participant-tile>`,
      );
      expect(part(withStore, 'base')).to.equal(null);
    });

    it('shows the initial and name without an avatar or video', async () => {
      const el = await fixture<ParticipantTile>(html`<participant-tile .member=${remote()}></participant-tile>`);
      expect(await avatarShows(part(el, 'avatar')!)).to.deep.equal({ initial: 'B' });
      expect(part(el, 'name')!.textContent).to.equal('Bob');
      expect(part(el, 'base')!.getAttribute('aria-label')).to.equal('Bob');
      const video = part(el, 'video') as HTMLVideoElement;
      expect(video.srcObject === null, 'a <video> is there from the start, empty').to.equal(true);
      expect(getComputedStyle(video).visibility, 'and not drawn: the avatar shows').to.equal('hidden');
      expect(el.matches(':state(video)')).to.equal(false);
      await expect(el).to.be.accessible();
    });

    it('falls back to the user id as name, and to the initial when the avatar fails', async () => {
      const el = await fixture<ParticipantTile>(
        html`<participant-tile .member=${remote({ name: '', userId: 'zed', avatar: 'data:image/png;base64,AAAA' })}></participant-tile>`,
      );
      expect(part(el, 'name')!.textContent).to.equal('zed');
      const avatar = part(el, 'avatar')!;
      await waitUntil(() => avatar.shadowRoot?.querySelector('[part~=initial]'), 'initial after the image failed');
      expect(await avatarShows(avatar)).to.deep.equal({ initial: 'z' });
    });

    it('shows the avatar image when there is one', async () => {
      const el = await fixture<ParticipantTile>(html`<participant-tile .member=${remote({ avatar: avatarUrl() })}></participant-tile>`);
      const avatar = part(el, 'avatar')!;
      expect(avatar.localName).to.equal('call-avatar');
      expect(await avatarShows(avatar)).to.deep.equal({ image: avatarUrl() });
      expect(avatar.shadowRoot!.querySelector<HTMLImageElement>('[part~=image]')!.alt).to.equal('');
      await expect(el).to.be.accessible();
    });

    it('marks the local user and a muted microphone', async () => {
      const store = new CallStore();
      connectedGroup(store);
      const el = await fixture<ParticipantTile>(html`<participant-tile user-id="alice" .store=${store}></participant-tile>`);
      expect(part(el, 'name')!.textContent).to.equal('Alice (you)');
      expect(el.matches(':state(self)')).to.equal(true);
      const muted = part(el, 'status')!.querySelector('[role=img]')!;
      expect(muted.getAttribute('aria-label')).to.equal('Microphone is off');
      expect(el.matches(':state(muted)')).to.equal(true);
      await expect(el).to.be.accessible();
      store.dispatch({ type: 'self-media', audio: true });
      await el.updateComplete;
      expect(part(el, 'status')!.querySelector('[role=img]')).to.equal(null);
      expect(el.matches(':state(muted)')).to.equal(false);
    });

    it('says "calling" for a member who has not answered yet', async () => {
      const store = new CallStore();
      connectedGroup(store);
      const el = await fixture<ParticipantTile>(html`<participant-tile user-id="carol" .store=${store}></participant-tile>`);
      expect(part(el, 'status')!.textContent!.trim()).to.equal('Calling…');
      expect(part(el, 'name')!.textContent).to.equal('carol');
      store.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
      await el.updateComplete;
      expect(part(el, 'status')!.textContent!.trim()).to.equal('正在呼叫…');
      await expect(el).to.be.accessible();
    });

    it('follows the speaking state from the volume', async () => {
      const store = new CallStore();
      connectedGroup(store);
      store.dispatch({ type: 'member-media', userId: 'bob', audio: true });
      const el = await fixture<ParticipantTile>(html`<participant-tile user-id="bob" .store=${store}></participant-tile>`);
      expect(el.matches(':state(speaking)')).to.equal(false);
      store.dispatch({ type: 'volumes', volumes: { bob: 60 } });
      await el.updateComplete;
      expect(el.matches(':state(speaking)')).to.equal(true);
      store.dispatch({ type: 'volumes', volumes: { bob: 5 } });
      await el.updateComplete;
      expect(el.matches(':state(speaking)')).to.equal(false);
      el.speakingThreshold = 2;
      await el.updateComplete;
      expect(el.matches(':state(speaking)')).to.equal(true);
    });

    it('shows the voice level in a meter while the microphone is on (set through CSSOM)', async () => {
      const store = new CallStore();
      connectedGroup(store);
      store.dispatch({ type: 'member-media', userId: 'bob', audio: true });
      const el = await fixture<ParticipantTile>(html`<participant-tile user-id="bob" .store=${store}></participant-tile>`);
      const meter = () => part(el, 'volume');
      expect(meter()!.getAttribute('aria-hidden')).to.equal('true');
      expect(meter()!.hasAttribute('style') && meter()!.style.getPropertyValue('--_level')).to.equal('0');
      store.dispatch({ type: 'volumes', volumes: { bob: 80 } });
      await el.updateComplete;
      expect(meter()!.style.getPropertyValue('--_level')).to.equal('0.8');
      store.dispatch({ type: 'volumes', volumes: { bob: 250 } });
      await el.updateComplete;
      expect(meter()!.style.getPropertyValue('--_level'), 'clamped').to.equal('1');
      store.dispatch({ type: 'member-media', userId: 'bob', audio: false });
      await el.updateComplete;
      expect(meter(), 'no meter while muted').to.equal(null);
    });

    it('re-renders only when its own member changes', async () => {
      const store = new CallStore();
      connectedGroup(store);
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <counting-tile user-id="bob" .store=${store}></counting-tile>
        <counting-tile user-id="carol" .store=${store}></counting-tile>
      </div>`);
      const [bob, carol] = [...wrapper.querySelectorAll<CountingTile>('counting-tile')];
      await bob!.updateComplete;
      await carol!.updateComplete;
      const before = carol!.renders;
      const bobBefore = bob!.renders;
      store.dispatch({ type: 'volumes', volumes: { bob: 40 } });
      store.dispatch({ type: 'network', qualities: { bob: 2 } });
      await bob!.updateComplete;
      await carol!.updateComplete;
      expect(carol!.renders).to.equal(before);
      expect(bob!.renders).to.be.greaterThan(bobBefore);
    });

    it('switches member when user-id changes', async () => {
      const store = new CallStore();
      connectedGroup(store);
      const el = await fixture<ParticipantTile>(html`<participant-tile user-id="bob" .store=${store}></participant-tile>`);
      expect(part(el, 'name')!.textContent).to.equal('Bob');
      el.userId = 'alice';
      await el.updateComplete;
      expect(part(el, 'name')!.textContent).to.equal('Alice (you)');
    });

    it('renders under dir="rtl" with the label at the inline start', async () => {
      const el = await fixture<ParticipantTile>(
        html`<participant-tile dir="rtl" style="width: 320px; height: 240px" .member=${remote({ videoAvailable: true, stream: await camera() })}></participant-tile>`,
      );
      await waitUntil(() => el.matches(':state(video)'), 'the picture shows (first frame decoded)', { timeout: 5000 });
      const base = part(el, 'base')!;
      expect(getComputedStyle(base).direction).to.equal('rtl');
      const label = el.shadowRoot!.querySelector('.label')!.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      expect(box.right - label.right).to.be.lessThan(box.width / 4);
      expect(label.left - box.left).to.be.greaterThan(box.width / 4);
    });
  });

  describe('media', () => {
    it('plays a real camera stream in the video element', async () => {
      const stream = await camera();
      const store = new CallStore();
      connectedGroup(store);
      store.dispatch({ type: 'self-media', audio: true, video: true, stream });
      const el = await fixture<ParticipantTile>(html`<participant-tile user-id="alice" .store=${store}></participant-tile>`);
      const video = part(el, 'video') as HTMLVideoElement;
      expect(video).to.be.instanceOf(HTMLVideoElement);
      expect(video.srcObject).to.equal(stream);
      expect(video.muted, 'the local video is muted').to.equal(true);
      // The attribute: Firefox has no `playsInline` property (it ignores the attribute, as desktop browsers may).
      expect(video.autoplay && video.hasAttribute('playsinline')).to.equal(true);
      await waitUntil(() => el.matches(':state(video)'), 'the picture shows (first frame decoded)', { timeout: 5000 });
      await waitUntil(() => video.videoWidth > 0 && !video.paused, 'video plays', { timeout: 5000 });
      expect(video.videoWidth).to.equal(320);
      await expect(el).to.be.accessible();
    });

    it('shows the avatar (connecting), never a black picture, until the first frame is decoded', async () => {
      // A canvas track that sends no frame until requestFrame(): a remote camera whose first frame is late.
      const canvas = document.createElement('canvas');
      canvas.width = 160;
      canvas.height = 120;
      const stream = canvas.captureStream(0);
      streams.push(stream);
      const track = stream.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
      const store = new CallStore();
      connectedGroup(store);
      store.dispatch({ type: 'member-stream', userId: 'bob', stream });
      store.dispatch({ type: 'member-media', userId: 'bob', audio: true, video: true });
      const el = await fixture<ParticipantTile>(
        html`<participant-tile user-id="bob" style="width: 320px; height: 240px" .store=${store}></participant-tile>`,
      );
      const video = part(el, 'video') as HTMLVideoElement;
      expect(video.srcObject, 'the video already loads').to.equal(stream);
      expect(getComputedStyle(video).opacity, 'but is not shown').to.equal('0');
      expect(await avatarShows(part(el, 'avatar')!)).to.deep.equal({ initial: 'B' });
      expect(el.matches(':state(video-connecting)') && !el.matches(':state(video)')).to.equal(true);
      expect(getComputedStyle(part(el, 'base')!).backgroundColor, 'no black box').to.not.equal('rgb(0, 0, 0)');
      await expect(el).to.be.accessible();
      // The first frame arrives: the picture replaces the avatar.
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#3a7';
      ctx.fillRect(0, 0, 160, 120);
      // Chromium: the track's requestFrame(); Firefox: the stream's (CanvasCaptureMediaStream).
      if (typeof track.requestFrame === 'function') track.requestFrame();
      else (stream as MediaStream & { requestFrame(): void }).requestFrame();
      await waitUntil(() => el.matches(':state(video)'), 'the picture shows', { timeout: 5000 });
      expect(el.matches(':state(video-connecting)')).to.equal(false);
      expect(part(el, 'avatar')).to.equal(null);
      expect(getComputedStyle(video).opacity).to.equal('1');
      expect(part(el, 'video'), 'the same element').to.equal(video);
      // Shown again (a re-mounted tile, the same track): the picture at once.
      const again = await fixture<ParticipantTile>(html`<participant-tile user-id="bob" .store=${store}></participant-tile>`);
      expect(again.matches(':state(video)')).to.equal(true);
    });

    it('applies display-mode, else the store setting', async () => {
      const stream = await camera();
      const store = new CallStore({ displayMode: 'contain' });
      connectedGroup(store);
      store.dispatch({ type: 'self-media', video: true, stream });
      const el = await fixture<ParticipantTile>(html`<participant-tile user-id="alice" .store=${store}></participant-tile>`);
      expect(getComputedStyle(part(el, 'video')!).objectFit).to.equal('contain');
      el.displayMode = 'fill';
      await el.updateComplete;
      expect(el.getAttribute('display-mode')).to.equal('fill');
      expect(getComputedStyle(part(el, 'video')!).objectFit).to.equal('fill');
    });

    it('plays a remote member audio through the same video element, also while the video is off', async () => {
      const stream = await camera();
      const store = new CallStore();
      connectedGroup(store);
      store.dispatch({ type: 'member-stream', userId: 'bob', stream });
      store.dispatch({ type: 'member-media', userId: 'bob', audio: true, video: true });
      const el = await fixture<ParticipantTile>(html`<participant-tile user-id="bob" .store=${store}></participant-tile>`);
      const video = part(el, 'video') as HTMLVideoElement;
      expect(video.muted).to.equal(false);
      expect(el.shadowRoot!.querySelectorAll('audio, video').length, 'one media element').to.equal(1);

      store.dispatch({ type: 'member-media', userId: 'bob', video: false });
      await el.updateComplete;
      expect(part(el, 'video') === video, 'camera off: the same <video>, hidden').to.equal(true);
      expect(getComputedStyle(video).visibility).to.equal('hidden');
      const audio = video;
      expect(audio.srcObject === stream).to.equal(true);
      expect(audio.muted).to.equal(false);
      await waitUntil(() => !audio.paused, 'audio plays', { timeout: 5000 });

      el.speakerMuted = true;
      await el.updateComplete;
      expect(audio.muted).to.equal(true);
      el.speakerMuted = false;
      store.dispatch({ type: 'speaker-muted', muted: true });
      await el.updateComplete;
      expect(audio.muted, 'the store mutes the speaker too').to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('never plays the local audio', async () => {
      const stream = await camera();
      const store = new CallStore();
      connectedGroup(store);
      store.dispatch({ type: 'self-media', audio: true, video: false, stream });
      const el = await fixture<ParticipantTile>(html`<participant-tile user-id="alice" .store=${store}></participant-tile>`);
      const media = [...el.shadowRoot!.querySelectorAll<HTMLMediaElement>('audio, video')];
      expect(media.length).to.equal(1);
      expect(media[0].muted, 'the (hidden) video is muted').to.equal(true);
    });
  });

  describe('network, background image and stream', () => {
    it('shows a poor-network indicator from quality 4', async () => {
      const el = await fixture<ParticipantTile>(html`<participant-tile .member=${remote({ networkQuality: 2 })}></participant-tile>`);
      expect(part(el, 'network')).to.equal(null);
      expect(el.matches(':state(poor-network)')).to.equal(false);
      el.member = remote({ networkQuality: 5 });
      await el.updateComplete;
      expect(part(el, 'network')!.getAttribute('role')).to.equal('img');
      expect(part(el, 'network')!.getAttribute('aria-label')).to.equal('Poor network');
      expect(el.matches(':state(poor-network)')).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('shows "Reconnecting…" while the media connection to the member is interrupted, in the kit language', async () => {
      const store = new CallStore();
      connectedGroup(store);
      const el = await fixture<ParticipantTile>(html`<participant-tile user-id="bob" .store=${store}></participant-tile>`);
      expect(part(el, 'reconnecting')).to.equal(null);
      expect(el.matches(':state(reconnecting)')).to.equal(false);
      store.dispatch({ type: 'member-reconnecting', userId: 'bob', reconnecting: true });
      await el.updateComplete;
      const label = part(el, 'reconnecting')!;
      expect(label.textContent!.trim()).to.equal('Reconnecting…');
      expect(label.getAttribute('role')).to.equal('status');
      expect(label.checkVisibility()).to.equal(true);
      expect(el.matches(':state(reconnecting)')).to.equal(true);
      await expect(el).to.be.accessible();
      store.dispatch({ type: 'settings', settings: { language: 'zh-cn' } });
      await el.updateComplete;
      expect(part(el, 'reconnecting')!.textContent!.trim()).to.equal('正在重新连接…');
      store.dispatch({ type: 'settings', settings: { language: 'ja_JP' } });
      await el.updateComplete;
      expect(part(el, 'reconnecting')!.textContent!.trim()).to.equal('再接続しています…');
      store.dispatch({ type: 'member-reconnecting', userId: 'bob', reconnecting: false });
      await el.updateComplete;
      expect(part(el, 'reconnecting')).to.equal(null);
      expect(el.matches(':state(reconnecting)')).to.equal(false);
    });

    it('never shows "Reconnecting…" on the local tile', async () => {
      const el = await fixture<ParticipantTile>(
        html`<participant-tile .member=${remote({ isSelf: true, reconnecting: true })}></participant-tile>`,
      );
      expect(part(el, 'reconnecting')).to.equal(null);
      el.member = remote({ reconnecting: true });
      await el.updateComplete;
      expect(part(el, 'reconnecting')).to.not.equal(null);
    });

    it('camera off: the view background image of the member, else the "*" one, else none', async () => {
      const store = new CallStore();
      connectedGroup(store);
      const url = avatarUrl();
      store.dispatch({ type: 'settings', settings: { viewBackgrounds: { 'remote:*': url, local: 'data:image/png;base64,AAAA' } } });
      const bob = await fixture<ParticipantTile>(html`<participant-tile user-id="bob" .store=${store}></participant-tile>`);
      expect(part(bob, 'base')!.classList.contains('has-background')).to.equal(true);
      expect(getComputedStyle(part(bob, 'base')!).backgroundImage).to.contain('data:image/png');
      store.dispatch({ type: 'settings', settings: { viewBackgrounds: {} } });
      await bob.updateComplete;
      expect(part(bob, 'base')!.classList.contains('has-background')).to.equal(false);
      const self = await fixture<ParticipantTile>(html`<participant-tile user-id="alice" .store=${store}></participant-tile>`);
      store.dispatch({ type: 'settings', settings: { viewBackgrounds: { local: url } } });
      await self.updateComplete;
      expect(part(self, 'base')!.classList.contains('has-background')).to.equal(true);
    });

    it('keeps the media element on its stream while a new stream object carries the same tracks', async () => {
      const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 160, height: 120 } });
      try {
        const el = await fixture<ParticipantTile>(
          html`<participant-tile .member=${remote({ videoAvailable: true, stream: camera })}></participant-tile>`,
        );
        const video = el.shadowRoot!.querySelector('video')!;
        expect(video.srcObject).to.equal(camera);
        el.member = remote({ videoAvailable: true, stream: new MediaStream(camera.getTracks()) });
        await el.updateComplete;
        expect(el.shadowRoot!.querySelector('video')).to.equal(video);
        expect(video.srcObject, 'same tracks: not re-assigned').to.equal(camera);
        const other = camera.clone();
        el.member = remote({ videoAvailable: true, stream: other });
        await el.updateComplete;
        expect(video.srcObject, 'new tracks: re-assigned').to.equal(other);
        for (const t of other.getTracks()) t.stop();
      } finally {
        for (const t of camera.getTracks()) t.stop();
      }
    });

    it('speaking ring around the avatar when the camera is off', async () => {
      const el = await fixture<ParticipantTile>(html`<participant-tile .member=${remote({ volume: 60 })}></participant-tile>`);
      expect(el.matches(':state(speaking)')).to.equal(true);
      expect(getComputedStyle(part(el, 'avatar')!).boxShadow).to.not.equal('none');
    });
  });
  describe('speaker output', () => {
    it("routes a remote member's audio to the chosen speaker with setSinkId, never the local one", async () => {
      const proto = HTMLMediaElement.prototype as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };
      const original = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'setSinkId');
      const calls: { id: string; tag: string }[] = [];
      proto.setSinkId = function (this: HTMLMediaElement, id: string) {
        calls.push({ id, tag: this.localName });
        return Promise.resolve();
      };
      try {
        const stream = await camera();
        const store = new CallStore();
        connectedGroup(store);
        store.dispatch({ type: 'member-stream', userId: 'bob', stream });
        store.dispatch({ type: 'member-media', userId: 'bob', audio: true, video: true });
        store.dispatch({ type: 'self-media', audio: true, video: true, stream });
        const el = await fixture<ParticipantTile>(html`<participant-tile user-id="bob" .store=${store}></participant-tile>`);
        const self = await fixture<ParticipantTile>(html`<participant-tile user-id="alice" .store=${store}></participant-tile>`);
        calls.length = 0;
        store.dispatch({ type: 'settings', settings: { speakerDeviceId: 'usb-headset' } });
        await el.updateComplete;
        await self.updateComplete;
        expect(calls).to.deep.equal([{ id: 'usb-headset', tag: 'video' }]);
        // Camera off: the same (hidden) <video> plays the member, on the same output.
        store.dispatch({ type: 'member-media', userId: 'bob', video: false });
        await el.updateComplete;
        expect(calls.at(-1)).to.deep.equal({ id: 'usb-headset', tag: 'video' });
      } finally {
        if (original) Object.defineProperty(HTMLMediaElement.prototype, 'setSinkId', original);
        else Reflect.deleteProperty(proto, 'setSinkId');
      }
    });
  });
});
