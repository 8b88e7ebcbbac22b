/**
 * The Tencent engine's call state machine: the current call and its members, moved by what chat
 * signaling and the TRTC room report (the `on*` handlers) and by the engine's public methods
 * (`begin`, `memberOut`, `finish`, ...). It emits the engine's events; it sends through
 * {@link ChatSignaling} and acts on the room through {@link TrtcMedia}, never on the SDKs itself.
 *
 * Phases: a caller is `dialing` until the first callee accepts or shows up in the room, a callee
 * `ringing` then `connecting` while its accept and room entry are on their way; both end
 * `connected` ({@link CallState.begin}). Members go `ringing` -> `accepted` -> `gone`; a call
 * ends ({@link CallState.finish}, the one cleanup path) when nobody is left to talk to.
 */
import { CallMediaType, CallRole } from '../../constants.js';
import { ErrorCode } from '../../errors.js';
import type { Emitter } from '../emitter.js';
import { RingingQueue } from '../ringing-queue.js';
import type { CallEngineEvents, DeviceInfo, EndCause } from '../types.js';
import { callSeconds, KnownCalls, newMember, sameRoom, type ActiveCall, type Member } from './call-model.js';
import { END_REASON, memberGoneEvent } from './call-policy.js';
import type { ChatCallHandlers, ChatSignaling } from './chat-signaling.js';
import type { TencentEngineOptions } from './options.js';
import { errorEvent } from './sdk-errors.js';
import type { InvitationCancelled, InvitationReceived, InvitationTimeout, InviteeAnswered, TRTCEventPayloads } from './sdk-types.js';
import type { TrtcMedia, TrtcMediaHandlers } from './trtc-media.js';
import { parseCallPayload, type ParsedCallPayload } from './wire.js';
import { invitationCall, invitationEvent, pendingByInvite, toInvitation, type Invitation } from './invitation.js';

/** How long a failed subscription waits for the TRTC events in flight before it counts as an error. */
const SUBSCRIBE_GRACE_MS = 150;

function defaultStream(tracks: MediaStreamTrack[]): MediaStream | null {
  return typeof MediaStream === 'function' ? new MediaStream(tracks) : null;
}

function trackKey(tracks: MediaStreamTrack[]): string {
  return tracks.map((t) => `${t.kind}:${t.id}`).join('|');
}

function clampVolume(v: unknown): number {
  const n = typeof v === 'number' && Number.isFinite(v) ? v : 0;
  return Math.max(0, Math.min(100, Math.round(n)));
}

export class CallState implements ChatCallHandlers, TrtcMediaHandlers {
  /** The current call (this engine has one at a time), null when idle. */
  #call: ActiveCall | null = null;
  /** Calls we were invited to or placed (for `join`). */
  readonly known = new KnownCalls();
  readonly #events: Emitter<CallEngineEvents>;
  readonly #options: TencentEngineOptions;
  #signaling!: ChatSignaling;
  #media!: TrtcMedia;
  readonly #self: () => string;
  readonly #createStream: (tracks: MediaStreamTrack[]) => MediaStream | null;
  /** Ends a connected call in which nobody ever shows up in the room. */
  #presenceTimer: ReturnType<typeof setTimeout> | null = null;
  /** Key of the local stream last handed out ('' = none). */
  #localKey = '';
  /** Counts each member's media availability changes (see #subscribe). */
  readonly #mediaEpoch = new WeakMap<Member, number>();
  /** Calls for which a member's hangup record arrived (no second record from us). */
  readonly #recorded = new WeakSet<ActiveCall>();
  /** The invitation each ringing callee call came from (the ringing queue swaps them back). */
  readonly #rangFor = new WeakMap<ActiveCall, Invitation>();
  /**
   * Which invitation rings: the shared queue (`../ringing-queue.ts`), one ringing call at a time
   * and no call waiting, as TUICallKit: an invitation while a call exists finds us busy.
   */
  readonly queue: RingingQueue<Invitation>;

