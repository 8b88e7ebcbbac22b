import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { repeat } from 'lit/directives/repeat.js';
import { CallMediaType, CallRole, CallStatus, FeatureButton } from '../../src/constants.js';
import { canRouteAudio, realDevices, SYSTEM_DEFAULT, systemDefaultLabel } from '../../src/util/output-devices.js';
import { StoreElement } from '../../src/elements/store-element.js';
import type { DeviceInfo } from '../../src/engine/types.js';
import {
  AcceptRequestEvent,
  BlurRequestEvent,
  CameraRequestEvent,
  DeviceRequestEvent,
  FullScreenRequestEvent,
  HangupRequestEvent,
  InviteRequestEvent,
  MicrophoneRequestEvent,
  MinimizeRequestEvent,
  RejectRequestEvent,
  SpeakerRequestEvent,
  SwitchCameraRequestEvent,
} from '../../src/events/requests.js';
import type { MessageKey } from '../../src/i18n/index.js';
import { icons } from '../../src/icons.js';
import { shallowEqual } from '../../src/elements/store-controller.js';
import { isDialing, isRingingForMe } from '../../src/store/selectors.js';
import type { CallState } from '../../src/store/types.js';
import { styles } from './feature-buttons.styles.js';

interface Panel {
  status: CallState['status'];
  role: CallState['role'];
  video: boolean;
  callId: string;
  microphone: boolean;
  camera: boolean;
  hidden: CallState['settings']['hiddenButtons'];
  group: boolean;
  speakerMuted: boolean;
  /** More than one camera: offer switch camera. */
  cameras: number;
  virtualBackground: boolean;
  blurred: boolean;
  floatWindow: boolean;
  minimized: boolean;
  fullScreenAllowed: boolean;
}

interface ButtonSpec {
  /** Part name and class (besides `button`). */
  name:
    | 'microphone'
    | 'camera'
    | 'speaker'
    | 'switch-camera'
    | 'blur'
    | 'invite'
    | 'minimize'
    | 'full-screen'
    | 'hangup'
    | 'accept'
    | 'accept-audio'
    | 'reject';
  label: MessageKey;
  /** Icon slot name (without `icon-`) and fallback icon. */
  slot: string;
  icon: TemplateResult;
  /** `aria-pressed` of a toggle; undefined for plain buttons. */
  pressed?: boolean;
  title?: MessageKey;
  request: () => Event;
}

/** An entry of the speaker-output list. */
interface OutputOption {
  deviceId: string;
  label: string;
}

/** The id of the speaker-output list in the shadow root. */
const OUTPUTS_ID = 'speaker-menu';

/** Whether this browser has the Popover API (top layer and light dismiss). */
function hasPopover(el: HTMLElement): boolean {
  return typeof el.showPopover === 'function' && typeof el.hidePopover === 'function';
}

