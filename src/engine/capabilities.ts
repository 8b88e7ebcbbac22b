/**
 * What a page needs to carry a call, checked by the engines at `login` and exposed as
 * `callKit.getCapabilities()`. Policy shared by every engine: no transport here, and no browser API
 * is touched at import time (everything is looked up when asked).
 */
import { CallKitError, ErrorCode } from '../errors.js';

/** One requirement of a call, by the name a developer searches for. */
export type Requirement = 'RTCPeerConnection' | 'getUserMedia' | 'secure context' | 'WebSocket';

export interface Capabilities {
  /** `RTCPeerConnection` exists (WebRTC media). */
  peerConnection: boolean;
  /** `navigator.mediaDevices.getUserMedia` exists (camera and microphone capture). */
  getUserMedia: boolean;
  /** The page is a secure context (https or localhost): browsers allow capture only there. */
  secureContext: boolean;
  /** `WebSocket` exists (signaling). */
  webSocket: boolean;
  /** Everything above holds: this page can place and take calls. */
  canCall: boolean;
  /** What is missing, empty when {@link canCall}. */
  missing: Requirement[];
}

/** The capabilities of `scope` (default: this page). */
export function detectCapabilities(scope: object = globalThis): Capabilities {
  const g = scope as {
    RTCPeerConnection?: unknown;
    WebSocket?: unknown;
    isSecureContext?: boolean;
    navigator?: { mediaDevices?: { getUserMedia?: unknown } };
  };
  const peerConnection = typeof g.RTCPeerConnection === 'function';
  const getUserMedia = typeof g.navigator?.mediaDevices?.getUserMedia === 'function';
  // Outside a browser (no `isSecureContext` at all) there is no origin to judge.
  const secureContext = g.isSecureContext !== false;
  const webSocket = typeof g.WebSocket === 'function';
  const missing: Requirement[] = [];
  if (!peerConnection) missing.push('RTCPeerConnection');
  if (!getUserMedia) missing.push('getUserMedia');
  if (!secureContext) missing.push('secure context');
  if (!webSocket) missing.push('WebSocket');
  return { peerConnection, getUserMedia, secureContext, webSocket, canCall: missing.length === 0, missing };
}

/** The `unsupported-browser` error for `capabilities` (its message names what is missing). */
export function unsupportedBrowser(capabilities: Capabilities): CallKitError {
  return new CallKitError(
    ErrorCode.UNSUPPORTED_BROWSER,
    `this browser cannot carry calls: missing ${capabilities.missing.join(', ')}`,
    'unsupported-browser',
  );
}
