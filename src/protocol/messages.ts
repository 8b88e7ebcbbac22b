/**
 * The signaling protocol between the default engine and `callkit-server`, shared by both ends.
 *
 * Every frame is one JSON object `{ v: 1, type, ... }`, at most {@link MAX_FRAME_BYTES}. Client
 * messages may carry an `id` (a request id); the server echoes it as `ref` in the answer
 * (`*-ok` or `error`) so a client can match answers to requests. Schemas are strict: unknown
 * properties and unknown types are rejected with an `error` answer (see {@link ErrorCode}).
 *
 * Flow of a 1v1 call (A calls B):
 *   A -> invite {to:[B]}            server -> A invite-ok {callId}; every tab of B: incoming
 *   B -> accept {callId}            server -> B call-started; A member-state {B accepted}; B's other tabs: call-ended answered-elsewhere
 *   A <-> B relay {to, data}        SDP and ICE, the server stamps `from`
 *   A or B -> hangup {callId}       server -> the sender: ok; the other: member-state {left}, then call-ended {hangup}
 *
 * Server rules (implemented in `server/registry.ts`):
 * - Login: the first frame must be `login` within 5 s; anything else before it (or a bad userSig)
 *   gets an `error` and the socket is closed with 4401. A user may log in from many sockets (tabs).
 * - A user is in at most one live call (caller, accepted or ringing). An invitee in another live call
 *   is `busy`; an invitee with no socket is `unavailable`; a caller already in a call (ringing
 *   included) gets `error already-in-call`. If no invitee rings, the caller gets invite-ok, the
 *   member-state pushes, then `call-ended` (`busy` if any invitee was busy, else `unavailable`).
 * - Who gets what: the sender of a request that ends its own part (`cancel`, `reject`, `hangup`) gets
 *   `ok` and no `call-ended`; everyone whose part is ended by someone else or by a timer gets
 *   `call-ended`. `relay` and `media-state` are fire-and-forget: only errors are answered.
 * - Switching a video call to audio: a `media-state` with `mediaType: 'audio'` from an accepted
 *   member makes the whole call an audio call (joiners get `mediaType: 'audio'`), and the relayed
 *   `media-state` carries `mediaType: 'audio'` so every other member drops its camera too. Back
 *   to video (1v1, asked and answered): `video-upgrade`, rules in `./video-upgrade.ts`.
 * - `cancel`: the caller, from its calling socket, while no invitee has accepted (after that:
 *   `invalid-state`, use `hangup`). Ringing invitees get `call-ended {cancelled}`. A caller's `hangup`
 *   before anyone accepted is a cancel. An invitee's `hangup` while ringing is a reject.
 * - Ring timeout: the invitee becomes `no-response`, its tabs get `call-ended {timeout}`, the others a
 *   member-state. `reject {reason:'busy'}` makes the member `busy`, otherwise `rejected`; the rejecting
 *   user's other tabs get `call-ended {rejected-elsewhere}`. `reject {reason:'unsupported'}` (the
 *   invitee's browser cannot carry calls) is a `rejected` member whose end reason is `unsupported`,
 *   once no other tab of that user can still ring (until then only `ok`: the other tabs ring on).
 * - End rule: when fewer than two members are accepted or ringing, the call ends. A remaining accepted
 *   member gets `call-ended` with the reason of the last transition: `rejected`, `busy`, `timeout`,
 *   `hangup` (the other hung up) or `disconnected` (the other's socket closed or stopped answering
 *   pings); a remaining ringing invitee gets `cancelled`.
 * - Sockets: the caller's call is bound to the inviting socket, an invitee's to the accepting socket;
 *   only that socket may act on the call (others get `call-not-found`). Non-members, unknown and
 *   ended calls all get the same `call-not-found`. When a bound socket closes (or misses pings for
 *   15 s) it is a hangup (a cancel if nobody accepted yet) with reason `disconnected`. When a ringing
 *   invitee loses a socket, nothing happens: the invite keeps ringing on its other tabs, and if it
 *   has none left it rings until the ring timeout; a socket that logs in while its user is ringing
 *   gets `incoming` with the ring time left.
 * Group calls (up to {@link MAX_INVITEES} + 1 members, a full mesh between accepted members):
 * - `invite {to:[...]}` rings everyone at once; each invitee's state reaches every live member as
 *   `member-state`. The end rule above applies unchanged: the call goes on while two members are
 *   accepted or ringing, whoever placed it (a caller's `hangup` after someone accepted is a leave).
 * - `invite-user {callId, to}`: an accepted member (on its call socket) rings more users. Users
 *   already accepted or ringing in the call are refused (`invalid-field`, field `to`), as are more
 *   than 9 live members (`too-many-members`). Offline users become `unavailable`, users in another
 *   call `busy`; the others ring with `incoming` whose `caller` is the inviting member and whose
 *   `members` list everyone. Every live member gets a `member-state` per invitee. Answer: `ok`.
 *   A former member (declined, no answer, left...) may be invited again.
 * - `join {callId}`: enters a running call. Allowed only for users who are members of that call's
 *   record, i.e. were invited at some point (by `invite` or `invite-user`) in any state but
 *   `accepted`; the server has no group directory, so a `groupId` grants nothing by itself. Anyone
 *   else gets `call-not-found` (ids cannot be probed). A ringing invitee's `join` is an `accept`. The
 *   joiner must not be in another live call (`already-in-call`). Answer: `call-started` (like an
 *   accept); the others get `member-state {accepted}`. The joiner makes the first offer to every
 *   accepted member (as an accepting invitee does).
 * - `group-call-query {groupId}` -> `group-call {groupId, call}`: the running call that carries this
 *   `groupId` (set by `invite`), or `call: null`. A call is only shown to users who are members of
 *   its record (invited at some point); for anyone else the answer is `null`, the same as no call.
 *
 * Glare (A invites B while B's 1v1 invite to A is ringing and nobody has accepted): the call whose
 * caller's user id sorts lower (plain string comparison) survives, whatever the arrival order:
 * - If A < B, B's pending call ends with `call-ended {glare}` for both (B's calling socket and A's
 *   ringing tabs), then A's invite proceeds normally (A: invite-ok; B's tabs: incoming).
 * - If A > B, A's invite is refused with `error glare` (`field: 'to'`) and B's call keeps ringing at A,
 *   who already has its `incoming`; the client should show that incoming call.
 * Either way exactly one call remains between A and B, in which one side rings.
 *
 * Surviving the network (reliability R3, R4, R8):
 * - Grace period: when the call socket of an accepted member of a connected call (at least one
 *   invitee accepted) closes or misses pings, the member is NOT treated as left at once: it stays
 *   `accepted` without a call socket for the server's grace period (default 15 s, `graceMs`). The
 *   grace counts from the last frame or pong heard on that socket, so a crashed tab found by the
 *   ping timeout (15 s) leaves 15 s after it went silent (R8: <= 20 s), and a socket that closes at
 *   once gets the full 15 s (R3 asks for a resume within 5 s). The other members are told nothing
 *   during the grace (media between browsers keeps flowing; relays to the member are answered
 *   `not-in-call`); when the grace expires the member
 *   leaves with reason `disconnected` (member-state `left`, then the end rule). The caller of a call
 *   nobody accepted yet, and ringing invitees, get no grace (as before: a cancel / ring on).
 * - `resume {callId, resumeToken}` (after a new `login` on a new socket): `resumeToken` is the one
 *   the call socket got in `invite-ok` / `call-started` (without it, or with another, the answer is
 *   `call-not-found`, so another tab or a stolen userSig cannot take the call over); the socket
 *   that loses the call, if still open, gets `call-ended {answered-elsewhere}`. If the user is an
 *   `accepted` member of that live call (in its grace, or still bound to an older socket the server has not seen die
 *   yet), the call is re-bound to this socket and answered `resumed {callId, mediaType, members}`;
 *   nothing is sent to the others and peer connections are untouched. Otherwise (unknown or ended
 *   call, e.g. the server restarted and lost its state; not a member; the grace expired) the answer
 *   is `error call-not-found`, and the client ends the call with cause `disconnected`: after a
 *   server restart both sides reconnect, both get `call-not-found`, both end cleanly.
 * - During the grace, any logged-in socket of that user may also `hangup` the call (a client that
 *   hung up while offline sends it right after its new login, so the others do not wait).
 * - `pagehide`: the kit sends `hangup` when the page goes away, so a closed tab leaves at once.
 * - A killed tab (crash, task manager: no `pagehide`) leaves an orphaned member: accepted, no call
 *   socket, in its grace. A page's first login says `newPage: true` (the kit's `login()`; a
 *   reconnect does not): it holds no call, so the user's orphaned call ends at once, the member
 *   leaving with reason `disconnected` as at the end of the grace, and the new page can call and be
 *   called right away. An `invite` or `accept` from any socket of that user does the same first. A
 *   call still bound to an open socket (another live tab) is never ended this way.
 *
 * Pre-connect while ringing (opt-in, 1v1 only): `pre-connect` both ways; the rules are in `./preconnect.ts`.
 *
 * Group video through the SFU (servers with Janus): `sfu` messages both ways, `sfu: true` on
 * `invite-ok` / `call-started` / `resumed`, `login-ok.sfu`; the rules are in `./sfu.ts`.
 *
 * Call records (servers started with a database, see README "Call records"): every call, 1v1 or
 * group, leaves a record (caller, invitees with their outcome, media type, start, connect, end, end
 * reason, duration). `records-query {limit?, cursor?}` answers `records {records, nextCursor?}` with
 * the sender's own records only (as caller or invitee), newest first; without a database the answer
 * is `error not-supported`. A user none of whose tabs was online when a call to it ended (it was
 * offline, or closed every tab while it rang) gets those calls once, in `missed-calls` right after
 * its next `login-ok`. An operator may end a call (`call-ended {ended-by-admin, message?}`) or cap its
 * length (`call-ended {max-duration}`) through the admin API. Presence: see `presence.ts`.
 *
 * userSig lifetime: the server refuses a userSig signed for longer than its maximum (default 7
 * days). `usersig-expiring {expiresAt}` comes a minute before a socket's userSig expires; the client
 * answers with `renew {userSig}` (a fresh sig for the same user: `ok`, or `error auth-failed` and
 * the old expiry stands). At the expiry a socket that did not renew is closed with 4409
 * "userSigExpired" (the kit reports `kickedOut('userSigExpired')`).
 *
 * Identity (who a member is shown as): a member's `name`/`avatar` come from the operator when the
 * server has an operator profile for it (admin endpoint) or its userSig carries one (`TLS.userbuf`);
 * then `verified: true` and what the user declares in `login`/`profile` is ignored. Otherwise they
 * are the user's own (self-declared; clients show the user id beside them and mark them). Names and
 * avatars of members who have not accepted are not shown to others (no profile probing with
 * `invite`). A ringing callee gets no self-declared avatar unless the server allows it
 * (`avatarsBeforeAnswer`): fetching it would tell the caller's host the callee's address. The
 * operator's `canCall(from, to)` decides who may ring whom: a refused invitee is `unavailable`,
 * exactly like an offline one, and a call that rings nobody for that reason ends `not-allowed`.
 * TURN: a server with TURN configured puts `turn {iceServers, iceTransportPolicy?, expiresAt}` in
 * `login-ok` (time-limited TURN REST API credentials for this user); the client asks for a fresh
 * set with `turn` (answer `turn {turn}`) before `expiresAt`. Without TURN, `turn` is answered with
 * `error unavailable`.
 *
 * Several incoming calls (opt-in per socket, flags on `login` and on `profile`; absent = unchanged,
 * default off, so an old client keeps the one-call rules above):
 * - `multiIncoming: true`: while the user is in no call (neither caller nor accepted member), up to
 *   `MAX_CONCURRENT_INCOMING` (`src/constants.ts`, 3) invitations ring at once; a further one finds the user `busy`.
 *   The kit's default engine always sets it. Each rings and ends on its own (`call-ended` per callId:
 *   `cancelled`, `timeout`, `answered-elsewhere`...); accepting one leaves the others ringing.
 * - `callWaiting: true` (`callKit.enableCallWaiting(true)`): while the user is in a call, ONE further
 *   invitation rings ("waiting"); any more find the user `busy`. Off (default): `busy` at once and the
 *   running call is untouched (reliability R10).
 * - A user gets a flag only if every one of its logged-in sockets set it (an old tab keeps the old rules).
 * - `accept` of a ringing call while accepted in another call is refused with `already-in-call`: the
 *   client ends its call first ("end and accept": `hangup`, then `accept`).
 */
