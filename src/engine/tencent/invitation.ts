/**
 * The Tencent engine's incoming invitations as the shared ringing queue (`../ringing-queue.ts`)
 * holds them: what rings (`onCallReceived`) and the callee call an invitation becomes when it
 * rings as the current call. Plain data and pure functions; `call-state.ts` feeds the queue.
 */
import { CallRole } from '../../constants.js';
import type { RingingQueue } from '../ringing-queue.js';
import type { CallEngineEvents } from '../types.js';
import { newCall, newMember, type ActiveCall } from './call-model.js';
import type { InvitationReceived } from './sdk-types.js';
import type { ParsedCallPayload, RoomId } from './wire.js';

/** A chat invitation for us (call id: `initialCallId`, else the `inviteID`). */
export interface Invitation {
  callId: string;
  inv: InvitationReceived;
  payload: ParsedCallPayload;
  room: RoomId;
  inviteeList: string[];
  /** Everyone invited but the inviter (us included). */
  others: string[];
  /** Our user id when it came. */
  self: string;
}

export function toInvitation(inv: InvitationReceived, payload: ParsedCallPayload, inviteeList: string[], self: string): Invitation {
  return {
    // Invited into a running call (inviteUser): the call keeps its first invitation's id.
    callId: payload.initialCallId ?? inv.inviteID,
    inv,
    payload,
    room: payload.room ?? 0,
    inviteeList,
    others: [...new Set([...inviteeList, ...payload.userIDs])].filter((id) => id !== inv.inviter),
    self,
  };
}

/** The callee call `invitation` becomes when it rings as the current call. */
export function invitationCall(invitation: Invitation): ActiveCall {
  const { inv, payload } = invitation;
  const call = newCall({
    callId: invitation.callId,
    role: CallRole.CALLEE,
    phase: 'ringing',
    mediaType: payload.mediaType,
    room: invitation.room,
    groupID: typeof inv.groupID === 'string' ? inv.groupID : '',
    inviter: inv.inviter,
    userIDs: payload.userIDs.length ? payload.userIDs : invitation.inviteeList,
    invites: new Set([inv.inviteID]),
    incoming: inv,
    announced: true,
  });
  if (payload.userData !== undefined) call.userData = payload.userData;
  call.members.set(inv.inviter, newMember(inv.inviter, 'accepted'));
  // Invited into a running call: who else is in it shows in its room (v2 has no roster).
  if (payload.initialCallId) call.joined = true;
  for (const id of invitation.others) {
    if (id !== invitation.self) call.members.set(id, newMember(id, call.joined ? 'gone' : 'ringing'));
  }
  return call;
}

/** The `onCallReceived` payload of an invitation (the ringing queue's `describe`). */
export function invitationEvent(invitation: Invitation): CallEngineEvents['onCallReceived'] {
  const { inv, payload } = invitation;
  const event: CallEngineEvents['onCallReceived'] = {
    callId: invitation.callId,
    caller: { userId: inv.inviter },
    calleeIdList: invitation.others,
    members: [inv.inviter, ...invitation.others].map((userId) => ({ userId })),
    mediaType: payload.mediaType,
  };
  if (typeof inv.groupID === 'string' && inv.groupID) event.groupID = inv.groupID;
  if (payload.userData !== undefined) event.userData = payload.userData;
  return event;
}

/** The pending invitation (ringing besides the current call) whose chat invitation is `inviteID`. */
export function pendingByInvite(queue: RingingQueue<Invitation>, inviteID: unknown): Invitation | undefined {
  for (const callId of queue.ids()) {
    const pending = queue.get(callId);
    if (pending?.inv.inviteID === inviteID) return pending;
  }
  return undefined;
}
