/**
 * What the call registry says to whom: the `incoming` and `member-state` pushes and the answers to
 * requests (`ok`, typed errors). It decides the recipients (a bound member on its call socket, a
 * ringing one on every tab) from the call records and {@link Presence}; it changes no state.
 */
import type { ErrorCode } from '../src/protocol/messages.js';
import { memberList, profileOf, view } from './call-model.js';
import type { CallRec, ConnId, MemberRec, OutgoingServerMessage } from './call-model.js';
import type { Presence } from './presence.js';

export class CallMessages {
  constructor(
    private readonly send: (conn: ConnId, message: OutgoingServerMessage) => void,
    private readonly presence: Presence,
    /** Self-declared avatars go to ringing callees too (see the protocol header, "Identity"). */
    private readonly avatarsBeforeAnswer = false,
  ) {}

  /** `incoming` to one socket of a ringing invitee; `timeout` is the ring time left, in seconds. */
  incoming(call: CallRec, conn: ConnId, remainingS: number): void {
    const invitedBy = call.members.get(this.presence.userOf(conn) ?? '')?.invitedBy;
    const caller = call.members.get(invitedBy ?? call.callerId);
    const message: OutgoingServerMessage = {
      type: 'incoming',
      callId: call.callId,
      caller: profileOf(caller ?? { userId: call.callerId }, this.avatarsBeforeAnswer),
      mediaType: call.mediaType,
      members: memberList(call, { avatarsBeforeAnswer: this.avatarsBeforeAnswer }),
      timeout: Math.round(remainingS * 1000) / 1000,
    };
    if (call.userData !== undefined) message.userData = call.userData;
    if (call.groupId !== undefined) message.groupId = call.groupId;
    this.send(conn, message);
  }

  /** Tells every other live member about `member`: accepted ones on their call socket, ringing ones on every tab. */
  notifyOthers(call: CallRec, member: MemberRec): void {
    const message: OutgoingServerMessage = { type: 'member-state', callId: call.callId, member: view(member) };
    const toRinging: OutgoingServerMessage = {
      type: 'member-state',
      callId: call.callId,
      member: view(member, { avatarsBeforeAnswer: this.avatarsBeforeAnswer }),
    };
    for (const m of call.members.values()) {
      if (m === member) continue;
      if (m.state === 'accepted' && m.conn !== undefined) this.send(m.conn, message);
      else if (m.state === 'ringing') for (const c of this.presence.connsOf(m.userId)) this.send(c, toRinging);
    }
  }

  ok(conn: ConnId, ref: string | undefined): void {
    this.send(conn, { type: 'ok', ref });
  }

  /** The one answer for unknown, ended and other people's calls, so ids cannot be probed. */
  notFound(conn: ConnId, ref: string | undefined): void {
    this.error(conn, ref, 'call-not-found', 'no such call');
  }

  /** `accept` / `reject` of a call the member no longer rings for. */
  answered(conn: ConnId, ref: string | undefined, member: MemberRec): void {
    if (member.state === 'accepted' || member.state === 'rejected' || member.state === 'busy') {
      this.error(conn, ref, 'already-answered', `you already answered this call (${member.state})`);
    } else {
      this.error(conn, ref, 'invalid-state', `you can no longer answer this call (${member.state})`);
    }
  }

  error(conn: ConnId, ref: string | undefined, code: ErrorCode, message: string, field?: string): void {
    const out: OutgoingServerMessage = { type: 'error', ref, code, message };
    if (field !== undefined) out.field = field;
    this.send(conn, out);
  }
}
