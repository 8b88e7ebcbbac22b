import { ContextProvider } from '@lit/context';
import { LitElement, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { CallRole, CallStatus } from '../../src/constants.js';
import { AcceptRequestEvent, CameraRequestEvent, HangupRequestEvent, MicrophoneRequestEvent, RejectRequestEvent } from '../../src/events/requests.js';
import { KIT_EVENTS, callKit, type CallKit } from '../../src/kit/call-kit-api.js';
import { storeContext } from '../../src/store/context.js';
import { StoreController, shallowEqual } from '../../src/store/store-controller.js';
import type { CallState, ReadonlyStore } from '../../src/store/types.js';
import { CallView } from '../call-view/call-view.js';
import { IncomingBanner } from '../incoming-banner/incoming-banner.js';
import { styles } from './call-kit.styles.js';

type View = { status: CallState['status']; role: CallState['role']; toast: boolean };
const idleView: View = { status: CallStatus.IDLE, role: CallRole.UNKNOWN, toast: false };

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
 * @csspart base - The wrapper around the active view.
 * @csspart banner - The incoming-call banner.
 * @csspart view - The call view.
 * @cssstate idle - No call and no toast: the element takes no space.
 * @cssstate ringing - An incoming call rings.
 * @cssstate calling - Dialing or ringing.
 * @cssstate connected - In a connected call.
 * @cssproperty --ck-call-kit-height - Height of the call UI (default 100% of the host).
 * @cssproperty --ck-call-kit-min-height - Minimum height of the call UI (default 360px).
 */
export class CallKitElement extends LitElement {
  static override styles = styles;
  static readonly dependencies = { 'call-view': CallView, 'incoming-banner': IncomingBanner };

  /** The kit this element shows and drives (default: the `callKit` singleton). */
  @property({ attribute: false }) kit: CallKit = callKit;

  #provider = new ContextProvider(this, { context: storeContext, initialValue: callKit.store });
  #view = new StoreController<View>(this, (s) => ({ status: s.status, role: s.role, toast: s.toast !== null }), shallowEqual, idleView);
  #internals: ElementInternals | null = null;
  #boundKit: CallKit | null = null;
  #forward = (event: Event) => {
    const detail = (event as CustomEvent).detail;
    this.dispatchEvent(new CustomEvent(event.type, { detail, bubbles: true, composed: true }));
  };

  constructor() {
    super();
    this.#internals = typeof this.attachInternals === 'function' ? this.attachInternals() : null;
    this.addEventListener(AcceptRequestEvent.eventName, (e) => this.#act(e, () => this.kit.accept({ audioOnly: e.detail.audioOnly })));
    this.addEventListener(RejectRequestEvent.eventName, (e) => this.#act(e, () => this.kit.reject()));
    this.addEventListener(HangupRequestEvent.eventName, (e) => this.#act(e, () => this.kit.hangup()));
    this.addEventListener(MicrophoneRequestEvent.eventName, (e) =>
      this.#act(e, () => (e.detail.enabled ? this.kit.openMicrophone() : this.kit.closeMicrophone())),
    );
    this.addEventListener(CameraRequestEvent.eventName, (e) =>
      this.#act(e, () => (e.detail.enabled ? this.kit.openCamera() : this.kit.closeCamera())),
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

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('kit')) {
      this.#provider.setValue(this.kit.store);
      this.#view.setStore(this.kit.store);
      if (this.isConnected) this.#bindKit();
    }
  }

  #bindKit(): void {
    if (this.#boundKit === this.kit) return;
    this.#unbindKit();
    this.#boundKit = this.kit;
    this.#view.setStore(this.kit.store);
    for (const type of KIT_EVENTS) this.kit.addEventListener(type, this.#forward);
  }

  #unbindKit(): void {
    if (!this.#boundKit) return;
    for (const type of KIT_EVENTS) this.#boundKit.removeEventListener(type, this.#forward);
    this.#boundKit = null;
  }

  override updated(): void {
    const { status, role, toast } = this.#view.value;
    const states = this.#internals?.states;
    if (!states) return;
    const want = {
      idle: status === CallStatus.IDLE && !toast,
      calling: status === CallStatus.CALLING,
      ringing: status === CallStatus.CALLING && role === CallRole.CALLEE,
      connected: status === CallStatus.CONNECTED,
    };
    for (const [name, on] of Object.entries(want)) {
      if (on) states.add(name);
      else states.delete(name);
    }
  }

  override render() {
    const { status, role, toast } = this.#view.value;
    // While idle, <call-view> shows only its toast region (why the last call ended).
    if (status === CallStatus.IDLE && !toast) return nothing;
    const ringing = status === CallStatus.CALLING && role === CallRole.CALLEE;
    return html`<div part="base">
      ${ringing
        ? html`<incoming-banner part="banner" exportparts="base: banner-base"></incoming-banner>`
        : html`<call-view part="view"></call-view>`}
    </div>`;
  }
}
