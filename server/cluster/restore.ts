/**
 * A new cluster leader takes over (docs/multi-node.md): the calls the old leader stored in Redis
 * and the sockets the live nodes hold. Ring timers resume with the time left; an accepted member
 * whose call socket is not among the live sockets (it was on a node that died) gets the grace
 * period, as if its socket had just closed, so it can `resume` through any node.
 */
import type { CallRec, ConnId, IncomingFlags, MemberRec, ProfileFields } from '../call-model.js';
import type { Presence } from '../presence.js';
import type { OperatorProfile } from '../profiles.js';

/** A logged-in socket of a live node, as that node stored it. */
export interface RestoredConn {
  conn: ConnId;
  userId: string;
  profile: ProfileFields;
  flags: IncomingFlags;
  signed?: OperatorProfile;
}

/** What the take-over needs from the registry. */
export interface RestoreHost {
  readonly presence: Presence;
  call(callId: string): CallRec | undefined;
  adopt(call: CallRec): void;
  armRing(call: CallRec, member: MemberRec, ms?: number): void;
  /** The member's call socket is gone (grace period, or a cancel for an unanswered caller). */
  lostSocket(call: CallRec, member: MemberRec): void;
}

export function restoreState(h: RestoreHost, calls: readonly CallRec[], conns: readonly RestoredConn[], now: number): void {
  for (const c of conns) {
    const user = h.presence.addConn(c.conn, c.userId, c.flags);
    if (c.signed) user.signed = c.signed;
    h.presence.updateProfile(user, c.profile);
  }
  const lost: [CallRec, MemberRec][] = [];
  for (const call of calls) {
    h.adopt(call);
    for (const m of call.members.values()) {
      if (m.state !== 'ringing' && m.state !== 'accepted') continue;
      h.presence.addUserCall(m.userId, call.callId);
      if (m.state === 'ringing') h.armRing(call, m, Math.max(0, (m.ringDeadline ?? now) - now));
      else if (m.conn === undefined || h.presence.userOf(m.conn) !== m.userId) lost.push([call, m]);
    }
  }
  for (const [call, m] of lost) {
    if (h.call(call.callId) === call && m.state === 'accepted') h.lostSocket(call, m);
  }
}