  /** `self`: our user id. Signaling and media are attached once they exist (they report to this). */
  constructor(events: Emitter<CallEngineEvents>, options: TencentEngineOptions, self: () => string) {
    this.#events = events;
    this.#options = options;
    this.#self = self;
    this.#createStream = options.createMediaStream ?? defaultStream;
    this.queue = new RingingQueue<Invitation>(
      {
        current: () => {
          const call = this.#call;
          if (!call) return null;
          const onlyRinging = call.role === CallRole.CALLEE && call.phase === 'ringing' && !!call.incoming && !call.answered;
          return { callId: call.callId, onlyRinging, invitation: this.#rangFor.get(call) };
        },
        setCurrent: (invitation) => this.#ringAsCurrent(invitation),
        describe: invitationEvent,
        emit: (event, payload) => {
          this.#events.emit(event, payload);
          // A pending invitation made current: its members' profiles, as for one that rang at once.
          if (event === 'onIncomingPromoted') {
            const call = this.#call;
            const invitation = call && this.#rangFor.get(call);
            if (invitation) this.#fetchCallerProfiles(invitation);
          }
        },
      },
      { maxRinging: 1, callWaiting: false },
    );
  }

  attach(signaling: ChatSignaling, media: TrtcMedia): void {
    this.#signaling = signaling;
    this.#media = media;
  }

  /** The current call, null when idle. */
  get current(): ActiveCall | null {
    return this.#call;
  }

  /** `call` becomes the current call (placed, joined or being entered). */
  start(call: ActiveCall): void {
    this.#call = call;
  }

  // ---- from chat signaling ------------------------------------------------------------------------

  /**
   * A call invitation for us: remembered for `join`, then answered or offered to the ringing queue.
   * Before the queue, what only this transport knows: an invitation of the current call (ours, or
   * the one we ring for) is nothing new; one into the room of our connected call (another member's
   * `inviteUser`) is answered with an accept, we are already there; while idle, one we could never
   * join (no room, unknown media) is rejected so the caller is not left ringing. The queue
   * (`maxRinging: 1`, no call waiting) decides the rest: idle, it rings (`onCallReceived`); else
   * it finds us busy and is answered with a busy reject (`line_busy`), as TUICallKit does.
   */
  invitation(inv: InvitationReceived, payload: ParsedCallPayload, inviteeList: string[]): void {
    const self = this.#self();
    const joinable = payload.room !== null && payload.mediaType !== CallMediaType.UNKNOWN;
    if (joinable && payload.room !== null) {
      // Joinable later (declined, missed, busy) with join({ callId }).
      this.known.remember({
        callId: payload.initialCallId ?? inv.inviteID,
        room: payload.room,
        mediaType: payload.mediaType,
        groupID: typeof inv.groupID === 'string' ? inv.groupID : '',
        inviter: inv.inviter,
        userIDs: payload.userIDs.length ? payload.userIDs : inviteeList,
      });
    }
    const current = this.#call;
    if (current?.invites.has(inv.inviteID)) return;
    if (current && current.phase === 'connected' && sameRoom(current.room, payload.room)) {
      current.invites.add(inv.inviteID);
      this.#signaling.acceptAsIs(inv);
      return;
    }
    if (!current && !joinable) {
      this.#signaling.rejectAsIs(inv);
      return;
    }
    const invitation = toInvitation(inv, payload, inviteeList, self);
    const outcome = this.queue.offer(invitation);
    if (outcome === 'busy') void this.#signaling.rejectBusy(inv, payload);
    else if (outcome === 'current') this.#fetchCallerProfiles(invitation);
  }

  /** The invitation becomes the current call, ringing (the ringing queue's `setCurrent`; no event). */
  #ringAsCurrent(invitation: Invitation): void {
    const call = invitationCall(invitation);
    this.#rangFor.set(call, invitation);
    this.#call = call;
  }

  #fetchCallerProfiles(invitation: Invitation): void {
    const call = this.#call;
    if (call && this.#rangFor.get(call) === invitation)
      void this.fetchProfiles(call, [invitation.inv.inviter, ...invitation.others.filter((id) => id !== invitation.self)]);
  }

