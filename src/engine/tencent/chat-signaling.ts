/**
 * The Tencent engine's chat signaling: `@tencentcloud/chat` login and its built-in signaling
 * (`invite`, `inviteInGroup`, `accept`, `reject`, `cancel`, `addSignalingListener`) carrying
 * TUICallKit's v2 payloads (`wire.ts`).
 *
 * In: chat events are filtered and decoded here, then handed to the engine through
 * {@link ChatCallHandlers} and {@link ChatSessionHandlers} (one typed callback per kind of news). Out: one method per message
 * the engine sends, each reading only the fields of the call it puts on the wire
 * ({@link SignaledCall}). Chat allows one accept/reject/cancel in flight at a time, so every
 * outgoing message waits for the previous one. This module knows nothing of the call's members
 * or phases: what a message means for the call is the engine's decision.
 */
import { CallMediaType } from '../../constants.js';
import { ErrorCode, CallKitError, invalidParameter } from '../../errors.js';
import { withDeadline } from '../deadline.js';
import type { ConnectionState, UserProfile } from '../types.js';
import type { ActiveCall } from './call-model.js';
import { loadChatModule } from './default-loaders.js';
import type { TencentEngineOptions, TencentUser } from './options.js';
import { chatError, errorEvent } from './sdk-errors.js';
import {
  ChatEventName,
  ChatTypes,
  TSignaling,
  type ChatEvent,
  type ChatHandler,
  type ChatLike,
  type ChatResponse,
  type InvitationCancelled,
  type InvitationReceived,
  type InvitationTimeout,
  type InviteeAnswered,
  type OfflinePushInfo,
} from './sdk-types.js';
import { callCmd, encodeCallPayload, parseCallPayload, type ParsedCallPayload, type V2Cmd } from './wire.js';

/** What chat tells about calls, decoded. Only called while logged in (after `connect` resolved). */
export interface ChatCallHandlers {
  /** A call invitation (`videoCall`/`audioCall`) whose invitees include us. */
  invitation(inv: InvitationReceived, payload: ParsedCallPayload, inviteeList: string[]): void;
  /** A member's v2 `hangup` (a zero-timeout invitation carrying the call record). */
  remoteHangup(inv: InvitationReceived, payload: ParsedCallPayload): void;
  /** A member asks to switch the call to audio (a zero-timeout `switchToAudio` invitation). */
  remoteSwitchToAudio(inv: InvitationReceived, payload: ParsedCallPayload): void;
  /** An invitee (possibly our own account on another device) accepted or declined. */
  answered(answer: InviteeAnswered, accepted: boolean): void;
  /** The inviter took an invitation back. */
  cancelled(cancel: InvitationCancelled): void;
  /** An invitation timed out (ours, for the invitees listed, or the one we ring for). */
  timeout(timeout: InvitationTimeout): void;
}

/** What chat tells about the session (login, network). Only called while logged in. */
export interface ChatSessionHandlers {
  /** Chat logged us out (another login, expired UserSig): the `ChatTypes.KICKED_OUT_*` type. */
  kickedOut(type: string): void;
  /** Chat's network state. */
  connection(state: ConnectionState): void;
  /** A chat SDK error. */
  error(error: { code: number; message: string }): void;
}

/** The fields of a call that its signaling reads (payloads) and writes (our invitations). */
export type SignaledCall = Pick<
  ActiveCall,
  'callId' | 'mediaType' | 'room' | 'groupID' | 'inviter' | 'userIDs' | 'userData' | 'invites' | 'outgoing' | 'outgoingError'
>;

interface PayloadExtra {
  callEnd?: number;
  excludeFromHistory?: boolean;
  switchMarker?: boolean;
  inviter?: string;
  initialCallId?: string;
}

const noop = (): void => undefined;
/** TUICallEngine's timeout on a switch-to-audio request. */
const SWITCH_TIMEOUT_S = 30;

/**
 * The offline-push `extension` TUICallEngine 3.3.4 puts on its invitations (captured from the
 * official engine): TUICallKit's push handling reads `entity.action` 2 (a call) and `voip_ext`.
 */
export function officialPushExtension(mediaType: CallMediaType): string {
  return JSON.stringify({
    entity: { action: 2 },
    extra_info: '',
    timPushFeatures: { fcmNotificationType: 1, fcmPushType: 0 },
    voip_ext: { voip_media_type: mediaType === CallMediaType.VIDEO ? 'video' : 'audio', voip_type: 'call' },
  });
}

