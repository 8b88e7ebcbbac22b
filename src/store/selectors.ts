/**
 * Derived facts of the call state: pure functions over `CallState`, shared by the kit and the
 * elements so that a rule ("the call rings for me", "which banners show") is written once.
 * No DOM, no lit.
 */
import { CallMediaType, CallRole, CallStatus, LegacyStatus } from '../constants.js';
import type { CallState } from './types.js';

type StatusAndRole = Pick<CallState, 'status' | 'role'> & { readonly connecting?: boolean };

/** The current call rings for me: an invitation I have not answered yet. */
export function isRingingForMe(s: StatusAndRole): boolean {
  return s.status === CallStatus.CALLING && s.role === CallRole.CALLEE && !s.connecting;
}

/** I am setting up the current call (dialing: calling, not as the callee, nobody answered yet). */
export function isDialing(s: StatusAndRole): boolean {
  return s.status === CallStatus.CALLING && s.role !== CallRole.CALLEE && !s.connecting;
}

/** The current call was answered and its media path is being set up (not connected yet). */
export function isConnecting(s: StatusAndRole): boolean {
  return s.status === CallStatus.CALLING && s.connecting === true;
}

/** TUICallKit's legacy status string for a state. */
export function legacyStatus(state: CallState): LegacyStatus {
  if (state.status === CallStatus.IDLE) return LegacyStatus.IDLE;
  const video = state.mediaType === CallMediaType.VIDEO;
  if (state.status === CallStatus.CALLING) {
    if (state.role === CallRole.CALLEE) return LegacyStatus.BE_INVITED;
    return state.isGroup ? LegacyStatus.DIALING_GROUP : LegacyStatus.DIALING_C2C;
  }
  if (state.isGroup) return video ? LegacyStatus.CALLING_GROUP_VIDEO : LegacyStatus.CALLING_GROUP_AUDIO;
  return video ? LegacyStatus.CALLING_C2C_VIDEO : LegacyStatus.CALLING_C2C_AUDIO;
}

/** One ringing call as `<incoming-banner>` shows it. */
export interface BannerCall {
  readonly callId: string;
  readonly callerId: string;
  readonly name: string;
  readonly avatar: string;
  /** The name is the caller's own choice: show the user id beside it, marked as self-declared. */
  readonly selfDeclared: boolean;
  readonly video: boolean;
  /** We are in a call: this one waits, and is answered by "end and accept". */
  readonly waiting: boolean;
  /** Accepted, not yet connected: the banner says "connecting" and its buttons are disabled. */
  readonly connecting: boolean;
}

/** The ringing calls to show, oldest first (the newest is last), at most `max` of them. */
export function bannerCalls(s: CallState, max: number): readonly BannerCall[] {
  const ringingNow = isRingingForMe(s);
  const waiting = s.status !== CallStatus.IDLE && !ringingNow;
  const calls: BannerCall[] = s.incoming.map((c) => ({
    callId: c.callId,
    callerId: c.callerId,
    name: c.callerName || c.callerId,
    avatar: c.callerAvatar,
    selfDeclared: c.callerNameSource === 'self' && c.callerName !== '' && c.callerName !== c.callerId,
    video: c.mediaType === CallMediaType.VIDEO,
    waiting: waiting && c.callId !== s.callId,
    connecting: s.answering === c.callId,
  }));
  // A store fed without the incoming list (an app's own engine or an older one): the current call.
  if (ringingNow && !calls.some((c) => c.callId === s.callId)) {
    const caller = s.members.find((m) => m.userId === s.callerId);
    calls.unshift({
      callId: s.callId,
      callerId: s.callerId,
      name: caller?.name || s.callerId,
      avatar: caller?.avatar ?? '',
      selfDeclared: false,
      video: s.mediaType === CallMediaType.VIDEO,
      waiting: false,
      connecting: s.answering === s.callId,
    });
  }
  return calls.slice(-max);
}

/** Equality of two `bannerCalls` results (the banner re-renders only when one differs). */
export function sameBannerCalls(a: readonly BannerCall[], b: readonly BannerCall[]): boolean {
  return (
    a.length === b.length &&
    a.every((c, i) => {
      const d = b[i]!;
      return (
        c.callId === d.callId &&
        c.name === d.name &&
        c.avatar === d.avatar &&
        c.selfDeclared === d.selfDeclared &&
        c.video === d.video &&
        c.waiting === d.waiting &&
        c.connecting === d.connecting
      );
    })
  );
}
