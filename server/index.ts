/** Public API of `callkit-server` (also mounted by the Vite dev server in `vite.config.ts`). */
export { createSignalingServer, startSignalingServer } from './server.js';
export type { SignalingServer } from './server.js';
export { MIN_SECRET_BYTES } from './options.js';
export type { SignalingServerOptions, RateLimitOptions, Logger, CallPolicyUrlOptions } from './options.js';
export { DEV_USERSIG_EXPIRE_S } from './http.js';
export { CallRegistry } from './registry.js';
export type { RegistryOptions } from './registry.js';
export type { ConnId, OutgoingServerMessage } from './call-model.js';
export type { Scheduler } from './call-timers.js';
export { genUserSig, verifyUserSig } from './usersig.js';
export type { GenUserSigOptions, VerifyUserSigOptions, VerifyUserSigResult, UserSigFailure } from './usersig.js';
export { loadCallPolicy, profileUserBuf } from './profiles.js';
export type { CallPolicy, OperatorProfile } from './profiles.js';
