/**
 * `canCall` asked of the operator's backend (`--call-policy-url`, library `callPolicyUrl`): for a
 * caller `from` and a user `to`, POST `{"from","to"}` as JSON to the URL; the answer must be 2xx
 * with `{"allowed": true|false}` (checked with valibot). **Fail-closed**: no answer within the
 * timeout, a non-2xx status, or a body that is not that shape refuses the call (logged), and that
 * refusal is kept for a short time only ({@link FAILURE_TTL_MS}), so the next invite asks again.
 *
 * The registry's rules are synchronous, so the dispatcher asks first ({@link UrlCallPolicy.resolve},
 * before an `invite`, `invite-user` or `presence-subscribe` is handled) and the registry reads the
 * answer from the cache ({@link UrlCallPolicy.canCall}; a pair never asked is refused). Answers are
 * cached for `cacheTtlMs` (an expired one is asked again before the next invite; presence goes on
 * using the last answer) in a map of at most `cacheSize` pairs, the oldest answer dropped
 * first. On a cluster the node that took the invite sends the answers with it and the leader uses
 * them ({@link UrlCallPolicy.remember}).
 */
import * as v from 'valibot';
import {
  DEFAULT_POLICY_CACHE_SIZE,
  DEFAULT_POLICY_CACHE_TTL_MS,
  DEFAULT_POLICY_TIMEOUT_MS,
  type CallPolicyUrlOptions,
  type Logger,
} from './options.js';
import type { CallPolicy } from './profiles.js';

/** A refusal for want of an answer (timeout, error, bad body) is kept this long. */
export const FAILURE_TTL_MS = 5000;

const AnswerSchema = v.object({ allowed: v.boolean() });

interface Entry {
  allowed: boolean;
  until: number;
}

export class UrlCallPolicy {
  readonly #cache = new Map<string, Entry>();
  readonly #asking = new Map<string, Promise<void>>();
  readonly #timeoutMs: number;
  readonly #ttlMs: number;
  readonly #size: number;

  constructor(
    private readonly options: CallPolicyUrlOptions,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_POLICY_TIMEOUT_MS;
    this.#ttlMs = options.cacheTtlMs ?? DEFAULT_POLICY_CACHE_TTL_MS;
    this.#size = options.cacheSize ?? DEFAULT_POLICY_CACHE_SIZE;
  }

  /** The registry's policy: the cached answer; a pair never asked (or dropped from the cache) is refused. */
  readonly canCall: CallPolicy = (from, to) => this.#cache.get(key(from, to))?.allowed === true;

  /** Asks the backend about every pair not cached (or expired), in parallel; never rejects. */
  async resolve(from: string, tos: readonly string[]): Promise<void> {
    const now = this.now();
    const asks: Promise<void>[] = [];
    for (const to of new Set(tos)) {
      const k = key(from, to);
      const hit = this.#cache.get(k);
      if (hit && hit.until > now) continue;
      let asking = this.#asking.get(k);
      if (!asking) {
        asking = this.#ask(from, to).finally(() => this.#asking.delete(k));
        this.#asking.set(k, asking);
      }
      asks.push(asking);
    }
    await Promise.all(asks);
  }

  /** The cached answers for these pairs (a cluster node sends them to the leader with the request). */
  answers(from: string, tos: readonly string[]): [string, boolean][] {
    return tos.map((to) => [to, this.canCall(from, to)]);
  }

  /** Answers another node got (the cluster's leader, before it handles the request). */
  remember(from: string, answers: readonly [string, boolean][]): void {
    for (const [to, allowed] of answers) this.#store(key(from, to), allowed, this.#ttlMs);
  }

  /** Cached pairs (tests). */
  get size(): number {
    return this.#cache.size;
  }

  async #ask(from: string, to: string): Promise<void> {
    let why: string;
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from, to }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      const body: unknown = await res.json().catch(() => undefined);
      const answer = v.safeParse(AnswerSchema, body);
      if (res.ok && answer.success) return this.#store(key(from, to), answer.output.allowed, this.#ttlMs);
      why = res.ok ? 'the answer is not {"allowed": boolean}' : `HTTP ${res.status}`;
    } catch (err) {
      why = (err as Error).name === 'TimeoutError' ? `no answer within ${this.#timeoutMs} ms` : (err as Error).message;
    }
    this.log.warn(`call policy: ${from} -> ${to} refused (fail-closed): ${why}`);
    this.#store(key(from, to), false, Math.min(FAILURE_TTL_MS, this.#ttlMs));
  }

  #store(k: string, allowed: boolean, ttlMs: number): void {
    this.#cache.delete(k);
    this.#cache.set(k, { allowed, until: this.now() + ttlMs });
    while (this.#cache.size > this.#size) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
  }
}

function key(from: string, to: string): string {
  return `${from}\n${to}`;
}
