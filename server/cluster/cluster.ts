/**
 * Many signaling-server processes as one service over Redis (`--redis-url`; docs/multi-node.md).
 *
 * Every node accepts sockets, checks logins and rate limits; the call state machine (the
 * {@link CallRegistry}) runs on one node at a time, the leader, which holds a Redis lease
 * (`callkit:leader`, renewed every third of `leaseMs`). The parts:
 * - requests: a node pushes what its sockets ask (login, profile, call messages, a lost socket) to
 *   the Redis list `callkit:inbox`; the leader pops and applies them in order;
 * - replies and pushes: the leader routes each message by the connection id, whose high bits are the
 *   node's number (`callkit:node-seq`), to the node's pub/sub channel `callkit:out:<node>`;
 * - call state: after each change the leader writes every changed call (JSON, with the members'
 *   states, sockets and resume tokens) to the hash `callkit:calls`, fenced by its lease (Lua);
 * - sockets: each node keeps its logged-in sockets (user, profile, flags) in `callkit:conns:<node>`
 *   and refreshes its liveness key `callkit:node:<node>`;
 * - failure: a node whose liveness key expired is dead: the leader treats its sockets as lost (the
 *   grace period, then `disconnected`). When the leader dies, its lease expires and another node
 *   takes it: it loads the calls and the live nodes' sockets (`restore.ts`), resumes the ring
 *   timers and gives every member whose socket was on a dead node the grace period, so the member
 *   resumes through any node with its resume token.
 * The leader answers in memory (no Redis round trip per transition) and is a single writer, so no
 * per-call locks are needed; the lease and the fenced writes keep a deposed leader from writing.
 */
import { createClient } from '@redis/client';
import type { ClientMessage } from '../../src/protocol/messages.js';
import type { CallRec, ConnId, IncomingFlags, OutgoingServerMessage, ProfileFields } from '../call-model.js';
import type { Logger } from '../options.js';
import type { OperatorProfile } from '../profiles.js';
import type { ActiveCall, CallRegistry } from '../registry.js';
import { activeCall } from '../call-events.js';
import { decodeCall, decodeStored, encodeCall } from './codec.js';
import { carriedOf, type CarriedState } from './carried.js';
import type { RestoredConn } from './restore.js';
import type { UrlCallPolicy } from '../call-policy-url.js';

