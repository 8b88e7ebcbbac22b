/**
 * Official <-> official baselines: two or three official engines (call-engine-js 3.3.4), each in its
 * own worker thread (the engine is a singleton per thread), on the same chat bus and rooms as the
 * interop suite. They show what TUICallKit itself does in the spots where the kit had to choose
 * (reference/interop-official-engine.md M2, M4): the kit now does the same.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CallMediaType } from '../../src/constants.js';
import { OfficialPeer } from './harness/official-peer.js';
import { until, World } from './harness/parties.js';

const T = { timeout: 40_000 };
const world = new World('nobody');
const peers: OfficialPeer[] = [];

async function official(userID: string): Promise<OfficialPeer> {
  const peer = new OfficialPeer(world, userID);
  peers.push(peer);
  await peer.start();
  return peer;
}

function records(room: number): string[] {
  return world.bus.log
    .filter((m) => m.action === 1 && (m.payload?.data as { cmd?: string } | undefined)?.cmd === 'hangup' && m.payload?.room_id === room)
    .map((m) => m.from);
}

after(async () => {
  for (const p of peers) await p.stop();
});

describe('official <-> official baselines (worker threads)', { concurrency: false }, () => {
  it('1v1: the caller hangs up; exactly one call record, from the callee who stays (what the kit does since F2)', T, async () => {
    const [a, b] = await Promise.all([official('off-a'), official('off-b')]);
    await a.run('call', { userID: 'off-b', type: CallMediaType.AUDIO, timeout: 10 });
    await b.wait('onCallReceived');
    await b.run('accept');
    await a.wait('onCallBegin');
    const room = (await b.wait('onCallBegin')).data.roomID as number;
    await until('both in the room', () => world.roomMembers(room).length === 2);
    await a.run('hangup');
    await b.wait('onCallEnd');
    await until('a record', () => records(room).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(records(room), ['off-b']);
  });

  it(
    'group: the caller leaves while an invitee rings; the invitee rings out its timeout and never connects (the kit is no worse, M4)',
    T,
    async () => {
      const [a, b, c] = await Promise.all([official('off-c'), official('off-d'), official('off-e')]);
      world.bus.createGroup('base-g', ['off-c', 'off-d', 'off-e']);
      const mark = c.mark;
      await a.run('groupCall', { userIDList: ['off-d', 'off-e'], type: CallMediaType.AUDIO, groupID: 'base-g', timeout: 3 });
      await b.wait('onCallReceived');
      await c.wait('onCallReceived', mark);
      await b.run('accept');
      await a.wait('onCallBegin');
      await a.run('hangup');
      await until('the ringing invitee ends', () => c.has('onCallEnd', mark) || c.has('onCallNotConnected', mark), 15_000);
      assert.equal(c.has('onCallBegin', mark), false);
    },
  );
});
