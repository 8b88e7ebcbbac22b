/**
 * The default engine's presence watch list (protocol header, "Presence"): the users this page
 * watches, subscribed on the current signaling client and again on every new one (a reconnect
 * opens a new socket, whose server side knows nothing), and the server's `presence` frames turned
 * into `onPresenceChanged` for the users still watched (an unsubscribe may cross a push).
 */
import { CallKitError, ErrorCode } from '../../errors.js';
import type { ServerMessage } from '../../protocol/messages.js';
import type { Emitter } from '../emitter.js';
import type { CallEngineEvents, PresenceEntry } from '../types.js';
import type { SignalingClient } from './signaling-client.js';

type PresenceMessage = Extract<ServerMessage, { type: 'presence' }>;

export class PresenceList {
  readonly #watched = new Set<string>();
  readonly #events: Emitter<CallEngineEvents>;

  constructor(events: Emitter<CallEngineEvents>) {
    this.#events = events;
  }

  /** `presence-subscribe`: adds the users (also on later sockets) and resolves with their statuses. */
  async subscribe(client: SignalingClient, userIds: readonly string[]): Promise<PresenceEntry[]> {
    const answer = await client.request({ type: 'presence-subscribe', userIds: [...userIds] });
    if (answer.type !== 'presence') throw new CallKitError(ErrorCode.SERVER_ERROR, `unexpected answer ${answer.type}`, 'invalid-message');
    for (const id of userIds) this.#watched.add(id);
    this.#events.emit('onPresenceChanged', { users: answer.users });
    return answer.users;
  }

  /** `presence-unsubscribe` (absent: everyone); forgotten at once, sent when connected. */
  async unsubscribe(client: SignalingClient | null, userIds?: readonly string[]): Promise<void> {
    if (userIds) for (const id of userIds) this.#watched.delete(id);
    else this.#watched.clear();
    if (client?.state === 'connected')
      await client.request(userIds ? { type: 'presence-unsubscribe', userIds: [...userIds] } : { type: 'presence-unsubscribe' });
  }

  /** A new socket logged in: watch the same users there (errors go to `onError`, the list stays). */
  resubscribe(client: SignalingClient): void {
    if (this.#watched.size === 0) return;
    const userIds = [...this.#watched];
    client.request({ type: 'presence-subscribe', userIds }).then(
      (answer) => {
        if (answer.type === 'presence') this.#emit(answer);
      },
      (err: unknown) => this.#events.emit('onError', { code: ErrorCode.SERVER_ERROR, message: `presence: ${(err as Error).message}` }),
    );
  }

  /** A pushed `presence` frame (no `ref`; answers are handled by their request). */
  onMessage(message: PresenceMessage): void {
    if (message.ref === undefined) this.#emit(message);
  }

  /** Logout: nothing is watched any more. */
  clear(): void {
    this.#watched.clear();
  }

  #emit(message: PresenceMessage): void {
    const users = message.users.filter((u) => this.#watched.has(u.userId));
    if (users.length > 0) this.#events.emit('onPresenceChanged', { users });
  }
}
