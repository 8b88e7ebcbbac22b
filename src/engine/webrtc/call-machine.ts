/**
 * The default engine's call state machine, driven by the server's pushes: invitations (through the
 * shared ringing queue, `../ringing-queue.ts`, and the glare hold), member states and their events,
 * the callee's `call-started`, relays to the peers, `call-ended`, and the one cleanup path
 * ({@link CallMachine.finish}). The user's own moves (`calls`, `accept`, `join`...) are in
 * `webrtc-engine.ts`; peers and capture in `call-media.ts`. See docs/webrtc-engine.md.
 */
import { CallMediaType, CallRole } from '../../constants.js';
import { ErrorCode } from '../../errors.js';
import type { Member, ServerMessage } from '../../protocol/messages.js';

type InviteOk = Extract<ServerMessage, { type: 'invite-ok' }>;
import { endReasonOf, memberGoneEvent } from '../end-reasons.js';
import { RingingQueue } from '../ringing-queue.js';
import type { EndCause } from '../types.js';
import type { MediaHalf } from './media-half.js';
import {
  describeIncoming,
  fromWireMedia,
  newCall,
  noop,
  onlyRinging,
  profileOf,
  type ActiveCall,
  type CallStarted,
  type EngineContext,
  type Incoming,
  type MemberInfo,
  type Relay,
} from './call-model.js';

export class CallMachine {
  readonly #ctx: EngineContext;
  /** The media half (`media-half.ts`): loaded once a call rings, is placed or joined; before, nothing to close. */
  readonly #media: MediaHalf;
  /** An invitation from someone we are dialing (glare in progress), delivered if our call ends. */
  #held: { message: Incoming; expiresAt: number } | null = null;
  /** Invitations ringing besides the current call (shared by every engine). */
  readonly queue: RingingQueue<Incoming>;

  constructor(ctx: EngineContext, media: MediaHalf) {
    this.#ctx = ctx;
    this.#media = media;
    this.queue = new RingingQueue<Incoming>({
      current: () => {
        const call = ctx.call;
        return call && { callId: call.callId, onlyRinging: onlyRinging(call), invitation: call.incoming };
      },
      setCurrent: (message) => this.#ringAsCurrent(message),
      describe: describeIncoming,
      emit: (event, payload) => ctx.events.emit(event, payload),
    });
  }

  /** Whether an invitation is held (glare), for leak checks. */
  get holding(): boolean {
    return this.#held !== null;
  }

  /** Forgets a held invitation (logout, lost socket). */
  dropHeld(): void {
    this.#held = null;
  }

  onMessage(message: ServerMessage): void {
    const ctx = this.#ctx;
    switch (message.type) {
      case 'incoming':
        this.#onIncoming(message);
        break;
      case 'call-started':
        this.onCallStarted(message);
        break;
      case 'member-state': {
        const call = ctx.call;
        if (call && call.callId === message.callId) this.applyMember(call, message.member);
        break;
      }
      case 'call-ended':
        this.#onCallEnded(message);
        break;
      case 'relay':
        this.onRelay(message);
        break;
      case 'pre-connect':
        // Not loaded: no pre-connection here (the caller's side loaded to place the call).
        this.#media.now?.pre.onMessage(message);
        break;
      case 'sfu': {
        const call = ctx.call;
        if (!call || call.callId !== message.callId) break;
        if (message.data.kind !== 'start') this.#media.now?.onSfuData(call, message.data);
        else {
          call.sfu = true;
          this.#media.now?.startSfu(call);
        }
        break;
      }
      case 'video-upgrade':
        this.#media.now?.upgrade.onMessage(message);
        break;
      case 'missed-calls':
        ctx.events.emit('onMissedCalls', { calls: message.calls });
        break;
      case 'media-state': {
        const call = ctx.call;
        if (call && call.callId === message.callId) {
          this.applyRemoteMedia(call, message.userId, message.audio, message.video);
          if (message.mediaType === 'audio' && call.phase === 'connected') void this.#media.now?.toAudio(call, false).catch(noop);
        }
        break;
      }
      case 'error':
        // Answers to requests are consumed by the client; this is a late or unsolicited error (an
        // answer to a relay or media-state). `call-not-found` / `not-in-call` are the expected race
        // of a relay crossing a member's exit, `invalid-state` of a pre-connect crossing an accept or
        // refused on a second tab (which rings without it): not worth an onError.
        if (!message.ref && !['call-not-found', 'not-in-call', 'invalid-state'].includes(message.code)) {
          ctx.events.emit('onError', { code: ErrorCode.SERVER_ERROR, message: `${message.code}: ${message.message}` });
        }
        break;
      default:
        break;
    }
  }

