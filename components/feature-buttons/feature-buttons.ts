import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { repeat } from 'lit/directives/repeat.js';
import { CallMediaType, CallRole, CallStatus, FeatureButton } from '../../src/constants.js';
import { StoreElement } from '../../src/elements/store-element.js';
import {
  AcceptRequestEvent,
  CameraRequestEvent,
  HangupRequestEvent,
  MicrophoneRequestEvent,
  RejectRequestEvent,
} from '../../src/events/requests.js';
import type { MessageKey } from '../../src/i18n/index.js';
import { icons } from '../../src/icons.js';
import { shallowEqual } from '../../src/store/store-controller.js';
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
}

interface ButtonSpec {
  /** Part name and class (besides `button`). */
  name: 'microphone' | 'camera' | 'hangup' | 'accept' | 'accept-audio' | 'reject';
  label: MessageKey;
  /** Icon slot name (without `icon-`) and fallback icon. */
  slot: string;
  icon: TemplateResult;
  /** `aria-pressed` of a toggle; undefined for plain buttons. */
  pressed?: boolean;
  title?: MessageKey;
  request: () => Event;
}

/**
 * The call's buttons for the current state:
 * - ringing (callee): decline, accept as voice call (video calls), accept;
 * - dialing (caller) and connected: microphone, camera (video calls), hang up.
 *
 * Buttons never change call state: each dispatches a request event (bubbling, composed, cancelable)
 * that `<call-kit>` carries out unless a listener calls `preventDefault()`. Microphone and camera
 * are toggles (`aria-pressed` is true while the device is on) and can be hidden with
 * `settings.hiddenButtons`. Renders nothing while idle.
 *
 * @summary Accept / decline / microphone / camera / hang-up buttons of a call.
 *
 * @event ck-accept-request - `AcceptRequestEvent`, `{ audioOnly, callId }`: accept (as a voice call with `audioOnly`).
 * @event ck-reject-request - `RejectRequestEvent`, `{ callId }`: decline the incoming call.
 * @event ck-hangup-request - `HangupRequestEvent`: hang up (or cancel while dialing).
 * @event ck-microphone-request - `MicrophoneRequestEvent`, `{ enabled }`: turn the microphone on or off.
 * @event ck-camera-request - `CameraRequestEvent`, `{ enabled }`: turn the camera on or off.
 *
 * @slot icon-microphone - Icon of the microphone button while the microphone is on.
 * @slot icon-microphone-off - Icon of the microphone button while it is off.
 * @slot icon-camera - Icon of the camera button while the camera is on.
 * @slot icon-camera-off - Icon of the camera button while it is off.
 * @slot icon-hangup - Icon of the hang-up button.
 * @slot icon-accept - Icon of the accept button.
 * @slot icon-accept-audio - Icon of the accept-as-voice-call button.
 * @slot icon-reject - Icon of the decline button.
 *
 * @csspart base - The group of buttons.
 * @csspart button - Every button (also `microphone`, `camera`, `hangup`, `accept`, `accept-audio`, `reject`).
 * @csspart microphone - The microphone toggle.
 * @csspart camera - The camera toggle.
 * @csspart hangup - The hang-up button.
 * @csspart accept - The accept button.
 * @csspart accept-audio - The accept-as-voice-call button.
 * @csspart reject - The decline button.
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
    }),
    shallowEqual,
  );

  #buttons(p: Panel): ButtonSpec[] {
    if (p.status === CallStatus.IDLE) return [];
    if (p.status === CallStatus.CALLING && p.role === CallRole.CALLEE) {
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
    buttons.push({ name: 'hangup', label: 'hangup', slot: 'hangup', icon: icons.hangup, request: () => new HangupRequestEvent() });
    return buttons;
  }

  protected override updated(): void {
    const { status, role } = this.#panel.value;
    this.toggleState('ringing', status === CallStatus.CALLING && role === CallRole.CALLEE);
    this.toggleState('dialing', status === CallStatus.CALLING && role !== CallRole.CALLEE);
    this.toggleState('connected', status === CallStatus.CONNECTED);
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

  override render() {
    const buttons = this.#buttons(this.#panel.value);
    if (buttons.length === 0) return nothing;
    const rtl = this.localize.dir === 'rtl' ? 'rtl' : undefined;
    return html`<div part="base" role="group" aria-label=${this.localize.t('call-controls')} lang=${this.localize.lang} dir=${ifDefined(rtl)}>
      ${repeat(buttons, (b) => b.name, (b) => this.#renderButton(b))}
    </div>`;
  }
}
