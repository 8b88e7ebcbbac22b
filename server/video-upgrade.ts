/**
 * `video-upgrade` (issue 17 item 1): a member of a 1v1 audio call asks to turn it into a video
 * call; the other member accepts or declines, the requester may withdraw. The server only keeps who
 * asked (`CallRec.videoRequest`) and relays each step to the other member; the rules are in
 * `src/protocol/video-upgrade.ts`.
 */
import type { ClientMessage } from '../src/protocol/messages.js';
import { liveCount } from './call-model.js';
import type { CallRec, ConnId, MemberRec, OutgoingServerMessage } from './call-model.js';
import type { CallMessages } from './call-messages.js';

type Req = Extract<ClientMessage, { type: 'video-upgrade' }>;

/** The call's other accepted member, when the call is 1v1 (two live members, both accepted). */
function peerOf(call: CallRec, me: string): MemberRec | undefined {
  if (liveCount(call) !== 2) return undefined;
  for (const m of call.members.values()) if (m.userId !== me && m.state === 'accepted') return m;
  return undefined;
}

/** What the request needs from the registry (its `GroupHost`, `group-requests.ts`). */
export interface UpgradeHost {
  readonly out: CallMessages;
  send(conn: ConnId, message: OutgoingServerMessage): void;
  find(conn: ConnId, me: string, callId: string): { call: CallRec; member: MemberRec } | undefined;
}

export function videoUpgrade(h: UpgradeHost, conn: ConnId, me: string, msg: Req): void {
  const found = h.find(conn, me, msg.callId);
  if (!found || found.member.state !== 'accepted' || found.member.conn !== conn) return h.out.notFound(conn, msg.id);
  const { call } = found;
  const peer = peerOf(call, me);
  const pending = call.videoRequest;
  switch (msg.action) {
    case 'request':
      if (!peer) return h.out.error(conn, msg.id, 'not-supported', 'switching to video is for 1v1 calls only');
      if (call.mediaType === 'video') return h.out.error(conn, msg.id, 'invalid-state', 'the call is a video call already');
      if (pending !== undefined) return h.out.error(conn, msg.id, 'invalid-state', 'a video request is pending');
      call.videoRequest = me;
      break;
    case 'accept':
    case 'decline':
      if (pending === undefined || pending === me) return h.out.error(conn, msg.id, 'invalid-state', 'no video request to answer');
      call.videoRequest = undefined;
      if (!peer) return h.out.error(conn, msg.id, 'not-supported', 'switching to video is for 1v1 calls only');
      if (msg.action === 'accept') call.mediaType = 'video';
      break;
    case 'cancel':
      if (pending !== me) return h.out.error(conn, msg.id, 'invalid-state', 'no video request of yours is pending');
      call.videoRequest = undefined;
      break;
  }
  if (peer?.conn !== undefined) h.send(peer.conn, { type: 'video-upgrade', callId: call.callId, from: me, action: msg.action });
  h.send(conn, { type: 'ok', ref: msg.id });
}
