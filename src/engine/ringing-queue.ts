/**
 * The ringing queue: which incoming invitations ring, and which one is the current call. Policy,
 * not transport: every engine feeds it the invitations it receives and shows it its current call,
 * and the queue decides, keeps the pending invitations in arrival order and emits the events.
 *
 * The rule (protocol "Several incoming calls"; the kit and the banner rely on it):
 * - Idle: an invitation becomes the current call (`onCallReceived`).
 * - While the current call only rings (a callee call not being accepted): invitations ring
 *   alongside it (`onCallReceived {concurrent: true}`), up to `maxRinging` (3) in all.
 * - While dialing or in a call: one more ("waiting") if call waiting is on, else none.
 * - Any other invitation finds us busy: {@link RingingQueue.offer} says `busy`, the engine answers it.
 * - `accept({callId})` of a pending invitation swaps it with a current call that only rings (that
 *   one goes back among the pending, in its arrival place); while in a call it throws (hang up
 *   first: "end and accept"). `onIncomingPromoted` says which call became current.
 * - When the current call ends, the oldest pending invitation becomes current (`onIncomingPromoted`).
 * - A pending invitation that stops ringing is `onIncomingWithdrawn`.
 */
import { CallKitError, ErrorCode } from '../errors.js';
import { MAX_CONCURRENT_INCOMING } from '../constants.js';
import type { CallEngineEvents } from './types.js';

/** How the queue sees the engine's current call. */
export interface CurrentCallView<T> {
  callId: string;
  /** A callee call that only rings: not dialing, not connected, no accept under way. */
  onlyRinging: boolean;
  /** The invitation that rang it (callee calls): it goes back among the pending ones on a swap. */
  invitation?: T;
}

/** The events the queue emits. */
export type RingingEvent = 'onCallReceived' | 'onIncomingWithdrawn' | 'onIncomingPromoted';

/** What the queue needs from its engine (no transport: the engine keeps sockets and media). */
export interface RingingQueueHost<T> {
  /** The engine's current call (ringing, dialing or connected), or null when idle. */
  current(): CurrentCallView<T> | null;
  /** Makes `invitation` the current call, replacing a current call that only rings. No event. */
  setCurrent(invitation: T): void;
  /** The `onCallReceived` payload of `invitation` (without `concurrent`). */
  describe(invitation: T): CallEngineEvents['onCallReceived'];
  emit<K extends RingingEvent>(event: K, payload: CallEngineEvents[K]): void;
}

export interface RingingQueueOptions {
  /** Invitations ringing at once while the current call only rings, it included (default 3). */
  maxRinging?: number;
  callWaiting?: boolean;
}

/** What became of an offered invitation. */
export type OfferOutcome = 'current' | 'pending' | 'busy';

export class RingingQueue<T extends { callId: string }> {
  readonly #host: RingingQueueHost<T>;
  readonly #maxRinging: number;
  /** Invitations ringing besides the current call, oldest first. */
  #pending = new Map<string, T>();
  /** Arrival order of invitations (by object: a re-sent one takes over its place). */
  #arrival = new WeakMap<T, number>();
  #arrivals = 0;
  /** While dialing or in a call, one more invitation rings ("waiting") instead of finding us busy. */
  callWaiting: boolean;

  constructor(host: RingingQueueHost<T>, options: RingingQueueOptions = {}) {
    this.#host = host;
    this.#maxRinging = options.maxRinging ?? MAX_CONCURRENT_INCOMING;
    this.callWaiting = options.callWaiting === true;
  }

  /** Pending invitations ringing besides the current call. */
  get size(): number {
    return this.#pending.size;
  }

