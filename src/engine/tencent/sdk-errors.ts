/** Maps chat and TRTC failures onto {@link CallKitError}s with the kit's (TUICallKit's) codes. */
import { CallKitError, ErrorCode } from '../../errors.js';
import { TRTCErrorCode } from './sdk-types.js';

interface SdkErrorLike {
  code?: unknown;
  extraCode?: unknown;
  message?: unknown;
  name?: unknown;
  originError?: { name?: unknown } | null;
}

function fields(error: unknown): { code: number | null; extraCode: number | null; message: string; name: string } {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorLike;
  const code = typeof e.code === 'number' ? e.code : null;
  const extraCode = typeof e.extraCode === 'number' ? e.extraCode : null;
  const name = typeof e.originError?.name === 'string' ? e.originError.name : typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' && e.message ? e.message : typeof error === 'string' ? error : String(error);
  return { code, extraCode, message, name };
}

/** A failed chat call (`{ code, message }` rejections) as a CallKitError; `reason` is the chat code. */
export function chatError(error: unknown, what: string, code: ErrorCode = ErrorCode.SERVER_ERROR): CallKitError {
  if (error instanceof CallKitError) return error;
  const f = fields(error);
  return new CallKitError(code, `${what}: ${f.message}`, f.code !== null ? String(f.code) : undefined);
}

/** A failed TRTC capture (`RtcError`) as a CallKitError naming the device. */
export function deviceError(error: unknown, device: 'camera' | 'microphone'): CallKitError {
  if (error instanceof CallKitError) return error;
  const f = fields(error);
  const camera = device === 'camera';
  let code: ErrorCode;
  if (f.code === TRTCErrorCode.ENV_NOT_SUPPORTED) {
    code = ErrorCode.NOT_SUPPORTED_WEBRTC;
  } else if (f.extraCode === TRTCErrorCode.DEVICE_NOT_ALLOWED || f.name === 'NotAllowedError' || f.name === 'SecurityError') {
    code = camera ? ErrorCode.CAMERA_NOT_AUTHORIZED : ErrorCode.MICROPHONE_NOT_AUTHORIZED;
  } else if (f.extraCode === TRTCErrorCode.DEVICE_NOT_FOUND || f.name === 'NotFoundError') {
    code = camera ? ErrorCode.CAMERA_DEVICE_EMPTY : ErrorCode.MICROPHONE_DEVICE_EMPTY;
  } else {
    code = camera ? ErrorCode.CAMERA_START_FAILED : ErrorCode.MICROPHONE_START_FAILED;
  }
  const reason = f.extraCode ?? f.code;
  return new CallKitError(code, `${device}: ${f.message}`, reason !== null ? String(reason) : f.name || undefined);
}

/** A failed TRTC room operation as a CallKitError. */
export function roomError(error: unknown, what: string): CallKitError {
  if (error instanceof CallKitError) return error;
  const f = fields(error);
  const code = f.code === TRTCErrorCode.ENV_NOT_SUPPORTED ? ErrorCode.NOT_SUPPORTED_WEBRTC : ErrorCode.CONNECTION_FAILED;
  return new CallKitError(code, `${what}: ${f.message}`, f.code !== null ? String(f.code) : undefined);
}

/** `{ code, message }` for an `onError` event from any SDK error. */
export function errorEvent(error: unknown): { code: number; message: string } {
  if (error instanceof CallKitError) return { code: error.code, message: error.message };
  const f = fields(error);
  return { code: f.code ?? ErrorCode.FAILED, message: f.message };
}
