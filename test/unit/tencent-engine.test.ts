/**
 * The Tencent engine over in-memory doubles of chat + TRTC (test/helpers/tencent-double.ts): two
 * or more engines share one fake cloud and call each other. Scenarios: call, accept, reject,
 * cancel, busy, timeout, hangup, media toggles, group join and leave, plus interop with
 * TUICallKit payloads from other platforms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TencentEngine, type TencentEngineOptions } from '../../src/engine/tencent/index.js';
import type { CallEngineEvents } from '../../src/engine/types.js';
import { CallEndReason, CallMediaType } from '../../src/constants.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import { RingingQueue, type OfferOutcome } from '../../src/engine/ringing-queue.js';
import { FakeChat, FakeCloud, FakeStream, FakeTRTC, fakeStreamFactory } from '../helpers/tencent-double.js';

const SDK_APP_ID = 1400000001;
const EVENTS: (keyof CallEngineEvents)[] = [
  'onCallReceived',
  'onCallStarted',
  'onCallBegin',
  'onCallEnd',
  'onUserAccept',
  'onUserReject',
  'onUserNoResponse',
  'onUserLineBusy',
  'onUserJoin',
  'onUserLeave',
  'onUserInvited',
  'onUserInfo',
  'onUserVideoAvailable',
  'onUserAudioAvailable',
  'onUserVoiceVolumeChanged',
  'onUserNetworkQualityChanged',
  'onRemoteStream',
  'onLocalStream',
  'onCallMediaTypeChanged',
  'onDeviceUpdated',
  'onKickedOffline',
  'onError',
  'onConnectionStateChanged',
];

type Recorded = { [K in keyof CallEngineEvents]: { type: K; payload: CallEngineEvents[K] } }[keyof CallEngineEvents];

class Recorder {
  readonly list: Recorded[] = [];
  constructor(engine: TencentEngine) {
    for (const type of EVENTS) engine.on(type, (payload) => this.list.push({ type, payload } as Recorded));
  }
  of<K extends keyof CallEngineEvents>(type: K): CallEngineEvents[K][] {
    return this.list.filter((e) => e.type === type).map((e) => e.payload as CallEngineEvents[K]);
  }
  last<K extends keyof CallEngineEvents>(type: K): CallEngineEvents[K] | undefined {
    return this.of(type).at(-1);
  }
  types(): string[] {
    return this.list.map((e) => e.type);
  }
  /** Waits (polling, with a deadline) until an event of `type` matching `pred` was recorded. */
  async wait<K extends keyof CallEngineEvents>(
    type: K,
    pred: (p: CallEngineEvents[K]) => boolean = () => true,
    ms = 3000,
  ): Promise<CallEngineEvents[K]> {
    let found: CallEngineEvents[K] | undefined;
    await until(() => (found = this.of(type).find(pred)) !== undefined, ms, `no ${type}`);
    return found as CallEngineEvents[K];
  }
}

async function until(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

interface User {
  id: string;
  engine: TencentEngine;
  events: Recorder;
  trtc(): FakeTRTC;
  chat(): FakeChat;
}

async function user(cloud: FakeCloud, id: string, options: TencentEngineOptions = {}): Promise<User> {
  const trtcModule = cloud.trtcModuleFor(id);
  const engine = new TencentEngine({
    loadChat: async () => cloud.chatModule,
    loadTRTC: async () => trtcModule,
    createMediaStream: fakeStreamFactory,
    ...options,
  });
  const events = new Recorder(engine);
  await engine.login({ SDKAppID: SDK_APP_ID, userID: id, userSig: `sig-${id}` });
  return {
    id,
    engine,
    events,
    trtc: () => {
      const t = cloud.trtcs.filter((x) => x.label === id).at(-1);
      assert.ok(t, `${id} has no TRTC instance`);
      return t;
    },
    chat: () => {
      const c = cloud.chatsOf(id)[0];
      assert.ok(c, `${id} has no chat instance`);
      return c;
    },
  };
}

function tracksOf(stream: MediaStream | null | undefined): string[] {
  return stream
    ? (stream as unknown as FakeStream)
        .getTracks()
        .map((t) => t.kind)
        .sort()
    : [];
}

async function connected(cloud: FakeCloud, mediaType: CallMediaType = CallMediaType.VIDEO) {
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  const { callId } = await alice.engine.calls({ userIDList: ['bob'], mediaType });
  await bob.events.wait('onCallReceived');
  await bob.engine.accept();
  await alice.events.wait('onCallBegin');
  await alice.events.wait('onUserJoin', (e) => e.userId === 'bob');
  await bob.events.wait('onUserJoin', (e) => e.userId === 'alice');
  return { alice, bob, callId };
}

async function cleanup(...users: User[]): Promise<void> {
  for (const u of users) await u.engine.destroy();
}

// ---- login ----------------------------------------------------------------------------------------

test('login: chat login, SDK_READY awaited, connection states, profile; logout releases listeners', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  const chat = alice.chat();
  assert.deepEqual(
    alice.events.of('onConnectionStateChanged').map((e) => e.state),
    ['connecting', 'connected'],
  );
  assert.deepEqual(chat.log[0], { method: 'login', args: [{ userID: 'alice', userSig: 'sig-alice' }] });
  assert.ok(chat.listenerCount > 0);
  await alice.engine.setSelfInfo({ name: 'Alice', avatar: 'https://example.test/a.png' });
  assert.deepEqual(cloud.profiles.get('alice'), { nick: 'Alice', avatar: 'https://example.test/a.png' });
  await alice.engine.logout();
  assert.equal(chat.listenerCount, 0);
  assert.equal(chat.log.at(-1)?.method, 'logout');
  assert.equal(alice.events.last('onConnectionStateChanged')?.state, 'disconnected');
  await alice.engine.destroy();
});

test('login: a refused chat login rejects with CONNECTION_FAILED and the chat code', async () => {
  const cloud = new FakeCloud();
  cloud.loginFailures.set('alice', { code: 70001, message: 'UserSig expired' });
  const engine = new TencentEngine({ loadChat: async () => cloud.chatModule, loadTRTC: async () => cloud.trtcModuleFor('alice') });
  await assert.rejects(engine.login({ SDKAppID: SDK_APP_ID, userID: 'alice', userSig: 'old' }), (e: unknown) => {
    assert.ok(e instanceof CallKitError);
    assert.equal(e.code, ErrorCode.CONNECTION_FAILED);
    assert.equal(e.reason, '70001');
    return true;
  });
  await assert.rejects(engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO }), { code: ErrorCode.SDK_NOT_INITIALIZED });
  await engine.destroy();
});

test('an existing chat instance is used as is and never logged out', async () => {
  const cloud = new FakeCloud();
  const chat = cloud.chatModule.create({ SDKAppID: SDK_APP_ID }) as FakeChat;
  await chat.login({ userID: 'alice', userSig: 'app-sig' });
  const before = chat.listenerCount;
  let loads = 0;
  const engine = new TencentEngine({
    chat,
    loadChat: async () => {
      loads++;
      return cloud.chatModule;
    },
    loadTRTC: async () => cloud.trtcModuleFor('alice'),
    createMediaStream: fakeStreamFactory,
  });
  await engine.login({ SDKAppID: SDK_APP_ID, userID: 'alice', userSig: 'sig-alice' });
  assert.equal(loads, 0);
  assert.equal(chat.log.filter((l) => l.method === 'login').length, 1, 'the engine did not log in again');
  await engine.destroy();
  assert.equal(chat.listenerCount, before, 'listeners removed');
  assert.equal(
    chat.log.some((l) => l.method === 'logout'),
    false,
    'not logged out',
  );
  assert.equal(chat.isReady(), true);
  // Logged in as someone else: refused.
  const other = new TencentEngine({ chat, loadTRTC: async () => cloud.trtcModuleFor('x') });
  await assert.rejects(other.login({ SDKAppID: SDK_APP_ID, userID: 'mallory', userSig: 's' }), { code: ErrorCode.INVALID_PARAMETER });
  await other.destroy();
});

