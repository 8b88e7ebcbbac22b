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
  bytesPerSecond: number;
  byteBurst: number;
  /** Refused frames in one second that close the socket at once. */
  floodCeiling: number;
  /** Refused frames within {@link REFUSAL_WINDOW_S} seconds that close the socket. */
  refusalLimit: number;
  invitesPerMinute: number;
  connRate: number;
  connBurst: number;
  maxSocketsPerIp: number;
  maxSocketsPerUser: number;
  maxSockets: number;
}

/** A socket's message budget, kept on the connection. */
export interface MessageBudget {
  /** Frames (cost 1, an ICE candidate 1/4). */
  bucket: Bucket;
  /** Bytes of frames. */
  bytes: Bucket;
  /** Refused frames per second over the last {@link REFUSAL_WINDOW_S} seconds, oldest first. */
  refusals: number[];
  /** The whole second (`now / 1000`, floored) that `refusals`' last slot counts. */
  refusalSecond: number;
  lastRateErrorAt: number;
}

/**
 * What to do with a frame: `pass` it on; `drop` it silently; `answer` it with a `rate-limited`
 * error (at most once a second) and drop it; `close` the socket with 4429 (more than
 * `floodCeiling` frames refused in one second, or more than `refusalLimit` in
 * {@link REFUSAL_WINDOW_S} seconds: a sliding count, so pausing between bursts does not reset it).
 */
export type MessageVerdict = 'pass' | 'drop' | 'answer' | 'close';

