import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { CallMediaType, CallRole, CallStatus, LayoutMode, type VideoDisplayMode } from '../../src/constants.js';
import { defineElement } from '../../src/define-element.js';
import { safeImageUrl } from '../../src/util/safe-url.js';
import { StoreElement } from '../../src/elements/store-element.js';
import {
  CameraRequestEvent,
  FocusChangeEvent,
  MicrophoneRequestEvent,
  SpeakerRequestEvent,
  SwitchToVideoRequestEvent,
  VideoAnswerRequestEvent,
} from '../../src/events/requests.js';
import { formatDuration } from '../../src/i18n/format.js';
import { shallowEqual } from '../../src/elements/store-controller.js';
import { isConnecting, isDialing, isRingingForMe } from '../../src/store/selectors.js';
import type { CallState, MemberView, Message, Toast, VideoRequest } from '../../src/store/types.js';
import { CallAvatar } from '../call-avatar/call-avatar.js';
import { FeatureButtons } from '../feature-buttons/feature-buttons.js';
import { ParticipantTile } from '../participant-tile/participant-tile.js';
import { RingingPreview } from './ringing-preview.js';
import { renderTiles, tilesLayout, type TilePlace, type TilesContext, type TilesLayout } from './call-tiles.js';
import { styles } from './call-view.styles.js';
import { TileSizes } from './tile-sizes.js';

/** For `<incoming-banner>`, which loads it from this chunk. */
export { RingingPreview };
export { compactPreviewStyles } from './ringing-preview.js';

/** Member states that mean "no longer in the call": their tiles go away. */
const GONE = new Set<MemberView['status']>(['rejected', 'busy', 'no-response', 'unavailable', 'cancelled', 'left']);

/** What the layout depends on. Volume and network ticks do not change it (tiles follow those themselves). */
interface View {
  status: CallState['status'];
  role: CallState['role'];
  video: boolean;
  group: boolean;
  selfId: string;
  selfVideo: boolean;
  /** Remote members still in the call, in order. */
  remoteIds: readonly string[];
  /** 1v1: whether the other side's video is shown. */
  remoteVideo: boolean;
  /** The other side of a 1v1 call (the caller while ringing): shown while the call is set up. */
  peerName: string;
  peerAvatar: string;
  layoutMode: CallState['settings']['layoutMode'];
  connectedAt: number;
  /** The "connecting" state: answered, the media path not connected yet (`CallState.connecting`), or no remote media yet. */
  connecting: boolean;
}

function viewOf(s: CallState): View {
  const remotes = s.members.filter((m) => !GONE.has(m.status));
  const ringing = isRingingForMe(s);
  const peer = (ringing ? s.members.find((m) => m.userId === s.callerId) : remotes[0]) ?? s.members[0];
  const first = remotes[0];
  return {
    status: s.status,
    role: s.role,
    video: s.mediaType === CallMediaType.VIDEO,
    group: s.isGroup || remotes.length > 1,
    selfId: s.self.userId,
    selfVideo: s.self.videoAvailable && s.self.stream !== null,
    remoteIds: remotes.map((m) => m.userId),
    remoteVideo: Boolean(first?.videoAvailable && first.stream),
    peerName: peer ? peer.name || peer.userId : s.callerId,
    peerAvatar: safeImageUrl(peer?.avatar),
    layoutMode: s.settings.layoutMode,
    connectedAt: s.connectedAt,
    connecting: isConnecting(s) || (s.status === CallStatus.CONNECTED && remotes.length > 0 && remotes.every((m) => !m.stream)),
  };
}

function viewEquals(a: View, b: View): boolean {
  return (
    shallowEqual({ ...a, remoteIds: null }, { ...b, remoteIds: null }) &&
    a.remoteIds.length === b.remoteIds.length &&
    a.remoteIds.every((id, i) => id === b.remoteIds[i])
  );
}

