/**
 * Which calls go through the SFU, and the relay between members and their Janus handles (see the
 * protocol header, "Group video through the SFU"). Browsers never see Janus: a member's `sfu`
 * messages are checked here (the call socket of an accepted member, as for `relay`) and handed to
 * the call's {@link SfuRoom}; Janus's offers and answers go back to that member's call socket.
 *
 * Modes (`SignalingServerOptions.sfu`): `always` (every call, from its first accept), `auto` (a
 * video call once it has 4 accepted members: members are told `sfu start` and switch without the
 * call dropping), `never`. Without a reachable Janus every call stays mesh.
 *
 * The registry tells this module of member changes and call ends ({@link CallObserver}); it does
 * not call back into the registry synchronously (pushes only, and `terminate` from Janus's loss).
 *
 * On a cluster (`--redis-url`, docs/multi-node.md) this runs on the leader, beside the registry: the
 * leader owns every call's Janus room and handles; a member's `sfu` messages reach it through the
 * inbox (`Cluster.sfu`) and its pushes go out through the cluster's `send`. Which calls go through
 * the SFU, and their room and its secret, are stored with the call ({@link CarriedState}). A new
 * leader ends those calls with a clear reason ({@link LEADER_CHANGED}): their handles lived in the
 * old leader's Janus session, so no media path is left to take over; it destroys the old room.
 */
import type { Jsep } from 'janode';
import type { ClientMessage } from '../../src/protocol/messages.js';
import type { CallObserver } from '../call-events.js';
import type { CallRec, ConnId, MemberRec, OutgoingServerMessage } from '../call-model.js';
import type { JanusLocation, Logger, SfuMode } from '../options.js';
import { startJanus, type JanusInstance } from './janus-process.js';
import { JanusSfu, type SfuRoom } from './janus-sfu.js';
import type { CarriedState } from '../cluster/carried.js';

/** Accepted members (video call) from which `auto` moves a call to the SFU. */
export const SFU_AUTO_MEMBERS = 4;

/** `call-ended {ended}`'s message for an SFU call a new cluster leader could not take over. */
export const LEADER_CHANGED = 'the media server (SFU) session was lost: the service changed leader';

/** What a cluster leader stores with an SFU call: 1 before its room exists, then the room and its secret. */
type CarriedSfu = 1 | { r: number; s: string };

export interface SfuCallsOptions {
  mode: SfuMode;
  janus: JanusLocation | null;
  send(conn: ConnId, message: OutgoingServerMessage): void;
  call(callId: string): CallRec | undefined;
  /** Ends a call whose media server went away (`call-ended {ended, message}`). */
  terminate(callId: string, message: string): void;
  log: Logger;
}

type SfuRequest = Extract<ClientMessage, { type: 'sfu' }>;

