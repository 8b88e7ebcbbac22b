/**
 * The `tuicall` engine (src/engine/tuicall: this kit's engine contract over Tencent's own
 * `TUICallEngine`, call-engine-js 3.3.4) against a kit on the `tencent` engine, in the interop
 * harness (real chat signaling module on an in-memory bus, shared fake TRTC rooms). Its own
 * process: the official engine is a singleton, here it belongs to the tuicall user.
 *
 * v2 (`protocol: 'v2'`) runs end to end here. v3 (`calls()` to Tencent's call service) needs
 * Tencent's cloud: the scenario shows the request leaves through chat's `callExperimentalAPI`
 * and that a `tencent` engine never rings for it.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { CallEndReason, CallMediaType, CallRole } from '../../src/constants.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import { TUICallEngineAdapter } from '../../src/engine/tuicall/index.js';
import type { TUICallEngineModule } from '../../src/engine/tuicall/index.js';
import type { CallEngineEvents, PresenceEntry } from '../../src/engine/types.js';
import { fakeStreamFactory } from '../helpers/tencent-double.js';
import { loadOfficial } from './harness/official.js';
import { KitParty, SDK_APP_ID, until, World } from './harness/parties.js';

if (!process.env.INTEROP_VERBOSE) {
  const quiet = (): void => undefined;
  console.log = quiet;
  console.info = quiet;
  console.debug = quiet;
  console.warn = quiet;
}

const T = { timeout: 30_000 };
const world = new World('tk');
const chat = world.bus.chat('tk');
const tuicall = new TUICallEngineAdapter({
  loadEngine: async () => (await loadOfficial()) as unknown as TUICallEngineModule,
  chat,
  protocol: 'v2',
  createMediaStream: fakeStreamFactory,
});
const seen: { name: string; data: Record<string, unknown> }[] = [];
for (const name of [
  'onCallReceived',
  'onCallStarted',
  'onCallBegin',
  'onCallEnd',
  'onUserAccept',
  'onUserReject',
  'onUserJoin',
  'onUserLeave',
  'onRemoteStream',
  'onLocalStream',
  'onUserLineBusy',
  'onUserNoResponse',
] as const) {
  tuicall.on(name, (payload: CallEngineEvents[typeof name]) => seen.push({ name, data: payload as unknown as Record<string, unknown> }));
}
const waitTui = (name: string, from: number, ms = 8000): Promise<{ name: string; data: Record<string, unknown> }> =>
  until(`tuicall: ${name}`, () => seen.slice(from).find((e) => e.name === name), ms);

let seq = 0;
const kits: KitParty[] = [];
async function kitUser(): Promise<KitParty> {
  const party = new KitParty(world, `tencent-${++seq}`);
  await party.login();
  kits.push(party);
  return party;
}

before(async () => {
  await tuicall.login({ SDKAppID: SDK_APP_ID, userID: 'tk', userSig: 'sig-tk' });
});

afterEach(async () => {
  if (tuicall.callId) await Promise.race([tuicall.hangup(), new Promise((resolve) => setTimeout(resolve, 1000))]);
  for (const k of kits.splice(0)) await k.engine.destroy().catch(() => undefined);
  await until('rooms empty', () => world.roomsOf('tk').length === 0, 5000).catch(() => undefined);
});

after(() => {
  setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref();
});

describe('a kit on the tuicall engine and a kit on the tencent engine call each other', { concurrency: false }, () => {
  it('tuicall (v2) calls tencent: rings, connects in one room with streams, the tuicall side hangs up', T, async () => {
    const kit = await kitUser();
    const mark = seen.length;
    const { callId } = await tuicall.calls({ userIDList: [kit.userID], mediaType: CallMediaType.VIDEO, timeout: 10 });
    const started = await waitTui('onCallStarted', mark);
    assert.equal(started.data.callId, callId);
    const received = await kit.wait('onCallReceived');
    assert.equal(received.data.callId, callId, 'both sides name the call alike (the chat inviteID)');
    await kit.engine.accept();
    const begin = await waitTui('onCallBegin', mark);
    assert.equal(begin.data.role, CallRole.CALLER);
    await kit.wait('onCallBegin');
    const room = kit.engine.roomId as number;
    await until('both in the room', () => world.roomMembers(room).sort().join() === [kit.userID, 'tk'].sort().join());
    await until('a remote stream on the tuicall side', () =>
      seen.slice(mark).some((e) => e.name === 'onRemoteStream' && e.data.userId === kit.userID && e.data.stream),
    );
    await kit.wait('onUserJoin');
    await tuicall.hangup();
    const end = await waitTui('onCallEnd', mark);
    assert.equal(end.data.reason, CallEndReason.HANGUP);
    await kit.wait('onCallEnd');
    assert.equal(kit.endReason(), CallEndReason.HANGUP);
  });

  it('tencent calls tuicall: it rings with the call id, accepts, connects; the tencent side hangs up', T, async () => {
    const kit = await kitUser();
    const mark = seen.length;
    const { callId } = await kit.engine.calls({ userIDList: ['tk'], mediaType: CallMediaType.AUDIO, timeout: 10, userData: 'order-7' });
    const received = await waitTui('onCallReceived', mark);
    assert.equal(received.data.callId, callId);
    assert.equal(received.data.userData, 'order-7');
    assert.deepEqual(received.data.caller, { userId: kit.userID });
    await tuicall.accept();
    await waitTui('onCallBegin', mark);
    await kit.wait('onCallBegin');
    await kit.wait('onUserJoin');
    await kit.engine.hangup();
    const end = await waitTui('onCallEnd', mark);
    assert.equal(end.data.cause, 'hangup');
  });

  it('tuicall declines a tencent call: the caller sees onUserReject, both end REJECT', T, async () => {
    const kit = await kitUser();
    const mark = seen.length;
    await kit.engine.calls({ userIDList: ['tk'], mediaType: CallMediaType.AUDIO, timeout: 10 });
    await waitTui('onCallReceived', mark);
    await tuicall.reject();
    assert.equal(seen.slice(mark).find((e) => e.name === 'onCallEnd')?.data.reason, CallEndReason.REJECT);
    await kit.wait('onUserReject');
    await kit.wait('onCallEnd');
    assert.equal(kit.endReason(), CallEndReason.REJECT);
  });

  it('tencent cancels while tuicall rings: tuicall ends CANCELED', T, async () => {
    const kit = await kitUser();
    const mark = seen.length;
    await kit.engine.calls({ userIDList: ['tk'], mediaType: CallMediaType.VIDEO, timeout: 10 });
    await waitTui('onCallReceived', mark);
    await kit.engine.hangup();
    const end = await waitTui('onCallEnd', mark);
    assert.equal(end.data.cause, 'cancelled');
  });

  it('tuicall calls a busy tencent user: onUserLineBusy', T, async () => {
    const kit = await kitUser();
    const other = await kitUser();
    await other.engine.calls({ userIDList: [kit.userID], mediaType: CallMediaType.AUDIO, timeout: 10 });
    await kit.wait('onCallReceived');
    const mark = seen.length;
    await tuicall.calls({ userIDList: [kit.userID], mediaType: CallMediaType.AUDIO, timeout: 10 });
    await waitTui('onUserLineBusy', mark);
    await waitTui('onCallEnd', mark);
  });
});

/**
 * TUICallEngine 3.3.4 sends `join({ callId })`, and `inviteUser` in a 1v1 call, to Tencent's v3 call
 * service (`call_engine_srv.join_in_call` / `.invite_user`), which never sees a v2 call. The adapter
 * keeps such calls on v2: a group call is joined by its group and room, a 1v1 call is refused.
 */