// ---- 1v1 ------------------------------------------------------------------------------------------

test('1v1 video call: v2 invite on the wire, ring, accept, one TRTC room, streams both ways', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  cloud.profiles.set('bob', { nick: 'Bob', avatar: 'b.png' });
  cloud.profiles.set('alice', { nick: 'Alice' });
  const { callId } = await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.VIDEO, userData: 'order-42' });
  assert.deepEqual(alice.events.last('onCallStarted'), { callId, mediaType: CallMediaType.VIDEO, members: [{ userId: 'bob' }] });
  assert.deepEqual(tracksOf(alice.events.last('onLocalStream')?.stream), ['audio', 'video']);

  const invite = cloud.wire[0];
  assert.equal(invite.envelope.actionType, 1);
  assert.equal(invite.envelope.inviteID, callId);
  assert.equal(invite.envelope.timeout, 30);
  assert.equal(invite.conversationType, 'C2C');
  const room = alice.engine.roomId;
  assert.equal(typeof room, 'number');
  assert.deepEqual(JSON.parse(invite.envelope.data), {
    version: 4,
    businessID: 'av_call',
    call_type: 2,
    room_id: room,
    call_end: 0,
    platform: 'web',
    userData: 'order-42',
    // A 1v1 invitation is kept out of unread counts, as TUICallKit's is.
    data: {
      cmd: 'videoCall',
      room_id: room,
      str_room_id: '',
      inviter: 'alice',
      userIDs: ['bob'],
      message: '',
      excludeFromHistoryMessage: true,
    },
  });
  assert.deepEqual(cloud.roomMembers(`n:${room}`), ['alice'], 'the caller waits in the room');

  const received = await bob.events.wait('onCallReceived');
  assert.deepEqual(received, {
    callId,
    caller: { userId: 'alice' },
    calleeIdList: ['bob'],
    members: [{ userId: 'alice' }, { userId: 'bob' }],
    mediaType: CallMediaType.VIDEO,
    userData: 'order-42',
  });
  await bob.events.wait('onUserInfo', (p) => p.userId === 'alice' && p.name === 'Alice');
  await alice.events.wait('onUserInfo', (p) => p.userId === 'bob' && p.name === 'Bob' && p.avatar === 'b.png');

  await bob.engine.accept();
  assert.deepEqual(bob.events.last('onCallBegin'), { callId, mediaType: CallMediaType.VIDEO, role: 'callee' });
  await alice.events.wait('onUserAccept', (e) => e.userId === 'bob');
  assert.deepEqual(alice.events.last('onCallBegin'), { callId, mediaType: CallMediaType.VIDEO, role: 'caller' });
  await alice.events.wait('onUserJoin', (e) => e.userId === 'bob');
  await bob.events.wait('onUserJoin', (e) => e.userId === 'alice');
  assert.deepEqual(cloud.roomMembers(`n:${room}`).sort(), ['alice', 'bob']);
  const accept = cloud.wire.find((w) => w.envelope.actionType === 3);
  assert.equal(JSON.parse(accept?.envelope.data ?? '{}').data.cmd, 'videoCall');

  // Media: availability, then a stream with both tracks each way.
  await alice.events.wait('onUserVideoAvailable', (e) => e.userId === 'bob' && e.available);
  await alice.events.wait('onUserAudioAvailable', (e) => e.userId === 'bob' && e.available);
  await until(
    () =>
      tracksOf(
        alice.events
          .of('onRemoteStream')
          .filter((e) => e.userId === 'bob')
          .at(-1)?.stream,
      ).length === 2,
  );
  await until(
    () =>
      tracksOf(
        bob.events
          .of('onRemoteStream')
          .filter((e) => e.userId === 'alice')
          .at(-1)?.stream,
      ).length === 2,
  );
  const bobStream = alice.events
    .of('onRemoteStream')
    .filter((e) => e.userId === 'bob')
    .at(-1)?.stream as unknown as FakeStream;
  const bobTrackIds = [bob.trtc().localAudio?.track.id, bob.trtc().localVideo?.track.id].sort();
  assert.deepEqual(
    bobStream
      .getTracks()
      .map((t) => t.id)
      .sort(),
    bobTrackIds,
    "alice holds bob's own tracks",
  );
  // TRTC renders nothing and plays nothing itself: the kit's tiles do.
  assert.equal(alice.trtc().remoteVolumes.get('bob'), 0);
  assert.equal(bob.trtc().remoteVolumes.get('alice'), 0);
  assert.deepEqual(alice.trtc().log.find((l) => l.method === 'startRemoteVideo')?.args, [
    { userId: 'bob', streamType: 'main', view: null },
  ]);
  assert.equal(alice.trtc().options.enableAutoPlayDialog, false);
  assert.equal('assetsPath' in alice.trtc().options, false, 'no assets path unless configured');
  await cleanup(alice, bob);
});

test('hangup: the side that stays sends the call record (call_end in seconds), as TUICallKit does; the other side ends with onUserLeave, rooms and devices released', async () => {
  const cloud = new FakeCloud();
  const { alice, bob, callId } = await connected(cloud);
  const room = alice.engine.roomId;
  const realNow = Date.now;
  Date.now = () => realNow() + 65_000;
  let bobEnd;
  try {
    await alice.engine.hangup();
    bobEnd = await bob.events.wait('onCallEnd');
    await until(() => cloud.calls.some((c) => (c.payload?.data as { cmd?: string } | undefined)?.cmd === 'hangup'), 3000, 'a call record');
  } finally {
    Date.now = realNow;
  }
  const end = alice.events.last('onCallEnd');
  assert.equal(end?.cause, 'hangup');
  assert.equal(end?.reason, CallEndReason.HANGUP);
  assert.ok((end?.totalTime ?? 0) >= 65);
  const records = cloud.calls.filter((c) => (c.payload?.data as { cmd?: string } | undefined)?.cmd === 'hangup');
  assert.equal(records.length, 1, 'one call record');
  const [hangup] = records;
  assert.equal(hangup.from, 'bob', 'sent by the side that stays');
  assert.equal(hangup.to, 'alice');
  assert.equal(hangup.action, 1);
  assert.ok((hangup.payload?.call_end as number) >= 65, 'call_end carries the duration in seconds');
  assert.equal(cloud.wire.find((w) => JSON.parse(w.envelope.data).data?.cmd === 'hangup')?.envelope.timeout, 0);

  assert.deepEqual(
    { callId: bobEnd.callId, cause: bobEnd.cause, reason: bobEnd.reason },
    { callId, cause: 'hangup', reason: CallEndReason.HANGUP },
  );
  assert.ok(bob.events.of('onUserLeave').some((e) => e.userId === 'alice'));
  assert.equal(bob.events.last('onRemoteStream')?.stream, null);
  assert.equal(bob.events.last('onLocalStream')?.stream, null);
  assert.equal(bob.events.of('onCallEnd').length, 1, 'one end');
  await until(() => cloud.roomMembers(`n:${room}`).length === 0, 3000, 'room empty');
  await until(
    () => !alice.trtc().localVideo && !alice.trtc().localAudio && !bob.trtc().localVideo && !bob.trtc().localAudio,
    3000,
    'capture stopped',
  );
  await cleanup(alice, bob);
});