export class ChatSignaling {
  readonly #options: TencentEngineOptions;
  readonly #on: ChatCallHandlers;
  readonly #session: ChatSessionHandlers;
  #chat: ChatLike | null = null;
  #ownsLogin = false;
  #ready = false;
  #userId = '';
  #off: (() => void)[] = [];
  /** chat signaling allows one accept/reject/cancel in flight at a time: we queue them. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: TencentEngineOptions, calls: ChatCallHandlers, session: ChatSessionHandlers) {
    this.#options = options;
    this.#on = calls;
    this.#session = session;
  }

  /** Logged in and ready: signaling flows both ways. */
  get ready(): boolean {
    return this.#ready;
  }

  // ---- login --------------------------------------------------------------------------------------

  /**
   * Loads chat (or takes the app's instance), listens, logs in and waits for SDK_READY. On failure
   * everything is undone (our own login logged out again) and the error is thrown.
   */
  async connect(user: TencentUser): Promise<void> {
    this.#userId = user.userId;
    let chat: ChatLike;
    try {
      chat = this.#options.chat ?? (await (this.#options.loadChat ?? loadChatModule)()).create({ SDKAppID: user.sdkAppId });
    } catch (error) {
      throw chatError(error, 'cannot load @tencentcloud/chat', ErrorCode.SDK_NOT_INITIALIZED);
    }
    this.#chat = chat;
    this.#bind(chat);
    const current = this.#options.chat ? String(chat.getLoginUser() ?? '') : '';
    if (current && current !== user.userId) {
      this.#unbind();
      this.#chat = null;
      throw invalidParameter(`the chat instance passed in is logged in as "${current}", not "${user.userId}"`);
    }
    try {
      if (current !== user.userId) {
        // Listen for SDK_READY before logging in: it may come before login() resolves.
        const ready = this.#waitReady(chat);
        // An app's own chat instance is never logged out by us, even if we logged it in.
        this.#ownsLogin = !this.#options.chat;
        try {
          const loginTimeoutMs = this.#options.loginTimeoutMs ?? 20_000;
          await withDeadline(
            chat.login({ userID: user.userId, userSig: user.userSig }),
            loginTimeoutMs,
            () => new CallKitError(ErrorCode.CONNECTION_FAILED, `chat login did not answer within ${loginTimeoutMs} ms`, 'login-timeout'),
          );
        } catch (error) {
          ready.cancel();
          throw chatError(error, 'chat login failed', ErrorCode.CONNECTION_FAILED);
        }
        await ready.promise;
      } else {
        this.#ownsLogin = false;
        await this.#waitReady(chat).promise;
      }
    } catch (error) {
      this.#unbind();
      if (this.#ownsLogin) await chat.logout().catch(noop);
      this.#chat = null;
      this.#ownsLogin = false;
      throw error;
    }
    this.#ready = true;
  }

  /** Stops listening and logs out (only a login of our own). */
  async disconnect(): Promise<void> {
    const chat = this.#chat;
    this.#unbind();
    this.#chat = null;
    this.#ready = false;
    if (chat && this.#ownsLogin) await chat.logout().catch(noop);
    this.#ownsLogin = false;
  }

  /** Stops listening and forgets the instance, without logging out (chat already logged us out). */
  release(): void {
    this.#ready = false;
    this.#unbind();
    this.#chat = null;
    this.#ownsLogin = false;
  }

  async setSelfInfo(profile: { name?: string; avatar?: string }): Promise<void> {
    const chat = this.#requireChat();
    const options: { nick?: string; avatar?: string } = {};
    if (typeof profile?.name === 'string') options.nick = profile.name;
    if (typeof profile?.avatar === 'string') options.avatar = profile.avatar;
    if (!('nick' in options) && !('avatar' in options)) return;
    try {
      await chat.updateMyProfile(options);
    } catch (error) {
      throw chatError(error, 'updateMyProfile failed');
    }
  }

  /** Names and avatars of `userIDList` (without us); none when the lookup fails (they are decoration). */
  async profiles(userIDList: string[]): Promise<UserProfile[]> {
    const chat = this.#chat;
    const ids = userIDList.filter((id) => id && id !== this.#userId);
    const out: UserProfile[] = [];
    if (!chat || ids.length === 0) return out;
    try {
      const res = (await chat.getUserProfile({ userIDList: ids })) as { data?: unknown } | null;
      if (!Array.isArray(res?.data)) return out;
      for (const p of res.data as { userID?: unknown; nick?: unknown; avatar?: unknown }[]) {
        if (typeof p?.userID !== 'string') continue;
        const profile: UserProfile = { userId: p.userID };
        if (typeof p.nick === 'string' && p.nick) profile.name = p.nick;
        if (typeof p.avatar === 'string' && p.avatar) profile.avatar = p.avatar;
        if (profile.name || profile.avatar) out.push(profile);
      }
    } catch {
      // Profiles are decoration: a failed lookup leaves the user ids.
    }
    return out;
  }

  // ---- in -----------------------------------------------------------------------------------------

  #bind(chat: ChatLike): void {
    const onSignal = (name: string, fn: (data: never) => void): void => {
      const handler: ChatHandler = (event: ChatEvent) => {
        if (event && typeof event.data === 'object' && event.data !== null) fn(event.data as never);
      };
      chat.addSignalingListener(name, handler);
      this.#off.push(() => chat.removeSignalingListener(name, handler));
    };
    const onEvent = (name: string, fn: (data: unknown) => void): void => {
      const handler: ChatHandler = (event: ChatEvent) => fn(event?.data);
      chat.on(name, handler);
      this.#off.push(() => chat.off(name, handler));
    };
    onSignal(TSignaling.NEW_INVITATION_RECEIVED, (d: InvitationReceived) => this.#onInvitation(d));
    onSignal(TSignaling.INVITEE_ACCEPTED, (d: InviteeAnswered) => this.#on.answered(d, true));
    onSignal(TSignaling.INVITEE_REJECTED, (d: InviteeAnswered) => this.#on.answered(d, false));
    onSignal(TSignaling.INVITATION_CANCELLED, (d: InvitationCancelled) => this.#on.cancelled(d));
    onSignal(TSignaling.INVITATION_TIMEOUT, (d: InvitationTimeout) => this.#on.timeout(d));
    onEvent(ChatEventName.KICKED_OUT, (d) => {
      if (this.#ready) this.#session.kickedOut(String((d as { type?: unknown } | null)?.type ?? 'kicked'));
    });
    onEvent(ChatEventName.NET_STATE_CHANGE, (d) => this.#onNetState(d));
    onEvent(ChatEventName.ERROR, (d) => {
      if (this.#ready) this.#session.error(errorEvent(d));
    });
  }

  #unbind(): void {
    for (const off of this.#off) {
      try {
        off();
      } catch {
        // a half-destroyed SDK instance: nothing to unbind
      }
    }
    this.#off = [];
  }

  #onInvitation(inv: InvitationReceived): void {
    if (!this.#ready || typeof inv.inviteID !== 'string' || inv.inviter === this.#userId) return;
    const payload = parseCallPayload(inv.data);
    if (!payload) return;
    switch (payload.kind) {
      case 'hangup':
        this.#on.remoteHangup(inv, payload);
        return;
      case 'switchToAudio':
        this.#on.remoteSwitchToAudio(inv, payload);
        return;
      case 'call':
        break;
      default:
        return;
    }
    const inviteeList = Array.isArray(inv.inviteeList) ? inv.inviteeList : [];
    if (inviteeList.includes(this.#userId)) this.#on.invitation(inv, payload, inviteeList);
  }

  #onNetState(data: unknown): void {
    if (!this.#ready) return;
    const state = (data as { state?: unknown } | null)?.state;
    if (state === ChatTypes.NET_STATE_CONNECTED) this.#session.connection('connected');
    else if (state === ChatTypes.NET_STATE_CONNECTING) this.#session.connection('reconnecting');
    else if (state === ChatTypes.NET_STATE_DISCONNECTED) this.#session.connection('disconnected');
  }

  // ---- out ----------------------------------------------------------------------------------------

  /**
   * Invites `userIDList` into the call: one `inviteInGroup` in a group call, one C2C invitation
   * each otherwise. Records each invitation in `call.invites`/`call.outgoing` (the first one's id
   * becomes `call.callId`), the last failure in `call.outgoingError`; returns how many went out.
   */
  async invite(call: SignaledCall, userIDList: string[], timeout: number, extra: PayloadExtra = {}): Promise<number> {
    const chat = this.#requireChat();
    // As TUICallKit does: a 1v1 invitation is kept out of unread counts and the conversation's
    // last message (chat derives both from excludeFromHistoryMessage); a group one stays visible.
    const data = this.#payload(call, callCmd(call.mediaType), { excludeFromHistory: !call.groupID, ...extra });
    const record = (res: ChatResponse, invitees: string[]): void => {
      const inviteID = res?.inviteID ?? (res?.data as { inviteID?: string } | undefined)?.inviteID;
      if (typeof inviteID !== 'string' || !inviteID) throw new CallKitError(ErrorCode.SERVER_ERROR, 'chat returned no inviteID');
      call.invites.add(inviteID);
      call.outgoing.set(inviteID, new Set(invitees));
      if (!call.callId) call.callId = inviteID;
    };
    if (call.groupID) {
      try {
        const res = await this.#signal(
          () => chat.inviteInGroup({ groupID: call.groupID, inviteeList: userIDList, data, timeout, ...this.#pushInfo(call) }),
          'inviteInGroup failed',
        );
        record(res, userIDList);
        return 1;
      } catch (error) {
        call.outgoingError = chatError(error, 'inviteInGroup failed');
        return 0;
      }
    }
    let sent = 0;
    for (const userID of userIDList) {
      try {
        const res = await this.#signal(() => chat.invite({ userID, data, timeout, ...this.#pushInfo(call) }), 'invite failed');
        record(res, [userID]);
        sent++;
      } catch (error) {
        call.outgoingError = chatError(error, `invite ${userID} failed`);
      }
    }
    return sent;
  }

  /** Takes back our invitations still ringing (chat `cancel`). */
  async cancelInvites(call: SignaledCall): Promise<void> {
    const chat = this.#chat;
    if (!chat) return;
    const pending = [...call.outgoing].filter(([, invitees]) => invitees.size > 0).map(([inviteID]) => inviteID);
    call.outgoing.clear();
    await Promise.all(
      pending.map((inviteID) => {
        const data = this.#payload(call, callCmd(call.mediaType), inviteID === call.callId ? {} : { initialCallId: call.callId });
        return this.#signal(() => chat.cancel({ inviteID, data }), 'cancel failed').catch(noop);
      }),
    );
  }

  /** Accepts the invitation we ring for; `beforeSend` runs when its turn in the queue comes (and may throw). */
  accept(call: SignaledCall, inviteID: string, beforeSend: () => void): Promise<unknown> {
    const chat = this.#requireChat();
    return this.#signal(() => {
      beforeSend();
      // Accepts are kept out of unread counts, as TUICallKit's are.
      return chat.accept({ inviteID, data: this.#payload(call, callCmd(call.mediaType), { excludeFromHistory: true }) });
    }, 'accept failed');
  }

  /** Declines the invitation we ring for; never fails (the invitation may already be gone). */
  async decline(call: SignaledCall, inviteID: string): Promise<void> {
    const chat = this.#chat;
    if (!chat) return;
    const data = this.#payload(call, callCmd(call.mediaType));
    await this.#signal(() => chat.reject({ inviteID, data }), 'reject failed').catch(noop);
  }

  /** Accepts an invitation as it came (into the call we are already in: "we are here"). */
  acceptAsIs(inv: InvitationReceived): void {
    const chat = this.#chat;
    if (chat) void this.#signal(() => chat.accept({ inviteID: inv.inviteID, data: inv.data }), 'accept failed').catch(noop);
  }

  /** Rejects an invitation as it came (a call we could never join). */
  rejectAsIs(inv: InvitationReceived): void {
    const chat = this.#chat;
    if (chat) void this.#signal(() => chat.reject({ inviteID: inv.inviteID, data: inv.data }), 'reject failed').catch(noop);
  }

  /** Answers an invitation with a busy reject (`line_busy`, `data.message: 'lineBusy'`). */
  async rejectBusy(inv: InvitationReceived, payload: ParsedCallPayload): Promise<void> {
    const chat = this.#chat;
    if (!chat) return;
    const data = encodeCallPayload({
      cmd: payload.cmd === 'videoCall' || payload.cmd === 'audioCall' ? payload.cmd : callCmd(payload.mediaType),
      mediaType: payload.mediaType,
      room: payload.room ?? 0,
      inviter: inv.inviter,
      userIDs: payload.userIDs.length ? payload.userIDs : inv.inviteeList,
      lineBusy: true,
    });
    await this.#signal(() => chat.reject({ inviteID: inv.inviteID, data }), 'busy reject failed').catch(noop);
  }

  /**
   * The v2 hangup, TUICallKit's call record: a zero-timeout invitation to `peers` (one
   * `inviteInGroup` in a group call, C2C to the first peer otherwise) with cmd `hangup` and
   * `call_end` in seconds.
   */
  sendHangup(call: SignaledCall, peers: string[], totalTime: number, extra: { excludeFromHistory?: boolean } = {}): Promise<unknown> {
    const chat = this.#chat;
    if (!chat || peers.length === 0) return Promise.resolve();
    const data = this.#payload(call, 'hangup', { callEnd: totalTime, excludeFromHistory: extra.excludeFromHistory });
    return call.groupID
      ? this.#signal(() => chat.inviteInGroup({ groupID: call.groupID, inviteeList: peers, data, timeout: 0 }), 'hangup failed')
      : this.#signal(() => chat.invite({ userID: peers[0], data, timeout: 0 }), 'hangup failed');
  }

  /**
   * Asks `peers` to switch to audio (`switchToAudio` invitations shaped like TUICallEngine's: the
   * `switch_to_audio_call` marker, a 30 s timeout; 1v1 calls only). Nobody waits for the answer:
   * TUICallEngine 3.3.4 acknowledges the request but stays in video on its own side.
   */
  async sendSwitchToAudio(call: SignaledCall, peers: string[]): Promise<void> {
    const chat = this.#chat;
    if (!chat || call.groupID) return;
    const data = this.#payload(call, 'switchToAudio', { excludeFromHistory: true, switchMarker: true });
    await Promise.all(
      peers.map((userID) =>
        this.#signal(() => chat.invite({ userID, data, timeout: SWITCH_TIMEOUT_S }), 'switchToAudio failed').catch(noop),
      ),
    );
  }

  /** Answers a peer's switch request (TUICallKit apps may wait for it). */
  answerSwitchToAudio(call: SignaledCall, inviteID: string): void {
    const chat = this.#chat;
    if (!chat) return;
    const data = this.#payload(call, 'switchToAudio', { excludeFromHistory: true });
    void this.#signal(() => chat.accept({ inviteID, data }), 'switchToAudio answer failed').catch(noop);
  }

  #payload(call: SignaledCall, cmd: V2Cmd, extra: PayloadExtra = {}): string {
    return encodeCallPayload({
      initialCallId: extra.initialCallId,
      cmd,
      mediaType: call.mediaType,
      room: call.room,
      inviter: extra.inviter ?? call.inviter,
      userIDs: call.userIDs,
      callEnd: extra.callEnd,
      userData: call.userData,
      excludeFromHistory: extra.excludeFromHistory,
      switchMarker: extra.switchMarker,
    });
  }

  /**
   * The invitation's offline push: the app's (`offlinePushInfo` option), with TUICallKit's
   * `extension` when the app sets none, so a TUICallKit mobile app recognises the push as a call.
   * `offlinePushInfo: null` sends none.
   */
  #pushInfo(call: SignaledCall): { offlinePushInfo?: OfflinePushInfo } {
    const app = this.#options.offlinePushInfo;
    if (app === null) return {};
    return { offlinePushInfo: { ...app, extension: app?.extension ?? officialPushExtension(call.mediaType) } };
  }

  /** Runs a chat signaling call after the previous one settled (chat allows one at a time). */
  #signal<T>(op: () => Promise<T>, what: string): Promise<T> {
    const run = this.#queue.then(op, op).then(
      (res) => {
        const code = (res as { code?: unknown } | null)?.code;
        if (typeof code === 'number' && code !== 0) throw chatError(res, what);
        return res;
      },
      (error: unknown) => {
        throw chatError(error, what);
      },
    );
    this.#queue = run.catch(noop);
    return run;
  }

  #requireChat(): ChatLike {
    if (!this.#chat) throw new CallKitError(ErrorCode.SDK_NOT_INITIALIZED, 'call login() first');
    return this.#chat;
  }

  /** Resolves on chat's SDK_READY (at once if ready), rejects after `readyTimeoutMs`. */
  #waitReady(chat: ChatLike): { promise: Promise<void>; cancel: () => void } {
    let cancel = noop;
    const promise = new Promise<void>((resolve, reject) => {
      if (chat.isReady()) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        chat.off(ChatEventName.SDK_READY, handler);
      };
      const handler: ChatHandler = () => {
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new CallKitError(ErrorCode.CONNECTION_FAILED, 'chat did not become ready after login', 'timeout'));
      }, this.#options.readyTimeoutMs ?? 15_000);
      chat.on(ChatEventName.SDK_READY, handler);
      cancel = done;
    });
    promise.catch(noop);
    return { promise, cancel };
  }
}
