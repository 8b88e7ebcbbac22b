/**
 * The kit's TUICallKit-compatible setters (`setLanguage`, `enableFloatWindow`, `setCallingBell`,
 * `setBlurBackground`, ...), the base class of the facade (`call-kit-api.ts`): each validates its
 * argument and writes the setting to the store, telling the engine when it has a say (video
 * quality, call waiting, blur, own profile). Calls, media and lifecycle stay in the facade.
 */
import { CallStatus, type FeatureButton } from '../constants.js';
import type { CallEngine } from '../engine/types.js';
import { CallKitError, ErrorCode } from '../errors.js';
import { loadLocale } from '../i18n/index.js';
import type { CallStore } from '../store/store.js';
import type { Settings } from '../store/types.js';
import type { KitEffects } from './kit-effects.js';
import {
  validateBellUrl,
  validateBoolean,
  validateDisplayMode,
  validateFeatureButton,
  validateImageUrl,
  validateLanguage,
  validateLayoutMode,
  validateResolution,
  validateSelfInfo,
  validateUserId,
} from './validate.js';

/**
 * What the setters need from the facade (the subclass), asked of `kit` (this object) since the
 * facade's own parts are built after this base class.
 */
export interface KitSettingsHost {
  readonly store: CallStore;
  /** The engine after `init` (null before). */
  engine(kit: KitSettings): CallEngine | null;
  /** The logged-in engine, else SDK_NOT_INITIALIZED. */
  requireEngine(kit: KitSettings): CallEngine;
  effects(kit: KitSettings): KitEffects;
}

export class KitSettings extends EventTarget {
  readonly #kit: KitSettingsHost;

  constructor(host: KitSettingsHost) {
    super();
    this.#kit = host;
  }

