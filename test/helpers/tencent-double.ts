/**
 * Test code only: an in-memory double of the slices of `@tencentcloud/chat` and `trtc-sdk-v5` the
 * Tencent engine calls (`src/engine/tencent/sdk-types.ts`), wired through one shared fake cloud so
 * alice's engine can call bob's.
 *
 * Chat signaling follows the SDK's signaling module (3.6.6, `modules/signaling-module.js`):
 * every operation is a custom message whose `payload.data` is the JSON envelope
 * `{ businessID: 1, inviteID, groupID, inviter, inviteeList, data, actionType, timeout }`; the
 * receiver keeps an invite table, emits the TSignaling events with the SDK's payloads, refuses
 * accept/reject/cancel without the invitation or while another one is in flight, and runs the
 * client-side timeout (invitee after `timeout`, inviter after `timeout + 5`, both in "seconds" of
 * `secondMs` milliseconds) that sends an actionType 5 message.
 *
 * TRTC rooms: entering announces `remote-user-enter` both ways, published audio/video as
 * `remote-*-available`, local and remote tracks as `track` events (fake track objects).
 * Everything is delivered asynchronously, in order, like a network.
 */
import type {
  ChatEvent,
  ChatHandler,
  ChatLike,
  ChatModuleLike,
  ChatResponse,
  TRTCDeviceInfo,
  TRTCEventPayloads,
  TRTCLike,
  TRTCLocalAudioConfig,
  TRTCLocalVideoConfig,
  TRTCModuleLike,
  TRTCPluginLike,
  TRTCStreamType,
  VirtualBackgroundOptions,
  BackgroundEffect,
} from '../../src/engine/tencent/sdk-types.js';

/** One signaling message as it went over the fake wire. */
export interface WireMessage {
  from: string;
  to: string;
  conversationType: 'C2C' | 'GROUP';
  message: { type: 'TIMCustomElem'; priority: 'High'; payload: { data: string } };
  envelope: Envelope;
}

interface Envelope {
  businessID: 1;
  inviteID: string;
  groupID: string;
  inviter: string;
  inviteeList: string[];
  data: string;
  actionType: 1 | 2 | 3 | 4 | 5;
  timeout: number;
}

export interface FakeCloudOptions {
  /** Length of one signaling "second" in ms (default 20). */
  secondMs?: number;
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

let uuid = 0;
function inviteId(): string {
  uuid++;
  return `00000000-0000-4000-8000-${uuid.toString(16).padStart(12, '0')}`;
}

export class FakeCloud {
  readonly secondMs: number;
  /** Every signaling message sent, in order. */
  readonly wire: WireMessage[] = [];
  readonly profiles = new Map<string, { nick?: string; avatar?: string }>();
  readonly groups = new Map<string, Set<string>>();
  readonly chats = new Set<FakeChat>();
  readonly rooms = new Map<string, Set<FakeTRTC>>();
  readonly trtcs: FakeTRTC[] = [];
  /** Capture failures to inject per TRTC label: `{ camera: { code, extraCode, message } }`. */
  readonly deviceFailures = new Map<string, { camera?: object; microphone?: object }>();
  /** The app's plan and console switch allow user status (false: the SDK's 3122 NO_USE). */
  userStatusEnabled = true;
  /** Tencent's cap on one user's status subscriptions: past it the oldest are evicted, silently. */
  statusSubscriptionCap = 200;
  /** Users whose chat login is refused with this error. */
  readonly loginFailures = new Map<string, { code: number; message: string }>();
  readonly cameras: TRTCDeviceInfo[] = [
    { deviceId: 'cam-1', label: 'Front camera' },
    { deviceId: 'cam-2', label: 'Back camera' },
  ];
  readonly microphones: TRTCDeviceInfo[] = [{ deviceId: 'mic-1', label: 'Built-in microphone' }];
  readonly speakers: TRTCDeviceInfo[] = [{ deviceId: 'spk-1', label: 'Speakers' }];
  #queue: Promise<void> = Promise.resolve();

  constructor(options: FakeCloudOptions = {}) {
    this.secondMs = options.secondMs ?? 20;
  }

  /** The chat module double (`TencentCloudChat`): a new instance per `create`. */
  get chatModule(): ChatModuleLike {
    return { create: ({ SDKAppID }) => new FakeChat(this, SDKAppID) };
  }

  /**
   * A TRTC module double (the `TRTC` class statics). `label` names the instances it creates
   * (normally the user who will use them) so capture failures can be injected before enterRoom.
   */
  trtcModuleFor(label: string): TRTCModuleLike & { readonly speaker: string } {
    const state = { speaker: '' };
    return {
      get speaker() {
        return state.speaker;
      },
      create: (options) => {
        const trtc = new FakeTRTC(this, label, options ?? {});
        this.trtcs.push(trtc);
        return trtc;
      },
      getCameraList: async () => this.cameras,
      getMicrophoneList: async () => this.microphones,
      getSpeakerList: async () => this.speakers,
      setCurrentSpeaker: async (id: string) => {
        state.speaker = id;
      },
    };
  }

