import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { repeat } from 'lit/directives/repeat.js';
import { CallMediaType, CallRole, CallStatus } from '../../src/constants.js';
import { StoreElement } from '../../src/elements/store-element.js';
import { AcceptRequestEvent, RejectRequestEvent } from '../../src/events/requests.js';
import { icons } from '../../src/icons.js';
import type { CallState } from '../../src/store/types.js';
import { CallAvatar } from '../call-avatar/call-avatar.js';
import { styles } from './incoming-banner.styles.js';

/** Most banners shown at once (the kit lets at most 3 calls ring). */
export const MAX_BANNERS = 3;

interface BannerCall {
  readonly callId: string;
  readonly callerId: string;
  readonly name: string;
  readonly avatar: string;
  readonly video: boolean;
  /** We are in a call: this one waits, and is answered by "end and accept". */
  readonly waiting: boolean;
  /** Accepted, not yet connected: the banner says "connecting" and its buttons are disabled. */
  readonly connecting: boolean;
}

/** The ringing calls to show, oldest first (the newest is last). */
function bannerCalls(s: CallState): readonly BannerCall[] {
  const ringingNow = s.status === CallStatus.CALLING && s.role === CallRole.CALLEE;
  const waiting = s.status !== CallStatus.IDLE && !ringingNow;
  const calls: BannerCall[] = s.incoming.map((c) => ({
    callId: c.callId,
    callerId: c.callerId,
    name: c.callerName || c.callerId,
    avatar: c.callerAvatar,
    video: c.mediaType === CallMediaType.VIDEO,
    waiting: waiting && c.callId !== s.callId,
    connecting: s.answering === c.callId,
  }));
  // A store fed without the incoming list (an app's own engine or an older one): the current call.
  if (ringingNow && !calls.some((c) => c.callId === s.callId)) {
    const caller = s.members.find((m) => m.userId === s.callerId);
    calls.unshift({
      callId: s.callId,
      callerId: s.callerId,
      name: caller?.name || s.callerId,
      avatar: caller?.avatar ?? '',
      video: s.mediaType === CallMediaType.VIDEO,
      waiting: false,
      connecting: s.answering === s.callId,
    });
  }
  return calls.slice(-MAX_BANNERS);
}

function sameCalls(a: readonly BannerCall[], b: readonly BannerCall[]): boolean {
  return (
    a.length === b.length &&
    a.every((c, i) => {
      const d = b[i]!;
      return (
        c.callId === d.callId && c.name === d.name && c.avatar === d.avatar && c.video === d.video && c.waiting === d.waiting && c.connecting === d.connecting
      );
    })
  );
}

/**
 * Delay between showing a banner and filling the live region: screen readers announce changes of
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
 * Incoming calls: one banner per ringing call (up to 3 stacked, the newest on top), each with the
 * caller's avatar and name, the call type, and accept / accept as voice call (video calls) /
 * decline, answered by its `callId`. While in a call, a waiting call offers "end and accept" (hang
 * up the current call, then accept this one) or decline.
 *
 * The stack is rendered in the top layer (`popover="manual"`, `showPopover()`), so no z-index of
 * the host page can cover it, and it is not modal: the rest of the page (and the host's own
 * dialogs) stays usable. Each banner is a non-modal `alertdialog`; a new call is announced through
 * a live region and focus moves to the newest banner's accept button (unless `no-autofocus`), and
 * goes back where it was when the banners are gone. Escape declines the focused banner's call.
 *
 * @summary Incoming calls: who calls, and accept / decline (or end and accept).
 *
 * @event ck-accept-request - `AcceptRequestEvent`, `{ audioOnly, callId, endCurrent }`: accept (as a voice call with `audioOnly`; "end and accept" with `endCurrent`).
 * @event ck-reject-request - `RejectRequestEvent`, `{ callId }`: decline (button or Escape).
 *
 * @slot avatar - Replaces the caller's avatar (a slot shows its content once: in the newest banner).
 * @slot icon-accept - Icon of the accept / end-and-accept button (newest banner; the others keep the kit's icon).
 * @slot icon-accept-audio - Icon of the accept-as-voice-call button (newest banner).
 * @slot icon-reject - Icon of the decline button (newest banner).
 *
 * @csspart stack - The top-layer container of the banners (the popover).
 * @csspart base - One banner (an `alertdialog`).
 * @csspart avatar - The caller's avatar (around the `avatar` slot, or `<call-avatar>`: image, or initial).
 * @csspart avatar-image - The caller's avatar image.
 * @csspart avatar-initial - The caller's initial, shown without a (working) image.
 * @csspart name - The caller's name.
 * @csspart description - The call type text ("invites you to a video call"; "Waiting call").
 * @csspart actions - The buttons' row.
 * @csspart button - Every button (also `accept`, `accept-audio`, `reject`, `end-accept`).
 * @csspart accept - The accept button.
 * @csspart accept-audio - The accept-as-voice-call button.
 * @csspart end-accept - The "end current call and accept" button (waiting calls).
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
 * @cssproperty --ck-incoming-banner-inset - Distance of the stack from the viewport's top and inline end (default 16px).
 * @cssproperty --ck-incoming-banner-width - Width of the stack (default `min(420px, 100vw - 32px)`).
 * @cssproperty --ck-color-accept - Accept buttons colour (default #0abf77).
 * @cssproperty --ck-color-hangup - Decline button colour (default #e54545).
 *
 * @cssstate ringing - At least one call rings: the stack is shown.
 * @cssstate video - The newest ringing call is a video call.
 * @cssstate waiting - The newest ringing call waits (we are in a call).
 * @cssstate multiple - More than one call rings.
 * @cssstate connecting - A call was accepted and is connecting (its banner says so until the call view takes over).
 */
