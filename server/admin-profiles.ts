/**
 * The operator's admin endpoint for profiles (issue 14, identity), off unless an admin secret is
 * configured (`adminSecret`, CLI `--admin-secret-file` / `CALLKIT_ADMIN_SECRET`; a different
 * secret from the userSig one):
 *
 *   PUT    {path}/admin/profiles/:userId   {"name"?, "avatar"?}  -> 200 {"userId", "name"?, "avatar"?}
 *   GET    {path}/admin/profiles/:userId                         -> 200 the profile, or 404
 *   DELETE {path}/admin/profiles/:userId                         -> 204 (or 404)
 *
 * each with `Authorization: Bearer <admin secret>` (else 401). Bodies are JSON, at most 8 KiB,
 * validated like the protocol's names and avatars (400 otherwise). A general admin API would fold
 * this module in.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { UserIdSchema } from '../src/protocol/messages.js';
import { OperatorProfileSchema } from './profiles.js';
import type { OperatorProfile } from './profiles.js';

export const ADMIN_BODY_MAX_BYTES = 8 * 1024;

export interface AdminProfileHooks {
  get(userId: string): OperatorProfile | undefined;
  /** Sets (null: removes) a user's operator profile; members of live calls are updated. Returns whether one existed. */
  set(userId: string, profile: OperatorProfile | null): boolean;
}

function bearerOk(req: IncomingMessage, secret: string): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer (.+)$/.exec(header);
  if (!m) return false;
  const given = Buffer.from(m[1]);
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > ADMIN_BODY_MAX_BYTES) {
        resolve(null);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

/**
 * Serves `{path}/admin/profiles/...`; false when the request is not for it. Without an admin secret
 * the endpoint does not exist (404).
 */
export function handleAdminProfiles(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  base: string,
  adminSecret: string | null,
  hooks: AdminProfileHooks,
): boolean {
  const prefix = `${base}/admin/profiles/`;
  if (!pathname.startsWith(prefix)) return false;
  const send = (status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  if (adminSecret === null) {
    send(404, { error: 'not found' });
    return true;
  }
  if (!bearerOk(req, adminSecret)) {
    res.setHeader('www-authenticate', 'Bearer');
    send(401, { error: 'admin secret required (Authorization: Bearer ...)' });
    return true;
  }
  const userId = decodeURIComponent(pathname.slice(prefix.length));
  if (!v.is(UserIdSchema, userId)) {
    send(400, { error: 'user id must match [A-Za-z0-9_-]{1,64}' });
    return true;
  }
  if (req.method === 'GET') {
    const profile = hooks.get(userId);
    send(profile ? 200 : 404, profile ? { userId, ...profile } : { error: 'no profile' });
  } else if (req.method === 'DELETE') {
    send(hooks.set(userId, null) ? 204 : 404);
  } else if (req.method === 'PUT') {
    void readBody(req)
      .then((raw) => {
        if (raw === null) return send(413, { error: `body over ${ADMIN_BODY_MAX_BYTES} bytes` });
        let json: unknown;
        try {
          json = JSON.parse(raw);
        } catch {
          return send(400, { error: 'body is not JSON' });
        }
        const parsed = v.safeParse(OperatorProfileSchema, json);
        if (!parsed.success) return send(400, { error: parsed.issues[0].message.slice(0, 200) });
        hooks.set(userId, parsed.output);
        send(200, { userId, ...parsed.output });
      })
      .catch(() => {
        if (!res.headersSent) send(500, { error: 'internal' });
        else res.destroy();
      });
  } else {
    res.setHeader('allow', 'GET, PUT, DELETE');
    send(405, { error: 'method not allowed' });
  }
  return true;
}
