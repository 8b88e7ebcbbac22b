/**
 * Presence (`callKit.subscribePresence`) for both Tencent engines, `tencent` and `tuicall` (which
 * imports it from here: it is in neither's way, and the default engine never reaches it), over
 * `@tencentcloud/chat`'s user status API: `subscribeUserStatus` / `unsubscribeUserStatus`, the
 * snapshot from `getUserStatus`, changes from `USER_STATUS_UPDATED`.
 *
 * - Status: chat's ONLINE is `online`; OFFLINE, UNLOGINED (a web user that logged out) and
 *   UNKNOWN are `offline`. Tencent has no "in a call" status: `busy` is only what the engine knows
 *   itself (its `busy(userId)`: a watched user who is an accepted member of our own current call).
 * - The feature needs Tencent's Premium/Ultimate plan and the console's user status switch; chat
 *   refuses with 3122 otherwise: FAILED, reason `presence-disabled`.
 * - Tencent caps a user's subscription list and silently evicts the oldest past it, and the SDK
 *   silently drops ids past 100 a request: requests go in batches of 100 and more than
 *   `maxPresenceSubscriptions` (default 200) watched users is refused (reason `too-many-watched`)
 *   instead of losing someone quietly.
 */
import { CallKitError, ErrorCode } from '../../errors.js';
import type { Emitter } from '../emitter.js';
import type { CallEngineEvents, PresenceEntry, PresenceStatus } from '../types.js';
import { chatError } from './sdk-errors.js';
import { CHAT_FEATURE_NOT_ENABLED, ChatEventName, ChatTypes, type ChatEvent, type ChatLike, type ChatUserStatus } from './sdk-types.js';

/** Users per `subscribeUserStatus` request (the SDK drops the rest silently). */
export const TENCENT_SUBSCRIBE_BATCH = 100;
/** Default cap on watched users (`maxPresenceSubscriptions`). */
export const TENCENT_MAX_PRESENCE = 200;

const CALL_EVENTS = ['onCallBegin', 'onCallEnd', 'onUserAccept', 'onUserJoin', 'onUserLeave'] as const;

function presenceError(error: unknown, what: string): CallKitError {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === CHAT_FEATURE_NOT_ENABLED) {
    return new CallKitError(
      ErrorCode.FAILED,
      `${what}: Tencent user status is not enabled for this app (it needs the Premium/Ultimate plan and the "user status" switch in the Chat console)`,
      'presence-disabled',
    );
  }
  return chatError(error, what);
}

function statusList(res: unknown): ChatUserStatus[] {
  const data = (res as { data?: { successUserList?: unknown } } | null)?.data;
  const list = Array.isArray(data) ? data : data?.successUserList;
  return Array.isArray(list) ? (list as ChatUserStatus[]).filter((u) => u && typeof u.userID === 'string') : [];
}

