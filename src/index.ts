/**
 * callkit-elements: the public API. Importing this module has no side effects (elements are
 * registered by `callkit-elements/define.js`) and touches no DOM, so it is safe in SSR.
 */
export { callKit, CallKit, KIT_EVENTS } from './kit/call-kit-api.js';
export type {
  AcceptOptions,
  CallsParams,
  InitParams,
  KitCallbacks,
  KitEventMap,
  StatusChangedDetail,
  UserEventDetail,
  CallEndedDetail,
} from './kit/call-kit-api.js';
export {
  CallMediaType,
  CallStatus,
  CallRole,
  LegacyStatus,
  CallEndReason,
  LayoutMode,
  VideoDisplayMode,
  VideoResolution,
  FeatureButton,
  MAX_PRESENCE_WATCH,
} from './constants.js';
export type { DeviceKind } from './constants.js';
export type { Capabilities, Requirement } from './engine/capabilities.js';
export type { CallRecord, CallRecordsPage, MemberOutcome, MissedCall, RecordMember } from './engine/types.js';
export { CallKitError, ErrorCode } from './errors.js';
export { loadLocale, registerLocale, registeredLocales } from './i18n/index.js';
export { registerIcons, ICON_NAMES } from './icon-registry.js';
export type { IconName } from './icon-registry.js';
export type { LocaleDictionary } from './i18n/index.js';
export { CallStore } from './store/store.js';
export { legacyStatus } from './store/selectors.js';
export { formatDuration } from './i18n/format.js';
export type { CallState, IncomingCall, MemberView, ReadonlyStore, Settings, Message, Toast, VideoRequest } from './store/types.js';
export { storeContext } from './elements/context.js';
export { StoreController } from './elements/store-controller.js';
export type {
  CallEngine,
  CallEngineEvents,
  EngineCallParams,
  EngineLoginParams,
  UserProfile,
  DeviceInfo,
  GroupCallInfo,
  MemberProfile,
  PresenceEntry,
  PresenceStatus,
} from './engine/types.js';
export { WebRTCEngine } from './engine/webrtc/index.js';
export * from './events/requests.js';
