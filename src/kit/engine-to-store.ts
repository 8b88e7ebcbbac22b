/**
 * Engine events → store: the only writer of engine facts (who rings, who joined, whose media,
 * how a call ended). Each `engine.on(...)` handler below turns one engine event into store actions
 * (and, where the host must hear of it, a kit event or callback). A new engine event gets its
 * handler here. The facade (`call-kit-api.ts`) writes only what the user asked for (answering,
 * own media, settings); side effects of the resulting state live in `kit-effects.ts`.
 */
import { CallMediaType, CallRole, CallStatus } from '../constants.js';
import type { CallEngine, CallEngineEvents, EndCause } from '../engine/types.js';
import { ErrorCode } from '../errors.js';
import type { CallStore } from '../store/store.js';
import { isRingingForMe } from '../store/selectors.js';
import type { IncomingCall, Message } from '../store/types.js';
import type { KitHost, ToastType } from './kit-effects.js';
import type { KitEventMap } from './types.js';

/** What the engine handlers need from the facade besides the store. */
export interface EngineToStoreHost extends KitHost {
  toast(message: Message, type: ToastType): void;
  /** Reads the device list again into the store (labels are known once capture was allowed). */
  refreshDevices(): void;
}

type UserEventType = Extract<keyof KitEventMap, `ck-user-${string}`>;
type On = <K extends keyof CallEngineEvents>(event: K, fn: (payload: CallEngineEvents[K]) => void) => void;
type Dispatch = CallStore['dispatch'];

/** The incoming-list entry of an `onCallReceived` event. */
export function incomingOf(e: CallEngineEvents['onCallReceived']): IncomingCall {
  const others = e.members.filter((m) => m.userId !== e.caller.userId);
  return {
    callId: e.callId,
    callerId: e.caller.userId,
    callerName: e.caller.name ?? '',
    callerAvatar: e.caller.avatar ?? '',
    ...(e.caller.nameSource ? { callerNameSource: e.caller.nameSource } : {}),
    mediaType: e.mediaType,
    groupId: e.groupID ?? '',
    isGroup: Boolean(e.groupID) || others.length > 1,
    ...(e.userData !== undefined ? { userData: e.userData } : {}),
    members: [{ ...e.caller, status: 'accepted' }, ...others],
    receivedAt: Date.now(),
  };
}

/** The toast of a call that ended for a cause other than ours (`timeout` depends on the role). */
const END_KEYS: Partial<Record<EndCause, string>> = {
  rejected: 'other-side-reject-call',
  busy: 'other-side-line-busy',
  unavailable: 'user-unavailable',
  cancelled: 'other-side-cancelled',
  'answered-elsewhere': 'answered-elsewhere',
  'rejected-elsewhere': 'rejected-elsewhere',
  glare: 'glare',
  disconnected: 'disconnected',
  network: 'network-unsupported',
  unsupported: 'other-side-unsupported',
  'not-allowed': 'call-not-allowed',
  hangup: 'other-side-hangup',
  'ended-by-admin': 'ended-by-admin',
  'max-duration': 'max-duration',
};

/** The toast for an error of `code`: an i18n key, never the error's own (technical) message. */
const ERROR_KEYS: Partial<Record<number, string>> = {
  [ErrorCode.UNSUPPORTED_BROWSER]: 'browser-unsupported',
  [ErrorCode.NOT_SUPPORTED_WEBRTC]: 'browser-unsupported',
  [ErrorCode.CONNECTION_FAILED]: 'connection-failed',
  [ErrorCode.ALREADY_IN_CALL]: 'already-in-call',
  [ErrorCode.SELF_CALL]: 'self-call',
  [ErrorCode.CAMERA_NOT_AUTHORIZED]: 'no-camera-access',
  [ErrorCode.MICROPHONE_NOT_AUTHORIZED]: 'no-microphone-access',
  [ErrorCode.PERMISSION_DENIED]: 'device-error',
  [ErrorCode.CAMERA_START_FAILED]: 'device-error',
  [ErrorCode.MICROPHONE_START_FAILED]: 'device-error',
  [ErrorCode.CAMERA_DEVICE_EMPTY]: 'device-error',
  [ErrorCode.MICROPHONE_DEVICE_EMPTY]: 'device-error',
  [ErrorCode.CAMERA_UNAVAILABLE]: 'device-error',
  [ErrorCode.MICROPHONE_UNAVAILABLE]: 'device-error',
};

