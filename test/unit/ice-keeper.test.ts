import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { IceKeeper } from '../../src/engine/webrtc/ice-keeper.js';

function setup() {
  const pc = { connectionState: 'connected' as RTCPeerConnectionState };
  let restarts = 0;
  const keeper = new IceKeeper(pc as unknown as RTCPeerConnection, () => restarts++);
  const set = (state: RTCPeerConnectionState) => {
    pc.connectionState = state;
    keeper.onState();
  };
  return { keeper, set, count: () => restarts };
}

describe('IceKeeper (ICE recovery of the SFU connections)', () => {
  it('failed: restarts at once; disconnected: after 2.5 s unless it recovers; at most once per 5 s; again 10 s later while broken', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    try {
      const { keeper, set, count } = setup();
      set('disconnected');
      mock.timers.tick(2_000);
      set('connected');
      mock.timers.tick(5_000);
      assert.equal(count(), 0, 'a short blip recovers by itself');

      set('disconnected');
      mock.timers.tick(2_500);
      assert.equal(count(), 1, 'disconnected for 2.5 s');
      set('failed');
      mock.timers.tick(0);
      assert.equal(count(), 1, 'not twice within 5 s');
      mock.timers.tick(2_500);
      assert.equal(count(), 1, 'still within 5 s of the last restart');
      mock.timers.tick(2_500);
      assert.equal(count(), 2, 'the failure is restarted once 5 s passed');
      mock.timers.tick(10_000);
      assert.equal(count(), 3, 'still failed 10 s after a restart (its offer lost): again');
      set('connected');
      mock.timers.tick(60_000);
      assert.equal(count(), 3);
      assert.equal(keeper.restarts, 3);

      keeper.stop();
      set('failed');
      mock.timers.tick(60_000);
      assert.equal(count(), 3, 'stopped: no more restarts');
    } finally {
      mock.timers.reset();
    }
  });
});
