/**
 * The Tencent Cloud engine: `@tencentcloud/chat` signaling in TUICallKit's "v2" wire format (see
 * `wire.ts`) and `trtc-sdk-v5` media, one TRTC room per call. A web user of this kit can call and
 * be called by TUICallKit apps (web, Android, iOS) in their v2 mode.
 *
 * How a call maps onto the SDKs:
 * - **Outgoing**: capture local media, enter a fresh TRTC room (random numeric id
 *   1..2147483647), then `invite` each callee (1v1 or several C2C invitations sharing the room) or
 *   `inviteInGroup` once (with `groupID`). The call id is the (first) chat `inviteID`.
 * - **Incoming**: `newInvitationReceived` with a `videoCall`/`audioCall` payload rings
 *   (`onCallReceived`, call id = `inviteID`). While any call exists, an invitation is answered at
 *   once (the shared ringing queue, `maxRinging: 1`) with a busy reject (`line_busy: 'line_busy'`,
 *   `data.message: 'lineBusy'`), which the caller's engine reports as `onUserLineBusy`.
 * - **Accept** = enter the announced room, then chat `accept` (TUICallKit's order; if the room
 *   cannot be entered the invitation is declined instead). **Reject** = chat `reject`.
 *   **Cancel** (hangup while dialing) = chat `cancel` of every pending invitation.
 * - **Hangup** when connected: exit the room. The call record (`hangup` payload, `call_end` in
 *   seconds, zero-timeout invitation) follows TUICallKit: 1v1, the side that stays sends it; a
 *   group leaver sends it to those still there. Ringing invitees stop when the call cannot go
 *   on. Remote members leaving are seen as TRTC `remote-user-exit`.
 * - **Invite during a call** (`inviteUser`): more invitations into the same room; they carry the
 *   call's id (`initialCallId` in the payload's `data`) so the newcomer names the call alike.
 * - **Join** (`join({ callId })`): v2 has no call server, so the engine remembers the last calls it
 *   was invited to or placed (room, media type, group) and enters the room; members present there
 *   show up with `onUserJoin`, the others see us accept and join. Calls that cannot go on without
 *   us (1v1, cancelled) are forgotten: joining them is `call-not-found`, as with the default engine.
 * - **Timeouts** are chat signaling's own (the callee's timer fires first and notifies the
 *   caller; the caller's own fires 5 s later for callees that never got the invitation):
 *   `onUserNoResponse` per callee, `onCallEnd` cause `timeout` once nobody is left.
 * - **Media** arrives as MediaStreams built from TRTC's tracks (`getAudioTrack` / `getVideoTrack`,
 *   refreshed on every `track` event); remote video is subscribed with `startRemoteVideo({ view:
 *   null })` so TRTC renders nothing, and TRTC's playback of remote audio is at volume 0 (the
 *   kit's tiles play the streams). Backgrounds: TRTC's virtual-background plugin (blur, image).
 * - **Kicked out** (chat `kickedOut`) -> `onKickedOffline` (+ `onError` 70001 when the UserSig
 *   expired) and the call ends with cause `disconnected`. Nothing is imported from the SDKs at
 *   module load: the default loaders use dynamic `import()`.
 *
 * Modules: this class is the public `CallEngine` (validation, login, placing, accepting, ending a
 * call); `call-state.ts` the call state machine (members, phases, `begin`/`memberOut`/`finish`);
 * `chat-signaling.ts` speaks chat (login, v2 messages); `trtc-media.ts` drives the TRTC room,
 * capture and devices; `call-policy.ts` the end reasons and member gone -> event shared with the
 * other engines; the shared ringing queue (`../ringing-queue.ts`) picks which invitation rings;
 * `call-model.ts` is the call data they all read; `presence.ts` watches chat's user status.
 */