/**
 * The toast a user reads for an error with `code` (`call-error` when nothing more precise fits;
 * `video-unsupported` for the reason `unsupported-video`).
 * The technical detail goes to the `ck-error` event, the thrown error and the console instead.
 */
export function errorMessage(code: number, reason?: string): Message {
  if (reason === 'unsupported-video') return { key: 'video-unsupported' };
  // The engine could not load a chunk of its code (media-half.ts): the same words as the call view's.
  if (reason === 'chunk-load-failed') return { key: 'load-failed' };
  return { key: ERROR_KEYS[code] ?? 'call-error' };
}

/** Toast key for the end of a call, from the point of view of the one it ended for. */
export function endMessage(cause: EndCause, role: CallRole, byMe: boolean, note?: string): Message | null {
  if (byMe) return null;
  if (cause === 'ended-by-admin' && note) return { key: 'ended-by-admin-message', params: { message: note } };
  if (cause === 'timeout') return { key: role === CallRole.CALLEE ? 'call-ended' : 'call-timeout' };
  return { key: (Object.hasOwn(END_KEYS, cause) && END_KEYS[cause]) || 'call-ended' };
}

export class EngineToStore {
  readonly #store: CallStore;
  readonly #host: EngineToStoreHost;
  /** The call about to end was ended by us (hang up, decline): no "the other side ..." toast. */
  #endedByMe = false;

  constructor(store: CallStore, host: EngineToStoreHost) {
    this.#store = store;
    this.#host = host;
  }

  /** The next call end is ours (the facade is hanging up or declining). */
  endingByMe(): void {
    this.#endedByMe = true;
  }

