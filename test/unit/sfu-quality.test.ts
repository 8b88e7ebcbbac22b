import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SfuQuality } from '../../src/engine/webrtc/sfu-quality.js';

type Entry = Record<string, unknown> & { id: string; type: string };

/** A connection whose getStats returns `entries()` (a Map: forEach as RTCStatsReport's). */
function fakePc(
  entries: () => Entry[],
  state: RTCPeerConnectionState = 'connected',
): RTCPeerConnection & { connectionState: RTCPeerConnectionState } {
  return {
    connectionState: state,
    getStats: async () => new Map(entries().map((e) => [e.id, e])),
  } as unknown as RTCPeerConnection & { connectionState: RTCPeerConnectionState };
}

const pair = (rtt: number): Entry[] => [
  { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
  { id: 'P', type: 'candidate-pair', currentRoundTripTime: rtt },
];

/** Inbound counters per mid, advanced by `step(mid, received, lost)`. */
function inbound() {
  const counts = new Map<string, { kind: 'audio' | 'video'; received: number; lost: number }>();
  return {
    add(mid: string, kind: 'audio' | 'video') {
      counts.set(mid, { kind, received: 0, lost: 0 });
    },
    step(mid: string, received: number, lost = 0) {
      const c = counts.get(mid)!;
      c.received += received;
      c.lost += lost;
    },
    entries: (): Entry[] =>
      [...counts].map(([mid, c]) => ({
        id: `in-${mid}`,
        type: 'inbound-rtp',
        kind: c.kind,
        mid,
        packetsReceived: c.received,
        packetsLost: c.lost,
      })),
  };
}

const mids = new Map([
  ['0', { userId: 'bob' }],
  ['1', { userId: 'bob' }],
  ['2', { userId: 'cat' }],
  ['3', { userId: 'cat' }],
]);

function streams() {
  const rx = inbound();
  rx.add('0', 'audio');
  rx.add('1', 'video');
  rx.add('2', 'audio');
  rx.add('3', 'video');
  return rx;
}

describe('SFU network quality (per member, from the two SFU connections)', () => {
  it('a clean link rates everyone excellent; loss on one member rates only that member poor', async () => {
    const q = new SfuQuality();
    const rx = streams();
    const pub = fakePc(() => pair(0.02));
    const sub = fakePc(() => [...pair(0.02), ...rx.entries()]);
    let now = 0;
    let r = await q.sample(pub, sub, mids, () => true, (now += 500));
    for (let i = 0; i < 4; i++) {
      for (const mid of ['0', '1', '2', '3']) rx.step(mid, 50);
      r = await q.sample(pub, sub, mids, () => true, (now += 500));
    }
    assert.deepEqual(r, { self: 1, members: { bob: 1, cat: 1 } });
    for (let i = 0; i < 4; i++) {
      rx.step('0', 25);
      rx.step('1', 40, 10); // 20 % of bob's video lost
      rx.step('2', 25);
      rx.step('3', 50);
      r = await q.sample(pub, sub, mids, () => true, (now += 500));
    }
    assert.ok(r.members.bob >= 4, `bob poor: ${JSON.stringify(r)}`);
    assert.equal(r.members.cat, 1);
    assert.equal(r.self, 1, 'one member losing is on their side, not ours');
  });

  it('loss on every member is ours too; what Janus reports losing of our upload rates us', async () => {
    const q = new SfuQuality();
    const rx = streams();
    let upLoss = 0;
    const pub = fakePc(() => [...pair(0.02), { id: 'R', type: 'remote-inbound-rtp', kind: 'video', fractionLost: upLoss }]);
    const sub = fakePc(() => [...pair(0.02), ...rx.entries()]);
    let now = 0;
    let r = await q.sample(pub, sub, mids, () => true, (now += 500));
    for (let i = 0; i < 5; i++) {
      for (const mid of ['0', '1', '2', '3']) rx.step(mid, 40, 10);
      r = await q.sample(pub, sub, mids, () => true, (now += 500));
    }
    assert.ok(r.members.bob >= 4 && r.members.cat >= 4 && r.self >= 4, JSON.stringify(r));

    const q2 = new SfuQuality();
    upLoss = 0.2;
    const clean = streams();
    const sub2 = fakePc(() => [...pair(0.02), ...clean.entries()]);
    r = await q2.sample(pub, sub2, mids, () => true, 500);
    assert.ok(r.self >= 4, `our upload loses 20 %: ${JSON.stringify(r)}`);
  });

  it('a broken receiving connection is down for everyone; a member whose announced audio stops is down', async () => {
    const q = new SfuQuality(2000);
    const rx = streams();
    const pub = fakePc(() => pair(0.02));
    const broken = fakePc(() => rx.entries(), 'disconnected');
    let r = await q.sample(pub, broken, mids, () => true, 0);
    assert.deepEqual(r, { self: 6, members: { bob: 6, cat: 6 } });

    const sub = fakePc(() => [...pair(0.02), ...rx.entries()]);
    let now = 0;
    for (let i = 0; i < 8; i++) {
      rx.step('0', 25);
      rx.step('1', 50);
      rx.step('3', 50); // cat's audio stopped arriving
      r = await q.sample(pub, sub, mids, (id) => id === 'cat' || id === 'bob', (now += 500));
    }
    assert.notEqual(r.members.cat, 6, 'no audio packet from cat yet: not armed');
    rx.step('2', 10);
    r = await q.sample(pub, sub, mids, () => true, (now += 500));
    for (let i = 0; i < 6; i++) r = await q.sample(pub, sub, mids, () => true, (now += 500));
    assert.equal(r.members.cat, 6, `cat's audio stalled: ${JSON.stringify(r)}`);
    assert.equal(r.members.bob, 6, 'bob stalled too (nothing arrives from anyone)');
  });
});
