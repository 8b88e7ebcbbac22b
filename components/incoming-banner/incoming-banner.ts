import { adoptStyles, html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { repeat } from 'lit/directives/repeat.js';
import { deepActiveElement, focusIsInUse } from '../../src/elements/active-element.js';
import { AnnounceController } from '../../src/elements/announce-controller.js';
import { FocusReturnController } from '../../src/elements/focus-return-controller.js';
import { KEY_GUARD_MS, KeyActivationGuard } from '../../src/elements/key-activation-guard.js';
import { StoreElement } from '../../src/elements/store-element.js';
import { AcceptRequestEvent, RejectRequestEvent } from '../../src/events/requests.js';
import { bannerIcons as icons } from '../../src/icons-first.js';
import { bannerCalls, sameBannerCalls, type BannerCall } from '../../src/store/selectors.js';
import { formatShortcut, matchesShortcut, parseShortcut } from '../../src/util/shortcut.js';
import { CallAvatar } from '../call-avatar/call-avatar.js';
import type { RingingPreview } from '../call-view/ringing-preview.js';
import { styles } from './incoming-banner.styles.js';

/** Most banners shown at once (the kit lets at most 3 calls ring). */
export const MAX_BANNERS = 3;

/** Default of `shortcut`: moves focus to the newest banner. */
export const DEFAULT_INCOMING_SHORTCUT = 'Alt+Shift+A';

/**
 * Incoming calls: one banner per ringing call (up to 3 stacked, the newest on top), each with the
 * caller's avatar and name, the call type, and accept / accept as voice call (video calls) /
 * decline, answered by its `callId`. While in a call, a waiting call offers "end and accept" (hang
 * up the current call, then accept this one) or decline.
 *
 * The stack is rendered in the top layer (`popover="manual"`, `showPopover()`), so no z-index of
 * the host page can cover it, and it is not modal: the rest of the page (and the host's own
 * dialogs) stays usable. Each banner is a non-modal `alertdialog`; a new call is announced through
 * a live region (with the shortcut that reaches it).
 *
 * A call is never answered by accident:
 * - The banner never takes focus from an element the user is busy with (a text field, a
 *   contenteditable, any focused control, also inside shadow roots or a focused iframe). Only when
 *   nothing has focus (the body) does focus move to the newest banner's accept button (unless
 *   `no-autofocus`); it goes back where it was when the banners are gone.
 * - The user reaches the banner deliberately: Tab, a click, or the `shortcut` (default
 *   `Alt+Shift+A`, also on `<call-kit incoming-shortcut>`), which moves focus to the newest
 *   banner's accept button; focus returns to the field when the banners are gone.
 * - Enter or Space on a banner's buttons does nothing for `accept-guard` ms (default 1000) after
 *   the banner appears, after focus was moved onto it, or after the stack changed under a focused
 *   banner; an auto-repeating key never activates them. Pointer clicks are not delayed.
 * Escape declines the focused banner's call.
 *
 * While the newest call is a video call that rings (not a waiting one), its banner shows the user's
 * own camera and "Answer with camera on" (`aria-pressed`); off, Accept sends `camera: false` and the
 * call starts with the camera off. The preview's code is `<call-view>`'s, loaded on first use.
 *
 * @summary Incoming calls: who calls, and accept / decline (or end and accept).
 *
 * @event ck-accept-request - `AcceptRequestEvent`, `{ audioOnly, callId, endCurrent, camera }`: accept (as a voice call with `audioOnly`; "end and accept" with `endCurrent`; `camera: false` when the preview's toggle is off).
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
 * @csspart user-id - Beside a self-declared name (one the caller chose, not the operator): the caller's user id, marked "name not verified".
 * @csspart description - The call type text ("invites you to a video call"; "Waiting call").
 * @csspart actions - The buttons' row.
 * @csspart button - Every button (also `accept`, `accept-audio`, `reject`, `end-accept`).
 * @csspart accept - The accept button.
 * @csspart accept-audio - The accept-as-voice-call button.
 * @csspart end-accept - The "end current call and accept" button (waiting calls).
 * @csspart reject - The decline button.
 * @csspart ringing-preview - The user's own camera while the newest call, a video call, rings.
 * @csspart ringing-camera-toggle - "Answer with camera on" (`aria-pressed`) on that preview.
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

  /** Do not move focus to the accept button when a call starts ringing (even when nothing has focus). */
  @property({ type: Boolean, attribute: 'no-autofocus' }) noAutofocus = false;

  /**
   * Keyboard shortcut that moves focus to the newest banner's accept button, in `aria-keyshortcuts`
   * form (`Alt+Shift+A`, `Control+F2`); `none` (or an empty value) turns it off.
   */
  @property() shortcut = DEFAULT_INCOMING_SHORTCUT;

  /** Time (ms) during which Enter and Space on a banner's buttons are ignored after it appears or focus moves onto it. */
  @property({ type: Number, attribute: 'accept-guard' }) acceptGuard = KEY_GUARD_MS;

  readonly #calls = this.select<readonly BannerCall[]>((s) => bannerCalls(s, MAX_BANNERS), sameBannerCalls, []);
  readonly #announcer = new AnnounceController(this);
  readonly #focusReturn = new FocusReturnController(this);
  readonly #guard = new KeyActivationGuard(this);

  #shownIds = new Set<string>();
  /** The call whose accept button gets focus after this update. */
  #focusCallId = '';
  #restoreFocus = false;
  /** A new call arrived: raise the stack above popovers the page opened since. */
  #raise = false;
  /**
   * The camera preview of the newest ringing video call: `<call-view>`'s, from its chunk (which
   * `<call-kit>` loads anyway while a call rings; a chunk of its own would split the page's shared one).
   */
  #preview: RingingPreview | Promise<unknown> | undefined;

  readonly #onShortcut = (e: KeyboardEvent): void => {
    const shortcut = parseShortcut(this.shortcut);
    const newest = this.#calls.value.at(-1);
    if (!shortcut || !newest || e.defaultPrevented || e.repeat || !matchesShortcut(shortcut, e)) return;
    e.preventDefault();
    this.#focusReturn.remember();
    this.#focusAccept(newest.callId);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    // Capture on the window: the shortcut works wherever focus is on the page, and a field's own
    // key handlers cannot swallow it first.
    window.addEventListener('keydown', this.#onShortcut, true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.#onShortcut, true);
    this.#shownIds.clear();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.#guard.ms = this.acceptGuard;
    const calls = this.#calls.value;
    const ids = new Set(calls.map((c) => c.callId));
    const added = calls.filter((c) => !this.#shownIds.has(c.callId));
    const removed = [...this.#shownIds].some((id) => !ids.has(id));
    const newest = added[added.length - 1];
    const active = deepActiveElement();
    const focusedId = this.#bannerIdOf(active);
    for (const call of added) this.#guard.arm(call.callId);
    this.#guard.retain(ids);
    if (newest) {
      this.#announcer.announce(this.#announcement(newest));
      this.#raise = true;
      // Focus moves only when nobody uses it: never out of a field, a control, or another banner.
      if (!this.noAutofocus && !focusIsInUse(active)) this.#focusCallId = newest.callId;
    } else if (calls.length === 0 && this.#shownIds.size > 0) {
      this.#announcer.clear();
      this.#restoreFocus = true;
    } else if (removed && focusedId !== undefined && !ids.has(focusedId) && !this.noAutofocus) {
      // The focused banner goes: focus moves to the newest one left (guarded: it moved under the user).
      this.#focusCallId = calls[calls.length - 1]?.callId ?? '';
      if (this.#focusCallId) this.#guard.arm(this.#focusCallId);
    } else if (removed && !focusIsInUse(active) && !this.noAutofocus) {
      this.#focusCallId = calls[calls.length - 1]?.callId ?? '';
      if (this.#focusCallId) this.#guard.arm(this.#focusCallId);
    }
    // The stack changed around a focused banner (it moved on screen): guard it again.
    if ((added.length || removed) && focusedId !== undefined && ids.has(focusedId)) this.#guard.arm(focusedId);
    this.#shownIds = ids;
    const top = calls.at(-1);
    const video = Boolean(top?.video && !top.waiting && !top.connecting);
    if (video)
      this.#preview ??= import('../call-view/call-view.js').then(
        (m) => {
          if (this.shadowRoot) adoptStyles(this.shadowRoot, [...IncomingBanner.elementStyles, m.compactPreviewStyles]);
          this.#preview = new m.RingingPreview(this, () => this.resolvedStore?.getState().settings.cameraDefaultOn ?? true);
          this.requestUpdate();
        },
        () => (this.#preview = undefined),
      );
    this.#ringingPreview?.prepare(video);
  }

  get #ringingPreview(): RingingPreview | undefined {
    return this.#preview instanceof Promise ? undefined : this.#preview;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const calls = this.#calls.value;
    const newest = calls[calls.length - 1];
    this.toggleState('ringing', calls.length > 0);
    this.toggleState('video', Boolean(newest?.video));
    this.toggleState('waiting', Boolean(newest?.waiting));
    this.toggleState('multiple', calls.length > 1);
    this.toggleState(
      'connecting',
      calls.some((c) => c.connecting),
    );
    const stack = this.renderRoot.querySelector<HTMLElement>('[part~=stack]');
    if (stack && typeof stack.showPopover === 'function') {
      if (this.#raise && stack.matches(':popover-open')) stack.hidePopover();
      if (!stack.matches(':popover-open') && stack.isConnected) stack.showPopover();
    }
    this.#raise = false;
    this.#ringingPreview?.sync();
    if (this.#focusCallId) {
      const callId = this.#focusCallId;
      this.#focusCallId = '';
      this.#focusAccept(callId);
    }
    if (this.#restoreFocus) {
      this.#restoreFocus = false;
      this.#focusReturn.restore();
    }
  }

  /** The live text for a new call: who calls, and how to reach the banner. */
  #announcement(call: BannerCall): string {
    const { t } = this.localize;
    let text = t(call.video ? 'incoming-video-call-from' : 'incoming-audio-call-from', { name: call.name });
    if (call.selfDeclared) text = `${text} (${call.callerId}, ${t('self-declared-name')})`;
    if (call.waiting) text = `${t('waiting-call')}: ${text}`;
    const shortcut = parseShortcut(this.shortcut);
    return shortcut ? `${text}. ${t('incoming-call-shortcut', { shortcut: formatShortcut(shortcut) })}` : text;
  }

  /** The callId of the banner holding `el`, if `el` is in one. */
  #bannerIdOf(el: Element | null): string | undefined {
    if (!el || !this.shadowRoot?.contains(el)) return undefined;
    return (el.closest('[part~=base]') as HTMLElement | null)?.dataset['callId'];
  }

  #focusAccept(callId: string): void {
    const banner = [...this.renderRoot.querySelectorAll<HTMLElement>('[part~=base]')].find((b) => b.dataset['callId'] === callId);
    banner?.querySelector<HTMLButtonElement>('button.accept, button.end-accept')?.focus();
  }

  #accept(call: BannerCall, audioOnly: boolean, e: MouseEvent): void {
    if (call.connecting || this.#guard.blocks(e, call.callId)) return;
    const detail: { audioOnly: boolean; callId: string; endCurrent?: boolean; camera?: boolean } = { audioOnly, callId: call.callId };
    if (call.waiting) detail.endCurrent = true;
    const camera = call.callId === this.#calls.value.at(-1)?.callId ? this.#ringingPreview?.answer(audioOnly) : undefined;
    if (camera !== undefined) detail.camera = camera;
    this.dispatchEvent(new AcceptRequestEvent(detail));
  }

  #reject(call: BannerCall, e?: MouseEvent): void {
    if (call.connecting || (e && this.#guard.blocks(e, call.callId))) return;
    this.dispatchEvent(new RejectRequestEvent({ callId: call.callId }));
  }

  #onKeydown(event: KeyboardEvent, call: BannerCall): void {
    if (event.target instanceof HTMLButtonElement && this.#guard.onKeydown(event, call.callId)) return;
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
    return html`${
      calls.length
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
        : nothing
    }
      <div class="visually-hidden" role="status" aria-live="assertive" aria-atomic="true">${this.#announcer.text}</div>`;
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
    // The shortcut focuses the newest banner's accept button (the first one rendered).
    const shortcut = index === 0 ? parseShortcut(this.shortcut) : null;
    const keys = shortcut ? formatShortcut(shortcut) : undefined;
    return html`<div
      part="base"
      role="alertdialog"
      aria-labelledby=${nameId}
      aria-describedby=${descriptionId}
      data-call-id=${call.callId}
      class=${call.waiting ? 'waiting' : ''}
      aria-busy=${ifDefined(busy)}
      @keydown=${(e: KeyboardEvent) => this.#onKeydown(e, call)}
      @keyup=${(e: KeyboardEvent) => this.#guard.onKeyup(e)}
    >
      ${this.#renderAvatar(call.name, call.avatar)}
      <div class="text">
        <div id=${nameId} part="name">${call.name}</div>
        ${
          call.selfDeclared
            ? html`<div part="user-id" title=${t('self-declared-name')}>${call.callerId} · ${t('self-declared-name')}</div>`
            : nothing
        }
        <p id=${descriptionId} part="description">${description}</p>
      </div>
      <div part="actions">
        <button type="button" part="button reject" class="reject" data-round aria-disabled=${ifDefined(busy)} aria-label=${reject} title=${reject} @click=${(e: MouseEvent) => this.#reject(call, e)}>
          <slot name="icon-reject">${icons.hangup}</slot>
        </button>
        ${
          call.waiting
            ? html`<button
              type="button"
              part="button end-accept"
              class="end-accept"
              data-round
              aria-disabled=${ifDefined(busy)}
              aria-keyshortcuts=${ifDefined(keys)}
              aria-label=${endAccept}
              title=${endAccept}
              @click=${(e: MouseEvent) => this.#accept(call, false, e)}
            >
              <slot name="icon-accept">${icons.accept}</slot>
            </button>`
            : html`${
                call.video
                  ? html`<button
                    type="button"
                    part="button accept-audio"
                    class="accept-audio"
                    data-round
                    aria-disabled=${ifDefined(busy)}
                    aria-label=${acceptAudio}
                    title=${acceptAudio}
                    @click=${(e: MouseEvent) => this.#accept(call, true, e)}
                  >
                    <slot name="icon-accept-audio">${icons.acceptAudio}</slot>
                  </button>`
                  : nothing
              }
              <button
                type="button"
                part="button accept"
                class="accept"
                data-round
                aria-disabled=${ifDefined(busy)}
                aria-keyshortcuts=${ifDefined(keys)}
                aria-label=${accept}
                title=${accept}
                @click=${(e: MouseEvent) => this.#accept(call, false, e)}
              >
                <slot name="icon-accept">${icons.accept}</slot>
              </button>`
        }
      </div>
      ${
        // Below the buttons, so they do not move when it appears (its code loads after the banner shows).
        index === 0 ? this.#ringingPreview?.render(t) : nothing
      }
    </div>`;
  }
}
