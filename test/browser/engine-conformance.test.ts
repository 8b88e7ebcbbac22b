/**
 * Engine conformance in Chromium: the shared scenario list (test/helpers/conformance-scenarios.ts)
 * run against the `webrtc` and `tencent` engines through the same `CallEngine` interface. (The
 * `tuicall` engine runs the same list in Node: test/interop/conformance-tuicall.test.ts.)
 *
 * - `webrtc`: the default engine over the real signaling server started by web-test-runner.config.mjs
 *   (`/__signaling.js`), real RTCPeerConnections and Chromium's fake camera/microphone.
 * - `tencent`: the Tencent engine over the in-memory double of the chat and TRTC calls it makes
 *   (test/helpers/tencent-double.ts; one fake cloud per test, so engines of a test can call each other).
 */
import { expect } from '@open-wc/testing';
import { WebRTCEngine } from '../../src/engine/webrtc/index.js';
import { TencentEngine } from '../../src/engine/tencent/index.js';
import type { CallEngine } from '../../src/engine/types.js';
import { FakeCloud, fakeStreamFactory } from '../helpers/tencent-double.js';
import { SCENARIOS, suffix, watch, type Check, type EngineHarness } from '../helpers/conformance-scenarios.js';

interface SignalingModule {
  SIGNALING_URL: string;
  SDK_APP_ID: number;
  USERSIG_URL: string;
}
// A variable specifier keeps tsc from resolving the virtual module.
const SIGNALING_MODULE: string = '/__signaling.js';

function webrtcHarness(): EngineHarness {
  let signaling: SignalingModule | null = null;
  const engines: CallEngine[] = [];
  return {
    name: 'webrtc (real signaling server)',
    gaps: new Set(),
    async setup() {
      signaling ??= (await import(SIGNALING_MODULE)) as SignalingModule;
    },
    async user(name) {
      const s = signaling!;
      const userId = `${name}-${suffix()}`;
      const res = await fetch(`${s.USERSIG_URL}?user=${encodeURIComponent(userId)}`);
      expect(res.status, 'dev userSig endpoint').to.equal(200);
      const sig = (await res.json()) as { sdkAppId: number; userSig: string };
      const engine = new WebRTCEngine({ statsIntervalMs: 200, requestTimeoutMs: 5000 });
      engines.push(engine);
      const client = watch(engine, name, userId);
      await engine.login({ SDKAppID: sig.sdkAppId, userID: userId, userSig: sig.userSig, server: s.SIGNALING_URL });
      return client;
    },
    group() {
      // The server keeps group calls by id; no group membership to set up.
    },
    async teardown() {
      await Promise.all(engines.splice(0).map((e) => e.destroy()));
    },
  };
}

function tencentHarness(): EngineHarness {
  let cloud = new FakeCloud();
  const engines: CallEngine[] = [];
  return {
    name: 'tencent (chat + TRTC double)',
    // TUICallKit v2 invites a newcomer with a message to the newcomer only: the other members learn
    // of them when they enter the room.
    gaps: new Set(['peer-invite-notice']),
    async setup() {
      cloud = new FakeCloud({ secondMs: 20 });
    },
    async user(name) {
      const userId = `${name}-${suffix()}`;
      const c = cloud;
      const engine = new TencentEngine({
        loadChat: async () => c.chatModule,
        loadTRTC: async () => c.trtcModuleFor(userId),
        createMediaStream: fakeStreamFactory,
      });
      engines.push(engine);
      const client = watch(engine, name, userId);
      await engine.login({ SDKAppID: 1400000001, userID: userId, userSig: `sig-${userId}` });
      return client;
    },
    group(groupID, members) {
      cloud.createGroup(
        groupID,
        members.map((m) => m.userId),
      );
    },
    async teardown() {
      await Promise.all(engines.splice(0).map((e) => e.destroy()));
    },
  };
}

const check: Check = {
  equal: (actual, expected, message) => expect(actual, message).to.equal(expected),
  deepEqual: (actual, expected, message) => expect(actual, message).to.deep.equal(expected),
  ok: (value, message) => expect(value, message).to.be.ok,
};

for (const harness of [webrtcHarness(), tencentHarness()]) {
  describe(`engine conformance: ${harness.name}`, function () {
    this.timeout(60000);
    beforeEach(() => harness.setup());
    afterEach(() => harness.teardown());
    for (const scenario of SCENARIOS) {
      if (harness.lacks?.has(scenario.id)) it.skip(`${scenario.title} (lacks: ${harness.lacks.get(scenario.id)})`, () => undefined);
      else it(scenario.title, () => scenario.run(harness, check));
    }
  });
}