  /** The pending invitations' ids, oldest first. */
  ids(): string[] {
    return [...this.#pending.keys()];
  }

  /** The pending invitation `callId`. */
  get(callId: string): T | undefined {
    return this.#pending.get(callId);
  }

  /**
   * An invitation that already rings here (the current call or a pending one): true, and a pending
   * one is replaced by this fresher copy in the same place. Else false: {@link offer} it.
   */
  refresh(invitation: T): boolean {
    if (this.#host.current()?.callId === invitation.callId) return true;
    const known = this.#pending.get(invitation.callId);
    if (!known) return false;
    this.#arrival.set(invitation, this.#arrival.get(known) ?? 0);
    this.#pending.set(invitation.callId, invitation);
    return true;
  }

  /** Whether one more invitation may ring now (as the current call when idle). */
  mayRingAlongside(): boolean {
    const current = this.#host.current();
    if (!current) return true;
    if (current.onlyRinging) return this.#pending.size + 1 < this.#maxRinging;
    return this.callWaiting && this.#pending.size === 0;
  }

  /**
   * A new invitation: rings as the current call when idle (`onCallReceived`), alongside the current
   * one when the rule allows (`onCallReceived {concurrent: true}`), else `busy` (nothing emitted:
   * the engine declines it).
   */
  offer(invitation: T): OfferOutcome {
    if (!this.#arrival.has(invitation)) this.#arrival.set(invitation, ++this.#arrivals);
    if (!this.#host.current()) {
      this.#host.setCurrent(invitation);
      this.#host.emit('onCallReceived', this.#host.describe(invitation));
      return 'current';
    }
    if (!this.mayRingAlongside()) return 'busy';
    this.#pending.set(invitation.callId, invitation);
    this.#host.emit('onCallReceived', { ...this.#host.describe(invitation), concurrent: true });
    return 'pending';
  }

  /**
   * Before accepting: makes `callId` the current call. A pending one swaps places with a current
   * call that only rings (INVALID_STATE while in a call: "end and accept"). No `callId`: the current
   * call, else the oldest pending one. A pending invitation made current emits `onIncomingPromoted`.
   */
  accept(callId?: string): void {
    const current = this.#host.current();
    if (callId === undefined || current?.callId === callId) {
      if (!current) this.promote();
      return;
    }
    const next = this.#pending.get(callId);
    if (!next) throw new CallKitError(ErrorCode.INVALID_STATE, `no ringing call ${callId}`);
    if (current) {
      if (!current.onlyRinging || !current.invitation) {
        throw new CallKitError(ErrorCode.INVALID_STATE, 'hang up the current call before accepting another (end and accept)');
      }
      this.#pending.set(current.callId, current.invitation);
      const order = (m: T) => this.#arrival.get(m) ?? 0;
      this.#pending = new Map([...this.#pending].sort(([, x], [, y]) => order(x) - order(y)));
    }
    this.#pending.delete(callId);
    this.#makeCurrent(next);
  }

  /** When idle: the oldest pending invitation becomes the current call (`onIncomingPromoted`). */
  promote(): boolean {
    if (this.#host.current()) return false;
    const [first] = this.#pending.values();
    if (!first) return false;
    this.#pending.delete(first.callId);
    this.#makeCurrent(first);
    return true;
  }

  /** The pending invitation `callId` stops ringing (`onIncomingWithdrawn`); false if not pending. */
  withdraw(callId: string, cause: CallEngineEvents['onIncomingWithdrawn']['cause']): boolean {
    if (!this.#pending.delete(callId)) return false;
    this.#host.emit('onIncomingWithdrawn', { callId, cause });
    return true;
  }

  /** Every pending invitation stops ringing (lost connection, logout): `onIncomingWithdrawn` each. */
  withdrawAll(cause: CallEngineEvents['onIncomingWithdrawn']['cause']): void {
    const ids = this.ids();
    this.#pending.clear();
    for (const callId of ids) this.#host.emit('onIncomingWithdrawn', { callId, cause });
  }

  #makeCurrent(invitation: T): void {
    this.#host.setCurrent(invitation);
    this.#host.emit('onIncomingPromoted', { callId: invitation.callId });
  }
}
