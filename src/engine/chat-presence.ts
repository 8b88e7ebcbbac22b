/**
 * Presence on the Tencent engines (`tencent` and `tuicall`: `subscribePresence` / `unsubscribePresence`;
 * shared here because neither engine may import the other) from Chat's user
 * status: `subscribeUserStatus` (at most 100 ids a request), `getUserStatus` for the snapshot, and
 * `TencentCloudChat.EVENT.USER_STATUS_UPDATED` (`onUserStatusUpdated`, data `[{ userID, statusType }]`)
 * for changes. `statusType` 1 (`USER_STATUS_ONLINE`) is `online`; 0 unknown, 2 offline and 3 not
 * logged in are `offline`. Chat has no "in a call" status, so these engines never report `busy`
 * (the default engine's server does). Needs user status enabled for the app in Tencent's console
 * (a paid edition): otherwise Chat's error comes back as the kit's `FAILED`.
 */
import { CallKitError, ErrorCode } from '../errors.js';
import type { PresenceEntry } from './types.js';

export type { PresenceEntry };

type ChatHandler = (event: { data?: unknown }) => void;

/** What presence needs of a `@tencentcloud/chat` instance. */
interface ChatLike {
  on(eventName: string, handler: ChatHandler): void;
  off(eventName: string, handler: ChatHandler): void;
}

export const USER_STATUS_UPDATED = 'onUserStatusUpdated';
const ONLINE = 1;
const PER_REQUEST = 100;

export interface ChatWithStatus extends ChatLike {
  subscribeUserStatus?(options: { userIDList: string[] }): Promise<unknown>;
  unsubscribeUserStatus?(options: { userIDList: string[] | undefined }): Promise<unknown>;
  getUserStatus?(options: { userIDList: string[] }): Promise<unknown>;
}

interface StatusLike {
  userID?: unknown;
  statusType?: unknown;
}

const entry = (s: StatusLike): PresenceEntry => ({ userId: String(s.userID), status: s.statusType === ONLINE ? 'online' : 'offline' });

function chatFailure(error: unknown, what: string): CallKitError {
  const e = error as { code?: number; message?: string } | null;
  return new CallKitError(ErrorCode.FAILED, `${what}: ${e?.message ?? String(error)}${e?.code ? ` (chat ${e.code})` : ''}`);
}

export class ChatPresence {
  readonly #chat: () => ChatWithStatus | null;
  readonly #emit: (users: PresenceEntry[]) => void;
  readonly #watched = new Set<string>();
  #listening: { chat: ChatLike; handler: ChatHandler } | null = null;

  constructor(chat: () => ChatWithStatus | null, emit: (users: PresenceEntry[]) => void) {
    this.#chat = chat;
    this.#emit = emit;
  }

  async subscribe(userIds: string[]): Promise<PresenceEntry[]> {
    const chat = this.#chat();
    if (!chat) throw new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call login() first');
    if (!chat.subscribeUserStatus || !chat.getUserStatus) {
      throw new CallKitError(ErrorCode.FAILED, 'this chat SDK has no user status', 'not-supported');
    }
    this.#listen(chat);
    try {
      for (let i = 0; i < userIds.length; i += PER_REQUEST)
        await chat.subscribeUserStatus({ userIDList: userIds.slice(i, i + PER_REQUEST) });
    } catch (error) {
      throw chatFailure(error, 'subscribeUserStatus failed');
    }
    for (const id of userIds) this.#watched.add(id);
    let res: { data?: { successUserList?: StatusLike[] } };
    try {
      res = (await chat.getUserStatus({ userIDList: userIds })) as typeof res;
    } catch (error) {
      throw chatFailure(error, 'getUserStatus failed');
    }
    const known = new Map((res?.data?.successUserList ?? []).map((s) => [String(s.userID), entry(s)]));
    return userIds.map((userId) => known.get(userId) ?? { userId, status: 'offline' });
  }

  async unsubscribe(userIds?: string[]): Promise<void> {
    const chat = this.#chat();
    if (!chat) throw new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call login() first');
    const ids = userIds ?? [...this.#watched];
    for (const id of ids) this.#watched.delete(id);
    if (this.#watched.size === 0) this.release();
    if (!chat?.unsubscribeUserStatus || ids.length === 0) return;
    try {
      await chat.unsubscribeUserStatus({ userIDList: userIds === undefined ? undefined : ids });
    } catch (error) {
      throw chatFailure(error, 'unsubscribeUserStatus failed');
    }
  }

  /** Logged out: forget the watch list and stop listening. */
  release(): void {
    this.#watched.clear();
    const listening = this.#listening;
    this.#listening = null;
    listening?.chat.off(USER_STATUS_UPDATED, listening.handler);
  }

  #listen(chat: ChatLike): void {
    if (this.#listening?.chat === chat) return;
    this.release();
    const handler: ChatHandler = (event) => {
      const list = (event as { data?: unknown } | null)?.data;
      if (!Array.isArray(list)) return;
      const users = (list as StatusLike[]).filter((s) => this.#watched.has(String(s.userID))).map(entry);
      if (users.length) this.#emit(users);
    };
    chat.on(USER_STATUS_UPDATED, handler);
    this.#listening = { chat, handler };
  }
}