export class IncomingBanner extends StoreElement {
  static override styles = styles;
  static readonly dependencies = { 'call-avatar': CallAvatar };

  /** Do not move focus to the accept button when a call starts ringing. */
  @property({ type: Boolean, attribute: 'no-autofocus' }) noAutofocus = false;

  /** Text of the live region; set just after a banner appears so that it is announced. */
  @state() private announcement = '';

  readonly #calls = this.select<readonly BannerCall[]>(bannerCalls, sameCalls, []);

  #shownIds = new Set<string>();
  /** What had focus before the banners took it, to give it back when they are gone. */
  #returnFocus: HTMLElement | null = null;
  /** The call whose accept button gets focus after this update. */
  #focusCallId = '';
  #restoreFocus = false;
  /** A new call arrived: raise the stack above popovers the page opened since. */
  #raise = false;
  #announceTimer: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#announceTimer);
    this.#shownIds.clear();
    this.#returnFocus = null;
    this.announcement = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const calls = this.#calls.value;
    const ids = new Set(calls.map((c) => c.callId));
    const added = calls.filter((c) => !this.#shownIds.has(c.callId));
    const newest = added[added.length - 1];
    if (newest) {
      const { t } = this.localize;
      let text = t(newest.video ? 'incoming-video-call-from' : 'incoming-audio-call-from', { name: newest.name });
      if (newest.waiting) text = `${t('waiting-call')}: ${text}`;
      // The live region is already in the DOM: fill it a moment later so the change is announced.
      this.announcement = '';
      clearTimeout(this.#announceTimer);
      this.#announceTimer = setTimeout(() => {
        this.announcement = text;
      }, ANNOUNCE_DELAY_MS);
      this.#raise = true;
      if (!this.noAutofocus) {
        const active = deepActiveElement();
        if (this.#shownIds.size === 0) this.#returnFocus = active && !this.shadowRoot?.contains(active) ? active : null;
        this.#focusCallId = newest.callId;
      }
    } else if (calls.length === 0 && this.#shownIds.size > 0) {
      clearTimeout(this.#announceTimer);
      this.announcement = '';
      this.#restoreFocus = true;
    } else if ([...this.#shownIds].some((id) => !ids.has(id)) && !this.noAutofocus) {
      // A banner goes away: if it has focus, focus moves to the newest one left.
      const active = deepActiveElement();
      const goingId = (active?.closest('[part~=base]') as HTMLElement | null | undefined)?.dataset['callId'];
      const inGoing = active !== null && this.shadowRoot?.contains(active) === true && goingId !== undefined && !ids.has(goingId);
      if (!active || active === document.body || inGoing) this.#focusCallId = calls[calls.length - 1]?.callId ?? '';
    }
    this.#shownIds = ids;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const calls = this.#calls.value;
    const newest = calls[calls.length - 1];
    this.toggleState('ringing', calls.length > 0);
    this.toggleState('video', Boolean(newest?.video));
    this.toggleState('waiting', Boolean(newest?.waiting));
    this.toggleState('multiple', calls.length > 1);
    this.toggleState('connecting', calls.some((c) => c.connecting));
    const stack = this.renderRoot.querySelector<HTMLElement>('[part~=stack]');
    if (stack && typeof stack.showPopover === 'function') {
      if (this.#raise && stack.matches(':popover-open')) stack.hidePopover();
      if (!stack.matches(':popover-open') && stack.isConnected) stack.showPopover();
    }
    this.#raise = false;
    if (this.#focusCallId) {
      const callId = this.#focusCallId;
      this.#focusCallId = '';
      const banner = [...this.renderRoot.querySelectorAll<HTMLElement>('[part~=base]')].find((b) => b.dataset['callId'] === callId);
      banner?.querySelector<HTMLButtonElement>('button.accept, button.end-accept')?.focus();
    }
    if (this.#restoreFocus) {
      this.#restoreFocus = false;
      const back = this.#returnFocus;
      this.#returnFocus = null;
      // Only when focus was in a banner, which is gone now (focus fell back to the body).
      const active = deepActiveElement();
      if (back?.isConnected && (!active || active === document.body)) back.focus();
    }
  }

  #accept(call: BannerCall, audioOnly: boolean): void {
    if (call.connecting) return;
    const detail: { audioOnly: boolean; callId: string; endCurrent?: boolean } = { audioOnly, callId: call.callId };
    if (call.waiting) detail.endCurrent = true;
    this.dispatchEvent(new AcceptRequestEvent(detail));
  }

  #reject(call: BannerCall): void {
    if (call.connecting) return;
    this.dispatchEvent(new RejectRequestEvent({ callId: call.callId }));
  }

  #onKeydown(event: KeyboardEvent, call: BannerCall): void {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    this.#reject(call);
  }

