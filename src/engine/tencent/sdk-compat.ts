/**
 * Compile-time proof that the real SDKs satisfy `sdk-types.ts` (type-only: this module emits no
 * code and is imported by nothing). `tsc` fails here when an SDK upgrade changes a call, an event
 * payload or a constant the engine relies on.
 *
 * Not checked structurally: the members whose parameters use trtc-sdk-v5's `const enum
 * TRTCStreamType` (`'main' | 'sub'` at runtime; a string literal is not assignable to a const
 * enum type) and the plugin members (overloaded generics over a union of plugin classes); their
 * parameters and results are checked one by one below.
 */
import type TRTC from 'trtc-sdk-v5';
import type {
  TRTCEventTypes,
  TRTCEvent,
  VirtualBackgroundOptions as SdkVirtualBackgroundOptions,
  UpdateVirtualBackgroundOptions,
} from 'trtc-sdk-v5';
import type { VirtualBackground } from 'trtc-sdk-v5/plugins/video-effect/virtual-background';
import type TencentCloudChat from '@tencentcloud/chat';
import type { ChatSDK } from '@tencentcloud/chat';
import type {
  ChatEventName,
  ChatLike,
  ChatModuleLike,
  ChatTypes,
  TRTCEventName,
  TRTCEventPayloads,
  TRTCLike,
  TRTCModuleLike,
  TRTCPluginLike,
  TSignaling,
  VirtualBackgroundOptions,
} from './sdk-types.js';

type Assert<T extends U, U> = T;
type Instance = ReturnType<typeof TRTC.create>;
type StreamTyped =
  | 'startRemoteVideo'
  | 'stopRemoteVideo'
  | 'getAudioTrack'
  | 'getVideoTrack'
  | 'on'
  | 'off'
  | 'use'
  | 'startPlugin'
  | 'updatePlugin'
  | 'stopPlugin';

export type TRTCInstanceCompat = Assert<Instance, Omit<TRTCLike, StreamTyped>>;
export type TRTCStaticsCompat = Assert<Pick<typeof TRTC, Exclude<keyof TRTCModuleLike, 'create'>>, Omit<TRTCModuleLike, 'create'>>;
export type TRTCEventPayloadCompat = Assert<{ [K in keyof TRTCEventPayloads]: TRTCEventTypes[K][0] }, TRTCEventPayloads>;
export type TRTCEventNameCompat = Assert<Pick<typeof TRTCEvent, keyof typeof TRTCEventName>, typeof TRTCEventName>;
export type TRTCStartRemoteVideoCompat = Assert<
  Omit<Parameters<TRTCLike['startRemoteVideo']>[0], 'streamType'>,
  Omit<Parameters<Instance['startRemoteVideo']>[0], 'streamType'>
>;
export type TRTCStopRemoteVideoCompat = Assert<
  Omit<Parameters<TRTCLike['stopRemoteVideo']>[0], 'streamType'>,
  Omit<Parameters<Instance['stopRemoteVideo']>[0], 'streamType'>
>;
export type TRTCVideoTrackParamCompat = Assert<
  Omit<NonNullable<Parameters<TRTCLike['getVideoTrack']>[0]>, 'streamType'>,
  Omit<NonNullable<Parameters<Instance['getVideoTrack']>[0]>, 'streamType'>
>;
export type VirtualBackgroundClassCompat = Assert<typeof VirtualBackground, TRTCPluginLike>;
export type TRTCUseCompat = Assert<{ plugin: typeof VirtualBackground; assetsPath: string }, Parameters<Instance['use']>[0]>;
export type VirtualBackgroundStartCompat = Assert<VirtualBackgroundOptions, SdkVirtualBackgroundOptions>;
export type VirtualBackgroundUpdateCompat = Assert<Parameters<TRTCLike['updatePlugin']>[1], UpdateVirtualBackgroundOptions>;
export type TRTCPluginMethodsCompat = Assert<
  Pick<Instance, 'startPlugin' | 'updatePlugin' | 'stopPlugin'>,
  { [K in 'startPlugin' | 'updatePlugin' | 'stopPlugin']: (...args: never[]) => Promise<unknown> }
>;
export type TRTCTrackCompat = Assert<
  ReturnType<Instance['getAudioTrack']> | ReturnType<Instance['getVideoTrack']>,
  ReturnType<TRTCLike['getAudioTrack']>
>;

export type ChatInstanceCompat = Assert<ChatSDK, ChatLike>;
export type ChatModuleCompat = Assert<Pick<typeof TencentCloudChat, 'create'>, ChatModuleLike>;
export type ChatEventCompat = Assert<Pick<typeof TencentCloudChat.EVENT, keyof typeof ChatEventName>, typeof ChatEventName>;
export type ChatTypesCompat = Assert<Pick<typeof TencentCloudChat.TYPES, keyof typeof ChatTypes>, typeof ChatTypes>;
export type ChatSignalingCompat = Assert<Pick<typeof TencentCloudChat.TSignaling, keyof typeof TSignaling>, typeof TSignaling>;