import * as v from 'valibot';
// Product limits (members, ringing calls, ring timeouts) are call policy, not wire format: they
// live in `src/constants.ts`; the schemas below enforce them.
import { MAX_INVITEES, MAX_RING_TIMEOUT_S, MIN_RING_TIMEOUT_S } from '../constants.js';
import { PresenceUserIdsSchema, PresenceUsersSchema } from './presence.js';
export { PresenceStatusSchema, type PresenceStatus } from './presence.js';
import { CallRecordSchema, MissedCallSchema, RecordsCursorSchema, RecordsQueryFields } from './records.js';
import { SfuClientDataSchema, SfuServerDataSchema } from './sfu.js';
import { VideoUpgradeActionSchema } from './video-upgrade.js';
import { PreconnectClientDataSchema, PreconnectServerDataSchema, RelayDataSchema } from './preconnect.js';

export type { SfuClientData, SfuServerData, SfuStreamInfo } from './sfu.js';
export type { PreconnectClientData, PreconnectServerData } from './preconnect.js';

export const PROTOCOL_VERSION = 1;
/** Largest frame either side sends or accepts (also the server's `ws` maxPayload). */
export const MAX_FRAME_BYTES = 64 * 1024;

const USER_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const CALL_ID_RE = /^[A-Za-z0-9_-]{22}$/;
/** Control characters and bidi overrides are refused in display names. */
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME_RE = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;

