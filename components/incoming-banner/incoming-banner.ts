import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { CallMediaType, CallRole, CallStatus } from '../../src/constants.js';
import { StoreElement } from '../../src/elements/store-element.js';
import { AcceptRequestEvent, RejectRequestEvent } from '../../src/events/requests.js';
import { icons } from '../../src/icons.js';
import { shallowEqual } from '../../src/store/store-controller.js';
import { styles } from './incoming-banner.styles.js';

interface Incoming {
  ringing: boolean;
  video: boolean;
  callId: string;
  callerId: string;
  name: string;
  avatar: string;
}

/**
 * Delay between showing the banner and filling its live region: screen readers announce changes of
 * regions they already track, not regions inserted together with their text.
 */
const ANNOUNCE_DELAY_MS = 100;

/** The element that has focus, looking into shadow roots. */
function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : null;
}

/**
 * The incoming-call banner, shown while a call rings for this user (`status === 'calling'` and
 * `role === 'callee'`): the caller's avatar and name, the call type, and accept / accept as voice
 * call (video calls) / decline buttons. It is a non-modal `alertdialog`; when it appears, the call
 * is announced through a live region and focus moves to the accept button (unless `no-autofocus`),
 * and it goes back where it was when the banner closes. Escape declines.
 *
 * @summary Incoming call: who calls, and accept / decline.
 *
 * @event ck-accept-request - `AcceptRequestEvent`, `{ audioOnly, callId }`: accept (as a voice call with `audioOnly`).
 * @event ck-reject-request - `RejectRequestEvent`, `{ callId }`: decline (button or Escape).
 *
 * @slot avatar - Replaces the caller's avatar.
 * @slot icon-accept - Icon of the accept button.
 * @slot icon-accept-audio - Icon of the accept-as-voice-call button.
 * @slot icon-reject - Icon of the decline button.
 *
 * @csspart base - The banner (the `alertdialog`).
 * @csspart avatar - The caller's avatar (image, or initial).
 * @csspart name - The caller's name.
 * @csspart description - The call type text ("invites you to a video call").
 * @csspart actions - The buttons' row.
 * @csspart button - Every button (also `accept`, `accept-audio`, `reject`).
 * @csspart accept - The accept button.
 * @csspart accept-audio - The accept-as-voice-call button.
 * @csspart reject - The decline button.
 *
 * @cssproperty --ck-incoming-banner-background - Banner background (default `--ck-color-surface`).
 * @cssproperty --ck-incoming-banner-color - Text colour (default `--ck-color-text`).
 * @cssproperty --ck-incoming-banner-muted-color - Description colour (default `--ck-color-text-muted`).
 * @cssproperty --ck-incoming-banner-radius - Corner radius (default `--ck-radius`, 12px).
 * @cssproperty --ck-incoming-banner-shadow - Shadow (default `--ck-shadow`).
 * @cssproperty --ck-incoming-banner-padding-block - Vertical padding.
 * @cssproperty --ck-incoming-banner-padding-inline - Horizontal padding.
 * @cssproperty --ck-incoming-banner-avatar-size - Avatar size (default 48px).
 * @cssproperty --ck-incoming-banner-avatar-radius - Avatar corner radius (default 50%).
 * @cssproperty --ck-incoming-banner-name-size - Caller name font size.
 * @cssproperty --ck-incoming-banner-button-size - Button diameter (default 44px).
 * @cssproperty --ck-color-accept - Accept buttons colour (default #0abf77).
 * @cssproperty --ck-color-hangup - Decline button colour (default #e54545).
 *
 * @cssstate ringing - A call rings: the banner is shown.
 * @cssstate video - The ringing call is a video call.
 */
export class IncomingBanner extends StoreElement {
  static override styles = styles;

  /** Do not move focus to the accept button when a call starts ringing. */
  @property({ type: Boolean, attribute: 'no-autofocus' }) noAutofocus = false;

  /** Text of the live region; set just after the banner appears so that it is announced. */
  @state() private announcement = '';