describe('v2 calls: join by call id and inviteUser stay on chat signaling', { concurrency: false }, () => {
  const v3Requests = (from: number): string[] =>
    chat.serviceCommands.slice(from).filter((c) => c === 'call_engine_srv.invite_user' || c === 'call_engine_srv.join_in_call');

  it('inviteUser in a v2 1v1 call is refused (not-supported): nothing goes to the v3 call service, the call goes on', T, async () => {
    const kit = await kitUser();
    const third = await kitUser();
    const mark = seen.length;
    await tuicall.calls({ userIDList: [kit.userID], mediaType: CallMediaType.AUDIO, timeout: 10 });
    await kit.wait('onCallReceived');
    await kit.engine.accept();
    await waitTui('onCallBegin', mark);
    const commands = chat.serviceCommands.length;
    const wire = world.bus.wire.length;
    await assert.rejects(tuicall.inviteUser({ userIDList: [third.userID] }), (error: unknown) => {
      assert.ok(error instanceof CallKitError);
      assert.equal(error.reason, 'not-supported');
      assert.match(error.message, /groupID/);
      return true;
    });
    assert.deepEqual(v3Requests(commands), [], 'no call_engine_srv.invite_user request');
    assert.equal(world.bus.wire.slice(wire).filter((m) => m.from === 'tk').length, 0, 'no chat invitation either');
    assert.equal(third.has('onCallReceived'), false);
    assert.ok(tuicall.callId, 'the call goes on');
    assert.equal(
      seen.slice(mark).some((e) => e.name === 'onCallEnd'),
      false,
    );
    await tuicall.hangup();
    await kit.wait('onCallEnd');
  });

  it('inviteUser in a v2 group call rings the invitee with the same call id', T, async () => {
    const kit = await kitUser();
    const third = await kitUser();
    const groupID = `tk-team-${seq}`;
    world.bus.createGroup(groupID, ['tk', kit.userID, third.userID]);
    const mark = seen.length;
    const { callId } = await tuicall.calls({ userIDList: [kit.userID], mediaType: CallMediaType.AUDIO, timeout: 10, groupID });
    await kit.wait('onCallReceived');
    await kit.engine.accept();
    await waitTui('onCallBegin', mark);
    await tuicall.inviteUser({ userIDList: [third.userID] });
    const rang = await third.wait('onCallReceived');
    assert.equal(rang.data.callId, callId);
    await third.engine.accept();
    await until('all three in the room', () => world.roomMembers(kit.engine.roomId as number).length === 3);
  });

  it('tuicall declines a v2 group call, then joins it by its call id: everyone sees it join and leave', T, async () => {
    const kit = await kitUser();
    const other = await kitUser();
    const groupID = `tk-join-${seq}`;
    world.bus.createGroup(groupID, ['tk', kit.userID, other.userID]);
    const mark = seen.length;
    const { callId } = await kit.engine.calls({ userIDList: ['tk', other.userID], mediaType: CallMediaType.AUDIO, timeout: 10, groupID });
    await waitTui('onCallReceived', mark);
    await other.wait('onCallReceived');
    await other.engine.accept();
    await kit.wait('onUserJoin');
    await tuicall.reject();
    await kit.wait('onUserReject');
    const commands = chat.serviceCommands.length;
    const again = seen.length;
    await tuicall.join({ callId });
    const started = await waitTui('onCallStarted', again);
    assert.equal(started.data.callId, callId);
    assert.equal(started.data.groupID, groupID);
    await waitTui('onCallBegin', again);
    const room = kit.engine.roomId as number;
    await until('tk in the call room', () => world.roomMembers(room).includes('tk'));
    await until('both kits see tk join', () => [kit, other].every((k) => k.events('onUserJoin').some((e) => e.data.userId === 'tk')));
    assert.deepEqual(v3Requests(commands), [], 'no call_engine_srv.join_in_call request');
    await tuicall.hangup();
    await until('both kits see tk leave', () => [kit, other].every((k) => k.events('onUserLeave').some((e) => e.data.userId === 'tk')));
    assert.equal(kit.has('onCallEnd') || other.has('onCallEnd'), false, 'the call goes on for the others');
  });

  it('join by the id of a v2 1v1 call is refused (SERVER_ERROR call-not-found) without asking the v3 call service', T, async () => {
    const kit = await kitUser();
    const mark = seen.length;
    const { callId } = await kit.engine.calls({ userIDList: ['tk'], mediaType: CallMediaType.AUDIO, timeout: 10 });
    await waitTui('onCallReceived', mark);
    await tuicall.reject();
    await kit.wait('onCallEnd');
    const commands = chat.serviceCommands.length;
    await assert.rejects(tuicall.join({ callId }), { code: ErrorCode.SERVER_ERROR, reason: 'call-not-found' });
    assert.deepEqual(v3Requests(commands), []);
    assert.equal(tuicall.callId, null);
  });
});

