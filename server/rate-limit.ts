/**
 * Rate limits (reliability §3.4): token buckets per socket (messages), per user (invites) and per
 * remote address (new sockets). {@link RateLimiter} owns the per-user and per-address tables and
 * judges each socket's message budget; the connection layer acts on its verdicts. With limits off
 * (`rateLimits: false`) every check passes.
 */

export interface Bucket {
  tokens: number;
  at: number;
}

/** The resolved limits (see `RateLimitOptions` in `options.ts` for their meaning and defaults). */
export interface Limits {
  rate: number;
  burst: number;
  invitesPerMinute: number;
  connRate: number;
  connBurst: number;
}

/** A socket's message budget, kept on the connection. */
export interface MessageBudget {
  bucket: Bucket;
  /** When the socket went over the limit (cleared after a second with no refusal). */
  limitedSince?: number;
  /** The last message refused for the rate limit. */
  limitedAt?: number;
  lastRateErrorAt: number;
}

/**
 * What to do with a message: `pass` it on; `drop` it silently; `answer` it with a `rate-limited`
 * error (at most once a second) and drop it; `close` the socket (over the limit for
 * {@link RATE_LIMIT_CLOSE_AFTER_MS}).
 */
export type MessageVerdict = 'pass' | 'drop' | 'answer' | 'close';

export const RATE_LIMIT_CLOSE_AFTER_MS = 10_000;
const MAX_IP_BUCKETS = 10_000;

export function takeToken(bucket: Bucket, cost: number, ratePerS: number, burst: number, now: number): boolean {
  bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerS);
  bucket.at = now;
  if (bucket.tokens < cost) return false;
  bucket.tokens -= cost;
  return true;
}

export class RateLimiter {
  private readonly inviteBuckets = new Map<string, Bucket>();
  /** Least recently used first, at most {@link MAX_IP_BUCKETS}. */
  private readonly ipBuckets = new Map<string, Bucket>();

  constructor(readonly limits: Limits | null) {}

  get enabled(): boolean {
    return this.limits !== null;
  }

  /** A fresh message budget for a new socket (a full burst). */
  newBudget(now: number): MessageBudget {
    return { bucket: { tokens: this.limits?.burst ?? 0, at: now }, lastRateErrorAt: 0 };
  }

  /** Charges the per-address bucket for a new socket; false: refuse it (429). */
  allowConnection(ip: string, now: number): boolean {
    if (!this.limits) return true;
    let bucket = this.ipBuckets.get(ip);
    if (bucket) this.ipBuckets.delete(ip);
    else {
      bucket = { tokens: this.limits.connBurst, at: now };
      if (this.ipBuckets.size >= MAX_IP_BUCKETS) {
        const oldest = this.ipBuckets.keys().next().value;
        if (oldest !== undefined) this.ipBuckets.delete(oldest);
      }
    }
    this.ipBuckets.set(ip, bucket); // most recently used last
    return takeToken(bucket, 1, this.limits.connRate, this.limits.connBurst, now);
  }

  /** Charges the user's invite bucket (`invite`, `invite-user`); false: refuse with `rate-limited`. */
  allowInvite(userId: string, now: number): boolean {
    if (!this.limits) return true;
    let bucket = this.inviteBuckets.get(userId);
    if (!bucket) {
      bucket = { tokens: this.limits.invitesPerMinute, at: now };
      this.inviteBuckets.set(userId, bucket);
    }
    const perMinute = this.limits.invitesPerMinute;
    return takeToken(bucket, 1, perMinute / 60, perMinute, now);
  }

  /** Charges a socket's message budget `cost` (1, or 1/4 for an ICE candidate) and says what to do. */
  message(budget: MessageBudget, cost: number, now: number): MessageVerdict {
    if (!this.limits) return 'pass';
    if (takeToken(budget.bucket, cost, this.limits.rate, this.limits.burst, now)) {
      // A flooder still wins a token at each refill: it stays "over the limit" until a second passes with no refusal.
      if (budget.limitedAt === undefined || now - budget.limitedAt >= 1000) budget.limitedSince = undefined;
      return 'pass';
    }
    budget.limitedSince ??= now;
    budget.limitedAt = now;
    if (now - budget.limitedSince >= RATE_LIMIT_CLOSE_AFTER_MS) return 'close';
    if (now - budget.lastRateErrorAt >= 1000) {
      budget.lastRateErrorAt = now;
      return 'answer';
    }
    return 'drop';
  }

  /** Forgets idle buckets: invite buckets of users no longer online after a minute, full address buckets. */
  prune(now: number, online: () => ReadonlySet<string>): void {
    if (!this.limits) return;
    const users = online();
    for (const [userId, b] of this.inviteBuckets) {
      if (!users.has(userId) && now - b.at > 60_000) this.inviteBuckets.delete(userId);
    }
    const full = (this.limits.connBurst / this.limits.connRate) * 1000;
    for (const [ip, b] of this.ipBuckets) if (now - b.at > full) this.ipBuckets.delete(ip);
  }

  clear(): void {
    this.inviteBuckets.clear();
    this.ipBuckets.clear();
  }
}
