/**
 * The presence part of the signaling protocol (issue 17 item 5), used by `messages.ts`.
 *
 * Presence (`server/presence-watch.ts`): `presence-subscribe {userIds}` adds users to the socket's
 * watch list and is answered by `presence {users}` with the status of each (`online`, `busy`: in a
 * call as caller or accepted member, `offline`); afterwards `presence` frames without `ref` carry
 * the watched users whose status changed (login, last socket gone, entering or leaving a call),
 * coalesced: at most one frame per socket every `PRESENCE_COALESCE_MS`, only real changes. A user
 * the watcher may not call (the operator's `canCall`) is always `offline`, exactly like an offline
 * one. A socket watches at most `MAX_PRESENCE_WATCH` users (`src/constants.ts`); a subscribe that
 * would go over is refused whole with `error too-many-watched` (field `userIds`).
 * `presence-unsubscribe {userIds?}` (absent: all) answers `ok`. Closing the socket drops its list.
 */
import * as v from 'valibot';
import { MAX_PRESENCE_WATCH } from '../constants.js';
import { UserIdSchema } from './sfu.js';

/** A watched user's presence. */
export const PresenceStatusSchema = v.picklist(['online', 'busy', 'offline']);
export type PresenceStatus = v.InferOutput<typeof PresenceStatusSchema>;
export const PresenceUserIdsSchema = v.pipe(v.array(UserIdSchema), v.minLength(1), v.maxLength(MAX_PRESENCE_WATCH));
export const PresenceUsersSchema = v.pipe(
  v.array(v.strictObject({ userId: UserIdSchema, status: PresenceStatusSchema })),
  v.maxLength(MAX_PRESENCE_WATCH),
);