function chunks(ids: readonly string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

export class TencentPresence {
  /** Watched users and whether chat says they are online. */
  readonly #online = new Map<string, boolean>();
  /** What was last told for each watched user. */
  readonly #told = new Map<string, PresenceStatus>();
  readonly #events: Emitter<CallEngineEvents>;
  readonly #signaling: { readonly chat: ChatLike | null };
  readonly #busy: (userId: string) => boolean;
  readonly #limit: number;
  #bound: { chat: ChatLike; off: () => void } | null = null;

  /** `signaling.chat`: the logged-in chat instance; `busy`: whether a user is an accepted member of our call. */
  constructor(
    events: Emitter<CallEngineEvents>,
    signaling: { readonly chat: ChatLike | null },
    busy: (userId: string) => boolean,
    limit = TENCENT_MAX_PRESENCE,
  ) {
    this.#events = events;
    this.#signaling = signaling;
    this.#busy = busy;
    this.#limit = limit;
  }

  async subscribe(userIds: readonly string[]): Promise<PresenceEntry[]> {
    const chat = this.#signaling.chat;
    if (!chat) throw new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call login() first');
    if (!chat.subscribeUserStatus || !chat.getUserStatus) {
      throw new CallKitError(ErrorCode.FAILED, 'this chat instance has no user status API', 'not-supported');
    }
    const fresh = userIds.filter((id) => !this.#online.has(id));
    if (this.#online.size + fresh.length > this.#limit) {
      throw new CallKitError(
        ErrorCode.SERVER_ERROR,
        `at most ${this.#limit} users may be watched on the tencent engine (watching ${this.#online.size}, asked for ${fresh.length} more)`,
        'too-many-watched',
      );
    }
    try {
      for (const batch of chunks(fresh, TENCENT_SUBSCRIBE_BATCH)) await chat.subscribeUserStatus({ userIDList: batch });
    } catch (error) {
      throw presenceError(error, 'subscribeUserStatus');
    }
    this.#bind(chat);
    const online = new Map<string, boolean>(userIds.map((id) => [id, false]));
    try {
      for (const batch of chunks(userIds, TENCENT_SUBSCRIBE_BATCH)) {
        for (const u of statusList(await chat.getUserStatus({ userIDList: batch }))) {
          if (online.has(u.userID)) online.set(u.userID, u.statusType === ChatTypes.USER_STATUS_ONLINE);
        }
      }
    } catch (error) {
      if (this.#online.size === 0) this.#unbind();
      throw presenceError(error, 'getUserStatus');
    }
    for (const [id, on] of online) this.#online.set(id, on);
    const users = userIds.map((userId) => ({ userId, status: this.#status(userId) }));
    for (const u of users) this.#told.set(u.userId, u.status);
    this.#events.emit('onPresenceChanged', { users });
    return users;
  }

  /** Forgotten at once; chat is told when logged in (absent ids: everyone). */
  async unsubscribe(userIds?: readonly string[]): Promise<void> {
    const chat = this.#signaling.chat;
    const ids = userIds ? userIds.filter((id) => this.#online.has(id)) : undefined;
    for (const id of ids ?? [...this.#online.keys()]) {
      this.#online.delete(id);
      this.#told.delete(id);
    }
    if (this.#online.size === 0) this.#unbind();
    if (!chat?.unsubscribeUserStatus || (ids && ids.length === 0)) return;
    try {
      if (!ids) await chat.unsubscribeUserStatus({ userIDList: undefined });
      else for (const batch of chunks(ids, TENCENT_SUBSCRIBE_BATCH)) await chat.unsubscribeUserStatus({ userIDList: batch });
    } catch (error) {
      throw presenceError(error, 'unsubscribeUserStatus');
    }
  }

  /** Logout or kicked out: nothing is watched any more (chat forgets subscriptions with the login). */
  clear(): void {
    this.#online.clear();
    this.#told.clear();
    this.#unbind();
  }

  get watching(): number {
    return this.#online.size;
  }

  #status(userId: string): PresenceStatus {
    if (!this.#online.get(userId)) return 'offline';
    return this.#busy(userId) ? 'busy' : 'online';
  }

  /** Tells the watched users whose status differs from what was last told. */
  #flush(): void {
    const users: PresenceEntry[] = [];
    for (const userId of this.#online.keys()) {
      const status = this.#status(userId);
      if (this.#told.get(userId) === status) continue;
      this.#told.set(userId, status);
      users.push({ userId, status });
    }
    if (users.length > 0) this.#events.emit('onPresenceChanged', { users });
  }

  readonly #onStatus = (event: ChatEvent): void => {
    if (!Array.isArray(event.data)) return;
    for (const u of event.data as ChatUserStatus[]) {
      if (u && typeof u.userID === 'string' && this.#online.has(u.userID)) {
        this.#online.set(u.userID, u.statusType === ChatTypes.USER_STATUS_ONLINE);
      }
    }
    this.#flush();
  };

  #bind(chat: ChatLike): void {
    if (this.#bound?.chat === chat) return;
    this.#unbind();
    chat.on(ChatEventName.USER_STATUS_UPDATED, this.#onStatus);
    const flush = (): void => this.#flush();
    const offs = CALL_EVENTS.map((name) => this.#events.on(name, flush));
    this.#bound = {
      chat,
      off: () => {
        chat.off(ChatEventName.USER_STATUS_UPDATED, this.#onStatus);
        for (const off of offs) off();
      },
    };
  }

  #unbind(): void {
    this.#bound?.off();
    this.#bound = null;
  }
}