  #onIncoming(message: Incoming): void {
    if (this.#ctx.unsupported) {
      // This page cannot carry the call: the caller hears why instead of a ring nobody can answer.
      void this.#ctx.client?.request({ type: 'reject', callId: message.callId, reason: 'unsupported' }).catch(noop);
      return;
    }
    if (this.queue.refresh(message)) return;
    const call = this.#ctx.call;
    const glare = call?.role === CallRole.CALLER && call.phase === 'dialing' && call.invitees.includes(message.caller.userId);
    if (glare && !this.#held) {
      this.#held = { message, expiresAt: Date.now() + message.timeout * 1000 };
      return;
    }
    if (this.queue.offer(message) === 'busy') {
      void this.#ctx.client?.request({ type: 'reject', callId: message.callId, reason: 'busy' }).catch(noop);
    }
  }

  /** The invitation `message` rings as the current call (the ringing queue emits the events). */
  #ringAsCurrent(message: Incoming): void {
    const ctx = this.#ctx;
    const call = newCall(CallRole.CALLEE, 'ringing', fromWireMedia(message.mediaType));
    call.callId = message.callId;
    call.announced = true;
    call.incoming = message;
    // The ringing queue may swap a ringing call for another: its pre-connection goes.
    if (ctx.call) this.#media.now?.pre.drop(ctx.call, true);
    ctx.call = call;
    const callerId = message.caller.userId;
    if (callerId !== ctx.userId) {
      call.members.set(callerId, { profile: profileOf(message.caller), state: 'accepted' });
    }
    for (const m of message.members) {
      if (m.userId === ctx.userId || m.userId === callerId) continue;
      // Media flags are not taken from the invitation: `call-started` applies them with their events
      // (taken silently here, a late joiner's tiles never learnt that the others' video was on).
      call.members.set(m.userId, { profile: profileOf(m), state: m.state });
    }
    this.#media.ring(call);
  }

  /** The server confirmed our accept (or join): the callee's call is connected. */
  onCallStarted(message: CallStarted): void {
    const ctx = this.#ctx;
    const media = this.#media.now;
    const call = ctx.call;
    // Accepted or joined: the media half was loaded for it.
    if (!media || !call || call.callId !== message.callId || call.role !== CallRole.CALLEE || call.phase !== 'ringing') return;
    // Joining: `join()` applies its answer itself, once the media for the call's type is captured.
    if (call.earlyRelays) return;
    call.resumeToken = message.resumeToken;
    // Accepted: the peers are wired from now on, but `onCallBegin` waits for the first of them to
    // connect (`onPeerConnected`): never connected without a media path. In a 1v1 call the peer
    // connection is made first; if it cannot be, the call ends (`onPeerFailed`: hangup, cause `error`).
    if (message.sfu) call.sfu = true;
    call.phase = 'connected';
    const accepted = message.members.filter((m) => m.userId !== ctx.userId && m.state === 'accepted');
    media.pre.confirm(
      call,
      accepted.map((m) => m.userId),
    );
    if (accepted.length === 1 && !call.sfu && !media.connectPeer(call, accepted[0].userId, true)) return;
    if (call.acceptAudioOnly && call.callMediaType === CallMediaType.VIDEO) {
      call.mediaType = CallMediaType.AUDIO;
      ctx.events.emit('onCallMediaTypeChanged', { mediaType: CallMediaType.AUDIO });
    }
    media.emitLocalStream();
    media.onConnected(call);
    for (const member of message.members) {
      if (member.userId === ctx.userId) continue;
      const known = call.members.get(member.userId);
      if (member.state === 'accepted') {
        call.members.set(member.userId, { profile: profileOf(member), state: 'accepted', audio: known?.audio, video: known?.video });
        this.#joined(call, member.userId);
        media.connectPeer(call, member.userId, true);
        if (member.audio !== undefined || member.video !== undefined) {
          this.applyRemoteMedia(call, member.userId, member.audio ?? known?.audio ?? true, member.video ?? known?.video ?? false);
        }
      } else {
        this.applyMember(call, member);
      }
    }
    media.capVideo(call);
    // A 1v1 video call answered audio-only becomes an audio call for both (TUICallKit's switchToAudio).
    const oneToOne = !call.incoming?.groupId && message.members.filter((m) => m.userId !== ctx.userId).length === 1;
    if (call.acceptAudioOnly && call.callMediaType === CallMediaType.VIDEO && oneToOne) media.sendMediaState(true);
    // Nobody else is in (a group call everyone else left meanwhile): nothing to wait for.
    if (accepted.length === 0) this.#begin(call);
  }

  /**
   * The peer connection toward `userId` (null: the upload to the SFU) connected for the first time: the first one of the
   * call begins it (`onCallBegin`, the call timer's start). Before that, the call is accepted but
   * shown "connecting" by the kit, and any failure ends it (`onIceFatal`, cause `network`).
   */
  onPeerConnected(call: ActiveCall, userId: string | null): void {
    if (this.#ctx.call !== call || call.phase !== 'connected') return;
    if (userId !== null && call.peers.get(userId)?.closed !== false) return;
    this.#begin(call);
  }

  #begin(call: ActiveCall): void {
    if (call.beginAt) return;
    call.beginAt = Date.now();
    const events = this.#ctx.events;
    events.emit('onCallBegin', { callId: call.callId, mediaType: call.mediaType, role: call.role });
    for (const userId of call.joinsHeld.splice(0)) {
      if (this.#ctx.call === call && call.members.get(userId)?.state === 'accepted') events.emit('onUserJoin', { userId });
    }
  }

  /** `userId` is in the call: `onUserJoin` now, or right after `onCallBegin` when it has not come yet. */
  #joined(call: ActiveCall, userId: string): void {
    if (call.beginAt) this.#ctx.events.emit('onUserJoin', { userId });
    else if (!call.joinsHeld.includes(userId)) call.joinsHeld.push(userId);
  }

  /** `calls()` got its `invite-ok`: the outgoing call is announced with the callees that ring. */
  onPlaced(call: ActiveCall, answer: InviteOk): void {
    const ctx = this.#ctx;
    call.callId = answer.callId;
    call.resumeToken = answer.resumeToken;
    if (answer.sfu) call.sfu = true;
    call.announced = true;
    this.#media.now?.emitLocalStream();
    ctx.events.emit('onCallStarted', {
      callId: call.callId,
      mediaType: call.callMediaType,
      members: answer.members.map(profileOf),
    });
    for (const member of answer.members) {
      // The callees just announced in onCallStarted ring already: onUserInvited is for users added
      // to a running call (as with the Tencent engine, which cannot know who rings).
      if (member.state === 'ringing' && member.userId !== ctx.userId)
        call.members.set(member.userId, { profile: profileOf(member), state: 'ringing' });
      this.applyMember(call, member);
    }
  }

  /**
   * `join()` got its `call-started` (and captured for the call's type): the callee's call is
   * announced with every member's state, connected, and the relays that arrived meanwhile applied.
   */
  onJoined(call: ActiveCall, answer: CallStarted): void {
    const ctx = this.#ctx;
    // Known states first, so former members' states (declined, left...) raise no events.
    for (const m of answer.members) {
      if (m.userId !== ctx.userId && m.state !== 'accepted') call.members.set(m.userId, { profile: profileOf(m), state: m.state });
    }
    call.announced = true;
    ctx.events.emit('onCallStarted', {
      callId: call.callId,
      mediaType: call.callMediaType,
      role: CallRole.CALLEE,
      members: answer.members.filter((m) => m.userId !== ctx.userId).map((m) => ({ ...profileOf(m), status: m.state })),
    });
    const early = call.earlyRelays ?? [];
    call.earlyRelays = null;
    this.onCallStarted(answer);
    for (const relay of early) this.onRelay(relay);
  }

  /** Applies one member's (new) state, emitting the matching events once per transition. */
  applyMember(call: ActiveCall, member: Member): void {
    const ctx = this.#ctx;
    const events = ctx.events;
    const userId = member.userId;
    if (userId === ctx.userId) return;
    const known = call.members.get(userId);
    const profile = profileOf(member);
    if (known && (profile.name !== known.profile.name || profile.avatar !== known.profile.avatar) && (profile.name || profile.avatar)) {
      events.emit('onUserInfo', profile);
    }
    const info: MemberInfo = { ...known, profile: { ...known?.profile, ...profile }, state: member.state };
    call.members.set(userId, info);
    if (known?.state === member.state) return;
    const gone = memberGoneEvent(member.state);
    if (gone) events.emit(gone, { userId });
    switch (member.state) {
      case 'accepted':
        events.emit('onUserAccept', { userId });
        // Another member joined while we still ring: nothing to join or connect yet.
        if (call.phase === 'ringing') break;
        if (call.phase === 'dialing') {
          // Accepted: `onCallBegin` waits for the first peer connection to connect (onPeerConnected).
          call.phase = 'connected';
          this.#rejectHeld();
          this.#media.now?.onConnected(call);
        }
        this.#joined(call, userId);
        this.#media.now?.connectPeer(call, userId, false);
        this.#media.now?.sendMediaState();
        break;
      case 'left':
        if (call.peers.size === 1 && call.peers.get(userId)?.neverConnected) call.leftUnconnected = true;
        this.#media.now?.closePeer(call, userId);
        events.emit('onUserLeave', { userId });
        break;
      case 'ringing':
        // Invited into the call (inviteUser), or invited again after declining or leaving.
        events.emit('onUserInvited', info.profile);
        break;
      default:
        break;
    }
    this.#media.now?.capVideo(call);
    if (member.state !== 'accepted') this.#media.now?.closePeer(call, userId);
    else if (member.audio !== undefined || member.video !== undefined) {
      this.applyRemoteMedia(call, userId, member.audio ?? info.audio ?? true, member.video ?? info.video ?? false);
    }
  }

  applyRemoteMedia(call: ActiveCall, userId: string, audio: boolean, video: boolean): void {
    const ctx = this.#ctx;
    if (userId === ctx.userId) return;
    const info = call.members.get(userId);
    if (!info) return;
    const audioChanged = info.audio !== audio;
    const videoChanged = info.video !== video;
    info.audio = audio;
    info.video = video;
    if (audioChanged) ctx.events.emit('onUserAudioAvailable', { userId, available: audio });
    if (videoChanged) ctx.events.emit('onUserVideoAvailable', { userId, available: video });
  }

  #onCallEnded(message: Extract<ServerMessage, { type: 'call-ended' }>): void {
    if (this.#held?.message.callId === message.callId) {
      this.#held = null;
      return;
    }
    if (this.queue.withdraw(message.callId, message.reason)) return;
    const call = this.#ctx.call;
    if (!call || call.callId !== message.callId) return;
    // A 1:1 call whose media never connected (ICE failed or tried for 10 s) that the other side hung
    // up: it most likely gave up on the network (see onIceFatal); say so, not "the other side hung up".
    // Through the SFU the same: a call that never began (our upload never connected) ends `network`.
    const peers = [...call.peers.values()];
    const neverConnected = call.leftUnconnected || (peers.length === 1 && peers[0].neverConnected) || (call.sfu && !call.beginAt);
    const network = message.reason === 'hangup' && neverConnected;
    this.finish(call, network ? 'network' : message.reason, 'server', message.message);
  }

  onRelay(message: Relay): void {
    const ctx = this.#ctx;
    const call = ctx.call;
    if (call?.earlyRelays && call.callId === message.callId && call.phase === 'ringing') {
      if (call.earlyRelays.length < 500) call.earlyRelays.push(message);
      return;
    }
    if (!call || call.callId !== message.callId || call.phase !== 'connected') return;
    let peer = call.peers.get(message.from);
    if (!peer) {
      // An offer can overtake the member-state that announces its sender.
      if (!call.members.has(message.from) || message.from === ctx.userId) return;
      peer = this.#media.now?.connectPeer(call, message.from, false) ?? undefined;
    }
    peer?.handleSignal(message.data);
  }

  /**
   * ICE toward `userId` failed twice without ever connecting: no third attempt. With one remote
   * member the call ends (hangup sent, cause `network`); in a group only that peer is closed. Also
   * used with cause `error` when no peer connection could be made at all.
   */
  onIceFatal(call: ActiveCall, userId: string, cause: 'network' | 'error' = 'network'): void {
    const ctx = this.#ctx;
    if (ctx.call !== call) return;
    // Why, when an ICE server said so (e.g. TURN `401 Unauthorized`: credentials coturn refuses).
    const serverErrors = call.peers.get(userId)?.iceServerErrors ?? [];
    const why = serverErrors.length ? `; ICE server errors: ${serverErrors.join('; ')}` : '';
    const others = [...call.members.values()].filter((m) => m.state === 'accepted').length;
    if (others > 1) {
      this.#media.now?.closePeer(call, userId);
      ctx.events.emit('onError', { code: ErrorCode.FAILED, message: `no network path to ${userId}${why}` });
      // Not begun yet and no connection left to wait for: the call cannot carry media, it ends.
      if (call.beginAt || call.peers.size > 0) return;
    } else if (why) {
      ctx.events.emit('onError', { code: ErrorCode.FAILED, message: `no network path to ${userId}${why}` });
    }
    if (call.callId) void ctx.client?.request({ type: 'hangup', callId: call.callId }).catch(noop);
    this.finish(call, cause);
  }

  /**
   * The ringing `call` cannot be carried here (no peer connection): declined with the reason
   * `unsupported` instead of accepted, so both sides end with that one cause and neither is ever
   * `connected` (the caller reads "the other side's browser cannot take calls").
   */
  declineUnsupported(call: ActiveCall): void {
    void this.#ctx.client?.request({ type: 'reject', callId: call.callId, reason: 'unsupported' }).catch(noop);
    this.finish(call, 'unsupported');
  }

  /**
   * The signaling socket is gone: pending and held invitations are dropped (the server re-sends
   * ringing ones after the next login) and the current call ends, unless `keepConnected` and it is
   * connected (its media does not need the socket).
   */
  socketLost(keepConnected: boolean): void {
    const call = this.#ctx.call;
    if (keepConnected) {
      this.#held = null;
      this.queue.withdrawAll('disconnected');
      if (call && call.phase !== 'connected') this.finish(call, 'disconnected');
      return;
    }
    this.queue.withdrawAll('disconnected');
    if (call) this.finish(call, 'disconnected');
    this.#held = null;
  }

  /**
   * The one cleanup path: peers closed (onRemoteStream null), capture stopped (onLocalStream null),
   * sampling stopped, AudioContext closed; then onCallEnd (when the call was announced). The oldest
   * pending invitation then becomes current, or a held one rings. `decidedBy`: see `endReasonOf`.
   */
  finish(call: ActiveCall, cause: EndCause, decidedBy: 'local' | 'server' = 'local', message?: string): void {
    const ctx = this.#ctx;
    if (ctx.call !== call) return;
    ctx.call = null;
    this.#media.now?.endCall(call);
    if (call.announced) {
      ctx.events.emit('onLocalStream', { stream: null });
      ctx.events.emit('onCallEnd', {
        callId: call.callId,
        reason: endReasonOf(cause, decidedBy),
        cause,
        totalTime: call.beginAt ? Math.max(0, Math.round((Date.now() - call.beginAt) / 1000)) : 0,
        ...(message ? { message } : {}),
      });
    }
    if (ctx.call === null) this.queue.promote();
    this.deliverHeld();
  }

  /** A held invitation (glare) rings once our own call is over, if it is still fresh. */
  deliverHeld(): void {
    const held = this.#held;
    if (!held) return;
    if (!this.queue.mayRingAlongside()) return;
    this.#held = null;
    if (Date.now() < held.expiresAt && this.#ctx.client) this.queue.offer(held.message);
  }

  #rejectHeld(): void {
    const held = this.#held;
    if (!held) return;
    this.#held = null;
    void this.#ctx.client?.request({ type: 'reject', callId: held.message.callId, reason: 'busy' }).catch(noop);
  }
}
