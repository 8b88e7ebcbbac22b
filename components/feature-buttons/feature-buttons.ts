import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { repeat } from 'lit/directives/repeat.js';
import { CallStatus } from '../../src/constants.js';
import { canRouteAudio } from '../../src/util/output-devices.js';
import { StoreElement } from '../../src/elements/store-element.js';
import { isDialing, isRingingForMe } from '../../src/store/selectors.js';
import {
  AcceptRequestEvent,
  BlurRequestEvent,
  CameraRequestEvent,
  FullScreenRequestEvent,
  HangupRequestEvent,
  InviteRequestEvent,
  MicrophoneRequestEvent,
  MinimizeRequestEvent,
  NoiseSuppressionRequestEvent,
  RejectRequestEvent,
  SpeakerRequestEvent,
  SwitchCameraRequestEvent,
} from '../../src/events/requests.js';
import { icons } from '../../src/icons.js';
import { shallowEqual } from '../../src/elements/store-controller.js';
import { SpeakerOutputMenu } from '../speaker-output-menu/speaker-output-menu.js';
import { buttonsFor, panelOf, type ButtonName, type ButtonSpec, type Panel } from './buttons-for.js';
import { styles } from './feature-buttons.styles.js';

/** The kit's icon of each icon slot (`icon-<slot>`). */
function iconOf(slot: string): TemplateResult {
  if (slot === 'reject') return icons.hangup;
  const key = slot.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof typeof icons;
  return icons[key];
}

/** The request each button sends, for the state it was rendered in. */
function requestOf(name: ButtonName, p: Panel, fullScreen: boolean): Event {
  switch (name) {
    case 'reject':
      return new RejectRequestEvent({ callId: p.callId });
    case 'accept-audio':
    case 'accept':
      return new AcceptRequestEvent({ audioOnly: name === 'accept-audio', callId: p.callId });
    case 'microphone':
      return new MicrophoneRequestEvent({ enabled: !p.microphone });
    case 'camera':
      return new CameraRequestEvent({ enabled: !p.camera });
    case 'speaker':
      return new SpeakerRequestEvent({ muted: !p.speakerMuted });
    case 'switch-camera':
      return new SwitchCameraRequestEvent();
    case 'blur':
      return new BlurRequestEvent({ enabled: !p.blurred });
    case 'noise-suppression':
      return new NoiseSuppressionRequestEvent({ enabled: !p.denoised });
    case 'invite':
      return new InviteRequestEvent();
    case 'minimize':
      return new MinimizeRequestEvent({ minimized: !p.minimized });
    case 'full-screen':
      return new FullScreenRequestEvent({ fullScreen: !fullScreen });
    case 'hangup':
      return new HangupRequestEvent();
  }
}

/**
 * The call's buttons for the current state:
 * - ringing (callee): decline, accept as voice call (video calls), accept;
 * - dialing (caller) and connected: microphone, camera (video calls), speaker (connected), switch
 *   camera (video, camera on, more than one camera), blur background (`enableVirtualBackground`),
 *   AI noise suppression (where the engine has it), invite (group calls), minimize (`enableFloatWindow`), full screen (`allowedFullScreen`), hang up.
 *
 * Which buttons show is `buttonsFor(panelOf(state))` (`buttons-for.ts`). While connected, where
 * the browser can route audio (`setSinkId`) and the store's `devices` list at least one speaker, a
 * `<speaker-output-menu>` (a small chevron on the speaker button) opens the list of outputs.
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
 * @event ck-noise-suppression-request - `NoiseSuppressionRequestEvent`, `{ enabled }`: turn AI noise suppression on or off.
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
 * @slot icon-noise-suppression - Icon of the AI noise suppression toggle.
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
 * @csspart noise-suppression - The AI noise suppression toggle.
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
  static readonly dependencies = { 'speaker-output-menu': SpeakerOutputMenu };

  readonly #panel = this.select<Panel>(panelOf, shallowEqual);
  readonly #hasSpeakers = this.select((s) => s.devices.some((d) => d.kind === 'speaker'));

  /** Whether the document is full screen now (the Fullscreen API is the source of truth). */
  @state() private fullScreen = false;

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
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const { status, role, connecting } = this.#panel.value;
    this.toggleState('ringing', isRingingForMe({ status, role, connecting }));
    this.toggleState('dialing', isDialing({ status, role, connecting }));
    this.toggleState('connected', status === CallStatus.CONNECTED);
  }

  #renderButton(b: ButtonSpec, p: Panel) {
    const label = this.localize.t(b.label);
    const fullScreen = this.fullScreen;
    return html`<button
      type="button"
      part="button ${b.name}"
      class=${b.name}
      aria-label=${label}
      aria-pressed=${ifDefined(b.pressed === undefined ? undefined : b.pressed ? 'true' : 'false')}
      title=${ifDefined(b.title ? this.localize.t(b.title) : undefined)}
      @click=${() => this.dispatchEvent(requestOf(b.name, p, fullScreen))}
    >
      <span part="icon" class="icon"><slot name="icon-${b.slot}">${iconOf(b.slot)}</slot></span>
      <span part="label">${label}</span>
    </button>`;
  }

  /** The speaker toggle with the list of outputs on it. */
  #renderSpeaker(b: ButtonSpec, p: Panel) {
    return html`<div class="speaker-group">
      ${this.#renderButton(b, p)}
      <speaker-output-menu exportparts="button, speaker-output, speaker-menu, speaker-option" .store=${this.resolvedStore}>
        <slot name="icon-speaker-output" slot="icon">${icons.speakerOutput}</slot>
      </speaker-output-menu>
    </div>`;
  }

  override render() {
    const panel = this.#panel.value;
    const buttons = buttonsFor(panel, this.fullScreen);
    if (buttons.length === 0) return nothing;
    // The list of outputs: only while connected, where audio can be routed and there are speakers.
    const outputs = panel.status === CallStatus.CONNECTED && this.#hasSpeakers.value && canRouteAudio();
    const rtl = this.localize.dir === 'rtl' ? 'rtl' : undefined;
    return html`<div part="base" role="group" aria-label=${this.localize.t('call-controls')} lang=${this.localize.lang} dir=${ifDefined(rtl)}>
      ${repeat(
        buttons,
        (b) => b.name,
        (b) => (b.name === 'speaker' && outputs ? this.#renderSpeaker(b, panel) : this.#renderButton(b, panel)),
      )}
    </div>`;
  }
}