  createGroup(groupID: string, members: string[]): void {
    this.groups.set(groupID, new Set(members));
  }

  /** Delivery in order, each one a macrotask later (a network hop). */
  schedule(fn: () => void): Promise<void> {
    const run = this.#queue.then(tick).then(fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once everything scheduled so far was delivered (and what that triggered, a few rounds). */
  async settle(rounds = 8): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      await this.#queue;
      await tick();
    }
  }

  /** Chat's `statusType` of a user: 1 ONLINE while some chat of theirs is logged in, else 3 UNLOGINED (web). */
  statusOf(userID: string): number {
    return this.chatsOf(userID).length > 0 ? 1 : 3;
  }

  /** A user logged in or out: `onUserStatusUpdated` to every chat that subscribed to them. */
  statusChanged(userID: string): void {
    if (![...this.chats].some((chat) => chat.statusSubscriptions.includes(userID))) return;
    const data = [{ userID, statusType: this.statusOf(userID), customStatus: '' }];
    void this.schedule(() => {
      for (const chat of this.chats) if (chat.ready && chat.statusSubscriptions.includes(userID)) chat.fire('onUserStatusUpdated', data);
    });
  }

  chatsOf(userID: string): FakeChat[] {
    return [...this.chats].filter((c) => c.user === userID);
  }

  send(sender: FakeChat, to: string, conversationType: 'C2C' | 'GROUP', envelope: Envelope): Promise<void> {
    const message: WireMessage = {
      from: sender.user,
      to,
      conversationType,
      message: { type: 'TIMCustomElem', priority: 'High', payload: { data: JSON.stringify(envelope) } },
      envelope,
    };
    this.wire.push(message);
    const recipients =
      conversationType === 'GROUP'
        ? [...(this.groups.get(to) ?? [])].flatMap((id) => this.chatsOf(id))
        : [...this.chatsOf(to), ...this.chatsOf(sender.user)];
    return this.schedule(() => {
      for (const chat of recipients) if (chat !== sender && chat.ready) chat.receive(message);
    });
  }

  /** Server-side kick (`KICKED_OUT` with one of `TYPES.KICKED_OUT_*`). */
  kick(userID: string, type: string): void {
    for (const chat of this.chatsOf(userID)) chat.kicked(type);
  }

  roomKey(params: { roomId?: number; strRoomId?: string }): string {
    return params.roomId !== undefined ? `n:${params.roomId}` : `s:${params.strRoomId}`;
  }

  roomMembers(key: string): string[] {
    return [...(this.rooms.get(key) ?? [])].map((t) => t.user);
  }

  /** Signaling messages as `{ from, action, cmd, payload }` for compact assertions. */
  get calls(): { from: string; to: string; action: number; payload: Record<string, unknown> | null }[] {
    return this.wire.map((w) => {
      let payload: Record<string, unknown> | null = null;
      try {
        payload = JSON.parse(w.envelope.data) as Record<string, unknown>;
      } catch {
        payload = null;
      }
      return { from: w.from, to: w.to, action: w.envelope.actionType, payload };
    });
  }
}

// ---- chat ---------------------------------------------------------------------------------------

interface InviteInfo extends Envelope {
  isMine: boolean;
}

export class FakeChat implements ChatLike {
  user = '';
  ready = false;
  readonly sdkAppId: number;
  /** Every API call, in order. */
  readonly log: { method: string; args: unknown[] }[] = [];
  readonly #cloud: FakeCloud;
  readonly #handlers = new Map<string, Set<ChatHandler>>();
  readonly #signalHandlers = new Map<string, Set<ChatHandler>>();
  readonly #invites = new Map<string, InviteInfo>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #handling = false;
  /** Users this chat subscribed to, oldest first (`subscribeUserStatus`). */
  readonly statusSubscriptions: string[] = [];
  /** Extra latency of invite()/inviteInGroup() (a slow network before the server takes it), in ms. */
  slowInvitesMs = 0;

  constructor(cloud: FakeCloud, sdkAppId: number) {
    this.#cloud = cloud;
    this.sdkAppId = sdkAppId;
  }

