/**
 * The v2 calls a `tuicall` engine saw on chat signaling (tuicall-engine.ts). TUICallEngine 3.3.4
 * sends `join({ callId })`, and `inviteUser` in a 1v1 call, to Tencent's v3 call service
 * (`call_engine_srv.join_in_call` / `.invite_user` through chat's `sendRoomCustomData`). That
 * service never sees a v2 call (v2 is chat signaling only), so for a v2 call the adapter uses what
 * v2 offers instead: a group call is joined by its group and room (`joinInGroupCall`), a 1v1 call
 * cannot be joined or extended. Like the `tencent` engine, it remembers the last 32 calls.
 */
import { CallMediaType } from '../../constants.js';

export interface V2Call {
  /** The chat inviteID of the call's first invitation (the call id on both engines). */
  callId: string;
  groupID: string;
  /** Numeric room, or a string room. */
  room: number | string | null;
  mediaType: CallMediaType;
}

const LIMIT = 32;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The room of a TUICallKit v2 payload (`room_id`, `str_room_id`, also inside `data`), or null. */
function roomOf(body: Record<string, unknown>): number | string | null {
  const inner = (body.data && typeof body.data === 'object' ? body.data : {}) as Record<string, unknown>;
  const strRoom = str(inner.str_room_id) || str(body.str_room_id);
  for (const v of [inner.room_id, body.room_id]) if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  return strRoom || null;
}

export class V2Calls {
  readonly #calls = new Map<string, V2Call>();

  /**
   * Notes a chat signaling invitation (sent or received): `inviteID`, `groupID` and the `av_call`
   * payload. Switches and hang-up records are not calls; an invitation into a running call
   * (`inviteUser`) names the call by its `initialCallId`.
   */
  note(inviteID: unknown, groupID: unknown, data: unknown): void {
    if (typeof inviteID !== 'string' || !inviteID || typeof data !== 'string') return;
    let body: Record<string, unknown> | null;
    try {
      body = JSON.parse(data) as Record<string, unknown> | null;
    } catch {
      return;
    }
    if (!body || body.businessID !== 'av_call') return;
    const inner = (body.data && typeof body.data === 'object' ? body.data : {}) as Record<string, unknown>;
    if (inner.cmd !== 'audioCall' && inner.cmd !== 'videoCall') return;
    const callId = str(inner.initialCallId) || inviteID;
    this.#calls.delete(callId);
    this.#calls.set(callId, {
      callId,
      groupID: str(groupID),
      room: roomOf(body),
      mediaType: inner.cmd === 'audioCall' ? CallMediaType.AUDIO : CallMediaType.VIDEO,
    });
    while (this.#calls.size > LIMIT) this.#calls.delete(this.#calls.keys().next().value as string);
  }

  get(callId: string): V2Call | undefined {
    return this.#calls.get(callId);
  }

  clear(): void {
    this.#calls.clear();
  }
}
