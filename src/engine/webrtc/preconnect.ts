/**
 * Pre-connect while ringing (issue 18; protocol rules in `src/protocol/preconnect.ts`), opt-in on the
 * callee's page (`preconnect: true`), 1v1 calls only (a group call, or one through the SFU, rings as
 * usual and connects at accept):
 *
 * - The ringing callee makes its peer connection toward the caller at once, with `sendrecv`
 *   transceivers for the call's media (audio, and video for a video call) and NO track: nothing is
 *   captured, no RTP is sent. Its offer and candidates go as `pre-connect`; the caller answers with
 *   its own transceivers `sendrecv` and no track either. ICE and DTLS complete during the ring.
 * - Accepting captures as usual, sends `accept` and right after it attaches the callee's tracks with
 *   `replaceTrack` (no renegotiation: the callee has answered, its media may go). The server answers both
 *   sides `adopt` (right before `call-started` / `member-state accepted`): the caller attaches its
 *   tracks the same way, and on each side the connection becomes the call's peer (`CallMedia.connectPeer`). It is
 *   connected already, so the call begins at once; the remote stream held since the ring is handed out.
 * - Anything else closes it with nothing sent: decline, timeout, cancel (the call ends: `endCall`),
 *   another tab answering (`close` from the server), a failure while ringing (then `close` is sent and
 *   the call connects at accept as usual). The caller never shows or plays what came before adoption.
 *
 * Without pre-connect (or when it failed), a 1v1 callee still saves the offer's time: accepting makes
 * its connection toward the caller right after `accept` goes out (`warm`), with its tracks, so the
 * offer and the first candidates are ready while the server answers; they are held (nothing leaves
 * the page) until `call-started` confirms the accept (`confirm`), then sent as `relay`.
 */
import { CallRole } from '../../constants.js';
import type { PreconnectServerData, RelayData, ServerMessage } from '../../protocol/messages.js';
import type { ActiveCall, EngineContext, PreConnection } from './call-model.js';
import type { Peer } from './peer.js';

/** What this module needs of `CallMedia` (which owns it). */
export interface PeerFactory {
  makePeer(call: ActiveCall, userId: string, initiator: boolean, pre: PreConnection): Peer | null;
  attachTracks(peer: Peer): void;
}

type PreconnectMessage = Extract<ServerMessage, { type: 'pre-connect' }>;

export class Preconnector {
  readonly #ctx: EngineContext;
  readonly #media: PeerFactory;
  readonly #enabled: boolean;

  constructor(ctx: EngineContext, media: PeerFactory, enabled: boolean) {
    this.#ctx = ctx;
    this.#media = media;
    this.#enabled = enabled;
  }

  /** `call` rings here as the current call: the callee's side starts (when enabled, 1v1). */
  onRing(call: ActiveCall): void {
    const callerId = this.#enabled && this.#callerOf(call);
    const pre = callerId && this.#open(call, callerId, true);
    if (!pre) return;
    // Adding the transceivers fires `negotiationneeded`: the offer goes out as `pre-connect`.
    pre.peer.pc.addTransceiver('audio', { direction: 'sendrecv' });
    if (call.incoming?.mediaType === 'video') pre.peer.pc.addTransceiver('video', { direction: 'sendrecv' });
  }

  /**
   * Our `accept` just went out. A pre-connection gets our tracks now (the caller's wait for `adopt`,
   * then it attaches its own; what it receives before is never shown). With none (a 1v1 call), our
   * connection toward the caller starts now with `stream`'s tracks, its signals held until {@link confirm}.
   */
  warm(call: ActiveCall, stream: MediaStream): void {
    const pre = call.pre;
    if (pre) return pre.held || pre.adopted ? undefined : this.#media.attachTracks(pre.peer);
    const callerId = !call.sfu && this.#callerOf(call);
    if (callerId) this.#open(call, callerId, true, [])?.peer.addLocalTracks(stream);
  }