  #renderAvatar(name: string, avatar: string) {
    return html`<div part="avatar">
      <slot name="avatar"><call-avatar exportparts="image: avatar-image, initial: avatar-initial" .src=${avatar} .name=${name}></call-avatar></slot>
    </div>`;
  }

  override render() {
    const calls = this.#calls.value;
    const rtl = this.localize.dir === 'rtl' ? 'rtl' : undefined;
    // The live region stays the same element in every state (it must exist to be announced).
    return html`${calls.length
        ? html`<div
            part="stack"
            popover="manual"
            role="region"
            aria-label=${this.localize.t('incoming-calls', { count: calls.length })}
            lang=${this.localize.lang}
            dir=${ifDefined(rtl)}
          >
            ${repeat(
              [...calls].reverse(),
              (c) => c.callId,
              (c, i) => this.#renderBanner(c, i),
            )}
          </div>`
        : nothing}
      <div class="visually-hidden" role="status" aria-live="assertive" aria-atomic="true">${this.announcement}</div>`;
  }

  #renderBanner(call: BannerCall, index: number) {
    const { t } = this.localize;
    const accept = t('accept');
    const acceptAudio = t('accept-as-audio');
    const endAccept = t('end-and-accept');
    const reject = t('reject');
    const nameId = `name-${index}`;
    const descriptionId = `description-${index}`;
    const type = t(call.video ? 'callee-calling-video-message' : 'callee-calling-audio-message');
    const description = call.connecting ? t('connecting') : call.waiting ? `${t('waiting-call')} · ${type}` : type;
    // While connecting the buttons stay focusable (focus is not lost) but do nothing.
    const busy = call.connecting ? 'true' : undefined;
    return html`<div
      part="base"
      role="alertdialog"
      aria-labelledby=${nameId}
      aria-describedby=${descriptionId}
      data-call-id=${call.callId}
      class=${call.waiting ? 'waiting' : ''}
      aria-busy=${ifDefined(busy)}
      @keydown=${(e: KeyboardEvent) => this.#onKeydown(e, call)}
    >
      ${this.#renderAvatar(call.name, call.avatar)}
      <div class="text">
        <div id=${nameId} part="name">${call.name}</div>
        <p id=${descriptionId} part="description">${description}</p>
      </div>
      <div part="actions">
        <button type="button" part="button reject" class="reject" data-round aria-disabled=${ifDefined(busy)} aria-label=${reject} title=${reject} @click=${() => this.#reject(call)}>
          <slot name="icon-reject">${icons.hangup}</slot>
        </button>
        ${call.waiting
          ? html`<button
              type="button"
              part="button end-accept"
              class="end-accept"
              data-round
              aria-disabled=${ifDefined(busy)}
              aria-label=${endAccept}
              title=${endAccept}
              @click=${() => this.#accept(call, false)}
            >
              <slot name="icon-accept">${icons.accept}</slot>
            </button>`
          : html`${call.video
                ? html`<button
                    type="button"
                    part="button accept-audio"
                    class="accept-audio"
                    data-round
                    aria-disabled=${ifDefined(busy)}
                    aria-label=${acceptAudio}
                    title=${acceptAudio}
                    @click=${() => this.#accept(call, true)}
                  >
                    <slot name="icon-accept-audio">${icons.acceptAudio}</slot>
                  </button>`
                : nothing}
              <button type="button" part="button accept" class="accept" data-round aria-disabled=${ifDefined(busy)} aria-label=${accept} title=${accept} @click=${() => this.#accept(call, false)}>
                <slot name="icon-accept">${icons.accept}</slot>
              </button>`}
      </div>
    </div>`;
  }
}
