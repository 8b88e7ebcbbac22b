/**
 * Per-call maximum durations (admin API): a limit set on a live call ends it with `max-duration`
 * once it has been connected that long (counted from the first answer; a call not answered yet
 * starts counting when it is). A call observer (`../call-events.ts`): it learns connects and ends
 * from the registry and clears its timer when the call ends any other way. On a cluster the limit
 * and the time of the answer are stored with the call, so a new leader enforces them
 * (`../cluster/carried.ts`).
 */
import type { CallObserver } from '../call-events.js';
import { hasAcceptedInvitee } from '../call-model.js';
import type { CallRec, MemberRec } from '../call-model.js';
import type { CarriedState } from '../cluster/carried.js';

interface Limit {
  maxMs?: number;
  connectedAt?: number;
  timer?: ReturnType<typeof setTimeout>;
}

/** A limit as stored with its call: `m` the limit (ms), `c` when the call was answered (ms since the epoch). */
interface CarriedLimit {
  m?: number;
  c?: number;
}

export class CallLimits implements CallObserver, CarriedState {
  readonly #calls = new Map<string, Limit>();
  readonly carryKey = 'limit';

  constructor(
    private readonly terminate: (callId: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  callCreated(call: CallRec): void {
    this.#calls.set(call.callId, {});
  }

  memberChanged(call: CallRec, member: MemberRec): void {
    const limit = this.#calls.get(call.callId);
    if (!limit || limit.connectedAt !== undefined || member.state !== 'accepted' || member.userId === call.callerId) return;
    limit.connectedAt = this.now();
    this.#arm(call.callId, limit);
  }

  callEnded(call: CallRec): void {
    const limit = this.#calls.get(call.callId);
    if (limit?.timer) clearTimeout(limit.timer);
    this.#calls.delete(call.callId);
  }

  /** Sets (or replaces) the call's limit; the time it will end (ms since the epoch, null until answered), or undefined for no such call. */
  set(callId: string, maxSeconds: number): { endsAt: number | null } | undefined {
    const limit = this.#calls.get(callId);
    if (!limit) return undefined;
    limit.maxMs = maxSeconds * 1000;
    this.#arm(callId, limit);
    return { endsAt: limit.connectedAt === undefined ? null : limit.connectedAt + limit.maxMs };
  }

  #arm(callId: string, limit: Limit): void {
    if (limit.timer) clearTimeout(limit.timer);
    limit.timer = undefined;
    if (limit.maxMs === undefined || limit.connectedAt === undefined) return;
    const wait = Math.max(0, limit.connectedAt + limit.maxMs - this.now());
    limit.timer = setTimeout(() => this.terminate(callId), Math.min(wait, 0x7fffffff));
    limit.timer.unref?.();
  }

  carry(callId: string): CarriedLimit | undefined {
    const limit = this.#calls.get(callId);
    if (!limit || (limit.maxMs === undefined && limit.connectedAt === undefined)) return undefined;
    return {
      ...(limit.maxMs !== undefined ? { m: limit.maxMs } : {}),
      ...(limit.connectedAt !== undefined ? { c: limit.connectedAt } : {}),
    };
  }

  adopt(call: CallRec, data: unknown): void {
    const stored = (data ?? {}) as CarriedLimit;
    const limit: Limit = {};
    if (typeof stored.m === 'number') limit.maxMs = stored.m;
    if (typeof stored.c === 'number') limit.connectedAt = stored.c;
    // Stored without it (an older node): an answered call counts from the take-over.
    else if (hasAcceptedInvitee(call)) limit.connectedAt = this.now();
    const old = this.#calls.get(call.callId);
    if (old?.timer) clearTimeout(old.timer);
    this.#calls.set(call.callId, limit);
    this.#arm(call.callId, limit);
  }

  forgetAll(): void {
    this.close();
  }

  /** Timers pending (leak checks). */
  get timers(): number {
    let n = 0;
    for (const l of this.#calls.values()) if (l.timer) n++;
    return n;
  }

  close(): void {
    for (const l of this.#calls.values()) if (l.timer) clearTimeout(l.timer);
    this.#calls.clear();
  }
}