  answered(d: InviteeAnswered, accepted: boolean): void {
    const pending = d.invitee === this.#self() ? pendingByInvite(this.queue, d.inviteID) : undefined;
    if (pending) this.queue.withdraw(pending.callId, accepted ? 'answered-elsewhere' : 'rejected-elsewhere');
    const call = this.#call;
    if (!call || !call.invites.has(d.inviteID) || typeof d.invitee !== 'string') return;
    if (d.invitee === this.#self()) {
      // Our own account answered on another device while this one rings.
      if (call.phase === 'ringing') this.finish(call, accepted ? 'answered-elsewhere' : 'rejected-elsewhere');
      return;
    }
    call.outgoing.get(d.inviteID)?.delete(d.invitee);
    const member = call.members.get(d.invitee);
    if (!member || member.state !== 'ringing') return;
    if (accepted) {
      this.#memberAccepted(call, member);
      return;
    }
    const busy = parseCallPayload(d.data)?.lineBusy ?? false;
    this.memberOut(call, d.invitee, busy ? 'busy' : 'rejected');
  }

  cancelled(d: InvitationCancelled): void {
    // The caller took the invitation back: the call never ran (or is gone), there is nothing to join.
    if (typeof d.inviteID === 'string') this.known.delete(parseCallPayload(d.data)?.initialCallId ?? d.inviteID);
    const pending = pendingByInvite(this.queue, d.inviteID);
    if (pending) this.queue.withdraw(pending.callId, 'cancelled');
    const call = this.#call;
    if (!call || call.incoming?.inviteID !== d.inviteID || call.role !== CallRole.CALLEE) return;
    // Also while our accept is on its way: the caller is gone either way.
    if (call.phase === 'ringing' || call.phase === 'connecting') this.finish(call, 'cancelled');
  }

  timeout(d: InvitationTimeout): void {
    const self = this.#self();
    const list = Array.isArray(d.inviteeList) ? d.inviteeList : [];
    const pending = pendingByInvite(this.queue, d.inviteID);
    if (pending && (d.isSelfTimeout || list.includes(self))) this.queue.withdraw(pending.callId, 'timeout');
    const call = this.#call;
    if (!call || !call.invites.has(d.inviteID)) return;
    if (call.phase === 'ringing' && call.incoming?.inviteID === d.inviteID && (d.isSelfTimeout || list.includes(self))) {
      this.finish(call, 'timeout');
      return;
    }
    for (const userId of list) {
      if (userId === self) continue;
      call.outgoing.get(d.inviteID)?.delete(userId);
      if (call.members.get(userId)?.state === 'ringing') this.memberOut(call, userId, 'timeout');
    }
  }

  remoteHangup(inv: InvitationReceived, payload: ParsedCallPayload): void {
    const call = this.#call;
    if (!call || (payload.room !== null && !sameRoom(call.room, payload.room))) return;
    const member = call.members.get(inv.inviter);
    if (!member || member.state === 'gone') return;
    if (call.phase === 'ringing' && inv.inviter === call.inviter) {
      this.finish(call, 'cancelled');
      return;
    }
    // Their record is the call's: we send none when they leave.
    this.#recorded.add(call);
    this.memberOut(call, inv.inviter, 'hangup');
  }