test('reject: the caller gets onUserReject and the call ends for both with cause rejected', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  const { callId } = await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
  await bob.events.wait('onCallReceived');
  await bob.engine.reject();
  assert.equal(bob.events.last('onCallEnd')?.cause, 'rejected');
  assert.equal(bob.events.last('onCallEnd')?.reason, CallEndReason.REJECT);
  await alice.events.wait('onUserReject', (e) => e.userId === 'bob');
  const end = await alice.events.wait('onCallEnd');
  assert.deepEqual(
    { callId: end.callId, cause: end.cause, reason: end.reason },
    { callId, cause: 'rejected', reason: CallEndReason.REJECT },
  );
  const reject = cloud.calls.find((c) => c.action === 4);
  assert.equal(reject?.payload?.line_busy, undefined, 'a plain reject is not busy');
  assert.equal(
    cloud.trtcs.some((t) => t.label === 'bob'),
    false,
    'bob never loaded TRTC for a call he declined',
  );
  await until(() => cloud.rooms.size === 0, 3000, 'room left');
  await cleanup(alice, bob);
});

test('hanging up while the accept is still opening the devices declines the call (no accept goes out)', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.VIDEO });
  await bob.events.wait('onCallReceived');
  const accepting = assert.rejects(bob.engine.accept(), { code: ErrorCode.INVALID_STATE });
  await until(
    () => cloud.trtcs.some((t) => t.label === 'bob' && t.log.some((l) => l.method === 'startLocalAudio')),
    3000,
    'capture started',
  );
  await bob.engine.hangup();
  await accepting;
  assert.equal(bob.events.last('onCallEnd')?.cause, 'rejected');
  await alice.events.wait('onUserReject', (e) => e.userId === 'bob');
  assert.equal(cloud.wire.filter((w) => w.envelope.actionType === 3).length, 0, 'no accept was sent');
  await until(() => !bob.trtc().localAudio && !bob.trtc().localVideo && bob.trtc().room === '', 3000, 'bob released his devices');
  await cleanup(alice, bob);
});

test('cancel: hangup while dialing cancels the invitation; the callee stops ringing', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  const { callId } = await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.VIDEO });
  await bob.events.wait('onCallReceived');
  await alice.engine.hangup();
  assert.equal(alice.events.last('onCallEnd')?.cause, 'cancelled');
  const cancel = cloud.wire.find((w) => w.envelope.actionType === 2);
  assert.equal(cancel?.envelope.inviteID, callId);
  const end = await bob.events.wait('onCallEnd');
  assert.equal(end.cause, 'cancelled');
  assert.equal(end.reason, CallEndReason.CANCELED);
  assert.equal(alice.chat().pendingInvites, 0);
  await cleanup(alice, bob);
});

test('busy: a second invitation is rejected with line_busy; the caller gets onUserLineBusy; the first call goes on', async () => {
  const cloud = new FakeCloud();
  const { alice, bob } = await connected(cloud);
  const carol = await user(cloud, 'carol');
  await carol.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
  await carol.events.wait('onUserLineBusy', (e) => e.userId === 'bob');
  const end = await carol.events.wait('onCallEnd');
  assert.equal(end.cause, 'busy');
  assert.equal(end.reason, CallEndReason.LINE_BUSY);
  const busy = cloud.calls.find((c) => c.action === 4 && c.from === 'bob');
  assert.equal(busy?.payload?.line_busy, 'line_busy');
  assert.equal((busy?.payload?.data as { message?: string }).message, 'lineBusy');
  assert.equal(busy?.payload?.platform, 'web');
  assert.equal(bob.events.of('onCallReceived').length, 1, 'bob never rang for carol');
  assert.equal(bob.events.of('onCallEnd').length, 0, 'bob is still in his call with alice');
  assert.equal(alice.events.of('onCallEnd').length, 0);
  await cleanup(alice, bob, carol);
});

test('ringing rule: the shared RingingQueue (one ringing call) decides; a second invitation while ringing is busy', async (t) => {
  // Records what the shared queue decided for each invitation offered to it (src/engine/ringing-queue.ts).
  const outcomes: OfferOutcome[] = [];
  const offer = RingingQueue.prototype.offer;
  t.mock.method(RingingQueue.prototype, 'offer', function (this: RingingQueue<{ callId: string }>, invitation: { callId: string }) {
    const outcome = offer.call(this, invitation);
    outcomes.push(outcome);
    return outcome;
  });
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  const carol = await user(cloud, 'carol');
  const { callId } = await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
  await bob.events.wait('onCallReceived');
  assert.deepEqual(outcomes, ['current'], 'the first invitation rings as the current call');
  await carol.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
  await carol.events.wait('onUserLineBusy', (e) => e.userId === 'bob');
  assert.deepEqual(outcomes, ['current', 'busy'], 'nothing rings alongside (maxRinging 1, no call waiting)');
  assert.deepEqual(
    bob.events.of('onCallReceived').map((e) => [e.callId, e.concurrent]),
    [[callId, undefined]],
  );
  await bob.engine.accept();
  await alice.events.wait('onCallBegin');
  await cleanup(alice, bob, carol);
});

test('glare: two users calling each other at once both end busy', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  await Promise.all([
    alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO }),
    bob.engine.calls({ userIDList: ['alice'], mediaType: CallMediaType.AUDIO }),
  ]);
  assert.equal((await alice.events.wait('onCallEnd')).cause, 'busy');
  assert.equal((await bob.events.wait('onCallEnd')).cause, 'busy');
  assert.equal(alice.events.of('onCallReceived').length + bob.events.of('onCallReceived').length, 0);
  await cleanup(alice, bob);
});

test('timeout: an unanswered call ends with onUserNoResponse (caller) and cause timeout (both)', async () => {
  const cloud = new FakeCloud({ secondMs: 10 });
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.VIDEO, timeout: 2 });
  await bob.events.wait('onCallReceived');
  const bobEnd = await bob.events.wait('onCallEnd');
  assert.equal(bobEnd.cause, 'timeout');
  await alice.events.wait('onUserNoResponse', (e) => e.userId === 'bob');
  const end = await alice.events.wait('onCallEnd');
  assert.equal(end.cause, 'timeout');
  assert.equal(end.reason, CallEndReason.NO_RESPONSE);
  assert.ok(
    cloud.wire.some((w) => w.envelope.actionType === 5 && w.from === 'bob'),
    "the callee's SDK reported the timeout",
  );
  await cleanup(alice, bob);
});

test("timeout: a callee who never receives the invitation times out on the caller's own timer", async () => {
  const cloud = new FakeCloud({ secondMs: 10 });
  const alice = await user(cloud, 'alice');
  await alice.engine.calls({ userIDList: ['offline-dave'], mediaType: CallMediaType.AUDIO, timeout: 1 });
  await alice.events.wait('onUserNoResponse', (e) => e.userId === 'offline-dave');
  assert.equal((await alice.events.wait('onCallEnd')).cause, 'timeout');
  await cleanup(alice);
});

test('several 1v1 invitations: an answer that comes while the others are still being sent is reported after onCallStarted', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  const carol = await user(cloud, 'carol');
  bob.engine.on('onCallReceived', () => void bob.engine.reject());
  alice.chat().slowInvitesMs = 60;
  const { callId } = await alice.engine.calls({ userIDList: ['bob', 'carol'], mediaType: CallMediaType.AUDIO });
  const invites = cloud.wire.filter((w) => w.envelope.actionType === 1);
  assert.equal(invites.length, 2, 'one C2C invitation per callee, same room');
  assert.equal(invites[0].envelope.inviteID, callId);
  assert.equal(JSON.parse(invites[0].envelope.data).room_id, JSON.parse(invites[1].envelope.data).room_id);
  await alice.events.wait('onUserReject', (e) => e.userId === 'bob');
  const types = alice.events.types();
  assert.ok(types.indexOf('onCallStarted') < types.indexOf('onUserReject'), types.join());
  assert.equal(alice.events.of('onCallEnd').length, 0, 'carol still rings');
  await carol.events.wait('onCallReceived');
  await carol.engine.accept();
  await alice.events.wait('onUserJoin', (e) => e.userId === 'carol');
  await cleanup(alice, bob, carol);
});

