import { ContextProvider } from '@lit/context';
import { LitElement, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { CallMediaType, CallRole, CallStatus } from '../../src/constants.js';
import {
  AcceptRequestEvent,
  BlurRequestEvent,
  NoiseSuppressionRequestEvent,
  CameraRequestEvent,
  DeviceRequestEvent,
  FullScreenRequestEvent,
  HangupRequestEvent,
  JoinRequestEvent,
  CallBackRequestEvent,
  MicrophoneRequestEvent,
  InviteRequestEvent,
  MinimizeRequestEvent,
  ReconnectRequestEvent,
  RejectRequestEvent,
  SoundRequestEvent,
  SpeakerRequestEvent,
  SwitchCameraRequestEvent,
  SwitchToVideoRequestEvent,
  VideoAnswerRequestEvent,
  FocusChangeEvent,
  TileSizesEvent,
} from '../../src/events/requests.js';
import type { KitCallbacks } from '../../src/kit/call-kit-api.js';
import type { LayoutMode, VideoDisplayMode, VideoResolution } from '../../src/constants.js';
import { toggleState } from '../../src/elements/custom-states.js';
import { LocalizeController } from '../../src/elements/localize-controller.js';
import { sharedStyles } from '../../src/elements/shared-styles.js';
import { KIT_EVENTS, callKit, type CallKit } from '../../src/kit/call-kit-api.js';
import { storeContext } from '../../src/elements/context.js';
import { StoreController, shallowEqual } from '../../src/elements/store-controller.js';
import { isRingingForMe } from '../../src/store/selectors.js';
import type { CallState, ReadonlyStore } from '../../src/store/types.js';
import { loadElement } from '../../src/element-loader.js';
import type { LazyTag } from '../../src/element-tags.js';
import { DEFAULT_INCOMING_SHORTCUT, IncomingBanner } from '../incoming-banner/incoming-banner.js';
import { styles } from './call-kit.styles.js';

type View = {
  status: CallState['status'];
  role: CallState['role'];
  toast: boolean;
  minimized: boolean;
  soundBlocked: boolean;
  /** Reconnecting to the signaling server gave up: the user is offered "Try again". */
  offline: boolean;
  incoming: number;
  /** The float window may be used (`callKit.enableFloatWindow`). */
  floatWindow: boolean;
  /** Answered, media path being set up: the call view (not the banner) shows it. */
  connecting: boolean;
};
const idleView: View = {
  status: CallStatus.IDLE,
  role: CallRole.UNKNOWN,
  connecting: false,
  toast: false,
  minimized: false,
  soundBlocked: false,
  offline: false,
  incoming: 0,
  floatWindow: false,
};
const viewOf = (s: CallState): View => ({
  status: s.status,
  role: s.role,
  connecting: s.connecting,
  toast: s.toast !== null,
  minimized: s.minimized,
  soundBlocked: s.soundBlocked,
  offline: s.connection === 'failed',
  incoming: s.incoming.length,
  floatWindow: s.settings.floatWindow,
});

/**
 * The whole call UI. Provides the kit's store to every kit element inside it, turns their
 * `ck-*-request` events into kit calls (unless the host called `preventDefault()`), and re-dispatches
 * the kit's events. Renders nothing while idle, except the toast that says why the last call ended.
 *
 * @summary The call kit: incoming banner and call view, driven by `callKit`.
 * @event ck-status-changed - `{ oldStatus, newStatus, status, role, mediaType, callId }`; `oldStatus`/`newStatus` are TUICallKit's legacy strings ('idle', 'be-invited', 'dialing-c2c', 'calling-c2c-video', ...).
 * @event ck-call-ended - `{ callId, reason, cause, totalTime }` when a call ends.
 * @event ck-error - `{ code, message }` when the engine reports an error.
 * @event ck-kicked-out - `{ reason }` when this user was logged in elsewhere and kicked out.
 * @event ck-missed-calls - `{ calls }` right after login: the calls this user missed while offline (default engine, server with records).
 * @event ck-user-invited - `{ callId, userId }`: a member was invited into the current call.
 * @event ck-user-accepted - `{ callId, userId }`: a member accepted the current call.
 * @event ck-user-joined - `{ callId, userId }`: a member is in the current call (after it began for us).
 * @event ck-user-left - `{ callId, userId }`: a member left the current call.
 * @event ck-user-declined - `{ callId, userId }`: a member declined the current call.
 * @event ck-user-busy - `{ callId, userId }`: a member was busy in another call.
 * @event ck-user-no-response - `{ callId, userId }`: a member did not answer in time.
 * @event ck-presence-changed - `{ users }`: watched users (`callKit.subscribePresence`) whose presence (`online`, `busy`, `offline`) is known or changed.
 * @event ck-video-request - `{ callId, userId, direction }`: a request to turn the 1v1 audio call into video waits for an answer (`incoming`: `userId` asks us; `outgoing`: we asked `userId`).
 * @event ck-video-request-ended - `{ callId, userId, direction, outcome }`: that request is over (`accepted`: the call is video now, `declined`, `cancelled`, `timeout`).
 * @csspart base - The wrapper around the active view.
 * @csspart banner - The incoming-call banners (`<incoming-banner>`): shown for every ringing call, also while the
 *   call view is minimized or during a call (call waiting), in the top layer (see `<incoming-banner>`).
 * @csspart banner-stack - The banners' top-layer container (`<incoming-banner>`'s `stack` part).
 * @csspart banner-base - One banner (`<incoming-banner>`'s `base` part).
 * @csspart view - The call view.
 * @csspart float-window - The minimized call (`<float-window>`), while `state.minimized`.
 * @csspart sound-button - "Tap to turn on sound": shown while the browser's autoplay policy holds the ringtone back.
 * @csspart reconnect - "Could not reconnect to the server" with its "Try again" button, while the connection has failed.
 * @csspart reconnect-button - "Try again": asks the kit to reconnect (`ck-reconnect-request`, then `callKit.reconnect()`).
 * @csspart load-error - "Could not load the call screen", shown instead of the call view (or the float window) when
 *   its module failed to load (`define.js` loads `<call-view>` and `<float-window>` on first use), with "Try again"
 *   and "Hang up".
 * @csspart load-retry - "Try again": imports that module again.
 * @csspart load-hangup - "Hang up": ends the call the user cannot see (`ck-hangup-request`).
 * @cssstate idle - No call and no toast: the element takes no space.
 * @cssstate ringing - An incoming call rings.
 * @cssstate calling - Dialing or ringing.
 * @cssstate connected - In a connected call.
 * @cssstate minimized - The call is minimized into the float window.
 * @cssstate sound-blocked - The ringtone waits for a user gesture (autoplay policy).
 * @cssstate connection-failed - Reconnecting to the signaling server gave up; "Try again" is shown.
 * @event ck-minimized-changed - `{ minimized }` when the call UI is minimized or restored.
 * @cssproperty --ck-call-kit-height - Height of the call UI (default 100% of the host).
 * @cssproperty --ck-call-kit-min-height - Minimum height of the call UI (default 360px).
 */
export class CallKitElement extends LitElement {
  static override styles = [sharedStyles, styles];
  /**
   * Registered with it. `<call-view>` and `<float-window>` register on first use instead
   * (`src/element-loader.ts`): this element imports them while a call rings or is placed, before
   * it renders them; lit upgrades the tags once they are defined.
   */
  static readonly dependencies = { 'incoming-banner': IncomingBanner };

  /** The kit this element shows and drives (default: the `callKit` singleton). */
  @property({ attribute: false }) kit: CallKit = callKit;

  /** `light` or `dark`; without it the page's `prefers-color-scheme` decides. Inner elements follow it. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  /** Offers the minimize button and the float window (`callKit.enableFloatWindow`). */
  @property({ type: Boolean, attribute: 'allowed-minimized' }) allowedMinimized: boolean | undefined;

  /** Offers the full-screen button (`callKit.allowedFullScreen`). */
  @property({ type: Boolean, attribute: 'allowed-full-screen' }) allowedFullScreen: boolean | undefined;

  /** `contain`, `cover` or `fill` (`callKit.setVideoDisplayMode`). */
  @property({ attribute: 'video-display-mode' }) videoDisplayMode: VideoDisplayMode | undefined;

  /** `480p`, `720p` or `1080p` (`callKit.setVideoResolution`). */
  @property({ attribute: 'video-resolution' }) videoResolution: VideoResolution | undefined;

  /** 1v1 video: `local` or `remote` large (`callKit.setLayoutMode`). */
  @property({ attribute: 'layout-mode' }) layoutMode: LayoutMode | undefined;

  /** Call waiting: while in a call, one further call rings with "end and accept" (`callKit.enableCallWaiting`). */
  @property({ type: Boolean, attribute: 'call-waiting' }) callWaiting: boolean | undefined;

  /** System notifications for calls ringing while the tab is hidden (`callKit.enableNotifications`; the app asks the permission). */
  @property({ type: Boolean }) notifications: boolean | undefined;

  /**
   * Keyboard shortcut that moves focus to the newest incoming-call banner (`aria-keyshortcuts` form,
   * default `Alt+Shift+A`; `none` turns it off). The banner never takes focus from a field or control
   * the user is in, so this (or Tab, or a click) is how a keyboard user reaches it.
   */
  @property({ attribute: 'incoming-shortcut' }) incomingShortcut = DEFAULT_INCOMING_SHORTCUT;

  /** UI language: `en`, `zh-cn`, `ja_JP` or a registered one (`callKit.setLanguage`). */
  @property() language: string | undefined;

  /** Called with `(oldStatus, newStatus)` legacy status strings (also the `ck-status-changed` event). */
  @property({ attribute: false }) statusChanged: KitCallbacks['statusChanged'];
  /** Called before a call is placed, with its media type. */
  @property({ attribute: false }) beforeCalling: KitCallbacks['beforeCalling'];
  /** Called once a call connected. */
  @property({ attribute: false }) afterCalling: KitCallbacks['afterCalling'];
  /** Called with `(oldValue, newValue)` when the call UI is minimized or restored (also `ck-minimized-changed`). */
  @property({ attribute: false }) onMinimized: KitCallbacks['onMinimized'];
  /** Called with the reason when this user was logged in elsewhere (also `ck-kicked-out`). */
  @property({ attribute: false }) kickedOut: KitCallbacks['kickedOut'];

  #provider = new ContextProvider(this, { context: storeContext, initialValue: callKit.store });
  #view = new StoreController<View>(this, viewOf, shallowEqual, idleView);
  #localize = new LocalizeController(this);
  #internals: ElementInternals | null = null;
  #boundKit: CallKit | null = null;
  /** The lazy tags this element asked for: loading, ready, or the import's error. */
  #lazy = new Map<LazyTag, 'loading' | 'ready' | Error>();
  #forward = (event: Event) => {
    const detail = (event as CustomEvent).detail;
    this.dispatchEvent(new CustomEvent(event.type, { detail, bubbles: true, composed: true }));
  };

  constructor() {
    super();
    this.#internals = typeof this.attachInternals === 'function' ? this.attachInternals() : null;
    this.addEventListener(AcceptRequestEvent.eventName, (e) =>
      this.#act(e, () => {
        const { audioOnly, callId, endCurrent, camera } = e.detail;
        const options = callId === undefined ? { audioOnly } : { audioOnly, callId, endCurrent: endCurrent === true };
        return this.kit.accept(camera === undefined ? options : { ...options, camera });
      }),
    );
    this.addEventListener(RejectRequestEvent.eventName, (e) =>
      this.#act(e, () => (e.detail.callId === undefined ? this.kit.reject() : this.kit.reject({ callId: e.detail.callId }))),
    );
    this.addEventListener(HangupRequestEvent.eventName, (e) => this.#act(e, () => this.kit.hangup()));
    this.addEventListener(InviteRequestEvent.eventName, (e) => {
      const userIDList = e.detail.userIDList;
      if (userIDList?.length) this.#act(e, () => this.kit.inviteUser({ userIDList }));
    });
    this.addEventListener(MinimizeRequestEvent.eventName, (e) => this.#act(e, async () => this.kit.setMinimized(e.detail.minimized)));
    this.addEventListener(SoundRequestEvent.eventName, (e) => this.#act(e, () => this.kit.enableSound()));
    this.addEventListener(ReconnectRequestEvent.eventName, (e) => this.#act(e, () => this.kit.reconnect()));
    this.addEventListener(DeviceRequestEvent.eventName, (e) =>
      this.#act(e, () => this.kit.switchDevice({ deviceType: e.detail.kind, deviceId: e.detail.deviceId })),
    );
    this.addEventListener(JoinRequestEvent.eventName, (e) => this.#act(e, () => this.kit.join({ callId: e.detail.callId })));
    this.addEventListener(CallBackRequestEvent.eventName, (e) =>
      this.#act(e, () => this.kit.calls({ userIDList: e.detail.userIDList, type: e.detail.type })),
    );
    this.addEventListener(MicrophoneRequestEvent.eventName, (e) =>
      this.#act(e, () => (e.detail.enabled ? this.kit.openMicrophone() : this.kit.closeMicrophone())),
    );
    this.addEventListener(CameraRequestEvent.eventName, (e) =>
      this.#act(e, () => (e.detail.enabled ? this.kit.openCamera() : this.kit.closeCamera())),
    );
    this.addEventListener(SpeakerRequestEvent.eventName, (e) =>
      this.#act(e, async () => (e.detail.muted ? this.kit.muteSpeaker() : this.kit.unMuteSpeaker())),
    );
    this.addEventListener(SwitchCameraRequestEvent.eventName, (e) => this.#act(e, () => this.#switchCamera()));
    this.addEventListener(BlurRequestEvent.eventName, (e) => this.#act(e, () => this.kit.setBlurBackground(e.detail.enabled)));
    this.addEventListener(NoiseSuppressionRequestEvent.eventName, (e) => this.#act(e, () => this.kit.enableAIVoice(e.detail.enabled)));
    this.addEventListener(FullScreenRequestEvent.eventName, (e) => this.#act(e, () => this.#fullScreen(e.detail.fullScreen)));
    this.addEventListener(SwitchToVideoRequestEvent.eventName, (e) =>
      this.#act(e, () => this.kit.switchCallMediaType(CallMediaType.VIDEO)),
    );
    this.addEventListener(FocusChangeEvent.eventName, (e) => this.#act(e, async () => this.kit.setFocusedMember(e.detail.userId)));
    this.addEventListener(TileSizesEvent.eventName, (e) => this.#act(e, async () => this.kit.setTileSizes(e.detail.sizes)));
    this.addEventListener(VideoAnswerRequestEvent.eventName, (e) =>
      this.#act(e, () => (e.detail.accept ? this.kit.acceptVideoRequest() : this.kit.declineVideoRequest())),
    );
  }

  /** The store this element provides (read-only), also used by elements with `call-kit="<this id>"`. */
  get store(): ReadonlyStore {
    return this.kit.store;
  }

  /** Runs the kit call after the event finished propagating, unless a listener prevented it. */
  #act(event: Event, run: () => Promise<unknown>): void {
    queueMicrotask(() => {
      if (event.defaultPrevented) return;
      // Errors are already shown as toasts and re-dispatched as ck-error by the kit.
      run().catch((error: unknown) => {
        this.dispatchEvent(
          new CustomEvent('ck-error', {
            detail: { code: (error as { code?: number }).code ?? -1, message: (error as Error).message },
            bubbles: true,
            composed: true,
          }),
        );
      });
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#bindKit();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unbindKit();
  }

  /** The next camera of `getDeviceList('camera')` (front / back on phones). */
  async #switchCamera(): Promise<void> {
    const cameras = await this.kit.getDeviceList('camera');
    if (cameras.length < 2) return;
    const track = this.kit.store.getState().self.stream?.getVideoTracks()[0];
    const current = track?.getSettings().deviceId;
    const index = cameras.findIndex((c) => c.deviceId === current);
    const next = cameras[(index + 1) % cameras.length]!;
    await this.kit.switchDevice({ deviceType: 'camera', deviceId: next.deviceId });
  }

  /** Full screen on this element (TUICallKit: on its root), or leaves it. */
  async #fullScreen(on: boolean): Promise<void> {
    const doc = this.ownerDocument;
    if (on && !doc.fullscreenElement) await this.requestFullscreen();
    else if (!on && doc.fullscreenElement) await doc.exitFullscreen();
  }

  /** Attributes and callback properties that set the kit's settings (only those the host set). */
  #applySettings(changed: Map<PropertyKey, unknown>): void {
    const kit = this.kit;
    const all = changed.has('kit');
    const set = (key: keyof this, apply: () => unknown) => {
      if ((all || changed.has(key)) && this[key] !== undefined) {
        try {
          const result = apply();
          if (result instanceof Promise) result.catch(() => undefined);
        } catch (error) {
          console.warn(`<call-kit> ${String(key)}:`, (error as Error).message);
        }
      }
    };
    set('allowedMinimized', () => kit.enableFloatWindow(Boolean(this.allowedMinimized)));
    set('allowedFullScreen', () => {
      kit.allowedFullScreen = Boolean(this.allowedFullScreen);
    });
    set('videoDisplayMode', () => kit.setVideoDisplayMode(this.videoDisplayMode!));
    set('videoResolution', () => kit.setVideoResolution(this.videoResolution!));
    set('layoutMode', () => kit.setLayoutMode(this.layoutMode!));
    set('language', () => kit.setLanguage(this.language!));
    set('callWaiting', () => kit.enableCallWaiting(Boolean(this.callWaiting)));
    set('notifications', () => kit.enableNotifications(Boolean(this.notifications)));
    const callbacks: KitCallbacks = {};
    for (const key of ['statusChanged', 'beforeCalling', 'afterCalling', 'onMinimized', 'kickedOut'] as const) {
      if ((all || changed.has(key)) && this[key] !== undefined) (callbacks as Record<string, unknown>)[key] = this[key];
    }
    if (Object.keys(callbacks).length) kit.setCallback(callbacks);
  }

  /** Imports a lazy tag once (again after a failure only through `retry`), re-rendering when it settles. */
  #need(tag: LazyTag, retry = false): void {
    const state = this.#lazy.get(tag);
    if (state === 'loading' || state === 'ready' || (state instanceof Error && !retry)) return;
    this.#lazy.set(tag, 'loading');
    loadElement(tag).then(
      () => {
        this.#lazy.set(tag, 'ready');
        this.requestUpdate();
      },
      (error: unknown) => {
        this.#lazy.set(tag, error as Error);
        this.requestUpdate();
        this.dispatchEvent(
          new CustomEvent('ck-error', { detail: { code: -1, message: (error as Error).message }, bubbles: true, composed: true }),
        );
      },
    );
  }

  /**
   * Loads the lazy parts the state needs, or will soon: the call view as soon as a call rings or is
   * placed (so it is there when the user accepts) or a toast shows; the float window during a call
   * that may be minimized.
   */
  #prefetch(): void {
    const { status, toast, incoming, floatWindow, minimized } = this.#view.value;
    if (status !== CallStatus.IDLE || toast || incoming > 0) this.#need('call-view');
    if (status !== CallStatus.IDLE && (floatWindow || minimized)) this.#need('float-window');
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.#prefetch();
    this.#applySettings(changed);
    if (changed.has('kit')) {
      this.#provider.setValue(this.kit.store);
      this.#view.setStore(this.kit.store);
      this.#localize.setStore(this.kit.store);
      if (this.isConnected) this.#bindKit();
    }
  }

  #bindKit(): void {
    if (this.#boundKit === this.kit) return;
    this.#unbindKit();
    this.#boundKit = this.kit;
    this.#view.setStore(this.kit.store);
    this.#localize.setStore(this.kit.store);
    for (const type of KIT_EVENTS) this.kit.addEventListener(type, this.#forward);
  }

  #unbindKit(): void {
    if (!this.#boundKit) return;
    for (const type of KIT_EVENTS) this.#boundKit.removeEventListener(type, this.#forward);
    this.#boundKit = null;
  }

  override updated(): void {
    const { status, role, connecting, toast, minimized, soundBlocked, offline } = this.#view.value;
    const ringing = isRingingForMe({ status, role, connecting });
    const want = {
      idle: status === CallStatus.IDLE && !toast && !offline,
      calling: status === CallStatus.CALLING,
      ringing,
      connected: status === CallStatus.CONNECTED,
      minimized: minimized && status !== CallStatus.IDLE && !ringing,
      'sound-blocked': soundBlocked,
      'connection-failed': offline,
    };
    for (const [name, on] of Object.entries(want)) toggleState(this.#internals, name, on);
  }

  /** Instead of a call view (or float window) whose module failed to load: what happened, "Try again" and (in a call) "Hang up". */
  #loadError(tag: LazyTag, inCall: boolean) {
    const { t, lang } = this.#localize;
    return html`<div part="load-error" class="reconnect" role="alert" lang=${lang}>
      <span>${t('load-failed')}</span>
      <button type="button" part="load-retry" @click=${() => this.#need(tag, true)}>${t('reconnect-retry')}</button>
      ${
        inCall
          ? html`<button type="button" part="load-hangup" @click=${() => this.dispatchEvent(new HangupRequestEvent())}>${t('hangup')}</button>`
          : nothing
      }
    </div>`;
  }

  override render() {
    const { status, role, connecting, toast, minimized, soundBlocked, offline, incoming } = this.#view.value;
    // While idle, <call-view> shows only its toast region (why the last call ended).
    if (status === CallStatus.IDLE && !toast && !incoming && !offline) return nothing;
    const ringing = isRingingForMe({ status, role, connecting });
    // Minimized: the view stays in the DOM (its media elements keep playing the call's audio), hidden.
    const floating = minimized && status !== CallStatus.IDLE && !ringing;
    const sound = this.#localize.t('sound-blocked');
    const showView = !(ringing || (status === CallStatus.IDLE && !toast));
    const viewFailed = this.#lazy.get('call-view') instanceof Error;
    const floatFailed = floating && this.#lazy.get('float-window') instanceof Error;
    return html`<div part="base">
      ${showView && !viewFailed ? html`<call-view part="view" ?hidden=${floating}></call-view>` : nothing}
      ${showView && viewFailed && !floating ? this.#loadError('call-view', status !== CallStatus.IDLE) : nothing}
      ${floatFailed ? this.#loadError('float-window', true) : nothing}
      ${
        ringing || incoming
          ? html`<incoming-banner
            part="banner"
            exportparts="stack: banner-stack, base: banner-base"
            shortcut=${this.incomingShortcut}
          ></incoming-banner>`
          : nothing
      }
      ${floating && !floatFailed ? html`<float-window part="float-window"></float-window>` : nothing}
      ${
        soundBlocked
          ? html`<button type="button" part="sound-button" class="sound" lang=${this.#localize.lang} @click=${() => this.dispatchEvent(new SoundRequestEvent())}>
            <svg class="icon" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
              <path d="M4 9.5h3.5L12 5.5v13l-4.5-4H4z" /><path d="M15.5 9a4.5 4.5 0 0 1 0 6M18 6.5a8 8 0 0 1 0 11" />
            </svg>
            <span>${sound}</span>
          </button>`
          : nothing
      }
      ${
        offline
          ? html`<div part="reconnect" class="reconnect" lang=${this.#localize.lang}>
            <span>${this.#localize.t('reconnect-failed')}</span>
            <button type="button" part="reconnect-button" @click=${() => this.dispatchEvent(new ReconnectRequestEvent())}>
              ${this.#localize.t('reconnect-retry')}
            </button>
          </div>`
          : nothing
      }
    </div>`;
  }
}
