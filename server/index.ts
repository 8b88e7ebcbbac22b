/** Public API of `callkit-server` (also mounted by the Vite dev server in `vite.config.ts`). */
export { createSignalingServer, startSignalingServer, MIN_SECRET_BYTES, DEV_USERSIG_EXPIRE_S } from './server.js';
export type { SignalingServer, SignalingServerOptions, RateLimitOptions, Logger } from './server.js';
export { CallRegistry } from './registry.js';
export type { ConnId, RegistryOptions, Scheduler, OutgoingServerMessage } from './registry.js';
export { genUserSig, verifyUserSig } from './usersig.js';
export type { GenUserSigOptions, VerifyUserSigOptions, VerifyUserSigResult, UserSigFailure } from './usersig.js';