test('the same user on two devices: answering on one ends the other with answered-elsewhere', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  const bob1 = await user(cloud, 'bob');
  const bob2 = await user(cloud, 'bob');
  await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
  await bob1.events.wait('onCallReceived');
  await bob2.events.wait('onCallReceived');
  await bob1.engine.accept();
  const end = await bob2.events.wait('onCallEnd');
  assert.equal(end.cause, 'answered-elsewhere');
  assert.equal(end.reason, CallEndReason.OTHER_DEVICE_ACCEPTED);
  await alice.events.wait('onCallBegin');
  await cleanup(alice, bob1, bob2);
});

// ---- media ----------------------------------------------------------------------------------------

test('media toggles: camera and microphone on/off reach the other side; device and quality changes', async () => {
  const cloud = new FakeCloud();
  const { alice, bob } = await connected(cloud);
  await bob.events.wait('onUserVideoAvailable', (e) => e.userId === 'alice' && e.available);

  await alice.engine.closeCamera();
  assert.deepEqual(tracksOf(alice.events.last('onLocalStream')?.stream), ['audio']);
  await bob.events.wait('onUserVideoAvailable', (e) => e.userId === 'alice' && !e.available);
  await until(
    () =>
      tracksOf(
        bob.events
          .of('onRemoteStream')
          .filter((e) => e.userId === 'alice')
          .at(-1)?.stream,
      ).join() === 'audio',
  );

  await alice.engine.openCamera();
  assert.deepEqual(tracksOf(alice.events.last('onLocalStream')?.stream), ['audio', 'video']);
  await until(
    () =>
      bob.events
        .of('onUserVideoAvailable')
        .filter((e) => e.userId === 'alice')
        .at(-1)?.available === true,
  );
  await until(
    () =>
      tracksOf(
        bob.events
          .of('onRemoteStream')
          .filter((e) => e.userId === 'alice')
          .at(-1)?.stream,
      ).length === 2,
  );

  await alice.engine.closeMicrophone();
  assert.equal(alice.trtc().localAudio?.muted, true, 'muted, not released');
  await bob.events.wait('onUserAudioAvailable', (e) => e.userId === 'alice' && !e.available);
  await alice.engine.openMicrophone();
  await until(
    () =>
      bob.events
        .of('onUserAudioAvailable')
        .filter((e) => e.userId === 'alice')
        .at(-1)?.available === true,
  );

  const oldVideo = alice.trtc().localVideo?.track.id;
  await alice.engine.switchDevice({ deviceType: 'camera', deviceId: 'cam-2' });
  assert.equal(alice.trtc().localVideo?.cameraId, 'cam-2');
  const local = alice.events.last('onLocalStream')?.stream as unknown as FakeStream;
  assert.notEqual(local.getVideoTracks()[0].id, oldVideo, 'a new local stream with the new camera');
  await until(
    () => {
      const s = bob.events
        .of('onRemoteStream')
        .filter((e) => e.userId === 'alice')
        .at(-1)?.stream as unknown as FakeStream | null;
      return s?.getVideoTracks()[0]?.id === alice.trtc().localVideo?.track.id;
    },
    3000,
    "bob's stream follows the camera switch",
  );

  await alice.engine.switchDevice({ deviceType: 'microphone', deviceId: 'mic-9' });
  assert.equal(alice.trtc().localAudio?.track.label, 'mic-9');
  await alice.engine.setVideoQuality('1080p');
  assert.equal(alice.trtc().localVideo?.profile, '1080p');
  await assert.rejects(alice.engine.setVideoQuality('4k' as never), { code: ErrorCode.INVALID_PARAMETER });

  const devices = await alice.engine.getDeviceList();
  assert.deepEqual(
    devices.map((d) => `${d.kind}:${d.deviceId}`),
    ['camera:cam-1', 'camera:cam-2', 'microphone:mic-1', 'speaker:spk-1'],
  );
  assert.deepEqual(await alice.engine.getDeviceList('speaker'), [{ deviceId: 'spk-1', label: 'Speakers', kind: 'speaker' }]);
  await cleanup(alice, bob);
});

test('volume and network quality: TRTC events mapped per user id (local = own id)', async () => {
  const cloud = new FakeCloud();
  const { alice, bob } = await connected(cloud);
  alice.trtc().fire('audio-volume', {
    result: [
      { userId: '', volume: 55.4 },
      { userId: 'bob', volume: 130 },
    ],
  });
  assert.deepEqual(alice.events.last('onUserVoiceVolumeChanged'), { volumes: { alice: 55, bob: 100 } });
  alice.trtc().fire('network-quality', { uplinkNetworkQuality: 1, downlinkNetworkQuality: 3 });
  assert.deepEqual(alice.events.last('onUserNetworkQualityChanged'), { qualities: { alice: 1, bob: 3 } });
  assert.deepEqual(alice.trtc().log.find((l) => l.method === 'enableAudioVolumeEvaluation')?.args, [500]);
  alice.trtc().fire('device-changed', { type: 'camera', action: 'add' });
  await alice.events.wait('onDeviceUpdated', (e) => e.devices.length === 4);
  await cleanup(alice, bob);
});

test('switchCallMediaType: video to audio sends switchToAudio; both sides drop video', async () => {
  const cloud = new FakeCloud();
  const { alice, bob } = await connected(cloud);
  await alice.engine.switchCallMediaType(CallMediaType.AUDIO);
  assert.deepEqual(alice.events.last('onCallMediaTypeChanged'), { mediaType: CallMediaType.AUDIO });
  assert.equal(alice.trtc().localVideo, null);
  await bob.events.wait('onCallMediaTypeChanged', (e) => e.mediaType === CallMediaType.AUDIO);
  await until(() => bob.trtc().localVideo === null, 3000, 'bob camera stopped');
  const sw = cloud.calls.find((c) => (c.payload?.data as { cmd?: string } | undefined)?.cmd === 'switchToAudio');
  assert.equal(sw?.from, 'alice');
  assert.equal((sw?.payload?.data as { excludeFromHistoryMessage?: boolean }).excludeFromHistoryMessage, true);
  assert.equal(sw?.payload?.call_type, 1);
  // v2's wire format has no request to switch to video (issue 17 item 1): refused, typed.
  await assert.rejects(alice.engine.switchCallMediaType(CallMediaType.VIDEO), {
    code: ErrorCode.SWITCH_TO_VIDEO_CALL_FAILED,
    reason: 'not-supported',
  });
  assert.equal(alice.events.of('onCallEnd').length + bob.events.of('onCallEnd').length, 0);
  await cleanup(alice, bob);
});

test('accepting a video call as audio switches the call to audio on both sides', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.VIDEO });
  await bob.events.wait('onCallReceived');
  await bob.engine.accept({ mediaType: CallMediaType.AUDIO });
  assert.equal(bob.trtc().localVideo, null, 'bob never opened his camera');
  assert.deepEqual(bob.events.last('onCallMediaTypeChanged'), { mediaType: CallMediaType.AUDIO });
  assert.equal(bob.events.last('onCallBegin')?.mediaType, CallMediaType.AUDIO);
  await alice.events.wait('onCallMediaTypeChanged', (e) => e.mediaType === CallMediaType.AUDIO);
  await until(() => alice.trtc().localVideo === null, 3000, 'alice camera stopped');
  await cleanup(alice, bob);
});