  remoteSwitchToAudio(inv: InvitationReceived, payload: ParsedCallPayload): void {
    const call = this.#call;
    if (!call || (payload.room !== null && !sameRoom(call.room, payload.room)) || !call.members.has(inv.inviter)) return;
    // TUICallKit apps may wait for an answer to their switch request.
    this.#signaling.answerSwitchToAudio(call, inv.inviteID);
    if (call.mediaType === CallMediaType.VIDEO)
      void this.toAudio(call).catch((error: unknown) => this.#events.emit('onError', errorEvent(error)));
  }

  // ---- from the TRTC room -------------------------------------------------------------------------

  #roomMember(userId: string): { call: ActiveCall; member: Member } | null {
    const call = this.#call;
    if (!call || !call.inRoom || !userId || userId === this.#self()) return null;
    let member = call.members.get(userId);
    if (!member) {
      // Someone who joined the call without our invitation (joinInGroupCall, another member's invite).
      // Joining, they were there before us; otherwise they answer (onUserAccept) as they arrive.
      member = newMember(userId, call.joined ? 'gone' : 'ringing');
      call.members.set(userId, member);
      void this.fetchProfiles(call, [userId]);
    }
    return { call, member };
  }

  remoteEnter(userId: string): void {
    const found = this.#roomMember(userId);
    if (!found) return;
    const { call, member } = found;
    if (member.inRoom) return;
    member.inRoom = true;
    this.#clearPresenceTimer();
    if (member.state === 'gone') member.state = call.joined ? 'accepted' : 'ringing';
    if (member.state === 'ringing') {
      this.#memberAccepted(call, member);
      return;
    }
    if (call.phase === 'dialing') this.begin(call);
    else if (call.phase === 'connected') this.#announceMember(call, member);
  }

  remoteExit(userId: string): void {
    const call = this.#call;
    const member = call?.members.get(userId);
    if (!call || !member || !member.inRoom) return;
    member.inRoom = false;
    member.audio = false;
    member.video = false;
    if (member.state === 'accepted') this.memberOut(call, userId, 'hangup');
  }

  remoteMedia(userId: string, kind: 'audio' | 'video', available: boolean): void {
    const found = this.#roomMember(userId);
    if (!found) return;
    const { call, member } = found;
    if (member[kind] === available) return;
    member[kind] = available;
    this.#mediaEpoch.set(member, (this.#mediaEpoch.get(member) ?? 0) + 1);
    // A callee in the room while its accept is on its way (it enters first, as TUICallKit does)
    // subscribes once connected (begin), as it did when it entered after accepting.
    if (call.phase !== 'connecting') this.#subscribe(call, member, kind, available);
    if (this.#call !== call || call.phase !== 'connected' || !member.inRoom || member.state !== 'accepted') return;
    this.#events.emit(kind === 'audio' ? 'onUserAudioAvailable' : 'onUserVideoAvailable', { userId, available });
    this.#refreshRemote(call, member);
  }

  #subscribe(call: ActiveCall, member: Member, kind: 'audio' | 'video', available: boolean): void {
    const epoch = this.#mediaEpoch.get(member) ?? 0;
    void this.#media.subscribe(member.userId, kind, available)?.then(
      () => this.#refreshRemote(call, member),
      (error: unknown) => {
        // A subscription that failed because the member stopped publishing meanwhile is no error
        // (TRTC's "unavailable" may still be on its way, and a new subscription follows a new
        // "available"): reported only if their media state did not change since.
        setTimeout(() => {
          if (this.#call === call && member.inRoom && (this.#mediaEpoch.get(member) ?? 0) === epoch)
            this.#events.emit('onError', errorEvent(error));
        }, SUBSCRIBE_GRACE_MS);
      },
    );
  }

  track(userId: string): void {
    const call = this.#call;
    if (!call) return;
    if (!userId) {
      this.emitLocalStream();
      return;
    }
    const member = call.members.get(userId);
    if (member) this.#refreshRemote(call, member);
  }

  volume(result: TRTCEventPayloads['audio-volume']['result']): void {
    const call = this.#call;
    if (!call || call.phase !== 'connected' || !Array.isArray(result)) return;
    const volumes: Record<string, number> = {};
    for (const r of result) volumes[r.userId || this.#self()] = clampVolume(r.volume);
    this.#events.emit('onUserVoiceVolumeChanged', { volumes });
  }

  networkQuality(q: TRTCEventPayloads['network-quality']): void {
    const call = this.#call;
    if (!call || call.phase !== 'connected') return;
    const qualities: Record<string, number> = { [this.#self()]: q.uplinkNetworkQuality };
    for (const m of call.members.values()) if (m.inRoom && m.state === 'accepted') qualities[m.userId] = q.downlinkNetworkQuality;
    this.#events.emit('onUserNetworkQualityChanged', { qualities });
  }

  devices(devices: DeviceInfo[]): void {
    this.#events.emit('onDeviceUpdated', { devices });
  }

  roomKickedOut(reason: string): void {
    const call = this.#call;
    if (call) call.inRoom = false;
    this.#events.emit('onError', { code: ErrorCode.FAILED, message: `removed from the TRTC room (${String(reason)})` });
    if (call) this.finish(call, 'ended');
  }

  roomError(error: unknown): void {
    this.#events.emit('onError', errorEvent(error));
    const call = this.#call;
    if (call && call.inRoom) this.finish(call, 'error');
  }

  // ---- members ------------------------------------------------------------------------------------

  /** Runs the member transitions held back until onCallStarted (a fast answer while inviting). */
  replayDeferred(call: ActiveCall): void {
    const deferred = call.deferred;
    call.deferred = [];
    for (const fn of deferred) if (this.#call === call) fn();
  }

  /** A callee said yes (signaling) or showed up in the room. */
  #memberAccepted(call: ActiveCall, member: Member): void {
    if (member.state === 'accepted') return;
    if (!call.announced) {
      call.deferred.push(() => this.#memberAccepted(call, member));
      return;
    }
    member.state = 'accepted';
    for (const set of call.outgoing.values()) set.delete(member.userId);
    this.#events.emit('onUserAccept', { userId: member.userId });
    if (call.phase === 'dialing') this.begin(call);
    else if (call.phase === 'connected' && member.inRoom) this.#announceMember(call, member);
  }

  /** The call is connected for us: onCallBegin, then everyone already in the room. */
  begin(call: ActiveCall): void {
    if (call.phase === 'connected' || this.#call !== call) return;
    const wasConnecting = call.phase === 'connecting';
    call.phase = 'connected';
    call.beginAt = Date.now();
    this.emitLocalStream();
    this.#events.emit('onCallBegin', { callId: call.callId, mediaType: call.mediaType, role: call.role });
    let present = false;
    for (const member of call.members.values()) {
      if (member.inRoom) present = true;
      // Media announced while we were connecting (see remoteMedia).
      if (member.inRoom && wasConnecting) {
        if (member.audio) this.#subscribe(call, member, 'audio', true);
        if (member.video) this.#subscribe(call, member, 'video', true);
      }
      if (member.inRoom && member.state === 'accepted') this.#announceMember(call, member);
    }
    if (!present) {
      this.#presenceTimer = setTimeout(() => {
        this.#presenceTimer = null;
        if (this.#call !== call || [...call.members.values()].some((m) => m.inRoom)) return;
        this.#events.emit('onError', { code: ErrorCode.CONNECTION_FAILED, message: 'nobody joined the call room in time' });
        this.finish(call, 'disconnected');
      }, this.#options.roomJoinTimeoutMs ?? 30_000);
    }
  }

  #clearPresenceTimer(): void {
    if (this.#presenceTimer) clearTimeout(this.#presenceTimer);
    this.#presenceTimer = null;
  }

  /** A member who is in the room: joined, their media state and stream. */
  #announceMember(call: ActiveCall, member: Member): void {
    this.#events.emit('onUserJoin', { userId: member.userId });
    if (member.audio) this.#events.emit('onUserAudioAvailable', { userId: member.userId, available: true });
    if (member.video) this.#events.emit('onUserVideoAvailable', { userId: member.userId, available: true });
    this.#refreshRemote(call, member);
  }

  /** A remote member is out (declined, busy, no answer, left); ends the call when nobody is left. */
  memberOut(call: ActiveCall, userId: string, cause: EndCause): void {
    const member = call.members.get(userId);
    if (!member || member.state === 'gone' || this.#call !== call) return;
    if (!call.announced) {
      call.deferred.push(() => this.memberOut(call, userId, cause));
      return;
    }
    const was = member.state;
    member.state = 'gone';
    for (const set of call.outgoing.values()) set.delete(userId);
    const connected = was === 'accepted' && call.phase === 'connected';
    const event = memberGoneEvent(cause, connected);
    if (event) this.#events.emit(event, { userId });
    if (member.streamKey) {
      member.streamKey = '';
      this.#events.emit('onRemoteStream', { userId, stream: null });
    }
    const totalTime = callSeconds(call);
    this.#maybeEnd(call, cause);
    // TUICallKit's record rule (1v1): the side that stays sends the call record when the other
    // leaves, unless the leaver already sent one (older kits, other platforms).
    if (connected && cause === 'hangup' && !call.groupID && this.#call !== call && !this.#recorded.has(call)) {
      void this.#signaling.sendHangup(call, [userId], totalTime).catch(() => undefined);
    }
  }

  /**
   * The caller's call lasts while someone is connected or still ringing for it; a callee's
   * while someone is connected (the ones ringing were invited by others).
   */
  #maybeEnd(call: ActiveCall, cause: EndCause): void {
    if (call.phase !== 'dialing' && call.phase !== 'connected') return;
    const left = [...call.members.values()];
    const accepted = left.filter((m) => m.state === 'accepted').length;
    const ringing = call.role === CallRole.CALLER ? left.filter((m) => m.state === 'ringing').length : 0;
    if (accepted + ringing === 0) this.finish(call, cause);
  }

  /**
   * The one cleanup path: streams withdrawn (onRemoteStream / onLocalStream null), the room left
   * and capture stopped (queued), then onCallEnd when the call had been announced.
   */
  finish(call: ActiveCall, cause: EndCause, options: { silent?: boolean } = {}): void {
    if (this.#call !== call) return;
    this.#call = null;
    this.#clearPresenceTimer();
    // A call that does not go on without us (1v1, cancelled, the last ones left) cannot be joined
    // any more: join() then answers call-not-found, as the default engine's server does.
    const others = [...call.members.values()];
    const accepted = others.filter((m) => m.state === 'accepted').length;
    const ringing = others.filter((m) => m.state === 'ringing').length;
    if (!(accepted >= 2 || (accepted >= 1 && ringing >= 1))) this.known.delete(call.callId);
    const announce = call.announced && !options.silent;
    for (const member of call.members.values()) {
      if (member.streamKey && announce) this.#events.emit('onRemoteStream', { userId: member.userId, stream: null });
      member.streamKey = '';
    }
    this.#media.leaveRoom(call);
    this.#localKey = '';
    if (announce) {
      this.#events.emit('onLocalStream', { stream: null });
      this.#events.emit('onCallEnd', { callId: call.callId, reason: END_REASON[cause], cause, totalTime: callSeconds(call) });
    }
    // The oldest invitation ringing besides it, if any, rings as the current call now.
    this.queue.promote();
  }

  /** The call goes on as audio: the camera stops, then onCallMediaTypeChanged. */
  async toAudio(call: ActiveCall): Promise<void> {
    if (call.mediaType !== CallMediaType.VIDEO) return;
    call.mediaType = CallMediaType.AUDIO;
    await this.#media.closeCamera();
    if (this.#call !== call) return;
    this.#events.emit('onCallMediaTypeChanged', { mediaType: CallMediaType.AUDIO });
    this.emitLocalStream();
  }

  /** Tells the connected peers of a 1v1 call that it is audio now. */
  sendSwitchToAudio(call: ActiveCall): Promise<void> {
    const peers = [...call.members.values()].filter((m) => m.state === 'accepted').map((m) => m.userId);
    return this.#signaling.sendSwitchToAudio(call, peers);
  }

  async fetchProfiles(call: ActiveCall, userIDList: string[]): Promise<void> {
    const profiles = await this.#signaling.profiles(userIDList);
    if (this.#call !== call) return;
    for (const profile of profiles) this.#events.emit('onUserInfo', profile);
  }

  // ---- streams ------------------------------------------------------------------------------------

  /** Hands out a member's stream when their tracks changed. */
  #refreshRemote(call: ActiveCall, member: Member): void {
    if (this.#call !== call || call.phase !== 'connected' || member.state !== 'accepted' || !member.inRoom) return;
    const tracks = this.#media.remoteTracks(member.userId, member.video);
    const stream = tracks && this.#stream(tracks, member.streamKey);
    if (!tracks || stream === undefined) return;
    member.streamKey = trackKey(tracks);
    this.#events.emit('onRemoteStream', { userId: member.userId, stream });
  }

  /** Hands out our own stream when its tracks changed: the caller's preview while dialing, a callee's once connected. */
  emitLocalStream(): void {
    const call = this.#call;
    if (!call || !call.announced || (call.phase !== 'dialing' && call.phase !== 'connected')) return;
    const tracks = this.#media.localTracks();
    const stream = tracks && this.#stream(tracks, this.#localKey);
    if (!tracks || stream === undefined) return;
    this.#localKey = trackKey(tracks);
    this.#events.emit('onLocalStream', { stream });
  }

  /** The stream for `tracks` (null: no tracks), or undefined when nothing changed since `key` or no stream can be built. */
  #stream(tracks: MediaStreamTrack[], key: string): MediaStream | null | undefined {
    if (trackKey(tracks) === key) return undefined;
    const stream = tracks.length ? this.#createStream(tracks) : null;
    return tracks.length && !stream ? undefined : stream;
  }
}
