/** Derived facts of the store (src/store/selectors.ts): the rules the kit and the elements share. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallMediaType, CallRole, CallStatus } from '../../src/constants.js';
import { bannerCalls, isConnecting, isDialing, isRingingForMe, sameBannerCalls } from '../../src/store/selectors.js';
import { CallStore } from '../../src/store/store.js';
import type { IncomingCall } from '../../src/store/types.js';

const invitation = (callId: string, callerId: string, mediaType = CallMediaType.VIDEO): IncomingCall => ({
  callId,
  callerId,
  callerName: callerId.toUpperCase(),
  callerAvatar: '',
  mediaType,
  groupId: '',
  isGroup: false,
  members: [{ userId: callerId, status: 'accepted' }],
  receivedAt: 1,
});

test('isRingingForMe and isDialing split the calling status by role', () => {
  assert.equal(isRingingForMe({ status: CallStatus.CALLING, role: CallRole.CALLEE }), true);
  assert.equal(isRingingForMe({ status: CallStatus.CALLING, role: CallRole.CALLER }), false);
  assert.equal(isRingingForMe({ status: CallStatus.CONNECTED, role: CallRole.CALLEE }), false);
  assert.equal(isDialing({ status: CallStatus.CALLING, role: CallRole.CALLER }), true);
  assert.equal(isDialing({ status: CallStatus.CALLING, role: CallRole.CALLEE }), false);
  assert.equal(isDialing({ status: CallStatus.IDLE, role: CallRole.UNKNOWN }), false);
});

test('connecting (answered, media path not up yet): neither ringing nor dialing, until connected', () => {
  for (const role of [CallRole.CALLEE, CallRole.CALLER]) {
    const s = { status: CallStatus.CALLING, role, connecting: true };
    assert.equal(isRingingForMe(s), false, role);
    assert.equal(isDialing(s), false, role);
    assert.equal(isConnecting(s), true, role);
    assert.equal(isConnecting({ status: CallStatus.CONNECTED, role, connecting: false }), false, role);
  }
  // The store: the callee's answered call leaves the incoming list (no banner) and shows "connecting".
  const store = new CallStore();
  store.dispatch({ type: 'login', userId: 'alice' });
  store.dispatch({ type: 'incoming-add', call: invitation('c1', 'bob') });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLEE,
    callId: 'c1',
    mediaType: CallMediaType.VIDEO,
    callerId: 'bob',
    members: [{ userId: 'bob' }],
  });
  store.dispatch({ type: 'answering', callId: 'c1' });
  store.dispatch({ type: 'call-connecting' });
  const s = store.getState();
  assert.equal(isConnecting(s), true);
  assert.deepEqual(bannerCalls(s, 3), [], 'no banner');
  store.dispatch({ type: 'call-connected' });
  assert.equal(store.getState().connecting, false);
  store.dispatch({ type: 'call-connecting' });
  assert.equal(store.getState().connecting, false, 'a connected call is not connecting again');
});

test('bannerCalls: the incoming list, oldest first, capped; waiting while in another call; connecting while answered', () => {
  const store = new CallStore();
  store.dispatch({ type: 'login', userId: 'bob' });
  for (const [id, caller] of [
    ['c1', 'alice'],
    ['c2', 'carol'],
    ['c3', 'erin'],
  ] as const)
    store.dispatch({ type: 'incoming-add', call: invitation(id, caller) });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLEE,
    callId: 'c1',
    mediaType: CallMediaType.VIDEO,
    callerId: 'alice',
    members: [{ userId: 'alice' }],
  });
  const ringing = bannerCalls(store.getState(), 2);
  assert.deepEqual(
    ringing.map((c) => [c.callId, c.name, c.waiting]),
    [
      ['c2', 'CAROL', false],
      ['c3', 'ERIN', false],
    ],
  );
  assert.ok(sameBannerCalls(ringing, bannerCalls(store.getState(), 2)));

  store.dispatch({ type: 'answering', callId: 'c3' });
  const answering = bannerCalls(store.getState(), 3);
  assert.deepEqual(
    answering.map((c) => c.connecting),
    [false, false, true],
  );
  assert.equal(sameBannerCalls(ringing, answering), false);

  // In a connected call, the other invitations wait ("end and accept").
  store.dispatch({ type: 'incoming-remove', callId: 'c1' });
  store.dispatch({ type: 'call-connected' });
  assert.deepEqual(
    bannerCalls(store.getState(), 3).map((c) => c.waiting),
    [true, true],
  );
});

test('bannerCalls: a self-declared name (nameSource self) is marked; an operator name, an unknown source, or the bare id is not', () => {
  const store = new CallStore();
  store.dispatch({ type: 'login', userId: 'bob' });
  store.dispatch({ type: 'incoming-add', call: { ...invitation('c1', 'alice'), callerNameSource: 'self' } });
  store.dispatch({ type: 'incoming-add', call: { ...invitation('c2', 'carol'), callerNameSource: 'operator' } });
  store.dispatch({ type: 'incoming-add', call: invitation('c3', 'erin') });
  store.dispatch({ type: 'incoming-add', call: { ...invitation('c4', 'dave'), callerName: '', callerNameSource: 'self' } });
  assert.deepEqual(
    bannerCalls(store.getState(), 4).map((c) => [c.callId, c.selfDeclared]),
    [
      ['c1', true],
      ['c2', false],
      ['c3', false],
      ['c4', false],
    ],
  );
});

test('bannerCalls: a store fed without the incoming list still shows the current ringing call', () => {
  const store = new CallStore();
  store.dispatch({ type: 'login', userId: 'bob' });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLEE,
    callId: 'x',
    mediaType: CallMediaType.AUDIO,
    callerId: 'alice',
    members: [{ userId: 'alice', name: 'Alice' }],
  });
  assert.deepEqual(bannerCalls(store.getState(), 3), [
    { callId: 'x', callerId: 'alice', name: 'Alice', avatar: '', selfDeclared: false, video: false, waiting: false, connecting: false },
  ]);
});