  /**
   * Hands the engine a fresh userSig before the current one expires. The default engine's server
   * closes a session whose userSig expired (`kickedOut('userSigExpired')`); it also refuses userSigs
   * signed for longer than its maximum (7 days by default).
   */
  async renewUserSig(userSig: string): Promise<void> {
    if (typeof userSig !== 'string' || userSig === '')
      throw new CallKitError(ErrorCode.INVALID_PARAMETER, 'userSig must be a non-empty string');
    const engine = this.#kit.requireEngine(this);
    if (!engine.renewUserSig) throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine cannot renew a userSig`, 'not-supported');
    await engine.renewUserSig(userSig);
  }

  /** Your own name and avatar as others see them. */
  async setSelfInfo(params: { nickName?: string; avatar?: string }): Promise<void> {
    const { name, avatar } = validateSelfInfo(params);
    this.#kit.store.dispatch({ type: 'self-info', name, avatar });
    const engine = this.#kit.engine(this);
    if (engine && this.#kit.store.getState().loggedIn) await engine.setSelfInfo({ name, avatar });
  }

  /** UI language: 'en', 'zh-cn', 'ja_JP' or any code registered with `registerLocale`. */
  setLanguage(language: string): void {
    const code = validateLanguage(language);
    // The kit's texts for it load now (a chunk of their own), long before a call rings.
    loadLocale(code).catch(() => undefined);
    this.#setting({ language: code });
  }

  setLayoutMode(mode: Settings['layoutMode']): void {
    this.#setting({ layoutMode: validateLayoutMode(mode) });
  }

  setVideoDisplayMode(mode: Settings['displayMode']): void {
    this.#setting({ displayMode: validateDisplayMode(mode) });
  }

  async setVideoResolution(resolution: Settings['resolution']): Promise<void> {
    this.#setting({ resolution: validateResolution(resolution) });
    const engine = this.#kit.engine(this);
    if (engine && this.#kit.store.getState().loggedIn) await engine.setVideoQuality(resolution);
  }

  hideFeatureButton(name: FeatureButton): void {
    const button = validateFeatureButton(name);
    const hidden = this.#kit.store.getState().settings.hiddenButtons;
    if (!hidden.includes(button)) this.#setting({ hiddenButtons: [...hidden, button] });
  }

  setCameraDefaultState(isOpen: boolean): void {
    this.#setting({ cameraDefaultOn: validateBoolean(isOpen, 'isOpen') });
  }

  enableFloatWindow(enable: boolean): void {
    this.#setting({ floatWindow: validateBoolean(enable, 'enable') });
  }

  /**
   * Call waiting: while in a call, one further incoming call rings (the banner offers "end and
   * accept" or decline) instead of the caller getting busy. Default off (busy at once).
   */
  async enableCallWaiting(enable: boolean): Promise<void> {
    const on = validateBoolean(enable, 'enable');
    const engine = this.#kit.engine(this) && this.#kit.store.getState().loggedIn ? this.#kit.engine(this) : null;
    if (engine && on && !engine.setCallWaiting) {
      throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine has no call waiting`, 'not-supported');
    }
    this.#setting({ callWaiting: on });
    if (engine?.setCallWaiting) await engine.setCallWaiting(on);
  }

  /**
   * System notifications (Notifications API) for calls that ring while the tab is hidden; clicking
   * one brings the tab forward. The kit never asks for the permission: the app does, from a user
   * gesture (`Notification.requestPermission()`); without it nothing is shown. Default off.
   */
  enableNotifications(enable: boolean): void {
    this.#setting({ notifications: validateBoolean(enable, 'enable') });
  }

  enableMuteMode(enable: boolean): void {
    this.#setting({ muteMode: validateBoolean(enable, 'enable') });
  }

  /**
   * The callee's ring: any URL the browser can play (`https:`, `http:`, `blob:`, `data:audio/...`,
   * or a path relative to the page). No argument or `''` restores the kit's own tone. If the file
   * fails to load, the kit's tone plays instead.
   */
  async setCallingBell(filePath?: string): Promise<void> {
    this.#kit.effects(this).ringtone.setUrl('ringing', validateBellUrl(filePath));
  }

  /**
   * Starts a ringtone the browser's autoplay policy held back (`store.soundBlocked`). Call it from a
   * user gesture (the kit's "tap to turn on sound" button does). Resolves true if sound plays.
   */
  enableSound(): Promise<boolean> {
    return this.#kit.effects(this).ringtone.unlock();
  }

  /** Background image of the local tile while the camera is off (`''` removes it). */
  setLocalViewBackgroundImage(url: string): void {
    this.#setViewBackground('local', url);
  }

  /** Background image of `userId`'s tile (`'*'`: every remote member without one) while their camera is off. */
  setRemoteViewBackgroundImage(userId: string, url: string): void {
    const id = userId === '*' ? '*' : validateUserId(userId);
    this.#setViewBackground(`remote:${id}`, url);
  }

  #setViewBackground(key: string, url: string): void {
    validateImageUrl(url);
    const next = { ...this.#kit.store.getState().settings.viewBackgrounds };
    if (url) next[key] = url;
    else delete next[key];
    this.#setting({ viewBackgrounds: next });
  }

  /** Shows the blur-background button (TUICallKit's `enableVirtualBackground`). */
  enableVirtualBackground(enable: boolean): void {
    this.#setting({ virtualBackground: validateBoolean(enable, 'enable') });
  }

  /**
   * Blurs the local video's background (default engine: needs `init({ backgroundAssetsPath })`;
   * Tencent engine: `assetsPath`). Engines without it, or without their assets, reject with a
   * `CallKitError` whose `reason` is `'not-supported'`. Replaces an image background.
   */
  async setBlurBackground(enable: boolean): Promise<void> {
    const on = validateBoolean(enable, 'enable');
    const engine = this.#kit.requireEngine(this) as CallEngine & { setBlurBackground?: (level: number) => Promise<void> };
    if (typeof engine.setBlurBackground !== 'function') {
      this.#kit.effects(this).toast({ key: 'blur-unsupported' }, 'info');
      throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine cannot blur the background`, 'not-supported');
    }
    await engine.setBlurBackground(on ? 3 : 0);
    this.#setting({ blurBackground: on });
  }

  /**
   * Puts an image (`url`, same origin or served with CORS) behind the person in the local video;
   * `''` turns it off. Same requirements as {@link setBlurBackground}; replaces a blur.
   */
  async setVirtualBackground(url: string): Promise<void> {
    validateImageUrl(url);
    const engine = this.#kit.requireEngine(this) as CallEngine & { setVirtualBackground?: (url: string) => Promise<void> };
    if (typeof engine.setVirtualBackground !== 'function') {
      this.#kit.effects(this).toast({ key: 'blur-unsupported' }, 'info');
      throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine cannot replace the background`, 'not-supported');
    }
    await engine.setVirtualBackground(url);
    this.#setting({ blurBackground: false });
  }

  /**
   * AI noise suppression of our microphone (TUICallKit's `enableAIVoice`). Default engine: RNNoise
   * in an AudioWorklet, loaded on first use from the page's own origin (`init({ noiseSuppressionAssets })`);
   * when it cannot run, the browser's own noise suppression remains, a warning toast says so and the
   * switch reads off. Before `init` or while idle, it is remembered for the next call's microphone.
   * Engines without it reject with a `CallKitError` whose `reason` is `'not-supported'`.
   */
  async enableAIVoice(enable: boolean): Promise<void> {
    const on = validateBoolean(enable, 'enable');
    const engine = this.#kit.engine(this);
    if (!engine) {
      this.#setting({ aiNoiseSuppression: on });
      return;
    }
    if (typeof engine.setAINoiseSuppression !== 'function') {
      throw new CallKitError(ErrorCode.FAILED, `the ${engine.name} engine has no AI noise suppression`, 'not-supported');
    }
    const active = await engine.setAINoiseSuppression(on);
    this.#setting({ aiNoiseSuppression: active });
  }

  /**
   * Group call: the member the UI shows large (`''`: none), from `<call-view>`'s focus button. A hint
   * for the engine (the default engine's SFU sends that member's video at its high layer); no state.
   */
  setFocusedMember(userId: string): void {
    this.#kit.engine(this)?.setFocus?.(typeof userId === 'string' ? userId : '');
  }

  /**
   * @internal `<call-view>`'s tiles' rendered widths per member (device px; a member missing has no
   * visible tile), measured as they change. A hint for the engine (the default engine's SFU picks
   * each member's simulcast layer from it); no state.
   */
  setTileSizes(sizes: Readonly<Record<string, number>>): void {
    if (!sizes || typeof sizes !== 'object') return;
    this.#kit.engine(this)?.setTileSizes?.(sizes);
  }

  /** Whether `<feature-buttons>` offers a full-screen button (`allowed-full-screen` on `<call-kit>`). */
  get allowedFullScreen(): boolean {
    return this.#kit.store.getState().settings.allowedFullScreen;
  }

  set allowedFullScreen(allowed: boolean) {
    this.#setting({ allowedFullScreen: validateBoolean(allowed, 'allowedFullScreen') });
  }

  /** Minimizes the call UI into `<float-window>` (`true`) or restores it (`false`); only during a call. */
  setMinimized(minimized: boolean): void {
    const value = validateBoolean(minimized, 'minimized');
    if (value && this.#kit.store.getState().status === CallStatus.IDLE) return;
    this.#kit.store.dispatch({ type: 'minimized', minimized: value });
  }

  /** Flips `store.minimized` (TUICallKit's `toggleMinimize`). */
  toggleMinimize(): void {
    this.setMinimized(!this.#kit.store.getState().minimized);
  }

  /** Whether a ringtone is sounding right now (false while the browser blocks autoplay). */
  get ringtone(): { kind: 'dialing' | 'ringing' | 'waiting' | null; playing: boolean; blocked: boolean; url: string | null } {
    const { kind, playing, blocked, src } = this.#kit.effects(this).ringtone;
    return { kind, playing, blocked, url: src };
  }

  #setting(settings: Partial<Settings>): void {
    this.#kit.store.dispatch({ type: 'settings', settings });
  }
}