export const UserIdSchema = v.pipe(v.string(), v.regex(USER_ID_RE, 'user id must match [A-Za-z0-9_-]{1,64}'));
export const CallIdSchema = v.pipe(v.string(), v.regex(CALL_ID_RE, 'call id must be 22 base64url characters'));
/** Given to a member's call socket in `invite-ok` / `call-started` / `resumed`; `resume` presents it. */
export const ResumeTokenSchema = v.pipe(v.string(), v.regex(CALL_ID_RE, 'resume token must be 22 base64url characters'));
export const RequestIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
export const DisplayNameSchema = v.pipe(
  v.string(),
  v.maxLength(64),
  v.check((s) => !UNSAFE_NAME_RE.test(s), 'name has control or bidi-override characters'),
);
/** `https:`, `http:` on a loopback host (development), or a PNG/JPEG/WebP data URL. */
const AVATAR_RE = /^(https:|http:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]|data:image\/(png|jpeg|webp);)/i;
export const AvatarUrlSchema = v.pipe(
  v.string(),
  v.maxLength(2048),
  v.check((s) => s === '' || AVATAR_RE.test(s), 'avatar must be an https: URL or a png/jpeg/webp data:image URL'),
);
export const GroupIdSchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(64),
  v.check((s) => !UNSAFE_NAME_RE.test(s), 'groupId has control or bidi-override characters'),
);
export const MediaTypeSchema = v.picklist(['audio', 'video']);
export type MediaType = v.InferOutput<typeof MediaTypeSchema>;

