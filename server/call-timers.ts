/**
 * The call registry's timers: one ring timer per ringing member and one grace timer per member
 * whose call socket was lost. Timers go through an injectable {@link Scheduler} (tests use a fake
 * clock) and are counted, so `stats().timers` proves none leaks. The handle lives on the member
 * record (`MemberRec.timer` / `.grace`); a callback only runs if its timer is still the member's.
 */
import type { MemberRec, TimerRef } from './call-model.js';

export interface Scheduler {
  set(ms: number, fn: () => void): unknown;
  clear(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  set(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

export class CallTimers {
  #count = 0;

  constructor(private readonly sched: Scheduler) {}

  /** Timers pending now. */
  get count(): number {
    return this.#count;
  }

  /** Arms the member's ring timer; `onTimeout` runs after `ms` unless {@link clearRing} ran first. */
  armRing(member: MemberRec, ms: number, onTimeout: () => void): void {
    const timer: TimerRef = { handle: undefined };
    timer.handle = this.sched.set(ms, () => {
      if (member.timer === timer) {
        member.timer = undefined;
        this.#count--;
      }
      onTimeout();
    });
    member.timer = timer;
    this.#count++;
  }

  clearRing(member: MemberRec): void {
    if (member.timer === undefined) return;
    this.sched.clear(member.timer.handle);
    member.timer = undefined;
    this.#count--;
  }

  /** (Re)arms the member's grace timer; `onExpiry` runs after `ms` unless {@link clearGrace} ran first. */
  armGrace(member: MemberRec, ms: number, onExpiry: () => void): void {
    this.clearGrace(member);
    const grace: TimerRef = { handle: undefined };
    grace.handle = this.sched.set(ms, () => {
      if (member.grace !== grace) return;
      member.grace = undefined;
      this.#count--;
      onExpiry();
    });
    member.grace = grace;
    this.#count++;
  }

  clearGrace(member: MemberRec): void {
    if (member.grace === undefined) return;
    this.sched.clear(member.grace.handle);
    member.grace = undefined;
    this.#count--;
  }

  /** Clears both timers of a member. */
  clear(member: MemberRec): void {
    this.clearRing(member);
    this.clearGrace(member);
  }
}