/**
 * The call's buttons for the current state:
 * - ringing (callee): decline, accept as voice call (video calls), accept;
 * - dialing (caller) and connected: microphone, camera (video calls), speaker (connected), switch
 *   camera (video, camera on, more than one camera), blur background (`enableVirtualBackground`),
 *   invite (group calls), minimize (`enableFloatWindow`), full screen (`allowedFullScreen`), hang up.
 *
 * While connected, where the browser can route audio (`setSinkId`) and the store's `devices` list
 * at least one speaker, a small chevron next to the speaker button opens the list of outputs
 * (in the top layer, `popover="auto"`): "System default" and each speaker, the current one
 * (`settings.speakerDeviceId`) pressed. Choosing one requests it (`ck-device-request`), closes the
 * list and returns focus to the chevron; Escape closes it without choosing, and so does moving
 * focus to another control; the arrow keys, Home and End move between the entries.
 *
 * Buttons never change call state: each dispatches a request event (bubbling, composed, cancelable)
 * that `<call-kit>` carries out unless a listener calls `preventDefault()`. Microphone and camera
 * are toggles (`aria-pressed` is true while the device is on) and can be hidden with
 * `settings.hiddenButtons`. Renders nothing while idle.
 *
 * @summary Accept / decline / microphone / camera / speaker (and its output) / hang-up buttons of a call.
 *
 * @event ck-accept-request - `AcceptRequestEvent`, `{ audioOnly, callId }`: accept (as a voice call with `audioOnly`).
 * @event ck-reject-request - `RejectRequestEvent`, `{ callId }`: decline the incoming call.
 * @event ck-hangup-request - `HangupRequestEvent`: hang up (or cancel while dialing).
 * @event ck-microphone-request - `MicrophoneRequestEvent`, `{ enabled }`: turn the microphone on or off.
 * @event ck-camera-request - `CameraRequestEvent`, `{ enabled }`: turn the camera on or off.
 * @event ck-speaker-request - `SpeakerRequestEvent`, `{ muted }`: silence the other participants, or hear them again.
 * @event ck-switch-camera-request - `SwitchCameraRequestEvent`: use the next camera.
 * @event ck-blur-request - `BlurRequestEvent`, `{ enabled }`: blur the background of the local video, or stop.
 * @event ck-invite-request - `InviteRequestEvent`: the user wants to add people (the app or `<invite-panel>` picks them).
 * @event ck-minimize-request - `MinimizeRequestEvent`, `{ minimized }`: minimize the call UI (or restore it).
 * @event ck-full-screen-request - `FullScreenRequestEvent`, `{ fullScreen }`: enter or leave full screen.
 * @event ck-device-request - `DeviceRequestEvent`, `{ kind: 'speaker', deviceId }`: play the call's audio on this output.
 *
 * @slot icon-microphone - Icon of the microphone button while the microphone is on.
 * @slot icon-microphone-off - Icon of the microphone button while it is off.
 * @slot icon-camera - Icon of the camera button while the camera is on.
 * @slot icon-camera-off - Icon of the camera button while it is off.
 * @slot icon-hangup - Icon of the hang-up button.
 * @slot icon-accept - Icon of the accept button.
 * @slot icon-accept-audio - Icon of the accept-as-voice-call button.
 * @slot icon-reject - Icon of the decline button.
 * @slot icon-speaker - Icon of the speaker button while remote audio plays.
 * @slot icon-speaker-off - Icon of the speaker button while remote audio is muted.
 * @slot icon-speaker-output - Icon of the button that opens the list of outputs (a chevron).
 * @slot icon-switch-camera - Icon of the switch-camera button.
 * @slot icon-blur - Icon of the blur-background button.
 * @slot icon-invite - Icon of the invite button.
 * @slot icon-minimize - Icon of the minimize button.
 * @slot icon-full-screen - Icon of the full-screen button.
 * @slot icon-exit-full-screen - Icon of the full-screen button while full screen.
 *
 * @csspart base - The group of buttons.
 * @csspart button - Every button (also named by its part below).
 * @csspart microphone - The microphone toggle.
 * @csspart camera - The camera toggle.
 * @csspart hangup - The hang-up button.
 * @csspart accept - The accept button.
 * @csspart accept-audio - The accept-as-voice-call button.
 * @csspart reject - The decline button.
 * @csspart speaker - The speaker toggle.
 * @csspart speaker-output - The small button next to the speaker toggle that opens the list of outputs.
 * @csspart speaker-menu - The list of outputs (a popover).
 * @csspart speaker-option - Each output in the list (`aria-pressed` is true on the current one).
 * @csspart switch-camera - The switch-camera button.
 * @csspart blur - The blur-background toggle.
 * @csspart invite - The invite button.
 * @csspart minimize - The minimize button.
 * @csspart full-screen - The full-screen button.
 * @csspart icon - The round icon of a button.
 * @csspart label - The text under a button's icon.
 *
 * @cssproperty --ck-feature-buttons-size - Diameter of the round buttons (default 56px).
 * @cssproperty --ck-feature-buttons-gap - Space between buttons (default 24px).
 * @cssproperty --ck-feature-buttons-radius - Corner radius of the icons (default 50%).
 * @cssproperty --ck-feature-buttons-color - Text and icon colour (default: inherited).
 * @cssproperty --ck-feature-buttons-font-size - Label font size.
 * @cssproperty --ck-feature-buttons-on-background - Background of a toggle that is on.
 * @cssproperty --ck-feature-buttons-off-background - Background of a toggle that is off.
 * @cssproperty --ck-feature-buttons-off-color - Icon colour of a toggle that is off.
 * @cssproperty --ck-color-accept - Accept button colour (default #0abf77).
 * @cssproperty --ck-color-hangup - Hang-up and decline button colour (default #e54545).
 * @cssproperty --ck-color-on-action - Icon colour on accept / hang-up (default white).
 * @cssproperty --ck-color-focus - Focus ring colour.
 *
 * @cssstate ringing - An incoming call rings (accept / decline shown).
 * @cssstate dialing - This user is calling out.
 * @cssstate connected - The call is connected.
 */
