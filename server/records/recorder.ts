/**
 * Turns the registry's call events (`../call-events.ts`) into call records and webhook events.
 * It follows each live call in memory (when it was placed and answered, each member's outcome so
 * far), and when the call ends it writes the record and the events in one transaction. Writes are
 * queued one after another, so a call's webhook events enter the outbox in the order they happened.
 * On a cluster what it follows is stored with each call (`../cluster/carried.ts`), so a new leader
 * writes the full record of a call that began under the old one.
 */
import { randomBytes } from 'node:crypto';
import type { EndReason, MemberState } from '../../src/protocol/messages.js';
import type { CallRecord, MemberOutcome } from '../../src/protocol/records.js';
import type { CallObserver } from '../call-events.js';
import type { CallRec, MemberRec } from '../call-model.js';
import type { CarriedState } from '../cluster/carried.js';
import type { Logger } from '../options.js';
import type { OutboxEvent, RecordStore, StoredMember } from './store.js';

interface Tracked {
  startedAt: number;
  connectedAt?: number;
  seq: number;
  /** Invitees in invitation order: the outcome so far and when they first joined. */
  members: Map<string, { outcome: MemberOutcome | null; joinedAt?: number }>;
}

const OUTCOME_OF: Partial<Record<MemberState, MemberOutcome>> = {
  rejected: 'rejected',
  busy: 'busy',
  'no-response': 'no-answer',
  unavailable: 'offline',
  cancelled: 'cancelled',
};

/** {@link Tracked} as stored with its call: started, connected, last event seq, invitees [id, outcome, joined]. */
interface CarriedTrack {
  s: number;
  c?: number;
  q: number;
  m: [string, MemberOutcome | null, number | null][];
}

/** Outcomes of an invitee who never joined that count as a missed call for them. */
const MISSED: ReadonlySet<MemberOutcome> = new Set(['no-answer', 'cancelled', 'offline']);

export interface RecorderOptions {
  store: RecordStore;
  /** Queue webhook events (only when webhooks are configured). */
  webhooks: boolean;
  log: Logger;
  now?: () => number;
  /** Called after each write (the webhook sender wakes up). */
  onWritten?: () => void;
}

export class CallRecorder implements CallObserver, CarriedState {
  readonly #calls = new Map<string, Tracked>();
  readonly carryKey = 'rec';
  readonly #now: () => number;
  #queue: Promise<void> = Promise.resolve();
  /** A random prefix per process: event ids stay unique if a call id is ever reused. */
  readonly #run = randomBytes(4).toString('hex');

  constructor(private readonly options: RecorderOptions) {
    this.#now = options.now ?? Date.now;
  }

  /** Resolves once every write queued so far is done (tests, shutdown). */
  flush(): Promise<void> {
    return this.#queue;
  }

  carry(callId: string): CarriedTrack | undefined {
    const t = this.#calls.get(callId);
    if (!t) return undefined;
    const m: CarriedTrack['m'] = [...t.members].map(([userId, x]) => [userId, x.outcome, x.joinedAt ?? null]);
    return { s: t.startedAt, ...(t.connectedAt !== undefined ? { c: t.connectedAt } : {}), q: t.seq, m };
  }

  adopt(call: CallRec, data: unknown): void {
    const d = data as CarriedTrack | undefined;
    if (d && typeof d.s === 'number' && Array.isArray(d.m)) {
      const members = new Map<string, { outcome: MemberOutcome | null; joinedAt?: number }>();
      for (const [userId, outcome, joinedAt] of d.m) members.set(userId, joinedAt === null ? { outcome } : { outcome, joinedAt });
      this.#calls.set(call.callId, { startedAt: d.s, ...(d.c !== undefined ? { connectedAt: d.c } : {}), seq: d.q, members });
      return;
    }
    // Stored without it (an older node): what the call's states still tell, counted from now.
    const now = this.#now();
    const t: Tracked = { startedAt: now, seq: 0, members: new Map() };
    for (const m of call.members.values()) {
      if (m.userId === call.callerId) continue;
      const accepted = m.state === 'accepted' || m.state === 'left';
      t.members.set(m.userId, accepted ? { outcome: 'accepted', joinedAt: now } : { outcome: OUTCOME_OF[m.state] ?? null });
      if (accepted) t.connectedAt = now;
    }
    this.#calls.set(call.callId, t);
  }