  readonly #incoming = this.select<Incoming>((s) => {
    const caller = s.members.find((m) => m.userId === s.callerId);
    return {
      ringing: s.status === CallStatus.CALLING && s.role === CallRole.CALLEE,
      video: s.mediaType === CallMediaType.VIDEO,
      callId: s.callId,
      callerId: s.callerId,
      name: caller?.name || s.callerId,
      avatar: caller?.avatar ?? '',
    };
  }, shallowEqual);

  #wasRinging = false;
  #ringingCallId = '';
  /** What had focus before the banner took it, to give it back when the banner closes. */
  #returnFocus: HTMLElement | null = null;
  #focusAccept = false;
  #restoreFocus = false;
  #announceTimer: ReturnType<typeof setTimeout> | undefined;
  @state() private failedAvatar = '';

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#announceTimer);
    this.#wasRinging = false;
    this.#returnFocus = null;
    this.announcement = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const { ringing, video, name, callId } = this.#incoming.value;
    if (ringing && (!this.#wasRinging || callId !== this.#ringingCallId)) {
      // The live region is already in the DOM: fill it a moment later so the change is announced.
      const text = this.localize.t(video ? 'incoming-video-call-from' : 'incoming-audio-call-from', { name });
      this.announcement = '';
      clearTimeout(this.#announceTimer);
      this.#announceTimer = setTimeout(() => {
        this.announcement = text;
      }, ANNOUNCE_DELAY_MS);
      if (!this.noAutofocus) {
        const active = deepActiveElement();
        if (!this.#wasRinging) this.#returnFocus = active && !this.shadowRoot?.contains(active) ? active : null;
        this.#focusAccept = true;
      }
    } else if (!ringing && this.#wasRinging) {
      clearTimeout(this.#announceTimer);
      this.announcement = '';
      this.#restoreFocus = true;
    }
    this.#wasRinging = ringing;
    this.#ringingCallId = ringing ? callId : '';
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const { ringing, video } = this.#incoming.value;
    this.toggleState('ringing', ringing);
    this.toggleState('video', ringing && video);
    if (this.#focusAccept) {
      this.#focusAccept = false;
      this.renderRoot.querySelector<HTMLButtonElement>('button.accept')?.focus();
    }
    if (this.#restoreFocus) {
      this.#restoreFocus = false;
      const back = this.#returnFocus;
      this.#returnFocus = null;
      // Only when focus was in the banner, which is gone now (focus fell back to the body).
      const active = deepActiveElement();
      if (back?.isConnected && (!active || active === document.body)) back.focus();
    }
  }

  #accept(audioOnly: boolean): void {
    this.dispatchEvent(new AcceptRequestEvent({ audioOnly, callId: this.#incoming.value.callId }));
  }

  #reject(): void {
    this.dispatchEvent(new RejectRequestEvent({ callId: this.#incoming.value.callId }));
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    this.#reject();
  }

  #renderAvatar(name: string, avatar: string) {
    const fallback =
      avatar && avatar !== this.failedAvatar
        ? html`<img
            src=${avatar}
            alt=""
            @error=${() => {
              this.failedAvatar = avatar;
            }}
          />`
        : html`<span aria-hidden="true">${[...name.trim()][0] ?? '?'}</span>`;
    return html`<div part="avatar"><slot name="avatar">${fallback}</slot></div>`;
  }

  override render() {
    // One template in every state: the live region must stay the same element to be announced.
    return html`${this.#incoming.value.ringing ? this.#renderBanner() : nothing}
      <div class="visually-hidden" role="status" aria-live="assertive" aria-atomic="true">${this.announcement}</div>`;
  }

  #renderBanner() {
    const { t } = this.localize;
    const { video, name, avatar } = this.#incoming.value;
    const rtl = this.localize.dir === 'rtl' ? 'rtl' : undefined;
    const accept = t('accept');
    const acceptAudio = t('accept-as-audio');
    const reject = t('reject');
    return html`<div
        part="base"
        role="alertdialog"
        aria-labelledby="name"
        aria-describedby="description"
        lang=${this.localize.lang}
        dir=${ifDefined(rtl)}
        @keydown=${this.#onKeydown}
      >
        ${this.#renderAvatar(name, avatar)}
        <div class="text">
          <div id="name" part="name">${name}</div>
          <p id="description" part="description">${t(video ? 'callee-calling-video-message' : 'callee-calling-audio-message')}</p>
        </div>
        <div part="actions">
          <button type="button" part="button reject" class="reject" aria-label=${reject} title=${reject} @click=${() => this.#reject()}>
            <slot name="icon-reject">${icons.hangup}</slot>
          </button>
          ${video
            ? html`<button
                type="button"
                part="button accept-audio"
                class="accept-audio"
                aria-label=${acceptAudio}
                title=${acceptAudio}
                @click=${() => this.#accept(true)}
              >
                <slot name="icon-accept-audio">${icons.acceptAudio}</slot>
              </button>`
            : nothing}
          <button type="button" part="button accept" class="accept" aria-label=${accept} title=${accept} @click=${() => this.#accept(false)}>
            <slot name="icon-accept">${icons.accept}</slot>
          </button>
        </div>
      </div>`;
  }
}