/**
 * The call screen for a 1v1 or group, audio or video call:
 * - ringing (callee): the caller's avatar, name and call type, with accept / decline; in a video
 *   call also the user's own camera (a preview) and "Answer with camera on" (`aria-pressed`): off,
 *   the accept request carries `camera: false` and the call starts with the camera off;
 * - dialing (caller): the callee's avatar and name and a "waiting" tip, over the local video in
 *   video calls;
 * - connecting: after the answer (ours, or for the caller the callee's), while the media path is set
 *   up (status still `calling`: no timer) and until the other side's media arrives, their avatar and a spinner;
 * - connected 1v1: the other side large and the local video in a picture-in-picture corner
 *   (`layout-mode`, else `settings.layoutMode`; clicking the small video swaps them); audio calls
 *   show the other side's avatar with a speaking ring;
 * - group: a grid of tiles, 2 columns up to 4 members, 3 up to 9; clicking a tile shows it large;
 * - narrow containers (container query, under 480px): a full-bleed portrait layout;
 * - always: the call timer (`hh:mm:ss` from `state.connectedAt`, ticking only while connected),
 *   the store's tip (else "Connection to {name} lost, reconnecting…" while a member's media
 *   connection is interrupted), its toast in a `role="status"` live region, and `<feature-buttons>`.
 * - connected 1v1 audio call: a "Switch to video" button (unless hidden with
 *   `hideFeatureButton('switchToVideo')`); while a request to switch is pending, its text in an
 *   assertive live region ("{name} wants to switch to video", or "Asking {name}…" for ours) and,
 *   for theirs, Accept / Decline buttons.
 * While idle it renders only the (empty) live region.
 *
 * While a call is placed or connected, a "Check devices" button in the top bar opens `<device-check>`
 * (loaded on first use, its own chunk) in a modal dialog: camera preview, microphone level, test
 * sound and device choice (a choice there switches the call's device too). Closing it (Done, Escape)
 * stops its capture.
 *
 * Keyboard, while focus is inside the view (not in a text field): M turns the microphone on or off,
 * V the camera (video calls), S the speaker (connected calls).
 *
 * @summary The in-call screen: videos or avatars, timer, tips and the call's buttons.
 *
 * @event ck-accept-request - From the inner `<feature-buttons>`.
 * @event ck-reject-request - From the inner `<feature-buttons>`.
 * @event ck-hangup-request - From the inner `<feature-buttons>`.
 * @event ck-microphone-request - From the inner `<feature-buttons>`, or the M key.
 * @event ck-camera-request - From the inner `<feature-buttons>`, or the V key.
 * @event ck-speaker-request - From the inner `<feature-buttons>`, or the S key.
 * @event ck-switch-camera-request - From the inner `<feature-buttons>`.
 * @event ck-blur-request - From the inner `<feature-buttons>`.
 * @event ck-invite-request - From the inner `<feature-buttons>`.
 * @event ck-minimize-request - From the inner `<feature-buttons>`.
 * @event ck-full-screen-request - From the inner `<feature-buttons>`.
 * @event ck-switch-to-video-request - The "Switch to video" button of a 1v1 audio call.
 * @event ck-video-answer-request - `{ accept }`: Accept / Decline of the other side's request to switch to video.
 * @event ck-focus-change - `{ userId }` (`''`: none): the member shown large in a group call changed (`callKit.setFocusedMember`).
 * @event ck-tile-sizes - `{ sizes }`: each other member's tile width in device pixels (a member missing: no visible tile), debounced, when it changed; `<call-kit>` hands it to the engine (simulcast layers).
 *
 * @slot header-start - Start of the top bar (before the timer).
 * @slot header-end - End of the top bar (after the timer), e.g. minimize / full-screen buttons.
 * @slot controls - Replaces the built-in `<feature-buttons>`.
 *
 * @csspart base - The call screen.
 * @csspart header - The top bar.
 * @csspart timer - The call duration.
 * @csspart peer - The other side's avatar, name and tip while the call is set up.
 * @csspart avatar - The other side's avatar (`<call-avatar>`; its parts as `avatar-image`, `avatar-initial`).
 * @csspart avatar-image - The other side's avatar image.
 * @csspart avatar-initial - The other side's initial, shown without a (working) image.
 * @csspart name - The other side's name.
 * @csspart tip - The tip text ("Waiting for the other side to answer…").
 * @csspart main - The large tile of a connected 1v1 call.
 * @csspart backdrop - The local video behind the dialing screen of a video call.
 * @csspart pip - The small picture-in-picture tile of a 1v1 video call.
 * @csspart swap-button - The button over the picture-in-picture that swaps the large and small videos.
 * @csspart focus-button - The button over each group tile that shows it large (`aria-pressed`).
 * @csspart grid - The tiles of a group call.
 * @csspart tile - Every `<participant-tile>` (its parts are exported as `tile-base`, `video`, `tile-avatar`, `tile-avatar-image`, `tile-avatar-initial`, `tile-name`, `tile-status`).
 * @csspart ringing-preview - The user's own camera while a video call rings.
 * @csspart ringing-camera-toggle - "Answer with camera on" (`aria-pressed`) on that preview.
 * @csspart device-check-button - The "Check devices" button in the top bar.
 * @csspart device-check-dialog - The dialog holding `<device-check>`.
 * @csspart toast - The toast text (a `role="status"` live region).
 * @csspart switch-to-video - The "Switch to video" button of a connected 1v1 audio call.
 * @csspart video-request - The pending request to switch to video (text and, for the other side's, its buttons).
 * @csspart video-request-text - Its text (an assertive live region).
 * @csspart video-request-accept - Accept the other side's request.
 * @csspart video-request-decline - Decline it.
 * @csspart footer - The bottom bar holding the buttons.
 * @csspart controls - The `<feature-buttons>` (its parts are exported as `button`, `microphone`, `camera`, `speaker`, `speaker-output`, `speaker-menu`, `speaker-option`, `switch-camera`, `blur`, `invite`, `minimize`, `full-screen`, `hangup`, `accept`, `accept-audio`, `reject`, `icon`, `label`).
 *
 * @cssproperty --ck-call-view-background - Stage background (default `--ck-color-stage`).
 * @cssproperty --ck-call-view-color - Stage text colour (default `--ck-color-on-stage`).
 * @cssproperty --ck-call-view-height - Height (default 100%).
 * @cssproperty --ck-call-view-min-height - Minimum height (default 360px).
 * @cssproperty --ck-call-view-radius - Corner radius (default 0).
 * @cssproperty --ck-call-view-avatar-size - Size of the other side's avatar (default 112px).
 * @cssproperty --ck-call-view-avatar-radius - Its corner radius (default 50%).
 * @cssproperty --ck-call-view-name-size - Font size of the other side's name.
 * @cssproperty --ck-call-view-tip-color - Tip text colour.
 * @cssproperty --ck-call-view-timer-size - Timer font size.
 * @cssproperty --ck-call-view-pip-width - Width of the picture-in-picture tile.
 * @cssproperty --ck-call-view-pip-aspect-ratio - Its aspect ratio (default 3 / 4).
 * @cssproperty --ck-call-view-pip-radius - Its corner radius (default `--ck-radius`).
 * @cssproperty --ck-call-view-grid-gap - Gap between group tiles.
 * @cssproperty --ck-call-view-grid-tile-min-height - Minimum height of a group tile.
 * @cssproperty --ck-call-view-toast-background - Toast background.
 * @cssproperty --ck-call-view-toast-color - Toast text colour.
 * @cssproperty --ck-call-view-toast-error-background - Background of error toasts.
 * @cssproperty --ck-call-view-toast-radius - Toast corner radius.
 * @cssproperty --ck-call-view-accept-background - Background of the Accept button of a request to switch to video (default #17783f, white text).
 *
 * @cssstate idle - No call.
 * @cssstate ringing - An incoming call rings.
 * @cssstate dialing - This user is calling out.
 * @cssstate connected - The call is connected.
 * @cssstate video - A video call.
 * @cssstate audio - A voice call.
 * @cssstate group - A group call (grid layout).
 * @cssstate connecting - Answered, but the media path is not connected or no remote media has arrived yet (spinner and "Connecting…").
 */
