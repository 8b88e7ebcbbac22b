/**
 * The default engine's reconnection: a lost signaling socket does not end a connected call. The
 * engine logs in again on a new socket with backoff and jitter ({@link reconnectDelayMs}), resumes
 * the call by its id (`resume`), and gives up after `giveUpMs` (state `failed`, the call ends,
 * `onError` CONNECTION_FAILED). See docs/webrtc-engine.md.
 *
 * The browser's `online` event (the network is back, or changed) does not wait for the backoff:
 * a pending attempt runs at once, a reconnection that gave up (`failed`) starts again, and a socket
 * that still looks open is probed with a no-op request: no answer within {@link ONLINE_PROBE_MS}
 * and it is given up as lost (and replaced), so the user can be called again.
 */
import { CallKitError, ErrorCode } from '../../errors.js';
import type { ServerMessage } from '../../protocol/messages.js';
import { noop, type EngineContext } from './call-model.js';
import type { CallMachine } from './call-machine.js';
import type { LoginRequest, SignalingClient } from './signaling-client.js';

/**
 * Delay before reconnect attempt `attempt` (0-based): 0, then 300·n² ms capped at 7 s (0.3, 1.2,
 * 2.7, 4.8, 7, 7, ...), each ±20 % of jitter so that many clients dropped at once spread out.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  if (attempt <= 0) return 0;
  const base = Math.min(7000, 300 * attempt * attempt);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export const DEFAULT_RECONNECT_GIVE_UP_MS = 60_000;
/** After an `online` event, how long an open-looking socket has to answer a probe. */
export const ONLINE_PROBE_MS = 5000;

/** `window` where there is one (the `online` event), nothing in Node. */
function eventTarget(): Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | null {
  const g = globalThis as Partial<EventTarget>;
  return typeof g.addEventListener === 'function' && typeof g.removeEventListener === 'function'
    ? (g as Pick<EventTarget, 'addEventListener' | 'removeEventListener'>)
    : null;
}

/** The logged-in session, kept to log in again after a lost socket. */
export interface Session {
  url: string;
  sdkAppId: number;
  userSig: string;
}

/** What the reconnection needs from the engine. */
export interface ReconnectHost {
  /** The session to restore (null once logged out). */
  session(): Session | null;
  /** False once the engine is destroyed. */
  alive(): boolean;
  /** A new signaling client for `url`, bound to the engine (becomes `ctx.client`). */
  openClient(url: string): SignalingClient;
  /** Forgets the current client without announcing a state. */
  detachClient(): void;
  /** Closes and forgets the current client, announcing `disconnected`. */
  dropClient(): void;
  loginMessage(session: Session): LoginRequest;
  /** Sends our media state (after a resume). */
  sendMediaState(): void;
}

interface Attempt {
  attempt: number;
  startedAt: number;
  timer: ReturnType<typeof setTimeout> | null;
  /** The network came back during an attempt: if it fails, the next one starts at once. */
  now?: boolean;
}

export class Reconnector {
  readonly #ctx: EngineContext;
  readonly #machine: CallMachine;
  readonly #host: ReconnectHost;
  readonly #giveUpMs: number;
  readonly #delayScale: number;
  #current: Attempt | null = null;
  #lastAttempts = 0;
  /** Calls hung up while the socket was down: `hangup` is sent after the reconnect. */
  #pendingHangups: string[] = [];
  /** Removes the `online` listener (set while a session is up). */
  #unwatch: (() => void) | null = null;
  /** The last reconnection gave up (state `failed`); an `online` event starts over. */
  #gaveUp = false;

  constructor(ctx: EngineContext, machine: CallMachine, host: ReconnectHost, options: { giveUpMs?: number; delayScale?: number } = {}) {
    this.#ctx = ctx;
    this.#machine = machine;
    this.#host = host;
    this.#giveUpMs = options.giveUpMs ?? DEFAULT_RECONNECT_GIVE_UP_MS;
    this.#delayScale = options.delayScale ?? 1;
  }

