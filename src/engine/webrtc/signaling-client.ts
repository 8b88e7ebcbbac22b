/**
 * WebSocket client for `callkit-server` (see `src/protocol/messages.ts` for the protocol).
 *
 * - {@link SignalingClient.connect} opens the socket and logs in within one deadline.
 * - {@link SignalingClient.request} sends a message with a request `id` and resolves with the
 *   server's answer (`ref` = that id). An `error` answer rejects with `CallKitError(SERVER_ERROR)`
 *   whose `reason` is the server's error code; no answer in time rejects with
 *   `CallKitError(CONNECTION_FAILED, reason 'timeout')`; a lost socket rejects every pending
 *   request with `CallKitError(CONNECTION_FAILED, reason 'disconnected')`.
 * - Every validated server message is emitted as `message` (answers consumed by a pending request
 *   are emitted too, except `ok` and `error`, which only mean something to the requester).
 *   Frames that fail validation are dropped and reported as `invalid`.
 * - A socket that closes without {@link SignalingClient.close} emits `lost`; reconnection is not
 *   done here: the owner (the engine) reconnects with a new client and resumes its call.
 *
 * Touches no browser API at import time: `WebSocket` is looked up when connecting (or injected).
 */
import { CallKitError, ErrorCode } from '../../errors.js';
import { encode, parseServerMessage, type ClientMessage, type Outgoing, type ServerMessage } from '../../protocol/messages.js';
import { Emitter } from '../emitter.js';
import type { ConnectionState } from '../types.js';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
/** A client message as handed to the client: no `v` (added by `encode`) and no `id` (added by `request`). */
export type ClientRequest = WithoutId<Outgoing<ClientMessage>>;
export type LoginRequest = Extract<ClientRequest, { type: 'login' }>;
export type LoginOk = Extract<ServerMessage, { type: 'login-ok' }>;

/** A WebSocket constructor: the browser's (default), a subclass, or a compatible one (e.g. `ws` in Node, cast). */
export type SocketConstructor = new (url: string) => WebSocket;

export interface SignalingClientEvents {
  /** A validated server message (push or answer). */
  message: ServerMessage;
  state: ConnectionState;
  /** The socket closed without {@link SignalingClient.close} after a successful login. */
  lost: { code: number; reason: string };
  /** A frame from the server failed validation and was dropped. */
  invalid: { code: string; message: string };
}

export interface SignalingClientOptions {
  url: string;
  /** Answer deadline per request (default 10 s). */
  requestTimeoutMs?: number;
  /** Deadline for open + login (default: requestTimeoutMs). */
  loginTimeoutMs?: number;
  /** WebSocket implementation; defaults to `globalThis.WebSocket`. */
  WebSocket?: SocketConstructor;
}

export interface RequestOptions {
  timeoutMs?: number;
  /**
   * Also settle on a message without our `ref` for which this returns true (e.g. `accept` is
   * answered by a `call-started` push for the call).
   */
  match?: (message: ServerMessage) => boolean;
}

interface Pending {
  resolve: (message: ServerMessage) => void;
  reject: (error: CallKitError) => void;
  timer: ReturnType<typeof setTimeout>;
  match?: (message: ServerMessage) => boolean;
}