  get listenerCount(): number {
    let n = 0;
    for (const set of [...this.#handlers.values(), ...this.#signalHandlers.values()]) n += set.size;
    return n;
  }

  get pendingInvites(): number {
    return this.#invites.size;
  }

  async login(options: { userID: string; userSig: string }): Promise<unknown> {
    this.log.push({ method: 'login', args: [options] });
    await tick();
    const failure = this.#cloud.loginFailures.get(options.userID);
    if (failure) throw failure;
    this.user = options.userID;
    this.#cloud.chats.add(this);
    this.ready = true;
    this.#cloud.statusChanged(this.user);
    setTimeout(() => this.#emit(this.#handlers, 'sdkStateReady', {}), 0);
    return { code: 0, data: { repeatLogin: false } };
  }

  async logout(): Promise<unknown> {
    this.log.push({ method: 'logout', args: [] });
    this.#reset();
    this.#emit(this.#handlers, 'sdkStateNotReady', {});
    return { code: 0, data: {} };
  }

  isReady(): boolean {
    return this.ready;
  }

  getLoginUser(): unknown {
    return this.user;
  }

  on(eventName: string, handler: ChatHandler): void {
    this.#add(this.#handlers, eventName, handler);
  }

  off(eventName: string, handler: ChatHandler): void {
    this.#handlers.get(eventName)?.delete(handler);
  }

  addSignalingListener(eventName: string, handler: ChatHandler): void {
    this.#add(this.#signalHandlers, eventName, handler);
  }

  removeSignalingListener(eventName: string, handler: ChatHandler): void {
    this.#signalHandlers.get(eventName)?.delete(handler);
  }

  async invite(options: { userID: string; data?: string; timeout?: number }): Promise<ChatResponse> {
    this.log.push({ method: 'invite', args: [options] });
    return this.#invite({ groupID: '', inviteeList: [options.userID], data: options.data ?? '', timeout: options.timeout ?? 0 });
  }

  async inviteInGroup(options: { groupID: string; inviteeList: string[]; data?: string; timeout?: number }): Promise<ChatResponse> {
    this.log.push({ method: 'inviteInGroup', args: [options] });
    return this.#invite({
      groupID: options.groupID,
      inviteeList: [...options.inviteeList],
      data: options.data ?? '',
      timeout: options.timeout ?? 0,
    });
  }

  async cancel(options: { inviteID: string; data?: string }): Promise<ChatResponse> {
    this.log.push({ method: 'cancel', args: [options] });
    const info = this.#invites.get(options.inviteID);
    if (!info || this.#handling || info.inviter !== this.user) throw { code: 8010, message: 'invalid inviteID or operation' };
    this.#handling = true;
    const envelope = this.#envelope(info, 2, info.inviteeList, options.data ?? '');
    await this.#send(envelope, info.groupID || info.inviteeList[0]);
    this.#handling = false;
    this.#invites.delete(info.inviteID);
    return { code: 0, data: {}, inviteID: options.inviteID };
  }

  async accept(options: { inviteID: string; data?: string }): Promise<ChatResponse> {
    return this.#answer('accept', 3, options);
  }

  async reject(options: { inviteID: string; data?: string }): Promise<ChatResponse> {
    return this.#answer('reject', 4, options);
  }

  async updateMyProfile(options: { nick?: string; avatar?: string }): Promise<unknown> {
    this.log.push({ method: 'updateMyProfile', args: [options] });
    this.#cloud.profiles.set(this.user, { ...this.#cloud.profiles.get(this.user), ...options });
    return { code: 0, data: {} };
  }

  async getUserProfile(options: { userIDList: string[] }): Promise<unknown> {
    this.log.push({ method: 'getUserProfile', args: [options] });
    const data = options.userIDList
      .filter((id) => this.#cloud.profiles.has(id))
      .map((id) => ({ userID: id, nick: this.#cloud.profiles.get(id)?.nick ?? '', avatar: this.#cloud.profiles.get(id)?.avatar ?? '' }));
    return { code: 0, data };
  }

  /** The SDK's `getUserStatus` (index.es.js 3.6.6): 3122 without the feature; your own id is online. */
  async getUserStatus(options: { userIDList: string[] }): Promise<unknown> {
    this.log.push({ method: 'getUserStatus', args: [options] });
    await tick();
    if (!this.#cloud.userStatusEnabled) throw { code: 3122, message: 'feature not purchased or not enabled' };
    const successUserList = options.userIDList
      .slice(0, 500)
      .map((userID) => ({ userID, statusType: this.#cloud.statusOf(userID), customStatus: '' }));
    return { code: 0, data: { successUserList, failureUserList: [] } };
  }

  /** The SDK's `subscribeUserStatus`: ids past 100 dropped silently; past the cloud's cap the oldest go. */
  async subscribeUserStatus(options: { userIDList: string[] }): Promise<unknown> {
    this.log.push({ method: 'subscribeUserStatus', args: [options] });
    await tick();
    if (!this.#cloud.userStatusEnabled) throw { code: 3122, message: 'feature not purchased or not enabled' };
    for (const id of options.userIDList.slice(0, 100)) {
      if (!this.statusSubscriptions.includes(id)) this.statusSubscriptions.push(id);
    }
    this.statusSubscriptions.splice(0, Math.max(0, this.statusSubscriptions.length - this.#cloud.statusSubscriptionCap));
    return { code: 0, data: { failureUserList: [] } };
  }

  async unsubscribeUserStatus(options: { userIDList: string[] | undefined }): Promise<unknown> {
    this.log.push({ method: 'unsubscribeUserStatus', args: [options] });
    await tick();
    if (!this.#cloud.userStatusEnabled) throw { code: 3122, message: 'feature not purchased or not enabled' };
    const gone = new Set(options.userIDList ?? this.statusSubscriptions);
    const kept = this.statusSubscriptions.filter((id) => !gone.has(id));
    this.statusSubscriptions.splice(0, this.statusSubscriptions.length, ...kept);
    return { code: 0, data: { failureUserList: [] } };
  }

  /** Test hook: emit a chat event (`netStateChange`, `error`, ...). */
  fire(eventName: string, data: unknown): void {
    this.#emit(this.#handlers, eventName, data);
  }

  /** Called by the cloud. */
  kicked(type: string): void {
    this.#reset();
    this.#emit(this.#handlers, 'kickedOut', { type });
  }

  /** Called by the cloud: the SDK's `_handleActionType`. */
  receive(message: WireMessage): void {
    let e: Envelope;
    try {
      e = JSON.parse(message.message.payload.data) as Envelope;
    } catch {
      return;
    }
    if (!e || e.businessID !== 1 || !e.inviteID) return;
    const base = { inviteID: e.inviteID, inviter: e.inviter, groupID: e.groupID, data: e.data || '' };
    switch (e.actionType) {
      case 1: {
        const included = e.inviteeList.includes(this.user);
        if ((e.groupID && included) || !e.groupID) {
          if (!this.#invites.has(e.inviteID)) this.#invites.set(e.inviteID, { ...e, inviteeList: [...e.inviteeList], isMine: false });
          this.#signal('newInvitationReceived', { ...base, inviteeList: e.inviteeList });
          if (e.inviter !== this.user) this.#startTimer(e.inviteID, false);
        }
        return;
      }
      case 3:
      case 4:
        if (!this.#invites.has(e.inviteID)) return;
        this.#updateInvite(e);
        this.#signal(e.actionType === 3 ? 'ts_invitee_accepted' : 'ts_invitee_rejected', { ...base, invitee: e.inviteeList[0] });
        return;
      case 2:
        if (!this.#invites.has(e.inviteID)) return;
        this.#invites.delete(e.inviteID);
        this.#signal('ts_invitation_cancelled', base);
        return;
      case 5:
        if (!this.#invites.has(e.inviteID)) return;
        this.#updateInvite(e);
        this.#signal('ts_invitation_timeout', { ...base, inviteeList: e.inviteeList, isSelfTimeout: false });
        return;
      default:
        return;
    }
  }

  async #invite(o: { groupID: string; inviteeList: string[]; data: string; timeout: number }): Promise<ChatResponse> {
    if (!this.ready) throw { code: 2999, message: 'not logged in' };
    const envelope: Envelope = {
      businessID: 1,
      inviteID: inviteId(),
      groupID: o.groupID,
      inviter: this.user,
      inviteeList: o.inviteeList,
      data: o.data,
      actionType: 1,
      timeout: o.timeout,
    };
    if (o.groupID && !this.#cloud.groups.get(o.groupID)?.has(this.user)) throw { code: 10007, message: 'not a group member' };
    if (this.slowInvitesMs) await new Promise((resolve) => setTimeout(resolve, this.slowInvitesMs));
    await this.#send(envelope, o.groupID || o.inviteeList[0]);
    this.#invites.set(envelope.inviteID, { ...envelope, inviteeList: [...o.inviteeList], isMine: true });
    this.#startTimer(envelope.inviteID, true);
    return { code: 0, data: { message: {} }, inviteID: envelope.inviteID };
  }

  async #answer(method: string, actionType: 3 | 4, options: { inviteID: string; data?: string }): Promise<ChatResponse> {
    this.log.push({ method, args: [options] });
    const info = this.#invites.get(options.inviteID);
    if (!info || this.#handling) throw { code: 8010, message: 'invalid inviteID or operation in progress' };
    if (!info.inviteeList.includes(this.user)) throw { code: 8011, message: 'not an invitee' };
    this.#handling = true;
    const envelope = this.#envelope(info, actionType, [this.user], options.data ?? '');
    try {
      await this.#send(envelope, info.groupID || info.inviter);
    } finally {
      this.#handling = false;
    }
    if (actionType === 4) this.#invites.delete(info.inviteID);
    else this.#updateInvite(envelope);
    return { code: 0, data: {}, inviteID: options.inviteID };
  }

  #envelope(info: InviteInfo, actionType: Envelope['actionType'], inviteeList: string[], data: string): Envelope {
    return {
      businessID: 1,
      inviteID: info.inviteID,
      groupID: info.groupID,
      inviter: info.inviter,
      inviteeList,
      data,
      actionType,
      timeout: 0,
    };
  }

  async #send(envelope: Envelope, to: string): Promise<void> {
    await tick();
    void this.#cloud.send(this, to, envelope.groupID ? 'GROUP' : 'C2C', envelope);
  }

  /** The SDK's `updateInviteInfo`: in a group, drop the answering invitee; 1v1, forget the invite. */
  #updateInvite(e: Envelope): void {
    const info = this.#invites.get(e.inviteID);
    if (!info) return;
    if (e.groupID) {
      const who = e.inviteeList[0];
      info.inviteeList = info.inviteeList.filter((id) => id !== who);
      if (info.inviteeList.length === 0) this.#invites.delete(e.inviteID);
    } else {
      this.#invites.delete(e.inviteID);
    }
  }

  #startTimer(id: string, isInviter: boolean): void {
    const info = this.#invites.get(id);
    if (!info || info.timeout <= 0) return;
    const seconds = isInviter ? info.timeout + 5 : info.timeout;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const current = this.#invites.get(id);
      if (!current || !this.ready) return;
      const stillPending = !current.groupID || (isInviter ? current.inviteeList.length > 0 : current.inviteeList.includes(this.user));
      if (!stillPending) return;
      const inviteeList = isInviter ? [...current.inviteeList] : [this.user];
      const envelope = this.#envelope(current, 5, inviteeList, current.data);
      const to = isInviter ? current.groupID || current.inviteeList[0] : current.groupID || current.inviter;
      void this.#send(envelope, to).then(() => {
        this.#signal('ts_invitation_timeout', {
          inviteID: id,
          inviter: current.inviter,
          groupID: current.groupID,
          data: current.data,
          inviteeList,
          isSelfTimeout: true,
        });
        if (isInviter) this.#invites.delete(id);
        else this.#updateInvite(envelope);
      });
    }, seconds * this.#cloud.secondMs);
    this.#timers.add(timer);
  }

  #reset(): void {
    const wasIn = this.#cloud.chats.delete(this);
    this.ready = false;
    this.statusSubscriptions.length = 0;
    if (wasIn && this.user) this.#cloud.statusChanged(this.user);
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#invites.clear();
    this.#handling = false;
  }

  #add(map: Map<string, Set<ChatHandler>>, name: string, handler: ChatHandler): void {
    let set = map.get(name);
    if (!set) map.set(name, (set = new Set()));
    set.add(handler);
  }

  #signal(name: string, data: unknown): void {
    this.#emit(this.#signalHandlers, name, data);
  }

  #emit(map: Map<string, Set<ChatHandler>>, name: string, data: unknown): void {
    const event: ChatEvent = { name, data };
    for (const handler of [...(map.get(name) ?? [])]) handler(event);
  }
}

// ---- TRTC ---------------------------------------------------------------------------------------

let trackSeq = 0;

/** A stand-in for MediaStreamTrack. */
export class FakeTrack {
  readonly id = `track-${++trackSeq}`;
  readyState: 'live' | 'ended' = 'live';
  constructor(
    readonly kind: 'audio' | 'video',
    readonly label: string,
    readonly owner: string,
  ) {}
  stop(): void {
    this.readyState = 'ended';
  }
}

/** A stand-in for MediaStream (what the tests pass as `createMediaStream`). */
export class FakeStream {
  static seq = 0;
  readonly id = `stream-${++FakeStream.seq}`;
  constructor(readonly tracks: MediaStreamTrack[]) {}
  getTracks(): MediaStreamTrack[] {
    return [...this.tracks];
  }
  getAudioTracks(): MediaStreamTrack[] {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks(): MediaStreamTrack[] {
    return this.tracks.filter((t) => t.kind === 'video');
  }
}

export const fakeStreamFactory = (tracks: MediaStreamTrack[]): MediaStream => new FakeStream(tracks) as unknown as MediaStream;

type AnyHandler = (payload: never) => void;

export class FakeTRTC implements TRTCLike {
  user = '';
  room = '';
  destroyed = false;
  readonly options: { assetsPath?: string; enableAutoPlayDialog?: boolean };
  readonly log: { method: string; args: unknown[] }[] = [];
  /** Volume set per remote user with setRemoteAudioVolume. */
  readonly remoteVolumes = new Map<string, number>();
  localAudio: { track: FakeTrack; muted: boolean; publish: boolean } | null = null;
  localVideo: { track: FakeTrack; publish: boolean; cameraId: string; profile: string } | null = null;
  readonly #cloud: FakeCloud;
  readonly #handlers = new Map<string, Set<AnyHandler>>();
  /** Remote tracks we receive: userId -> audio / subscribed video. */
  readonly #remoteAudio = new Map<string, FakeTrack>();
  readonly #remoteVideo = new Map<string, FakeTrack>();
  /** Remote users whose video was announced available. */
  readonly #videoAvailable = new Set<string>();

  constructor(
    cloud: FakeCloud,
    readonly label: string,
    options: { assetsPath?: string; enableAutoPlayDialog?: boolean },
  ) {
    this.#cloud = cloud;
    this.options = options;
  }

  get listenerCount(): number {
    let n = 0;
    for (const set of this.#handlers.values()) n += set.size;
    return n;
  }

  get audioPublished(): boolean {
    return Boolean(this.localAudio && this.localAudio.publish && !this.localAudio.muted);
  }

  get videoPublished(): boolean {
    return Boolean(this.localVideo && this.localVideo.publish);
  }

  async enterRoom(params: Parameters<TRTCLike['enterRoom']>[0]): Promise<void> {
    this.log.push({ method: 'enterRoom', args: [params] });
    if (this.room) throw { code: 5100, message: 'already in a room' };
    if ((params.roomId === undefined) === (params.strRoomId === undefined)) throw { code: 5000, message: 'one of roomId / strRoomId' };
    if (params.roomId !== undefined && !(Number.isInteger(params.roomId) && params.roomId >= 1 && params.roomId <= 4294967294)) {
      throw { code: 5000, message: 'roomId out of range' };
    }
    await tick();
    const key = this.#cloud.roomKey(params);
    this.user = params.userId;
    this.room = key;
    let members = this.#cloud.rooms.get(key);
    if (!members) this.#cloud.rooms.set(key, (members = new Set()));
    const others = [...members];
    members.add(this);
    for (const other of others) {
      this.#cloud.schedule(() => {
        other.#peerEntered(this);
        this.#peerEntered(other);
      });
    }
  }

  async exitRoom(): Promise<void> {
    this.log.push({ method: 'exitRoom', args: [] });
    if (!this.room) return;
    const members = this.#cloud.rooms.get(this.room);
    members?.delete(this);
    if (members && members.size === 0) this.#cloud.rooms.delete(this.room);
    this.room = '';
    this.#remoteAudio.clear();
    this.#remoteVideo.clear();
    this.#videoAvailable.clear();
    for (const other of members ?? []) this.#cloud.schedule(() => other.#peerExited(this));
  }

  destroy(): void {
    this.log.push({ method: 'destroy', args: [] });
    this.destroyed = true;
  }

  async startLocalAudio(config: TRTCLocalAudioConfig = {}): Promise<void> {
    this.log.push({ method: 'startLocalAudio', args: [config] });
    if (this.localAudio) throw { code: 5100, message: 'microphone already started' };
    const failure = this.#cloud.deviceFailures.get(this.label)?.microphone;
    await tick();
    if (failure) throw failure;
    this.localAudio = {
      track: new FakeTrack('audio', config.option?.microphoneId ?? 'default', this.#me()),
      muted: Boolean(config.mute),
      publish: config.publish !== false,
    };
    this.#fire('track', { userId: '', track: this.localAudio.track as unknown as MediaStreamTrack });
    this.#broadcastAudio();
  }

  async updateLocalAudio(config: TRTCLocalAudioConfig): Promise<void> {
    this.log.push({ method: 'updateLocalAudio', args: [config] });
    if (!this.localAudio) throw { code: 5100, message: 'microphone not started' };
    await tick();
    const wasPublished = this.audioPublished;
    if (config.option?.microphoneId) {
      this.localAudio.track.stop();
      this.localAudio.track = new FakeTrack('audio', config.option.microphoneId, this.#me());
      this.#fire('track', { userId: '', track: this.localAudio.track as unknown as MediaStreamTrack });
      this.#eachPeer((peer) => peer.#remoteTrackChanged(this, 'audio'));
    }
    if (config.mute !== undefined) this.localAudio.muted = config.mute;
    if (config.publish !== undefined) this.localAudio.publish = config.publish;
    if (wasPublished !== this.audioPublished) this.#broadcastAudio();
  }

  async stopLocalAudio(): Promise<void> {
    this.log.push({ method: 'stopLocalAudio', args: [] });
    if (!this.localAudio) return;
    const was = this.audioPublished;
    this.localAudio.track.stop();
    this.localAudio = null;
    if (was) this.#broadcastAudio();
  }

  async startLocalVideo(config: TRTCLocalVideoConfig = {}): Promise<void> {
    this.log.push({ method: 'startLocalVideo', args: [config] });
    if (this.localVideo) throw { code: 5100, message: 'camera already started' };
    const failure = this.#cloud.deviceFailures.get(this.label)?.camera;
    await tick();
    if (failure) throw failure;
    const cameraId = config.option?.cameraId ?? 'cam-1';
    this.localVideo = {
      track: new FakeTrack('video', cameraId, this.#me()),
      publish: config.publish !== false,
      cameraId,
      profile: config.option?.profile ?? '480p',
    };
    this.#fire('track', { userId: '', track: this.localVideo.track as unknown as MediaStreamTrack });
    if (this.videoPublished) this.#broadcastVideo();
  }

  async updateLocalVideo(config: TRTCLocalVideoConfig): Promise<void> {
    this.log.push({ method: 'updateLocalVideo', args: [config] });
    if (!this.localVideo) throw { code: 5100, message: 'camera not started' };
    await tick();
    const wasPublished = this.videoPublished;
    if (config.option?.profile) this.localVideo.profile = config.option.profile;
    if (config.option?.cameraId && config.option.cameraId !== this.localVideo.cameraId) {
      this.localVideo.track.stop();
      this.localVideo.cameraId = config.option.cameraId;
      this.localVideo.track = new FakeTrack('video', config.option.cameraId, this.#me());
      this.#fire('track', { userId: '', track: this.localVideo.track as unknown as MediaStreamTrack });
      this.#eachPeer((peer) => peer.#remoteTrackChanged(this, 'video'));
    }
    if (config.publish !== undefined) this.localVideo.publish = config.publish;
    if (wasPublished !== this.videoPublished) this.#broadcastVideo();
  }

  async stopLocalVideo(): Promise<void> {
    this.log.push({ method: 'stopLocalVideo', args: [] });
    if (!this.localVideo) return;
    const was = this.videoPublished;
    this.localVideo.track.stop();
    this.localVideo = null;
    if (was) this.#broadcastVideo();
  }

  async startRemoteVideo(config: { view?: null; userId: string; streamType: TRTCStreamType }): Promise<void> {
    this.log.push({ method: 'startRemoteVideo', args: [config] });
    await tick();
    const peer = this.#peer(config.userId);
    if (!peer || !peer.videoPublished || !peer.localVideo) throw { code: 5100, message: `${config.userId} publishes no video` };
    this.#remoteVideo.set(config.userId, peer.localVideo.track);
    this.#fire('track', { userId: config.userId, streamType: 'main', track: peer.localVideo.track as unknown as MediaStreamTrack });
  }

  async stopRemoteVideo(config: { userId: string; streamType?: TRTCStreamType }): Promise<void> {
    this.log.push({ method: 'stopRemoteVideo', args: [config] });
    if (config.userId === '*') this.#remoteVideo.clear();
    else this.#remoteVideo.delete(config.userId);
  }

  setRemoteAudioVolume(userId: string, volume: number): void {
    this.log.push({ method: 'setRemoteAudioVolume', args: [userId, volume] });
    this.remoteVolumes.set(userId, volume);
  }

  enableAudioVolumeEvaluation(interval?: number): void {
    this.log.push({ method: 'enableAudioVolumeEvaluation', args: [interval] });
  }

  getAudioTrack(config?: { userId?: string; streamType?: TRTCStreamType } | string): MediaStreamTrack | null {
    const userId = typeof config === 'string' ? config : (config?.userId ?? '');
    const track = userId ? this.#remoteAudio.get(userId) : this.localAudio?.track;
    return (track ?? null) as MediaStreamTrack | null;
  }

  getVideoTrack(config?: { userId?: string; streamType?: TRTCStreamType; processed?: boolean }): MediaStreamTrack | null {
    const userId = config?.userId ?? '';
    if (!userId && config?.processed) return (this.blur && this.localVideo ? this.blur.track : null) as MediaStreamTrack | null;
    const track = userId ? this.#remoteVideo.get(userId) : this.localVideo?.track;
    return (track ?? null) as MediaStreamTrack | null;
  }

  /** Registered plugins, and the running virtual background (with its processed track). */
  readonly plugins: { plugin: TRTCPluginLike; assetsPath?: string }[] = [];
  blur: { options: VirtualBackgroundOptions | BackgroundEffect; track: FakeTrack } | null = null;
  /** Set to make startPlugin fail as an unpaid TRTC app does (NEED_TO_BUY). */
  pluginFailure: object | null = null;

  use(plugin: { plugin: TRTCPluginLike; assetsPath?: string }): void {
    this.log.push({ method: 'use', args: [plugin] });
    this.plugins.push(plugin);
  }

  async startPlugin(name: 'VirtualBackground', options: VirtualBackgroundOptions): Promise<unknown> {
    this.log.push({ method: 'startPlugin', args: [name, options] });
    await tick();
    if (this.pluginFailure) throw this.pluginFailure;
    if (!this.plugins.length) throw { code: 5100, message: 'plugin not registered' };
    if (!this.localVideo) throw { code: 5100, message: 'no camera' };
    this.blur = { options, track: new FakeTrack('video', 'blurred', this.#me()) };
    return undefined;
  }

  async updatePlugin(name: 'VirtualBackground', options: BackgroundEffect): Promise<unknown> {
    this.log.push({ method: 'updatePlugin', args: [name, options] });
    if (!this.blur) throw { code: 5100, message: 'plugin not started' };
    this.blur.options = { ...this.blur.options, ...options };
    return undefined;
  }

  async stopPlugin(name: 'VirtualBackground'): Promise<unknown> {
    this.log.push({ method: 'stopPlugin', args: [name] });
    this.blur = null;
    return undefined;
  }

  on<K extends keyof TRTCEventPayloads>(event: K, handler: (payload: TRTCEventPayloads[K]) => void): this {
    let set = this.#handlers.get(event);
    if (!set) this.#handlers.set(event, (set = new Set()));
    set.add(handler as AnyHandler);
    return this;
  }

  off<K extends keyof TRTCEventPayloads>(event: K, handler: (payload: TRTCEventPayloads[K]) => void): this {
    this.#handlers.get(event)?.delete(handler as AnyHandler);
    return this;
  }

  /** Test hook: emit a TRTC event as the SDK would. */
  fire<K extends keyof TRTCEventPayloads>(event: K, payload: TRTCEventPayloads[K]): void {
    this.#fire(event, payload);
  }

  #fire<K extends keyof TRTCEventPayloads>(event: K, payload: TRTCEventPayloads[K]): void {
    if (this.destroyed) return;
    for (const handler of [...(this.#handlers.get(event) ?? [])]) (handler as (p: TRTCEventPayloads[K]) => void)(payload);
  }

  #me(): string {
    return this.user || this.label;
  }

  #peer(userId: string): FakeTRTC | undefined {
    return [...(this.#cloud.rooms.get(this.room) ?? [])].find((t) => t.user === userId);
  }

  #eachPeer(fn: (peer: FakeTRTC) => void): void {
    if (!this.room) return;
    for (const peer of this.#cloud.rooms.get(this.room) ?? []) if (peer !== this) this.#cloud.schedule(() => fn(peer));
  }

  #broadcastAudio(): void {
    const published = this.audioPublished;
    this.#eachPeer((peer) => peer.#remoteAudioState(this, published));
  }

  #broadcastVideo(): void {
    const published = this.videoPublished;
    this.#eachPeer((peer) => peer.#remoteVideoState(this, published));
  }

  #peerEntered(other: FakeTRTC): void {
    if (!this.room || other.room !== this.room) return;
    this.#fire('remote-user-enter', { userId: other.user });
    if (other.audioPublished) this.#remoteAudioState(other, true);
    if (other.videoPublished) this.#remoteVideoState(other, true);
  }

  #peerExited(other: FakeTRTC): void {
    if (this.#remoteAudio.delete(other.user)) this.#fire('remote-audio-unavailable', { userId: other.user });
    this.#remoteVideo.delete(other.user);
    if (this.#videoAvailable.delete(other.user)) this.#fire('remote-video-unavailable', { userId: other.user, streamType: 'main' });
    this.#fire('remote-user-exit', { userId: other.user, reason: 0 });
  }

  #remoteAudioState(other: FakeTRTC, available: boolean): void {
    if (!this.room || other.room !== this.room) return;
    if (available && other.localAudio) {
      this.#remoteAudio.set(other.user, other.localAudio.track);
      this.#fire('track', { userId: other.user, track: other.localAudio.track as unknown as MediaStreamTrack });
      this.#fire('remote-audio-available', { userId: other.user });
    } else if (!available) {
      this.#fire('remote-audio-unavailable', { userId: other.user });
    }
  }

  #remoteVideoState(other: FakeTRTC, available: boolean): void {
    if (!this.room || other.room !== this.room) return;
    if (available) {
      this.#videoAvailable.add(other.user);
      this.#fire('remote-video-available', { userId: other.user, streamType: 'main' });
    } else {
      this.#remoteVideo.delete(other.user);
      this.#videoAvailable.delete(other.user);
      this.#fire('remote-video-unavailable', { userId: other.user, streamType: 'main' });
    }
  }

  #remoteTrackChanged(other: FakeTRTC, kind: 'audio' | 'video'): void {
    if (!this.room || other.room !== this.room) return;
    if (kind === 'audio' && other.localAudio && this.#remoteAudio.has(other.user)) {
      this.#remoteAudio.set(other.user, other.localAudio.track);
      this.#fire('track', { userId: other.user, track: other.localAudio.track as unknown as MediaStreamTrack });
    }
    if (kind === 'video' && other.localVideo && this.#remoteVideo.has(other.user)) {
      this.#remoteVideo.set(other.user, other.localVideo.track);
      this.#fire('track', { userId: other.user, streamType: 'main', track: other.localVideo.track as unknown as MediaStreamTrack });
    }
  }
}
