/**
 * The default engine's RTCPeerConnection configuration (src/engine/webrtc/turn.ts): the app's
 * iceServers plus the server's TURN set, its transport policy, and the refresh before expiry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IceConfig } from '../../src/engine/webrtc/turn.js';
import type { TurnGrant } from '../../src/protocol/messages.js';

const grant = (expiresAt: number, user = 'alice', relay = false): TurnGrant => ({
  iceServers: [{ urls: ['turn:t:3478'], username: `${Math.floor(expiresAt / 1000)}:${user}`, credential: 'c' }],
  ...(relay ? { iceTransportPolicy: 'relay' as const } : {}),
  expiresAt,
});

test('merges app iceServers with the server set, takes its policy, refreshes at 80 % of the lifetime, stops on reset', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const app = [{ urls: 'stun:stun.example.com' }];
  const answers: (TurnGrant | null)[] = [grant(1_000_000 + 200_000, 'alice', true), null];
  let asked = 0;
  const ice = new IceConfig(app, async () => {
    asked++;
    return answers.shift() ?? null;
  });
  assert.deepEqual(ice.configuration(), { iceServers: app }, 'no server set yet: the app servers only');
  ice.update(grant(1_000_000 + 100_000));
  assert.deepEqual(ice.configuration().iceServers, [...app, ...grant(1_100_000).iceServers]);
  assert.equal(ice.configuration().iceTransportPolicy, undefined);
  t.mock.timers.tick(79_999);
  assert.equal(asked, 0, 'not before 80 % of the lifetime');
  t.mock.timers.tick(1);
  assert.equal(asked, 1, 'asked at 80 %');
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(ice.grant?.expiresAt, 1_200_000, 'the fresh set is used');
  assert.equal(ice.configuration().iceTransportPolicy, 'relay');
  // Next refresh at 80 % of the remaining 120 s; a failed one is retried while the set is valid.
  t.mock.timers.tick(96_000);
  assert.equal(asked, 2);
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(ice.timers, 1, 'retry scheduled');
  ice.reset();
  assert.equal(ice.timers, 0);
  assert.deepEqual(ice.configuration(), { iceServers: app });
});