test('capture failures: no permission rejects calls() before anything is sent; accept() keeps ringing', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  cloud.deviceFailures.set('alice', { camera: { code: 5300, extraCode: 5302, message: 'NotAllowedError: Permission denied' } });
  await assert.rejects(alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.VIDEO }), (e: unknown) => {
    assert.ok(e instanceof CallKitError);
    assert.equal(e.code, ErrorCode.CAMERA_NOT_AUTHORIZED);
    return true;
  });
  assert.equal(cloud.wire.length, 0, 'no invitation went out');
  assert.equal(alice.trtc().localAudio, null, 'the microphone was released again');
  assert.equal(alice.events.of('onCallStarted').length + alice.events.of('onCallEnd').length, 0);
  assert.equal(alice.engine.callId, null);

  cloud.deviceFailures.set('bob', { microphone: { code: 5300, extraCode: 5301, message: 'NotFoundError' } });
  cloud.deviceFailures.delete('alice');
  await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
  await bob.events.wait('onCallReceived');
  await assert.rejects(bob.engine.accept(), { code: ErrorCode.MICROPHONE_DEVICE_EMPTY });
  assert.equal(bob.events.of('onCallEnd').length, 0, 'still ringing');
  await bob.engine.reject();
  assert.equal((await alice.events.wait('onCallEnd')).cause, 'rejected');
  await cleanup(alice, bob);
});

test('argument and state checks throw CallKitError with the kit codes', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  await assert.rejects(alice.engine.calls({ userIDList: ['alice'], mediaType: CallMediaType.AUDIO }), { code: ErrorCode.SELF_CALL });
  await assert.rejects(alice.engine.calls({ userIDList: [], mediaType: CallMediaType.AUDIO }), { code: ErrorCode.INVALID_PARAMETER });
  const nine = Array.from({ length: 9 }, (_, i) => `u${i}`);
  await assert.rejects(alice.engine.calls({ userIDList: nine, mediaType: CallMediaType.AUDIO }), { code: ErrorCode.CALLEE_COUNT });
  await assert.rejects(alice.engine.calls({ userIDList: ['bob'], mediaType: 7 as CallMediaType }), { code: ErrorCode.INVALID_PARAMETER });
  await assert.rejects(alice.engine.accept(), { code: ErrorCode.INVALID_STATE });
  await assert.rejects(alice.engine.reject(), { code: ErrorCode.INVALID_STATE });
  await assert.rejects(alice.engine.openCamera(), { code: ErrorCode.INVALID_STATE });
  await alice.engine.hangup(); // idle: a no-op
  await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
  await assert.rejects(alice.engine.calls({ userIDList: ['carol'], mediaType: CallMediaType.AUDIO }), { code: ErrorCode.ALREADY_IN_CALL });
  await cleanup(alice);
});

// ---- group ----------------------------------------------------------------------------------------

test('group call: one inviteInGroup, members join and leave, a late joiner enters by room, the last one out ends it', async () => {
  const cloud = new FakeCloud();
  cloud.createGroup('team', ['alice', 'bob', 'carol', 'dave']);
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  const carol = await user(cloud, 'carol');
  const dave = await user(cloud, 'dave');
  const { callId } = await alice.engine.calls({ userIDList: ['bob', 'carol'], mediaType: CallMediaType.VIDEO, groupID: 'team' });
  const invites = cloud.wire.filter((w) => w.envelope.actionType === 1);
  assert.equal(invites.length, 1);
  assert.equal(invites[0].conversationType, 'GROUP');
  assert.equal(invites[0].to, 'team');
  assert.deepEqual(invites[0].envelope.inviteeList, ['bob', 'carol']);
  assert.deepEqual(JSON.parse(invites[0].envelope.data).data.userIDs, ['bob', 'carol']);
  const room = alice.engine.roomId;

  const bobRing = await bob.events.wait('onCallReceived');
  assert.equal(bobRing.groupID, 'team');
  assert.deepEqual(bobRing.calleeIdList, ['bob', 'carol']);
  await carol.events.wait('onCallReceived');
  assert.equal(dave.events.of('onCallReceived').length, 0, 'dave was not invited');

  await bob.engine.accept();
  await alice.events.wait('onCallBegin');
  await carol.events.wait('onUserAccept', (e) => e.userId === 'bob'); // carol still rings and sees bob answer
  await carol.engine.accept();
  await alice.events.wait('onUserJoin', (e) => e.userId === 'carol');
  await bob.events.wait('onUserJoin', (e) => e.userId === 'carol');
  await carol.events.wait('onUserJoin', (e) => e.userId === 'bob');
  await carol.events.wait('onUserJoin', (e) => e.userId === 'alice');
  assert.deepEqual(cloud.roomMembers(`n:${room}`).sort(), ['alice', 'bob', 'carol']);

  // carol leaves: the call goes on for the others; her hangup to the two who remain is kept out of their history.
  await carol.engine.hangup();
  assert.equal(carol.events.last('onCallEnd')?.cause, 'hangup');
  await alice.events.wait('onUserLeave', (e) => e.userId === 'carol');
  await bob.events.wait('onUserLeave', (e) => e.userId === 'carol');
  const leave = cloud.calls.filter((c) => (c.payload?.data as { cmd?: string })?.cmd === 'hangup');
  assert.equal(leave.length, 1);
  assert.equal((leave[0].payload?.data as { excludeFromHistoryMessage?: boolean }).excludeFromHistoryMessage, true);

  // dave joins the running call by its room.
  assert.ok(room !== null);
  await dave.engine.joinInGroupCall({ groupID: 'team', roomID: room, mediaType: CallMediaType.VIDEO });
  assert.equal(dave.events.last('onCallBegin')?.role, 'callee');
  await alice.events.wait('onUserJoin', (e) => e.userId === 'dave');
  await bob.events.wait('onUserJoin', (e) => e.userId === 'dave');
  await dave.events.wait('onUserJoin', (e) => e.userId === 'alice');
  await dave.events.wait('onUserJoin', (e) => e.userId === 'bob');

  await bob.engine.hangup();
  await alice.events.wait('onUserLeave', (e) => e.userId === 'bob');
  await dave.events.wait('onUserLeave', (e) => e.userId === 'bob');
  assert.equal(alice.events.of('onCallEnd').length, 0);

  // dave is the last one with alice: his hangup ends alice's call and leaves a record in the group.
  await dave.engine.hangup();
  const end = await alice.events.wait('onCallEnd');
  assert.equal(end.callId, callId);
  assert.equal(end.cause, 'hangup');
  const record = cloud.wire.find((w) => w.from === 'dave' && JSON.parse(w.envelope.data).data?.cmd === 'hangup');
  assert.equal(record?.conversationType, 'GROUP');
  assert.equal(record?.to, 'team');
  await until(() => cloud.rooms.size === 0, 3000, 'room empty');
  await cleanup(alice, bob, carol, dave);
});

test('group call: a declining and a busy member drop out; the caller still connects with the third', async () => {
  const cloud = new FakeCloud();
  cloud.createGroup('team', ['alice', 'bob', 'carol', 'dave', 'erin']);
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  const carol = await user(cloud, 'carol');
  const dave = await user(cloud, 'dave');
  const erin = await user(cloud, 'erin');
  await erin.engine.calls({ userIDList: ['dave'], mediaType: CallMediaType.AUDIO });
  await dave.events.wait('onCallReceived'); // dave is busy (ringing for erin)
  await alice.engine.calls({ userIDList: ['bob', 'carol', 'dave'], mediaType: CallMediaType.AUDIO, groupID: 'team' });
  await alice.events.wait('onUserLineBusy', (e) => e.userId === 'dave');
  await bob.events.wait('onCallReceived');
  await bob.engine.reject();
  await alice.events.wait('onUserReject', (e) => e.userId === 'bob');
  assert.equal(alice.events.of('onCallEnd').length, 0, 'carol still rings');
  await carol.events.wait('onUserReject', (e) => e.userId === 'bob');
  await carol.engine.accept();
  await alice.events.wait('onCallBegin');
  await alice.events.wait('onUserJoin', (e) => e.userId === 'carol');
  await cleanup(alice, bob, carol, dave, erin);
});