import { CallMediaType, CallRole, VideoResolution, type DeviceKind } from '../../constants.js';
import { CallKitError, ErrorCode, invalidParameter } from '../../errors.js';
import { Emitter } from '../emitter.js';
import type { CallEngine, CallEngineEvents, ConnectionState, DeviceInfo, EndCause, EngineCallParams, EngineLoginParams } from '../types.js';
import { callSeconds, isInvited, newCall, newMember, randomRoomId, validateCallees, type ActiveCall } from './call-model.js';
import { CallState } from './call-state.js';
import { ChatSignaling } from './chat-signaling.js';
import type { TencentEngineOptions, TencentUser } from './options.js';
import { TencentPresence } from './presence.js';
import { errorEvent } from './sdk-errors.js';
import { CHAT_USERSIG_EXPIRED, ChatTypes } from './sdk-types.js';
import { TrtcDevices, TrtcMedia } from './trtc-media.js';
import type { RoomId } from './wire.js';

export type { TencentEngineOptions } from './options.js';

const MAX_CALLEES = 8;
const DEFAULT_TIMEOUT_S = 30;
const noop = (): void => undefined;

export class TencentEngine implements CallEngine {
  readonly name = 'tencent';
  readonly #events = new Emitter<CallEngineEvents>();
  readonly #signaling: ChatSignaling;
  readonly #media: TrtcMedia;
  readonly #devices: TrtcDevices;
  readonly #state: CallState;
  readonly #presence: TencentPresence;
  #user: TencentUser = { sdkAppId: 0, userId: '', userSig: '' };
  #connection: ConnectionState = 'disconnected';
  #destroyed = false;
  readonly #options: TencentEngineOptions;