export class SfuCalls implements CallObserver, CarriedState {
  readonly carryKey = 'sfu';
  private sfu: JanusSfu | null = null;
  private process: JanusInstance | null = null;
  /** Calls that go through the SFU, with their room (created on the first need). */
  private readonly rooms = new Map<string, Promise<SfuRoom>>();
  private readonly active = new Set<string>();
  /** Per member (`callId user`): its `sfu` messages reach Janus one at a time, in order. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Room and secret of each created room (what a cluster leader stores with the call). */
  private readonly roomIds = new Map<string, { r: number; s: string }>();
  /** SFU calls a new cluster leader took over (ended in {@link taken}). */
  private readonly adopted = new Map<string, CarriedSfu>();
  /** Bumped when a cluster leader steps down: work begun before sends nothing after. */
  private epoch = 0;
  private starting: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: SfuCallsOptions) {}

  /** Connects to (or starts) Janus; on failure logs one warning and every call stays mesh. */
  start(): Promise<void> {
    return (this.starting ??= this.connect());
  }

  private async connect(): Promise<void> {
    const { janus, mode, log } = this.options;
    if (mode === 'never' || !janus) return;
    try {
      let url: string;
      if ('url' in janus) url = janus.url;
      else {
        const started = await startJanus(janus.start);
        this.process = started;
        url = started.url;
        // If this process dies without close() (a killed dev server), Janus goes with it.
        const kill = () => void (started.pid && process.kill(started.pid, 'SIGTERM'));
        process.once('exit', kill);
        void started.exited.then(() => process.off('exit', kill));
      }
      if (this.closed) return void (await this.process?.stop());
      const sfu = await JanusSfu.connect(url);
      if (this.closed) return void (await sfu.close());
      this.sfu = sfu;
      sfu.onClosed((why) => this.lost(why));
      log.info(`SFU: Janus at ${url} (mode ${mode})`);
    } catch (err) {
      await this.process?.stop();
      this.process = null;
      log.warn(`SFU unavailable, calls use mesh only: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  /** An SFU can carry calls now (`login-ok.sfu`). */
  get available(): boolean {
    return this.sfu !== null && !this.sfu.isClosed && this.options.mode !== 'never';
  }

  /** Whether `call` goes through the SFU (already, or from its current membership). */
  private wants(call: CallRec): boolean {
    if (this.active.has(call.callId)) return true;
    if (!this.available) return false;
    if (this.options.mode === 'always') return true;
    if (call.mediaType !== 'video') return false;
    let accepted = 0;
    for (const m of call.members.values()) if (m.state === 'accepted') accepted++;
    return accepted >= SFU_AUTO_MEMBERS;
  }

  /** Marks `invite-ok` / `call-started` / `resumed` of an SFU call with `sfu: true`; other messages pass. */
  stamp(message: OutgoingServerMessage): OutgoingServerMessage {
    if (message.type !== 'invite-ok' && message.type !== 'call-started' && message.type !== 'resumed') return message;
    const call = this.options.call(message.callId);
    return call && this.wants(call) ? { ...message, sfu: true } : message;
  }

  memberChanged(call: CallRec, member: MemberRec): void {
    if (member.state !== 'accepted') {
      const room = this.rooms.get(call.callId);
      if (room) void room.then((r) => r.leave(member.userId)).catch(() => undefined);
      return;
    }
    if (this.active.has(call.callId) || !this.wants(call)) return;
    // The call moves to the SFU: every accepted member publishes there from now on.
    this.active.add(call.callId);
    for (const m of call.members.values()) {
      if (m.state === 'accepted' && m.conn !== undefined)
        this.options.send(m.conn, { type: 'sfu', callId: call.callId, data: { kind: 'start' } });
    }
  }

  callEnded(call: CallRec): void {
    this.active.delete(call.callId);
    this.roomIds.delete(call.callId);
    const room = this.rooms.get(call.callId);
    this.rooms.delete(call.callId);
    if (room) void room.then((r) => r.destroy()).catch(() => undefined);
  }

  // ---- a cluster's leader change (cluster/carried.ts) ------------------------------------------

  carry(callId: string): CarriedSfu | undefined {
    if (!this.active.has(callId)) return undefined;
    return this.roomIds.get(callId) ?? 1;
  }

  adopt(call: CallRec, data: unknown): void {
    if (data === 1 || (typeof data === 'object' && data !== null)) this.adopted.set(call.callId, data as CarriedSfu);
  }

  /**
   * The registry holds the adopted calls now: each SFU call ends with {@link LEADER_CHANGED} (its
   * members' media went through handles of the old leader's Janus session, gone or going with it),
   * and its room is destroyed where this node's Janus has it (best effort).
   */
  taken(): void {
    const adopted = [...this.adopted];
    this.adopted.clear();
    for (const [callId, carried] of adopted) {
      if (typeof carried === 'object' && typeof carried.r === 'number' && typeof carried.s === 'string')
        void this.sfu?.destroyRoom(carried.r, carried.s).catch(() => undefined);
      if (this.options.call(callId)) this.options.terminate(callId, LEADER_CHANGED);
    }
    if (adopted.length) this.options.log.warn(`SFU: ended ${adopted.length} call(s) through the previous leader's rooms`);
  }

  /** This node stops leading: its rooms go (their members' calls are ended by the next leader), nothing is sent. */
  forgetAll(): void {
    this.epoch++;
    const rooms = [...this.rooms.values()];
    this.rooms.clear();
    this.active.clear();
    this.roomIds.clear();
    this.adopted.clear();
    this.chains.clear();
    for (const room of rooms) void room.then((r) => r.destroy()).catch(() => undefined);
  }

  /** A member's `sfu` message. */
  handle(conn: ConnId, me: string, msg: SfuRequest): void {
    const { send, log } = this.options;
    const fail = (code: 'call-not-found' | 'not-supported' | 'not-in-call' | 'internal', text: string, field?: string) =>
      send(conn, { type: 'error', ref: msg.id, code, message: text, ...(field ? { field } : {}) });
    if (!this.available) return fail('not-supported', 'this server has no media server (SFU)');
    const call = this.options.call(msg.callId);
    const member = call?.members.get(me);
    if (!call || member?.state !== 'accepted' || member.conn !== conn) return fail('call-not-found', 'no such call');
    if (!this.wants(call)) return fail('not-supported', 'this call does not go through the SFU');
    const callId = call.callId;
    const epoch = this.epoch;
    const reply = (conn2: ConnId | undefined, data: Extract<OutgoingServerMessage, { type: 'sfu' }>['data']) => {
      if (conn2 !== undefined && epoch === this.epoch) send(conn2, { type: 'sfu', callId, data });
    };
    const data = msg.data;
    if (data.kind === 'layer' && (data.userId === me || call.members.get(data.userId)?.state !== 'accepted')) {
      return fail('not-in-call', `${data.userId} is not in the call`, 'userId');
    }
    const key = `${callId} ${me}`;
    const run = (this.chains.get(key) ?? Promise.resolve())
      // A leader that stepped down meanwhile creates no room (nobody would destroy it).
      .then(() => (epoch === this.epoch ? this.room(call) : Promise.reject(new Error('no longer leading'))))
      .then(async (room) => {
        switch (data.kind) {
          case 'publish': {
            const answer = await room.publish(me, data.description as Jsep);
            return reply(call.members.get(me)?.conn, { kind: 'answer', description: { type: 'answer', sdp: answer.sdp ?? '' } });
          }
          case 'answer':
            return room.answer(me, data.description as Jsep);
          case 'restart':
            return room.restartSubscriber(me);
          case 'layer':
            return void (await room.setSubstream(me, data.userId, data.substream));
          case 'candidate':
            return room.trickle(me, data.pc, data.candidate ? { ...data.candidate, sdpMid: data.candidate.sdpMid ?? undefined } : null);
        }
      })
      .catch((err: Error) => {
        if (epoch !== this.epoch) return;
        log.warn(`SFU ${data.kind} of ${me} in ${callId} failed: ${err.message}`);
        if (data.kind !== 'candidate' && data.kind !== 'restart') fail('internal', `the media server refused the ${data.kind}`);
      });
    this.chains.set(key, run);
    void run.then(() => this.chains.get(key) === run && this.chains.delete(key));
  }

  private room(call: CallRec): Promise<SfuRoom> {
    let room = this.rooms.get(call.callId);
    if (room) return room;
    const sfu = this.sfu;
    if (!sfu) return Promise.reject(new Error('no SFU'));
    const callId = call.callId;
    const created: Promise<SfuRoom> = sfu.createRoom({
      onSubscriberOffer: (userId, offer, streams) => {
        if (this.rooms.get(callId) !== created) return; // the call ended, or this node stopped leading
        const conn = this.options.call(callId)?.members.get(userId)?.conn;
        if (conn === undefined) return;
        this.options.send(conn, {
          type: 'sfu',
          callId,
          data: { kind: 'offer', description: { type: 'offer', sdp: offer.sdp ?? '' }, streams },
        });
      },
      onError: (userId, err) => this.options.log.warn(`SFU subscription of ${userId} in ${callId} failed: ${err.message}`),
    });
    room = created;
    this.rooms.set(callId, created);
    created.then(
      (r) => this.rooms.get(callId) === created && this.roomIds.set(callId, { r: r.room, s: r.secret }),
      () => this.rooms.get(callId) === created && this.rooms.delete(callId),
    );
    return created;
  }

  /** Janus went away: every call through it ends with a clear reason; later calls use mesh. */
  private lost(why: string): void {
    if (this.closed) return;
    this.options.log.error(`SFU lost (${why}): ending ${this.active.size} call(s) through it; new calls use mesh`);
    const calls = [...this.active];
    this.active.clear();
    this.rooms.clear();
    this.roomIds.clear();
    for (const callId of calls) this.options.terminate(callId, 'the media server (SFU) stopped');
  }

  /** The running Janus this module started (tests), or null. */
  get janusProcess(): JanusInstance | null {
    return this.process;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => undefined);
    const rooms = [...this.rooms.values()];
    this.rooms.clear();
    await Promise.allSettled(rooms.map((r) => r.then((room) => room.destroy())));
    await this.sfu?.close();
    await this.process?.stop();
  }
}