/** Member states kept by the server for each call member. */
export const MemberStateSchema = v.picklist(['ringing', 'accepted', 'rejected', 'busy', 'no-response', 'unavailable', 'cancelled', 'left']);
export type MemberState = v.InferOutput<typeof MemberStateSchema>;

/** Why a call ended for the one who receives `call-ended`. */
export const EndReasonSchema = v.picklist([
  'hangup',
  'cancelled',
  'rejected',
  'busy',
  'timeout',
  'unavailable',
  'answered-elsewhere',
  'rejected-elsewhere',
  'glare',
  'disconnected',
  'unsupported',
  /** The operator's policy (`canCall`) lets the caller ring none of the invitees. */
  'not-allowed',
  'ended',
  /** An operator ended the call through the admin API (`call-ended.message` may say why). */
  'ended-by-admin',
  /** The call reached the maximum duration the operator set for it. */
  'max-duration',
]);
export type EndReason = v.InferOutput<typeof EndReasonSchema>;

export const ErrorCodeSchema = v.picklist([
  'invalid-json',
  'invalid-message',
  'unknown-type',
  'invalid-field',
  'not-logged-in',
  'auth-failed',
  'already-logged-in',
  'self-call',
  'unavailable',
  'already-in-call',
  'call-not-found',
  'already-answered',
  'invalid-state',
  'not-in-call',
  'too-many-members',
  'rate-limited',
  /** The invite lost a glare race: the invitee's own call to the sender (already `incoming`) goes on. */
  'glare',
  /** The server does not offer this (e.g. `records-query` on a server without call records). */
  'not-supported',
  /** A `presence-subscribe` would watch more than `MAX_PRESENCE_WATCH` users on this socket. */
  'too-many-watched',
  'internal',
]);
export type ErrorCode = v.InferOutput<typeof ErrorCodeSchema>;