export class CallView extends StoreElement {
  static override styles = styles;
  static readonly dependencies = { 'call-avatar': CallAvatar, 'participant-tile': ParticipantTile, 'feature-buttons': FeatureButtons };

  /**
   * 1v1 video: who is shown large (`local` or `remote`); without it, the store's
   * `settings.layoutMode` (`callKit.setLayoutMode`). Clicking the small video swaps them.
   */
  @property({ attribute: 'layout-mode', reflect: true }) layoutMode: LayoutMode | undefined;

  /** How videos fill their tiles (`contain`, `cover`, `fill`); without it, `settings.displayMode`. */
  @property({ attribute: 'video-display-mode', reflect: true }) videoDisplayMode: VideoDisplayMode | undefined;

  /** The callee's own camera while a video call rings, and "Answer with camera on". */
  readonly #preview = new RingingPreview(this, () => this.resolvedStore?.getState().settings.cameraDefaultOn ?? true);

  /** The "Check devices" dialog is open. */
  @state() private checkingDevices = false;

  /** Group call: the member shown large (clicking a tile focuses it; clicking it again unfocuses). */
  @state() private focusedId = '';
  #focusTold = ''; // the other member in focus last told to the kit (`ck-focus-change`; never us)

  readonly #view = this.select<View>(viewOf, viewEquals);

