/**
 * The Tencent Cloud engine (`@tencentcloud/chat` signaling + `trtc-sdk-v5` media) and the
 * TUICallKit "v2" wire codec. Import this module with `import()` so pages that never use it
 * download none of it:
 *
 * ```ts
 * const { TencentEngine } = await import('./engine/tencent/index.js');
 * await callKit.init({ SDKAppID, userID, userSig, engine: new TencentEngine({ assetsPath: '/trtc-assets' }) });
 * ```
 *
 * The SDKs themselves are optional peer dependencies, imported with `import()` on first use (chat
 * at login, TRTC at the first call, the virtual-background plugin at the first blur).
 * `genTestUserSig` lives in the separate dev-only entry `./dev-usersig.js` on purpose.
 */
export { TencentEngine } from './tencent-engine.js';
export type { TencentEngineOptions } from './tencent-engine.js';
export * from './wire.js';
export type {
  ChatLike,
  ChatModuleLike,
  ChatResponse,
  ChatEvent,
  OfflinePushInfo,
  TRTCLike,
  TRTCModuleLike,
  TRTCEventPayloads,
} from './sdk-types.js';
