/**
 * The SFU part of the signaling protocol (issue 15), used by `messages.ts`.
 *
 * Group video through the SFU (servers with Janus, see README "Group calls"): `login-ok.sfu` says
 * whether this server can carry calls through its media server now. The server decides per call
 * (option `sfu`: `always` = every call, `auto` = a video call once it has 4 accepted members,
 * `never`): `invite-ok` / `call-started` / `resumed` carry `sfu: true` for a call that goes through
 * it, and every accepted member gets `sfu {data: {kind: 'start'}}` when a running mesh call moves
 * there (a member keeps its mesh connections until the SFU carries that member's media, then
 * closes them; no new mesh connections are made). In SFU mode a member publishes once
 * (`sfu {kind: 'publish', description: offer}` -> `sfu {kind: 'answer'}`) and receives every other
 * member on one connection the server offers (`sfu {kind: 'offer', streams}` -> the member's
 * `sfu {kind: 'answer'}`; `streams` maps each `mid` to whose audio or video it carries; a new offer
 * comes whenever someone starts or stops publishing). ICE candidates go up as
 * `sfu {kind: 'candidate', pc: 'pub' | 'sub'}`. ICE restarts: the upload is offered again with new
 * credentials (`publish`); for the receiving connection the member sends `sfu {kind: 'restart'}`
 * and gets a new `offer` (same streams, new credentials). Simulcast: a member uploads two layers
 * (rids `h` full size and `l` 1/4 size) and picks, per other member, which one it receives with
 * `sfu {kind: 'layer', userId, substream: 0 (low) | 1 (high)}` (`userId` not an accepted member of
 * the call: `not-in-call`). Only the call socket of an accepted member may send
 * `sfu` (else `call-not-found`); a server without a media server answers `not-supported`. If the
 * media server goes away, every call through it ends with `call-ended {ended, message}`.
 */
import * as v from 'valibot';

/** Same rule as `UserIdSchema` in `messages.ts` (which imports this module; `presence.ts` uses this one). */
export const UserIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'user id must match [A-Za-z0-9_-]{1,64}'));

/** SFU offers and answers carry one m-line per stream of up to 8 other members: a larger cap. */
const SfuSdpSchema = v.pipe(
  v.string(),
  v.maxLength(60 * 1024),
  v.check((s) => s.startsWith('v=0') && /(^|\n)a=fingerprint:/.test(s), 'sdp must start with v=0 and carry a=fingerprint'),
);
/** An ICE candidate: `candidate:...` (RFC 8839) or '' (end of candidates). Mesh relays use it too. */
export const CandidateSchema = v.strictObject({
  candidate: v.pipe(
    v.string(),
    v.maxLength(1024),
    v.check((s) => s === '' || s.startsWith('candidate:'), 'candidate must start with candidate:'),
  ),
  sdpMid: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(64)))),
  sdpMLineIndex: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(64)))),
  usernameFragment: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256)))),
});

/** A member's `sfu` data (see the header, "Group video through the SFU"). */
export const SfuClientDataSchema = v.variant('kind', [
  /** Our upload connection's offer (first publish, or a renegotiation). */
  v.strictObject({ kind: v.literal('publish'), description: v.strictObject({ type: v.literal('offer'), sdp: SfuSdpSchema }) }),
  /** Our answer to the server's last subscriber offer. */
  v.strictObject({ kind: v.literal('answer'), description: v.strictObject({ type: v.literal('answer'), sdp: SfuSdpSchema }) }),
  v.strictObject({ kind: v.literal('candidate'), pc: v.picklist(['pub', 'sub']), candidate: v.nullable(CandidateSchema) }),
  /** Our receiving connection lost its path: the server has Janus offer it again with new ICE credentials. */
  v.strictObject({ kind: v.literal('restart') }),
  /** Which simulcast layer of `userId`'s video we receive: 0 low (1/4 size), 1 high (full). */
  v.strictObject({ kind: v.literal('layer'), userId: UserIdSchema, substream: v.picklist([0, 1]) }),
]);
export type SfuClientData = v.InferOutput<typeof SfuClientDataSchema>;

export const SfuStreamSchema = v.strictObject({
  mid: v.pipe(v.string(), v.maxLength(64)),
  kind: v.picklist(['audio', 'video']),
  userId: UserIdSchema,
});
export type SfuStreamInfo = v.InferOutput<typeof SfuStreamSchema>;

/** The server's `sfu` data. */
export const SfuServerDataSchema = v.variant('kind', [
  /** The call moves to the SFU now: publish, and stop making mesh connections. */
  v.strictObject({ kind: v.literal('start') }),
  /** The media server's answer to our publish offer. */
  v.strictObject({ kind: v.literal('answer'), description: v.strictObject({ type: v.literal('answer'), sdp: SfuSdpSchema }) }),
  /** An offer for our receiving connection: every other publishing member's streams. */
  v.strictObject({
    kind: v.literal('offer'),
    description: v.strictObject({ type: v.literal('offer'), sdp: SfuSdpSchema }),
    streams: v.pipe(v.array(SfuStreamSchema), v.maxLength(64)),
  }),
]);
export type SfuServerData = v.InferOutput<typeof SfuServerDataSchema>;