test('inviteUser: a member is added to a running 1v1 call and joins the same room', async () => {
  const cloud = new FakeCloud();
  const { alice, bob } = await connected(cloud, CallMediaType.AUDIO);
  const carol = await user(cloud, 'carol');
  await alice.engine.inviteUser({ userIDList: ['carol'] });
  const ring = await carol.events.wait('onCallReceived');
  assert.equal(ring.caller.userId, 'alice');
  assert.ok(ring.calleeIdList.includes('bob') && ring.calleeIdList.includes('carol'));
  await carol.engine.accept();
  assert.equal(carol.engine.roomId, alice.engine.roomId);
  await alice.events.wait('onUserAccept', (e) => e.userId === 'carol');
  await alice.events.wait('onUserJoin', (e) => e.userId === 'carol');
  await bob.events.wait('onUserJoin', (e) => e.userId === 'carol');
  await carol.events.wait('onUserJoin', (e) => e.userId === 'bob');
  await cleanup(alice, bob, carol);
});

test('inviteUser: the newcomer names the call by its first id (initialCallId on the wire)', async () => {
  const cloud = new FakeCloud();
  const { alice, bob, callId } = await connected(cloud, CallMediaType.AUDIO);
  const carol = await user(cloud, 'carol');
  await alice.engine.inviteUser({ userIDList: ['carol'] });
  assert.deepEqual(alice.events.last('onUserInvited'), { userId: 'carol' });
  const ring = await carol.events.wait('onCallReceived');
  assert.equal(ring.callId, callId);
  const invite = cloud.calls.filter((c) => c.action === 1 && c.to === 'carol').at(-1);
  assert.equal((invite?.payload?.data as { initialCallId?: string }).initialCallId, callId);
  assert.notEqual(carol.chat().log.length, 0);
  // The first invitation's wire payload has none (TUICallKit apps see the official shape).
  const first = cloud.calls.find((c) => c.action === 1 && c.to === 'bob');
  assert.equal('initialCallId' in (first?.payload?.data as object), false);
  await carol.engine.reject();
  await alice.events.wait('onUserReject', (e) => e.userId === 'carol');
  await cleanup(alice, bob, carol);
});

test('join: a declined group call is entered later by its call id; the others see accept + join; leave keeps it running', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  const carol = await user(cloud, 'carol');
  cloud.createGroup('g1', ['alice', 'bob', 'carol']);
  const { callId } = await alice.engine.calls({ userIDList: ['bob', 'carol'], mediaType: CallMediaType.VIDEO, groupID: 'g1' });
  await bob.events.wait('onCallReceived');
  await carol.events.wait('onCallReceived');
  await bob.engine.accept();
  // Bob enters the room, then accepts (TUICallKit's order): carol, still ringing, sees his accept.
  await carol.events.wait('onUserAccept', (e) => e.userId === 'bob');
  await carol.engine.reject();
  await alice.events.wait('onUserReject', (e) => e.userId === 'carol');
  const wireBefore = cloud.wire.length;
  // Audio-only: a video call joined without the camera.
  await carol.engine.join({ callId, mediaType: CallMediaType.AUDIO });
  assert.equal(cloud.wire.length, wireBefore, 'joining sends no signaling (v2 joins by room)');
  assert.equal(carol.engine.roomId, alice.engine.roomId);
  assert.deepEqual(carol.events.last('onCallStarted'), {
    callId,
    mediaType: CallMediaType.VIDEO,
    role: 'callee',
    groupID: 'g1',
    members: [{ userId: 'alice' }, { userId: 'bob' }],
  });
  assert.deepEqual(carol.events.last('onCallMediaTypeChanged'), { mediaType: CallMediaType.AUDIO });
  assert.deepEqual(carol.events.last('onCallBegin'), { callId, mediaType: CallMediaType.AUDIO, role: 'callee' });
  assert.equal(carol.trtc().localVideo, null, 'no camera');
  await carol.events.wait('onUserJoin', (e) => e.userId === 'alice');
  await carol.events.wait('onUserJoin', (e) => e.userId === 'bob');
  assert.deepEqual(carol.events.of('onUserAccept'), [{ userId: 'bob' }], 'only the accept seen while ringing: present members just join');
  await alice.events.wait('onUserJoin', (e) => e.userId === 'carol');
  assert.ok(alice.events.of('onUserAccept').some((e) => e.userId === 'carol'));
  await carol.engine.hangup();
  await alice.events.wait('onUserLeave', (e) => e.userId === 'carol');
  await bob.events.wait('onUserLeave', (e) => e.userId === 'carol');
  assert.equal(alice.events.of('onCallEnd').length, 0);
  // Left: she may come back.
  await carol.engine.join({ callId });
  await alice.events.wait(
    'onUserJoin',
    (e) => alice.events.of('onUserJoin').filter((j) => j.userId === 'carol').length === 2 && e.userId === 'carol',
  );
  await cleanup(alice, bob, carol);
});

test('join: unknown or cancelled calls are refused with call-not-found; nothing is captured', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  await assert.rejects(bob.engine.join({ callId: 'no-such-call' }), (e: unknown) => {
    assert.ok(e instanceof CallKitError);
    assert.equal(e.code, ErrorCode.SERVER_ERROR);
    assert.equal(e.reason, 'call-not-found');
    return true;
  });
  await assert.rejects(bob.engine.join({ callId: '' }), { code: ErrorCode.INVALID_PARAMETER });
  await assert.rejects(bob.engine.join({ callId: 'x', mediaType: 7 as CallMediaType }), { code: ErrorCode.INVALID_PARAMETER });
  const { callId } = await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
  await bob.events.wait('onCallReceived');
  // While ringing: join is not accept.
  await assert.rejects(bob.engine.join({ callId }), { code: ErrorCode.ALREADY_IN_CALL });
  await alice.engine.hangup();
  await bob.events.wait('onCallEnd');
  await assert.rejects(bob.engine.join({ callId }), { reason: 'call-not-found' });
  // A 1v1 call that ended (declined, hung up) is over for both: not joinable either.
  const second = await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
  await bob.events.wait('onCallReceived', (e) => e.callId === second.callId);
  await bob.engine.reject();
  await alice.events.wait('onCallEnd', (e) => e.callId === second.callId);
  await assert.rejects(bob.engine.join({ callId: second.callId }), { reason: 'call-not-found' });
  await assert.rejects(alice.engine.join({ callId: second.callId }), { reason: 'call-not-found' });
  assert.equal(
    cloud.trtcs.filter((t) => t.label === 'bob').every((t) => t.localAudio === null),
    true,
  );
  assert.equal(bob.engine.callId, null);
  await cleanup(alice, bob);
});

test('accept/reject with a callId: only the ringing call (one call at a time here); another id is INVALID_STATE', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  const bob = await user(cloud, 'bob');
  const { callId } = await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
  await bob.events.wait('onCallReceived');
  await assert.rejects(bob.engine.accept({ callId: 'other' }), { code: ErrorCode.INVALID_STATE });
  await assert.rejects(bob.engine.reject({ callId: 'other' }), { code: ErrorCode.INVALID_STATE });
  assert.equal(bob.engine.callId, callId, 'still ringing');
  await bob.engine.accept({ callId });
  await alice.events.wait('onCallBegin');
  await cleanup(alice, bob);
});

