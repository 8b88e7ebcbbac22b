/**
 * Operator profiles on the admin REST API (issue 14, identity): the name and avatar others see for a
 * user, set by the operator's backend. `PUT /profiles/{userId}` sets, `GET` reads (404 when none),
 * `DELETE` removes (204; 404 when none). Members of live calls are updated (`registry.ts`).
 */
import * as v from 'valibot';
import { UserIdSchema } from '../../src/protocol/messages.js';
import { OperatorProfileSchema } from '../profiles.js';
import type { OperatorProfile } from '../profiles.js';
import { AdminError, AdminReply } from './router.js';
import type { AdminRouter } from './router.js';

export interface ProfileDeps {
  get(userId: string): OperatorProfile | undefined;
  /** Sets (null: removes) a user's operator profile. Returns whether one existed. */
  set(userId: string, profile: OperatorProfile | null): boolean;
}

const UserParams = v.strictObject({ userId: UserIdSchema });
const ProfileOut = v.strictObject({ userId: UserIdSchema, name: v.optional(v.string()), avatar: v.optional(v.string()) });
const noProfile = () => new AdminError(404, 'no-profile', 'this user has no operator profile');

export function addProfileRoutes(router: AdminRouter, deps: ProfileDeps): AdminRouter {
  return router
    .add({
      method: 'PUT',
      path: '/profiles/{userId}',
      summary: "Set a user's operator profile (the name and avatar others see, marked verified)",
      params: UserParams,
      body: OperatorProfileSchema,
      response: ProfileOut,
      handler: ({ params, body }) => {
        deps.set(params.userId, body);
        return { userId: params.userId, ...body };
      },
    })
    .add({
      method: 'GET',
      path: '/profiles/{userId}',
      summary: "Read a user's operator profile",
      params: UserParams,
      response: ProfileOut,
      handler: ({ params }) => {
        const profile = deps.get(params.userId);
        if (!profile) throw noProfile();
        return { userId: params.userId, ...profile };
      },
    })
    .add({
      method: 'DELETE',
      path: '/profiles/{userId}',
      summary: "Remove a user's operator profile (answers 204)",
      params: UserParams,
      response: v.null(),
      handler: ({ params }) => {
        if (!deps.set(params.userId, null)) throw noProfile();
        return new AdminReply(204);
      },
    });
}