  constructor(options: TencentEngineOptions = {}) {
    this.#options = options;
    const state = new CallState(this.#events, options, () => this.#user.userId);
    this.#media = new TrtcMedia(options, state, () => this.#user);
    this.#signaling = new ChatSignaling(options, state, {
      kickedOut: (type) => this.#onKickedOut(type),
      connection: (connection) => this.#emitConnection(connection),
      error: (error) => this.#events.emit('onError', error),
    });
    state.attach(this.#signaling, this.#media);
    this.#state = state;
    const busy = (userId: string): boolean => state.current?.members.get(userId)?.state === 'accepted';
    this.#presence = new TencentPresence(this.#events, this.#signaling, busy, options.maxPresenceSubscriptions);
    this.#devices = new TrtcDevices(this.#media, {
      requireCall: () => void this.#requireCall(),
      localChanged: () => state.emitLocalStream(),
    });
  }

  on<K extends keyof CallEngineEvents>(event: K, listener: (payload: CallEngineEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof CallEngineEvents>(event: K, listener: (payload: CallEngineEvents[K]) => void): void {
    this.#events.off(event, listener);
  }

  /** The logged-in user id ('' before login). */
  get userId(): string {
    return this.#user.userId;
  }

  /** The current call's id, or null. */
  get callId(): string | null {
    return this.#state.current?.callId || null;
  }

  /** The current call's TRTC room, or null. */
  get roomId(): RoomId | null {
    return this.#state.current?.room ?? null;
  }

  // ---- login ------------------------------------------------------------------------------------

  async login(params: EngineLoginParams): Promise<void> {
    this.#assertAlive();
    if (!params || typeof params !== 'object') throw invalidParameter('login() needs { SDKAppID, userID, userSig }');
    const sdkAppId = Number(params.SDKAppID);
    if (!Number.isInteger(sdkAppId) || sdkAppId <= 0) throw invalidParameter('SDKAppID must be a positive integer');
    if (typeof params.userID !== 'string' || !params.userID) throw invalidParameter('userID must be a non-empty string');
    if (typeof params.userSig !== 'string' || !params.userSig) throw invalidParameter('userSig must be a non-empty string');
    if (this.#signaling.ready) {
      if (this.#user.userId === params.userID && this.#user.sdkAppId === sdkAppId) return;
      await this.logout();
    }
    this.#user = { sdkAppId, userId: params.userID, userSig: params.userSig };
    this.#emitConnection('connecting');
    try {
      await this.#signaling.connect(this.#user);
    } catch (error) {
      this.#emitConnection('failed');
      throw error;
    }
    this.#emitConnection('connected');
    if (params.profile && (params.profile.name || params.profile.avatar)) {
      await this.setSelfInfo(params.profile).catch(noop);
    }
  }

  async logout(): Promise<void> {
    this.#state.queue.withdrawAll('disconnected');
    const call = this.#state.current;
    if (call) await this.hangup().catch(() => this.#state.finish(call, 'hangup'));
    await this.#media.teardown();
    const wasIn = this.#signaling.ready;
    this.#presence.clear();
    this.#state.known.clear();
    await this.#signaling.disconnect();
    if (wasIn) this.#emitConnection('disconnected');
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    await this.logout().catch(noop);
    this.#destroyed = true;
    this.#events.removeAllListeners();
  }

  subscribePresence(userIds: string[]): ReturnType<TencentPresence['subscribe']> {
    return this.#presence.subscribe(userIds);
  }

  unsubscribePresence(userIds?: string[]): Promise<void> {
    return this.#presence.unsubscribe(userIds);
  }

  async setSelfInfo(profile: { name?: string; avatar?: string }): Promise<void> {
    this.#requireChat();
    await this.#signaling.setSelfInfo(profile);
  }

  // ---- calling ----------------------------------------------------------------------------------

  async calls(params: EngineCallParams): Promise<{ callId: string }> {
    this.#requireChat();
    this.#assertIdle('a call is in progress');
    const userIDList = validateCallees(params?.userIDList, [], this.#user.userId, MAX_CALLEES);
    const mediaType = params.mediaType;
    if (mediaType !== CallMediaType.AUDIO && mediaType !== CallMediaType.VIDEO) {
      throw invalidParameter('mediaType must be CallMediaType.AUDIO (1) or CallMediaType.VIDEO (2)');
    }
    const groupID = typeof params.groupID === 'string' ? params.groupID : '';
    if (userIDList.length > 1 && !groupID && this.#options.multiCalleeNeedsGroup) {
      throw invalidParameter(
        'several callees need a groupID (multiCalleeNeedsGroup: TUICallKit callees treat a call without a group as 1v1)',
      );
    }
    const timeout = typeof params.timeout === 'number' && params.timeout >= 0 ? params.timeout : DEFAULT_TIMEOUT_S;
    const call = newCall({
      callId: '',
      role: CallRole.CALLER,
      phase: 'dialing',
      mediaType,
      room: randomRoomId(),
      groupID,
      inviter: this.#user.userId,
      userIDs: userIDList,
      members: new Map(userIDList.map((userId) => [userId, newMember(userId, 'ringing')])),
    });
    if (typeof params.userData === 'string') call.userData = params.userData;
    this.#state.start(call);
    try {
      await this.#enterWithMedia(call, mediaType);
      const sent = await this.#signaling.invite(call, userIDList, timeout);
      if (this.#state.current !== call) {
        await this.#signaling.cancelInvites(call).catch(noop);
        throw new CallKitError(ErrorCode.INVALID_STATE, 'the call was ended while it was being placed');
      }
      if (sent === 0) throw call.outgoingError ?? new CallKitError(ErrorCode.SERVER_ERROR, 'no invitation could be sent');
    } catch (error) {
      if (this.#state.current === call) this.#state.finish(call, 'error', { silent: true });
      throw error;
    }
    call.announced = true;
    this.#state.known.remember({
      callId: call.callId,
      room: call.room,
      mediaType,
      groupID,
      inviter: this.#user.userId,
      userIDs: userIDList,
    });
    this.#events.emit('onCallStarted', {
      callId: call.callId,
      mediaType,
      members: userIDList.map((userId) => ({ userId })),
    });
    this.#state.emitLocalStream();
    this.#state.replayDeferred(call);
    // Invitations that failed to send: the callee cannot be reached.
    for (const member of [...call.members.values()]) {
      if (member.state === 'ringing' && !isInvited(call, member.userId)) this.#state.memberOut(call, member.userId, 'unavailable');
    }
    void this.#state.fetchProfiles(call, userIDList);
    return { callId: call.callId };
  }

  /**
   * Invites more users into the current call (TUICallKit's `inviteUser`): one `inviteInGroup` in
   * a group call, C2C invitations otherwise, all pointing at the same room.
   */
  async inviteUser(params: { userIDList: string[]; timeout?: number }): Promise<void> {
    this.#requireChat();
    const call = this.#state.current;
    if (!call || (call.phase !== 'connected' && call.phase !== 'dialing')) {
      throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no call to invite users into');
    }
    const present = [...call.members.values()].filter((m) => m.state !== 'gone').map((m) => m.userId);
    const userIDList = validateCallees(params?.userIDList, present, this.#user.userId, MAX_CALLEES);
    if (present.length + userIDList.length > MAX_CALLEES) {
      throw new CallKitError(ErrorCode.CALLEE_COUNT, `a call has at most ${MAX_CALLEES + 1} members`);
    }
    const timeout = typeof params.timeout === 'number' && params.timeout >= 0 ? params.timeout : DEFAULT_TIMEOUT_S;
    for (const userId of userIDList) call.members.set(userId, newMember(userId, 'ringing'));
    call.userIDs = [...new Set([...call.userIDs, ...userIDList])];
    // The newcomers' invitations carry the call's id, so every member names the call alike.
    await this.#signaling.invite(call, userIDList, timeout, { inviter: this.#user.userId, initialCallId: call.callId || undefined });
    const known = this.#state.known.get(call.callId);
    if (known) known.userIDs = call.userIDs;
    for (const userId of userIDList) {
      if (call.members.get(userId)?.state !== 'ringing') continue;
      if (isInvited(call, userId)) this.#events.emit('onUserInvited', { userId });
      else this.#state.memberOut(call, userId, 'unavailable');
    }
    void this.#state.fetchProfiles(call, userIDList);
  }

  /**
   * Joins a group call that is already running (TUICallKit's `joinInGroupCall`): enters its room
   * without an invitation. Emits `onCallStarted` then `onCallBegin` with role `callee`.
   */
  async joinInGroupCall(params: { groupID: string; roomID: RoomId; mediaType: CallMediaType }): Promise<{ callId: string }> {
    this.#requireChat();
    this.#assertIdle('a call is in progress');
    if (typeof params?.groupID !== 'string' || !params.groupID) throw invalidParameter('groupID must be a non-empty string');
    const room = params.roomID;
    if (!(typeof room === 'number' && Number.isInteger(room) && room > 0) && !(typeof room === 'string' && room)) {
      throw invalidParameter('roomID must be a positive integer or a non-empty string');
    }
    const mediaType = params.mediaType === CallMediaType.VIDEO ? CallMediaType.VIDEO : CallMediaType.AUDIO;
    const call = newCall({
      callId: `${params.groupID}:${String(room)}`,
      role: CallRole.CALLEE,
      phase: 'connecting',
      mediaType,
      room,
      groupID: params.groupID,
      inviter: '',
      userIDs: [],
      joined: true,
    });
    this.#state.start(call);
    await this.#enterOrFinish(call, mediaType);
    call.announced = true;
    this.#events.emit('onCallStarted', { callId: call.callId, mediaType, members: [] });
    this.#state.begin(call);
    this.#state.replayDeferred(call);
    return { callId: call.callId };
  }

  /**
   * Enters a running call we were invited to (declined, missed, left) or placed, by its call id
   * (the v2 `inviteID` announced in `onCallReceived` / returned by `calls`). TUICallKit v2 has no
   * call server: the engine remembers the last calls it saw and enters the call's TRTC room, like
   * `joinInGroupCall`. Emits `onCallStarted` (role callee) and `onCallBegin`, then `onUserJoin` for
   * each member present in the room; the others see us accept and join. `mediaType` AUDIO joins a
   * video call without the camera. A call id the engine never saw (or whose invitation the caller
   * cancelled) is refused like the default engine's server does: SERVER_ERROR `call-not-found`.
   */
  async join(params: { callId: string; mediaType?: CallMediaType }): Promise<void> {
    this.#requireChat();
    const callId = params?.callId;
    if (typeof callId !== 'string' || !callId || callId.length > 64) throw invalidParameter('callId must be a call id');
    const wanted = params.mediaType;
    if (wanted !== undefined && wanted !== CallMediaType.AUDIO && wanted !== CallMediaType.VIDEO) {
      throw invalidParameter('mediaType must be CallMediaType.AUDIO (1) or VIDEO (2)');
    }
    this.#assertIdle('a call is already in progress');
    const known = this.#state.known.get(callId);
    if (!known) throw new CallKitError(ErrorCode.SERVER_ERROR, 'no such call', 'call-not-found');
    const audioOnly = wanted === CallMediaType.AUDIO && known.mediaType === CallMediaType.VIDEO;
    const others = [...new Set([known.inviter, ...known.userIDs])].filter((id) => id && id !== this.#user.userId);
    const call = newCall({
      callId,
      role: CallRole.CALLEE,
      phase: 'connecting',
      mediaType: known.mediaType,
      room: known.room,
      groupID: known.groupID,
      inviter: known.inviter,
      userIDs: known.userIDs,
      // Unknown states (v2 has no roster): whoever is in the room shows up there.
      members: new Map(others.map((userId) => [userId, newMember(userId, 'gone')])),
      invites: new Set([callId]),
      joined: true,
    });
    this.#state.start(call);
    await this.#enterOrFinish(call, audioOnly ? CallMediaType.AUDIO : known.mediaType);
    call.announced = true;
    const event: CallEngineEvents['onCallStarted'] = {
      callId,
      mediaType: call.mediaType,
      role: CallRole.CALLEE,
      members: others.map((userId) => ({ userId })),
    };
    if (call.groupID) event.groupID = call.groupID;
    this.#events.emit('onCallStarted', event);
    if (audioOnly) {
      call.mediaType = CallMediaType.AUDIO;
      this.#events.emit('onCallMediaTypeChanged', { mediaType: CallMediaType.AUDIO });
    }
    this.#state.begin(call);
    this.#state.replayDeferred(call);
    void this.#state.fetchProfiles(call, others);
  }

  /** Captures local media and enters the call's room ({@link TrtcMedia.captureAndEnter}); throws if the call ended meanwhile. */
  #enterWithMedia(call: ActiveCall, mediaType: CallMediaType): Promise<void> {
    return this.#media.captureAndEnter(call, mediaType, () => this.#assertCurrent(call));
  }

  /** {@link #enterWithMedia}; on failure the call ends silently and the error is thrown. */
  async #enterOrFinish(call: ActiveCall, mediaType: CallMediaType): Promise<void> {
    try {
      await this.#enterWithMedia(call, mediaType);
    } catch (error) {
      if (this.#state.current === call) this.#state.finish(call, 'error', { silent: true });
      throw error;
    }
  }

  /**
   * Accepts the ringing call (`callId`: one the ringing queue holds). This engine rings for one
   * call at a time (`maxRinging: 1`: a second invitation finds us busy).
   */
  async accept(options: { mediaType?: CallMediaType; callId?: string } = {}): Promise<void> {
    this.#requireChat();
    this.#state.queue.accept(options?.callId);
    const call = this.#ringing(options?.callId, 'accept');
    const audioOnly = options?.mediaType === CallMediaType.AUDIO && call.mediaType === CallMediaType.VIDEO;
    const inviteID = call.incoming?.inviteID ?? '';
    call.phase = 'connecting';
    try {
      await this.#media.op(async () => {
        this.#assertCurrent(call);
        await this.#media.startLocal(audioOnly ? CallMediaType.AUDIO : call.mediaType);
      });
    } catch (error) {
      // No permission or no device: the call keeps ringing, the user may still decline it.
      if (this.#state.current === call && call.phase === 'connecting') {
        call.phase = 'ringing';
        void this.#media.op(() => this.#media.stopLocal());
      }
      throw error;
    }
    // As TUICallKit: enter the room, then say yes (a caller told "accepted" by someone who never
    // arrives sits in an empty room; TUICallKit ignores a hangup message).
    try {
      await this.#media.op(async () => {
        this.#assertCurrent(call);
        await this.#media.enterRoom(call);
      });
      this.#assertCurrent(call);
    } catch (error) {
      if (this.#state.current === call) {
        this.#events.emit('onError', errorEvent(error));
        // We cannot join: decline, which every TUICallKit engine honours.
        this.#state.finish(call, 'error');
        void this.#signaling.decline(call, inviteID);
      }
      throw error;
    }
    try {
      await this.#signaling.accept(call, inviteID, () => {
        this.#assertCurrent(call);
        call.answered = true;
      });
      this.#assertCurrent(call);
    } catch (error) {
      // The invitation is gone (cancelled, timed out, answered elsewhere): finish leaves the room.
      if (this.#state.current === call) {
        this.#events.emit('onError', errorEvent(error));
        this.#state.finish(call, 'error');
      }
      throw error;
    }
    if (audioOnly) {
      call.mediaType = CallMediaType.AUDIO;
      this.#events.emit('onCallMediaTypeChanged', { mediaType: CallMediaType.AUDIO });
      void this.#state.sendSwitchToAudio(call);
    }
    this.#state.begin(call);
  }

  /** Declines the ringing call, or the pending invitation `callId` (see {@link accept}). */
  async reject(options: { callId?: string } = {}): Promise<void> {
    this.#requireChat();
    const pending = options?.callId === undefined ? undefined : this.#state.queue.get(options.callId);
    if (pending && this.#state.queue.withdraw(pending.callId, 'rejected')) return this.#signaling.rejectAsIs(pending.inv);
    await this.#decline(this.#ringing(options?.callId, 'reject'));
  }

  /** The call ringing for us (whose id is `callId`, when given), or INVALID_STATE. */
  #ringing(callId: unknown, what: string): ActiveCall {
    const call = this.#state.current;
    if (
      !call ||
      call.role !== CallRole.CALLEE ||
      call.phase !== 'ringing' ||
      !call.incoming ||
      (callId !== undefined && callId !== call.callId)
    ) {
      throw new CallKitError(ErrorCode.INVALID_STATE, `there is no incoming call to ${what}`);
    }
    return call;
  }

  #decline(call: ActiveCall): Promise<void> {
    const inviteID = call.incoming?.inviteID ?? '';
    this.#state.finish(call, 'rejected');
    // The invitation may already be gone (cancelled, timed out): nothing more to tell anyone.
    return this.#signaling.decline(call, inviteID);
  }

  async hangup(): Promise<void> {
    const call = this.#state.current;
    if (!call) return;
    // Ringing, or accepting but our yes has not gone out yet: that is a decline.
    if (call.role === CallRole.CALLEE && call.incoming && !call.answered && (call.phase === 'ringing' || call.phase === 'connecting')) {
      return this.#decline(call);
    }
    const accepted = [...call.members.values()].filter((m) => m.state === 'accepted');
    const connected = call.phase === 'connected' || accepted.length > 0;
    const totalTime = callSeconds(call);
    const cause: EndCause = connected ? 'hangup' : call.role === CallRole.CALLER ? 'cancelled' : 'hangup';
    this.#state.finish(call, cause);
    const tasks: Promise<unknown>[] = [];
    // The call cannot go on without us (nobody left, or one member then alone): invitees still
    // ringing must stop. Chat `cancel` for invitations nobody answered (every engine honours it);
    // not for a group invitation someone accepted (chat would drop it, TUICallKit ignore the
    // cancel and ring for good): there the ringing get the hangup below, as from TUICallKit.
    const ringing = [...call.members.values()].filter((m) => m.state === 'ringing').map((m) => m.userId);
    if (accepted.length === 0 || (accepted.length === 1 && !call.groupID)) tasks.push(this.#signaling.cancelInvites(call));
    // Call record, TUICallKit's rule: 1v1, the side that stays sends it (CallState.memberOut);
    // leaving a group call, we tell those still in it (out of unread counts while 2+ remain).
    if (connected && call.groupID && accepted.length > 0) {
      const peers = accepted.map((m) => m.userId);
      const to = accepted.length === 1 ? [...peers, ...ringing] : peers;
      tasks.push(this.#signaling.sendHangup(call, to, totalTime, { excludeFromHistory: peers.length >= 2 }));
    }
    await Promise.all(tasks.map((t) => t.catch(noop)));
  }

  // ---- media controls: TrtcDevices (trtc-media.ts) checks, runs them on TRTC, hands out our stream -

  openCamera(): Promise<void> {
    return this.#devices.openCamera();
  }

  closeCamera(): Promise<void> {
    return this.#devices.closeCamera();
  }

  openMicrophone(): Promise<void> {
    return this.#devices.openMicrophone();
  }

  closeMicrophone(): Promise<void> {
    return this.#devices.closeMicrophone();
  }

  switchDevice(params: { deviceType: DeviceKind; deviceId: string }): Promise<void> {
    return this.#devices.switchDevice(params);
  }

  getDeviceList(deviceType?: DeviceKind): Promise<DeviceInfo[]> {
    return this.#media.getDeviceList(deviceType);
  }

  setVideoQuality(resolution: VideoResolution): Promise<void> {
    return this.#media.setVideoQuality(resolution);
  }

  /** Backgrounds (TRTC's virtual-background plugin): {@link TrtcDevices.setBlurBackground}, `setVirtualBackground`. */
  setBlurBackground(blurLevel: number): Promise<void> {
    return this.#devices.setBlurBackground(blurLevel);
  }

  setVirtualBackground(url: string): Promise<void> {
    return this.#devices.setVirtualBackground(url);
  }

  async switchCallMediaType(mediaType: CallMediaType): Promise<void> {
    const call = this.#requireCall();
    if (mediaType === call.mediaType) return;
    if (mediaType !== CallMediaType.AUDIO) {
      // TUICallKit's v2 wire format has no request to switch to video (only `switchToAudio`).
      throw new CallKitError(ErrorCode.SWITCH_TO_VIDEO_CALL_FAILED, 'the Tencent engine cannot switch to video', 'not-supported');
    }
    if (call.groupID || [...call.members.values()].filter((m) => m.state !== 'gone').length > 1) {
      throw new CallKitError(ErrorCode.SWITCH_TO_AUDIO_CALL_FAILED, 'TUICallKit v2 switches 1v1 calls only');
    }
    await this.#state.toAudio(call);
    await this.#state.sendSwitchToAudio(call);
  }

  // ---- connection -------------------------------------------------------------------------------

  #onKickedOut(type: string): void {
    this.#state.queue.withdrawAll('disconnected');
    const call = this.#state.current;
    if (call) this.#state.finish(call, 'disconnected');
    this.#signaling.release();
    this.#presence.clear();
    void this.#media.teardown();
    this.#emitConnection('disconnected');
    if (type === ChatTypes.KICKED_OUT_USERSIG_EXPIRED) {
      this.#events.emit('onError', { code: CHAT_USERSIG_EXPIRED, message: 'the UserSig expired: log in again with a new one' });
    }
    this.#events.emit('onKickedOffline', { reason: type });
  }

  #emitConnection(state: ConnectionState): void {
    if (this.#connection === state) return;
    this.#connection = state;
    this.#events.emit('onConnectionStateChanged', { state });
  }

  // ---- guards -----------------------------------------------------------------------------------

  #requireChat(): void {
    this.#assertAlive();
    if (!this.#signaling.ready) throw new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call login() first');
  }

  #requireCall(): ActiveCall {
    const call = this.#state.current;
    if (!call) throw new CallKitError(ErrorCode.INVALID_STATE, 'there is no call');
    return call;
  }

  #assertIdle(message: string): void {
    if (this.#state.current) throw new CallKitError(ErrorCode.ALREADY_IN_CALL, message);
  }

  #assertCurrent(call: ActiveCall): void {
    if (this.#state.current !== call) throw new CallKitError(ErrorCode.INVALID_STATE, 'the call has ended');
  }

  #assertAlive(): void {
    if (this.#destroyed) throw new CallKitError(ErrorCode.INVALID_STATE, 'the engine was destroyed');
  }
}
