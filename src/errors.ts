/**
 * Typed errors thrown by the kit. Codes follow TUICallKit where it has one (`-1001` invalid
 * parameter, `-1002` not initialized, `60003` no microphone, ...), so apps ported from it keep
 * their error handling; kit-only conditions get their own codes in the 10xxx range of the React kit.
 */
export const ErrorCode = {
  FAILED: -1,
  INVALID_PARAMETER: -1001,
  SDK_NOT_INITIALIZED: -1002,
  PERMISSION_DENIED: -1003,
  CAMERA_START_FAILED: -1100,
  CAMERA_NOT_AUTHORIZED: -1101,
  CAMERA_DEVICE_EMPTY: -1103,
  MICROPHONE_START_FAILED: -1104,
  MICROPHONE_NOT_AUTHORIZED: -1105,
  MICROPHONE_DEVICE_EMPTY: -1107,
  USER_NOT_EXIST: -2200,
  SWITCH_TO_AUDIO_CALL_FAILED: 60001,
  /**
   * `switchCallMediaType(VIDEO)` did not turn the call into video; `reason` says why: `declined`,
   * `timeout`, `cancelled` (the call ended first), `not-supported` (group call, Tencent engines),
   * `invalid-state` (a request is pending already, or the server refused it).
   */
  SWITCH_TO_VIDEO_CALL_FAILED: 60002,
  MICROPHONE_UNAVAILABLE: 60003,
  CAMERA_UNAVAILABLE: 60004,
  NOT_SUPPORTED_WEBRTC: 60006,
  /** Calling yourself (React kit 10017). */
  SELF_CALL: 10017,
  /** Callees per call must be 1 to 8 (React kit 10018). */
  CALLEE_COUNT: 10018,
  /** A call is already in progress (`in-calling-cannot-start-new`). */
  ALREADY_IN_CALL: 10019,
  /** Not in the state the method needs (e.g. `accept` with no incoming call). */
  INVALID_STATE: 10020,
  /** Signaling server unreachable, refused the login, or the connection was lost. */
  CONNECTION_FAILED: 10021,
  /** The server refused a request. */
  SERVER_ERROR: 10022,
  /**
   * The browser cannot carry calls (no `RTCPeerConnection`, no `getUserMedia`, not a secure
   * context): `init` fails with it (reason `unsupported-browser`, the message names what is
   * missing) unless the host chose `stayReachable`; then `calls`/`accept` fail with it.
   */
  UNSUPPORTED_BROWSER: 10023,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class CallKitError extends Error {
  override readonly name = 'CallKitError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The server's or browser's own error name, when one caused this error. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

export function invalidParameter(message: string): CallKitError {
  return new CallKitError(ErrorCode.INVALID_PARAMETER, message);
}
