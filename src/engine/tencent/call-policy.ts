/**
 * The Tencent engine's call policy, each rule in one place: end reasons, member gone -> event, and
 * which invitation may ring. These are policy, not transport: the webrtc and simulated engines
 * follow the same rules: end reasons and the member-gone mapping come from `src/engine/end-reasons.ts`;
 * the ringing rule stays here while this engine rings one call at a time (the shared
 * `src/engine/ringing-queue.ts` with `maxRinging: 1` is where it goes when Tencent calls may ring together).
 */
import { CallMediaType } from '../../constants.js';
import { memberGoneEvent as sharedMemberGoneEvent, type MemberGoneEvent as SharedMemberGoneEvent } from '../end-reasons.js';
import type { EndCause } from '../types.js';
import { sameRoom, type ActiveCall } from './call-model.js';
import type { ParsedCallPayload } from './wire.js';

// ---- end reasons, member gone -> event: the shared tables (src/engine/end-reasons.ts) -------------

export { END_REASON } from '../end-reasons.js';

export type MemberGoneEvent = SharedMemberGoneEvent | 'onUserLeave';

/**
 * The event telling the others why a remote member is out of the call: the shared mapping
 * (declined, busy, no answer or unreachable), else `onUserLeave` for a member who was connected.
 */
export function memberGoneEvent(cause: EndCause, connected: boolean): MemberGoneEvent | null {
  return sharedMemberGoneEvent(cause) ?? (connected ? 'onUserLeave' : null);
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
