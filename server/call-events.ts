/**
 * What the call registry tells observers (call records, webhooks, call limits: `records/`,
 * `admin/`): a call was placed, a member's state changed, a call ended. Observers are called
 * synchronously from the registry's transitions and must not throw or call back into it
 * synchronously (they queue their own work).
 */
import type { EndReason, Member } from '../src/protocol/messages.js';
import { memberList } from './call-model.js';
import type { CallRec, MemberRec } from './call-model.js';

/** A live call as the admin API lists it (`CallRegistry.activeCalls`). */
export interface ActiveCall {
  callId: string;
  callerId: string;
  mediaType: 'audio' | 'video';
  groupId?: string;
  members: Member[];
}

export interface CallObserver {
  /** A call was placed; its invitees hold their first states (ringing, busy, unavailable). */
  callCreated?(call: CallRec): void;
  /** A member's state changed (accepted, rejected, busy, no-response, left, or ringing again when re-invited). */
  memberChanged?(call: CallRec, member: MemberRec): void;
  /**
   * The call ended: `reason` is the one its remaining members were given; member states are final
   * (`left`, `cancelled` for those still ringing); `online` holds the members with a logged-in socket.
   */
  callEnded?(call: CallRec, reason: EndReason, online: ReadonlySet<string>): void;
}

/** One observer that calls several, each guarded: an observer that throws does not stop the others. */
export function fanOut(observers: readonly CallObserver[], onError: (err: unknown) => void): Required<CallObserver> {
  const each = (fn: (o: CallObserver) => void): void => {
    for (const o of observers) {
      try {
        fn(o);
      } catch (err) {
        onError(err);
      }
    }
  };
  return {
    callCreated: (call) => each((o) => o.callCreated?.(call)),
    memberChanged: (call, member) => each((o) => o.memberChanged?.(call, member)),
    callEnded: (call, reason, online) => each((o) => o.callEnded?.(call, reason, online)),
  };
}

/** A live call as the admin API lists it. */
export function activeCall(c: CallRec): ActiveCall {
  return {
    callId: c.callId,
    callerId: c.callerId,
    mediaType: c.mediaType,
    ...(c.groupId !== undefined ? { groupId: c.groupId } : {}),
    members: memberList(c),
  };
}
