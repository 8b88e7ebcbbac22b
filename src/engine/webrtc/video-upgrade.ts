/**
 * Audio -> video in a 1v1 call (issue 17 item 1), the default engine's side of `video-upgrade`
 * (rules in `src/protocol/video-upgrade.ts`):
 * - Asking (`request`): our camera is captured first (a denied permission fails here, nothing is
 *   sent and the call stays audio), then `request` goes out. The promise resolves when the other
 *   side accepted and our camera is sent; it rejects (SWITCH_TO_VIDEO_CALL_FAILED) on `decline`,
 *   when the call ends, or after `timeoutMs` (the request is withdrawn with `cancel`; if the
 *   server says an answer came first, that answer wins). The camera is released on every failure.
 * - Asked (`respond`): accepting captures our camera, then sends `accept`; if the camera fails we
 *   decline instead (the call stays audio) and the camera error is thrown. A request the requester
 *   withdrew (or that outlived `timeoutMs`) ends with `cancelled` / `timeout`.
 * - Both sides, on accept: `CallMedia.toVideo` adds the video track (the peers renegotiate,
 *   perfect negotiation settles a crossing offer) and emits `onCallMediaTypeChanged` (video).
 * Events: `onVideoRequest` / `onVideoRequestEnded` (direction, outcome) for the store.
 */
import { CallMediaType } from '../../constants.js';
import { CallKitError, ErrorCode } from '../../errors.js';
import type { ServerMessage } from '../../protocol/messages.js';
import type { VideoRequestDirection, VideoRequestOutcome } from '../types.js';
import type { ActiveCall, EngineContext } from './call-model.js';
import { noop } from './call-model.js';

type UpgradeMessage = Extract<ServerMessage, { type: 'video-upgrade' }>;

/** What the upgrade needs from `CallMedia`. */
export interface UpgradeMedia {
  /** Captures our camera (queued with the other media operations) without sending it. */
  captureCamera(): Promise<void>;
  /** Stops a camera captured for a request that did not go through (unless the call is video). */
  releaseCamera(call: ActiveCall): Promise<void>;
  /** The call is video now: sends our camera, announces it, emits onCallMediaTypeChanged. */
  toVideo(call: ActiveCall): Promise<void>;
}

interface Outgoing {
  call: ActiveCall;
  userId: string;
  promise: Promise<void>;
  resolve(): void;
  reject(error: CallKitError): void;
  timer: ReturnType<typeof setTimeout> | null;
}

interface Incoming {
  call: ActiveCall;
  userId: string;
  timer: ReturnType<typeof setTimeout>;
}

function failed(reason: string, message: string): CallKitError {
  return new CallKitError(ErrorCode.SWITCH_TO_VIDEO_CALL_FAILED, message, reason);
}

