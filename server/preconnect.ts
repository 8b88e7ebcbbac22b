/**
 * Pre-connect while ringing (issue 18): the `pre-connect` message between the caller of a 1v1 call
 * and its ringing invitee, and what the server tells both when the invitee accepts. The rules are in
 * `src/protocol/preconnect.ts`; the registry calls these with itself as the {@link GroupHost}.
 */
import type { ClientMessage } from '../src/protocol/messages.js';
import type { CallRec, ConnId, MemberRec } from './call-model.js';
import type { GroupHost } from './group-requests.js';

type Req = Extract<ClientMessage, { type: 'pre-connect' }>;

/** `pre-connect`: forwards a description, candidate or `close` between the caller and the ringing invitee. */
export function preconnect(h: GroupHost, conn: ConnId, me: string, msg: Req): void {
  const call = h.call(msg.callId);
  const member = call?.members.get(me);
  const other = call?.members.get(msg.to);
  // Group calls never pre-connect; to them this call does not exist for the purpose (no probing).
  if (!call || !member || !other || other === member || call.members.size !== 2) return h.out.notFound(conn, msg.id);
  const forward = (to: ConnId) => h.send(to, { type: 'pre-connect', callId: call.callId, from: me, data: msg.data });
  if (me === call.callerId) {
    if (member.conn !== conn) return h.out.notFound(conn, msg.id);
    const bound = other.preconnect;
    if (other.state !== 'ringing' || bound === undefined) {
      return h.out.error(conn, msg.id, 'invalid-state', `${msg.to} is not pre-connecting`, 'to');
    }
    if (msg.data.kind === 'close') other.preconnect = undefined;
    return forward(bound);
  }
  if (member.state !== 'ringing') return h.out.error(conn, msg.id, 'invalid-state', 'only a ringing invitee pre-connects');
  if (member.preconnect !== undefined && member.preconnect !== conn) {
    return h.out.error(conn, msg.id, 'invalid-state', 'another tab of yours pre-connects this call');
  }
  if (other.state !== 'accepted' || other.conn === undefined)
    return h.out.error(conn, msg.id, 'not-in-call', 'the caller is not reachable', 'to');
  member.preconnect = msg.data.kind === 'close' ? undefined : conn;
  forward(other.conn);
}

/**
 * `member` accepted on `conn` (called before `call-started` and the `member-state` pushes): when it
 * was pre-connecting, both sides hear `adopt` (the accepting socket is the pre-connected one) or the
 * caller hears `close` (another tab answered: the caller drops its pre-connected peer).
 */
export function preconnectAccepted(h: GroupHost, call: CallRec, member: MemberRec, conn: ConnId): void {
  const bound = member.preconnect;
  if (bound === undefined) return;
  member.preconnect = undefined;
  const caller = call.members.get(call.callerId);
  const adopt = bound === conn && call.members.size === 2;
  if (caller?.conn !== undefined) {
    h.send(caller.conn, { type: 'pre-connect', callId: call.callId, from: member.userId, data: { kind: adopt ? 'adopt' : 'close' } });
  }
  if (adopt) h.send(conn, { type: 'pre-connect', callId: call.callId, from: call.callerId, data: { kind: 'adopt' } });
}
