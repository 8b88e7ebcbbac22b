import { html, nothing, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import { CallMediaType, CallRole, CallStatus, LayoutMode } from '../../src/constants.js';
import { StoreElement } from '../../src/elements/store-element.js';
import { formatDuration } from '../../src/store/store.js';
import { shallowEqual } from '../../src/store/store-controller.js';
import type { CallState, MemberView, Message, Toast } from '../../src/store/types.js';
import { FeatureButtons } from '../feature-buttons/feature-buttons.js';
import { ParticipantTile } from '../participant-tile/participant-tile.js';
import { styles } from './call-view.styles.js';

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
}

function viewOf(s: CallState): View {
  const remotes = s.members.filter((m) => !GONE.has(m.status));
  const ringing = s.status === CallStatus.CALLING && s.role === CallRole.CALLEE;
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
    peerAvatar: peer?.avatar ?? '',
    layoutMode: s.settings.layoutMode,
    connectedAt: s.connectedAt,
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
 * - ringing (callee): the caller's avatar, name and call type, with accept / decline;
 * - dialing (caller): the callee's avatar and name and a "waiting" tip, over the local video in
 *   video calls;
 * - connected 1v1: the other side large and the local video in a picture-in-picture corner
 *   (`settings.layoutMode === 'local'` swaps them); audio calls show the other side's avatar;
 * - group: a grid of tiles;
 * - always: the call timer (`hh:mm:ss` from `state.connectedAt`, ticking only while connected),
 *   the store's tip, its toast in a `role="status"` live region, and `<feature-buttons>`.
 * While idle it renders only the (empty) live region.
 *
 * @summary The in-call screen: videos or avatars, timer, tips and the call's buttons.
 *
 * @event ck-accept-request - From the inner `<feature-buttons>`.
 * @event ck-reject-request - From the inner `<feature-buttons>`.
 * @event ck-hangup-request - From the inner `<feature-buttons>`.
 * @event ck-microphone-request - From the inner `<feature-buttons>`.
 * @event ck-camera-request - From the inner `<feature-buttons>`.
 *
 * @slot header-start - Start of the top bar (before the timer).
 * @slot header-end - End of the top bar (after the timer), e.g. minimize / full-screen buttons.
 * @slot controls - Replaces the built-in `<feature-buttons>`.
 *
 * @csspart base - The call screen.
 * @csspart header - The top bar.
 * @csspart timer - The call duration.
 * @csspart peer - The other side's avatar, name and tip while the call is set up.
 * @csspart avatar - The other side's avatar (image, or initial).
 * @csspart name - The other side's name.
 * @csspart tip - The tip text ("Waiting for the other side to answer…").
 * @csspart main - The large tile of a connected 1v1 call.
 * @csspart backdrop - The local video behind the dialing screen of a video call.
 * @csspart pip - The small picture-in-picture tile of a 1v1 video call.
 * @csspart grid - The tiles of a group call.
 * @csspart tile - Every `<participant-tile>` (its parts are exported as `tile-base`, `video`, `tile-avatar`, `tile-name`, `tile-status`).
 * @csspart toast - The toast text (a `role="status"` live region).
 * @csspart footer - The bottom bar holding the buttons.
 * @csspart controls - The `<feature-buttons>` (its parts are exported as `button`, `microphone`, `camera`, `hangup`, `accept`, `accept-audio`, `reject`, `icon`, `label`).
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
 *
 * @cssstate idle - No call.
 * @cssstate ringing - An incoming call rings.
 * @cssstate dialing - This user is calling out.
 * @cssstate connected - The call is connected.
 * @cssstate video - A video call.
 * @cssstate audio - A voice call.
 * @cssstate group - A group call (grid layout).
 */
export class CallView extends StoreElement {
  static override styles = styles;
  static readonly dependencies = { 'participant-tile': ParticipantTile, 'feature-buttons': FeatureButtons };

  readonly #view = this.select<View>(viewOf, viewEquals);
  readonly #tip = this.select<Message | null>((s) => s.tip);
  readonly #toast = this.select<Toast | null>((s) => s.toast);

  /** The clock: re-renders the timer each elapsed second while connected. */
  #tick: ReturnType<typeof setTimeout> | undefined;
  @state() private failedAvatar = '';

  override connectedCallback(): void {
    super.connectedCallback();
    this.#syncClock();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopClock();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const { status, role, video, group } = this.#view.value;
    this.toggleState('idle', status === CallStatus.IDLE);
    this.toggleState('ringing', status === CallStatus.CALLING && role === CallRole.CALLEE);
    this.toggleState('dialing', status === CallStatus.CALLING && role !== CallRole.CALLEE);
    this.toggleState('connected', status === CallStatus.CONNECTED);
    this.toggleState('video', status !== CallStatus.IDLE && video);
    this.toggleState('audio', status !== CallStatus.IDLE && !video);
    this.toggleState('group', status !== CallStatus.IDLE && group);
    this.#syncClock();
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

  #tile(userId: string, where: string) {
    return html`<participant-tile
      part="tile"
      exportparts="base: tile-base, video, avatar: tile-avatar, name: tile-name, status: tile-status"
      data-place=${where}
      user-id=${userId}
      .store=${this.resolvedStore}
    ></participant-tile>`;
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
    const avatar =
      v.peerAvatar && v.peerAvatar !== this.failedAvatar
        ? html`<img
            part="avatar"
            src=${v.peerAvatar}
            alt=""
            @error=${() => {
              this.failedAvatar = v.peerAvatar;
            }}
          />`
        : html`<span part="avatar" aria-hidden="true">${[...v.peerName.trim()][0] ?? '?'}</span>`;
    return html`<div part="peer">
      ${avatar}
      <div part="name">${v.peerName}</div>
      <p part="tip">${this.localize.t(tip?.key ?? fallbackTip, tip?.params)}</p>
    </div>`;
  }

  /** The tiles of a 1v1 call: `main` fills the stage (video) or the content area (audio), `pip` floats. */
  #oneToOne(v: View): { main: string | undefined; pip: string | undefined } {
    const remote = v.remoteIds[0];
    if (!v.video) return { main: remote, pip: undefined };
    return v.layoutMode === LayoutMode.LOCAL_LARGE ? { main: v.selfId, pip: remote } : { main: remote, pip: v.selfId };
  }

  #renderContent(v: View) {
    const { t } = this.localize;
    const tip = this.#tip.value;
    const tipText = tip ? html`<p part="tip">${t(tip.key, tip.params)}</p>` : nothing;
    const ringing = v.status === CallStatus.CALLING && v.role === CallRole.CALLEE;
    if (ringing || (v.status === CallStatus.CALLING && !v.group)) return this.#renderPeer(v);
    if (v.group) {
      const ids = [v.selfId, ...v.remoteIds].filter(Boolean);
      const columns = ids.length <= 4 ? 2 : 3;
      return html`<div part="grid" role="group" aria-label=${t('people-in-call', { count: ids.length })} style=${styleMap({ '--_columns': String(columns) })}>
          ${repeat(ids, (id) => id, (id) => this.#tile(id, 'grid'))}
        </div>
        ${tipText}`;
    }
    const { main } = this.#oneToOne(v);
    return html`${!v.video && main ? html`<div part="main" class="main">${this.#tile(main, 'main')}</div>` : nothing}${tipText}`;
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
    const oneToOneVideo = connected && v.video && !v.group;
    const dialingOverVideo = v.status === CallStatus.CALLING && v.role !== CallRole.CALLEE && v.video && !v.group && v.selfVideo;
    const { main, pip } = oneToOneVideo ? this.#oneToOne(v) : { main: undefined, pip: undefined };
    const mainVideo = main !== undefined && (main === v.selfId ? v.selfVideo : v.remoteVideo);
    const overVideo = dialingOverVideo || mainVideo;
    const rtl = this.localize.dir === 'rtl' ? 'rtl' : undefined;
    const classes = [v.video ? 'video' : 'audio', overVideo ? 'over-video' : ''].join(' ');
    const backdrop = dialingOverVideo ? v.selfId : main;
    return html`<div part="base" class=${classes} lang=${this.localize.lang} dir=${ifDefined(rtl)}>
      ${backdrop ? html`<div part=${dialingOverVideo ? 'backdrop' : 'main'} class="backdrop">${this.#tile(backdrop, 'main')}</div>` : nothing}
      ${pip ? html`<div part="pip">${this.#tile(pip, 'pip')}</div>` : nothing}
      <div part="header">
        <div class="header-start"><slot name="header-start"></slot></div>
        ${connected
          ? html`<div part="timer" role="timer">
              <span class="visually-hidden">${t('call-duration')}</span>
              ${formatDuration(Date.now() - v.connectedAt)}
            </div>`
          : html`<span></span>`}
        <div class="header-end"><slot name="header-end"></slot></div>
      </div>
      <div class="content">${this.#renderContent(v)}</div>
      <div part="footer">
        <slot name="controls">
          <feature-buttons
            part="controls"
            exportparts="button, microphone, camera, hangup, accept, accept-audio, reject, icon, label"
            .store=${this.resolvedStore}
          ></feature-buttons>
        </slot>
      </div>
    </div>`;
  }
}
