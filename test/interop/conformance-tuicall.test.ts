/**
 * Engine conformance for the `tuicall` engine: the shared scenario list
 * (test/helpers/conformance-scenarios.ts, also run by test/components/engine-conformance.test.ts
 * against `webrtc` and `tencent`) in Node, over the interop harness's real chat signaling module on
 * the in-memory bus and the fake TRTC rooms. Every user is a `tuicall` engine in its own worker
 * thread (harness/tuicall-peer.ts): the official engine under it is a singleton per thread.
 *
 * Scenarios in {@link TODO} run and report, but do not fail the suite: each names what the tuicall
 * engine does differently today (found by this suite; to fix in src/engine/tuicall or the harness).
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

/**
 * Known differences of the tuicall engine (scenario id -> what it does instead). Both need
 * Tencent's v3 call service (`call_engine_srv`), which this harness does not have and cannot fake
 * faithfully: TUICallEngine 3.3.4 shows its requests in full (Body/Head JSON through chat's
 * `sendRoomCustomData`), but its answers' and pushes' fields live in the wasm core and are unknown
 * (reference notes, "v3 call service"; test/interop/tuicall-engine.test.ts 'v3' records the requests).
 */
const TODO = new Map<string, string>([
  [
    'join',
    "an unknown call id goes to the v3 call service (call_engine_srv.join_in_call), whose answer only Tencent's cloud gives: here the engine fails with its own undecodable-answer code, not 'call-not-found' (a v2 1v1 call id is refused 'call-not-found' by the adapter, tested in tuicall-engine.test.ts)",
  ],
  [
    'invite',
    "inviteUser in a v2 1v1 call: TUICallEngine 3.3.4 hands it to its v3 call manager, which has no such call, sends nothing and never settles (docs/tuicall-v3.md), so the invitee cannot ring; the adapter refuses it at once (CallKitError reason 'not-supported', tested in tuicall-engine.test.ts). In a v2 group call inviteUser rings (tuicall-engine.test.ts)",
  ],
]);

// CONFORMANCE_STRICT=1 runs the todo scenarios as ordinary tests (to see their failures).
if (process.env.CONFORMANCE_STRICT) TODO.clear();
const harness = tuicallHarness();
describe(`engine conformance: ${harness.name}`, { concurrency: false }, () => {
  beforeEach(() => harness.setup());
  afterEach(() => harness.teardown());
  for (const scenario of SCENARIOS) {
    const lack = harness.lacks?.get(scenario.id);
    const todo = TODO.get(scenario.id);
    it(scenario.title, { timeout: todo ? 30_000 : 90_000, skip: lack ? `lacks: ${lack}` : false, todo: todo ?? false }, () =>
      scenario.run(harness, check),
    );
  }
});