/**
 * What reaches Tencent's v3 call service, pinned so docs/tuicall-v3.md stays true: the requests
 * are TUICallEngine's own (`{ Head, Body }` through chat's `sendRoomCustomData`). The harness has
 * no call service (its answers and pushes are unknown), so these calls cannot succeed here.
 */
const HEAD = { DeviceName: 'Linux', LongPollingKey: '', OSName: 'Chrome', RoomId: '', SdkVersion: '1.0.0.0', Version: 2 };

describe('v3', { concurrency: false }, () => {
  it(
    'join by a call id never seen on chat goes to call_engine_srv.join_in_call { CallId, User_Account }; unanswered here: SERVER_ERROR',
    T,
    async () => {
      const from = chat.serviceRequests.length;
      await assert.rejects(tuicall.join({ callId: 'v3-call-1' }), { code: ErrorCode.SERVER_ERROR });
      const sent = chat.serviceRequests.slice(from).filter((r) => r.command === 'call_engine_srv.join_in_call');
      assert.equal(sent.length, 1);
      const { Head, Body } = sent[0]!.data as { Head: Record<string, unknown>; Body: Record<string, unknown> };
      assert.deepEqual(Body, { CallId: 'v3-call-1', User_Account: 'tk' });
      assert.deepEqual({ ...Head, OSVersion: undefined }, { ...HEAD, Command: 'call_engine_srv.join_in_call', OSVersion: undefined });
      assert.equal(tuicall.callId, null);
    },
  );

  it(
    'calls() in v3 goes to the server call service (callExperimentalAPI), which is Tencent cloud: a tencent-engine kit never rings',
    T,
    async () => {
      const v3 = new TUICallEngineAdapter({
        loadEngine: async () => (await loadOfficial()) as unknown as TUICallEngineModule,
        chat,
        protocol: 'v3',
      });
      // Same singleton underneath: reuse its login (the adapter's own login would log in again).
      const kit = await kitUser();
      const since = world.bus.wire.length;
      const before = chat.experimental.length;
      await v3.login({ SDKAppID: SDK_APP_ID, userID: 'tk', userSig: 'sig-tk' });
      await Promise.race([
        v3.calls({ userIDList: [kit.userID], mediaType: CallMediaType.AUDIO, timeout: 2 }).catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 1500)),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(kit.has('onCallReceived'), false, 'no chat invitation: nothing rings on the tencent engine');
      assert.equal(world.bus.wire.slice(since).filter((m) => m.from === 'tk').length, 0, 'no chat signaling for v3');
      assert.ok(
        chat.experimental.slice(before).length > 0,
        'the request went to chat.callExperimentalAPI (sendRoomCustomData to call_engine_srv)',
      );
      const start = chat.serviceRequests.find((r) => r.command === 'call_engine_srv.start_call');
      assert.ok(start, 'call_engine_srv.start_call');
      const { Head, Body } = start.data as { Head: Record<string, unknown>; Body: Record<string, unknown> };
      assert.equal(Head.Command, 'call_engine_srv.start_call');
      assert.equal(Head.Version, 2);
      assert.deepEqual(Object.keys(Body).sort(), [
        'CallInfo',
        'CalleeList_Account',
        'Caller_Account',
        'OfflinePushInfo',
        'Timeout',
        'UserData',
      ]);
      const info = Body.CallInfo as Record<string, unknown>;
      assert.deepEqual(
        { ...info, RoomId: typeof info.RoomId },
        {
          CallId: '',
          CallMediaType: 1,
          ExcludeFromHistoryMessage: false,
          GroupId: '',
          IsEphemeralCall: false,
          RoomId: 'string',
          RoomIdType: 1,
        },
      );
      assert.match(String(info.RoomId), /^[1-9][0-9]*$/, 'a numeric room, as a string');
      assert.deepEqual(Body.CalleeList_Account, [kit.userID]);
      assert.equal(Body.Caller_Account, 'tk');
      assert.equal(Body.Timeout, 2000, 'milliseconds');
      await Promise.race([v3.hangup(), new Promise((resolve) => setTimeout(resolve, 1000))]);
    },
  );
});

