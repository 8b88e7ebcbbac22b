/**
 * The Tencent engine's call policy, each rule in one place: end reasons, member gone -> event, and
 * which invitation may ring. These are policy, not transport: the webrtc and simulated engines
 * follow the same rules, and each section here is meant to be swapped for the shared module when
 * there is one (`src/engine/end-reasons.ts`, `src/engine/ringing-queue.ts`).
 */
import { CallEndReason, CallMediaType } from '../../constants.js';
import type { CallEngineEvents, EndCause } from '../types.js';
import { sameRoom, type ActiveCall } from './call-model.js';
import type { ParsedCallPayload } from './wire.js';

// ---- end reasons ---------------------------------------------------------------------------------

/** `onCallEnd.reason` (TUICallKit's) for each engine-level cause. */
export const END_REASON: Record<EndCause, CallEndReason> = {
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
  ended: CallEndReason.END_BY_SERVER,
  error: CallEndReason.UNKNOWN,
};

// ---- member gone -> event ------------------------------------------------------------------------

export type MemberGoneEvent = keyof Pick<CallEngineEvents, 'onUserLineBusy' | 'onUserReject' | 'onUserNoResponse' | 'onUserLeave'>;

/**
 * The event telling the others why a remote member is out of the call: declined, busy, no answer
 * (or unreachable), or left a call they were connected in (`connected`); none otherwise.
 */
export function memberGoneEvent(cause: EndCause, connected: boolean): MemberGoneEvent | null {
  switch (cause) {
    case 'busy':
      return 'onUserLineBusy';
    case 'rejected':
      return 'onUserReject';
    case 'timeout':
    case 'unavailable':
      return 'onUserNoResponse';
    default:
      return connected ? 'onUserLeave' : null;
  }
}

// ---- ringing: one call at a time -----------------------------------------------------------------

/**
 * What to do with a call invitation addressed to us. This engine rings for one call at a time:
 * - `known`: an invitation of the current call (ours, or the one we ring for): nothing to do;
 * - `here`: an invitation into the room of our connected call (another member's `inviteUser`):
 *   answered with an accept, we are already there;
 * - `busy`: any other invitation while a call exists: answered with a busy reject
 *   (`line_busy`), which the caller's engine reports as `onUserLineBusy`;
 * - `decline`: no call, but one we could never join (no room, unknown media): rejected so the
 *   caller is not left ringing;
 * - `ring`: becomes the current call and rings (`onCallReceived`).
 */
export type InvitationVerdict = 'known' | 'here' | 'busy' | 'decline' | 'ring';

export function invitationVerdict(current: ActiveCall | null, inviteID: string, payload: ParsedCallPayload): InvitationVerdict {
  if (current) {
    if (current.invites.has(inviteID)) return 'known';
    if (sameRoom(current.room, payload.room) && current.phase === 'connected') return 'here';
    return 'busy';
  }
  return payload.room === null || payload.mediaType === CallMediaType.UNKNOWN ? 'decline' : 'ring';
}