  forgetAll(): void {
    this.#calls.clear();
  }

  callCreated(call: CallRec): void {
    const t: Tracked = { startedAt: this.#now(), seq: 0, members: new Map() };
    for (const m of call.members.values()) {
      if (m.userId !== call.callerId) t.members.set(m.userId, { outcome: OUTCOME_OF[m.state] ?? null });
    }
    this.#calls.set(call.callId, t);
    this.#events(call.callId, t, [
      {
        type: 'call-started',
        callerId: call.callerId,
        mediaType: call.mediaType,
        ...(call.groupId !== undefined ? { groupId: call.groupId } : {}),
        members: [...call.members.values()].map((m) => ({ userId: m.userId, state: m.state })),
      },
    ]);
  }

  memberChanged(call: CallRec, member: MemberRec): void {
    const t = this.#calls.get(call.callId);
    if (!t) return;
    this.#events(call.callId, t, [{ type: 'member-state', userId: member.userId, state: member.state }]);
    if (member.userId === call.callerId) return;
    const now = this.#now();
    const m = t.members.get(member.userId) ?? { outcome: null };
    t.members.set(member.userId, m);
    if (member.state === 'accepted') {
      m.outcome = 'accepted';
      m.joinedAt ??= now;
      t.connectedAt ??= now;
    } else if (member.state === 'ringing') {
      if (m.outcome !== 'accepted') m.outcome = null; // invited again
    } else if (m.outcome !== 'accepted') {
      m.outcome = OUTCOME_OF[member.state] ?? m.outcome;
    }
  }

  callEnded(call: CallRec, reason: EndReason, online: ReadonlySet<string>): void {
    const t = this.#calls.get(call.callId);
    if (!t) return;
    this.#calls.delete(call.callId);
    const endedAt = this.#now();
    const members: StoredMember[] = [];
    for (const [userId, m] of t.members) {
      const outcome: MemberOutcome = m.outcome ?? 'cancelled';
      const missed = MISSED.has(outcome);
      const stored: StoredMember = { userId, outcome, missed, missedDelivered: !missed || (outcome !== 'offline' && online.has(userId)) };
      if (m.joinedAt !== undefined) stored.joinedAt = m.joinedAt;
      members.push(stored);
    }
    const record: CallRecord = {
      callId: call.callId,
      callerId: call.callerId,
      mediaType: call.mediaType,
      members: members.map(({ userId, outcome, joinedAt }) =>
        joinedAt === undefined ? { userId, outcome } : { userId, outcome, joinedAt },
      ),
      startedAt: t.startedAt,
      endedAt,
      endReason: reason,
      durationMs: t.connectedAt === undefined ? 0 : endedAt - t.connectedAt,
    };
    if (call.groupId !== undefined) record.groupId = call.groupId;
    if (t.connectedAt !== undefined) record.connectedAt = t.connectedAt;
    const events = this.options.webhooks
      ? this.#make(call.callId, t, [
          ...members
            .filter((m) => m.missed)
            .map((m) => ({ type: 'missed', userId: m.userId, callerId: call.callerId, mediaType: call.mediaType, outcome: m.outcome })),
          { type: 'call-ended', record },
        ])
      : [];
    const caller = { outcome: (t.connectedAt === undefined ? 'cancelled' : 'accepted') as MemberOutcome, joinedAt: t.startedAt };
    this.#write(() => this.options.store.saveCall({ record, caller, members }, events, endedAt));
  }

  #make(callId: string, t: Tracked, bodies: Record<string, unknown>[]): OutboxEvent[] {
    const at = this.#now();
    return bodies.map((b) => {
      const seq = ++t.seq;
      const eventId = `${this.#run}.${callId}.${seq}`;
      return { eventId, callId, body: JSON.stringify({ id: eventId, ...b, callId, seq, at }) };
    });
  }

  #events(callId: string, t: Tracked, bodies: Record<string, unknown>[]): void {
    if (!this.options.webhooks) return;
    const events = this.#make(callId, t, bodies);
    this.#write(() => this.options.store.enqueue(events, this.#now()));
  }

  #write(fn: () => Promise<void>): void {
    this.#queue = this.#queue.then(fn).then(
      () => this.options.onWritten?.(),
      (err: unknown) => this.options.log.error(`call records: write failed: ${(err as Error).message}`),
    );
  }
}
