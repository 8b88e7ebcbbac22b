/**
 * The shared ringing queue (`src/engine/ringing-queue.ts`), driven in Node by a fake engine: which
 * invitations ring, which one is current, the swap on accept, promotion, withdrawal and the events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RingingQueue, type CurrentCallView } from '../../src/engine/ringing-queue.js';
import { CallMediaType } from '../../src/constants.js';
import { ErrorCode } from '../../src/errors.js';
import type { CallEngineEvents } from '../../src/engine/types.js';

interface Inv {
  callId: string;
  from: string;
}

/** A fake engine: its current call is an invitation, or an own call (`dial`/`connect`). */
function setup(options: { callWaiting?: boolean; maxRinging?: number } = {}) {
  const events: [string, unknown][] = [];
  let current: (CurrentCallView<Inv> & { invitation?: Inv }) | null = null;
  const queue = new RingingQueue<Inv>(
    {
      current: () => current,
      setCurrent: (inv) => {
        current = { callId: inv.callId, onlyRinging: true, invitation: inv };
      },
      describe: (inv): CallEngineEvents['onCallReceived'] => ({
        callId: inv.callId,
        caller: { userId: inv.from },
        calleeIdList: ['me'],
        members: [{ userId: inv.from }],
        mediaType: CallMediaType.VIDEO,
      }),
      emit: (event, payload) => {
        const p = payload as { callId: string; concurrent?: boolean; cause?: string };
        events.push([
          event,
          event === 'onCallReceived' ? `${p.callId}${p.concurrent ? ' concurrent' : ''}` : p.cause ? `${p.callId} ${p.cause}` : p.callId,
        ]);
      },
    },
    options,
  );
  return {
    queue,
    events,
    inv: (callId: string): Inv => ({ callId, from: `caller-of-${callId}` }),
    current: () => current?.callId ?? null,
    /** The current call is answered (or ours, dialing / connected): no longer only ringing. */
    busy: (callId = current?.callId ?? 'own') => {
      current = { callId, onlyRinging: false };
    },
    end: () => {
      current = null;
    },
  };
}

test('idle: the first invitation is the current call; up to 3 ring while it only rings; then busy', () => {
  const t = setup();
  assert.equal(t.queue.offer(t.inv('a')), 'current');
  assert.equal(t.queue.offer(t.inv('b')), 'pending');
  assert.equal(t.queue.offer(t.inv('c')), 'pending');
  assert.equal(t.queue.offer(t.inv('d')), 'busy');
  assert.equal(t.current(), 'a');
  assert.deepEqual(t.queue.ids(), ['b', 'c']);
  assert.deepEqual(t.events, [
    ['onCallReceived', 'a'],
    ['onCallReceived', 'b concurrent'],
    ['onCallReceived', 'c concurrent'],
  ]);
});

test('maxRinging is configurable', () => {
  const t = setup({ maxRinging: 2 });
  t.queue.offer(t.inv('a'));
  assert.equal(t.queue.offer(t.inv('b')), 'pending');
  assert.equal(t.queue.offer(t.inv('c')), 'busy');
});

test('in a call (dialing or connected): busy without call waiting, one waiting call with it', () => {
  const off = setup();
  off.busy('mine');
  assert.equal(off.queue.mayRingAlongside(), false);
  assert.equal(off.queue.offer(off.inv('a')), 'busy');
  assert.deepEqual(off.events, []);

  const on = setup({ callWaiting: true });
  on.busy('mine');
  assert.equal(on.queue.offer(on.inv('a')), 'pending');
  assert.equal(on.queue.offer(on.inv('b')), 'busy');
  on.queue.callWaiting = false;
  assert.equal(on.queue.mayRingAlongside(), false);
});

