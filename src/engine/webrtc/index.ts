/** The default engine: browser WebRTC + our signaling server. */
export { WebRTCEngine, type WebRTCEngineOptions } from './webrtc-engine.js';
export { SignalingClient, type SignalingClientOptions, type SocketConstructor } from './signaling-client.js';
export { Peer, qualityFrom, type NetworkQuality } from './peer.js';
export { LocalMedia, VolumeMeter, RESOLUTION_CONSTRAINTS, listDevices, mediaError } from './media.js';
