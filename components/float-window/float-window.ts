import { html, nothing, svg, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { styleMap } from 'lit/directives/style-map.js';
import { CallMediaType, CallStatus } from '../../src/constants.js';
import { DragController, type DragPosition } from '../../src/elements/drag-controller.js';
import { StoreElement } from '../../src/elements/store-element.js';
import { HangupRequestEvent, MicrophoneRequestEvent, MinimizeRequestEvent } from '../../src/events/requests.js';
import { icons } from '../../src/icons.js';
import { formatDuration } from '../../src/store/store.js';
import { shallowEqual } from '../../src/store/store-controller.js';
import type { CallState } from '../../src/store/types.js';
import { styles } from './float-window.styles.js';

interface FloatView {
  open: boolean;
  video: boolean;
  connectedAt: number;
  micOn: boolean;
  /** The remote member shown (the first who answered). */
  name: string;
  stream: MediaStream | null;
}

function viewOf(s: CallState): FloatView {
  const remote = s.members.find((m) => m.status === 'accepted' && m.stream && m.videoAvailable) ?? s.members.find((m) => m.status === 'accepted') ?? s.members[0];
  const video = s.mediaType === CallMediaType.VIDEO && Boolean(remote?.stream && remote.videoAvailable);
  return {
    open: s.minimized && s.status !== CallStatus.IDLE,
    video,
    connectedAt: s.status === CallStatus.CONNECTED ? s.connectedAt : 0,
    micOn: s.self.audioAvailable,
    name: remote ? remote.name || remote.userId : '',
    stream: video ? (remote?.stream ?? null) : null,
  };
}

const restoreIcon = html`<svg class="icon" viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
  ${svg`<path d="M14 4h6v6M10 20H4v-6M20 4l-7 7M4 20l7-7" />`}
</svg>`;

/** Default gap from the viewport's top and end edges, px. */
const INSET = 16;

/**
 * The minimized call (shown while `state.minimized` during a call): a small window in the top
 * layer (`popover="manual"`, above the host's stacking contexts, without blocking its dialogs).
 * A voice call shows the timer ("Calling…" until connected), microphone and hang-up; a video call
 * shows the other side's video with the same buttons. Clicking the timer or video restores the
 * call. Drag it with the pointer, or focus the restore button and use the arrow keys (Shift: big
 * steps, Home/End: to an edge); it always stays inside the viewport.
 *
 * Works inside `<call-kit>` (which shows it when minimized) or anywhere else with `.store` or
 * `call-kit="id"`; with `call-kit="id"` its requests are dispatched on that `<call-kit>`.
 *
 * @summary Minimized call: timer or video, microphone, hang-up, restore.
 *
 * @event ck-minimize-request - `MinimizeRequestEvent`, `{ minimized: false }`: restore the call.
 * @event ck-microphone-request - `MicrophoneRequestEvent`, `{ enabled }`: toggle the microphone.
 * @event ck-hangup-request - `HangupRequestEvent`: hang up.
 *
 * @slot icon-restore - Icon of the restore control (voice calls).
 * @slot icon-microphone - Icon of the microphone button while on.
 * @slot icon-microphone-off - Icon of the microphone button while off.
 * @slot icon-hangup - Icon of the hang-up button.
 *
 * @csspart base - The window.
 * @csspart restore - The control that restores the call (timer, or video).
 * @csspart video - The other side's video (video calls).
 * @csspart name - The other side's name (video calls).
 * @csspart timer - The call duration, or "Calling…".
 * @csspart controls - The buttons' row.
 * @csspart button - Every round button (also `microphone`, `hangup`).
 * @csspart microphone - The microphone toggle.
 * @csspart hangup - The hang-up button.
 *
 * @cssproperty --ck-float-window-background - Window background (default #1f2329).
 * @cssproperty --ck-float-window-color - Text colour (default #fff).
 * @cssproperty --ck-float-window-radius - Corner radius (default `--ck-radius`, 12px).
 * @cssproperty --ck-float-window-shadow - Shadow.
 * @cssproperty --ck-float-window-video-width - Width of a video window (default 200px).
 * @cssproperty --ck-float-window-button-size - Button diameter (default 36px).
 * @cssproperty --ck-color-hangup - Hang-up button colour.
 *
 * @cssstate open - The window is shown.
 * @cssstate video - It shows video.
 * @cssstate dragging - It is being dragged.
 */
export class FloatWindow extends StoreElement {
  static override styles = styles;

  /** Where the window is (viewport px from the top-left corner); default near the top end corner. Set it to move the window. */
  @property({ attribute: false }) position: DragPosition | null = null;

  readonly #view = this.select<FloatView>(viewOf, shallowEqual);
  readonly #drag = new DragController(this, {
    target: () => this.#base,
    onMove: (position) => {
      this.position = position;
    },
  });
  #tick: ReturnType<typeof setInterval> | undefined;

  get #base(): HTMLElement | null {
    return this.renderRoot?.querySelector<HTMLElement>('[part~=base]') ?? null;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#tick);
    this.#tick = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('position') && this.position && this.#drag.position !== this.position) {
      this.#drag.position = this.position;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const { open, video, connectedAt } = this.#view.value;
    this.toggleState('open', open);
    this.toggleState('video', open && video);
    const base = this.#base;
    if (base) {
      if (typeof base.showPopover === 'function' && !base.matches(':popover-open')) base.showPopover();
      if (!this.position) {
        const rtl = this.localize.dir === 'rtl';
        this.#drag.moveTo({ x: rtl ? INSET : innerWidth - base.offsetWidth - INSET, y: INSET });
      } else {
        // Keep it inside the viewport when its size changed (audio <-> video).
        this.#drag.moveTo(this.position);
      }
    }
    const ticking = open && connectedAt > 0;
    if (ticking && !this.#tick) this.#tick = setInterval(() => this.requestUpdate(), 1000);
    else if (!ticking && this.#tick) {
      clearInterval(this.#tick);
      this.#tick = undefined;
    }
  }

  /** Requests go to the `<call-kit>` named by `call-kit` when this element is outside it. */
  #request(event: Event): void {
    const id = this.callKit;
    const target = id ? ((this.getRootNode() as Document | ShadowRoot).getElementById?.(id) ?? this.ownerDocument.getElementById(id)) : null;
    (target && !target.contains(this) ? target : this).dispatchEvent(event);
  }

  #restore(): void {
    this.#request(new MinimizeRequestEvent({ minimized: false }));
  }

  #pointerDown = (event: PointerEvent) => {
    this.#drag.pointerDown(event);
    this.toggleState('dragging', true);
    addEventListener('pointerup', () => this.toggleState('dragging', false), { once: true });
  };

  override render() {
    const v = this.#view.value;
    if (!v.open) return nothing;
    const { t } = this.localize;
    const pos = this.position;
    const rtl = this.localize.dir === 'rtl' ? 'rtl' : undefined;
    const mic = t('microphone');
    const hangup = t('hangup');
    const restore = t('restore-call');
    const time = v.connectedAt ? formatDuration(Date.now() - v.connectedAt) : t('member-ringing');
    return html`<div
      part="base"
      class=${v.video ? 'video' : 'audio'}
      popover="manual"
      role="region"
      aria-label=${t('float-window')}
      lang=${this.localize.lang}
      dir=${ifDefined(rtl)}
      style=${styleMap(pos ? { left: `${pos.x}px`, top: `${pos.y}px` } : { visibility: 'hidden' })}
      @pointerdown=${this.#pointerDown}
    >
      <button
        type="button"
        part="restore"
        class="restore"
        aria-label=${v.video ? `${restore}: ${v.name}` : `${restore}: ${time}`}
        aria-describedby="move-hint"
        title=${restore}
        @click=${() => this.#restore()}
        @keydown=${this.#drag.keyDown}
      >
        ${v.video
          ? html`<video part="video" autoplay muted playsinline .srcObject=${v.stream}></video><span part="name">${v.name}</span>`
          : html`<slot name="icon-restore">${restoreIcon}</slot><span part="timer" role="timer">${time}</span>`}
      </button>
      <span id="move-hint" class="visually-hidden">${t('float-window-move')}</span>
      <div part="controls">
        <button
          type="button"
          part="button microphone"
          aria-label=${mic}
          title=${mic}
          aria-pressed=${v.micOn ? 'true' : 'false'}
          @click=${() => this.#request(new MicrophoneRequestEvent({ enabled: !v.micOn }))}
        >
          ${v.micOn ? html`<slot name="icon-microphone">${icons.microphone}</slot>` : html`<slot name="icon-microphone-off">${icons.microphoneOff}</slot>`}
        </button>
        <button type="button" part="button hangup" aria-label=${hangup} title=${hangup} @click=${() => this.#request(new HangupRequestEvent())}>
          <slot name="icon-hangup">${icons.hangup}</slot>
        </button>
      </div>
    </div>`;
  }
}