const base = { v: v.literal(PROTOCOL_VERSION), id: v.optional(RequestIdSchema) };

export const ProfileSchema = v.strictObject({
  userId: UserIdSchema,
  name: v.optional(DisplayNameSchema),
  avatar: v.optional(AvatarUrlSchema),
  /** The name and avatar come from the operator, not from the user (see the header, "Identity"). */
  verified: v.optional(v.boolean()),
});
export type Profile = v.InferOutput<typeof ProfileSchema>;

export { RelayDataSchema, type RelayData } from './preconnect.js';

// ---- client -> server ----------------------------------------------------------------------

export const ClientMessageSchema = v.variant('type', [
  v.strictObject({
    ...base,
    type: v.literal('login'),
    sdkAppId: v.pipe(v.number(), v.integer(), v.minValue(1)),
    userId: UserIdSchema,
    userSig: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)),
    name: v.optional(DisplayNameSchema),
    avatar: v.optional(AvatarUrlSchema),
    /** Incoming-call policy of this socket (see the header, "Several incoming calls"). */
    multiIncoming: v.optional(v.boolean()),
    callWaiting: v.optional(v.boolean()),
    /** A page's first login (not a reconnect): it holds no call (see the header, "A killed tab"). */
    newPage: v.optional(v.boolean()),
  }),
  /** A fresh userSig for this socket's user, before the current one expires (see the header). */
  v.strictObject({ ...base, type: v.literal('renew'), userSig: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)) }),
  /** Asks for a fresh TURN credential set (answer: `turn`, or `error unavailable` without TURN). */
  v.strictObject({ ...base, type: v.literal('turn') }),
  v.strictObject({
    ...base,
    type: v.literal('profile'),
    name: v.optional(DisplayNameSchema),
    avatar: v.optional(AvatarUrlSchema),
    multiIncoming: v.optional(v.boolean()),
    callWaiting: v.optional(v.boolean()),
  }),
  v.strictObject({
    ...base,
    type: v.literal('invite'),
    to: v.pipe(v.array(UserIdSchema), v.minLength(1), v.maxLength(MAX_INVITEES)),
    mediaType: MediaTypeSchema,
    timeout: v.optional(v.pipe(v.number(), v.integer(), v.minValue(MIN_RING_TIMEOUT_S), v.maxValue(MAX_RING_TIMEOUT_S))),
    userData: v.optional(v.pipe(v.string(), v.maxLength(4096))),
    groupId: v.optional(GroupIdSchema),
  }),
  v.strictObject({ ...base, type: v.literal('cancel'), callId: CallIdSchema }),
  v.strictObject({ ...base, type: v.literal('accept'), callId: CallIdSchema }),
  v.strictObject({
    ...base,
    type: v.literal('reject'),
    callId: CallIdSchema,
    reason: v.optional(v.picklist(['declined', 'busy', 'unsupported'])),
  }),
  v.strictObject({ ...base, type: v.literal('hangup'), callId: CallIdSchema }),
  v.strictObject({
    ...base,
    type: v.literal('invite-user'),
    callId: CallIdSchema,
    to: v.pipe(v.array(UserIdSchema), v.minLength(1), v.maxLength(MAX_INVITEES)),
  }),
  v.strictObject({ ...base, type: v.literal('join'), callId: CallIdSchema }),
  v.strictObject({ ...base, type: v.literal('group-call-query'), groupId: GroupIdSchema }),
  /** Re-binds the call to this socket after a reconnect (see the header). */
  v.strictObject({ ...base, type: v.literal('resume'), callId: CallIdSchema, resumeToken: v.optional(ResumeTokenSchema) }),
  v.strictObject({ ...base, type: v.literal('relay'), callId: CallIdSchema, to: UserIdSchema, data: RelayDataSchema }),
  /** Pre-connect while ringing (see `./preconnect.ts`). */
  v.strictObject({ ...base, type: v.literal('pre-connect'), callId: CallIdSchema, to: UserIdSchema, data: PreconnectClientDataSchema }),
  v.strictObject({
    ...base,
    type: v.literal('media-state'),
    callId: CallIdSchema,
    audio: v.boolean(),
    video: v.boolean(),
    /** `'audio'`: this member switches the whole call to audio (see the header). */
    mediaType: v.optional(v.literal('audio')),
  }),
  /** Audio -> video in a 1v1 call: request, answer or withdraw (see `./video-upgrade.ts`). */
  v.strictObject({ ...base, type: v.literal('video-upgrade'), callId: CallIdSchema, action: VideoUpgradeActionSchema }),
  /** The sender's own call records, newest first (see the header, "Call records"). */
  v.strictObject({ ...base, type: v.literal('records-query'), ...RecordsQueryFields }),
  /** Watches users' presence (see the header, "Presence"); answered by `presence` (a snapshot). */
  v.strictObject({ ...base, type: v.literal('presence-subscribe'), userIds: PresenceUserIdsSchema }),
  /** Stops watching these users (absent: all); answered by `ok`. */
  v.strictObject({ ...base, type: v.literal('presence-unsubscribe'), userIds: v.optional(PresenceUserIdsSchema) }),
  /** SFU signaling between a member and the media server (see the header). */
  v.strictObject({ ...base, type: v.literal('sfu'), callId: CallIdSchema, data: SfuClientDataSchema }),
]);
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = [
  'login',
  'renew',
  'turn',
  'profile',
  'invite',
  'cancel',
  'accept',
  'reject',
  'hangup',
  'invite-user',
  'join',
  'group-call-query',
  'resume',
  'relay',
  'pre-connect',
  'media-state',
  'video-upgrade',
  'records-query',
  'presence-subscribe',
  'presence-unsubscribe',
  'sfu',
];

