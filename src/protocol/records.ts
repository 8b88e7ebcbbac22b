/**
 * Call records on the wire: what `records-query` asks and `records` / `missed-calls` carry, shared
 * by the server (which writes records from its call model, `server/records/`), the default
 * engine and the admin REST API (whose OpenAPI document is generated from these schemas).
 */
import * as v from 'valibot';

/** How one member's part in a call ended. The caller is `accepted` once anyone answered, else `cancelled`. */
export const MemberOutcomeSchema = v.picklist(['accepted', 'rejected', 'busy', 'no-answer', 'cancelled', 'offline']);
export type MemberOutcome = v.InferOutput<typeof MemberOutcomeSchema>;

const Id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));

export const RecordMemberSchema = v.strictObject({
  userId: Id,
  outcome: MemberOutcomeSchema,
  /** When the member first joined the connected call (ms since the epoch); absent if it never did. */
  joinedAt: v.optional(v.number()),
});
export type RecordMember = v.InferOutput<typeof RecordMemberSchema>;

export const CallRecordSchema = v.strictObject({
  callId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/)),
  callerId: Id,
  mediaType: v.picklist(['audio', 'video']),
  groupId: v.optional(v.string()),
  /** Every invitee, in invitation order (the caller is `callerId`). */
  members: v.array(RecordMemberSchema),
  /** ms since the epoch: placed, first answered (absent if nobody answered), ended. */
  startedAt: v.number(),
  connectedAt: v.optional(v.number()),
  endedAt: v.number(),
  /** Why the call ended (the reason its last members were given, see `EndReason`). */
  endReason: v.string(),
  /** Connected time in ms (end - connect), 0 for a call nobody answered. */
  durationMs: v.number(),
});
export type CallRecord = v.InferOutput<typeof CallRecordSchema>;

/** At most this many records per page (a page of groups of nine stays well inside one frame). */
export const MAX_RECORDS_PAGE = 20;

/** An opaque cursor: the `nextCursor` of the previous page. */
export const RecordsCursorSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(128));

export const RecordsQueryFields = {
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_RECORDS_PAGE))),
  cursor: v.optional(RecordsCursorSchema),
};

/** A user's view of a missed call, as `missed-calls` at login delivers it. */
export const MissedCallSchema = v.strictObject({
  callId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/)),
  callerId: Id,
  mediaType: v.picklist(['audio', 'video']),
  groupId: v.optional(v.string()),
  startedAt: v.number(),
  outcome: MemberOutcomeSchema,
});
export type MissedCall = v.InferOutput<typeof MissedCallSchema>;
