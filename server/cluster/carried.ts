/**
 * Per-call state that lives beside the registry's, in call observers (`../call-events.ts`): the
 * admin API's `max-duration` limit (`../admin/call-limits.ts`), what the call recorder has seen
 * so far (`../records/recorder.ts`) and which calls go through the SFU, with their Janus room
 * (`../sfu/sfu-calls.ts`). A cluster's leader stores it with the call, in the same fenced
 * write (`cluster.ts`), and a new leader hands it back before it takes the calls over, so the limit
 * is still enforced and the record still written after a leader change (docs/multi-node.md).
 */
import type { CallRec } from '../call-model.js';

export interface CarriedState {
  /** Its key in the stored call (short: it is written on every change). */
  readonly carryKey: string;
  /** What it holds for the live call (JSON-able), or undefined for nothing. */
  carry(callId: string): unknown;
  /**
   * A new leader takes the call over: `data` is what {@link carry} gave (undefined when the call was
   * stored without it). Called for every stored call before the registry adopts them.
   */
  adopt(call: CallRec, data: unknown): void;
  /** The registry has taken the adopted calls over (it may end or change them now). */
  taken?(): void;
  /** This node stops leading: forget every call, without writing or sending anything. */
  forgetAll(): void;
}

/** The carried state of a call, by key (empty keys left out). */
export function carriedOf(carriers: readonly CarriedState[], callId: string): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const c of carriers) {
    const data = c.carry(callId);
    if (data !== undefined) (out ??= {})[c.carryKey] = data;
  }
  return out;
}