export const REFUSAL_WINDOW_S = 10;
/** The smallest cost of a frame (an ICE candidate); charged before the frame is parsed. */
export const MIN_FRAME_COST = 0.25;
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
  /** Users with a socket closed for flooding -> until when their logins are refused (ms). */
  private readonly floodedUsers = new Map<string, number>();

  constructor(readonly limits: Limits | null) {}

  get enabled(): boolean {
    return this.limits !== null;
  }

  /** A fresh message budget for a new socket (a full burst). */
  newBudget(now: number): MessageBudget {
    return {
      bucket: { tokens: this.limits?.burst ?? 0, at: now },
      bytes: { tokens: this.limits?.byteBurst ?? 0, at: now },
      refusals: new Array<number>(REFUSAL_WINDOW_S).fill(0),
      refusalSecond: Math.floor(now / 1000),
      lastRateErrorAt: 0,
    };
  }

  /** The address's connection bucket (a full one for a new address), marked most recently used. */
  private ipBucket(ip: string, limits: Limits, now: number): Bucket {
    let bucket = this.ipBuckets.get(ip);
    if (bucket) this.ipBuckets.delete(ip);
    else {
      bucket = { tokens: limits.connBurst, at: now };
      if (this.ipBuckets.size >= MAX_IP_BUCKETS) {
        const oldest = this.ipBuckets.keys().next().value;
        if (oldest !== undefined) this.ipBuckets.delete(oldest);
      }
    }
    this.ipBuckets.set(ip, bucket); // most recently used last
    return bucket;
  }

  /** Charges the per-address bucket for a new socket; false: refuse it (429). */
  allowConnection(ip: string, now: number): boolean {
    if (!this.limits) return true;
    return takeToken(this.ipBucket(ip, this.limits, now), 1, this.limits.connRate, this.limits.connBurst, now);
  }

  /**
   * A socket was closed for flooding (4429). Coming back at once must gain the flooder nothing (a new
   * socket would bring a fresh message burst): its user may not log in again until a socket's message
   * budget would have refilled (`burst / rate` s, see {@link loginWait}), and its address's
   * connection budget is emptied (the refund of its login and any saved burst forfeited: new sockets
   * from it at the plain `connRate`, so rotating accounts gains little; others behind that address
   * wait at most `1 / connRate` s).
   */
  penalize(ip: string, userId: string | undefined, now: number): void {
    if (!this.limits) return;
    const bucket = this.ipBucket(ip, this.limits, now);
    takeToken(bucket, 0, this.limits.connRate, this.limits.connBurst, now);
    bucket.tokens = Math.min(bucket.tokens, 0);
    if (userId !== undefined) this.floodedUsers.set(userId, now + (this.limits.burst / this.limits.rate) * 1000);
  }

  /** How long `userId` must wait before logging in again after a socket of theirs was closed for flooding (ms; 0: now). */
  loginWait(userId: string, now: number): number {
    const until = this.floodedUsers.get(userId);
    if (until === undefined) return 0;
    if (until > now) return until - now;
    this.floodedUsers.delete(userId);
    return 0;
  }

  /**
   * Gives back the connection token of a socket that logged in: the per-address rate is for sockets
   * that never do (floods, guessing), so a crowd of valid users behind one address (a NAT, an
   * untrusted proxy) reconnecting after a restart is not refused; `maxSocketsPerIp` still caps them.
   */
  refundConnection(ip: string, now: number): void {
    const bucket = this.ipBuckets.get(ip);
    if (!this.limits || !bucket) return;
    takeToken(bucket, 0, this.limits.connRate, this.limits.connBurst, now);
    bucket.tokens = Math.min(this.limits.connBurst, bucket.tokens + 1);
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

  /**
   * Charges a raw frame of `bytes` bytes before it is parsed: {@link MIN_FRAME_COST} frame tokens and
   * its bytes. A refused frame is never parsed.
   */
  frame(budget: MessageBudget, bytes: number, now: number): MessageVerdict {
    if (!this.limits) return 'pass';
    const l = this.limits;
    const frames = budget.bucket;
    // Refill both first, then take from both or neither.
    takeToken(frames, 0, l.rate, l.burst, now);
    takeToken(budget.bytes, 0, l.bytesPerSecond, l.byteBurst, now);
    if (frames.tokens >= MIN_FRAME_COST && budget.bytes.tokens >= bytes) {
      frames.tokens -= MIN_FRAME_COST;
      budget.bytes.tokens -= bytes;
      return 'pass';
    }
    return this.refuse(budget, now);
  }

  /**
   * Charges the rest of a message's cost (`cost` - `paid`, by default what {@link frame} took);
   * gives back what was paid over the cost.
   */
  message(budget: MessageBudget, cost: number, now: number, paid = MIN_FRAME_COST): MessageVerdict {
    if (!this.limits) return 'pass';
    const rest = cost - paid;
    if (rest < 0) budget.bucket.tokens = Math.min(this.limits.burst, budget.bucket.tokens - rest);
    if (rest <= 0 || takeToken(budget.bucket, rest, this.limits.rate, this.limits.burst, now)) return 'pass';
    return this.refuse(budget, now);
  }

  /** How long until the socket's frame and byte buckets hold what one more frame needs (ms). */
  refillDelayMs(budget: MessageBudget): number {
    if (!this.limits) return 0;
    const frames = Math.max(0, 1 - budget.bucket.tokens) / this.limits.rate;
    const bytes = Math.max(0, 1024 - budget.bytes.tokens) / this.limits.bytesPerSecond;
    return Math.ceil(Math.max(frames, bytes) * 1000);
  }

  private refuse(budget: MessageBudget, now: number): MessageVerdict {
    const l = this.limits as Limits;
    const second = Math.floor(now / 1000);
    const shift = Math.min(REFUSAL_WINDOW_S, Math.max(0, second - budget.refusalSecond));
    if (shift > 0) {
      budget.refusals.splice(0, shift);
      for (let i = 0; i < shift; i++) budget.refusals.push(0);
      budget.refusalSecond = second;
    }
    budget.refusals[REFUSAL_WINDOW_S - 1]++;
    const inWindow = budget.refusals.reduce((a, b) => a + b, 0);
    if (budget.refusals[REFUSAL_WINDOW_S - 1] > l.floodCeiling || inWindow > l.refusalLimit) return 'close';
    if (now - budget.lastRateErrorAt >= 1000) {
      budget.lastRateErrorAt = now;
      return 'answer';
    }
    return 'drop';
  }

  /** Forgets idle state: invite buckets of users no longer online after a minute, full address buckets, ended login waits. */
  prune(now: number, isOnline: (userId: string) => boolean): void {
    if (!this.limits) return;
    for (const [userId, b] of this.inviteBuckets) {
      if (!isOnline(userId) && now - b.at > 60_000) this.inviteBuckets.delete(userId);
    }
    // A bucket idle long enough to be full again is the same as none.
    const l = this.limits;
    for (const [ip, b] of this.ipBuckets) if (now - b.at > ((l.connBurst - b.tokens) / l.connRate) * 1000) this.ipBuckets.delete(ip);
    for (const [userId, until] of this.floodedUsers) if (until <= now) this.floodedUsers.delete(userId);
  }

  clear(): void {
    this.inviteBuckets.clear();
    this.ipBuckets.clear();
    this.floodedUsers.clear();
  }
}
