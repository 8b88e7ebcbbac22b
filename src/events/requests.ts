/**
 * Intent events: elements never change call state, they dispatch these (bubbling, composed,
 * cancelable). `<call-kit>` turns each into a kit call unless the host called `preventDefault()`.
 */
const init = { bubbles: true, composed: true, cancelable: true } as const;

export class AcceptRequestEvent extends Event {
  static readonly eventName = 'ck-accept-request';
  /**
   * `endCurrent`: "end and accept" (hang up the current call first, then accept `callId`).
   * `camera: false`: answer a video call with the camera off (the call view's toggle while it rings).
   */
  constructor(readonly detail: { audioOnly: boolean; callId?: string; endCurrent?: boolean; camera?: boolean }) {
    super(AcceptRequestEvent.eventName, init);
  }
}

export class RejectRequestEvent extends Event {
  static readonly eventName = 'ck-reject-request';
  constructor(readonly detail: { callId?: string } = {}) {
    super(RejectRequestEvent.eventName, init);
  }
}

export class HangupRequestEvent extends Event {
  static readonly eventName = 'ck-hangup-request';
  constructor(readonly detail: Record<string, never> = {}) {
    super(HangupRequestEvent.eventName, init);
  }
}

/** Turn the microphone on (`enabled: true`) or off. */
export class MicrophoneRequestEvent extends Event {
  static readonly eventName = 'ck-microphone-request';
  constructor(readonly detail: { enabled: boolean }) {
    super(MicrophoneRequestEvent.eventName, init);
  }
}

/** Turn the camera on (`enabled: true`) or off. */
export class CameraRequestEvent extends Event {
  static readonly eventName = 'ck-camera-request';
  constructor(readonly detail: { enabled: boolean }) {
    super(CameraRequestEvent.eventName, init);
  }
}

/** Join the running call `callId` (from `<join-call-card>`). */
export class JoinRequestEvent extends Event {
  static readonly eventName = 'ck-join-request';
  constructor(readonly detail: { callId: string }) {
    super(JoinRequestEvent.eventName, init);
  }
}

/** Call these users back (from `<call-history>`): `<call-kit>` calls `callKit.calls({ userIDList, type })`. */
export class CallBackRequestEvent extends Event {
  static readonly eventName = 'ck-call-back-request';
  /** `type`: 1 audio, 2 video (`CallMediaType`). */
  constructor(readonly detail: { userIDList: string[]; type: 1 | 2 }) {
    super(CallBackRequestEvent.eventName, init);
  }
}

/** Minimize the call UI into `<float-window>` (`minimized: true`) or restore it. */
export class MinimizeRequestEvent extends Event {
  static readonly eventName = 'ck-minimize-request';
  constructor(readonly detail: { minimized: boolean }) {
    super(MinimizeRequestEvent.eventName, init);
  }
}

/** Turn on the ringtone the browser's autoplay policy blocked (from the "tap to turn on sound" button). */
export class SoundRequestEvent extends Event {
  static readonly eventName = 'ck-sound-request';
  constructor(readonly detail: Record<string, never> = {}) {
    super(SoundRequestEvent.eventName, init);
  }
}

/** Try to reach the signaling server again after reconnecting gave up (from `<call-kit>`'s "Try again" button). */
export class ReconnectRequestEvent extends Event {
  static readonly eventName = 'ck-reconnect-request';
  constructor(readonly detail: Record<string, never> = {}) {
    super(ReconnectRequestEvent.eventName, init);
  }
}

/** Ask the other member to turn this 1v1 audio call into video (`callKit.switchCallMediaType(VIDEO)`; from `<call-view>`). */
export class SwitchToVideoRequestEvent extends Event {
  static readonly eventName = 'ck-switch-to-video-request';
  constructor(readonly detail: Record<string, never> = {}) {
    super(SwitchToVideoRequestEvent.eventName, init);
  }
}

/** Answer the other member's request to switch to video (`acceptVideoRequest` / `declineVideoRequest`; from `<call-view>`). */
export class VideoAnswerRequestEvent extends Event {
  static readonly eventName = 'ck-video-answer-request';
  constructor(readonly detail: { accept: boolean }) {
    super(VideoAnswerRequestEvent.eventName, init);
  }
}

