/**
 * Which call buttons `<feature-buttons>` shows, as a pure function of the store's state: no DOM,
 * no lit, unit-tested in Node (test/unit/buttons-for.test.ts).
 */
import { CallMediaType, CallRole, CallStatus, FeatureButton } from '../../src/constants.js';
import type { MessageKey } from '../../src/i18n/index.js';
import { isRingingForMe } from '../../src/store/selectors.js';
import type { CallState } from '../../src/store/types.js';

/** The slice of the state the buttons depend on. */
export interface Panel {
  status: CallState['status'];
  role: CallState['role'];
  /** Answered, media path being set up (`CallState.connecting`): no accept/decline, a hang-up. */
  connecting: boolean;
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
  /** The engine has AI noise suppression: offer its switch. */
  noiseSuppression: boolean;
  /** AI noise suppression is on. */
  denoised: boolean;
  floatWindow: boolean;
  minimized: boolean;
  fullScreenAllowed: boolean;
}

export function panelOf(s: CallState): Panel {
  return {
    status: s.status,
    role: s.role,
    connecting: s.connecting,
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
    noiseSuppression: s.settings.aiNoiseSuppressionAvailable,
    denoised: s.settings.aiNoiseSuppression,
    floatWindow: s.settings.floatWindow,
    minimized: s.minimized,
    fullScreenAllowed: s.settings.allowedFullScreen,
  };
}

export type ButtonName =
  | 'microphone'
  | 'camera'
  | 'speaker'
  | 'switch-camera'
  | 'blur'
  | 'noise-suppression'
  | 'invite'
  | 'minimize'
  | 'full-screen'
  | 'hangup'
  | 'accept'
  | 'accept-audio'
  | 'reject';

/** One button to show. */
export interface ButtonSpec {
  /** Part name and class (besides `button`); the element maps it to its request event. */
  name: ButtonName;
  label: MessageKey;
  /** Icon slot name (without `icon-`); also names the fallback icon. */
  slot: string;
  /** `aria-pressed` of a toggle; absent for plain buttons. */
  pressed?: boolean;
  title?: MessageKey;
}

/**
 * The call's buttons, in order:
 * - ringing (callee): decline, accept as voice call (video calls), accept;
 * - dialing (caller) and connected: microphone, camera (video calls), speaker (connected), switch
 *   camera (video, camera on, more than one camera), blur background (`enableVirtualBackground`),
 *   AI noise suppression (where the engine has it), invite (group calls), minimize (`enableFloatWindow`), full screen (`allowedFullScreen`), hang up.
 * Microphone, camera, switch camera and invite can be hidden with `settings.hiddenButtons`.
 * `fullScreen`: the document is full screen now.
 */
export function buttonsFor(p: Panel, fullScreen = false): ButtonSpec[] {
  if (p.status === CallStatus.IDLE) return [];
  if (isRingingForMe(p)) {
    return [
      { name: 'reject', label: 'reject', slot: 'reject' },
      ...(p.video ? [{ name: 'accept-audio', label: 'accept-as-audio', slot: 'accept-audio' } as const] : []),
      { name: 'accept', label: 'accept', slot: 'accept' },
    ];
  }
  const shown = (b: FeatureButton) => !p.hidden.includes(b);
  const connected = p.status === CallStatus.CONNECTED;
  const buttons: ButtonSpec[] = [];
  if (shown(FeatureButton.Microphone)) {
    const on = p.microphone;
    buttons.push({
      name: 'microphone',
      label: 'microphone',
      slot: on ? 'microphone' : 'microphone-off',
      pressed: on,
      title: on ? 'microphone-on' : 'microphone-off',
    });
  }
  if (p.video && shown(FeatureButton.Camera)) {
    const on = p.camera;
    buttons.push({
      name: 'camera',
      label: 'camera',
      slot: on ? 'camera' : 'camera-off',
      pressed: on,
      title: on ? 'camera-on' : 'camera-off',
    });
  }
  if (connected) {
    const on = !p.speakerMuted;
    buttons.push({
      name: 'speaker',
      label: 'speaker',
      slot: on ? 'speaker' : 'speaker-off',
      pressed: on,
      title: on ? 'speaker-on' : 'speaker-off',
    });
  }
  if (p.video && p.camera && p.cameras > 1 && shown(FeatureButton.SwitchCamera)) {
    buttons.push({ name: 'switch-camera', label: 'switch-camera', slot: 'switch-camera' });
  }
  if (p.video && p.virtualBackground) buttons.push({ name: 'blur', label: 'blur-background', slot: 'blur', pressed: p.blurred });
  if (p.noiseSuppression && shown(FeatureButton.AINoiseSuppression)) {
    const on = p.denoised;
    buttons.push({
      name: 'noise-suppression',
      label: 'noise-suppression',
      slot: 'noise-suppression',
      pressed: on,
      title: on ? 'noise-suppression-on' : 'noise-suppression-off',
    });
  }
  if (p.group && (connected || p.role === CallRole.CALLER) && shown(FeatureButton.InviteUser)) {
    buttons.push({ name: 'invite', label: 'invite-button', slot: 'invite' });
  }
  if (p.floatWindow) buttons.push({ name: 'minimize', label: 'minimize', slot: 'minimize' });
  if (p.fullScreenAllowed) {
    buttons.push({
      name: 'full-screen',
      label: fullScreen ? 'exit-full-screen' : 'full-screen',
      slot: fullScreen ? 'exit-full-screen' : 'full-screen',
    });
  }
  buttons.push({ name: 'hangup', label: 'hangup', slot: 'hangup' });
  return buttons;
}
