/**
 * The admin REST API's routes: active calls, ending a call, per-call maximum duration, call
 * records. Each route's schemas are its validation and its OpenAPI entry (`router.ts`).
 */
import * as v from 'valibot';
import { CallIdSchema, MediaTypeSchema, MemberSchema, UserIdSchema } from '../../src/protocol/messages.js';
import { CallRecordSchema, RecordsCursorSchema } from '../../src/protocol/records.js';
import type { ActiveCall } from '../registry.js';
import type { RecordsService } from '../records/index.js';
import { AdminError } from './router.js';
import type { AdminRouter } from './router.js';

/** Longest per-call maximum duration: 24 h. */
export const MAX_CALL_LIMIT_S = 24 * 3600;
/** Most records one admin page returns. */
export const MAX_ADMIN_PAGE = 200;

/** The live-call actions; a cluster node answers them through Redis and the leader (async). */
export interface AdminDeps {
  activeCalls(): ActiveCall[] | Promise<ActiveCall[]>;
  terminate(callId: string, message?: string): boolean | Promise<boolean>;
  setMaxDuration(callId: string, seconds: number): { endsAt: number | null } | undefined | Promise<{ endsAt: number | null } | undefined>;
  records: RecordsService | null;
}

const ActiveCallSchema = v.strictObject({
  callId: CallIdSchema,
  callerId: UserIdSchema,
  mediaType: MediaTypeSchema,
  groupId: v.optional(v.string()),
  members: v.array(MemberSchema),
});
const CallParams = v.strictObject({ callId: CallIdSchema });
const Digits = (max: number) => v.pipe(v.string(), v.regex(new RegExp(`^\\d{1,${max}}$`), 'a non-negative integer'));

const notFound = () => new AdminError(404, 'call-not-found', 'no such live call');

export function addAdminRoutes(router: AdminRouter, deps: AdminDeps): AdminRouter {
  return router
    .add({
      method: 'GET',
      path: '/calls',
      summary: 'List the live calls',
      response: v.strictObject({ calls: v.array(ActiveCallSchema) }),
      handler: async () => ({ calls: await deps.activeCalls() }),
    })
    .add({
      method: 'POST',
      path: '/calls/{callId}/end',
      summary: 'End a live call; its members see `ended-by-admin` and the message',
      params: CallParams,
      body: v.strictObject({ message: v.optional(v.pipe(v.string(), v.maxLength(200))) }),
      response: v.strictObject({ ended: v.literal(true) }),
      handler: async ({ params, body }) => {
        if (!(await deps.terminate(params.callId, body.message))) throw notFound();
        return { ended: true as const };
      },
    })
    .add({
      method: 'PUT',
      path: '/calls/{callId}/max-duration',
      summary: 'Set the longest a live call may last once answered; at the limit it ends with `max-duration` for everyone',
      params: CallParams,
      body: v.strictObject({ seconds: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_CALL_LIMIT_S)) }),
      response: v.strictObject({ callId: CallIdSchema, endsAt: v.nullable(v.number()) }),
      handler: async ({ params, body }) => {
        const set = await deps.setMaxDuration(params.callId, body.seconds);
        if (!set) throw notFound();
        return { callId: params.callId, endsAt: set.endsAt };
      },
    })
    .add({
      method: 'GET',
      path: '/records',
      summary: 'Query call records, newest first (ended within [since, until), of one user or one call)',
      query: v.strictObject({
        userId: v.optional(UserIdSchema),
        callId: v.optional(CallIdSchema),
        since: v.optional(Digits(16)),
        until: v.optional(Digits(16)),
        limit: v.optional(Digits(3)),
        cursor: v.optional(RecordsCursorSchema),
      }),
      response: v.strictObject({ records: v.array(CallRecordSchema), nextCursor: v.optional(RecordsCursorSchema) }),
      handler: async ({ query }) => {
        if (!deps.records) throw new AdminError(501, 'not-supported', 'this server keeps no call records (no database)');
        const limit = Math.min(MAX_ADMIN_PAGE, Math.max(1, Number(query.limit ?? 50)));
        try {
          return await deps.records.list({
            userId: query.userId,
            callId: query.callId,
            since: query.since === undefined ? undefined : Number(query.since),
            until: query.until === undefined ? undefined : Number(query.until),
            limit,
            cursor: query.cursor,
          });
        } catch (err) {
          if (err instanceof RangeError) throw new AdminError(400, 'invalid-field', 'query.cursor: not a cursor from this API');
          throw err;
        }
      },
    });
}