describe('presence on the tuicall engine (chat user status, as the tencent engine)', { concurrency: false }, () => {
  const told: PresenceEntry[] = [];
  tuicall.on('onPresenceChanged', ({ users }) => told.push(...users));
  const last = (userId: string): string | undefined => told.filter((u) => u.userId === userId).at(-1)?.status;

  it(
    'a snapshot, then online / busy (in our call) / offline as the tencent user calls, logs out and in; unsubscribe stops it',
    T,
    async () => {
      const kit = await kitUser();
      const snapshot = await tuicall.subscribePresence!([kit.userID, 'nobody-here']);
      assert.deepEqual(snapshot, [
        { userId: kit.userID, status: 'online' },
        { userId: 'nobody-here', status: 'offline' },
      ]);
      assert.deepEqual([...chat.statusWatched].sort(), [kit.userID, 'nobody-here'].sort(), 'subscribed on chat');
      // In a call with us: busy; after it: online again.
      const mark = seen.length;
      await kit.engine.calls({ userIDList: ['tk'], mediaType: CallMediaType.AUDIO, timeout: 10 });
      await waitTui('onCallReceived', mark);
      await tuicall.accept();
      await waitTui('onCallBegin', mark);
      await until('busy while in our call', () => last(kit.userID) === 'busy');
      await kit.engine.hangup();
      await waitTui('onCallEnd', mark);
      await until('online after the call', () => last(kit.userID) === 'online');
      // Chat's USER_STATUS_UPDATED: the tencent user logs out (the engine never logs out the app's
      // own chat instance: the app does), then in again.
      await kit.engine.logout();
      await kit.chat.logout();
      await until('offline once logged out', () => last(kit.userID) === 'offline');
      await kit.login();
      await until('online once logged in', () => last(kit.userID) === 'online');
      await tuicall.unsubscribePresence!([kit.userID]);
      assert.deepEqual([...chat.statusWatched], ['nobody-here'], 'unsubscribed on chat');
      await tuicall.unsubscribePresence!();
      assert.equal(chat.statusWatched.size, 0);
    },
  );

  it("without the plan's user status (chat 3122): FAILED, reason presence-disabled", T, async () => {
    chat.userStatusEnabled = false;
    try {
      await assert.rejects(tuicall.subscribePresence!(['someone']), (error: unknown) => {
        assert.ok(error instanceof CallKitError);
        assert.equal(error.code, ErrorCode.FAILED);
        assert.equal(error.reason, 'presence-disabled');
        return true;
      });
    } finally {
      chat.userStatusEnabled = true;
    }
  });
});