// ---- server -> client ----------------------------------------------------------------------

export const MemberSchema = v.strictObject({
  userId: UserIdSchema,
  name: v.optional(DisplayNameSchema),
  avatar: v.optional(AvatarUrlSchema),
  verified: v.optional(v.boolean()),
  state: MemberStateSchema,
  audio: v.optional(v.boolean()),
  video: v.optional(v.boolean()),
});
export type Member = v.InferOutput<typeof MemberSchema>;

const sbase = { v: v.literal(PROTOCOL_VERSION), ref: v.optional(RequestIdSchema) };

/**
 * TURN credentials for this user (when the server has TURN configured): the RTCPeerConnection
 * `iceServers` (TURN REST API username/credential) and `iceTransportPolicy`, valid until
 * `expiresAt` (ms since the epoch). A client asks for a fresh set with `turn` before then.
 */
export const TurnGrantSchema = v.strictObject({
  iceServers: v.pipe(
    v.array(
      v.strictObject({
        urls: v.pipe(v.array(v.pipe(v.string(), v.maxLength(512))), v.minLength(1), v.maxLength(8)),
        username: v.pipe(v.string(), v.maxLength(256)),
        credential: v.pipe(v.string(), v.maxLength(256)),
      }),
    ),
    v.maxLength(4),
  ),
  iceTransportPolicy: v.optional(v.literal('relay')),
  expiresAt: v.number(),
});
export type TurnGrant = v.InferOutput<typeof TurnGrantSchema>;

