/**
 * The heartbeat sweep: one shared timer (no timer per socket) that visits every socket once per
 * interval, spread over the interval in slices. Pinging 10,000 sockets in one turn took 135-200 ms
 * of socket writes (`bench:server`'s CPU profile, every 5 s), and every relay arriving meanwhile
 * waited for it: that was the hold-phase p99. Now each timer turn pings about a hundredth of the
 * sockets (every ~50 ms), and the once-per-pass work (`onPass`: the rate limiter's prune) runs
 * once per interval.
 *
 * The pass walks the live Map with one iterator: a socket added mid-pass is visited in that pass,
 * one removed is not visited again (Map iteration order and semantics).
 */

/** Target time between two slices of the sweep (ms). */
const SLICE_MS = 50;
const MAX_SLICES = 100;

/** How many slices one interval is cut into: one for intervals under 100 ms (tests), at most 100. */
export function sweepSlices(intervalMs: number): number {
  return Math.max(1, Math.min(MAX_SLICES, Math.floor(intervalMs / SLICE_MS)));
}

export class HeartbeatSweep<K, V> {
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly slices: number;
  private cursor: Iterator<V> | null = null;
  /** Slices since the current (or last) pass started; a pass starts at most once per interval. */
  private sliceOfPass = Number.POSITIVE_INFINITY;

  constructor(
    private readonly items: ReadonlyMap<K, V>,
    intervalMs: number,
    private readonly visit: (item: V, now: number) => void,
    private readonly onPass: (now: number) => void,
  ) {
    this.slices = sweepSlices(intervalMs);
    this.timer = setInterval(() => this.slice(), intervalMs / this.slices);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private slice(): void {
    const now = Date.now();
    this.sliceOfPass++;
    let next = this.cursor?.next();
    if (!next || next.done) {
      // The last pass is over (or there was none): start the next one if it is time.
      this.cursor = null;
      if (!this.startPass(now)) return;
      next = (this.cursor as unknown as Iterator<V>).next();
      if (next.done) return;
    }
    // A share of the sockets there are now (the Map may grow during a login storm); a pass that
    // runs late (many visited sockets left meanwhile) speeds up rather than stretch on.
    const quota = Math.ceil(this.items.size / this.slices) * (1 + Math.floor((this.sliceOfPass - 1) / this.slices));
    this.visit(next.value, now);
    for (let i = 1; i < quota; i++) {
      next = (this.cursor as Iterator<V>).next();
      if (next.done) {
        this.cursor = null;
        return;
      }
      this.visit(next.value, now);
    }
  }

  /** Starts a pass if the last one started an interval ago (false: not yet). */
  private startPass(now: number): boolean {
    if (this.sliceOfPass <= this.slices) return false;
    this.sliceOfPass = 1;
    this.onPass(now);
    this.cursor = this.items.values();
    return true;
  }
}
