/**
 * The media side of the `tuicall` engine: the MediaStreams handed to the elements, built from the
 * trtc-sdk-v5 instance inside the official engine's TRTCCloud (its `_trtc`, not a public API).
 * When that instance is not reachable, no streams are emitted and the kit shows avatars.
 */
import { CallMediaType, type CallEndReason, type CallRole } from '../../constants.js';
import type { Emitter } from '../emitter.js';
import type { CallEngineEvents } from '../types.js';
import type { InnerTRTC, TUICallEngineLike } from './official-types.js';

/** The adapter's view of the current call. */
export interface TuiCall {
  callId: string;
  role: CallRole;
  mediaType: CallMediaType;
  groupID: string;
  connected: boolean;
  /** The caller's last callee answer that was not an accept (the official engine's end of an unanswered call carries no reason). */
  declined?: CallEndReason;
  /** A callee's invitation timed out (seen on chat signaling). */
  timedOut?: boolean;
  /** Users the official engine saw enter the room before the call began (told after onCallBegin, like the other engines). */
  early?: string[];
  /** Remote users with video we subscribed to. */
  remotes: Map<string, { audio: boolean; video: boolean; key: string }>;
  /** A v2 call (chat signaling): its join and inviteUser cannot go to the v3 call service. */
  v2?: boolean;
  /** Users invited to this call as far as we know, those seen accepting, those in the room (told). */
  invitees?: Set<string>;
  accepted?: Set<string>;
  joined?: Set<string>;
}

type Payload = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const noop = (): void => undefined;
/** How long a camera switch may take to show in the local tracks (the official engine resolves before TRTC is done). */
const SETTLE_MS = 5000;

export class TuicallStreams {
  readonly #events: Emitter<CallEngineEvents>;
  readonly #engine: () => TUICallEngineLike | null;
  readonly #call: () => TuiCall | null;
  readonly #self: () => string;
  readonly #createStream: (tracks: MediaStreamTrack[]) => MediaStream | null;
  #trtc: InnerTRTC | null = null;
  #trtcOff: (() => void) | null = null;
  #localKey = '';

  constructor(options: {
    events: Emitter<CallEngineEvents>;
    engine: () => TUICallEngineLike | null;
    call: () => TuiCall | null;
    self: () => string;
    createStream: (tracks: MediaStreamTrack[]) => MediaStream | null;
  }) {
    this.#events = options.events;
    this.#engine = options.engine;
    this.#call = options.call;
    this.#self = options.self;
    this.#createStream = options.createStream;
  }

  /** Forgets the TRTC instance (logout). */
  reset(): void {
    this.#trtcOff?.();
    this.#trtcOff = null;
    this.#trtc = null;
  }

  /** Follows the TRTC instance's track changes (once the call begins). */
  watch(): void {
    const trtc = this.#inner();
    if (!trtc || this.#trtcOff) return;
    const onTrack = (payload: unknown): void => {
      const userId = str((payload as Payload | null)?.userId);
      if (!userId) this.local();
      else this.remote(userId);
    };
    trtc.on('track', onTrack);
    this.#trtcOff = () => trtc.off('track', onTrack);
  }

  /** The call ended: every stream it had is gone. */
  end(call: TuiCall): void {
    for (const userId of call.remotes.keys()) this.#events.emit('onRemoteStream', { userId, stream: null });
    if (this.#localKey) this.#events.emit('onLocalStream', { stream: null });
    this.#localKey = '';
  }

  /** Waits (bounded) until the local camera track is there (`on`) or gone, then tells the elements. */
  async settleCamera(on: boolean): Promise<void> {
    const trtc = this.#inner();
    if (trtc) {
      const deadline = Date.now() + SETTLE_MS;
      while (Boolean(trtc.getVideoTrack()) !== on && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    }
    this.local();
  }

  available(userId: string, kind: 'audio' | 'video', available: boolean): void {
    const call = this.#call();
    if (!call || !userId || userId === this.#self()) return;
    const remote = call.remotes.get(userId) ?? { audio: false, video: false, key: '' };
    call.remotes.set(userId, remote);
    remote[kind] = available;
    this.#events.emit(kind === 'audio' ? 'onUserAudioAvailable' : 'onUserVideoAvailable', { userId, available });
    if (kind === 'video' && available) void this.#engine()?.startRemoteView({ userID: userId, videoViewDomID: '' }).catch(noop);
    this.remote(userId);
  }

  remote(userId: string): void {
    const call = this.#call();
    const trtc = this.#inner();
    if (!call || !call.connected || !trtc) return;
    const remote = call.remotes.get(userId) ?? { audio: false, video: false, key: '' };
    call.remotes.set(userId, remote);
    const tracks = [trtc.getAudioTrack({ userId }), remote.video ? trtc.getVideoTrack({ userId }) : null].filter(
      (t): t is MediaStreamTrack => Boolean(t),
    );
    const key = tracks.map((t) => `${t.kind}:${t.id}`).join('|');
    if (key === remote.key) return;
    remote.key = key;
    this.#events.emit('onRemoteStream', { userId, stream: tracks.length ? this.#createStream(tracks) : null });
  }

  drop(userId: string): void {
    const call = this.#call();
    const remote = call?.remotes.get(userId);
    if (!call || !remote) return;
    call.remotes.delete(userId);
    if (remote.key) this.#events.emit('onRemoteStream', { userId, stream: null });
  }

  local(): void {
    const call = this.#call();
    const trtc = this.#inner();
    if (!call || !trtc) return;
    const tracks = [trtc.getAudioTrack(), call.mediaType === CallMediaType.VIDEO ? trtc.getVideoTrack() : null].filter(
      (t): t is MediaStreamTrack => Boolean(t),
    );
    const key = tracks.map((t) => `${t.kind}:${t.id}`).join('|');
    if (key === this.#localKey) return;
    this.#localKey = key;
    this.#events.emit('onLocalStream', { stream: tracks.length ? this.#createStream(tracks) : null });
  }

  #inner(): InnerTRTC | null {
    if (this.#trtc) return this.#trtc;
    const cloud = this.#engine()?.getTRTCCloudInstance() as { _trtc?: InnerTRTC } | null | undefined;
    const trtc = cloud?._trtc;
    if (trtc && typeof trtc.getAudioTrack === 'function' && typeof trtc.on === 'function') this.#trtc = trtc;
    return this.#trtc;
  }
}
