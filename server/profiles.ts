/**
 * Identity: where the name and avatar a callee sees come from. Operator profiles (set by the
 * operator's backend through the admin REST API (`admin/profile-routes.ts`), or the server API's
 * `setProfile`) and profiles carried in the signed userSig (`TLS.userbuf`, see
 * {@link profileUserBuf}) are *verified*: they override what the user declares and go out with
 * `verified: true`. Without one, the user's own `login`/`profile` name is shown as self-declared
 * (the kit marks it and shows the user id beside it).
 *
 * Who may call whom is the operator's too: {@link CallPolicy} (`canCall(from, to)`), from the
 * server option or, on the command line, a JSON allow-list file ({@link loadCallPolicy}).
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { AvatarUrlSchema, DisplayNameSchema, UserIdSchema } from '../src/protocol/messages.js';

export interface OperatorProfile {
  name?: string;
  avatar?: string;
}

/** `canCall(from, to)`: whether `from` may ring `to` (invite, invite-user). */
export type CallPolicy = (from: string, to: string) => boolean;

export const OperatorProfileSchema = v.strictObject({ name: v.optional(DisplayNameSchema), avatar: v.optional(AvatarUrlSchema) });

/** A `TLS.userbuf` carrying an operator profile: base64 of its JSON (mint it with `genUserSig({ userBuf })`). */
export function profileUserBuf(profile: OperatorProfile): string {
  return Buffer.from(JSON.stringify(profile)).toString('base64');
}

/** The operator profile in a verified userSig's `TLS.userbuf`, or null (none, or not a profile). */
export function profileFromUserBuf(userBuf: string | undefined): OperatorProfile | null {
  if (userBuf === undefined) return null;
  try {
    const parsed = v.safeParse(OperatorProfileSchema, JSON.parse(Buffer.from(userBuf, 'base64').toString('utf8')));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

/** Operator profiles by user id, in memory (the admin endpoint and `SignalingServer.setProfile` write it). */
export class ProfileDirectory {
  private readonly byUser = new Map<string, OperatorProfile>();

  get(userId: string): OperatorProfile | undefined {
    return this.byUser.get(userId);
  }

  set(userId: string, profile: OperatorProfile): void {
    this.byUser.set(userId, { ...profile });
  }

  delete(userId: string): boolean {
    return this.byUser.delete(userId);
  }

  get size(): number {
    return this.byUser.size;
  }
}

const AllowListSchema = v.record(UserIdSchema, v.array(v.union([UserIdSchema, v.literal('*')])));

/**
 * A JSON allow-list file as a {@link CallPolicy}: `{ "alice": ["bob", "carol"], "support": ["*"] }`
 * lets alice ring bob and carol and support ring anyone; a user not listed may ring nobody, and
 * `"*": [...]` applies to every caller. Throws a clear Error for a bad file.
 */
export function loadCallPolicy(file: string): CallPolicy {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the call policy ${file}: ${(err as Error).message}`);
  }
  const map = new Map<string, Set<string>>();
  const any = (data as Record<string, unknown> | null)?.['*'];
  const rest = { ...(data as Record<string, unknown>) };
  delete rest['*'];
  const parsed = v.safeParse(AllowListSchema, rest);
  if (!parsed.success || (any !== undefined && !v.is(v.array(UserIdSchema), any))) {
    throw new Error(`the call policy ${file} must map user ids to arrays of user ids (or "*")`);
  }
  for (const [from, tos] of Object.entries(parsed.output)) map.set(from, new Set(tos));
  const everyone = new Set((any as string[] | undefined) ?? []);
  return (from, to) => everyone.has(to) || map.get(from)?.has('*') === true || map.get(from)?.has(to) === true;
}

/** The profile fields a member record carries. */
export interface ShownProfile {
  name?: string;
  avatar?: string;
  nameVerified?: boolean;
}

/**
 * The registry's identity rules in one place: the profile shown for a user (operator directory,
 * else the profile in its userSig, else what it declared) and the call policy.
 */
export class Identity {
  readonly directory = new ProfileDirectory();

  constructor(private readonly policy: CallPolicy | null = null) {}

  /** `self`: what the online user declared; `signed`: the profile its userSig carried. */
  profileFor(userId: string, user: { name?: string; avatar?: string; signed?: OperatorProfile } | undefined): ShownProfile {
    const operator = this.directory.get(userId) ?? user?.signed;
    if (operator) return { name: operator.name, avatar: operator.avatar, nameVerified: true };
    return { name: user?.name, avatar: user?.avatar };
  }

  /** Whether `from` may ring `to`; a policy that throws refuses. */
  allows(from: string, to: string): boolean {
    if (!this.policy) return true;
    try {
      return this.policy(from, to) === true;
    } catch {
      return false;
    }
  }
}
