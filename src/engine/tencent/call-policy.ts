/**
 * The Tencent engine's call policy: end reasons and member gone -> event, from the shared tables
 * (`src/engine/end-reasons.ts`) that the webrtc and simulated engines use too. Which invitation
 * rings is the shared ringing queue's (`src/engine/ringing-queue.ts`, `maxRinging: 1` here; see
 * `CallState.invitation`).
 */
import { memberGoneEvent as sharedMemberGoneEvent, type MemberGoneEvent as SharedMemberGoneEvent } from '../end-reasons.js';
import type { EndCause } from '../types.js';

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
