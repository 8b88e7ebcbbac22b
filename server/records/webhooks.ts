/**
 * Webhook delivery from the outbox (`store.ts`): each event is POSTed as JSON to the operator's URL,
 * signed, and retried with exponential backoff until the receiver answers 2xx. A call's events go
 * out one at a time in order (the next waits until the one before is delivered); events of
 * different calls do not wait for each other. The outbox lives in the database, so events written
 * before a crash or a restart are delivered after it.
 *
 * Signature: header `x-callkit-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * A receiver recomputes it over the raw body and refuses a `t` outside its replay window
 * ({@link verifyWebhook}, default 300 s). Every event carries a unique `id` (also the header
 * `x-callkit-event-id`): a receiver that may see a retry of an event it already took (its 2xx was
 * lost) drops it by id.
 *
 * Many senders may share one outbox (every node of a cluster runs one, docs/multi-node.md): each
 * event is claimed by one sender at a time (`RecordStore.due`), so it is sent once unless its sender
 * dies before recording the outcome.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger, WebhookOptions } from '../options.js';
import type { RecordStore } from './store.js';

export type { WebhookOptions } from '../options.js';

export const DEFAULT_REPLAY_WINDOW_S = 300;
/** An outbox claim outlasts a delivery's timeout by this much (the outcome's write included). */
const CLAIM_MARGIN_MS = 30_000;

export function signWebhook(secret: string, body: string, unixS: number): string {
  const mac = createHmac('sha256', secret).update(`${unixS}.${body}`).digest('hex');
  return `t=${unixS},v1=${mac}`;
}

/** For receivers: whether `header` signs `body` with `secret` within the replay window. */
export function verifyWebhook(
  body: string,
  header: string | undefined,
  secret: string,
  options: { toleranceS?: number; nowS?: number } = {},
): boolean {
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const t = Number(m[1]);
  const now = options.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceS ?? DEFAULT_REPLAY_WINDOW_S)) return false;
  const expected = Buffer.from(signWebhook(secret, body, t).slice(-64), 'hex');
  return timingSafeEqual(expected, Buffer.from(m[2], 'hex'));
}

/** Delay before try number `attempts + 1` after `attempts` failures. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempts, 30));
}

export class WebhookSender {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  readonly #base: number;
  readonly #max: number;
  readonly #poll: number;
  readonly #timeout: number;

  constructor(
    private readonly store: RecordStore,
    private readonly options: WebhookOptions,
    private readonly log: Logger,
  ) {
    this.#base = options.retryBaseMs ?? 1000;
    this.#max = options.maxDelayMs ?? 600_000;
    this.#poll = options.pollMs ?? 1000;
    this.#timeout = options.timeoutMs ?? 10_000;
  }

  start(): void {
    this.#schedule(0);
  }

  /** Looks at the outbox now (after a write). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) this.#again = true;
    else this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#round().finally(() => {
        this.#running = null;
        const again = this.#again;
        this.#again = false;
        this.#schedule(again ? 0 : this.#poll);
      });
    }, ms);
    this.#timer.unref?.();
  }

  async #round(): Promise<void> {
    try {
      while (!this.#stopped) {
        const now = Date.now();
        // Claimed for longer than a delivery may take, so no other node's sender takes them meanwhile.
        // What was claimed is tried even if stop() came meanwhile (it waits): a claim left behind
        // would hold those events back for the claim's length after a restart.
        const due = await this.store.due(now, 20, now + this.#timeout + CLAIM_MARGIN_MS);
        if (due.length === 0) return;
        // Events of different calls go out together; each is the oldest pending of its call.
        await Promise.all(due.map((e) => this.#send(e)));
      }
    } catch (err) {
      this.log.error(`webhooks: outbox read failed: ${(err as Error).message}`);
    }
  }

  async #send(e: { id: number; eventId: string; body: string; attempts: number }): Promise<void> {
    let error: string | null = null;
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-callkit-event-id': e.eventId,
          'x-callkit-signature': signWebhook(this.options.secret, e.body, Math.floor(Date.now() / 1000)),
        },
        body: e.body,
        signal: AbortSignal.timeout(this.#timeout),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    if (error === null) return this.store.delivered(e.id, Date.now());
    const wait = backoffMs(e.attempts, this.#base, this.#max);
    if (e.attempts === 0) this.log.warn(`webhooks: ${e.eventId} not delivered (${error}); retrying with backoff`);
    await this.store.failed(e.id, Date.now() + wait, error);
  }
}
