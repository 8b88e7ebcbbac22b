/**
 * The default engine's link to the signaling server: the `SignalingClient` of the moment (a new one
 * per login and per reconnect attempt), bound to the engine's handlers, and the login message.
 */
import type { CallRecordsPage, GroupCallInfo } from '../types.js';
import { CallKitError, ErrorCode, invalidParameter } from '../../errors.js';
import type { ServerMessage } from '../../protocol/messages.js';
import { fromWireMedia, profileOf, type EngineContext } from './call-model.js';
import { PresenceList } from './presence.js';
import { SignalingClient, type LoginRequest, type SocketConstructor } from './signaling-client.js';

export interface ConnectionHandlers {
  /** A server push (and every answer, also resolved to its request). */
  message(message: ServerMessage): void;
  /** The socket of `client` closed. */
  lost(client: SignalingClient, event: { code: number; reason: string }): void;
  /** Whether the client's own state changes are the engine's (false while reconnecting). */
  forwardsState(): boolean;
}

export class Connection {
  readonly #ctx: EngineContext;
  readonly #options: { requestTimeoutMs: number | undefined; WebSocket: SocketConstructor | undefined };
  readonly #handlers: ConnectionHandlers;
  #offs: (() => void)[] = [];
  /** The users this page watches (subscribed again on every new client). */
  readonly presence: PresenceList;

  constructor(
    ctx: EngineContext,
    options: { requestTimeoutMs: number | undefined; WebSocket: SocketConstructor | undefined },
    handlers: ConnectionHandlers,
  ) {
    this.#ctx = ctx;
    this.#options = options;
    this.#handlers = handlers;
    this.presence = new PresenceList(ctx.events);
  }

  /** A new signaling client for `url`, made `ctx.client` (its state is forwarded unless reconnecting). */
  open(url: string): SignalingClient {
    const client = new SignalingClient({ url, requestTimeoutMs: this.#options.requestTimeoutMs, WebSocket: this.#options.WebSocket });
    const events = this.#ctx.events;
    this.#ctx.client = client;
    this.#offs = [
      client.on('state', (state) => {
        if (state === 'connected') this.presence.resubscribe(client);
        if (this.#handlers.forwardsState()) events.emit('onConnectionStateChanged', { state });
      }),
      client.on('message', (message) => (message.type === 'presence' ? this.presence.onMessage(message) : this.#handlers.message(message))),
      client.on('lost', (event) => this.#handlers.lost(client, event)),
      client.on('invalid', (event) =>
        events.emit('onError', { code: ErrorCode.SERVER_ERROR, message: `dropped an invalid server message: ${event.message}` }),
      ),
    ];
    return client;
  }

  /** Forgets the current client without announcing a state (the reconnect logic does). */
  detach(): void {
    const client = this.#ctx.client;
    if (!client) return;
    this.#ctx.client = null;
    for (const off of this.#offs) off();
    this.#offs = [];
    client.dispose();
  }

  /** Closes and forgets the current client, announcing `disconnected`. */
  drop(): void {
    const client = this.#ctx.client;
    if (!client) return;
    this.#ctx.client = null;
    client.close();
    for (const off of this.#offs) off();
    this.#offs = [];
    if (client.state !== 'disconnected') this.#ctx.events.emit('onConnectionStateChanged', { state: 'disconnected' });
    client.dispose();
  }

  /** `records-query`: a page of our own call records. */
  async queryRecords(params: { limit?: number; cursor?: string }): Promise<CallRecordsPage> {
    const client = this.#ctx.client;
    if (!client) throw new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call login() first');
    const answer = await client.request({ type: 'records-query', ...params });
    if (answer.type !== 'records') throw new CallKitError(ErrorCode.SERVER_ERROR, `unexpected answer ${answer.type}`);
    return answer.nextCursor === undefined ? { records: answer.records } : { records: answer.records, nextCursor: answer.nextCursor };
  }

  /** `group-call-query`: the call running for `groupID`, or null (none, or not ours to see). */
  async queryGroupCall(groupID: string): Promise<GroupCallInfo | null> {
    const client = this.require();
    if (typeof groupID !== 'string' || !groupID || groupID.length > 64)
      throw invalidParameter('groupID must be a string of 1-64 characters');
    const answer = await client.request({ type: 'group-call-query', groupId: groupID });
    if (answer.type !== 'group-call') throw new CallKitError(ErrorCode.SERVER_ERROR, `unexpected answer ${answer.type}`, 'invalid-message');
    if (!answer.call) return null;
    return {
      callId: answer.call.callId,
      mediaType: fromWireMedia(answer.call.mediaType),
      members: answer.call.members.map((m) => ({ ...profileOf(m), status: m.state })),
    };
  }

  /** The connected client, else SDK_NOT_INITIALIZED (never logged in) or CONNECTION_FAILED. */
  require(): SignalingClient {
    const client = this.#ctx.client;
    if (!client) {
      if (this.#ctx.userId) throw new CallKitError(ErrorCode.CONNECTION_FAILED, 'not connected to the signaling server', 'disconnected');
      throw new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call login() first');
    }
    if (client.state !== 'connected') {
      throw new CallKitError(ErrorCode.CONNECTION_FAILED, 'not connected to the signaling server', 'disconnected');
    }
    return client;
  }
}

/**
 * The `login` message (`multiIncoming` always: the ringing queue handles several invitations).
 * `newPage`: the engine's `login()` (it holds no call), not a reconnect: the server ends a call of
 * ours orphaned by a killed tab at once (see the protocol header).
 */
export function loginMessage(
  session: { sdkAppId: number; userSig: string },
  userId: string,
  profile: { name?: string; avatar?: string },
  callWaiting: boolean,
  newPage = false,
): LoginRequest {
  const login: LoginRequest = {
    type: 'login',
    sdkAppId: session.sdkAppId,
    userId,
    userSig: session.userSig,
    multiIncoming: true,
    callWaiting,
  };
  if (newPage) login.newPage = true;
  if (profile.name !== undefined) login.name = profile.name;
  if (profile.avatar !== undefined) login.avatar = profile.avatar;
  return login;
}