const OPEN = 1;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export class SignalingClient {
  readonly #events = new Emitter<SignalingClientEvents>();
  readonly #url: string;
  readonly #requestTimeoutMs: number;
  readonly #loginTimeoutMs: number;
  readonly #Socket: SocketConstructor | undefined;
  #ws: WebSocket | null = null;
  #state: ConnectionState = 'disconnected';
  #pending = new Map<string, Pending>();
  #seq = 0;
  #loginTimer: ReturnType<typeof setTimeout> | null = null;
  /** close() was called: the coming close event is expected. */
  #closing = false;
  /** Fails the connect() in progress, if any. */
  #abortConnect: ((error: CallKitError) => void) | null = null;

  constructor(options: SignalingClientOptions) {
    this.#url = options.url;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#loginTimeoutMs = options.loginTimeoutMs ?? this.#requestTimeoutMs;
    this.#Socket = options.WebSocket;
  }

  on<K extends keyof SignalingClientEvents>(event: K, listener: (payload: SignalingClientEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Requests waiting for an answer. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Live timers (request deadlines + the login deadline), for leak checks. */
  get timerCount(): number {
    return this.#pending.size + (this.#loginTimer ? 1 : 0);
  }

  /**
   * Opens the socket and logs in. Rejects with `CallKitError(CONNECTION_FAILED)`: reason
   * `timeout` (no `login-ok` within the deadline), `auth-failed` or another server error code
   * (login refused), `closed` (socket closed before `login-ok`), `invalid-url`.
   */
  connect(login: LoginRequest): Promise<LoginOk> {
    if (this.#ws) return Promise.reject(new CallKitError(ErrorCode.INVALID_STATE, 'already connected'));
    const Socket = this.#Socket ?? (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
    if (!Socket) {
      return Promise.reject(new CallKitError(ErrorCode.NOT_SUPPORTED_WEBRTC, 'WebSocket is not available here'));
    }
    let ws: WebSocket;
    try {
      ws = new Socket(this.#url);
    } catch (error) {
      return Promise.reject(
        new CallKitError(ErrorCode.INVALID_PARAMETER, `invalid signaling server URL: ${(error as Error).message}`, 'invalid-url'),
      );
    }
    this.#ws = ws;
    this.#closing = false;
    this.#setState('connecting');

    return new Promise<LoginOk>((resolve, reject) => {
      let settled = false;
      const fail = (error: CallKitError) => {
        if (settled) return;
        settled = true;
        this.#abortConnect = null;
        this.#clearLoginTimer();
        this.#teardown(error);
        this.#setState('failed');
        this.#setState('disconnected');
        reject(error);
      };
      this.#abortConnect = fail;
      this.#loginTimer = setTimeout(() => {
        this.#loginTimer = null;
        fail(new CallKitError(ErrorCode.CONNECTION_FAILED, 'signaling server did not answer the login in time', 'timeout'));
      }, this.#loginTimeoutMs);

      ws.onerror = () => {
        // A close event always follows; it carries the code.
      };
      ws.onopen = () => {
        // The login has its own deadline (the connect deadline), not the request one.
        this.request(login, { timeoutMs: this.#loginTimeoutMs + 1000 }).then(
          (answer) => {
            if (settled) return;
            if (answer.type !== 'login-ok') {
              fail(new CallKitError(ErrorCode.CONNECTION_FAILED, `unexpected login answer ${answer.type}`, 'invalid-message'));
              return;
            }
            settled = true;
            this.#abortConnect = null;
            this.#clearLoginTimer();
            this.#setState('connected');
            resolve(answer);
          },
          (error: CallKitError) => {
            const reason = error.reason ?? 'failed';
            fail(new CallKitError(ErrorCode.CONNECTION_FAILED, `login refused: ${error.message}`, reason));
          },
        );
      };
      ws.onmessage = (event: MessageEvent) => this.#onFrame(event.data);
      ws.onclose = (event) => {
        if (!settled) {
          fail(
            new CallKitError(
              ErrorCode.CONNECTION_FAILED,
              `signaling connection closed before login (${event.code}${event.reason ? ` ${event.reason}` : ''})`,
              'closed',
            ),
          );
          return;
        }
        this.#onClose(event.code, event.reason);
      };
    });
  }

  /** Sends a request and resolves with its answer (see the class comment for failures). */
  request(message: ClientRequest, options: RequestOptions = {}): Promise<ServerMessage> {
    const ws = this.#ws;
    if (!ws || ws.readyState !== OPEN) {
      return Promise.reject(new CallKitError(ErrorCode.CONNECTION_FAILED, 'not connected to the signaling server', 'disconnected'));
    }
    const id = `r${++this.#seq}`;
    return new Promise<ServerMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new CallKitError(ErrorCode.CONNECTION_FAILED, `no answer to ${message.type} in time`, 'timeout'));
      }, options.timeoutMs ?? this.#requestTimeoutMs);
      this.#pending.set(id, { resolve, reject, timer, match: options.match });
      try {
        ws.send(encode<ClientMessage>({ ...message, id } as Outgoing<ClientMessage>));
      } catch (error) {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(new CallKitError(ErrorCode.CONNECTION_FAILED, `could not send: ${(error as Error).message}`, 'disconnected'));
      }
    });
  }

  /** Sends without waiting for an answer; false when the socket is not open. */
  send(message: ClientRequest): boolean {
    const ws = this.#ws;
    if (!ws || ws.readyState !== OPEN) return false;
    try {
      ws.send(encode<ClientMessage>(message as Outgoing<ClientMessage>));
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the socket; pending requests reject with CONNECTION_FAILED (reason `closed`). Idempotent. */
  close(): void {
    this.#abortConnect?.(new CallKitError(ErrorCode.CONNECTION_FAILED, 'closed while connecting', 'closed'));
    this.#clearLoginTimer();
    if (!this.#ws) return;
    this.#closing = true;
    this.#teardown(new CallKitError(ErrorCode.CONNECTION_FAILED, 'signaling connection closed', 'closed'));
    this.#setState('disconnected');
  }

  /** Removes every listener (after close). */
  dispose(): void {
    this.close();
    this.#events.removeAllListeners();
  }

  #onFrame(data: unknown): void {
    if (typeof data !== 'string') {
      this.#events.emit('invalid', { code: 'invalid-message', message: 'binary frame' });
      return;
    }
    const parsed = parseServerMessage(data);
    if (!parsed.ok) {
      // An answer we cannot validate (e.g. an error code newer than our schema) still settles its
      // request as a failure instead of leaving it to time out.
      const raw = looseAnswer(data);
      const pending = raw?.ref ? this.#pending.get(raw.ref) : undefined;
      if (pending && raw?.ref) {
        this.#pending.delete(raw.ref);
        clearTimeout(pending.timer);
        pending.reject(
          new CallKitError(ErrorCode.SERVER_ERROR, raw.message ?? `invalid answer: ${parsed.message}`, raw.code ?? parsed.code),
        );
        return;
      }
      this.#events.emit('invalid', { code: parsed.code, message: parsed.message });
      return;
    }
    const message = parsed.message;
    let consumed = false;
    const pending = message.ref ? this.#pending.get(message.ref) : undefined;
    if (pending && message.ref) {
      this.#pending.delete(message.ref);
      clearTimeout(pending.timer);
      if (message.type === 'error') {
        pending.reject(new CallKitError(ErrorCode.SERVER_ERROR, message.message, message.code));
      } else {
        pending.resolve(message);
      }
      consumed = message.type === 'ok' || message.type === 'error';
    } else {
      for (const [id, p] of this.#pending) {
        if (p.match?.(message)) {
          this.#pending.delete(id);
          clearTimeout(p.timer);
          p.resolve(message);
        }
      }
    }
    if (!consumed) this.#events.emit('message', message);
  }

  #onClose(code: number, reason: string): void {
    const expected = this.#closing;
    this.#teardown(new CallKitError(ErrorCode.CONNECTION_FAILED, 'signaling connection lost', 'disconnected'));
    // `lost` before the state change: an owner that reconnects detaches first and never shows
    // 'disconnected' in between.
    if (!expected) this.#events.emit('lost', { code, reason });
    this.#setState('disconnected');
  }

  /**
   * Gives the socket up as lost now (`lost` follows at once, code 1006), without waiting for a
   * closing handshake that a socket dead with the old network would never finish.
   */
  abandon(reason: string): void {
    if (this.#ws && this.#state === 'connected') this.#onClose(1006, reason);
  }

  /**
   * Test support: closes the socket as a network loss would (`lost` follows, unlike
   * {@link SignalingClient.close}).
   */
  debugDrop(): void {
    try {
      this.#ws?.close(4000, 'debug drop');
    } catch {
      // already closed
    }
  }

  /** Detaches and closes the socket, rejects pending requests. */
  #teardown(error: CallKitError): void {
    const ws = this.#ws;
    this.#ws = null;
    if (ws) {
      ws.onopen = null;
      ws.onmessage = null;
      ws.onclose = null;
      // Not null: closing a socket that is still connecting reports an error afterwards, which
      // Node's `ws` throws when nobody listens (a server that never answered the handshake).
      ws.onerror = () => undefined;
      try {
        ws.close(1000, 'bye');
      } catch {
        // already closed
      }
    }
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(error);
    }
  }

  #clearLoginTimer(): void {
    if (this.#loginTimer) clearTimeout(this.#loginTimer);
    this.#loginTimer = null;
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#events.emit('state', state);
  }
}

/** `ref`, `code` and `message` of a frame that failed validation, when they are plain strings. */
function looseAnswer(raw: string): { ref?: string; code?: string; message?: string } | null {
  try {
    const data = JSON.parse(raw) as unknown;
    if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
    const o = data as Record<string, unknown>;
    const str = (x: unknown, max: number) => (typeof x === 'string' && x.length <= max ? x : undefined);
    return { ref: str(o.ref, 64), code: o.type === 'error' ? str(o.code, 64) : undefined, message: str(o.message, 1024) };
  } catch {
    return null;
  }
}