  /** The caller of a ringing 1v1 call with no connection toward it yet, else null. */
  #callerOf(call: ActiveCall): string | null {
    const incoming = call.incoming;
    if (!incoming || call.pre || this.#ctx.unsupported) return null;
    const callerId = incoming.caller.userId;
    return incoming.members.length !== 2 || incoming.groupId !== undefined || callerId === this.#ctx.userId ? null : callerId;
  }

  /**
   * `call-started` with `accepted` the members already in: a warm connection to the only one is
   * adopted and its held signals go out as `relay`; anything else (a group, the SFU) drops it.
   */
  confirm(call: ActiveCall, accepted: readonly string[]): void {
    const pre = call.pre;
    if (!pre?.held || pre.adopted) return;
    if (call.sfu || accepted.length !== 1 || accepted[0] !== pre.userId) return this.drop(call, false);
    pre.adopted = true;
    for (const data of pre.held.splice(0)) this.send(call.callId, pre.userId, pre, data);
  }

  /** Sends a signal of a connection toward `to`: held (a warm one not confirmed), `pre-connect` (not adopted) or `relay`. */
  send(callId: string, to: string, pre: PreConnection | undefined, data: RelayData): void {
    if (pre?.held && !pre.adopted) pre.held.push(data);
    else this.#ctx.client?.send({ type: pre && !pre.adopted ? 'pre-connect' : 'relay', callId, to, data });
  }

  onMessage(message: PreconnectMessage): void {
    const call = this.#ctx.call;
    if (!call || call.callId !== message.callId) return;
    // A warm connection is not the pre-connection these speak of (a late one, dropped already).
    if (call.pre?.held) return;
    const data = message.data;
    if (data.kind === 'close') return this.drop(call, false);
    if (data.kind === 'adopt') return this.#adopt(call, message.from);
    const pre = call.pre ?? this.#answer(call, message.from, data);
    if (pre?.userId === message.from && !pre.adopted) pre.peer.handleSignal(data);
  }

  /**
   * The connection toward `userId` for `connectPeer`: the adopted pre-connection (taken out of the
   * call), or null. One that was not adopted is closed: the call connects as usual.
   */
  take(call: ActiveCall, userId: string): PreConnection | null {
    const pre = call.pre;
    if (!pre || pre.userId !== userId) return null;
    if (!pre.adopted) {
      this.drop(call, false);
      return null;
    }
    call.pre = undefined;
    return pre.peer.closed ? null : pre;
  }

  /** Closes the call's pre-connection if any (`tell`: say `close` to the other side). */
  drop(call: ActiveCall, tell: boolean): void {
    const pre = call.pre;
    if (!pre) return;
    call.pre = undefined;
    const adopted = pre.adopted;
    pre.peer.close();
    if (tell && !adopted && !pre.held && call.callId)
      this.#ctx.client?.send({ type: 'pre-connect', callId: call.callId, to: pre.userId, data: { kind: 'close' } });
  }

  /** The caller's side: the ringing callee's first offer makes our answering connection. */
  #answer(call: ActiveCall, from: string, data: PreconnectServerData): PreConnection | null {
    const oneToOne = call.role === CallRole.CALLER && call.phase === 'dialing' && call.invitees.length === 1 && call.invitees[0] === from;
    if (!oneToOne || call.sfu || data.kind !== 'description' || data.description.type !== 'offer') return null;
    return this.#open(call, from, false);
  }

  #open(call: ActiveCall, userId: string, initiator: boolean, held?: RelayData[]): PreConnection | null {
    const pre = { userId, adopted: false, stream: null, connected: false, held } as Omit<PreConnection, 'peer'> as PreConnection;
    const peer = this.#media.makePeer(call, userId, initiator, pre);
    if (!peer) return null;
    pre.peer = peer;
    call.pre = pre;
    return pre;
  }

  /** The server's `adopt`: our tracks go on the connection; `connectPeer` takes it over next. */
  #adopt(call: ActiveCall, from: string): void {
    const pre = call.pre;
    if (!pre || pre.userId !== from || pre.adopted) return;
    pre.adopted = true;
    this.#media.attachTracks(pre.peer);
  }
}
