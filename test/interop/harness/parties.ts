/**
 * Test code only: the two kinds of party in an interop scenario, each recording what its user
 * sees (events in order) so scenarios assert on rings, connects, ends and end reasons.
 * - {@link KitParty}: this project's `TencentEngine` on a {@link SimChat} and the shared rooms.
 * - {@link OfficialParty}: the official `TUICallEngine` (one per process) on a {@link SimChat}.
 */
import { TencentEngine } from '../../../src/engine/tencent/tencent-engine.js';
import type { CallEngineEvents } from '../../../src/engine/types.js';
import type { TencentEngineOptions } from '../../../src/engine/tencent/options.js';
import { FakeCloud, fakeStreamFactory } from '../../helpers/tencent-double.js';
import { ChatBus, type SimChat } from './chat-bus.js';
import { loadOfficial, useOfficialRooms, type OfficialEngine } from './official.js';
import type { ChatLike } from '../../../src/engine/tencent/sdk-types.js';

export const SDK_APP_ID = 1400000001;

export interface Seen {
  name: string;
  data: Record<string, unknown>;
  at: number;
}

/** Polls `fn` until it returns a truthy value, or fails after `ms`. */
export async function until<T>(what: string, fn: () => T | undefined | null | false, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export abstract class Party {
  readonly seen: Seen[] = [];
  constructor(readonly userID: string) {}

  record(name: string, data: unknown): void {
    this.seen.push({ name, data: (data && typeof data === 'object' ? data : { value: data }) as Record<string, unknown>, at: Date.now() });
  }

  /** Events named `name` (seen from index `from` on). */
  events(name: string, from = 0): Seen[] {
    return this.seen.slice(from).filter((e) => e.name === name);
  }

  has(name: string, from = 0): boolean {
    return this.events(name, from).length > 0;
  }

  /** Waits for an event named `name` (from index `from`). */
  wait(name: string, from = 0, ms?: number): Promise<Seen> {
    return until(`${this.userID}: ${name}`, () => this.events(name, from)[0], ms);
  }

  get mark(): number {
    return this.seen.length;
  }

  names(from = 0): string[] {
    return this.seen.slice(from).map((e) => e.name);
  }
}

const KIT_EVENTS: (keyof CallEngineEvents)[] = [
  'onCallReceived',
  'onCallStarted',
  'onCallBegin',
  'onCallEnd',
  'onUserAccept',
  'onUserReject',
  'onUserNoResponse',
  'onUserLineBusy',
  'onUserJoin',
  'onUserLeave',
  'onUserInvited',
  'onCallMediaTypeChanged',
  'onError',
];

export class KitParty extends Party {
  readonly engine: TencentEngine;
  readonly chat: SimChat;
  /** Set to make this user's next TRTC `enterRoom` fail with this error. */
  failEnter: unknown = null;

  constructor(world: World, userID: string, options: TencentEngineOptions = {}) {
    super(userID);
    this.chat = world.bus.chat(userID);
    const trtcModule = world.cloud.trtcModuleFor(userID);
    const create = trtcModule.create.bind(trtcModule);
    trtcModule.create = (createOptions) => {
      const trtc = create(createOptions);
      const enter = trtc.enterRoom.bind(trtc);
      trtc.enterRoom = async (params) => {
        const failure = this.failEnter;
        this.failEnter = null;
        if (failure) throw failure;
        return enter(params);
      };
      return trtc;
    };
    this.engine = new TencentEngine({
      chat: this.chat as unknown as ChatLike,
      loadTRTC: async () => trtcModule,
      createMediaStream: fakeStreamFactory,
      roomJoinTimeoutMs: 4000,
      ...options,
    });
    for (const name of KIT_EVENTS) this.engine.on(name, (payload) => this.record(name, payload));
  }

  async login(): Promise<void> {
    await this.engine.login({ SDKAppID: SDK_APP_ID, userID: this.userID, userSig: `sig-${this.userID}` });
  }

  /** The reason of the last `onCallEnd` (TUICallKit's CallEndReason). */
  endReason(from = 0): unknown {
    return this.events('onCallEnd', from).at(-1)?.data.reason;
  }
}

const OFFICIAL_EVENTS = [
  'onCallReceived',
  'onCallBegin',
  'onCallEnd',
  'onCallNotConnected',
  'onCallCancelled',
  'onUserAccept',
  'onUserReject',
  'onUserNoResponse',
  'onUserLineBusy',
  'onUserJoin',
  'onUserLeave',
  'onUserInviting',
  'onCallMediaTypeChanged',
  'onError',
];

export class OfficialParty extends Party {
  readonly chat: SimChat;
  engine!: OfficialEngine;
  /** In a call (placed, ringing or connected) as far as its events tell. */
  busy = false;

  constructor(world: World, userID: string) {
    super(userID);
    this.chat = world.bus.chat(userID);
  }

  async login(): Promise<void> {
    const mod = await loadOfficial();
    const engine = mod.TUICallEngine.createInstance({ SDKAppID: SDK_APP_ID, tim: this.chat });
    for (const name of OFFICIAL_EVENTS) {
      engine.on(name, (payload: unknown) => {
        this.record(name, payload);
        if (name === 'onCallReceived' || name === 'onCallBegin') this.busy = true;
        if (name === 'onCallEnd' || name === 'onCallNotConnected' || name === 'onCallCancelled') this.busy = false;
      });
    }
    // Placing or joining a call makes it busy too.
    const starts = new Set(['call', 'groupCall', 'calls', 'joinInGroupCall']);
    this.engine = new Proxy(engine, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (starts.has(key as string)) this.busy = true;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    await this.engine.login({ userID: this.userID, userSig: `sig-${this.userID}` });
  }

  /** Resets the official engine between scenarios (a stranded call is the scenario's finding, not the next one's). */
  async reset(): Promise<void> {
    if (!this.busy) return;
    // Bounded: hangup() may not settle when the engine has nothing to hang up.
    await Promise.race([this.engine.hangup().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000))]);
    this.busy = false;
  }
}

/** One chat bus and one room registry shared by every party of a suite. */
export class World {
  readonly bus = new ChatBus();
  readonly cloud = new FakeCloud();

  constructor(officialUser: string) {
    useOfficialRooms(this.cloud, officialUser);
  }

  /** Users currently in the TRTC room of `room` (numeric or string). */
  roomMembers(room: number | string): string[] {
    return this.cloud.roomMembers(this.cloud.roomKey(typeof room === 'number' ? { roomId: room } : { strRoomId: room }));
  }

  /** Every room the user is in now. */
  roomsOf(userID: string): string[] {
    const out: string[] = [];
    for (const [key, members] of this.cloud.rooms) if ([...members].some((t) => t.user === userID)) out.push(key);
    return out;
  }
}