export const ServerMessageSchema = v.variant('type', [
  v.strictObject({
    ...sbase,
    type: v.literal('login-ok'),
    userId: UserIdSchema,
    serverTime: v.number(),
    turn: v.optional(TurnGrantSchema),
    /** This server can carry calls through its media server (SFU) now. */
    sfu: v.optional(v.boolean()),
  }),
  /** Answer to `turn`: a fresh TURN credential set. */
  v.strictObject({ ...sbase, type: v.literal('turn'), turn: TurnGrantSchema }),
  v.strictObject({ ...sbase, type: v.literal('ok') }),
  /** This socket's userSig expires at `expiresAt` (ms since the epoch): send `renew`. */
  v.strictObject({ ...sbase, type: v.literal('usersig-expiring'), expiresAt: v.number() }),
  v.strictObject({
    ...sbase,
    type: v.literal('error'),
    code: ErrorCodeSchema,
    message: v.pipe(v.string(), v.maxLength(1024)),
    field: v.optional(v.pipe(v.string(), v.maxLength(256))),
  }),
  v.strictObject({
    ...sbase,
    type: v.literal('invite-ok'),
    callId: CallIdSchema,
    mediaType: MediaTypeSchema,
    members: v.array(MemberSchema),
    timeout: v.number(),
    resumeToken: v.optional(ResumeTokenSchema),
    /** The call's media goes through the SFU (see the header). */
    sfu: v.optional(v.boolean()),
  }),
  v.strictObject({
    ...sbase,
    type: v.literal('incoming'),
    callId: CallIdSchema,
    caller: ProfileSchema,
    mediaType: MediaTypeSchema,
    members: v.array(MemberSchema),
    timeout: v.number(),
    userData: v.optional(v.string()),
    groupId: v.optional(v.string()),
  }),
  v.strictObject({
    ...sbase,
    type: v.literal('call-started'),
    callId: CallIdSchema,
    mediaType: MediaTypeSchema,
    members: v.array(MemberSchema),
    resumeToken: v.optional(ResumeTokenSchema),
    /** The call's media goes through the SFU (see the header). */
    sfu: v.optional(v.boolean()),
  }),
  v.strictObject({
    ...sbase,
    type: v.literal('resumed'),
    callId: CallIdSchema,
    mediaType: MediaTypeSchema,
    members: v.array(MemberSchema),
    resumeToken: v.optional(ResumeTokenSchema),
    /** The call's media goes through the SFU (see the header). */
    sfu: v.optional(v.boolean()),
  }),
  v.strictObject({
    ...sbase,
    type: v.literal('member-state'),
    callId: CallIdSchema,
    member: MemberSchema,
  }),
  v.strictObject({
    ...sbase,
    type: v.literal('group-call'),
    groupId: v.string(),
    call: v.nullable(v.strictObject({ callId: CallIdSchema, mediaType: MediaTypeSchema, members: v.array(MemberSchema) })),
  }),
  v.strictObject({
    ...sbase,
    type: v.literal('call-ended'),
    callId: CallIdSchema,
    reason: EndReasonSchema,
    /** The operator's words, with `ended-by-admin`. */
    message: v.optional(v.pipe(v.string(), v.maxLength(200))),
  }),
  /** Answer to `records-query`: a page of records; `nextCursor` asks for the next (older) page. */
  v.strictObject({ ...sbase, type: v.literal('records'), records: v.array(CallRecordSchema), nextCursor: v.optional(RecordsCursorSchema) }),
  /** Right after `login-ok`: calls this user missed while no tab of theirs was online, oldest first. */
  v.strictObject({ ...sbase, type: v.literal('missed-calls'), calls: v.array(MissedCallSchema) }),
  /** Watched users' presence: the snapshot answering `presence-subscribe` (with `ref`), or changes. */
  v.strictObject({ ...sbase, type: v.literal('presence'), users: PresenceUsersSchema }),
  v.strictObject({ ...sbase, type: v.literal('relay'), callId: CallIdSchema, from: UserIdSchema, data: RelayDataSchema }),
  v.strictObject({ ...sbase, type: v.literal('pre-connect'), callId: CallIdSchema, from: UserIdSchema, data: PreconnectServerDataSchema }),
  v.strictObject({ ...sbase, type: v.literal('sfu'), callId: CallIdSchema, data: SfuServerDataSchema }),
  /** A member's `video-upgrade`, stamped with `from` (see `./video-upgrade.ts`). */
  v.strictObject({
    ...sbase,
    type: v.literal('video-upgrade'),
    callId: CallIdSchema,
    from: UserIdSchema,
    action: VideoUpgradeActionSchema,
  }),
  v.strictObject({
    ...sbase,
    type: v.literal('media-state'),
    callId: CallIdSchema,
    userId: UserIdSchema,
    audio: v.boolean(),
    video: v.boolean(),
    /** Present when `userId` switched the call to audio. */
    mediaType: v.optional(v.literal('audio')),
  }),
]);
export type ServerMessage = v.InferOutput<typeof ServerMessageSchema>;

