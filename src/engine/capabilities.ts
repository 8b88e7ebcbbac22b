/**
 * What a page needs to carry a call, checked by the engines at `login` and exposed as
 * `callKit.getCapabilities()`. Policy shared by every engine: no transport here, and no browser API
 * is touched at import time (everything is looked up when asked).
 */
import { CallKitError, ErrorCode } from '../errors.js';

/** One requirement of a call, by the name a developer searches for. */
export type Requirement = 'RTCPeerConnection' | 'getUserMedia' | 'secure context' | 'WebSocket' | 'opus';

/** The codecs a call can use, each one that this page can both send and receive. */
export interface Codecs {
  /** Audio of every call. */
  opus: boolean;
  /** Video (either of the two does). */
  vp8: boolean;
  h264: boolean;
}

export interface Capabilities {
  /** `RTCPeerConnection` exists (WebRTC media). */
  peerConnection: boolean;
  /** `navigator.mediaDevices.getUserMedia` exists (camera and microphone capture). */
  getUserMedia: boolean;
  /** The page is a secure context (https or localhost): browsers allow capture only there. */
  secureContext: boolean;
  /** `WebSocket` exists (signaling). */
  webSocket: boolean;
  /**
   * The codecs this page can send and receive (`RTCRtpSender` / `RTCRtpReceiver.getCapabilities`),
   * or null when the browser cannot list them (then they are assumed present).
   */
  codecs: Codecs | null;
  /** Everything above holds (opus included): this page can place and take calls. */
  canCall: boolean;
  /** {@link canCall} and VP8 or H264 both ways: video calls too (else video calls are taken audio-only). */
  canVideo: boolean;
  /** What is missing, empty when {@link canCall}. */
  missing: Requirement[];
}

type RtpCapabilitiesSource = { getCapabilities?: (kind: string) => { codecs?: { mimeType?: string }[] } | null };

/** Mime types (lower case) `source` lists for `kind`, or null when it cannot list them. */
function mimeTypes(source: RtpCapabilitiesSource | undefined, kind: 'audio' | 'video'): Set<string> | null {
  if (typeof source?.getCapabilities !== 'function') return null;
  let listed: { codecs?: { mimeType?: string }[] } | null;
  try {
    listed = source.getCapabilities(kind);
  } catch {
    return null;
  }
  if (!listed || !Array.isArray(listed.codecs)) return null;
  return new Set(listed.codecs.map((c) => String(c.mimeType ?? '').toLowerCase()));
}

/** The call codecs both `sender` and `receiver` list, or null when either cannot say. */
function detectCodecs(sender: RtpCapabilitiesSource | undefined, receiver: RtpCapabilitiesSource | undefined): Codecs | null {
  const sets = [mimeTypes(sender, 'audio'), mimeTypes(receiver, 'audio'), mimeTypes(sender, 'video'), mimeTypes(receiver, 'video')];
  if (sets.some((set) => set === null)) return null;
  const [sendAudio, receiveAudio, sendVideo, receiveVideo] = sets as Set<string>[];
  const both = (send: Set<string>, receive: Set<string>, mime: string) => send.has(mime) && receive.has(mime);
  return {
    opus: both(sendAudio, receiveAudio, 'audio/opus'),
    vp8: both(sendVideo, receiveVideo, 'video/vp8'),
    h264: both(sendVideo, receiveVideo, 'video/h264'),
  };
}

/** The capabilities of `scope` (default: this page). */
export function detectCapabilities(scope: object = globalThis): Capabilities {
  const g = scope as {
    RTCPeerConnection?: unknown;
    WebSocket?: unknown;
    isSecureContext?: boolean;
    navigator?: { mediaDevices?: { getUserMedia?: unknown } };
    RTCRtpSender?: RtpCapabilitiesSource;
    RTCRtpReceiver?: RtpCapabilitiesSource;
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
  const codecs = peerConnection ? detectCodecs(g.RTCRtpSender, g.RTCRtpReceiver) : null;
  if (codecs && !codecs.opus) missing.push('opus');
  const canCall = missing.length === 0;
  const canVideo = canCall && (!codecs || codecs.vp8 || codecs.h264);
  return { peerConnection, getUserMedia, secureContext, webSocket, codecs, canCall, canVideo, missing };
}

/** The `unsupported-browser` error for `capabilities` (its message names what is missing). */
export function unsupportedBrowser(capabilities: Capabilities): CallKitError {
  return new CallKitError(
    ErrorCode.UNSUPPORTED_BROWSER,
    `this browser cannot carry calls: missing ${capabilities.missing.join(', ')}`,
    'unsupported-browser',
  );
}

/** The `unsupported-video` error: this page can call, but cannot send and receive VP8 or H264. */
export function unsupportedVideo(): CallKitError {
  return new CallKitError(
    ErrorCode.UNSUPPORTED_BROWSER,
    'this browser cannot send and receive VP8 or H264 video: place an audio call',
    'unsupported-video',
  );
}