// ---- kicked out, errors, interop, cleanup ------------------------------------------------------------

test('kicked out by another login: onKickedOffline, the call ends, the other side sees the leave', async () => {
  const cloud = new FakeCloud();
  const { alice, bob } = await connected(cloud);
  cloud.kick('bob', 'multipleAccount');
  assert.deepEqual(bob.events.last('onKickedOffline'), { reason: 'multipleAccount' });
  assert.equal(bob.events.last('onCallEnd')?.cause, 'disconnected');
  assert.equal(bob.events.last('onConnectionStateChanged')?.state, 'disconnected');
  await alice.events.wait('onUserLeave', (e) => e.userId === 'bob');
  assert.equal((await alice.events.wait('onCallEnd')).cause, 'hangup');
  await assert.rejects(bob.engine.calls({ userIDList: ['alice'], mediaType: CallMediaType.AUDIO }), {
    code: ErrorCode.SDK_NOT_INITIALIZED,
  });
  await cleanup(alice, bob);
});

test('UserSig expiry: onError 70001 and onKickedOffline userSigExpired', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  cloud.kick('alice', 'userSigExpired');
  assert.deepEqual(alice.events.last('onKickedOffline'), { reason: 'userSigExpired' });
  assert.equal(alice.events.last('onError')?.code, 70001);
  await cleanup(alice);
});

test('chat network state maps to onConnectionStateChanged; TRTC errors and kicks end the call', async () => {
  const cloud = new FakeCloud();
  const { alice, bob } = await connected(cloud);
  alice.chat().fire('netStateChange', { state: 'connecting' });
  alice.chat().fire('netStateChange', { state: 'connected' });
  assert.deepEqual(
    alice.events.of('onConnectionStateChanged').map((e) => e.state),
    ['connecting', 'connected', 'reconnecting', 'connected'],
  );
  alice.trtc().fire('kicked-out', { reason: 'room_disband' });
  assert.equal(alice.events.last('onCallEnd')?.cause, 'ended');
  assert.match(alice.events.last('onError')?.message ?? '', /room_disband/);
  bob.trtc().fire('error', { code: 5500, extraCode: 5501, message: 'connection lost' });
  assert.deepEqual(bob.events.last('onError'), { code: 5500, message: 'connection lost' });
  assert.equal(bob.events.last('onCallEnd')?.cause, 'error');
  await cleanup(alice, bob);
});

test('interop: a TUICallKit Android invitation (string room, older fields) rings and is joined by room', async () => {
  const cloud = new FakeCloud();
  const bob = await user(cloud, 'bob');
  const droid = cloud.chatModule.create({ SDKAppID: SDK_APP_ID }) as FakeChat;
  await droid.login({ userID: 'droid', userSig: 's' });
  const droidTrtc = cloud.trtcModuleFor('droid').create();
  await droidTrtc.startLocalAudio();
  await droidTrtc.enterRoom({ sdkAppId: SDK_APP_ID, userId: 'droid', userSig: 's', strRoomId: 'room_droid_7' });
  const data = JSON.stringify({
    version: 4,
    businessID: 'av_call',
    call_type: '1',
    room_id: 0,
    platform: 'android',
    extraInfo: '',
    data: { cmd: 'audioCall', room_id: 0, str_room_id: 'room_droid_7', inviter: 'droid', userIDs: ['bob'], message: '' },
  });
  await droid.invite({ userID: 'bob', data, timeout: 30 });
  const ring = await bob.events.wait('onCallReceived');
  assert.equal(ring.mediaType, CallMediaType.AUDIO);
  assert.equal(ring.caller.userId, 'droid');
  await bob.engine.accept();
  assert.equal(bob.engine.roomId, 'room_droid_7');
  assert.deepEqual(bob.trtc().log.find((l) => l.method === 'enterRoom')?.args[0], {
    sdkAppId: SDK_APP_ID,
    userId: 'bob',
    userSig: 'sig-bob',
    strRoomId: 'room_droid_7',
    autoReceiveAudio: true,
    enableAutoPlayDialog: false,
  });
  await bob.events.wait('onUserJoin', (e) => e.userId === 'droid');
  await bob.events.wait('onUserAudioAvailable', (e) => e.userId === 'droid' && e.available);
  // The Android side hangs up the v2 way: a hangup payload with call_end, then it leaves the room.
  await droid.invite({
    userID: 'bob',
    data: JSON.stringify({
      version: 4,
      businessID: 'av_call',
      call_type: 1,
      room_id: 0,
      call_end: 12,
      platform: 'android',
      data: { cmd: 'hangup', str_room_id: 'room_droid_7' },
    }),
    timeout: 0,
  });
  const end = await bob.events.wait('onCallEnd');
  assert.equal(end.cause, 'hangup');
  assert.ok(bob.events.of('onUserLeave').some((e) => e.userId === 'droid'));
  await droidTrtc.exitRoom();
  await droid.logout();
  await cleanup(bob);
});

test('a connected call in which nobody ever enters the room ends (caller vanished while we accepted)', async () => {
  const cloud = new FakeCloud();
  const bob = await user(cloud, 'bob', { roomJoinTimeoutMs: 80 });
  const ghost = cloud.chatModule.create({ SDKAppID: SDK_APP_ID }) as FakeChat;
  await ghost.login({ userID: 'ghost', userSig: 's' });
  const data = JSON.stringify({
    version: 4,
    businessID: 'av_call',
    call_type: 1,
    room_id: 31337,
    call_end: 0,
    platform: 'web',
    data: { cmd: 'audioCall', room_id: 31337, str_room_id: '', inviter: 'ghost', userIDs: ['bob'], message: '' },
  });
  await ghost.invite({ userID: 'bob', data, timeout: 30 });
  await bob.events.wait('onCallReceived');
  await bob.engine.accept();
  assert.equal(bob.events.last('onCallBegin')?.role, 'callee');
  const end = await bob.events.wait('onCallEnd');
  assert.equal(end.cause, 'disconnected');
  assert.match(bob.events.last('onError')?.message ?? '', /nobody joined/);
  await ghost.logout();
  await cleanup(bob);
});

test('offlinePushInfo is passed with every invitation (TUICallKit mobile apps get a push)', async () => {
  const cloud = new FakeCloud();
  const offlinePushInfo = { title: 'Incoming call', description: 'alice is calling', extension: '{"kind":"call"}' };
  const alice = await user(cloud, 'alice', { offlinePushInfo });
  await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
  assert.deepEqual(
    (alice.chat().log.find((l) => l.method === 'invite')?.args[0] as { offlinePushInfo?: unknown }).offlinePushInfo,
    offlinePushInfo,
  );
  await cleanup(alice);
});

test("without an app offlinePushInfo, invitations carry TUICallEngine's push extension; null sends none", async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice');
  await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.VIDEO });
  const push = (alice.chat().log.find((l) => l.method === 'invite')?.args[0] as { offlinePushInfo?: { extension?: string } })
    .offlinePushInfo;
  assert.deepEqual(JSON.parse(push?.extension ?? '{}'), {
    entity: { action: 2 },
    extra_info: '',
    timPushFeatures: { fcmNotificationType: 1, fcmPushType: 0 },
    voip_ext: { voip_media_type: 'video', voip_type: 'call' },
  });
  await cleanup(alice);
  const cloud2 = new FakeCloud();
  const carol = await user(cloud2, 'carol', { offlinePushInfo: null });
  await carol.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
  assert.equal('offlinePushInfo' in (carol.chat().log.find((l) => l.method === 'invite')?.args[0] as object), false);
  await cleanup(carol);
});

