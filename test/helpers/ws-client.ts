/**
 * A Node `ws` test client for the signaling server: logs in with a freshly minted userSig, sends
 * requests, and awaits messages matching a predicate with a deadline (never fixed sleeps). Every frame
 * the server sends is checked against the protocol's server schema.
 */
import { WebSocket } from 'ws';
import type { ClientOptions } from 'ws';
import { genUserSig } from '../../server/usersig.js';
import { parseServerMessage, PROTOCOL_VERSION } from '../../src/protocol/messages.js';
import type { ServerMessage } from '../../src/protocol/messages.js';

export const TEST_SECRET = 'callkit-test-secret-0123456789-abcdefghijklmnop';
export const TEST_SDK_APP_ID = 1400000001;
/** What every test server needs outside dev mode: secret, SDKAppID and an explicit Origin allow-list. */
export const TEST_SERVER = { secret: TEST_SECRET, sdkAppId: TEST_SDK_APP_ID, allowedOrigins: ['*'] };
export const DEFAULT_WAIT_MS = 3000;

export const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A logger that records everything (to assert warnings) and prints errors (they are bugs). */
export function recordingLogger(): {
  lines: { level: string; msg: string }[];
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
} {
  const lines: { level: string; msg: string }[] = [];
  return {
    lines,
    info: (msg) => lines.push({ level: 'info', msg }),
    warn: (msg) => lines.push({ level: 'warn', msg }),
    error: (msg) => {
      lines.push({ level: 'error', msg });
      console.error(`[server error] ${msg}`);
    },
  };
}

export type Msg<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export function sigFor(userId: string, opts: { secret?: string; sdkAppId?: number; expireSeconds?: number; now?: number } = {}): string {
  return genUserSig({
    sdkAppId: opts.sdkAppId ?? TEST_SDK_APP_ID,
    secret: opts.secret ?? TEST_SECRET,
    userId,
    expireSeconds: opts.expireSeconds ?? 3600,
    now: opts.now,
  });
}

/** Polls `cond` every 5 ms until it holds or the deadline passes. */
/** Optional fields of a test `login` (a profile, flags). */
export interface LoginFields {
  name?: string;
  avatar?: string;
  newPage?: boolean;
  multiIncoming?: boolean;
  callWaiting?: boolean;
}

