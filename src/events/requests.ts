/**
 * Intent events: elements never change call state, they dispatch these (bubbling, composed,
 * cancelable). `<call-kit>` turns each into a kit call unless the host called `preventDefault()`.
 */
const init = { bubbles: true, composed: true, cancelable: true } as const;

export class AcceptRequestEvent extends Event {
  static readonly eventName = 'ck-accept-request';
  constructor(readonly detail: { audioOnly: boolean; callId?: string }) {
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

declare global {
  interface GlobalEventHandlersEventMap {
    'ck-accept-request': AcceptRequestEvent;
    'ck-reject-request': RejectRequestEvent;
    'ck-hangup-request': HangupRequestEvent;
    'ck-microphone-request': MicrophoneRequestEvent;
    'ck-camera-request': CameraRequestEvent;
  }
}
