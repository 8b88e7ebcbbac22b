/**
 * `SfuCalls` as a cluster's carried state (`server/cluster/carried.ts`, docs/multi-node.md "Group
 * video through the SFU"), against a real Janus, without Redis: what the leader stores with an SFU
 * call (1, then the room and its secret), a deposed leader forgetting its rooms without a word, and
 * a new leader ending the adopted SFU call with the leader-change reason and destroying the old room.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallRec, ConnId, OutgoingServerMessage } from '../../server/call-model.js';
import type { JanusInstance } from '../../server/sfu/janus-process.js';
import { JanusSfu } from '../../server/sfu/janus-sfu.js';
import { LEADER_CHANGED, SfuCalls } from '../../server/sfu/sfu-calls.js';
import { janusAvailable, startTestJanus } from '../helpers/janus.js';
import { publishOffer } from '../helpers/sdp-offer.js';
import { quietLogger, waitUntil } from '../helpers/ws-client.js';

const skip = janusAvailable() ? false : 'janus is not installed (Debian package janus)';
const WAIT = 30_000;

function groupCall(callId: string): CallRec {
  const members = new Map(['ann', 'bob'].map((userId, i) => [userId, { userId, state: 'accepted' as const, conn: i + 1 }] as const));
  return { callId, callerId: 'ann', mediaType: 'video', timeoutS: 30, members };
}

/** One node's SfuCalls over `call`, recording what it sends and ends. */
function node(url: string, calls: CallRec[]) {
  const sent: [ConnId, OutgoingServerMessage][] = [];
  const ended: [string, string][] = [];
  const sfu = new SfuCalls({
    mode: 'always',
    janus: { url },
    send: (conn, message) => sent.push([conn, message]),
    call: (callId) => calls.find((c) => c.callId === callId),
    terminate: (callId, message) => ended.push([callId, message]),
    log: quietLogger,
  });
  return { sfu, sent, ended };
}

describe('SfuCalls carried across a leader change (real Janus)', { skip, timeout: 120_000 }, () => {
  let janus: JanusInstance;
  before(async () => {
    janus = await startTestJanus();
  });
  after(async () => {
    await janus?.stop();
  });

  /** `me` publishes in `call` on `calls`; resolves with what the node stores for the call then. */
  async function published(n: ReturnType<typeof node>, call: CallRec, me: 'ann' | 'bob'): Promise<{ r: number; s: string }> {
    const conn = call.members.get(me)!.conn!;
    const data = { kind: 'publish' as const, description: { type: 'offer' as const, sdp: publishOffer(`u${me}`) } };
    n.sfu.handle(conn, me, { v: 1, type: 'sfu', id: `p-${me}`, callId: call.callId, data });
    await waitUntil(
      () => n.sent.some(([c, m]) => c === conn && m.type === 'sfu' && m.callId === call.callId && m.data.kind === 'answer'),
      `${me}: Janus's answer`,
      WAIT,
    );
    const carried = n.sfu.carry(call.callId);
    assert.ok(typeof carried === 'object' && typeof carried.r === 'number' && carried.s.length >= 16, JSON.stringify(carried));
    return carried;
  }

  it('stores 1 then {room, secret}; the next leader ends an adopted call with the reason and destroys its room; a deposed leader forgets silently and destroys its rooms', async () => {
    const first = groupCall('CallCarriedSfu00000001');
    const second = groupCall('CallCarriedSfu00000002');
    const old = node(janus.url, [first, second]);
    const probe = await JanusSfu.connect(janus.url);
    let next: ReturnType<typeof node> | undefined;
    try {
      await old.sfu.start();
      assert.equal(old.sfu.carry(first.callId), undefined, 'nothing before the call goes through the SFU');
      old.sfu.memberChanged(first, first.members.get('bob')!);
      assert.equal(old.sfu.carry(first.callId), 1, 'the call goes through the SFU before its room exists');
      assert.deepEqual(
        old.sent.map(([conn, m]) => [conn, m.type === 'sfu' ? m.data.kind : m.type]),
        [
          [1, 'start'],
          [2, 'start'],
        ],
      );
      const room1 = await published(old, first, 'ann');
      assert.equal(await probe.roomExists(room1.r), true);

      // The old leader is gone (as if killed: it does nothing more). The next leader adopts the
      // stored call and, once the registry holds it, ends it with the reason and destroys the room.
      next = node(janus.url, [first, second]);
      await next.sfu.start();
      next.sfu.adopt(first, JSON.parse(JSON.stringify(room1)));
      next.sfu.adopt(second, undefined);
      assert.deepEqual(next.ended, [], 'nothing ends before the registry holds the calls');
      next.sfu.taken();
      assert.deepEqual(next.ended, [[first.callId, LEADER_CHANGED]], 'only the SFU call ends');
      assert.match(LEADER_CHANGED, /media server \(SFU\)/);
      for (let i = 0; (await probe.roomExists(room1.r)) && i < 100; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await probe.roomExists(room1.r), false, 'the new leader destroyed the old room with its secret');

      // A deposed leader that is still alive: its rooms go, and nothing more is sent by it.
      old.sfu.memberChanged(second, second.members.get('bob')!);
      const room2 = await published(old, second, 'ann');
      const sentBefore = old.sent.length;
      const data = { kind: 'publish' as const, description: { type: 'offer' as const, sdp: publishOffer('ubob') } };
      old.sfu.handle(2, 'bob', { v: 1, type: 'sfu', id: 'late', callId: second.callId, data });
      old.sfu.forgetAll();
      assert.equal(old.sfu.carry(second.callId), undefined);
      for (let i = 0; (await probe.roomExists(room2.r)) && i < 100; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await probe.roomExists(room2.r), false, 'the deposed leader destroyed its room');
      assert.deepEqual(old.sent.slice(sentBefore), [], 'a deposed leader sends nothing');
    } finally {
      await probe.close();
      await old.sfu.close();
      await next?.sfu.close();
    }
  });
});