test('foreign and garbage signaling never rings nor throws', async () => {
  const cloud = new FakeCloud();
  const bob = await user(cloud, 'bob');
  const other = cloud.chatModule.create({ SDKAppID: SDK_APP_ID }) as FakeChat;
  await other.login({ userID: 'other', userSig: 's' });
  for (const data of [
    '',
    'not json',
    '{"businessID":"other_biz"}',
    '[1,2]',
    '{"businessID":"av_call"}',
    JSON.stringify({ businessID: 'av_call', call_type: 2, data: { cmd: 'videoCall' } }),
  ]) {
    await other.invite({ userID: 'bob', data, timeout: 0 });
  }
  // a hangup for a call bob is not in
  await other.invite({
    userID: 'bob',
    data: JSON.stringify({ businessID: 'av_call', call_end: 5, data: { cmd: 'hangup', room_id: 5 } }),
    timeout: 0,
  });
  await cloud.settle();
  assert.equal(bob.events.of('onCallReceived').length, 0);
  assert.equal(bob.events.of('onError').length, 0);
  await other.logout();
  await cleanup(bob);
});

test('destroy releases everything: listeners, room, capture, TRTC; hangs up a running call', async () => {
  const cloud = new FakeCloud();
  const { alice, bob } = await connected(cloud);
  const aliceChat = alice.chat();
  const aliceTrtc = alice.trtc();
  await alice.engine.destroy();
  assert.equal(aliceChat.listenerCount, 0);
  assert.equal(aliceTrtc.listenerCount, 0);
  assert.equal(aliceTrtc.destroyed, true);
  assert.equal(aliceTrtc.room, '');
  assert.equal(aliceTrtc.localAudio, null);
  assert.equal(aliceTrtc.localVideo, null);
  assert.equal(aliceChat.log.at(-1)?.method, 'logout');
  assert.equal((await bob.events.wait('onCallEnd')).cause, 'hangup');
  await assert.rejects(alice.engine.login({ SDKAppID: SDK_APP_ID, userID: 'alice', userSig: 's' }), { code: ErrorCode.INVALID_STATE });
  await cleanup(bob);
});

test('setBlurBackground: the virtual-background plugin with the self-hosted assetsPath; refused without one', async () => {
  class FakeVirtualBackground {}
  let loads = 0;
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice', {
    assetsPath: 'https://app.example/trtc-assets',
    loadVirtualBackground: async () => {
      loads++;
      return FakeVirtualBackground;
    },
  });
  const bob = await user(cloud, 'bob');
  await assert.rejects(alice.engine.setBlurBackground(3), { code: ErrorCode.INVALID_STATE }, 'needs a call');
  await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.VIDEO });
  await alice.engine.setBlurBackground(5);
  const trtc = alice.trtc();
  assert.equal(loads, 1);
  assert.deepEqual(trtc.plugins, [{ plugin: FakeVirtualBackground, assetsPath: 'https://app.example/trtc-assets' }]);
  assert.deepEqual(trtc.log.find((l) => l.method === 'startPlugin')?.args, [
    'VirtualBackground',
    { sdkAppId: SDK_APP_ID, userId: 'alice', userSig: 'sig-alice', type: 'blur', blurLevel: 5 },
  ]);
  const preview = alice.events.last('onLocalStream')?.stream as unknown as FakeStream;
  assert.equal(preview.getVideoTracks()[0].id, trtc.blur?.track.id, 'the preview shows the blurred (processed) track');
  await alice.engine.setBlurBackground(8);
  assert.deepEqual(trtc.log.find((l) => l.method === 'updatePlugin')?.args, ['VirtualBackground', { type: 'blur', blurLevel: 8 }]);
  await alice.engine.setBlurBackground(0);
  assert.equal(trtc.blur, null);
  assert.equal((alice.events.last('onLocalStream')?.stream as unknown as FakeStream).getVideoTracks()[0].id, trtc.localVideo?.track.id);
  await assert.rejects(alice.engine.setBlurBackground(11), { code: ErrorCode.INVALID_PARAMETER });
  // Unpaid apps: TRTC's NEED_TO_BUY comes back as FAILED with TRTC's code as the reason.
  trtc.pluginFailure = { code: 5401, message: 'You need to buy packages for Virtual Background' };
  await assert.rejects(alice.engine.setBlurBackground(2), { code: ErrorCode.FAILED, reason: '5401' });
  await alice.engine.hangup();

  const carol = await user(cloud, 'carol');
  await carol.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.VIDEO });
  await assert.rejects(carol.engine.setBlurBackground(3), (e: unknown) => {
    assert.ok(e instanceof CallKitError);
    assert.equal(e.code, ErrorCode.INVALID_PARAMETER);
    assert.match(e.message, /assetsPath/);
    return true;
  });
  await cleanup(alice, bob, carol);
});

test('setVirtualBackground: an image behind the person through the same plugin; replaces a blur, and "" turns it off', async () => {
  class FakeVirtualBackground {}
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice', { assetsPath: '/trtc-assets', loadVirtualBackground: async () => FakeVirtualBackground });
  const bob = await user(cloud, 'bob');
  await assert.rejects(alice.engine.setVirtualBackground('/bg/beach.jpg'), { code: ErrorCode.INVALID_STATE }, 'needs a call');
  await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.VIDEO });
  await alice.engine.setVirtualBackground('/bg/beach.jpg');
  const trtc = alice.trtc();
  assert.deepEqual(trtc.log.find((l) => l.method === 'startPlugin')?.args, [
    'VirtualBackground',
    { sdkAppId: SDK_APP_ID, userId: 'alice', userSig: 'sig-alice', type: 'image', src: '/bg/beach.jpg' },
  ]);
  const preview = alice.events.last('onLocalStream')?.stream as unknown as FakeStream;
  assert.equal(preview.getVideoTracks()[0].id, trtc.blur?.track.id, 'the preview shows the processed track');
  // A blur then replaces the image (the running plugin is updated, not started twice), and back.
  await alice.engine.setBlurBackground(4);
  assert.deepEqual(trtc.log.filter((l) => l.method === 'updatePlugin').at(-1)?.args, ['VirtualBackground', { type: 'blur', blurLevel: 4 }]);
  await alice.engine.setVirtualBackground('/bg/office.png');
  assert.deepEqual(trtc.log.filter((l) => l.method === 'updatePlugin').at(-1)?.args, [
    'VirtualBackground',
    { type: 'image', src: '/bg/office.png' },
  ]);
  assert.equal(trtc.log.filter((l) => l.method === 'startPlugin').length, 1);
  await alice.engine.setVirtualBackground('');
  assert.equal(trtc.blur, null, 'off');
  await alice.engine.setBlurBackground(0); // already off: nothing to stop
  assert.equal(trtc.log.filter((l) => l.method === 'stopPlugin').length, 1);
  await assert.rejects(alice.engine.setVirtualBackground(42 as unknown as string), { code: ErrorCode.INVALID_PARAMETER });
  await alice.engine.hangup();
  await cleanup(alice, bob);
});

test('assetsPath is handed to TRTC.create (self-hosted plugin assets, no CDN)', async () => {
  const cloud = new FakeCloud();
  const alice = await user(cloud, 'alice', { assetsPath: '/static/trtc-assets' });
  const bob = await user(cloud, 'bob');
  await alice.engine.calls({ userIDList: ['bob'], mediaType: CallMediaType.AUDIO });
  assert.equal(alice.trtc().options.assetsPath, '/static/trtc-assets');
  await cleanup(alice, bob);
});