  /** After a login: listens for `online` until {@link reset} (logout). */
  watchNetwork(): void {
    const target = eventTarget();
    if (this.#unwatch || !target) return;
    const onOnline = () => this.networkOnline();
    target.addEventListener('online', onOnline);
    this.#unwatch = () => target.removeEventListener('online', onOnline);
  }

  /** The network is back (`online`): reconnect now, or prove the open-looking socket alive. */
  networkOnline(): void {
    if (!this.#host.session() || !this.#host.alive()) return;
    const r = this.#current;
    if (r) {
      if (!r.timer) r.now = true;
      else {
        clearTimeout(r.timer);
        r.timer = null;
        void this.#attempt(r);
      }
      return;
    }
    const client = this.#ctx.client;
    if (!client) {
      if (this.#gaveUp) this.#start(); // gave up while offline: start over (not after a kick)
      return;
    }
    if (client.state !== 'connected') return;
    // A socket that lived through a network change may be dead without a close: a no-op request
    // (`profile` without fields) must come back.
    client.request({ type: 'profile' }, { timeoutMs: ONLINE_PROBE_MS }).catch((error: unknown) => {
      if (this.#ctx.client === client && (error as CallKitError).reason === 'timeout')
        client.abandon('no answer after the network came back');
    });
  }

  /** A lost socket is being replaced. */
  get active(): boolean {
    return this.#current !== null;
  }

  /** Attempts made since the socket was lost (those of the last outage once connected again). */
  get attempts(): number {
    return this.#current ? this.#current.attempt : this.#lastAttempts;
  }

  get timerCount(): number {
    return this.#current?.timer ? 1 : 0;
  }

  /** Logout: stop trying, forget the deferred hangups. */
  reset(): void {
    this.#unwatch?.();
    this.#unwatch = null;
    this.#gaveUp = false;
    this.#stop();
    this.#lastAttempts = 0;
    this.#pendingHangups = [];
  }

  /** `hangup` for `callId` once the socket is back (the server still holds our place meanwhile). */
  deferHangup(callId: string): void {
    this.#pendingHangups.push(callId);
  }

  /** The socket of `client` closed. */
  onLost(client: SignalingClient, event: { code: number; reason: string }): void {
    const ctx = this.#ctx;
    if (ctx.client !== client) return;
    const kicked = event.code === 4409 || /kick|replaced/i.test(event.reason);
    if (!kicked && event.code !== 4401 && this.#host.session() && this.#host.alive()) {
      // Keep a connected call (its media does not need the socket); the rest cannot survive.
      this.#host.detachClient();
      this.#machine.socketLost(true);
      this.#start();
      return;
    }
    this.#machine.socketLost(false);
    this.#host.dropClient();
    if (kicked) ctx.events.emit('onKickedOffline', { reason: event.reason || 'kicked' });
    ctx.events.emit('onError', {
      code: ErrorCode.CONNECTION_FAILED,
      message: `signaling connection lost (${event.code}${event.reason ? ` ${event.reason}` : ''})`,
    });
  }

  /**
   * After the state became 'failed' (reconnection gave up): tries again from the first delay.
   * Resolves once connected (and the call, if any, resumed or ended); rejects if it fails again.
   */
  reconnect(): Promise<void> {
    if (!this.#host.session()) return Promise.reject(new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call login() first'));
    if (this.#ctx.client?.state === 'connected') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const off = this.#ctx.events.on('onConnectionStateChanged', ({ state }) => {
        if (state === 'connected') {
          off();
          resolve();
        } else if (state === 'failed' || state === 'disconnected') {
          off();
          reject(new CallKitError(ErrorCode.CONNECTION_FAILED, 'could not reconnect to the signaling server', 'failed'));
        }
      });
      const r = this.#current;
      if (!r) this.#start();
      else if (r.timer) {
        // Already trying: try now instead of waiting for the next delay.
        clearTimeout(r.timer);
        r.timer = null;
        void this.#attempt(r);
      }
    });
  }

  #start(): void {
    this.#stop();
    this.#gaveUp = false;
    this.#current = { attempt: 0, startedAt: Date.now(), timer: null };
    this.#lastAttempts = 0;
    this.#ctx.events.emit('onConnectionStateChanged', { state: 'reconnecting' });
    this.#schedule(this.#current);
  }

  #schedule(r: Attempt): void {
    if (this.#current !== r) return;
    const left = r.startedAt + this.#giveUpMs - Date.now();
    if (left <= 0) {
      this.#giveUp(r);
      return;
    }
    const delay = r.now ? 0 : reconnectDelayMs(r.attempt) * this.#delayScale;
    r.now = false;
    if (delay >= left) {
      // No attempt is due before the deadline: give up AT it (R4: 45-60 s), not after one more
      // attempt started at the deadline (measured 60.0-62.1 s before this).
      r.timer = setTimeout(() => {
        r.timer = null;
        this.#giveUp(r);
      }, left);
      return;
    }
    r.timer = setTimeout(() => {
      r.timer = null;
      void this.#attempt(r);
    }, delay);
  }

  async #attempt(r: Attempt): Promise<void> {
    const session = this.#host.session();
    if (this.#current !== r || !session) return;
    r.attempt++;
    this.#lastAttempts = r.attempt;
    const client = this.#host.openClient(session.url);
    try {
      await client.connect(this.#host.loginMessage(session));
    } catch (error) {
      if (this.#ctx.client === client) this.#host.detachClient();
      if (this.#current !== r) return;
      // A refused login will be refused again: stop now.
      if ((error as CallKitError).reason === 'auth-failed') this.#giveUp(r);
      else this.#schedule(r);
      return;
    }
    if (this.#current !== r || this.#ctx.client !== client) return;
    this.#current = null;
    this.#ctx.events.emit('onConnectionStateChanged', { state: 'connected' });
    for (const callId of this.#pendingHangups.splice(0)) void client.request({ type: 'hangup', callId }).catch(noop);
    await this.#resumeCall(client);
  }

  /** After a reconnect: re-binds the connected call to the new socket, or ends it if the server lost it. */
  async #resumeCall(client: SignalingClient): Promise<void> {
    const ctx = this.#ctx;
    const call = ctx.call;
    if (!call || call.phase !== 'connected' || !call.callId) return;
    let answer: ServerMessage;
    try {
      answer = await client.request({
        type: 'resume',
        callId: call.callId,
        ...(call.resumeToken ? { resumeToken: call.resumeToken } : {}),
      });
    } catch (error) {
      if (ctx.call !== call) return;
      // Lost again: the next reconnect resumes. Refused: the call is gone on the server.
      if ((error as CallKitError).code === ErrorCode.SERVER_ERROR) this.#machine.finish(call, 'disconnected', 'server');
      return;
    }
    if (ctx.call !== call || answer.type !== 'resumed') return;
    call.resumeToken = answer.resumeToken ?? call.resumeToken;
    // Catch up with what happened while we were away (e.g. a member left).
    for (const member of answer.members) {
      if (member.userId !== ctx.userId) this.#machine.applyMember(call, member);
    }
    for (const peer of call.peers.values()) peer.resync();
    this.#host.sendMediaState();
  }

  #giveUp(r: Attempt): void {
    if (this.#current !== r) return;
    this.#stop();
    this.#gaveUp = true;
    this.#pendingHangups = [];
    this.#host.detachClient();
    const ctx = this.#ctx;
    ctx.events.emit('onConnectionStateChanged', { state: 'failed' });
    const call = ctx.call;
    if (call) this.#machine.finish(call, 'disconnected');
    ctx.events.emit('onError', {
      code: ErrorCode.CONNECTION_FAILED,
      message: 'the signaling server could not be reached again: gave up reconnecting',
    });
  }

  #stop(): void {
    const r = this.#current;
    this.#current = null;
    if (r?.timer) clearTimeout(r.timer);
  }
}
