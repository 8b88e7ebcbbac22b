/**
 * Test code only: chat for the interop suite. Every user gets an instance of the **real**
 * `@tencentcloud/chat` signaling module (3.6.6, `modules/signaling-module.js`: envelopes, invite
 * tables, the `_isHandling` guard, client-side timeouts, `messageControlInfo`, event payloads are
 * the SDK's own) running over a fake module manager and one in-memory message bus: a C2C message
 * goes to `to` (and the sender's other sessions), a GROUP message to the group's other members.
 * Only the SDK's public-API validation wrappers are bypassed.
 *
 * The same {@link SimChat} serves the kit's engine (as its `chat` option) and the official
 * engine (as its `tim`).
 */
import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

type Handler = (event: { name: string; data: unknown }) => void;

/** The chat SDK's signaling module instance, as far as the harness calls it. */
interface SignalingModule {
  invite(options: Record<string, unknown>): Promise<unknown>;
  accept(options: Record<string, unknown>): Promise<unknown>;
  reject(options: Record<string, unknown>): Promise<unknown>;
  cancel(options: Record<string, unknown>): Promise<unknown>;
  addSignalingListener(name: string, handler: Handler, context?: unknown): void;
  removeSignalingListener(name: string, handler: Handler, context?: unknown): void;
  onNewMessageList(list: BusMessage[]): void;
  reset(): void;
}

type SignalingModuleClass = new (manager: unknown) => SignalingModule;

let signalingClass: SignalingModuleClass | null = null;

/** Loads the chat SDK's own signaling module (an ES module file in a CommonJS package). */
function loadSignalingModule(): SignalingModuleClass {
  if (signalingClass) return signalingClass;
  const chatDir = dirname(require.resolve('@tencentcloud/chat/package.json'));
  const file = join(chatDir, 'modules/signaling-module.js');
  const src = readFileSync(file, 'utf8');
  const tail = 'export{Pt as default};';
  if (!src.trimEnd().endsWith(tail)) throw new Error('unexpected @tencentcloud/chat signaling module shape');
  const m = new Module(file) as Module & { _compile(code: string, filename: string): void };
  m.filename = file;
  m._compile(src.trimEnd().slice(0, -tail.length) + ';module.exports=Pt;', file);
  signalingClass = m.exports as SignalingModuleClass;
  return signalingClass;
}

/** One message as it went over the bus (what chat's `createCustomMessage` builds). */
export interface BusMessage {
  ID: string;
  type: 'TIMCustomElem';
  from: string;
  to: string;
  conversationType: 'C2C' | 'GROUP';
  conversationID: string;
  priority: string;
  time: number;
  payload: { data: string; description?: string; extension?: string };
  cloudCustomData: string;
  /** What chat was told when sending: `messageControlInfo`, `offlinePushInfo`, `onlineUserOnly`. */
  sendOptions: Record<string, unknown>;
}

/** The signaling envelope inside `payload.data`. */
export interface Envelope {
  businessID: number;
  inviteID: string;
  groupID: string;
  inviter: string;
  inviteeList: string[];
  data: string;
  actionType: number;
  timeout: number;
}

