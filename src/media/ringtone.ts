/**
 * Ringtone player: one looping `<audio>` (an `HTMLAudioElement`, never attached to the DOM) playing
 * the kit's own tones (`./tones.ts`, built in memory as WAV Blob URLs) or the app's bell
 * (`setUrl('ringing', url)`, any URL the browser can play; the default tone comes back if it fails
 * to load). Created lazily, never at import time; a no-op where `Audio` does not exist.
 *
 * Autoplay: when the browser refuses to play before a user gesture (`NotAllowedError`), `blocked`
 * turns true (reported through `onBlockedChange`) and the tone starts on the first pointer or key
 * gesture anywhere in the page, or when `unlock()` is called from a click handler.
 */
import { toneWav, type ToneKind } from './tones.js';

export type RingtoneKind = ToneKind;

const GESTURES = ['pointerdown', 'keydown', 'click'] as const;

export class Ringtone {
  #audio: HTMLAudioElement | null = null;
  #kind: RingtoneKind | null = null;
  #blocked = false;
  #attempt = 0;
  #custom: Partial<Record<RingtoneKind, string>> = {};
  #defaults: Partial<Record<RingtoneKind, string>> = {};
  #listening = false;
  /** Called when `blocked` changes. */
  onBlockedChange: ((blocked: boolean) => void) | null = null;
  #onGesture = () => void this.unlock();

  get kind(): RingtoneKind | null {
    return this.#kind;
  }

  /** Sound is coming out: a tone is selected, and its `<audio>` is not paused. */
  get playing(): boolean {
    return this.#kind !== null && !this.#blocked && this.#audio !== null && !this.#audio.paused;
  }

  /** The browser's autoplay policy holds the tone back until a user gesture. */
  get blocked(): boolean {
    return this.#blocked;
  }

  /** The URL the player is playing now (null when stopped): the app's bell, or the kit's tone after a fallback. */
  get src(): string | null {
    return this.#kind && this.#audio ? this.#audio.src : null;
  }

  /** The URL played for `kind` (the app's bell, or the kit's tone). */
  url(kind: RingtoneKind): string {
    return this.#custom[kind] ?? this.#defaultUrl(kind);
  }

  /** Uses `url` for `kind` (`null`: the kit's own tone again). Restarts the tone if it is playing. */
  setUrl(kind: RingtoneKind, url: string | null): void {
    if (url) this.#custom[kind] = url;
    else delete this.#custom[kind];
    if (this.#kind === kind) {
      this.#kind = null;
      this.play(kind);
    }
  }

  play(kind: RingtoneKind): void {
    if (this.#kind === kind) return;
    this.stop();
    if (typeof Audio === 'undefined') return;
    this.#kind = kind;
    const audio = (this.#audio ??= this.#createAudio());
    audio.src = this.url(kind);
    audio.currentTime = 0;
    this.#start(audio);
  }

  /** From a user gesture: starts the tone the browser blocked. Resolves true if it plays. */
  async unlock(): Promise<boolean> {
    const audio = this.#audio;
    if (!audio || this.#kind === null) return false;
    if (!audio.paused && !this.#blocked) return true;
    return this.#start(audio);
  }

  stop(): void {
    this.#attempt++;
    this.#kind = null;
    this.#audio?.pause();
    this.#setBlocked(false);
  }

  /** Stops and releases the player and the in-memory tones. */
  dispose(): void {
    this.stop();
    if (this.#audio) this.#audio.removeAttribute('src');
    this.#audio = null;
    for (const url of Object.values(this.#defaults)) URL.revokeObjectURL(url);
    this.#defaults = {};
  }

  #createAudio(): HTMLAudioElement {
    const audio = new Audio();
    audio.loop = true;
    audio.preload = 'auto';
    // The app's bell failed to load: fall back to the kit's tone.
    audio.addEventListener('error', () => {
      const kind = this.#kind;
      if (!kind || !this.#custom[kind] || audio.src !== this.#custom[kind]) return;
      audio.src = this.#defaultUrl(kind);
      this.#start(audio);
    });
    return audio;
  }

  #defaultUrl(kind: RingtoneKind): string {
    if (!this.#defaults[kind]) {
      const bytes = toneWav(kind);
      this.#defaults[kind] = URL.createObjectURL(new Blob([bytes.buffer as ArrayBuffer], { type: 'audio/wav' }));
    }
    return this.#defaults[kind];
  }

  /** `audio.play()`, tracking the autoplay policy. Call synchronously inside a gesture to unlock. */
  #start(audio: HTMLAudioElement): Promise<boolean> {
    const attempt = ++this.#attempt;
    let result: Promise<void>;
    try {
      result = audio.play();
    } catch (error) {
      result = Promise.reject(error);
    }
    return result.then(
      () => {
        if (attempt !== this.#attempt) return false;
        this.#setBlocked(false);
        return true;
      },
      (error: unknown) => {
        if (attempt !== this.#attempt) return false;
        if ((error as { name?: string })?.name === 'NotAllowedError') this.#setBlocked(true);
        return false;
      },
    );
  }

  #setBlocked(blocked: boolean): void {
    if (blocked && !this.#listening && typeof addEventListener === 'function') {
      this.#listening = true;
      for (const type of GESTURES) addEventListener(type, this.#onGesture, { capture: true });
    } else if (!blocked && this.#listening) {
      this.#listening = false;
      for (const type of GESTURES) removeEventListener(type, this.#onGesture, { capture: true });
    }
    if (blocked === this.#blocked) return;
    this.#blocked = blocked;
    this.onBlockedChange?.(blocked);
  }
}
