/**
 * Peer-to-peer payloads (`relay` data) and the pre-connect part of the signaling protocol (issue 18),
 * used by `messages.ts`.
 *
 * Pre-connect while ringing (opt-in on the callee's page, `init({ preconnect: true })`): a ringing
 * invitee of a 1v1 call may set up its peer connection with the caller before it answers, so that
 * ICE and DTLS are done when the user accepts. No media flows: both sides negotiate `sendrecv`
 * transceivers without tracks; accepting only attaches the tracks (`replaceTrack`, no renegotiation).
 * - `pre-connect {callId, to, data}` (client) / `pre-connect {callId, from, data}` (server) carry the
 *   same descriptions and candidates as `relay`, fire-and-forget (only errors are answered).
 * - Only between the caller (on its call socket) and a ringing invitee of a call with exactly one
 *   invitee; anything else gets `call-not-found` (not a member, a group call) or `invalid-state`.
 * - The invitee's first `pre-connect` binds that socket (the user may ring on several tabs): the
 *   caller's `pre-connect` goes to it only, another tab's `pre-connect` gets `invalid-state` (it
 *   rings without pre-connecting).
 * - `data {kind: 'close'}` from either side: that side dropped its pre-connected peer (the server
 *   forgets the binding). The server sends the caller, right before the invitee's `member-state
 *   accepted`, `data {kind: 'adopt'}` when the accepting socket is the pre-connected one (the caller
 *   keeps the connection and attaches its tracks), else `{kind: 'close'}`. A decline, a timeout or a
 *   cancel ends the call as usual: each side closes its pre-connected peer itself.
 */
import * as v from 'valibot';
import { CandidateSchema } from './sfu.js';

const SdpSchema = v.pipe(
  v.string(),
  v.maxLength(32 * 1024),
  v.check((s) => s.startsWith('v=0'), 'sdp must start with v=0'),
);

/** A description or an ICE candidate from one member's peer connection to another's (`relay`). */
export const RelayDataSchema = v.variant('kind', [
  v.strictObject({
    kind: v.literal('description'),
    description: v.pipe(
      v.strictObject({ type: v.picklist(['offer', 'answer', 'rollback']), sdp: v.optional(SdpSchema) }),
      // WebRTC always uses DTLS: an offer or answer carries its certificate fingerprint (RFC 8842).
      v.check((d) => d.type === 'rollback' || /(^|\n)a=fingerprint:/.test(d.sdp ?? ''), 'an offer or answer sdp must carry a=fingerprint'),
    ),
  }),
  v.strictObject({
    kind: v.literal('candidate'),
    /** An ICE candidate (`candidate:...` per RFC 8839, or '' at the end of candidates), null at the end. */
    candidate: v.nullable(CandidateSchema),
  }),
]);
export type RelayData = v.InferOutput<typeof RelayDataSchema>;

const Close = v.strictObject({ kind: v.literal('close') });

/** What a member sends in `pre-connect`: a relay payload, or `close`. */
export const PreconnectClientDataSchema = v.union([RelayDataSchema, Close]);
export type PreconnectClientData = v.InferOutput<typeof PreconnectClientDataSchema>;

/** What the server forwards in `pre-connect`, plus its own `adopt` (see the header). */
export const PreconnectServerDataSchema = v.union([RelayDataSchema, Close, v.strictObject({ kind: v.literal('adopt') })]);
export type PreconnectServerData = v.InferOutput<typeof PreconnectServerDataSchema>;