test('refresh: a re-sent invitation keeps its place; the current call counts as known', () => {
  const t = setup();
  t.queue.offer(t.inv('a'));
  t.queue.offer(t.inv('b'));
  t.queue.offer(t.inv('c'));
  assert.equal(t.queue.refresh(t.inv('a')), true);
  const fresh = { callId: 'b', from: 'fresher' };
  assert.equal(t.queue.refresh(fresh), true);
  assert.equal(t.queue.get('b'), fresh);
  assert.deepEqual(t.queue.ids(), ['b', 'c']);
  assert.equal(t.queue.refresh(t.inv('z')), false);
  assert.equal(t.events.length, 3, 'refresh emits nothing');
  // The fresher copy keeps b's arrival: a swap puts a back before c, after nothing older.
  t.queue.accept('c');
  assert.deepEqual(t.queue.ids(), ['a', 'b']);
});

test('accept(callId) swaps a pending invitation with a current call that only rings, in arrival order', () => {
  const t = setup();
  for (const id of ['a', 'b', 'c']) t.queue.offer(t.inv(id));
  t.events.length = 0;
  t.queue.accept('b');
  assert.equal(t.current(), 'b');
  assert.deepEqual(t.queue.ids(), ['a', 'c']);
  assert.deepEqual(t.events, [['onIncomingPromoted', 'b']]);
  // The current call itself, or no callId: nothing changes.
  t.queue.accept('b');
  t.queue.accept();
  assert.equal(t.current(), 'b');
  assert.equal(t.events.length, 1);
});

test('accept(callId) while in a call throws INVALID_STATE ("end and accept"); an unknown id too', () => {
  const t = setup({ callWaiting: true });
  t.busy('mine');
  t.queue.offer(t.inv('w'));
  assert.throws(
    () => t.queue.accept('w'),
    (e: { code?: number }) => e.code === ErrorCode.INVALID_STATE,
  );
  assert.throws(
    () => t.queue.accept('nope'),
    (e: { code?: number; message?: string }) => e.code === ErrorCode.INVALID_STATE && /no ringing call nope/.test(e.message ?? ''),
  );
  assert.deepEqual(t.queue.ids(), ['w']);
  // A current call being accepted (no longer only ringing) cannot be swapped either.
  const u = setup();
  u.queue.offer(u.inv('a'));
  u.queue.offer(u.inv('b'));
  u.busy();
  assert.throws(
    () => u.queue.accept('b'),
    (e: { code?: number }) => e.code === ErrorCode.INVALID_STATE,
  );
});

test('promote: once idle the oldest pending invitation becomes current (onIncomingPromoted)', () => {
  const t = setup();
  for (const id of ['a', 'b', 'c']) t.queue.offer(t.inv(id));
  t.events.length = 0;
  assert.equal(t.queue.promote(), false, 'not while a call is current');
  t.end();
  assert.equal(t.queue.promote(), true);
  assert.equal(t.current(), 'b');
  t.end();
  t.queue.promote();
  assert.equal(t.current(), 'c');
  t.end();
  assert.equal(t.queue.promote(), false, 'nothing left');
  assert.deepEqual(t.events, [
    ['onIncomingPromoted', 'b'],
    ['onIncomingPromoted', 'c'],
  ]);
  // accept() with nothing current takes the oldest pending one too.
  const u = setup();
  u.queue.offer(u.inv('a'));
  u.queue.offer(u.inv('b'));
  u.end();
  u.queue.accept();
  assert.equal(u.current(), 'b');
});

test('withdraw and withdrawAll: onIncomingWithdrawn for pending invitations only', () => {
  const t = setup();
  for (const id of ['a', 'b', 'c']) t.queue.offer(t.inv(id));
  t.events.length = 0;
  assert.equal(t.queue.withdraw('a', 'cancelled'), false, 'the current call ends by onCallEnd, not here');
  assert.equal(t.queue.withdraw('b', 'timeout'), true);
  assert.equal(t.queue.size, 1);
  t.queue.withdrawAll('disconnected');
  assert.equal(t.queue.size, 0);
  assert.deepEqual(t.events, [
    ['onIncomingWithdrawn', 'b timeout'],
    ['onIncomingWithdrawn', 'c disconnected'],
  ]);
});
