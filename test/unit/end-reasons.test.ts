/** The shared end-reason table and member-gone mapping (`src/engine/end-reasons.ts`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { END_REASON, endReasonOf, memberGoneEvent } from '../../src/engine/end-reasons.js';
import { CallEndReason } from '../../src/constants.js';
import type { EndCause, MemberStatus } from '../../src/engine/types.js';

test('every end cause has a TUICallKit end reason', () => {
  const causes: EndCause[] = [
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
    'network',
    'unsupported',
    'not-allowed',
    'ended',
    'ended-by-admin',
    'max-duration',
    'error',
  ];
  assert.deepEqual(Object.keys(END_REASON).sort(), [...causes].sort());
  assert.equal(END_REASON.hangup, CallEndReason.HANGUP);
  assert.equal(END_REASON.busy, CallEndReason.LINE_BUSY);
  assert.equal(END_REASON.timeout, CallEndReason.NO_RESPONSE);
  assert.equal(END_REASON['answered-elsewhere'], CallEndReason.OTHER_DEVICE_ACCEPTED);
  // An operator's end (admin API, maximum duration) is the server's, as TUICallKit's END_BY_SERVER.
  assert.equal(END_REASON['ended-by-admin'], CallEndReason.END_BY_SERVER);
  assert.equal(END_REASON['max-duration'], CallEndReason.END_BY_SERVER);
  // The callee's browser cannot take calls: it declined for itself (TUICallKit has no finer reason).
  assert.equal(END_REASON.unsupported, CallEndReason.REJECT);
});

test('endReasonOf: a disconnect the server decided is END_BY_SERVER, our own lost connection UNKNOWN', () => {
  assert.equal(endReasonOf('disconnected'), CallEndReason.UNKNOWN);
  assert.equal(endReasonOf('disconnected', 'server'), CallEndReason.END_BY_SERVER);
  for (const cause of Object.keys(END_REASON) as EndCause[]) {
    if (cause !== 'disconnected') assert.equal(endReasonOf(cause, 'server'), END_REASON[cause], cause);
  }
});

test("memberGoneEvent: busy, declined, no answer; anything else is the engine's call", () => {
  const cases: [MemberStatus | EndCause, string | null][] = [
    ['busy', 'onUserLineBusy'],
    ['rejected', 'onUserReject'],
    ['timeout', 'onUserNoResponse'],
    ['no-response', 'onUserNoResponse'],
    ['unavailable', 'onUserNoResponse'],
    ['left', null],
    ['hangup', null],
    ['cancelled', null],
    ['accepted', null],
    ['ringing', null],
  ];
  for (const [why, event] of cases) assert.equal(memberGoneEvent(why), event, why);
});