/** Connection ids of node n are n * CONN_BASE + 1, + 2, ... (safe integers up to node 2^21). */
export const CONN_BASE = 2 ** 32;
const P = 'callkit:';
const K = {
  seq: `${P}node-seq`,
  nodes: `${P}nodes`,
  leader: `${P}leader`,
  inbox: `${P}inbox`,
  calls: `${P}calls`,
  node: (n: number | string) => `${P}node:${n}`,
  conns: (n: number | string) => `${P}conns:${n}`,
  out: (n: number | string) => `${P}out:${n}`,
};

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const FLUSH = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[2])
for i = 3, 2 + 2 * n, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
for i = 3 + 2 * n, #ARGV do redis.call('HDEL', KEYS[2], ARGV[i]) end
return 1`;

type CallRequest = Parameters<CallRegistry['handle']>[1];
type SfuRequest = Extract<ClientMessage, { type: 'sfu' }>;
type InboxOp =
  | { o: 'login'; c: ConnId; u: string; p: ProfileFields; f: IncomingFlags; n: boolean; s?: OperatorProfile; r?: OutgoingServerMessage }
  | { o: 'profile'; c: ConnId; p: ProfileFields; f?: IncomingFlags; r?: OutgoingServerMessage }
  | { o: 'msg'; c: ConnId; m: CallRequest; u?: string; p?: [string, boolean][] }
  | { o: 'sfu'; c: ConnId; u: string; m: SfuRequest }
  | { o: 'gone'; c: ConnId; ms: number }
  | { o: 'admin'; id: string; from: number; do: AdminAction };

type Client = ReturnType<typeof createClient>;

/** The admin API's actions on live calls, which only the leader can take. */
export interface ClusterAdmin {
  terminate(callId: string, message?: string): boolean;
  setMaxDuration(callId: string, seconds: number): { endsAt: number | null } | undefined;
}
type AdminAction = { a: 'end'; callId: string; message?: string } | { a: 'max'; callId: string; seconds: number };
interface AdminAnswer {
  id: string;
  result: unknown;
}
/** The connection id of an admin answer on a node's channel. */
const RPC = -1;
/** How long a node waits for the leader to answer an admin request. */
const RPC_TIMEOUT_MS = 10_000;

export interface ClusterOptions {
  url: string;
  /** Leader lease and node liveness, in ms: a dead node is noticed (and a dead leader replaced) within it. */
  leaseMs: number;
  log: Logger;
  /** Observers' per-call state stored with each call (`carried.ts`): call limits, the call recorder. */
  carriers?: readonly CarriedState[];
  /**
   * Charges an invite to the user's budget on the leader (which sees every node's invites): null,
   * or why it is refused. Absent: invites are not charged.
   */
  chargeInvite?: (userId: string) => string | null;
  /** `callPolicyUrl`: the node that took an invite sends its answers with it; the leader uses them. */
  policy?: Pick<UrlCallPolicy, 'answers' | 'remember'>;
  /**
   * The SFU (`sfu/sfu-calls.ts`): the leader owns every call's Janus room, so a member's `sfu`
   * messages go to the leader (checked there, as on one node) and Janus's answers come back on the
   * member's node channel. Absent: `sfu` messages are refused (`not-supported`).
   */
  sfu?: { handle(conn: ConnId, userId: string, message: SfuRequest): void };
}

export class Cluster {
  private cmd!: Client;
  private sub!: Client;
  private blocking!: Client;
  private nodeId = 0;
  private leading = false;
  private closed = false;
  private tickTimer: ReturnType<typeof setTimeout> | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> | null = null;
  private dirty = false;
  /** Messages (to sockets, admin answers) waiting for the state they follow from to be stored. */
  private outbox: (() => void)[] = [];
  /** Admin requests this node sent to the leader, by id. */
  private readonly pending = new Map<string, { resolve: (result: unknown) => void; timer: ReturnType<typeof setTimeout> }>();
  private nextRpc = 0;
  /** The calls as last written to Redis (callId -> JSON). */
  private written = new Map<string, string>();
  /** This node's logged-in sockets, as stored in `callkit:conns:<node>`. */
  private readonly local = new Map<ConnId, RestoredConn>();

  constructor(
    private readonly options: ClusterOptions,
    private readonly registry: CallRegistry,
    /** Sends to a socket of this node. */
    private readonly deliver: (conn: ConnId, message: OutgoingServerMessage) => void,
    /** What admin requests do on the leader. */
    private readonly admin: ClusterAdmin,
    /** Closes every socket of this node (1012); returns how many. */
    private readonly restart: () => number,
  ) {}

  /** The first connection id of this node, minus one (after {@link start}). */
  get connBase(): number {
    return this.nodeId * CONN_BASE;
  }

  private get carriers(): readonly CarriedState[] {
    return this.options.carriers ?? [];
  }

  get isLeader(): boolean {
    return this.leading;
  }

  async start(): Promise<void> {
    const { log } = this.options;
    this.cmd = createClient({ url: this.options.url });
    this.cmd.on('error', (err: Error) => log.error(`redis: ${err.message}`));
    await this.cmd.connect();
    this.sub = this.cmd.duplicate();
    this.blocking = this.cmd.duplicate();
    for (const c of [this.sub, this.blocking]) c.on('error', (err: Error) => log.error(`redis: ${err.message}`));
    await Promise.all([this.sub.connect(), this.blocking.connect()]);
    this.nodeId = await this.cmd.incr(K.seq);
    if (this.nodeId >= 2 ** 21) throw new Error('redis: node numbers exhausted (reset callkit:node-seq)');
    await this.cmd.set(K.node(this.nodeId), '1', { PX: this.options.leaseMs });
    await this.cmd.sAdd(K.nodes, String(this.nodeId));
    await this.sub.subscribe(K.out(this.nodeId), (raw: string) => {
      const [conn, message] = JSON.parse(raw) as [ConnId, OutgoingServerMessage | AdminAnswer];
      if (conn === RPC) return this.answered(message as AdminAnswer);
      this.deliver(conn, message as OutgoingServerMessage);
    });
    log.info(`cluster: node ${this.nodeId} joined`);
    await this.tick();
  }

  // ---- the front: what this node's sockets ask, for the leader -----------------------------------

  /** `login-ok` and the profile `ok` are sent by the leader once it applied them (see `CallService`). */
  readonly sendsReplies = true;

  login(
    conn: ConnId,
    userId: string,
    profile: ProfileFields,
    flags: IncomingFlags = {},
    newPage = false,
    signed?: OperatorProfile,
    reply?: OutgoingServerMessage,
  ): void {
    const rec: RestoredConn = { conn, userId, profile: { ...profile }, flags: { ...flags }, ...(signed ? { signed } : {}) };
    this.local.set(conn, rec);
    this.run(this.cmd.hSet(K.conns(this.nodeId), String(conn), JSON.stringify(rec)));
    this.push({
      o: 'login',
      c: conn,
      u: userId,
      p: profile,
      f: flags,
      n: newPage,
      ...(signed ? { s: signed } : {}),
      ...(reply ? { r: reply } : {}),
    });
  }

  setProfile(conn: ConnId, profile: ProfileFields, flags?: IncomingFlags, reply?: OutgoingServerMessage): void {
    const rec = this.local.get(conn);
    if (rec) {
      if (profile.name !== undefined) rec.profile.name = profile.name;
      if (profile.avatar !== undefined) rec.profile.avatar = profile.avatar;
      if (flags?.multiIncoming !== undefined) rec.flags.multiIncoming = flags.multiIncoming;
      if (flags?.callWaiting !== undefined) rec.flags.callWaiting = flags.callWaiting;
      this.run(this.cmd.hSet(K.conns(this.nodeId), String(conn), JSON.stringify(rec)));
    }
    this.push({ o: 'profile', c: conn, p: profile, ...(flags ? { f: flags } : {}), ...(reply ? { r: reply } : {}) });
  }

  /** Invites are charged to the user's budget by the leader ({@link ClusterOptions.chargeInvite}). */
  readonly chargesInvites = true;

  handle(conn: ConnId, message: ClientMessage & CallRequest): void {
    const invite = message.type === 'invite' || message.type === 'invite-user';
    const userId = invite ? this.local.get(conn)?.userId : undefined;
    const policy = this.options.policy;
    const answers = invite && userId !== undefined && policy ? policy.answers(userId, message.to) : undefined;
    this.push({ o: 'msg', c: conn, m: message, ...(userId !== undefined ? { u: userId } : {}), ...(answers ? { p: answers } : {}) });
  }

  /** A member's `sfu` message, for the leader's SFU (`userId`: the socket's, checked at login here). */
  sfu(conn: ConnId, userId: string, message: SfuRequest): void {
    this.push({ o: 'sfu', c: conn, u: userId, m: message });
  }

  disconnect(conn: ConnId, silentForMs = 0): void {
    if (this.local.delete(conn)) this.run(this.cmd.hDel(K.conns(this.nodeId), String(conn)));
    this.push({ o: 'gone', c: conn, ms: silentForMs });
  }

  /**
   * The registry's `send` (it runs on the leader only). Write-ahead: messages wait until the state
   * change that made them is stored (the next {@link flush}), so whatever a client was told survives
   * the leader's death.
   */
  send(conn: ConnId, message: OutgoingServerMessage): void {
    if (!this.leading) return this.route(conn, message);
    this.outbox.push(() => this.route(conn, message));
    this.markDirty();
  }

  /** To a socket here, or to its node's channel. */
  private route(conn: ConnId, message: OutgoingServerMessage): void {
    const node = Math.floor(conn / CONN_BASE);
    if (node === this.nodeId) return this.deliver(conn, message);
    this.run(this.cmd.publish(K.out(node), JSON.stringify([conn, message])));
  }

  // ---- the admin API on any node ---------------------------------------------------------------

  /** Every live call of the service, as the leader last stored them. */
  async activeCalls(): Promise<ActiveCall[]> {
    return Object.values(await this.cmd.hGetAll(K.calls)).map((text) => activeCall(decodeCall(text)));
  }

  /** Ends a live call (through the leader); false when there is none. */
  async terminate(callId: string, message?: string): Promise<boolean> {
    return (await this.ask({ a: 'end', callId, ...(message !== undefined ? { message } : {}) })) === true;
  }

  /** Sets a call's maximum duration (through the leader); undefined when there is no such call. */
  async setMaxDuration(callId: string, seconds: number): Promise<{ endsAt: number | null } | undefined> {
    return ((await this.ask({ a: 'max', callId, seconds })) as { endsAt: number | null } | null) ?? undefined;
  }

  private ask(action: AdminAction): Promise<unknown> {
    const id = `${this.nodeId}:${++this.nextRpc}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('the cluster leader did not answer'));
      }, RPC_TIMEOUT_MS);
      this.pending.set(id, { resolve, timer });
      this.push({ o: 'admin', id, from: this.nodeId, do: action });
    });
  }

  private answered(answer: AdminAnswer): void {
    const waiting = this.pending.get(answer.id);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.pending.delete(answer.id);
    waiting.resolve(answer.result);
  }

  private push(op: InboxOp): void {
    this.run(this.cmd.rPush(K.inbox, JSON.stringify(op)));
  }

  private run(p: Promise<unknown>): void {
    p.catch((err: unknown) => this.options.log.error(`redis: ${(err as Error).message}`));
  }

  // ---- lease, liveness, take-over ------------------------------------------------------------

  private async tick(): Promise<void> {
    this.tickTimer = undefined;
    if (this.closed) return;
    const { leaseMs } = this.options;
    try {
      if ((await this.cmd.set(K.node(this.nodeId), '1', { PX: leaseMs, XX: true })) === null) await this.lapsed();
      if (this.leading) {
        const renewed = await this.cmd.eval(RENEW, { keys: [K.leader], arguments: [String(this.nodeId), String(leaseMs)] });
        if (renewed !== 1) this.stepDown('lost the lease');
        else await this.sweep();
      } else if ((await this.cmd.set(K.leader, String(this.nodeId), { NX: true, PX: leaseMs })) === 'OK') {
        await this.lead();
      }
    } catch (err) {
      this.options.log.error(`cluster: ${(err as Error).message}`);
    }
    if (!this.closed) {
      this.tickTimer = setTimeout(() => void this.tick(), Math.max(50, Math.floor(leaseMs / 3)));
      this.tickTimer.unref?.();
    }
  }

  /**
   * This node's liveness key expired (it stalled, or lost Redis, for longer than the lease): the
   * leader may have declared it dead and dropped its sockets from the calls. Its sockets are closed
   * (1012), so their clients reconnect and resume, and it joins again.
   */
  private async lapsed(): Promise<void> {
    const closed = this.restart();
    this.options.log.warn(
      `cluster: node ${this.nodeId} was out of touch for over ${this.options.leaseMs} ms: closed its ${closed} sockets`,
    );
    await this.cmd.set(K.node(this.nodeId), '1', { PX: this.options.leaseMs });
    await this.cmd.sAdd(K.nodes, String(this.nodeId));
  }

  /** This node got the lease: load the calls and the live nodes' sockets, then serve the inbox. */
  private async lead(): Promise<void> {
    const stored = await this.cmd.hGetAll(K.calls);
    const conns: RestoredConn[] = [];
    for (const n of await this.cmd.sMembers(K.nodes)) {
      if (Number(n) !== this.nodeId && !(await this.cmd.exists(K.node(n)))) {
        await this.forget(n);
        continue;
      }
      for (const raw of Object.values(await this.cmd.hGetAll(K.conns(n)))) conns.push(JSON.parse(raw) as RestoredConn);
    }
    const calls: CallRec[] = [];
    for (const text of Object.values(stored)) {
      const { call, carried } = decodeStored(text);
      for (const c of this.carriers) c.adopt(call, carried[c.carryKey]);
      calls.push(call);
    }
    this.written = new Map(Object.entries(stored));
    this.leading = true;
    this.registry.restore(calls, conns);
    this.options.log.info(`cluster: node ${this.nodeId} leads (took over ${calls.length} calls, ${conns.length} sockets)`);
    for (const c of this.carriers) c.taken?.();
    this.markDirty();
    void this.consume();
  }

  private stepDown(why: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.registry.close();
    for (const c of this.carriers) c.forgetAll();
    this.written.clear();
    this.options.log.warn(`cluster: node ${this.nodeId} stops leading: ${why}`);
  }

  /** Dead nodes (liveness key expired): their sockets are lost; their calls keep the grace period. */
  private async sweep(): Promise<void> {
    for (const n of await this.cmd.sMembers(K.nodes)) {
      if (Number(n) === this.nodeId || (await this.cmd.exists(K.node(n)))) continue;
      const conns = await this.cmd.hKeys(K.conns(n));
      this.options.log.warn(`cluster: node ${n} is gone (${conns.length} sockets)`);
      for (const c of conns) this.registry.disconnect(Number(c), 0);
      await this.forget(n);
    }
  }

  private async forget(n: string): Promise<void> {
    await this.cmd.del(K.conns(n));
    await this.cmd.sRem(K.nodes, n);
  }

  private async consume(): Promise<void> {
    while (this.leading && !this.closed) {
      let items: string[];
      try {
        const first = await this.blocking.blPop(K.inbox, 1);
        if (!first) continue;
        items = [first.element];
        const more = await this.blocking.lPopCount(K.inbox, 500);
        if (more) items.push(...more);
      } catch (err) {
        if (this.closed) return;
        this.options.log.error(`cluster: inbox: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      if (!this.leading) {
        // Deposed while popping: hand the requests back to the next leader, in order.
        this.run(this.cmd.lPush(K.inbox, items.reverse()));
        return;
      }
      for (const raw of items) this.apply(raw);
      this.markDirty();
    }
  }

  private apply(raw: string): void {
    try {
      const op = JSON.parse(raw) as InboxOp;
      switch (op.o) {
        case 'login':
          if (op.r) this.send(op.c, op.r);
          return this.registry.login(op.c, op.u, op.p, op.f, op.n, op.s);
        case 'profile':
          this.registry.setProfile(op.c, op.p, op.f);
          if (op.r) this.send(op.c, op.r);
          return;
        case 'msg': {
          if (op.u !== undefined && op.p) this.options.policy?.remember(op.u, op.p);
          const refused = op.u !== undefined ? (this.options.chargeInvite?.(op.u) ?? null) : null;
          if (refused !== null) return this.send(op.c, { type: 'error', ref: op.m.id, code: 'rate-limited', message: refused });
          return this.registry.handle(op.c, op.m);
        }
        case 'sfu':
          if (!this.options.sfu)
            return this.send(op.c, {
              type: 'error',
              ref: op.m.id,
              code: 'not-supported',
              message: 'this server has no media server (SFU)',
            });
          return this.options.sfu.handle(op.c, op.u, op.m);
        case 'gone':
          return this.registry.disconnect(op.c, op.ms);
        case 'admin': {
          const d = op.do;
          const result =
            d.a === 'end' ? this.admin.terminate(d.callId, d.message) : (this.admin.setMaxDuration(d.callId, d.seconds) ?? null);
          this.outbox.push(() => this.run(this.cmd.publish(K.out(op.from), JSON.stringify([RPC, { id: op.id, result }]))));
          return;
        }
      }
    } catch (err) {
      this.options.log.error(`cluster: request failed: ${(err as Error)?.stack ?? String(err)}`);
    }
  }

  // ---- call state in Redis --------------------------------------------------------------------

  private markDirty(): void {
    if (!this.leading) return;
    this.dirty = true;
    if (this.flushTimer || this.closed) return;
    // After the current batch of requests (or timer callbacks) has run.
    this.flushTimer = setTimeout(() => void this.flush(), 0);
  }

  /** Writes every call that changed since the last write (and deletes ended ones), if still the leader. */
  private flush(): Promise<void> {
    this.flushTimer = undefined;
    if (this.flushing) return this.flushing.then(() => this.flush());
    if (!this.leading || !this.dirty) return Promise.resolve();
    this.dirty = false;
    const outbox = this.outbox;
    this.outbox = [];
    const now = new Map<string, string>();
    for (const call of this.registry.liveCallRecords()) now.set(call.callId, encodeCall(call, carriedOf(this.carriers, call.callId)));
    const sets: string[] = [];
    for (const [id, json] of now) if (this.written.get(id) !== json) sets.push(id, json);
    const dels = [...this.written.keys()].filter((id) => !now.has(id));
    const deliver = () => {
      for (const fn of outbox) fn();
    };
    if (sets.length === 0 && dels.length === 0) {
      deliver();
      return Promise.resolve();
    }
    this.flushing = (async () => {
      try {
        const args = [String(this.nodeId), String(sets.length / 2), ...sets, ...dels];
        const ok = await this.cmd.eval(FLUSH, { keys: [K.leader, K.calls], arguments: args });
        if (ok === 1) {
          this.written = now;
          deliver();
        } else this.stepDown('the lease was taken');
      } catch (err) {
        // Redis is unreachable: the clients are still answered (their calls go on while this node leads).
        this.dirty = true;
        deliver();
        this.options.log.error(`cluster: storing calls failed: ${(err as Error).message}`);
      } finally {
        this.flushing = null;
      }
      if (this.dirty) this.markDirty();
    })();
    return this.flushing;
  }

  /** Leaves the cluster: the last state is written, the lease released, this node's sockets forgotten. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (!this.cmd?.isOpen) return;
    try {
      // This node's sockets are gone for the calls (their members get the grace period).
      for (const conn of this.local.keys()) this.push({ o: 'gone', c: conn, ms: 0 });
      this.local.clear();
      if (this.leading) {
        await this.flush();
        await this.cmd.eval(RELEASE, { keys: [K.leader], arguments: [String(this.nodeId)] });
      }
      this.leading = false;
      await this.cmd.del([K.node(this.nodeId), K.conns(this.nodeId)]);
      await this.cmd.sRem(K.nodes, String(this.nodeId));
    } catch (err) {
      this.options.log.error(`cluster: leaving: ${(err as Error).message}`);
    }
    this.blocking.destroy();
    await Promise.allSettled([this.sub.close(), this.cmd.close()]);
  }
}