  /** Makes the ringing invitation `entry` the current call in the store (status calling, role callee). */
  ringAs(entry: IncomingCall): void {
    this.#endedByMe = false;
    this.#store.dispatch({
      type: 'call-start',
      role: CallRole.CALLEE,
      callId: entry.callId,
      mediaType: entry.mediaType,
      callerId: entry.callerId,
      groupId: entry.groupId || undefined,
      members: entry.members,
      userData: entry.userData,
    });
    this.#store.dispatch({
      type: 'tip',
      tip: { key: entry.mediaType === CallMediaType.VIDEO ? 'callee-calling-video-message' : 'callee-calling-audio-message' },
    });
  }

  /** Listens to `engine`; returns what stops listening. */
  bind(engine: CallEngine): () => void {
    const offs: (() => void)[] = [];
    const on: On = (event, fn) => offs.push(engine.on(event, fn));
    const d: Dispatch = (action) => this.#store.dispatch(action);
    // A new engine event gets its handler in one of these.
    this.#bindCall(on, d);
    this.#bindMembers(on, d);
    this.#bindMedia(on, d);
    this.#bindConnection(on, d);
    return () => {
      for (const off of offs.splice(0)) off();
    };
  }

  /** Invitations and the current call's life: received, started, begun, ended. */
  #bindCall(on: On, d: Dispatch): void {
    on('onCallReceived', (e) => {
      // As TUICallKit: before placing a call and before an invitation rings.
      this.#host.callbacks().beforeCalling?.(e.mediaType);
      const entry = incomingOf(e);
      d({ type: 'incoming-add', call: entry });
      // A concurrent invitation rings alongside the current call (banner only).
      if (!e.concurrent) this.ringAs(entry);
    });
    on('onIncomingWithdrawn', (e) => d({ type: 'incoming-remove', callId: e.callId }));
    on('onCallStarted', (e) => {
      this.#endedByMe = false;
      if (e.role === CallRole.CALLEE) {
        // We joined a running call: it is a group call from the start, connecting until onCallBegin.
        d({
          type: 'call-start',
          role: CallRole.CALLEE,
          callId: e.callId,
          mediaType: e.mediaType,
          callerId: '',
          groupId: e.groupID,
          members: e.members,
        });
        d({ type: 'call-connecting' });
        return;
      }
      d({
        type: 'call-start',
        role: CallRole.CALLER,
        callId: e.callId,
        mediaType: e.mediaType,
        callerId: this.#store.getState().self.userId,
        members: e.members,
      });
      d({ type: 'tip', tip: { key: e.members.length > 1 ? 'wait-to-be-called' : 'caller-calling-message' } });
    });
    on('onCallBegin', (e) => {
      // The media type the call begins with (audio when a video call was answered audio-only).
      d({ type: 'media-type', mediaType: e.mediaType });
      d({ type: 'incoming-remove', callId: e.callId });
      d({ type: 'answering', callId: '' });
      d({ type: 'call-connected' });
    });
    on('onCallEnd', (e) => {
      const state = this.#store.getState();
      const message = endMessage(e.cause, state.role, this.#endedByMe, e.message);
      this.#endedByMe = false;
      d({ type: 'call-reset' });
      d({ type: 'incoming-remove', callId: e.callId });
      if (this.#store.getState().answering === e.callId) d({ type: 'answering', callId: '' });
      if (message) this.#host.toast(message, e.cause === 'hangup' ? 'info' : 'warn');
      this.#host.emit('ck-call-ended', { callId: e.callId, reason: e.reason, cause: e.cause, totalTime: e.totalTime });
      // As TUICallKit: after the call ended (not when it connected).
      this.#host.callbacks().afterCalling?.();
    });
    // The engine's ringing queue made a pending invitation the current call (src/engine/ringing-queue.ts).
    on('onIncomingPromoted', (e) => {
      const state = this.#store.getState();
      const entry = state.incoming.find((c) => c.callId === e.callId);
      // accept({ callId }) already made it current before the engine says so.
      if (entry && !(isRingingForMe(state) && state.callId === e.callId)) this.ringAs(entry);
    });
  }

  /** Remote members: invited, accepted, joined, gone, their profiles. */
  #bindMembers(on: On, d: Dispatch): void {
    on('onUserAccept', (e) => {
      d({ type: 'member-upsert', userId: e.userId, status: 'accepted' });
      this.#userEvent('ck-user-accepted', e.userId);
      // Someone answered our call: connecting until the engine's onCallBegin (media path up).
      const state = this.#store.getState();
      if (state.status === CallStatus.CALLING && state.role === CallRole.CALLER) d({ type: 'call-connecting' });
    });
    on('onUserJoin', (e) => {
      d({ type: 'member-upsert', userId: e.userId, status: 'accepted' });
      this.#userEvent('ck-user-joined', e.userId);
    });
    on('onUserInfo', (e) => d({ type: 'member-upsert', userId: e.userId, name: e.name, avatar: e.avatar }));
    on('onUserInvited', (e) => {
      d({ type: 'member-upsert', userId: e.userId, name: e.name, avatar: e.avatar, status: 'ringing' });
      this.#userEvent('ck-user-invited', e.userId);
    });
    on('onUserReject', (e) => this.#memberGone(e.userId, 'rejected', 'other-side-reject-call', 'ck-user-declined'));
    on('onUserLineBusy', (e) => this.#memberGone(e.userId, 'busy', 'other-side-line-busy', 'ck-user-busy'));
    on('onUserNoResponse', (e) => this.#memberGone(e.userId, 'no-response', 'call-timeout', 'ck-user-no-response'));
    on('onUserLeave', (e) => this.#memberGone(e.userId, 'left', 'other-side-hangup', 'ck-user-left'));
  }

  /** A per-member event for hosts (`ck-user-*`), about the current call. */
  #userEvent(type: UserEventType, userId: string): void {
    this.#host.emit(type, { callId: this.#store.getState().callId, userId });
  }

  /** Media: availability, volumes, network quality, streams, media type, devices. */
  #bindMedia(on: On, d: Dispatch): void {
    on('onUserVideoAvailable', (e) => d({ type: 'member-media', userId: e.userId, video: e.available }));
    on('onUserAudioAvailable', (e) => d({ type: 'member-media', userId: e.userId, audio: e.available }));
    on('onUserVoiceVolumeChanged', (e) => d({ type: 'volumes', volumes: e.volumes }));
    on('onUserNetworkQualityChanged', (e) => d({ type: 'network', qualities: e.qualities }));
    on('onUserReconnecting', (e) => d({ type: 'member-reconnecting', userId: e.userId, reconnecting: e.reconnecting }));
    on('onRemoteStream', (e) => d({ type: 'member-stream', userId: e.userId, stream: e.stream }));
    on('onLocalStream', (e) => {
      d({ type: 'self-media', stream: e.stream });
      // Capturing needed permission, so the device list (with labels) is now complete: the switch
      // camera button and the speaker-output list read it from the store.
      if (e.stream) this.#host.refreshDevices();
    });
    on('onCallMediaTypeChanged', (e) => d({ type: 'media-type', mediaType: e.mediaType }));
    this.#bindVideoRequests(on, d);
    on('onDeviceUpdated', (e) => d({ type: 'devices', devices: e.devices }));
  }

  /** Audio -> video requests: the call view's prompt (store), a toast when one fails, host events. */
  #bindVideoRequests(on: On, d: Dispatch): void {
    on('onVideoRequest', (e) => {
      d({ type: 'video-request', request: { userId: e.userId, direction: e.direction } });
      this.#host.emit('ck-video-request', { callId: this.#store.getState().callId, userId: e.userId, direction: e.direction });
    });
    on('onVideoRequestEnded', (e) => {
      const state = this.#store.getState();
      d({ type: 'video-request', request: null });
      const name = state.members.find((m) => m.userId === e.userId)?.name || e.userId;
      const key =
        e.direction === 'outgoing'
          ? e.outcome === 'declined' || e.outcome === 'timeout'
            ? `video-request-${e.outcome}`
            : ''
          : e.outcome === 'cancelled' || e.outcome === 'timeout'
            ? 'video-request-withdrawn'
            : '';
      if (key) this.#host.toast({ key, params: { name } }, 'info');
      this.#host.emit('ck-video-request-ended', { callId: state.callId, userId: e.userId, direction: e.direction, outcome: e.outcome });
    });
  }

  /** The signaling connection, being kicked out, errors. */
  #bindConnection(on: On, d: Dispatch): void {
    on('onConnectionStateChanged', (e) => {
      d({ type: 'connection', state: e.state });
      const state = this.#store.getState();
      if (e.state === 'reconnecting' && state.status !== CallStatus.IDLE) d({ type: 'tip', tip: { key: 'reconnecting' } });
      else if (e.state !== 'reconnecting' && state.tip?.key === 'reconnecting') d({ type: 'tip', tip: null });
    });
    on('onMissedCalls', (e) => {
      this.#host.callbacks().onMissedCalls?.(e.calls);
      this.#host.emit('ck-missed-calls', { calls: e.calls });
    });
    on('onPresenceChanged', (e) => {
      d({ type: 'presence', users: e.users });
      this.#host.callbacks().onPresenceChanged?.(e.users);
      this.#host.emit('ck-presence-changed', { users: e.users });
    });
    on('onAINoiseSuppressionChanged', (e) => {
      d({ type: 'settings', settings: { aiNoiseSuppression: e.enabled } });
      if (e.fallback === undefined) return;
      console.warn(`[callkit] AI noise suppression unavailable, the browser's noise suppression remains: ${e.fallback}`);
      this.#host.toast({ key: 'noise-suppression-fallback' }, 'warn');
    });
    on('onKickedOffline', (e) => {
      this.#host.callbacks().kickedOut?.(e.reason);
      this.#host.emit('ck-kicked-out', { reason: e.reason });
    });
    on('onError', (e) => {
      console.warn(`[callkit] engine error ${e.code}: ${e.message}`);
      if (this.#store.getState().connection === 'failed') this.#host.toast({ key: 'reconnect-failed' }, 'error');
      else this.#host.toast(errorMessage(e.code), 'error');
      this.#host.emit('ck-error', { code: e.code, message: e.message });
    });
  }

  /**
   * A remote member is out of the call: their status says why (`MemberView.status`; the call view
   * shows only accepted and ringing members) and a group call says it in a toast.
   */
  #memberGone(userId: string, status: 'rejected' | 'busy' | 'no-response' | 'left', key: string, event: UserEventType): void {
    const state = this.#store.getState();
    const gone = state.members.find((m) => m.userId === userId);
    this.#store.dispatch({ type: 'member-upsert', userId, status });
    if (state.isGroup && gone) this.#host.toast({ key: `${key}-group`, params: { name: gone.name || userId } }, 'info');
    this.#userEvent(event, userId);
  }
}
