/**
 * Policy shared by every engine (no transport here): how an engine-level {@link EndCause} reads as
 * TUICallKit's {@link CallEndReason}, and which member event a member's way out of a call raises.
 */
import { CallEndReason } from '../constants.js';
import type { CallEngineEvents, EndCause, MemberStatus } from './types.js';

/** The reason a call ended for us with `cause`, as TUICallKit names it. */
export const END_REASON: Readonly<Record<EndCause, CallEndReason>> = {
  hangup: CallEndReason.HANGUP,
  cancelled: CallEndReason.CANCELED,
  rejected: CallEndReason.REJECT,
  busy: CallEndReason.LINE_BUSY,
  timeout: CallEndReason.NO_RESPONSE,
  unavailable: CallEndReason.OFFLINE,
  'answered-elsewhere': CallEndReason.OTHER_DEVICE_ACCEPTED,
  'rejected-elsewhere': CallEndReason.OTHER_DEVICE_REJECT,
  glare: CallEndReason.END_BY_SERVER,
  disconnected: CallEndReason.UNKNOWN,
  network: CallEndReason.UNKNOWN,
  unsupported: CallEndReason.REJECT,
  'not-allowed': CallEndReason.END_BY_SERVER,
  ended: CallEndReason.END_BY_SERVER,
  'ended-by-admin': CallEndReason.END_BY_SERVER,
  'max-duration': CallEndReason.END_BY_SERVER,
  error: CallEndReason.UNKNOWN,
};

/**
 * {@link END_REASON}, told who decided the end: `server` when the signaling server ended the call
 * (its `call-ended` push, or its refusal to resume). The one difference: a call the server ended as
 * `disconnected` (it lost a member) is END_BY_SERVER, while our own lost connection is UNKNOWN.
 */
export function endReasonOf(cause: EndCause, decidedBy: 'local' | 'server' = 'local'): CallEndReason {
  if (decidedBy === 'server' && cause === 'disconnected') return CallEndReason.END_BY_SERVER;
  return END_REASON[cause] ?? CallEndReason.UNKNOWN;
}

/** The member events that say why an invitee is out of the call without having been in it. */
export type MemberGoneEvent = keyof Pick<CallEngineEvents, 'onUserLineBusy' | 'onUserReject' | 'onUserNoResponse'>;

/**
 * The event a member's way out raises: busy -> `onUserLineBusy`, declined -> `onUserReject`, no
 * answer or offline (`timeout`, `no-response`, `unavailable`) -> `onUserNoResponse`. Anything else
 * (left, cancelled, hung up...) is null: the engine decides (e.g. `onUserLeave` for a member who was in).
 * Takes a member state (the default engine's server pushes) or an end cause (the Tencent engine's).
 */
export function memberGoneEvent(why: MemberStatus | EndCause): MemberGoneEvent | null {
  switch (why) {
    case 'busy':
      return 'onUserLineBusy';
    case 'rejected':
      return 'onUserReject';
    case 'timeout':
    case 'no-response':
    case 'unavailable':
      return 'onUserNoResponse';
    default:
      return null;
  }
}