  readonly #tip = this.select<Message | null>((s) => s.tip);
  /** Name of the first connected member whose media connection is interrupted ('' when none). */
  readonly #reconnecting = this.select<string>((s) => {
    const m = s.status === CallStatus.CONNECTED ? s.members.find((x) => x.reconnecting && x.status === 'accepted') : undefined;
    return m ? m.name || m.userId : '';
  });
  readonly #toast = this.select<Toast | null>((s) => s.toast);
  /** A pending request to switch to video, with the other side's name; whether the button to ask shows. */
  readonly #video = this.select<{ request: VideoRequest | null; name: string; canAsk: boolean }>(
    (s) => {
      const request = s.videoRequest;
      const other = request ? s.members.find((m) => m.userId === request.userId) : undefined;
      const canAsk =
        s.status === CallStatus.CONNECTED &&
        s.mediaType === CallMediaType.AUDIO &&
        !s.isGroup &&
        s.members.filter((m) => !GONE.has(m.status)).length === 1 &&
        !s.settings.hiddenButtons.includes('switchToVideo');
      return { request, name: request ? other?.name || request.userId : '', canAsk };
    },
    (a, b) => a.request === b.request && a.name === b.name && a.canAsk === b.canAsk,
  );

  /** The clock: re-renders the timer each elapsed second while connected. */
  #tick: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    // The tiles' rendered widths, told to <call-kit> (`ck-tile-sizes`): the engine's simulcast layers follow them.
    void new TileSizes(this, {
      tiles: () => this.renderRoot.querySelectorAll<HTMLElement>('participant-tile'),
      self: () => this.#view.value.selfId,
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#syncClock();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopClock();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const v = this.#view.value;
    this.#preview.prepare(isRingingForMe(v) && v.video);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const { status, role, video, group, connecting } = this.#view.value;
    this.toggleState('idle', status === CallStatus.IDLE);
    this.toggleState('ringing', isRingingForMe({ status, role, connecting }));
    this.toggleState('dialing', isDialing({ status, role, connecting }));
    this.toggleState('connected', status === CallStatus.CONNECTED);
    this.toggleState('video', status !== CallStatus.IDLE && video);
    this.toggleState('audio', status !== CallStatus.IDLE && !video);
    this.toggleState('group', status !== CallStatus.IDLE && group);
    const focus = group && this.#view.value.remoteIds.includes(this.focusedId) ? this.focusedId : '';
    if (focus !== this.#focusTold) this.dispatchEvent(new FocusChangeEvent({ userId: (this.#focusTold = focus) }));
    this.toggleState('connecting', this.#view.value.connecting);
    this.#syncClock();
    this.#preview.sync();
  }

  /** Opens the device check (its element loads on first use). */
  async openDeviceCheck(): Promise<void> {
    if (typeof customElements !== 'undefined' && !customElements.get('device-check')) {
      const { DeviceCheck } = await import('../device-check/device-check.js');
      defineElement('device-check', DeviceCheck);
    }
    this.checkingDevices = true;
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector<HTMLDialogElement>('dialog');
    if (dialog && !dialog.open) dialog.showModal();
  }

  /** Closes it: `<device-check>` leaves the DOM and stops its capture; focus returns to the button. */
  closeDeviceCheck(): void {
    const dialog = this.renderRoot.querySelector<HTMLDialogElement>('dialog');
    if (dialog?.open) dialog.close();
    if (!this.checkingDevices) return;
    this.checkingDevices = false;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('[part~=device-check-button]')?.focus());
  }

  #renderDeviceCheck(v: View) {
    const { t } = this.localize;
    if (isRingingForMe(v)) return nothing;
    const label = t('device-check-open');
    return html`<button
        type="button"
        part="device-check-button"
        class="pill"
        aria-haspopup="dialog"
        aria-expanded=${this.checkingDevices ? 'true' : 'false'}
        @click=${() => void this.openDeviceCheck()}
      >
        ${label}
      </button>
      ${
        this.checkingDevices
          ? html`<dialog part="device-check-dialog" aria-label=${label} @close=${() => this.closeDeviceCheck()}>
            <device-check .store=${this.resolvedStore} @ck-device-check-close=${() => this.closeDeviceCheck()}></device-check>
          </dialog>`
          : nothing
      }`;
  }

  /** Runs the clock only while connected (and attached), re-rendering on each elapsed second. */
  #syncClock(): void {
    const { status, connectedAt } = this.#view.value;
    const run = this.isConnected && status === CallStatus.CONNECTED && connectedAt > 0;
    if (!run) {
      this.#stopClock();
      return;
    }
    if (this.#tick !== undefined) return;
    const schedule = () => {
      const elapsed = Date.now() - this.#view.value.connectedAt;
      this.#tick = setTimeout(
        () => {
          this.#tick = undefined;
          this.requestUpdate();
          schedule();
        },
        1000 - (elapsed % 1000) + 5,
      );
    };
    schedule();
  }

  #stopClock(): void {
    if (this.#tick === undefined) return;
    clearTimeout(this.#tick);
    this.#tick = undefined;
  }

  /** A member's tile: one template wherever it is (`call-tiles.ts` keeps it the same element). */
  #tile(userId: string, where: TilePlace) {
    return html`<participant-tile
      part="tile"
      exportparts="base: tile-base, video, avatar: tile-avatar, avatar-image: tile-avatar-image, avatar-initial: tile-avatar-initial, name: tile-name, status: tile-status, network: tile-network"
      data-place=${where}
      user-id=${userId}
      display-mode=${ifDefined(this.videoDisplayMode)}
      .store=${this.resolvedStore}
    ></participant-tile>`;
  }

  readonly #tilesContext: TilesContext = {
    t: (key, params) => this.localize.t(key, params),
    nameOf: (id) => this.#nameOf(id),
    tile: (id, where) => this.#tile(id, where),
    swap: () => this.swapViews(),
    focus: (id) => {
      this.focusedId = id;
    },
  };

  #tilesLayout(v: View): TilesLayout {
    return tilesLayout({
      ...v,
      ringing: isRingingForMe(v),
      settingUp: isDialing(v) || v.connecting,
      connected: v.status === CallStatus.CONNECTED,
      calling: v.status === CallStatus.CALLING,
      focusedId: this.focusedId,
      layout: this.#layout(v),
    });
  }

  /** The effective 1v1 layout: the attribute, else the store setting. */
  #layout(v: View): LayoutMode {
    return this.layoutMode ?? v.layoutMode;
  }

  /** Swaps the large and small videos of a 1v1 video call. */
  swapViews(): void {
    const current = this.#layout(this.#view.value);
    this.layoutMode = current === LayoutMode.LOCAL_LARGE ? LayoutMode.REMOTE_LARGE : LayoutMode.LOCAL_LARGE;
  }

  /**
   * Keyboard shortcuts while focus is inside the view (never while typing in a field, never with
   * Ctrl / Alt / Meta): M microphone, V camera (video calls), S speaker (connected).
   */
  #onKeyDown = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
    const target = event.composedPath()[0] as HTMLElement | undefined;
    if (target && (target.isContentEditable || /^(input|textarea|select)$/i.test(target.localName))) return;
    const s = this.resolvedStore?.getState();
    if (!s || s.status === CallStatus.IDLE || isRingingForMe(s)) return;
    let request: Event | undefined;
    switch (event.key.toLowerCase()) {
      case 'm':
        request = new MicrophoneRequestEvent({ enabled: !s.self.audioAvailable });
        break;
      case 'v':
        if (s.mediaType === CallMediaType.VIDEO) request = new CameraRequestEvent({ enabled: !s.self.videoAvailable });
        break;
      case 's':
        if (s.status === CallStatus.CONNECTED) request = new SpeakerRequestEvent({ muted: !s.speakerMuted });
        break;
    }
    if (!request) return;
    event.preventDefault();
    this.dispatchEvent(request);
  };

  #nameOf(userId: string): string {
    const s = this.resolvedStore?.getState();
    if (!s) return userId;
    const m = s.self.userId === userId ? s.self : s.members.find((x) => x.userId === userId);
    return m?.name || userId;
  }

  #renderPeer(v: View) {
    const tip = this.#tip.value;
    const fallbackTip =
      v.role === CallRole.CALLEE
        ? v.video
          ? 'callee-calling-video-message'
          : 'callee-calling-audio-message'
        : v.group
          ? 'wait-to-be-called'
          : 'caller-calling-message';
    return html`<div part="peer">
      ${this.#renderPeerAvatar(v)}
      <div part="name">${v.peerName}</div>
      <p part="tip">${this.localize.t(tip?.key ?? fallbackTip, tip?.params)}</p>
    </div>`;
  }

  #renderContent(v: View) {
    const { t } = this.localize;
    const tip = this.#tip.value;
    const lost = this.#reconnecting.value;
    const tipText = tip
      ? html`<p part="tip">${t(tip.key, tip.params)}</p>`
      : lost
        ? html`<p part="tip" role="status">${t('member-reconnecting', { name: lost })}</p>`
        : nothing;
    const ringing = isRingingForMe(v);
    if (v.connecting && !v.group) return this.#renderConnecting(v);
    if (ringing || (v.status === CallStatus.CALLING && !v.group)) return this.#renderPeer(v);
    return tipText; // the tiles of a group or 1v1 audio call: renderTiles, before the content
  }

  /** Answered, media not flowing yet: the other side's avatar with a spinner, so the answer feels instant. */
  #renderConnecting(v: View) {
    return html`<div part="peer connecting">
      <span class="spinner-ring">${this.#renderPeerAvatar(v)}</span>
      <div part="name">${v.peerName}</div>
      <p part="tip" role="status"><span class="spinner" aria-hidden="true"></span>${this.localize.t('connecting')}</p>
    </div>`;
  }

  #renderPeerAvatar(v: View) {
    return html`<call-avatar part="avatar" exportparts="image: avatar-image, initial: avatar-initial" .src=${v.peerAvatar} .name=${v.peerName}></call-avatar>`;
  }

  /**
   * The switch-to-video prompt. The text's live region is rendered for the whole call (empty when
   * nothing is pending) so that a request appearing is announced.
   */
  #renderVideoRequest() {
    const { t } = this.localize;
    const { request, name, canAsk } = this.#video.value;
    const incoming = request?.direction === 'incoming';
    const text = request ? t(incoming ? 'video-request-incoming' : 'video-request-outgoing', { name }) : '';
    return html`<div part="video-request" class="video-request">
      <p part="video-request-text" id="video-request-text" aria-live="assertive" aria-atomic="true">${text}</p>
      ${
        incoming
          ? html`<div class="video-request-actions" role="group" aria-labelledby="video-request-text">
              <button type="button" part="video-request-accept" @click=${() => this.dispatchEvent(new VideoAnswerRequestEvent({ accept: true }))}>
                ${t('video-request-accept')}
              </button>
              <button type="button" part="video-request-decline" @click=${() => this.dispatchEvent(new VideoAnswerRequestEvent({ accept: false }))}>
                ${t('video-request-decline')}
              </button>
            </div>`
          : !request && canAsk
            ? html`<button type="button" part="switch-to-video" @click=${() => this.dispatchEvent(new SwitchToVideoRequestEvent())}>
                ${t('switch-to-video')}
              </button>`
            : nothing
      }
    </div>`;
  }

  #renderToast() {
    const toast = this.#toast.value;
    return html`<div class="toasts">
      <div part="toast" role="status" aria-live="polite" data-type=${ifDefined(toast?.type)}>${toast ? this.localize.t(toast.key, toast.params) : ''}</div>
    </div>`;
  }

  override render() {
    // One template in every state: the toast's live region must stay the same element to be announced.
    const v = this.#view.value;
    return html`${v.status === CallStatus.IDLE ? nothing : this.#renderCall(v)}${this.#renderToast()}`;
  }

  #renderCall(v: View) {
    const { t } = this.localize;
    const connected = v.status === CallStatus.CONNECTED;
    const tiles = this.#tilesLayout(v);
    // Over a video (white text on scrims): the stage's large tile shows a picture (or the local
    // video behind the dialing screen).
    const big = tiles.mode === 'stage' ? tiles.items.find((i) => i.place === 'main') : undefined;
    const overVideo = big !== undefined && (big.part === 'backdrop' || (big.id === v.selfId ? v.selfVideo : v.remoteVideo));
    const rtl = this.localize.dir === 'rtl' ? 'rtl' : undefined;
    const classes = [v.video ? 'video' : 'audio', overVideo ? 'over-video' : '', tiles.mode === 'stage' ? '' : 'tiled'].join(' ');
    return html`<div part="base" class=${classes} lang=${this.localize.lang} dir=${ifDefined(rtl)} @keydown=${this.#onKeyDown}>
      ${renderTiles(this.#tilesContext, tiles)}
      <div part="header">
        <div class="header-start"><slot name="header-start"></slot></div>
        ${
          connected
            ? html`<div part="timer" role="timer">
              <span class="visually-hidden">${t('call-duration')}</span>
              ${formatDuration(Date.now() - v.connectedAt)}
            </div>`
            : html`<span></span>`
        }
        <div class="header-end">${this.#renderDeviceCheck(v)}<slot name="header-end"></slot></div>
      </div>
      <div class="content">${this.#renderContent(v)}${this.#renderVideoRequest()}</div>
      ${this.#preview.render(t)}
      <div part="footer" @ck-accept-request=${this.#preview.onAccept}>
        <slot name="controls">
          <feature-buttons
            part="controls"
            exportparts="button, microphone, camera, speaker, speaker-output, speaker-menu, speaker-option, switch-camera, blur, invite, minimize, full-screen, hangup, accept, accept-audio, reject, icon, label"
            .store=${this.resolvedStore}
          ></feature-buttons>
        </slot>
      </div>
    </div>`;
  }
}