export class VideoUpgrade {
  #outgoing: Outgoing | null = null;
  #incoming: Incoming | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly media: UpgradeMedia,
    private readonly timeoutMs: number,
  ) {}

  /** Timers pending (leak checks). */
  get timerCount(): number {
    return (this.#outgoing?.timer ? 1 : 0) + (this.#incoming ? 1 : 0);
  }

  /** `switchCallMediaType(VIDEO)`: asks the other member (see the module comment). */
  request(): Promise<void> {
    const call = this.ctx.call;
    if (!call || call.phase !== 'connected' || !call.callId) {
      return Promise.reject(new CallKitError(ErrorCode.INVALID_STATE, 'no connected call to switch'));
    }
    if (call.mediaType === CallMediaType.VIDEO) return Promise.resolve();
    if (this.#outgoing?.call === call) return this.#outgoing.promise;
    // They asked first: asking back is accepting.
    if (this.#incoming?.call === call) return this.respond(true);
    const peer = peerOf(call);
    if (!peer) return Promise.reject(failed('not-supported', 'switching to video is for 1v1 calls only'));
    let resolve!: () => void;
    let reject!: (error: CallKitError) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const out: Outgoing = { call, userId: peer, promise, resolve, reject, timer: null };
    this.#outgoing = out;
    void this.#ask(out);
    return promise;
  }

  async #ask(out: Outgoing): Promise<void> {
    const { call } = out;
    try {
      await this.media.captureCamera();
      if (this.#outgoing !== out) return;
      const client = this.ctx.client;
      if (!client || this.ctx.call !== call) throw failed('cancelled', 'the call ended');
      await client.request({ type: 'video-upgrade', callId: call.callId, action: 'request' });
    } catch (error) {
      if (this.#outgoing !== out) return;
      const reason = error instanceof CallKitError ? error.reason : undefined;
      const typed =
        error instanceof CallKitError && error.code === ErrorCode.SERVER_ERROR
          ? failed(reason ?? 'invalid-state', `the server refused the video request: ${error.message}`)
          : error instanceof CallKitError
            ? error
            : failed('failed', String(error));
      return this.#endOutgoing(out, typed);
    }
    if (this.#outgoing !== out) return;
    out.timer = setTimeout(() => void this.#giveUp(out), this.timeoutMs);
    this.ctx.events.emit('onVideoRequest', { userId: out.userId, direction: 'outgoing' });
  }

  /** The bounded wait ran out: withdraw (unless the server says an answer came first). */
  async #giveUp(out: Outgoing): Promise<void> {
    out.timer = null;
    await this.ctx.client?.request({ type: 'video-upgrade', callId: out.call.callId, action: 'cancel' }).catch(noop);
    // An answer that crossed our cancel was relayed before the cancel's answer: it settled `out`.
    if (this.#outgoing === out) this.#endOutgoing(out, failed('timeout', 'no answer to the video request'), 'timeout');
  }

  #endOutgoing(out: Outgoing, error: CallKitError | null, outcome?: VideoRequestOutcome): void {
    if (this.#outgoing !== out) return;
    this.#outgoing = null;
    if (out.timer) clearTimeout(out.timer);
    out.timer = null;
    if (outcome) this.#ended(out.userId, 'outgoing', outcome);
    if (!error) return out.resolve();
    void this.media.releaseCamera(out.call).catch(noop);
    out.reject(error);
  }

  /** Answers the other member's pending request. */
  async respond(accept: boolean): Promise<void> {
    const inc = this.#incoming;
    const call = this.ctx.call;
    if (!inc || inc.call !== call || !call) throw new CallKitError(ErrorCode.INVALID_STATE, 'no video request to answer');
    this.#clearIncoming();
    const send = (action: 'accept' | 'decline') =>
      this.ctx.client?.request({ type: 'video-upgrade', callId: call.callId, action }) ??
      Promise.reject(new CallKitError(ErrorCode.CONNECTION_FAILED, 'not connected', 'disconnected'));
    if (!accept) {
      this.#ended(inc.userId, 'incoming', 'declined');
      await send('decline').catch(noop);
      return;
    }
    try {
      await this.media.captureCamera();
    } catch (error) {
      // No camera: the call stays audio, the requester hears "declined".
      this.#ended(inc.userId, 'incoming', 'declined');
      await send('decline').catch(noop);
      throw error;
    }
    try {
      await send('accept');
    } catch (error) {
      // Withdrawn or timed out before our answer reached the server: the call stays audio.
      void this.media.releaseCamera(call).catch(noop);
      this.#ended(inc.userId, 'incoming', 'cancelled');
      throw failed('cancelled', `the video request was withdrawn: ${(error as Error).message}`);
    }
    this.#ended(inc.userId, 'incoming', 'accepted');
    await this.media.toVideo(call);
  }

  /** A `video-upgrade` from the server for the current call. */
  onMessage(message: UpgradeMessage): void {
    const call = this.ctx.call;
    if (!call || call.callId !== message.callId) return;
    const out = this.#outgoing?.call === call && this.#outgoing.userId === message.from ? this.#outgoing : null;
    switch (message.action) {
      case 'request': {
        this.#clearIncoming();
        const timer = setTimeout(() => {
          if (this.#incoming?.timer !== timer) return;
          this.#incoming = null;
          this.#ended(message.from, 'incoming', 'timeout');
        }, this.timeoutMs);
        this.#incoming = { call, userId: message.from, timer };
        this.ctx.events.emit('onVideoRequest', { userId: message.from, direction: 'incoming' });
        return;
      }
      case 'cancel':
        if (this.#incoming?.call === call && this.#incoming.userId === message.from) {
          this.#clearIncoming();
          this.#ended(message.from, 'incoming', 'cancelled');
        }
        return;
      case 'accept':
        if (!out) return;
        this.#outgoing = null;
        if (out.timer) clearTimeout(out.timer);
        this.#ended(out.userId, 'outgoing', 'accepted');
        this.media.toVideo(call).then(out.resolve, (error: unknown) => out.reject(error as CallKitError));
        return;
      case 'decline':
        if (out) this.#endOutgoing(out, failed('declined', `${message.from} declined to switch to video`), 'declined');
        return;
    }
  }

  /** The call is over (or we logged out): pending requests end, timers go. */
  end(): void {
    const out = this.#outgoing;
    if (out) this.#endOutgoing(out, failed('cancelled', 'the call ended'));
    this.#clearIncoming();
  }

  #clearIncoming(): void {
    if (this.#incoming) clearTimeout(this.#incoming.timer);
    this.#incoming = null;
  }

  #ended(userId: string, direction: VideoRequestDirection, outcome: VideoRequestOutcome): void {
    this.ctx.events.emit('onVideoRequestEnded', { userId, direction, outcome });
  }
}

/** The other accepted member of a 1v1 mesh call, else null (group calls and the SFU path). */
function peerOf(call: ActiveCall): string | null {
  if (call.sfu) return null;
  let peer: string | null = null;
  for (const [userId, m] of call.members) {
    if (m.state === 'ringing') return null;
    if (m.state !== 'accepted') continue;
    if (peer !== null) return null;
    peer = userId;
  }
  return peer;
}
