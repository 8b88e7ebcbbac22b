import type { Capabilities } from '../../src/engine/capabilities.js';

/** Node has no RTCPeerConnection: engines in Node tests are told this host can call (only signaling is used). */
export const CAN_CALL: Capabilities = {
  peerConnection: true,
  getUserMedia: true,
  secureContext: true,
  webSocket: true,
  codecs: null,
  canCall: true,
  canVideo: true,
  missing: [],
};