export class FeatureButtons extends StoreElement {
  static override styles = styles;

  readonly #panel = this.select<Panel>(
    (s) => ({
      status: s.status,
      role: s.role,
      video: s.mediaType === CallMediaType.VIDEO,
      callId: s.callId,
      microphone: s.self.audioAvailable,
      camera: s.self.videoAvailable,
      hidden: s.settings.hiddenButtons,
      group: s.isGroup,
      speakerMuted: s.speakerMuted,
      cameras: s.devices.filter((d) => d.kind === 'camera').length,
      virtualBackground: s.settings.virtualBackground,
      blurred: s.settings.blurBackground,
      floatWindow: s.settings.floatWindow,
      minimized: s.minimized,
      fullScreenAllowed: s.settings.allowedFullScreen,
    }),
    shallowEqual,
  );

  readonly #devices = this.select((s) => s.devices);
  readonly #speakerDeviceId = this.select((s) => s.settings.speakerDeviceId);

  /** Whether the document is full screen now (the Fullscreen API is the source of truth). */
  @state() private fullScreen = false;

  /** Whether the list of outputs is open (with the Popover API, follows the popover's toggles). */
  @state() private outputsOpen = false;

  /** Move focus to the current output once the list is shown (without the Popover API). */
  #focusOutputs = false;

  #onFullScreenChange = () => {
    this.fullScreen = Boolean(this.ownerDocument.fullscreenElement);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.ownerDocument.addEventListener('fullscreenchange', this.#onFullScreenChange);
    this.#onFullScreenChange();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.ownerDocument.removeEventListener('fullscreenchange', this.#onFullScreenChange);
    // A popover leaves the top layer with its element; the list is closed when the element is back.
    this.outputsOpen = false;
  }

  /**
   * The speakers to choose from, or null when there is no choice to offer: only while connected,
   * where `setSinkId` exists and the store lists at least one speaker.
   */
  #outputs(p: Panel): readonly DeviceInfo[] | null {
    if (p.status !== CallStatus.CONNECTED || !canRouteAudio()) return null;
    const speakers = this.#devices.value.filter((d) => d.kind === 'speaker');
    return speakers.length ? speakers : null;
  }

  #outputOptions(speakers: readonly DeviceInfo[]): OutputOption[] {
    const { t } = this.localize;
    const systemLabel = systemDefaultLabel(speakers);
    return [
      { deviceId: SYSTEM_DEFAULT, label: systemLabel ? t('device-default-named', { label: systemLabel }) : t('device-default') },
      ...realDevices(speakers).map((d, i) => ({ deviceId: d.deviceId, label: d.label || t('device-unnamed', { n: i + 1 }) })),
    ];
  }

  get #menu(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>(`#${OUTPUTS_ID}`);
  }

  get #chevron(): HTMLButtonElement | null {
    return this.renderRoot.querySelector<HTMLButtonElement>('button.speaker-output');
  }

  get #options(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLButtonElement>('button.speaker-option')];
  }

  /** Focuses the current output (the first entry if the current one is not listed). */
  #focusCurrent(): void {
    const options = this.#options;
    (options.find((o) => o.getAttribute('aria-pressed') === 'true') ?? options[0])?.focus();
  }

  #onOutputsClick = (): void => {
    const menu = this.#menu;
    // With the Popover API the chevron's popovertarget opens and closes the list.
    if (!menu || hasPopover(menu)) return;
    this.outputsOpen = !this.outputsOpen;
    this.#focusOutputs = this.outputsOpen;
  };

  #onBeforeToggle = (event: ToggleEvent): void => {
    this.outputsOpen = event.newState === 'open';
  };

  /** Opening moves focus to the current output (`toggle` comes once the popover is shown). */
  #onToggle = (): void => {
    if (this.#menu?.matches(':popover-open')) this.#focusCurrent();
  };

  /** Closes the list; `refocus` returns focus to the chevron. */
  #closeOutputs(refocus: boolean): void {
    const menu = this.#menu;
    if (menu && hasPopover(menu) && menu.matches(':popover-open')) menu.hidePopover();
    this.outputsOpen = false;
    if (refocus) this.#chevron?.focus();
  }

  #chooseOutput(deviceId: string): void {
    this.#closeOutputs(true);
    this.dispatchEvent(new DeviceRequestEvent({ kind: 'speaker', deviceId }));
  }

  #onOutputsKeydown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented) return;
    const options = this.#options;
    const at = options.indexOf(this.shadowRoot?.activeElement as HTMLButtonElement);
    let next: number;
    switch (event.key) {
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        this.#closeOutputs(true);
        return;
      case 'ArrowDown':
        next = at < 0 ? 0 : (at + 1) % options.length;
        break;
      case 'ArrowUp':
        next = at < 0 ? options.length - 1 : (at - 1 + options.length) % options.length;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = options.length - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    options[next]?.focus();
  };

  /**
   * Tabbing to another control closes the list (a popover stays open when focus leaves it, and
   * without the Popover API there is no light dismiss at all). Focus merely falling to the body,
   * as while clicking an entry in some browsers, does not.
   */
  #onOutputsFocusOut = (event: FocusEvent): void => {
    const menu = this.#menu;
    const to = event.relatedTarget as Node | null;
    if (!menu || !this.outputsOpen || !to || menu.contains(to) || to === this.#chevron) return;
    this.#closeOutputs(false);
  };

  #buttons(p: Panel): ButtonSpec[] {
    if (p.status === CallStatus.IDLE) return [];
    if (isRingingForMe(p)) {
      const buttons: ButtonSpec[] = [
        { name: 'reject', label: 'reject', slot: 'reject', icon: icons.hangup, request: () => new RejectRequestEvent({ callId: p.callId }) },
      ];
      if (p.video) {
        buttons.push({
          name: 'accept-audio',
          label: 'accept-as-audio',
          slot: 'accept-audio',
          icon: icons.acceptAudio,
          request: () => new AcceptRequestEvent({ audioOnly: true, callId: p.callId }),
        });
      }
      buttons.push({
        name: 'accept',
        label: 'accept',
        slot: 'accept',
        icon: icons.accept,
        request: () => new AcceptRequestEvent({ audioOnly: false, callId: p.callId }),
      });
      return buttons;
    }
    const buttons: ButtonSpec[] = [];
    if (!p.hidden.includes(FeatureButton.Microphone)) {
      buttons.push({
        name: 'microphone',
        label: 'microphone',
        slot: p.microphone ? 'microphone' : 'microphone-off',
        icon: p.microphone ? icons.microphone : icons.microphoneOff,
        pressed: p.microphone,
        title: p.microphone ? 'microphone-on' : 'microphone-off',
        request: () => new MicrophoneRequestEvent({ enabled: !p.microphone }),
      });
    }
    if (p.video && !p.hidden.includes(FeatureButton.Camera)) {
      buttons.push({
        name: 'camera',
        label: 'camera',
        slot: p.camera ? 'camera' : 'camera-off',
        icon: p.camera ? icons.camera : icons.cameraOff,
        pressed: p.camera,
        title: p.camera ? 'camera-on' : 'camera-off',
        request: () => new CameraRequestEvent({ enabled: !p.camera }),
      });
    }
    const connected = p.status === CallStatus.CONNECTED;
    if (connected) {
      buttons.push({
        name: 'speaker',
        label: 'speaker',
        slot: p.speakerMuted ? 'speaker-off' : 'speaker',
        icon: p.speakerMuted ? icons.speakerOff : icons.speaker,
        pressed: !p.speakerMuted,
        title: p.speakerMuted ? 'speaker-off' : 'speaker-on',
        request: () => new SpeakerRequestEvent({ muted: !p.speakerMuted }),
      });
    }
    if (p.video && p.camera && p.cameras > 1 && !p.hidden.includes(FeatureButton.SwitchCamera)) {
      buttons.push({ name: 'switch-camera', label: 'switch-camera', slot: 'switch-camera', icon: icons.switchCamera, request: () => new SwitchCameraRequestEvent() });
    }
    if (p.video && p.virtualBackground) {
      buttons.push({
        name: 'blur',
        label: 'blur-background',
        slot: 'blur',
        icon: icons.blur,
        pressed: p.blurred,
        request: () => new BlurRequestEvent({ enabled: !p.blurred }),
      });
    }
    if (p.group && (connected || p.role === CallRole.CALLER) && !p.hidden.includes(FeatureButton.InviteUser)) {
      buttons.push({ name: 'invite', label: 'invite-button', slot: 'invite', icon: icons.invite, request: () => new InviteRequestEvent() });
    }
    if (p.floatWindow) {
      buttons.push({ name: 'minimize', label: 'minimize', slot: 'minimize', icon: icons.minimize, request: () => new MinimizeRequestEvent({ minimized: !p.minimized }) });
    }
    if (p.fullScreenAllowed) {
      const full = this.fullScreen;
      buttons.push({
        name: 'full-screen',
        label: full ? 'exit-full-screen' : 'full-screen',
        slot: full ? 'exit-full-screen' : 'full-screen',
        icon: full ? icons.exitFullScreen : icons.fullScreen,
        request: () => new FullScreenRequestEvent({ fullScreen: !full }),
      });
    }
    buttons.push({ name: 'hangup', label: 'hangup', slot: 'hangup', icon: icons.hangup, request: () => new HangupRequestEvent() });
    return buttons;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // The call left CONNECTED or the speakers went away: the list goes with its button.
    if (this.outputsOpen && !this.#outputs(this.#panel.value)) {
      this.outputsOpen = false;
      this.#focusOutputs = false;
    }
  }

  protected override updated(): void {
    const { status, role } = this.#panel.value;
    this.toggleState('ringing', isRingingForMe({ status, role }));
    this.toggleState('dialing', isDialing({ status, role }));
    this.toggleState('connected', status === CallStatus.CONNECTED);
    const menu = this.#menu;
    if (menu && hasPopover(menu) && !this.outputsOpen && menu.matches(':popover-open')) menu.hidePopover();
    if (this.#focusOutputs) {
      this.#focusOutputs = false;
      if (this.outputsOpen) this.#focusCurrent();
    }
  }

  #renderButton(b: ButtonSpec) {
    const label = this.localize.t(b.label);
    return html`<button
      type="button"
      part="button ${b.name}"
      class=${b.name}
      aria-label=${label}
      aria-pressed=${ifDefined(b.pressed === undefined ? undefined : b.pressed ? 'true' : 'false')}
      title=${ifDefined(b.title ? this.localize.t(b.title) : undefined)}
      @click=${() => this.dispatchEvent(b.request())}
    >
      <span part="icon" class="icon"><slot name="icon-${b.slot}">${b.icon}</slot></span>
      <span part="label">${label}</span>
    </button>`;
  }

  /** The speaker toggle with its chevron and the list of outputs. */
  #renderSpeaker(b: ButtonSpec, speakers: readonly DeviceInfo[]) {
    const { t } = this.localize;
    const label = t('choose-speaker');
    const open = this.outputsOpen;
    const popover = hasPopover(this);
    const current = this.#speakerDeviceId.value || SYSTEM_DEFAULT;
    return html`<div class="speaker-group">
      ${this.#renderButton(b)}
      <button
        type="button"
        part="button speaker-output"
        class="speaker-output"
        aria-label=${label}
        title=${label}
        aria-haspopup="true"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls=${OUTPUTS_ID}
        popovertarget=${ifDefined(popover ? OUTPUTS_ID : undefined)}
        @click=${this.#onOutputsClick}
      >
        <slot name="icon-speaker-output">${icons.speakerOutput}</slot>
      </button>
      <div
        id=${OUTPUTS_ID}
        part="speaker-menu"
        role="group"
        aria-label=${t('speaker-outputs')}
        popover=${ifDefined(popover ? 'auto' : undefined)}
        ?hidden=${!popover && !open}
        @beforetoggle=${this.#onBeforeToggle}
        @toggle=${this.#onToggle}
        @keydown=${this.#onOutputsKeydown}
        @focusout=${this.#onOutputsFocusOut}
      >
        ${this.#outputOptions(speakers).map(
          (o) => html`<button
            type="button"
            part="speaker-option"
            class="speaker-option"
            aria-pressed=${o.deviceId === current ? 'true' : 'false'}
            @click=${() => this.#chooseOutput(o.deviceId)}
          >
            ${o.label}
          </button>`,
        )}
      </div>
    </div>`;
  }

  override render() {
    const panel = this.#panel.value;
    const buttons = this.#buttons(panel);
    if (buttons.length === 0) return nothing;
    const outputs = this.#outputs(panel);
    const rtl = this.localize.dir === 'rtl' ? 'rtl' : undefined;
    return html`<div part="base" role="group" aria-label=${this.localize.t('call-controls')} lang=${this.localize.lang} dir=${ifDefined(rtl)}>
      ${repeat(
        buttons,
        (b) => b.name,
        (b) => (b.name === 'speaker' && outputs ? this.#renderSpeaker(b, outputs) : this.#renderButton(b)),
      )}
    </div>`;
  }
}