export async function waitUntil(cond: () => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export class TestClient {
  /** Every valid message received, in order. */
  readonly received: ServerMessage[] = [];
  /** Frames that did not match the server schema (protocol bugs). */
  readonly invalid: string[] = [];
  userId: string | undefined;
  closeInfo: { code: number; reason: string } | undefined;
  private queue: ServerMessage[] = [];
  private wake = new Set<() => void>();
  private nextId = 1;

  private constructor(
    readonly ws: WebSocket,
    readonly label: string,
  ) {
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '<binary>' : data.toString();
      const parsed = parseServerMessage(text);
      if (parsed.ok) {
        this.received.push(parsed.message);
        this.queue.push(parsed.message);
      } else {
        this.invalid.push(`${parsed.code} ${parsed.field ?? ''} ${parsed.message}: ${text.slice(0, 300)}`);
      }
      this.notify();
    });
    ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString() };
      this.notify();
    });
    ws.on('error', () => this.notify());
  }

  static async connect(url: string, label = 'client', options: ClientOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(url, options);
    const client = new TestClient(ws, label);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label}: connect timed out`)), DEFAULT_WAIT_MS);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        reject(Object.assign(new Error(`${label}: upgrade refused with HTTP ${res.statusCode}`), { statusCode: res.statusCode }));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    return client;
  }

  /** Connects and logs in as `userId` with a valid userSig. */
  static async login(url: string, userId: string, profile: LoginFields = {}): Promise<TestClient> {
    const client = await TestClient.connect(url, userId);
    await client.login(userId, profile);
    return client;
  }

  private notify(): void {
    for (const fn of [...this.wake]) fn();
  }

  /** Sends a raw frame: a string or Buffer as is (Buffer as a binary frame), anything else as JSON. */
  send(frame: unknown, options: { binary?: boolean } = {}): void {
    const data = typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame);
    this.ws.send(data, { binary: options.binary ?? Buffer.isBuffer(frame) });
  }

  /** Sends `{v:1, id, ...message}` and returns the id. */
  request(message: Record<string, unknown>): string {
    const id = `${this.label}-${this.nextId++}`;
    this.send({ v: PROTOCOL_VERSION, id, ...message });
    return id;
  }

  async login(userId: string, profile: LoginFields & { userSig?: string } = {}): Promise<Msg<'login-ok'>> {
    const { userSig = sigFor(userId), ...rest } = profile;
    const id = this.request({ type: 'login', sdkAppId: TEST_SDK_APP_ID, userId, userSig, ...rest });
    const answer = await this.reply(id);
    if (answer.type !== 'login-ok') throw new Error(`${this.label}: login failed: ${JSON.stringify(answer)}`);
    this.userId = userId;
    return answer;
  }

  /** Removes and returns the first unconsumed message matching `pred`, waiting up to `timeoutMs`. */
  async waitFor(pred: (m: ServerMessage) => boolean, what = 'a message', timeoutMs = DEFAULT_WAIT_MS): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.invalid.length) throw new Error(`${this.label}: server sent invalid frames: ${this.invalid.join(' | ')}`);
      const index = this.queue.findIndex(pred);
      if (index >= 0) return this.queue.splice(index, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `${this.label}: timed out after ${timeoutMs} ms waiting for ${what}; unconsumed: ${JSON.stringify(this.queue)}; ` +
            `close: ${JSON.stringify(this.closeInfo)}`,
        );
      }
      await this.nap(left);
    }
  }

  /** Resolves on the next frame, close or error, or after `ms`. */
  private nap(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = this.wake;
      const done = () => {
        clearTimeout(timer);
        wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake.add(done);
    });
  }

  /** The first unconsumed message of `type` (matching `pred`). */
  async waitForType<T extends ServerMessage['type']>(
    type: T,
    pred: (m: Msg<T>) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<Msg<T>> {
    return (await this.waitFor((m) => m.type === type && pred(m as Msg<T>), `a ${type} message`, timeoutMs)) as Msg<T>;
  }

  /** The next unconsumed message, whatever it is (to assert order). */
  async next(timeoutMs?: number): Promise<ServerMessage> {
    return this.waitFor(() => true, 'the next message', timeoutMs);
  }

  /** The answer (`ref === id`) to a request. */
  async reply(id: string, timeoutMs?: number): Promise<ServerMessage> {
    return this.waitFor((m) => m.ref === id, `the answer to ${id}`, timeoutMs);
  }

  /** Sends a request and awaits its answer. */
  async ask(message: Record<string, unknown>, timeoutMs?: number): Promise<ServerMessage> {
    return this.reply(this.request(message), timeoutMs);
  }

  /** Sends a request and expects `error {code}` as its answer. */
  async askError(message: Record<string, unknown>, code: string): Promise<Msg<'error'>> {
    const answer = await this.ask(message);
    if (answer.type !== 'error' || answer.code !== code) {
      throw new Error(`${this.label}: expected error ${code} for ${JSON.stringify(message).slice(0, 200)}, got ${JSON.stringify(answer)}`);
    }
    return answer;
  }

  /**
   * A round trip (an empty `profile` answered by `ok`): everything the server sent to this socket
   * before it handled the round trip has arrived afterwards.
   */
  async sync(): Promise<void> {
    const answer = await this.ask({ type: 'profile' });
    if (answer.type !== 'ok') throw new Error(`${this.label}: sync failed: ${JSON.stringify(answer)}`);
  }

  /** Unconsumed messages. */
  pending(): ServerMessage[] {
    return [...this.queue];
  }

  /** Syncs, then fails if anything unconsumed arrived. */
  async expectNothingPending(): Promise<void> {
    await this.sync();
    if (this.queue.length) throw new Error(`${this.label}: unexpected messages: ${JSON.stringify(this.queue)}`);
  }

  async waitClose(timeoutMs = DEFAULT_WAIT_MS): Promise<{ code: number; reason: string }> {
    await this.waitForCondition(() => this.closeInfo !== undefined, 'the socket to close', timeoutMs);
    return this.closeInfo as { code: number; reason: string };
  }

  private async waitForCondition(cond: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label}: timed out after ${timeoutMs} ms waiting for ${what}`);
      await this.nap(left);
    }
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
  }

  terminate(): void {
    this.ws.terminate();
  }
}
