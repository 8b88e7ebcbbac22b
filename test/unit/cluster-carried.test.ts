/**
 * The per-call state a cluster stores with each call (`server/cluster/carried.ts`): the codec keeps
 * it beside the call, a new leader's `CallLimits` re-arms the limit from the first leader's answer
 * time, and a new leader's `CallRecorder` writes the record the first leader began. No Redis here:
 * `test/unit/cluster-records.test.ts` runs the same across a real leader change.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallRec, MemberRec } from '../../server/call-model.js';
import { decodeCall, decodeStored, encodeCall } from '../../server/cluster/codec.js';
import { carriedOf } from '../../server/cluster/carried.js';
import { CallLimits } from '../../server/admin/call-limits.js';
import { CallRecorder } from '../../server/records/recorder.js';
import type { RecordStore } from '../../server/records/store.js';
import { quietLogger, waitUntil } from '../helpers/ws-client.js';

function call(): CallRec {
  const members = new Map<string, MemberRec>([
    ['alice', { userId: 'alice', state: 'accepted', conn: 1, resumeToken: 't' }],
    ['bob', { userId: 'bob', state: 'ringing', ringDeadline: 5 }],
  ]);
  return { callId: 'call-1', callerId: 'alice', mediaType: 'audio', timeoutS: 30, members };
}

describe('state carried with a call to a new cluster leader', () => {
  it('the codec stores it beside the call and gives it back; the call itself is unchanged', () => {
    const c = call();
    const text = encodeCall(c, { limit: { m: 60_000, c: 1000 } });
    const { call: back, carried } = decodeStored(text);
    assert.deepEqual(carried, { limit: { m: 60_000, c: 1000 } });
    assert.deepEqual(back, c);
    assert.deepEqual(decodeCall(text), c);
    assert.deepEqual(decodeStored(encodeCall(c)).carried, {});
  });

  it('CallLimits: a new leader counts the limit from the first answer and ends the call when it is reached', async () => {
    let now = 1000;
    const c = call();
    const first = new CallLimits(
      () => undefined,
      () => now,
    );
    first.callCreated(c);
    c.members.get('bob')!.state = 'accepted';
    first.memberChanged(c, c.members.get('bob')!);
    assert.deepEqual(first.set('call-1', 60), { endsAt: 61_000 });
    const carried = carriedOf([first], 'call-1');
    assert.deepEqual(carried, { limit: { m: 60_000, c: 1000 } });
    first.close();

    now = 31_000;
    const ended: string[] = [];
    const second = new CallLimits(
      (id) => ended.push(id),
      () => now,
    );
    second.adopt(c, carried?.limit);
    assert.equal(second.timers, 1);
    assert.deepEqual(second.set('call-1', 60), { endsAt: 61_000 }, 'counted from the answer on the first leader');
    second.close();

    now = 70_000; // the limit passed while no node led: the call ends at once
    const third = new CallLimits(
      (id) => ended.push(id),
      () => now,
    );
    third.adopt(c, carried?.limit);
    await waitUntil(() => ended.length === 1, 'the limit to end the call');
    assert.deepEqual(ended, ['call-1']);
    third.forgetAll();
    assert.equal(third.timers, 0);
  });

  it('CallRecorder: the record of a call begun under one leader and ended under another is complete', async () => {
    const saved: Parameters<RecordStore['saveCall']>[0][] = [];
    const store = {
      saveCall: async (rec: (typeof saved)[0]) => void saved.push(rec),
      enqueue: async () => undefined,
    } as unknown as RecordStore;
    let now = 1000;
    const c = call();
    const first = new CallRecorder({ store, webhooks: false, log: quietLogger, now: () => now });
    first.callCreated(c);
    now = 3000;
    c.members.get('bob')!.state = 'accepted';
    first.memberChanged(c, c.members.get('bob')!);
    const carried = carriedOf([first], 'call-1');
    assert.ok(carried?.rec);

    now = 10_000;
    const second = new CallRecorder({ store, webhooks: false, log: quietLogger, now: () => now });
    second.adopt(c, carried.rec);
    c.members.get('bob')!.state = 'left';
    second.callEnded(c, 'max-duration', new Set(['alice', 'bob']));
    await second.flush();
    assert.equal(saved.length, 1);
    const { record } = saved[0];
    assert.equal(record.startedAt, 1000);
    assert.equal(record.connectedAt, 3000);
    assert.equal(record.durationMs, 7000);
    assert.equal(record.endReason, 'max-duration');
    assert.deepEqual(record.members, [{ userId: 'bob', outcome: 'accepted', joinedAt: 3000 }]);
  });
});
