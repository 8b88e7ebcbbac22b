import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/define-all.js';
import type { CallKitElement } from '../../components/call-kit/call-kit.js';
import { CallMediaType } from '../../src/constants.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { toneWav } from '../../src/media/tones.js';
import { animationsSettled } from '../helpers/settle.js';
import { loadLocale } from '../../src/i18n/index.js';

// The kit loads zh-cn and ja_JP on first use (src/i18n/index.ts); these tests read them at once.
await Promise.all([loadLocale('zh-cn'), loadLocale('ja_JP')]);

// This browser runs with --autoplay-policy=no-user-gesture-required: tones play at once. The
// blocked case is reproduced by making HTMLMediaElement.play reject like the autoplay policy does.
async function setup() {
  const kit = new CallKit();
  const engine = new SimulatedEngine();
  await kit.init({ SDKAppID: 1, userID: 'bob', userSig: 'x', engine });
  return { kit, engine };
}

describe('ringtones', () => {
  it('the kit tones are valid WAV files that the browser decodes', async () => {
    const loops = { dialing: 4, ringing: 2.6, waiting: 4 } as const;
    for (const kind of ['dialing', 'ringing', 'waiting'] as const) {
      const bytes = toneWav(kind);
      expect(new TextDecoder().decode(bytes.slice(0, 4))).to.equal('RIFF');
      const audio = await new AudioContext().decodeAudioData(bytes.slice().buffer);
      expect(audio.duration).to.be.closeTo(loops[kind], 0.01);
    }
  });

  it('rings for the callee, plays the ringback for the caller, and stops on every state change', async () => {
    const { kit, engine } = await setup();
    engine.remoteInvite({ userId: 'alice' }, CallMediaType.AUDIO);
    await waitUntil(() => kit.ringtone.playing, 'ringing plays');
    expect(kit.ringtone.kind).to.equal('ringing');
    expect(kit.ringtone.url).to.match(/^blob:/);
    await kit.accept();
    expect(kit.ringtone).to.include({ kind: null, playing: false });
    await kit.hangup();
    await kit.calls({ userIDList: ['carol'], type: CallMediaType.VIDEO });
    await waitUntil(() => kit.ringtone.playing, 'dialing plays');
    expect(kit.ringtone.kind).to.equal('dialing');
    engine.remoteReject('carol');
    expect(kit.ringtone).to.include({ kind: null, playing: false });
    await kit.dispose();
  });

  it('enableMuteMode silences the callee ring only', async () => {
    const { kit, engine } = await setup();
    kit.enableMuteMode(true);
    engine.remoteInvite({ userId: 'alice' });
    expect(kit.ringtone.kind).to.equal(null);
    kit.enableMuteMode(false);
    await waitUntil(() => kit.ringtone.playing, 'rings again');
    await kit.dispose();
  });

  it('a waiting call during a connected call plays the call-waiting tone, not the ring; it stops when the waiting call ends; mute mode silences it', async () => {
    const { kit, engine } = await setup();
    await kit.enableCallWaiting(true);
    engine.remoteInvite({ userId: 'alice' }, CallMediaType.AUDIO);
    await waitUntil(() => kit.ringtone.playing, 'ringing plays');
    await kit.accept();
    expect(kit.ringtone).to.include({ kind: null, playing: false });
    const waiting = engine.remoteInvite({ userId: 'carol' }, CallMediaType.AUDIO);
    await waitUntil(() => kit.store.getState().incoming.length === 1, 'carol waits');
    await waitUntil(() => kit.ringtone.playing, 'the call-waiting tone plays');
    expect(kit.ringtone.kind).to.equal('waiting');
    expect(kit.ringtone.url).to.match(/^blob:/);
    kit.enableMuteMode(true);
    expect(kit.ringtone).to.include({ kind: null, playing: false });
    kit.enableMuteMode(false);
    await waitUntil(() => kit.ringtone.kind === 'waiting' && kit.ringtone.playing, 'plays again');
    await kit.reject({ callId: waiting });
    expect(kit.store.getState().status).to.equal('connected');
    expect(kit.ringtone).to.include({ kind: null, playing: false });
    // Withdrawn by the caller: silent again too.
    const again = engine.remoteInvite({ userId: 'dave' }, CallMediaType.AUDIO);
    await waitUntil(() => kit.ringtone.kind === 'waiting', 'waiting again');
    engine.remoteTimeout(again);
    await waitUntil(() => kit.ringtone.kind === null, 'stops when the invitation is withdrawn');
    await kit.hangup();
    await kit.dispose();
  });

  it('setCallingBell takes any playable URL, validates it, and falls back to the kit tone if it fails', async () => {
    const { kit, engine } = await setup();
    const wav = URL.createObjectURL(new Blob([toneWav('dialing').slice().buffer], { type: 'audio/wav' }));
    await kit.setCallingBell(wav);
    engine.remoteInvite({ userId: 'alice' });
    await waitUntil(() => kit.ringtone.playing, 'the custom bell plays');
    expect(kit.ringtone.url).to.equal(wav);
    await kit.reject();
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'ftp://x/y.mp3', 42]) {
      let error: unknown;
      try {
        await kit.setCallingBell(bad as string);
      } catch (e) {
        error = e;
      }
      expect(error, String(bad)).to.be.instanceOf(Error);
    }
    await kit.setCallingBell('/no-such-bell.mp3');
    engine.remoteInvite({ userId: 'alice' });
    await waitUntil(() => kit.ringtone.playing && kit.ringtone.url!.startsWith('blob:'), 'fell back to the kit ring');
    await kit.reject();
    await kit.setCallingBell();
    engine.remoteInvite({ userId: 'alice' });
    expect(kit.ringtone.url).to.not.equal(wav);
    await kit.dispose();
    URL.revokeObjectURL(wav);
  });

  describe('autoplay blocked', () => {
    const play = HTMLMediaElement.prototype.play;
    let blocked = true;
    beforeEach(() => {
      blocked = true;
      HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
        return blocked ? Promise.reject(new DOMException('play() needs a user gesture', 'NotAllowedError')) : play.call(this);
      };
    });
    afterEach(() => {
      HTMLMediaElement.prototype.play = play;
    });

    it('<call-kit> shows a "Tap to turn on sound" button that starts the ring; axe finds nothing', async () => {
      const { kit, engine } = await setup();
      const el = await fixture<CallKitElement>(html`<call-kit .kit=${kit}></call-kit>`);
      engine.remoteInvite({ userId: 'alice', name: 'Alice' });
      await waitUntil(() => kit.store.getState().soundBlocked, 'blocked');
      expect(kit.ringtone).to.include({ kind: 'ringing', playing: false, blocked: true });
      await el.updateComplete;
      expect(el.matches(':state(sound-blocked)')).to.equal(true);
      const button = el.shadowRoot!.querySelector<HTMLButtonElement>('button[part~=sound-button]')!;
      expect(button.textContent!.trim()).to.equal('Tap to turn on sound');
      await animationsSettled(el);
      await expect(el).to.be.accessible();
      blocked = false;
      let requests = 0;
      el.addEventListener('ck-sound-request', () => requests++);
      button.click();
      await waitUntil(() => kit.ringtone.playing, 'plays after the click');
      expect(requests).to.equal(1);
      expect(kit.store.getState().soundBlocked).to.equal(false);
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('button[part~=sound-button]')).to.equal(null);
      await kit.dispose();
    });

    it('the first gesture anywhere starts it too; a call ending clears the blocked state', async () => {
      const { kit, engine } = await setup();
      engine.remoteInvite({ userId: 'alice' });
      await waitUntil(() => kit.ringtone.blocked, 'blocked');
      blocked = false;
      document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
      await waitUntil(() => kit.ringtone.playing, 'plays after a gesture');
      await kit.reject();
      blocked = true;
      engine.remoteInvite({ userId: 'alice' });
      await waitUntil(() => kit.ringtone.blocked, 'blocked again');
      engine.remoteCancel();
      expect(kit.store.getState().soundBlocked).to.equal(false);
      expect(kit.ringtone.blocked).to.equal(false);
      await kit.dispose();
    });

    it('zh-cn label', async () => {
      const { kit, engine } = await setup();
      kit.setLanguage('zh-cn');
      const el = await fixture<CallKitElement>(html`<call-kit .kit=${kit}></call-kit>`);
      engine.remoteInvite({ userId: 'alice' });
      await waitUntil(() => el.shadowRoot!.querySelector('button[part~=sound-button]'), 'button');
      expect(el.shadowRoot!.querySelector('button[part~=sound-button]')!.textContent!.trim()).to.equal('点击开启铃声');
      await kit.dispose();
    });
  });
});
