/**
 * The audio -> video upgrade part of the signaling protocol (issue 17 item 1), used by `messages.ts`.
 *
 * `video-upgrade {callId, action}` from an accepted member, on its call socket (otherwise
 * `call-not-found`, like every in-call message); answered `ok` or `error`. The server relays it to
 * the other accepted member as `video-upgrade {callId, from, action}` (never to anyone else):
 * - `request`: asks to turn the running audio call into a video call. Only in a 1v1 call (exactly
 *   two live members, both accepted): otherwise `not-supported` (group calls stay as they are). A
 *   video call, or a request already pending (from either side), is `invalid-state`.
 * - `accept` / `decline`: the other member answers the pending request (no pending request, or the
 *   requester answering its own: `invalid-state`). `accept` makes the call a video call for the
 *   server (later joiners ring for video, `resumed` says video); both sides then send their camera.
 * - `cancel`: the requester withdraws its request (the client's bounded wait ran out, or the user
 *   changed their mind). A late `accept` of a cancelled request is `invalid-state`: the server
 *   decides which came first, so both sides always agree on the outcome.
 * The server keeps no timer: the requester's client bounds its wait (`VIDEO_REQUEST_TIMEOUT_MS`)
 * and sends `cancel`; the pending request is dropped with the call. Audio-only peers (Tencent's v2
 * wire format) have no such request: see README "Switching audio to video".
 */
import * as v from 'valibot';

export const VideoUpgradeActionSchema = v.picklist(['request', 'accept', 'decline', 'cancel']);
export type VideoUpgradeAction = v.InferOutput<typeof VideoUpgradeActionSchema>;