/** Messages a side sends, without the `v` field (added by {@link encode}). */
export type Outgoing<M extends { v: number }> = M extends unknown ? Omit<M, 'v'> : never;

export function encode<M extends { v: number }>(message: Outgoing<M>): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, ...message });
}

export type ParseResult<T> = { ok: true; message: T } | { ok: false; code: ErrorCode; message: string; field?: string; id?: string };

/** Depth of nested objects/arrays; deeply nested input is refused before schema work. */
function depthOf(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || value === null || typeof value !== 'object') return depth;
  let max = depth;
  for (const child of Object.values(value as Record<string, unknown>)) {
    max = Math.max(max, depthOf(child, limit, depth + 1));
    if (max > limit) break;
  }
  return max;
}

function parseWith<T>(schema: v.GenericSchema<unknown, T>, types: readonly string[] | null, raw: string): ParseResult<T> {
  if (raw.length > MAX_FRAME_BYTES) return { ok: false, code: 'invalid-message', message: 'frame too large' };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'invalid-json', message: 'frame is not JSON' };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, code: 'invalid-message', message: 'a message must be a JSON object' };
  }
  const obj = data as Record<string, unknown>;
  // Only an id that is itself valid is echoed (an empty `ref` would be invalid in the answer).
  const id = typeof obj.id === 'string' && obj.id.length >= 1 && obj.id.length <= 64 ? obj.id : undefined;
  if (depthOf(obj, 8) > 8) return { ok: false, code: 'invalid-message', message: 'message nested too deeply', id };
  if (obj.v !== PROTOCOL_VERSION) {
    return { ok: false, code: 'invalid-field', message: `unsupported protocol version`, field: 'v', id };
  }
  if (typeof obj.type !== 'string' || (types && !types.includes(obj.type))) {
    return { ok: false, code: 'unknown-type', message: 'unknown message type', field: 'type', id };
  }
  const result = v.safeParse(schema, obj);
  if (result.success) return { ok: true, message: result.output };
  const issue = result.issues[0];
  // Issue texts quote the received value and paths name received keys: cap both so an `error` answer
  // stays within the server schema (message <= 1024, field <= 256) and echoes little of the input.
  const field = clip(v.getDotPath(issue) ?? undefined, 256);
  return { ok: false, code: 'invalid-field', message: clip(issue.message, 200) ?? 'invalid field', field, id };
}

function clip(s: string | undefined, max: number): string | undefined {
  return s === undefined || s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export function parseClientMessage(raw: string): ParseResult<ClientMessage> {
  return parseWith(ClientMessageSchema, CLIENT_MESSAGE_TYPES, raw);
}

export function parseServerMessage(raw: string): ParseResult<ServerMessage> {
  return parseWith(ServerMessageSchema, null, raw);
}
