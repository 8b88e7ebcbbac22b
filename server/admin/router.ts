/**
 * A small, generic JSON router for the admin REST API under `<path>/admin`: routes declare their
 * path, input and output as valibot schemas, and the same schemas validate requests and generate
 * the OpenAPI 3.1 document (`GET <path>/admin/openapi.json`). Every other route needs
 * `Authorization: Bearer <admin secret>` (compared in constant time). Add a route with {@link AdminRouter.add}.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';

type AnySchema = v.GenericSchema<unknown, unknown>;
type ObjSchema = v.ObjectSchema<v.ObjectEntries, undefined> | v.StrictObjectSchema<v.ObjectEntries, undefined>;

export interface AdminRoute<P extends ObjSchema, Q extends ObjSchema, B extends AnySchema> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the admin base, with `{name}` path parameters: `/calls/{callId}/end`. */
  path: string;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  response: AnySchema;
  handler(input: { params: v.InferOutput<P>; query: v.InferOutput<Q>; body: v.InferOutput<B> }): unknown;
}

/** A refusal with an HTTP status and a code (`{ error: code, message }`). */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A handler's answer with a status other than 200 (204: no body). */
export class AdminReply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
  ) {}
}

export const ErrorBodySchema = v.strictObject({ error: v.string(), message: v.string() });

const MAX_BODY = 16 * 1024;

interface Compiled {
  route: AdminRoute<ObjSchema, ObjSchema, AnySchema>;
  re: RegExp;
  names: string[];
}

export class AdminRouter {
  readonly #routes: Compiled[] = [];
  readonly #secretHash: Buffer;

  constructor(
    readonly base: string,
    secret: string,
    private readonly info: { title: string; version: string },
  ) {
    this.#secretHash = createHash('sha256').update(secret).digest();
  }

  add<P extends ObjSchema, Q extends ObjSchema, B extends AnySchema>(route: AdminRoute<P, Q, B>): this {
    const names: string[] = [];
    const re = new RegExp(
      `^${route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    this.#routes.push({ route: route as unknown as AdminRoute<ObjSchema, ObjSchema, AnySchema>, re, names });
    return this;
  }

  /** Handles a request under the admin base; false when the path is not the admin API's. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== this.base && !url.pathname.startsWith(`${this.base}/`)) return false;
    const rel = url.pathname.slice(this.base.length) || '/';
    void this.#dispatch(req, rel, url.searchParams).then(
      ([status, body]) => send(res, status, body),
      (err: unknown) =>
        err instanceof AdminError
          ? send(res, err.status, { error: err.code, message: err.message })
          : send(res, 500, { error: 'internal', message: 'internal error' }),
    );
    return true;
  }

  async #dispatch(req: IncomingMessage, rel: string, search: URLSearchParams): Promise<[number, unknown]> {
    if (rel === '/openapi.json' && req.method === 'GET') return [200, this.openapi()];
    if (!this.#authorized(req.headers.authorization))
      throw new AdminError(401, 'unauthorized', 'Authorization: Bearer <admin secret> required');
    let pathMatched = false;
    for (const { route, re, names } of this.#routes) {
      const m = re.exec(rel);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      const rawParams = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
      const params = parse(route.params, rawParams, 'path');
      const query = parse(route.query, Object.fromEntries(search), 'query');
      const body = route.body ? parse(route.body, await readJson(req), 'body') : undefined;
      const out = await route.handler({ params, query, body } as never);
      return out instanceof AdminReply ? [out.status, out.body] : [200, out];
    }
    throw pathMatched ? new AdminError(405, 'method-not-allowed', 'method not allowed') : new AdminError(404, 'not-found', 'no such route');
  }

  #authorized(header: string | undefined): boolean {
    const m = /^Bearer (.+)$/.exec(header ?? '');
    if (!m) return false;
    return timingSafeEqual(createHash('sha256').update(m[1]).digest(), this.#secretHash);
  }

  /** The OpenAPI 3.1 document, generated from the routes' schemas. */
  openapi(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    const js = (s: AnySchema) => toJsonSchema(s, { errorMode: 'ignore' }) as Record<string, unknown>;
    for (const { route } of this.#routes) {
      const parameters: unknown[] = [];
      const add = (schema: ObjSchema | undefined, where: 'path' | 'query') => {
        if (!schema) return;
        const json = js(schema) as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, s] of Object.entries(json.properties ?? {})) {
          parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s });
        }
      };
      add(route.params, 'path');
      add(route.query, 'query');
      const op: Record<string, unknown> = {
        summary: route.summary,
        security: [{ bearer: [] }],
        parameters,
        responses: {
          200: { description: 'OK', content: { 'application/json': { schema: js(route.response) } } },
          default: { description: 'Error', content: { 'application/json': { schema: js(ErrorBodySchema) } } },
        },
      };
      if (route.body) op.requestBody = { required: true, content: { 'application/json': { schema: js(route.body) } } };
      (paths[this.base + route.path] ??= {})[route.method.toLowerCase()] = op;
    }
    return {
      openapi: '3.1.0',
      info: this.info,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      paths,
    };
  }
}

function parse<S extends AnySchema | undefined>(schema: S, value: unknown, where: string): unknown {
  if (!schema) return {};
  const r = v.safeParse(schema, value);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const field = v.getDotPath(issue);
  throw new AdminError(400, 'invalid-field', `${where}${field ? `.${field}` : ''}: ${issue.message}`.slice(0, 300));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new AdminError(413, 'too-large', `a body has at most ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AdminError(400, 'invalid-json', 'the body is not JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status, { 'cache-control': 'no-store' });
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
