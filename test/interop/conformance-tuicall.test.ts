/**
 * Engine conformance for the `tuicall` engine: the shared scenario list
 * (test/helpers/conformance-scenarios.ts, also run by test/components/engine-conformance.test.ts
 * against `webrtc` and `tencent`) in Node, over the interop harness's real chat signaling module on
 * the in-memory bus and the fake TRTC rooms. Every user is a `tuicall` engine in its own worker
 * thread (harness/tuicall-peer.ts): the official engine under it is a singleton per thread.
 *
 * WORK IN PROGRESS: skipped unless CK_TUICALL_CONFORMANCE=1. First run (2 min 40 s): every
 * scenario run failed, on real differences (reject ends the caller 'cancelled reason=6' instead of
 * 'rejected reason=2'; no final onLocalStream null after a cancel; busy/timeout flows differ) and on
 * the worker relay's streams (remote video/availability never reach the other side).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SCENARIOS, suffix, watch, type Check, type Client, type EngineHarness } from '../helpers/conformance-scenarios.js';
import { TuicallPeer } from './harness/tuicall-peer.js';
import { SDK_APP_ID, World } from './harness/parties.js';

function tuicallHarness(): EngineHarness {
  let world = new World('nobody');
  const peers: TuicallPeer[] = [];
  return {
    name: 'tuicall (official TUICallEngine 3.3.4, worker per user, chat bus + TRTC rooms)',
    // Like the tencent engine (v2 signaling): the other members learn of an invitee when they enter the room.
    gaps: new Set(['peer-invite-notice']),
    lacks: new Map<string, string>(),
    async setup() {
      world = new World('nobody');
    },
    async user(name): Promise<Client> {
      const userId = `${name}-${suffix()}`;
      const peer = new TuicallPeer(world, userId);
      peers.push(peer);
      await peer.start();
      const client = watch(peer.engine, name, userId);
      await peer.engine.login({ SDKAppID: SDK_APP_ID, userID: userId, userSig: `sig-${userId}` });
      return client;
    },
    group(groupID, members) {
      world.bus.createGroup(
        groupID,
        members.map((m) => m.userId),
      );
    },
    async teardown() {
      await Promise.all(peers.splice(0).map((p) => p.stop()));
    },
  };
}

const check: Check = {
  equal: (actual, expected, message) => assert.equal(actual, expected, message),
  deepEqual: (actual, expected, message) => assert.deepEqual(actual, expected, message),
  ok: (value, message) => assert.ok(value, message),
};

const harness = tuicallHarness();
describe(`engine conformance: ${harness.name}`, { concurrency: false, skip: process.env.CK_TUICALL_CONFORMANCE === '1' ? false : 'work in progress: set CK_TUICALL_CONFORMANCE=1' }, () => {
  beforeEach(() => harness.setup());
  afterEach(() => harness.teardown());
  for (const scenario of SCENARIOS) {
    const lack = harness.lacks?.get(scenario.id);
    it(scenario.title, { timeout: 60_000, skip: lack ? `lacks: ${lack}` : false }, () => scenario.run(harness, check));
  }
});