class Emitter {
  readonly #handlers = new Map<string, { fn: Handler; ctx: unknown }[]>();
  on(name: string, fn: Handler, ctx?: unknown): void {
    const list = this.#handlers.get(name) ?? [];
    list.push({ fn, ctx });
    this.#handlers.set(name, list);
  }
  off(name: string, fn: Handler): void {
    const list = this.#handlers.get(name);
    if (!list) return;
    const i = list.findIndex((h) => h.fn === fn);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#handlers.delete(name);
  }
  emit(name: string, data: unknown): void {
    for (const { fn, ctx } of [...(this.#handlers.get(name) ?? [])]) fn.call(ctx, { name, data });
  }
  /** The chat SDK's internal emitter calls handlers with the payload itself. */
  emitRaw(name: string, data: unknown): void {
    for (const { fn, ctx } of [...(this.#handlers.get(name) ?? [])]) (fn as unknown as (d: unknown) => void).call(ctx, data);
  }
  eventNames(): string[] {
    return [...this.#handlers.keys()];
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

/** Whatever the bus delivers to: a {@link SimChat} here, or one relayed to a worker thread. */
export interface BusEndpoint {
  readonly userID: string;
  readonly ready: boolean;
  receive(message: BusMessage): void;
}

/** What a {@link SimChat} sends through. */
export interface BusLike {
  nextId(): string;
  send(sender: BusEndpoint, message: BusMessage): void;
  /** User status (the bus of the main thread): a chat logged in or out. */
  userStatusChanged?(userID: string): void;
  /** Chat's `statusType` of a user: ONLINE (1) while any of their chats is logged in, else UNLOGINED (3). */
  userStatus?(userID: string): number;
}

/** `TencentCloudChat.TYPES.USER_STATUS_*` as the bus tells them. */
const USER_STATUS_ONLINE = 1;
const USER_STATUS_UNLOGINED = 3;

export class ChatBus implements BusLike {
  readonly chats = new Set<BusEndpoint>();
  readonly groups = new Map<string, Set<string>>();
  /** Every message sent, in order. */
  readonly wire: BusMessage[] = [];
  #seq = 0;
  #queue: Promise<void> = Promise.resolve();

  createGroup(groupID: string, members: string[]): void {
    this.groups.set(groupID, new Set(members));
  }

  /** A chat instance for `userID` (log it in with `login`). */
  chat(userID: string): SimChat {
    const chat = new SimChat(this, userID);
    this.chats.add(chat);
    return chat;
  }

  nextId(): string {
    return `msg-${++this.#seq}`;
  }

  userStatus(userID: string): number {
    return [...this.chats].some((c) => c.userID === userID && c.ready) ? USER_STATUS_ONLINE : USER_STATUS_UNLOGINED;
  }

  /** Chat's user status push: `onUserStatusUpdated` to every logged-in chat that subscribed to `userID`, a hop later. */
  userStatusChanged(userID: string): void {
    const run = this.#queue.then(tick).then(() => {
      const data = [{ userID, statusType: this.userStatus(userID), customStatus: '' }];
      for (const chat of this.chats) if (chat instanceof SimChat && chat.ready && chat.statusWatched.has(userID)) chat.statusUpdated(data);
    });
    this.#queue = run.catch(() => undefined);
  }

  /** Delivers in order, each message a macrotask later (a network hop). */
  send(sender: BusEndpoint, message: BusMessage): void {
    this.wire.push(message);
    const recipients =
      message.conversationType === 'GROUP'
        ? [...this.chats].filter((c) => c !== sender && this.groups.get(message.to)?.has(c.userID))
        : [...this.chats].filter((c) => c !== sender && (c.userID === message.to || c.userID === sender.userID));
    const run = this.#queue.then(tick).then(() => {
      for (const chat of recipients) if (chat.ready) chat.receive(message);
    });
    this.#queue = run.catch(() => undefined);
  }

  /** The envelope and call payload of each message on the wire (compact assertions). */
  get log(): {
    from: string;
    to: string;
    action: number;
    envelope: Envelope;
    payload: Record<string, unknown> | null;
    options: Record<string, unknown>;
    raw: string;
  }[] {
    return this.wire.map((m) => {
      const envelope = JSON.parse(m.payload.data) as Envelope;
      let payload: Record<string, unknown> | null = null;
      try {
        payload = JSON.parse(envelope.data) as Record<string, unknown>;
      } catch {
        payload = null;
      }
      return { from: m.from, to: m.to, action: envelope.actionType, envelope, payload, options: m.sendOptions, raw: envelope.data };
    });
  }
}

/**
 * A logged-in chat user: the slice of `TencentCloudChat` both engines call, with signaling by the
 * real module. `TencentCloudChat.EVENT` names are the SDK's.
 */
export class SimChat implements BusEndpoint {
  readonly userID: string;
  ready = false;
  loggedIn = false;
  readonly #bus: BusLike;
  readonly #out = new Emitter();
  readonly #in = new Emitter();
  readonly #sig: SignalingModule;
  /** Calls the official engine made through `callExperimentalAPI` (api names). */
  readonly experimental: string[] = [];
  /** The `serviceCommand` of each `sendRoomCustomData` (requests to Tencent's servers, e.g. `call_engine_srv.invite_user`). */
  readonly serviceCommands: string[] = [];
  /** The same requests with their `data` parsed (`{ Head, Body }` for `call_engine_srv`). */
  readonly serviceRequests: { command: string; data: unknown }[] = [];
  /** Users this chat subscribed to (`subscribeUserStatus`). */
  readonly statusWatched = new Set<string>();
  /** False: the app's plan or console switch lacks user status (chat answers 3122). */
  userStatusEnabled = true;

  constructor(bus: BusLike, userID: string) {
    this.#bus = bus;
    this.userID = userID;
    const SignalingModuleClass = loadSignalingModule();
    const manager = {
      get: (id: number): unknown => {
        switch (id) {
          case 12:
            return {
              getUserID: () => this.userID,
              isLoggedIn: () => this.loggedIn,
              getTinyID: () => '0',
              getSDKAppID: () => 1400000001,
              isOversea: () => false,
              isIntl: () => false,
              isPrivateNetWork: () => false,
              isUsingChatCore: () => false,
              isDevMode: () => false,
            };
          case 2:
            return {
              createCustomMessage: (o: { to: string; conversationType: 'C2C' | 'GROUP'; priority: string; payload: { data: string } }) =>
                this.#createMessage(o),
              sendMessageInstance: (message: BusMessage, options: Record<string, unknown>) => this.#sendMessage(message, options),
              modifyRemoteMessage: async (message: BusMessage) => ({ code: 0, data: { message } }),
            };
          case 23:
            return { getCloudConfig: () => undefined };
          case 27:
            return { canIUse: () => true };
          case 11:
            return { getLocalConvList: () => [], getMessageList: async () => ({ code: 0, data: { messageList: [] } }) };
          case 6:
            return { getMessageListFromUnreadDB: () => [] };
          default:
            return {};
        }
      },
      getOEmitInst: () => this.#out,
      getIEmitInst: () => this.#in,
      getErrMsg: (code: number) => `chat error ${code}`,
    };
    this.#sig = new SignalingModuleClass(manager);
  }

  // ---- session ----------------------------------------------------------------------------------

  async login(options: { userID: string; userSig: string }): Promise<unknown> {
    if (options.userID !== this.userID) throw { code: 70001, message: `this SimChat belongs to ${this.userID}` };
    await tick();
    this.loggedIn = true;
    this.ready = true;
    setTimeout(() => this.#out.emit('sdkStateReady', {}), 1);
    this.#bus.userStatusChanged?.(this.userID);
    return { code: 0, data: { repeatLogin: false } };
  }

  async logout(): Promise<unknown> {
    this.loggedIn = false;
    this.ready = false;
    this.#sig.reset();
    // Chat forgets the subscriptions with the login.
    this.statusWatched.clear();
    this.#bus.userStatusChanged?.(this.userID);
    return { code: 0 };
  }

  isReady(): boolean {
    return this.ready;
  }

  getLoginUser(): string {
    return this.loggedIn ? this.userID : '';
  }

  on(name: string, handler: Handler, ctx?: unknown): void {
    this.#out.on(name, handler, ctx);
  }

  off(name: string, handler: Handler): void {
    this.#out.off(name, handler);
  }

  addSignalingListener(name: string, handler: Handler, ctx?: unknown): void {
    this.#sig.addSignalingListener(name, handler, ctx);
  }

  removeSignalingListener(name: string, handler: Handler, ctx?: unknown): void {
    this.#sig.removeSignalingListener(name, handler, ctx);
  }

  // ---- signaling (the real module) --------------------------------------------------------------

  invite(options: Record<string, unknown>): Promise<unknown> {
    return this.#sig.invite(options);
  }

  inviteInGroup(options: Record<string, unknown>): Promise<unknown> {
    return this.#sig.invite(options);
  }

  accept(options: Record<string, unknown>): Promise<unknown> {
    return this.#sig.accept(options);
  }

  reject(options: Record<string, unknown>): Promise<unknown> {
    return this.#sig.reject(options);
  }

  cancel(options: Record<string, unknown>): Promise<unknown> {
    return this.#sig.cancel(options);
  }

  // ---- profile and the rest the official engine calls -------------------------------------------

  async updateMyProfile(): Promise<unknown> {
    return { code: 0, data: {} };
  }

  async getUserProfile(options: { userIDList: string[] }): Promise<unknown> {
    return { code: 0, data: options.userIDList.map((userID) => ({ userID, nick: '', avatar: '' })) };
  }

  async getMyProfile(): Promise<unknown> {
    return { code: 0, data: { userID: this.userID, nick: '', avatar: '' } };
  }

  async getFriendProfile(): Promise<unknown> {
    return { code: 0, data: { friendList: [], failureUserIDList: [] } };
  }

  // ---- user status (chat's presence API) -----------------------------------------------------------

  async getUserStatus(options?: { userIDList?: string[] }): Promise<unknown> {
    if (!this.userStatusEnabled) throw { code: 3122, message: 'user status is not enabled' };
    const successUserList = (options?.userIDList ?? []).flatMap((userID) => {
      const statusType = this.#bus.userStatus?.(userID);
      return statusType === undefined ? [] : [{ userID, statusType, customStatus: '' }];
    });
    return { code: 0, data: { successUserList, failureUserList: [] } };
  }

  async subscribeUserStatus(options: { userIDList: string[] }): Promise<unknown> {
    if (!this.userStatusEnabled) throw { code: 3122, message: 'user status is not enabled' };
    for (const id of options.userIDList) this.statusWatched.add(id);
    return { code: 0, data: { failureUserList: [] } };
  }

  async unsubscribeUserStatus(options: { userIDList: string[] | undefined }): Promise<unknown> {
    if (options.userIDList) for (const id of options.userIDList) this.statusWatched.delete(id);
    else this.statusWatched.clear();
    return { code: 0, data: { failureUserList: [] } };
  }

  /** `TencentCloudChat.EVENT.USER_STATUS_UPDATED` from the bus. */
  statusUpdated(data: { userID: string; statusType: number; customStatus: string }[]): void {
    this.#out.emit('onUserStatusUpdated', data);
  }

  getServerConfig(): string {
    return '';
  }

  /** The official engine's gate and its server calls: the package is "bought", server calls answer nothing. */
  async callExperimentalAPI(api: string, params?: unknown): Promise<unknown> {
    this.experimental.push(api);
    const command = (params as { serviceCommand?: unknown } | undefined)?.serviceCommand;
    if (typeof command === 'string') {
      this.serviceCommands.push(command);
      const data = (params as { data?: unknown }).data;
      let parsed: unknown = data;
      try {
        parsed = typeof data === 'string' ? (JSON.parse(data) as unknown) : data;
      } catch {
        // kept as sent
      }
      this.serviceRequests.push({ command, data: parsed });
    }
    if (api === 'isCommercialAbilityEnabled') return { code: 0, data: { enabled: true } };
    if (api === 'getServerConfig') return { code: 0, data: '' };
    return { code: 0, data: {} };
  }

  // ---- bus --------------------------------------------------------------------------------------

  #createMessage(o: { to: string; conversationType: 'C2C' | 'GROUP'; priority: string; payload: { data: string } }): BusMessage {
    return {
      ID: this.#bus.nextId(),
      type: 'TIMCustomElem',
      from: this.userID,
      to: o.to,
      conversationType: o.conversationType,
      conversationID: `${o.conversationType}${o.to}`,
      priority: o.priority,
      time: Math.floor(Date.now() / 1000),
      payload: { data: o.payload.data },
      cloudCustomData: '',
      sendOptions: {},
    };
  }

  async #sendMessage(message: BusMessage, options: Record<string, unknown>): Promise<unknown> {
    if (!this.loggedIn) throw { code: 2024, message: 'not logged in' };
    message.sendOptions = options ?? {};
    this.#bus.send(this, message);
    await tick();
    return { code: 0, data: { message } };
  }

  receive(message: BusMessage): void {
    this.#sig.onNewMessageList([message]);
    this.#out.emit('onMessageReceived', [message]);
  }
}
