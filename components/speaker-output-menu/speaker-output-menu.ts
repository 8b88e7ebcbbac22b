import { html, nothing, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { canRouteAudio, realDevices, SYSTEM_DEFAULT, systemDefaultLabel } from '../../src/util/output-devices.js';
import { StoreElement } from '../../src/elements/store-element.js';
import { DeviceRequestEvent } from '../../src/events/requests.js';
import { icons } from '../../src/icons.js';
import type { DeviceInfo } from '../../src/engine/types.js';
import { styles } from './speaker-output-menu.styles.js';

/** The id of the list in the shadow root. */
const MENU_ID = 'speaker-menu';

/** An entry of the list. */
interface OutputOption {
  deviceId: string;
  label: string;
}

/** Whether this browser has the Popover API (top layer and light dismiss). */
function hasPopover(el: HTMLElement): boolean {
  return typeof el.showPopover === 'function' && typeof el.hidePopover === 'function';
}

const sameSpeakers = (a: readonly DeviceInfo[], b: readonly DeviceInfo[]) =>
  a.length === b.length && a.every((d, i) => d.deviceId === b[i]!.deviceId && d.label === b[i]!.label);

/**
 * The choice of audio output: a small round button that opens the list of the store's speakers (in
 * the top layer, `popover="auto"`): "System default" and each speaker, the current one
 * (`settings.speakerDeviceId`) pressed. Choosing one requests it (`ck-device-request`), closes the
 * list and returns focus to the button; Escape closes it without choosing, and so does moving focus
 * to another control; the arrow keys, Home and End move between the entries. Renders nothing where
 * the browser cannot route audio (`setSinkId`) or the store lists no speaker.
 *
 * `<feature-buttons>` shows it on its speaker button while a call is connected.
 *
 * @summary The list of audio outputs, behind a small button.
 *
 * @event ck-device-request - `DeviceRequestEvent`, `{ kind: 'speaker', deviceId }`: play the call's audio on this output.
 *
 * @slot icon - Icon of the button that opens the list (a chevron).
 *
 * @csspart button - The button that opens the list (also `speaker-output`).
 * @csspart speaker-output - The button that opens the list.
 * @csspart speaker-menu - The list of outputs (a popover).
 * @csspart speaker-option - Each output in the list (`aria-pressed` is true on the current one).
 *
 * @cssproperty --ck-speaker-output-menu-button-size - Diameter of the button (default 24px).
 * @cssproperty --ck-speaker-output-menu-button-background - Background of the button.
 * @cssproperty --ck-speaker-output-menu-button-color - Icon colour of the button.
 * @cssproperty --ck-speaker-output-menu-offset - Distance of the list from the viewport's bottom where anchor positioning is missing (default 136px).
 *
 * @cssstate open - The list is open.
 */
export class SpeakerOutputMenu extends StoreElement {
  static override styles = styles;

  /** Whether the list is open (with the Popover API, follows the popover's toggles). */
  @state() private open = false;

  readonly #speakers = this.select((s) => s.devices.filter((d) => d.kind === 'speaker'), sameSpeakers);
  readonly #current = this.select((s) => s.settings.speakerDeviceId);

  /** Move focus to the current output once the list is shown (without the Popover API). */
  #focusOutputs = false;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A popover leaves the top layer with its element; the list is closed when the element is back.
    this.open = false;
  }

  /** The speakers to choose from, or null when there is no choice to offer. */
  #outputs(): readonly DeviceInfo[] | null {
    const speakers = this.#speakers.value;
    return speakers.length && canRouteAudio() ? speakers : null;
  }

  #options(speakers: readonly DeviceInfo[]): OutputOption[] {
    const { t } = this.localize;
    const systemLabel = systemDefaultLabel(speakers);
    return [
      { deviceId: SYSTEM_DEFAULT, label: systemLabel ? t('device-default-named', { label: systemLabel }) : t('device-default') },
      ...realDevices(speakers).map((d, i) => ({ deviceId: d.deviceId, label: d.label || t('device-unnamed', { n: i + 1 }) })),
    ];
  }

  get #menu(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>(`#${MENU_ID}`);
  }

  get #button(): HTMLButtonElement | null {
    return this.renderRoot.querySelector<HTMLButtonElement>('button.speaker-output');
  }

  get #entries(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLButtonElement>('button.speaker-option')];
  }

  /** Focuses the current output (the first entry if the current one is not listed). */
  #focusCurrent(): void {
    const entries = this.#entries;
    (entries.find((o) => o.getAttribute('aria-pressed') === 'true') ?? entries[0])?.focus();
  }

  #onClick = (): void => {
    const menu = this.#menu;
    // With the Popover API the button's popovertarget opens and closes the list.
    if (!menu || hasPopover(menu)) return;
    this.open = !this.open;
    this.#focusOutputs = this.open;
  };

  #onBeforeToggle = (event: ToggleEvent): void => {
    this.open = event.newState === 'open';
  };

  /** Opening moves focus to the current output (`toggle` comes once the popover is shown). */
  #onToggle = (): void => {
    if (this.#menu?.matches(':popover-open')) this.#focusCurrent();
  };

  /** Closes the list; `refocus` returns focus to the button. */
  #close(refocus: boolean): void {
    const menu = this.#menu;
    if (menu && hasPopover(menu) && menu.matches(':popover-open')) menu.hidePopover();
    this.open = false;
    if (refocus) this.#button?.focus();
  }

  #choose(deviceId: string): void {
    this.#close(true);
    this.dispatchEvent(new DeviceRequestEvent({ kind: 'speaker', deviceId }));
  }

  #onKeydown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented) return;
    const entries = this.#entries;
    const at = entries.indexOf(this.shadowRoot?.activeElement as HTMLButtonElement);
    let next: number;
    switch (event.key) {
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        this.#close(true);
        return;
      case 'ArrowDown':
        next = at < 0 ? 0 : (at + 1) % entries.length;
        break;
      case 'ArrowUp':
        next = at < 0 ? entries.length - 1 : (at - 1 + entries.length) % entries.length;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = entries.length - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    entries[next]?.focus();
  };

  /**
   * Tabbing to another control closes the list (a popover stays open when focus leaves it, and
   * without the Popover API there is no light dismiss at all). Focus merely falling to the body,
   * as while clicking an entry in some browsers, does not.
   */
  #onFocusOut = (event: FocusEvent): void => {
    const menu = this.#menu;
    const to = event.relatedTarget as Node | null;
    if (!menu || !this.open || !to || menu.contains(to) || to === this.#button) return;
    this.#close(false);
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // The speakers went away: the list goes with its button.
    if (this.open && !this.#outputs()) {
      this.open = false;
      this.#focusOutputs = false;
    }
  }

  protected override updated(): void {
    this.toggleState('open', this.open);
    const menu = this.#menu;
    if (menu && hasPopover(menu) && !this.open && menu.matches(':popover-open')) menu.hidePopover();
    if (this.#focusOutputs) {
      this.#focusOutputs = false;
      if (this.open) this.#focusCurrent();
    }
  }

  override render() {
    const speakers = this.#outputs();
    if (!speakers) return nothing;
    const { t } = this.localize;
    const label = t('choose-speaker');
    const open = this.open;
    const popover = hasPopover(this);
    const current = this.#current.value || SYSTEM_DEFAULT;
    return html`<div class="group">
      <button
        type="button"
        part="button speaker-output"
        class="speaker-output"
        data-round
        aria-label=${label}
        title=${label}
        aria-haspopup="true"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls=${MENU_ID}
        popovertarget=${ifDefined(popover ? MENU_ID : undefined)}
        @click=${this.#onClick}
      >
        <slot name="icon">${icons.speakerOutput}</slot>
      </button>
      <div
        id=${MENU_ID}
        part="speaker-menu"
        role="group"
        aria-label=${t('speaker-outputs')}
        lang=${this.localize.lang}
        dir=${ifDefined(this.localize.dir === 'rtl' ? 'rtl' : undefined)}
        popover=${ifDefined(popover ? 'auto' : undefined)}
        ?hidden=${!popover && !open}
        @beforetoggle=${this.#onBeforeToggle}
        @toggle=${this.#onToggle}
        @keydown=${this.#onKeydown}
        @focusout=${this.#onFocusOut}
      >
        ${this.#options(speakers).map(
          (o) => html`<button
            type="button"
            part="speaker-option"
            class="speaker-option"
            aria-pressed=${o.deviceId === current ? 'true' : 'false'}
            @click=${() => this.#choose(o.deviceId)}
          >
            ${o.label}
          </button>`,
        )}
      </div>
    </div>`;
  }
}
