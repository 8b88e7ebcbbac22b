/**
 * Presence subscriptions (issue 17 item 5; protocol header, "Presence"): which socket watches
 * which users, what each was last told, and the coalesced pushes. It keeps no presence itself:
 * `statusFor(viewer, userId)` (the registry's {@link CallRegistry.presenceOf}, which applies the
 * operator's `canCall`) says what a viewer may see, and the registry's hooks say whose status may
 * have changed ({@link PresenceWatch.touched}: a login, a user's last socket gone, a call placed, a
 * member's state changed, a call ended). Touched users are flushed together after
 * {@link PRESENCE_COALESCE_MS}: each watching socket gets at most one `presence` frame per flush,
 * naming only the users whose visible status differs from what it was last told. Not used on a
 * cluster (`--redis-url`): a node holds only its own sockets, so presence is refused there.
 */
import { MAX_PRESENCE_WATCH, PRESENCE_COALESCE_MS } from '../src/constants.js';
import type { PresenceStatus } from '../src/protocol/messages.js';
import type { CallObserver } from './call-events.js';
import type { CallRec, ConnId, OutgoingServerMessage } from './call-model.js';
import type { Scheduler } from './call-timers.js';
import { realScheduler } from './call-timers.js';

export interface PresenceWatchOptions {
  /** What `viewer` may see of `userId` (offline when the operator does not let it call the user). */
  statusFor(viewer: string, userId: string): PresenceStatus;
  send(conn: ConnId, message: OutgoingServerMessage): void;
  scheduler?: Scheduler;
  coalesceMs?: number;
}

interface Watcher {
  viewer: string;
  /** Watched user id -> the status this socket was last told. */
  told: Map<string, PresenceStatus>;
}

export type SubscribeResult = { ok: true } | { ok: false; code: 'too-many-watched'; message: string };

export class PresenceWatch implements CallObserver {
  private readonly watchers = new Map<ConnId, Watcher>();
  /** Watched user id -> the sockets watching it. */
  private readonly watchedBy = new Map<string, Set<ConnId>>();
  private readonly dirty = new Set<string>();
  private readonly sched: Scheduler;
  private readonly coalesceMs: number;
  private timer: { handle: unknown } | null = null;

  constructor(private readonly options: PresenceWatchOptions) {
    this.sched = options.scheduler ?? realScheduler;
    this.coalesceMs = options.coalesceMs ?? PRESENCE_COALESCE_MS;
  }

  /**
   * Adds `userIds` to the socket's watch list and answers `presence` (ref) with their statuses; refuses
   * the whole request, changing nothing, when the list would exceed {@link MAX_PRESENCE_WATCH}.
   */
  subscribe(conn: ConnId, viewer: string, userIds: readonly string[], ref: string | undefined): SubscribeResult {
    const watcher = this.watchers.get(conn) ?? { viewer, told: new Map<string, PresenceStatus>() };
    const added = new Set(userIds.filter((u) => !watcher.told.has(u)));
    if (watcher.told.size + added.size > MAX_PRESENCE_WATCH) {
      return {
        ok: false,
        code: 'too-many-watched',
        message: `a socket watches at most ${MAX_PRESENCE_WATCH} users (${watcher.told.size} now, ${added.size} more asked)`,
      };
    }
    this.watchers.set(conn, watcher);
    const users: { userId: string; status: PresenceStatus }[] = [];
    for (const userId of new Set(userIds)) {
      const status = this.options.statusFor(viewer, userId);
      watcher.told.set(userId, status);
      users.push({ userId, status });
      let by = this.watchedBy.get(userId);
      if (!by) this.watchedBy.set(userId, (by = new Set()));
      by.add(conn);
    }
    this.options.send(conn, { type: 'presence', ref, users });
    return { ok: true };
  }

  /** Stops watching `userIds` (undefined: all) on this socket. */
  unsubscribe(conn: ConnId, userIds?: readonly string[]): void {
    const watcher = this.watchers.get(conn);
    if (!watcher) return;
    for (const userId of userIds ?? [...watcher.told.keys()]) {
      if (!watcher.told.delete(userId)) continue;
      const by = this.watchedBy.get(userId);
      by?.delete(conn);
      if (by?.size === 0) this.watchedBy.delete(userId);
    }
    if (watcher.told.size === 0) this.watchers.delete(conn);
  }

  /** The socket is gone: its watch list is dropped. */
  connGone(conn: ConnId): void {
    this.unsubscribe(conn);
  }

  /** `userId`'s status may have changed: its watchers hear of it at the next flush. */
  touched(userId: string): void {
    if (!this.watchedBy.has(userId)) return;
    this.dirty.add(userId);
    if (this.timer) return;
    const timer = { handle: undefined as unknown };
    timer.handle = this.sched.set(this.coalesceMs, () => {
      if (this.timer === timer) this.timer = null;
      this.flush();
    });
    this.timer = timer;
  }

  // ---- CallObserver: entering and leaving calls -----------------------------------------------

  callCreated(call: CallRec): void {
    for (const userId of call.members.keys()) this.touched(userId);
  }

  memberChanged(_call: CallRec, member: { userId: string }): void {
    this.touched(member.userId);
  }

  callEnded(call: CallRec): void {
    for (const userId of call.members.keys()) this.touched(userId);
  }

  /** Sends each watching socket the changes it has not been told, one frame per socket. */
  private flush(): void {
    const batches = new Map<ConnId, { userId: string; status: PresenceStatus }[]>();
    for (const userId of this.dirty) {
      for (const conn of this.watchedBy.get(userId) ?? []) {
        const watcher = this.watchers.get(conn);
        if (!watcher) continue;
        const status = this.options.statusFor(watcher.viewer, userId);
        if (watcher.told.get(userId) === status) continue;
        watcher.told.set(userId, status);
        let batch = batches.get(conn);
        if (!batch) batches.set(conn, (batch = []));
        batch.push({ userId, status });
      }
    }
    this.dirty.clear();
    for (const [conn, users] of batches) this.options.send(conn, { type: 'presence', users });
  }

  /** Flush timers pending (0 or 1). */
  get pendingTimers(): number {
    return this.timer ? 1 : 0;
  }

  /** Sockets watching someone. */
  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Drops everything and the pending flush, sending nothing. */
  close(): void {
    if (this.timer) this.sched.clear(this.timer.handle);
    this.timer = null;
    this.dirty.clear();
    this.watchers.clear();
    this.watchedBy.clear();
  }
}