/** Use the device `deviceId` for `kind` (from `<device-picker>`). */
export class DeviceRequestEvent extends Event {
  static readonly eventName = 'ck-device-request';
  constructor(readonly detail: { kind: 'camera' | 'microphone' | 'speaker'; deviceId: string }) {
    super(DeviceRequestEvent.eventName, init);
  }
}

/** Silence every remote participant locally (`muted: true`) or hear them again (from the speaker button). */
export class SpeakerRequestEvent extends Event {
  static readonly eventName = 'ck-speaker-request';
  constructor(readonly detail: { muted: boolean }) {
    super(SpeakerRequestEvent.eventName, init);
  }
}

/** Use the next camera (front / back) (from the switch-camera button). */
export class SwitchCameraRequestEvent extends Event {
  static readonly eventName = 'ck-switch-camera-request';
  constructor(readonly detail: Record<string, never> = {}) {
    super(SwitchCameraRequestEvent.eventName, init);
  }
}

/** Blur the local video's background (`enabled: true`) or stop blurring it. */
export class BlurRequestEvent extends Event {
  static readonly eventName = 'ck-blur-request';
  constructor(readonly detail: { enabled: boolean }) {
    super(BlurRequestEvent.eventName, init);
  }
}

/** Turn AI noise suppression of our microphone on (`enabled: true`) or off (`callKit.enableAIVoice`). */
export class NoiseSuppressionRequestEvent extends Event {
  static readonly eventName = 'ck-noise-suppression-request';
  constructor(readonly detail: { enabled: boolean }) {
    super(NoiseSuppressionRequestEvent.eventName, init);
  }
}

/** Show the call UI full screen (`fullScreen: true`) or leave full screen. */
export class FullScreenRequestEvent extends Event {
  static readonly eventName = 'ck-full-screen-request';
  constructor(readonly detail: { fullScreen: boolean }) {
    super(FullScreenRequestEvent.eventName, init);
  }
}

/**
 * Add people to the running group call. Without `userIDList` (the invite button): the user wants to
 * pick people (the app, or an `<invite-panel>`, asks who). With `userIDList` (from `<invite-panel>`):
 * invite them; `<call-kit>` calls `callKit.inviteUser`.
 */
export class InviteRequestEvent extends Event {
  static readonly eventName = 'ck-invite-request';
  constructor(readonly detail: { userIDList?: string[] } = {}) {
    super(InviteRequestEvent.eventName, init);
  }
}

/** Group call: `<call-view>` shows `userId` large (`''`: no member in focus); `<call-kit>` tells the engine (`setFocusedMember`). */
export class FocusChangeEvent extends Event {
  static readonly eventName = 'ck-focus-change';
  constructor(readonly detail: { userId: string }) {
    super(FocusChangeEvent.eventName, init);
  }
}

/**
 * `<call-view>`'s tiles' rendered widths (device px) per other member, a member missing having no
 * visible tile; `<call-kit>` hands them to the engine (simulcast layers through the SFU).
 */
export class TileSizesEvent extends Event {
  static readonly eventName = 'ck-tile-sizes';
  constructor(readonly detail: { sizes: Readonly<Record<string, number>> }) {
    super(TileSizesEvent.eventName, init);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'ck-tile-sizes': TileSizesEvent;
    'ck-speaker-request': SpeakerRequestEvent;
    'ck-switch-camera-request': SwitchCameraRequestEvent;
    'ck-blur-request': BlurRequestEvent;
    'ck-noise-suppression-request': NoiseSuppressionRequestEvent;
    'ck-full-screen-request': FullScreenRequestEvent;
    'ck-invite-request': InviteRequestEvent;
    'ck-minimize-request': MinimizeRequestEvent;
    'ck-sound-request': SoundRequestEvent;
    'ck-reconnect-request': ReconnectRequestEvent;
    'ck-device-request': DeviceRequestEvent;
    'ck-switch-to-video-request': SwitchToVideoRequestEvent;
    'ck-video-answer-request': VideoAnswerRequestEvent;
    'ck-join-request': JoinRequestEvent;
    'ck-call-back-request': CallBackRequestEvent;
    'ck-accept-request': AcceptRequestEvent;
    'ck-reject-request': RejectRequestEvent;
    'ck-hangup-request': HangupRequestEvent;
    'ck-microphone-request': MicrophoneRequestEvent;
    'ck-camera-request': CameraRequestEvent;
    'ck-focus-change': FocusChangeEvent;
  }
}
