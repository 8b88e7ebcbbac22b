/**
 * Interop with the official web engine `@tencentcloud/call-engine-js` 3.3.4 (devDependency,
 * pinned), run in Node over the real `@tencentcloud/chat` signaling module on an in-memory bus and
 * a shared fake TRTC room registry (harness: `test/interop/harness/`, method:
 * `reference/interop-official-engine.md`). Each scenario runs in both directions where the
 * official API allows it (kit calls official, official calls kit) and asserts what each side's
 * user sees: it rings, both sides are in the same TRTC room, the call ends on both sides with the
 * end reason each expects, and the chat history holds the records TUIChat renders.
 *
 * The official engine is a singleton: one official user ("tui") per process; the kit parties are
 * new users in every scenario. Ring timeouts are chat signaling's own (1 s ticks), so scenarios
 * use short ones.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, it } from 'node:test';
import { CallEndReason, CallMediaType } from '../../src/constants.js';
import { ErrorCode } from '../../src/errors.js';
import { KitParty, OfficialParty, until, World } from './harness/parties.js';
import { OfficialTRTC } from './harness/official.js';
import type { BusMessage } from './harness/chat-bus.js';
import { parseSignalingMessage } from '../../src/engine/tencent/wire.js';

// The official engine and its wasm log every step to the console: keep the test output readable.
if (!process.env.INTEROP_VERBOSE) {
  const quiet = (): void => undefined;
  console.log = quiet;
  console.info = quiet;
  console.debug = quiet;
  console.warn = quiet;
}

/** Per scenario: long enough for two ring timeouts of chat signaling's 1 s ticks. */
const T = { timeout: 30_000 };

const world = new World('tui');
const tui = new OfficialParty(world, 'tui');
let seq = 0;
const kits: KitParty[] = [];

/** A new logged-in kit user for this scenario. */
async function kitUser(name: string, options?: ConstructorParameters<typeof KitParty>[2]): Promise<KitParty> {
  const party = new KitParty(world, `${name}-${++seq}`, options);
  await party.login();
  kits.push(party);
  return party;
}

/** Hangup records (cmd `hangup` with `call_end`, the TUIChat call record) sent for a room. */
function hangupRecords(room: number | string): { from: string; callEnd: unknown; excluded: boolean }[] {
  return world.bus.log
    .filter((m) => m.action === 1 && (m.payload?.data as { cmd?: string } | undefined)?.cmd === 'hangup')
    .filter((m) => m.payload?.room_id === room || (m.payload?.data as { str_room_id?: string }).str_room_id === room)
    .map((m) => ({
      from: m.from,
      callEnd: m.payload?.call_end,
      excluded: Boolean((m.options.messageControlInfo as { excludedFromUnreadCount?: boolean } | undefined)?.excludedFromUnreadCount),
    }));
}

interface CapturedFixture {
  description: string;
  source: string;
  provenance: string;
  captured: true;
  message: Record<string, unknown> & { payload: { data: string; description: string; extension: string } };
  expected: unknown;
}

/** A captured bus message as a fixture: fixed ids, times and user names, the parse expected of it. */
function normalizeCaptured(message: BusMessage, description: string, name: (user: string) => string): CapturedFixture {
  const envelope = JSON.parse(message.payload.data) as Record<string, unknown> & { inviteeList: string[]; inviter: string; data: string };
  // Rooms of calls the kit placed are random: written as the one the official calls used.
  const room = (JSON.parse(envelope.data) as { room_id?: unknown }).room_id;
  const rename = (text: string): string => {
    const renamed = text.replace(/\b(kit2?-\d+)\b/g, (user) => name(user));
    return typeof room === 'number' && room > 0 ? renamed.split(`:${room}`).join(':31397065') : renamed;
  };
  const fixed = {
    ...envelope,
    inviteID: '0fc1a1e0-3a4b-4c5d-8e6f-334000000001',
    inviter: name(envelope.inviter),
    inviteeList: envelope.inviteeList.map(name),
    data: rename(envelope.data),
  };
  const data = JSON.stringify(fixed);
  const parsed = parseSignalingMessage({ type: 'TIMCustomElem', payload: { data } });
  return {
    description,
    source: 'TUICallEngine 3.3.4 (@tencentcloud/call-engine-js, the official web engine), v2 signaling',
    provenance:
      'captured: official engine 3.3.4 output over a simulated transport (test/interop: the real @tencentcloud/chat 3.6.6 signaling module on an in-memory bus); ids, times and user names normalized. Regenerate with INTEROP_WRITE_FIXTURES=1 npm run test:interop',
    captured: true,
    message: {
      ID: 'captured-3.3.4',
      type: 'TIMCustomElem',
      from: name(message.from),
      to: name(message.to),
      conversationType: message.conversationType,
      conversationID: `${message.conversationType}${name(message.to)}`,
      priority: message.priority,
      time: 1796200000,
      payload: { data, description: '', extension: '' },
      cloudCustomData: '',
    },
    expected: parsed,
  };
}

/** Messages sent by `from` since index `since` of the wire. */
function sentBy(from: string, since = 0): ReturnType<typeof world.bus.log.at>[] {
  return world.bus.log.slice(since).filter((m) => m.from === from);
}

/** The official user's call ended (`onCallEnd`, or `onCallNotConnected` for a call that never connected). */
function tuiEnded(mark: number, ms = 8000): Promise<unknown> {
  return until('tui: call ended', () => tui.has('onCallEnd', mark) || tui.has('onCallNotConnected', mark), ms);
}

/** Waits until nobody is left in any room but `except`. */
async function roomsEmpty(...users: string[]): Promise<void> {
  await until(`rooms left by ${users.join(', ')}`, () => users.every((u) => world.roomsOf(u).length === 0));
}

/** Ends whatever a scenario left behind, so the next one starts idle. */
async function cleanup(): Promise<void> {
  await tui.reset();
  for (const k of kits.splice(0)) await k.engine.destroy().catch(() => undefined);
  await until('official idle', () => world.roomsOf('tui').length === 0, 5000).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 50));
}

before(async () => {
  await tui.login();
});

afterEach(cleanup);

after(async () => {
  await cleanup();
  // The official engine keeps timers (reporting, heartbeats) alive.
  setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref();
});

/** The kit calls the official user 1v1; both connect in one room. */
async function kitCallsOfficial(kit: KitParty, mediaType: CallMediaType): Promise<{ room: number; tuiMark: number }> {
  const tuiMark = tui.mark;
  const { callId } = await kit.engine.calls({ userIDList: ['tui'], mediaType, timeout: 10 });
  const received = await tui.wait('onCallReceived', tuiMark);
  assert.equal(received.data.callerId, kit.userID);
  assert.equal(received.data.callMediaType, mediaType);
  assert.equal(received.data.callId, callId);
  const room = received.data.roomID as number;
  assert.equal(room, kit.engine.roomId);
  await tui.engine.accept();
  await kit.wait('onCallBegin');
  await tui.wait('onCallBegin', tuiMark);
  await until('both in the room', () => world.roomMembers(room).sort().join() === [kit.userID, 'tui'].sort().join());
  await kit.wait('onUserJoin');
  return { room, tuiMark };
}

/** The official user calls the kit 1v1; both connect in one room. */
async function officialCallsKit(
  kit: KitParty,
  mediaType: CallMediaType,
  extra: Record<string, unknown> = {},
): Promise<{ room: number | string; tuiMark: number }> {
  const tuiMark = tui.mark;
  await tui.engine.call({ userID: kit.userID, type: mediaType, timeout: 10, ...extra });
  const received = await kit.wait('onCallReceived');
  assert.equal((received.data.caller as { userId: string }).userId, 'tui');
  assert.equal(received.data.mediaType, mediaType);
  await kit.engine.accept();
  await kit.wait('onCallBegin');
  await tui.wait('onCallBegin', tuiMark);
  const room = kit.engine.roomId as number | string;
  await until('both in the room', () => world.roomMembers(room).sort().join() === [kit.userID, 'tui'].sort().join());
  await kit.wait('onUserJoin');
  return { room, tuiMark };
}

describe('interop with the official engine (call-engine-js 3.3.4)', { concurrency: false }, () => {
  describe('1v1, kit calls official', { concurrency: false }, () => {
    for (const [label, mediaType] of [
      ['video', CallMediaType.VIDEO],
      ['audio', CallMediaType.AUDIO],
    ] as const) {
      it(
        `${label}: rings, connects in one room, the kit hangs up: both end, one call record (from the official, who stays)`,
        T,
        async () => {
          const kit = await kitUser('kit');
          const { room, tuiMark } = await kitCallsOfficial(kit, mediaType);
          await kit.engine.hangup();
          const end = await tui.wait('onCallEnd', tuiMark);
          assert.equal(kit.endReason(), CallEndReason.HANGUP);
          assert.equal(end.data.roomID, room);
          await roomsEmpty(kit.userID, 'tui');
          await until('a call record', () => hangupRecords(room).length > 0);
          await new Promise((resolve) => setTimeout(resolve, 200));
          const records = hangupRecords(room);
          assert.deepEqual(
            records.map((r) => r.from),
            ['tui'],
            'exactly one hangup record, sent by the side that stays (M2)',
          );
        },
      );
    }

    it('the official user hangs up: both end, one call record (from the kit, who stays)', T, async () => {
      const kit = await kitUser('kit');
      const { room, tuiMark } = await kitCallsOfficial(kit, CallMediaType.VIDEO);
      await tui.engine.hangup();
      await kit.wait('onCallEnd');
      await tui.wait('onCallEnd', tuiMark);
      assert.equal(kit.endReason(), CallEndReason.HANGUP);
      assert.ok(kit.has('onUserLeave'));
      await roomsEmpty(kit.userID, 'tui');
      await until('a call record', () => hangupRecords(room).length > 0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(
        hangupRecords(room).map((r) => r.from),
        [kit.userID],
        'exactly one hangup record, sent by the side that stays (M2)',
      );
    });
  });

  describe('1v1, official calls kit', { concurrency: false }, () => {
    for (const [label, mediaType] of [
      ['video', CallMediaType.VIDEO],
      ['audio', CallMediaType.AUDIO],
    ] as const) {
      it(`${label}: rings with room, media and userData; the official user hangs up: one call record (from the kit)`, T, async () => {
        const kit = await kitUser('kit');
        const tuiMark = tui.mark;
        await tui.engine.call({ userID: kit.userID, type: mediaType, timeout: 10, userData: 'order-42' });
        const received = await kit.wait('onCallReceived');
        assert.equal(received.data.userData, 'order-42');
        await kit.engine.accept();
        await tui.wait('onCallBegin', tuiMark);
        const room = kit.engine.roomId as number;
        await until('both in the room', () => world.roomMembers(room).length === 2);
        await kit.wait('onUserJoin');
        await tui.engine.hangup();
        await kit.wait('onCallEnd');
        await tui.wait('onCallEnd', tuiMark);
        assert.equal(
          kit.endReason(),
          CallEndReason.HANGUP,
          JSON.stringify(kit.seen.map((e) => [e.name, e.data.cause ?? e.data.userId ?? e.data.message])),
        );
        await roomsEmpty(kit.userID, 'tui');
        await until('a call record', () => hangupRecords(room).length > 0);
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.deepEqual(
          hangupRecords(room).map((r) => r.from),
          [kit.userID],
          'one record, from the side that stays (M2)',
        );
      });
    }

    it('the kit hangs up: both end, one call record (from the official)', T, async () => {
      const kit = await kitUser('kit');
      const { room, tuiMark } = await officialCallsKit(kit, CallMediaType.VIDEO);
      await kit.engine.hangup();
      await tui.wait('onCallEnd', tuiMark);
      await roomsEmpty(kit.userID, 'tui');
      await until('a call record', () => hangupRecords(room).length > 0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(
        hangupRecords(room).map((r) => r.from),
        ['tui'],
        'one record, from the side that stays (M2)',
      );
    });

    it('a string room (strRoomID) is entered as a string room on both sides', T, async () => {
      const kit = await kitUser('kit');
      const { room } = await officialCallsKit(kit, CallMediaType.AUDIO, { strRoomID: 'desk-12' });
      assert.equal(room, 'desk-12');
      assert.deepEqual(world.roomMembers('desk-12').sort(), [kit.userID, 'tui'].sort());
      await kit.engine.hangup();
      await roomsEmpty(kit.userID, 'tui');
    });
  });

  describe('reject, busy, cancel, no answer', { concurrency: false }, () => {
    it('kit calls, official rejects: the kit sees onUserReject and ends with reason REJECT', T, async () => {
      const kit = await kitUser('kit');
      const tuiMark = tui.mark;
      await kit.engine.calls({ userIDList: ['tui'], mediaType: CallMediaType.AUDIO, timeout: 10 });
      await tui.wait('onCallReceived', tuiMark);
      await tui.engine.reject();
      await kit.wait('onUserReject');
      await kit.wait('onCallEnd');
      assert.equal(kit.endReason(), CallEndReason.REJECT);
      await roomsEmpty(kit.userID);
    });

    it('official calls, kit rejects: the official sees onUserReject', T, async () => {
      const kit = await kitUser('kit');
      const tuiMark = tui.mark;
      await tui.engine.call({ userID: kit.userID, type: CallMediaType.AUDIO, timeout: 10 });
      await kit.wait('onCallReceived');
      await kit.engine.reject();
      const rejected = await tui.wait('onUserReject', tuiMark);
      assert.equal(rejected.data.userID, kit.userID);
      await tuiEnded(tuiMark);
      await roomsEmpty('tui');
    });

    it('kit calls a busy official user: onUserLineBusy, reason LINE_BUSY', T, async () => {
      const other = await kitUser('other');
      await kitCallsOfficial(other, CallMediaType.AUDIO);
      const kit = await kitUser('kit');
      await kit.engine.calls({ userIDList: ['tui'], mediaType: CallMediaType.AUDIO, timeout: 10 });
      await kit.wait('onUserLineBusy');
      await kit.wait('onCallEnd');
      assert.equal(kit.endReason(), CallEndReason.LINE_BUSY);
    });

    it('official calls a busy kit user: onUserLineBusy; the busy reject carries data.message "lineBusy"', T, async () => {
      const kit = await kitUser('kit');
      const other = await kitUser('other');
      await other.engine.calls({ userIDList: [kit.userID], mediaType: CallMediaType.AUDIO, timeout: 10 });
      await kit.wait('onCallReceived');
      await kit.engine.accept();
      await kit.wait('onCallBegin');
      const since = world.bus.wire.length;
      const tuiMark = tui.mark;
      await tui.engine.call({ userID: kit.userID, type: CallMediaType.VIDEO, timeout: 10 });
      const busy = await tui.wait('onUserLineBusy', tuiMark);
      assert.equal(busy.data.userID, kit.userID);
      const reject = sentBy(kit.userID, since).find((m) => m?.action === 4);
      assert.ok(reject, 'the kit answered with a reject');
      assert.equal(
        (reject.payload?.data as { message?: string }).message,
        'lineBusy',
        'the official engine reads busy only from data.message',
      );
      await tuiEnded(tuiMark);
    });

    it('kit calls, then cancels: the official stops ringing (onCallCancelled)', T, async () => {
      const kit = await kitUser('kit');
      const tuiMark = tui.mark;
      await kit.engine.calls({ userIDList: ['tui'], mediaType: CallMediaType.VIDEO, timeout: 10 });
      await tui.wait('onCallReceived', tuiMark);
      await kit.engine.hangup();
      await tui.wait('onCallCancelled', tuiMark);
      assert.equal(kit.endReason(), CallEndReason.CANCELED);
      await roomsEmpty(kit.userID, 'tui');
    });

    it('official calls, then cancels: the kit stops ringing (reason CANCELED)', T, async () => {
      const kit = await kitUser('kit');
      await tui.engine.call({ userID: kit.userID, type: CallMediaType.VIDEO, timeout: 10 });
      await kit.wait('onCallReceived');
      await tui.engine.hangup();
      await kit.wait('onCallEnd');
      assert.equal(kit.endReason(), CallEndReason.CANCELED);
    });

    it('kit calls, nobody answers: both sides time out (onUserNoResponse / NO_RESPONSE)', T, async () => {
      const kit = await kitUser('kit');
      const tuiMark = tui.mark;
      await kit.engine.calls({ userIDList: ['tui'], mediaType: CallMediaType.AUDIO, timeout: 2 });
      await tui.wait('onCallReceived', tuiMark);
      await kit.wait('onUserNoResponse', 0, 12000);
      await kit.wait('onCallEnd', 0, 12000);
      assert.equal(kit.endReason(), CallEndReason.NO_RESPONSE);
      await tuiEnded(tuiMark, 12000);
      await roomsEmpty(kit.userID, 'tui');
    });

    it('official calls, nobody answers: both sides time out', T, async () => {
      const kit = await kitUser('kit');
      const tuiMark = tui.mark;
      await tui.engine.call({ userID: kit.userID, type: CallMediaType.AUDIO, timeout: 2 });
      await kit.wait('onCallReceived');
      await kit.wait('onCallEnd', 0, 12000);
      assert.equal(kit.endReason(), CallEndReason.NO_RESPONSE);
      await tui.wait('onUserNoResponse', tuiMark, 12000);
      await roomsEmpty('tui');
    });
  });

  describe('group calls', { concurrency: false }, () => {
    it('kit group-calls official + kit: the official rings with chatGroupID, everyone meets in one room, ends cleanly', T, async () => {
      const kit = await kitUser('kit');
      const kit2 = await kitUser('kit2');
      world.bus.createGroup('team-1', [kit.userID, kit2.userID, 'tui']);
      const tuiMark = tui.mark;
      await kit.engine.calls({ userIDList: ['tui', kit2.userID], mediaType: CallMediaType.VIDEO, groupID: 'team-1', timeout: 10 });
      const received = await tui.wait('onCallReceived', tuiMark);
      assert.equal(received.data.chatGroupID, 'team-1');
      await kit2.wait('onCallReceived');
      await tui.engine.accept();
      await kit2.engine.accept();
      const room = kit.engine.roomId as number;
      await until('three in the room', () => world.roomMembers(room).length === 3);
      await kit.engine.hangup();
      await kit2.engine.hangup();
      await tui.wait('onCallEnd', tuiMark);
      await roomsEmpty(kit.userID, kit2.userID, 'tui');
    });

    it('official group-calls two kit users: both ring with the groupID and meet in one room', T, async () => {
      const kit = await kitUser('kit');
      const kit2 = await kitUser('kit2');
      world.bus.createGroup('team-2', [kit.userID, kit2.userID, 'tui']);
      const tuiMark = tui.mark;
      await tui.engine.groupCall({ userIDList: [kit.userID, kit2.userID], type: CallMediaType.AUDIO, groupID: 'team-2', timeout: 10 });
      const r1 = await kit.wait('onCallReceived');
      await kit2.wait('onCallReceived');
      assert.equal(r1.data.groupID, 'team-2');
      await kit.engine.accept();
      await kit2.engine.accept();
      const room = kit.engine.roomId as number;
      assert.equal(kit2.engine.roomId, room);
      await until('three in the room', () => world.roomMembers(room).length === 3);
      await tui.engine.hangup();
      await kit.engine.hangup();
      await kit2.wait('onCallEnd');
      await tui.wait('onCallEnd', tuiMark);
      await roomsEmpty(kit.userID, kit2.userID, 'tui');
    });

    it('kit group call, nobody answers: every invitee times out on both sides', T, async () => {
      const kit = await kitUser('kit');
      const kit2 = await kitUser('kit2');
      world.bus.createGroup('team-3', [kit.userID, kit2.userID, 'tui']);
      const tuiMark = tui.mark;
      await kit.engine.calls({ userIDList: ['tui', kit2.userID], mediaType: CallMediaType.AUDIO, groupID: 'team-3', timeout: 2 });
      await tui.wait('onCallReceived', tuiMark);
      await kit.wait('onCallEnd', 0, 12000);
      assert.equal(kit.endReason(), CallEndReason.NO_RESPONSE);
      await kit2.wait('onCallEnd', 0, 12000);
      await until('official stops ringing', () => tui.has('onCallEnd', tuiMark) || tui.has('onCallNotConnected', tuiMark), 12000);
    });

    it('official group call, nobody answers: the official sees onUserNoResponse, the kit invitees stop ringing', T, async () => {
      const kit = await kitUser('kit');
      const kit2 = await kitUser('kit2');
      world.bus.createGroup('team-4', [kit.userID, kit2.userID, 'tui']);
      const tuiMark = tui.mark;
      await tui.engine.groupCall({ userIDList: [kit.userID, kit2.userID], type: CallMediaType.AUDIO, groupID: 'team-4', timeout: 2 });
      await kit.wait('onCallReceived');
      await kit.wait('onCallEnd', 0, 12000);
      await kit2.wait('onCallEnd', 0, 12000);
      assert.equal(kit.endReason(), CallEndReason.NO_RESPONSE);
      await tui.wait('onUserNoResponse', tuiMark, 12000);
    });

    it('kit inviteUser brings the official user into a running call (same room)', T, async () => {
      const kit = await kitUser('kit');
      const kit2 = await kitUser('kit2');
      world.bus.createGroup('team-5', [kit.userID, kit2.userID, 'tui']);
      await kit.engine.calls({ userIDList: [kit2.userID], mediaType: CallMediaType.AUDIO, groupID: 'team-5', timeout: 10 });
      await kit2.wait('onCallReceived');
      await kit2.engine.accept();
      await kit.wait('onCallBegin');
      const tuiMark = tui.mark;
      await kit.engine.inviteUser({ userIDList: ['tui'] });
      await tui.wait('onCallReceived', tuiMark);
      await tui.engine.accept();
      const room = kit.engine.roomId as number;
      await until('three in the room', () => world.roomMembers(room).length === 3);
    });

    it('official inviteUser brings a kit user into a running call (same room)', T, async () => {
      const kit = await kitUser('kit');
      const kit2 = await kitUser('kit2');
      world.bus.createGroup('team-6', [kit.userID, kit2.userID, 'tui']);
      const tuiMark = tui.mark;
      await tui.engine.groupCall({ userIDList: [kit.userID], type: CallMediaType.AUDIO, groupID: 'team-6', timeout: 10 });
      await kit.wait('onCallReceived');
      await kit.engine.accept();
      await tui.wait('onCallBegin', tuiMark);
      await tui.engine.inviteUser({ userIDList: [kit2.userID] });
      await kit2.wait('onCallReceived');
      await kit2.engine.accept();
      const room = kit.engine.roomId as number;
      await until('three in the room', () => world.roomMembers(room).length === 3);
    });

    it('the official user joins a running kit group call (joinInGroupCall), numeric room', T, async () => {
      const kit = await kitUser('kit');
      const kit2 = await kitUser('kit2');
      world.bus.createGroup('team-7', [kit.userID, kit2.userID, 'tui']);
      await kit.engine.calls({ userIDList: [kit2.userID], mediaType: CallMediaType.AUDIO, groupID: 'team-7', timeout: 10 });
      await kit2.wait('onCallReceived');
      await kit2.engine.accept();
      await kit.wait('onCallBegin');
      const room = kit.engine.roomId as number;
      const mark = kit.mark;
      await tui.engine.joinInGroupCall({ type: CallMediaType.AUDIO, groupID: 'team-7', roomID: room });
      await until('three in the room', () => world.roomMembers(room).length === 3);
      await until('the kit sees the official user join', () => kit.events('onUserJoin', mark).some((e) => e.data.userId === 'tui'));
    });

    it('a kit user joins a running official group call (joinInGroupCall), string room', T, async () => {
      const kit = await kitUser('kit');
      const kit2 = await kitUser('kit2');
      world.bus.createGroup('team-8', [kit.userID, kit2.userID, 'tui']);
      const tuiMark = tui.mark;
      await tui.engine.groupCall({
        userIDList: [kit.userID],
        type: CallMediaType.AUDIO,
        groupID: 'team-8',
        strRoomID: 'war-room',
        timeout: 10,
      });
      await kit.wait('onCallReceived');
      await kit.engine.accept();
      await tui.wait('onCallBegin', tuiMark);
      await kit2.engine.joinInGroupCall({ groupID: 'team-8', roomID: 'war-room', mediaType: CallMediaType.AUDIO });
      await until('three in the string room', () => world.roomMembers('war-room').length === 3);
      await until('the official sees the newcomer', () => tui.events('onUserJoin', tuiMark).some((e) => e.data.userID === kit2.userID));
    });
  });

  describe('several callees without a group (M3, kit-only)', { concurrency: false }, () => {
    it('M3: the official callee treats a group-less multi-callee call as 1v1 and leaves when another member does', T, async () => {
      const kit = await kitUser('kit');
      const kit2 = await kitUser('kit2');
      const tuiMark = tui.mark;
      await kit.engine.calls({ userIDList: ['tui', kit2.userID], mediaType: CallMediaType.AUDIO, timeout: 10 });
      const received = await tui.wait('onCallReceived', tuiMark);
      assert.deepEqual(received.data.calleeIdList, ['tui'], 'the official callee sees a 1v1 call');
      await kit2.wait('onCallReceived');
      await tui.engine.accept();
      await kit2.engine.accept();
      const room = kit.engine.roomId as number;
      await until('three in the room', () => world.roomMembers(room).length === 3);
      await kit2.engine.hangup();
      // The documented kit-only behaviour: the official side's call ends with the other callee's exit.
      await tui.wait('onCallEnd', tuiMark);
    });

    it('F3: multiCalleeNeedsGroup refuses several callees without a groupID, and places them with one', T, async () => {
      const kit = await kitUser('kit', { multiCalleeNeedsGroup: true });
      const since = world.bus.wire.length;
      await assert.rejects(kit.engine.calls({ userIDList: ['tui', 'someone'], mediaType: CallMediaType.AUDIO }), {
        code: ErrorCode.INVALID_PARAMETER,
      });
      assert.equal(sentBy(kit.userID, since).length, 0, 'nothing sent');
      world.bus.createGroup('team-12', [kit.userID, 'someone', 'tui']);
      const tuiMark = tui.mark;
      await kit.engine.calls({ userIDList: ['tui', 'someone'], mediaType: CallMediaType.AUDIO, groupID: 'team-12', timeout: 10 });
      await tui.wait('onCallReceived', tuiMark);
    });
  });

  describe('switch to audio', { concurrency: false }, () => {
    it('the official user switches: the kit goes audio; the official side stays video (its own defect, M5)', T, async () => {
      const kit = await kitUser('kit');
      const { tuiMark } = await kitCallsOfficial(kit, CallMediaType.VIDEO);
      void tui.engine.switchCallMediaType(CallMediaType.AUDIO).catch(() => undefined);
      const changed = await kit.wait('onCallMediaTypeChanged');
      assert.equal(changed.data.mediaType, CallMediaType.AUDIO);
      assert.equal(tui.has('onCallMediaTypeChanged', tuiMark), false);
    });

    it('the kit switches: its own side goes audio at once and does not wait for the official peer (F7)', T, async () => {
      const kit = await kitUser('kit');
      const since = world.bus.wire.length;
      await kitCallsOfficial(kit, CallMediaType.VIDEO);
      await kit.engine.switchCallMediaType(CallMediaType.AUDIO);
      const changed = await kit.wait('onCallMediaTypeChanged');
      assert.equal(changed.data.mediaType, CallMediaType.AUDIO);
      const request = sentBy(kit.userID, since).find((m) => (m?.payload?.data as { cmd?: string } | undefined)?.cmd === 'switchToAudio');
      assert.ok(request, 'a switchToAudio request went out');
      assert.equal(request.payload?.switch_to_audio_call, 'switch_to_audio_call', 'the official marker (F7)');
      assert.equal(request.envelope.timeout, 30, 'the official request timeout (F7)');
      await until('the official accepted the switch', () =>
        world.bus.log
          .slice(since)
          .some(
            (m) =>
              m.from === 'tui' &&
              m.action === 3 &&
              (m.payload?.data as { cmd?: string }).cmd !== undefined &&
              m.envelope.inviteID === request.envelope.inviteID,
          ),
      );
    });
  });

  describe('stranded calls (M1, M4)', { concurrency: false }, () => {
    it(
      'M1: the kit cannot enter the room after answering: the official caller is told (reject), not left in an empty room',
      T,
      async () => {
        const kit = await kitUser('kit');
        const tuiMark = tui.mark;
        await tui.engine.call({ userID: kit.userID, type: CallMediaType.AUDIO, timeout: 10 });
        await kit.wait('onCallReceived');
        kit.failEnter = { code: 5400, message: 'enterRoom failed (injected)' };
        await assert.rejects(kit.engine.accept());
        await tui.wait('onUserReject', tuiMark, 6000);
        await tuiEnded(tuiMark, 6000);
        assert.equal(tui.has('onCallBegin', tuiMark), false, 'the official caller never thought the call connected');
        await roomsEmpty('tui');
      },
    );

    it(
      'M4: a kit group caller leaves while invitees still ring: they are told (kit invitees stop ringing; an official one rings out its timeout, as with an official caller)',
      T,
      async () => {
        const kit = await kitUser('kit');
        const kit2 = await kitUser('kit2');
        const kit3 = await kitUser('kit3');
        world.bus.createGroup('team-9', [kit.userID, kit2.userID, kit3.userID, 'tui']);
        const tuiMark = tui.mark;
        const since = world.bus.wire.length;
        await kit.engine.calls({
          userIDList: [kit2.userID, kit3.userID, 'tui'],
          mediaType: CallMediaType.AUDIO,
          groupID: 'team-9',
          timeout: 3,
        });
        await tui.wait('onCallReceived', tuiMark);
        await kit3.wait('onCallReceived');
        await kit2.wait('onCallReceived');
        await kit2.engine.accept();
        await kit.wait('onCallBegin');
        await kit.engine.hangup();
        await kit2.wait('onCallEnd');
        await kit3.wait('onCallEnd');
        assert.equal(kit3.endReason(), CallEndReason.CANCELED, 'a kit invitee stops ringing at once');
        // A chat cancel of a group invitation someone accepted would strand the official invitee
        // (chat drops the invitation, so no timeout; the official engine ignores the cancel).
        assert.equal(sentBy(kit.userID, since).filter((m) => m?.action === 2).length, 0, 'no cancel of an accepted group invitation');
        const told = sentBy(kit.userID, since).find((m) => (m?.payload?.data as { cmd?: string } | undefined)?.cmd === 'hangup');
        assert.ok(
          told && told.envelope.inviteeList.includes(kit3.userID) && told.envelope.inviteeList.includes('tui'),
          'the ringing invitees got the hangup',
        );
        // The official engine ignores it (as from an official caller) and rings out its timeout, never connected.
        await tuiEnded(tuiMark, 12_000);
        assert.equal(tui.has('onCallBegin', tuiMark), false);
      },
    );

    it('a kit group caller cancels before anyone answers: the official invitee stops ringing (onCallCancelled)', T, async () => {
      const kit = await kitUser('kit');
      const kit2 = await kitUser('kit2');
      world.bus.createGroup('team-10', [kit.userID, kit2.userID, 'tui']);
      const tuiMark = tui.mark;
      await kit.engine.calls({ userIDList: [kit2.userID, 'tui'], mediaType: CallMediaType.AUDIO, groupID: 'team-10', timeout: 10 });
      await tui.wait('onCallReceived', tuiMark);
      await kit2.wait('onCallReceived');
      await kit.engine.hangup();
      await tui.wait('onCallCancelled', tuiMark);
      await kit2.wait('onCallEnd');
      assert.equal(kit2.endReason(), CallEndReason.CANCELED);
    });

    it('an official group caller cancels before anyone answers: the kit invitees stop ringing (CANCELED)', T, async () => {
      const kit = await kitUser('kit');
      const kit2 = await kitUser('kit2');
      world.bus.createGroup('team-11', [kit.userID, kit2.userID, 'tui']);
      await tui.engine.groupCall({ userIDList: [kit.userID, kit2.userID], type: CallMediaType.AUDIO, groupID: 'team-11', timeout: 10 });
      await kit.wait('onCallReceived');
      await kit2.wait('onCallReceived');
      await tui.engine.hangup();
      await kit.wait('onCallEnd');
      await kit2.wait('onCallEnd');
      assert.equal(kit.endReason(), CallEndReason.CANCELED);
      assert.equal(kit2.endReason(), CallEndReason.CANCELED);
    });
  });

  describe('what chat history shows (M8, M9)', { concurrency: false }, () => {
    it('the kit marks its 1v1 invitation and its accept as kept out of unread counts, like the official engine', T, async () => {
      const kit = await kitUser('kit');
      const since = world.bus.wire.length;
      await kitCallsOfficial(kit, CallMediaType.AUDIO);
      const invite = sentBy(kit.userID, since).find((m) => m?.action === 1);
      assert.ok(invite);
      assert.equal((invite.options.messageControlInfo as { excludedFromUnreadCount: boolean }).excludedFromUnreadCount, true);
      await cleanup();
      const kit2 = await kitUser('kit');
      const since2 = world.bus.wire.length;
      await officialCallsKit(kit2, CallMediaType.AUDIO);
      const accept = sentBy(kit2.userID, since2).find((m) => m?.action === 3);
      assert.ok(accept);
      assert.equal((accept.options.messageControlInfo as { excludedFromUnreadCount: boolean }).excludedFromUnreadCount, true);
    });

    it('kit invitations carry an official-shaped offlinePushInfo (voip_ext, entity.action 2)', T, async () => {
      const kit = await kitUser('kit');
      const since = world.bus.wire.length;
      await kit.engine.calls({ userIDList: ['tui'], mediaType: CallMediaType.VIDEO, timeout: 10 });
      await tui.wait('onCallReceived', tui.mark - 1).catch(() => undefined);
      const invite = sentBy(kit.userID, since).find((m) => m?.action === 1);
      assert.ok(invite);
      const push = invite.options.offlinePushInfo as { extension?: string } | undefined;
      assert.ok(push?.extension, 'an offlinePushInfo with an extension');
      const ext = JSON.parse(push.extension) as {
        entity?: { action?: number };
        voip_ext?: { voip_media_type?: string; voip_type?: string };
      };
      assert.equal(ext.entity?.action, 2);
      assert.deepEqual(ext.voip_ext, { voip_media_type: 'video', voip_type: 'call' });
    });
  });

  describe('fixtures captured from the official engine (F8)', { concurrency: false }, () => {
    /**
     * The official engine's own messages, normalized (fixed message ids, times, invite ids; the
     * room is given), compared with `test/fixtures/tuicallkit-v2/official-3.3.4-*.json`. With
     * INTEROP_WRITE_FIXTURES=1 the files are written instead.
     */
    const ROOM = 31397065;
    const captured = new Map<string, { description: string; message: BusMessage }>();
    const capture = (name: string, description: string, since: number, pick: (m: ReturnType<typeof world.bus.log.at>) => boolean): void => {
      const i = world.bus.log.findIndex((m, index) => index >= since && m.from === 'tui' && pick(m));
      assert.ok(i >= 0, `captured ${name}`);
      captured.set(name, { description, message: world.bus.wire[i] });
    };

    it(
      'captures invite, accept, reject, busy reject, cancel, hangup record, group invite and switch request',
      { timeout: 60_000 },
      async () => {
        // invite 1v1 + cancel
        let kit = await kitUser('kit');
        let since = world.bus.wire.length;
        await tui.engine.call({ userID: kit.userID, type: CallMediaType.VIDEO, roomID: ROOM, timeout: 30 });
        await kit.wait('onCallReceived');
        capture('invite-video-1v1', 'TUICallEngine 3.3.4 invites 1v1 to a video call (C2C, timeout 30).', since, (m) => m?.action === 1);
        await tui.engine.hangup();
        await kit.wait('onCallEnd');
        capture('cancel', 'TUICallEngine 3.3.4 cancels its ringing invitation (chat cancel, actionType 2).', since, (m) => m?.action === 2);
        await cleanup();
        // accept + hangup record (the official user stays) + switch request
        kit = await kitUser('kit');
        since = world.bus.wire.length;
        const tuiMark = tui.mark;
        await kit.engine.calls({ userIDList: ['tui'], mediaType: CallMediaType.VIDEO, timeout: 30 });
        await tui.wait('onCallReceived', tuiMark);
        await tui.engine.accept();
        await kit.wait('onUserJoin');
        capture('accept', 'TUICallEngine 3.3.4 accepts a video call (chat accept, actionType 3).', since, (m) => m?.action === 3);
        void tui.engine.switchCallMediaType(CallMediaType.AUDIO).catch(() => undefined);
        await kit.wait('onCallMediaTypeChanged');
        capture(
          'switch-to-audio',
          'TUICallEngine 3.3.4 asks to switch the call to audio (an invitation, timeout 30, with the switch_to_audio_call marker).',
          since,
          (m) => m?.action === 1 && (m.payload?.data as { cmd?: string }).cmd === 'switchToAudio',
        );
        await kit.engine.hangup();
        await until('the record', () =>
          world.bus.log.slice(since).some((m) => m.from === 'tui' && (m.payload?.data as { cmd?: string }).cmd === 'hangup'),
        );
        capture(
          'hangup-record',
          'TUICallEngine 3.3.4 stays when the other side hangs up a 1v1 call: it sends the call record (hangup, call_end in seconds, timeout 0).',
          since,
          (m) => m?.action === 1 && (m.payload?.data as { cmd?: string }).cmd === 'hangup',
        );
        await cleanup();
        // reject
        kit = await kitUser('kit');
        since = world.bus.wire.length;
        await kit.engine.calls({ userIDList: ['tui'], mediaType: CallMediaType.AUDIO, timeout: 30 });
        await tui.wait('onCallReceived', tui.mark - 1).catch(() => undefined);
        await until('ringing', () => tui.busy);
        await tui.engine.reject();
        await kit.wait('onCallEnd');
        capture('reject', 'TUICallEngine 3.3.4 declines an audio call (chat reject, actionType 4).', since, (m) => m?.action === 4);
        await cleanup();
        // busy reject: the official user is in a call, a second kit user calls
        const first = await kitUser('kit');
        await kitCallsOfficial(first, CallMediaType.AUDIO);
        kit = await kitUser('kit');
        since = world.bus.wire.length;
        await kit.engine.calls({ userIDList: ['tui'], mediaType: CallMediaType.AUDIO, timeout: 30 });
        await kit.wait('onCallEnd');
        capture(
          'reject-line-busy',
          'TUICallEngine 3.3.4, already in a call, answers an invitation with a busy reject (data.message "lineBusy", line_busy).',
          since,
          (m) => m?.action === 4,
        );
        await cleanup();
        // group invite
        kit = await kitUser('kit');
        const kit2 = await kitUser('kit');
        world.bus.createGroup('team-f8', [kit.userID, kit2.userID, 'tui']);
        since = world.bus.wire.length;
        await tui.engine.groupCall({
          userIDList: [kit.userID, kit2.userID],
          type: CallMediaType.AUDIO,
          groupID: 'team-f8',
          roomID: ROOM,
          timeout: 30,
        });
        await kit.wait('onCallReceived');
        capture(
          'invite-audio-group',
          'TUICallEngine 3.3.4 invites two members of a group to an audio call (inviteInGroup, visible in history).',
          since,
          (m) => m?.action === 1,
        );
        await cleanup();
      },
    );

    it("every captured message matches its fixture (the fixtures are the official engine's own output)", T, () => {
      assert.equal(captured.size, 8);
      const names = new Map<string, string>();
      const name = (user: string): string => {
        if (user === 'tui' || user === 'team-f8') return user;
        if (!names.has(user)) names.set(user, names.size === 0 ? 'kit' : `kit${names.size + 1}`);
        return names.get(user) as string;
      };
      for (const [key, { description, message }] of captured) {
        names.clear();
        const fixture = normalizeCaptured(message, description, name);
        const file = fileURLToPath(new URL(`../fixtures/tuicallkit-v2/official-3.3.4-${key}.json`, import.meta.url));
        if (process.env.INTEROP_WRITE_FIXTURES) {
          writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
          continue;
        }
        const stored = JSON.parse(readFileSync(file, 'utf8')) as { message: { payload: { data: string } } };
        const a = JSON.parse(stored.message.payload.data) as { data: string };
        const b = JSON.parse(fixture.message.payload.data) as { data: string };
        assert.deepEqual(
          JSON.parse(b.data.replace(/"call_end":\d+/, '"call_end":0')),
          JSON.parse(a.data.replace(/"call_end":\d+/, '"call_end":0')),
          key,
        );
        assert.equal(b.data.endsWith('\n'), true, `${key}: the official payload ends with a newline`);
      }
    });
  });

  describe('v3', { concurrency: false }, () => {
    it('official calls() (v3) goes to the server call service and never reaches a kit on the tencent engine', T, async () => {
      const kit = await kitUser('kit');
      const since = world.bus.wire.length;
      await tui.engine.calls({ userIDList: [kit.userID], type: CallMediaType.AUDIO, timeout: 2 }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(kit.has('onCallReceived'), false);
      assert.equal(sentBy('tui', since).length, 0, 'no chat signaling for v3');
      assert.ok(tui.chat.experimental.includes('sendRoomCustomData') || tui.chat.experimental.length > 0);
    });
  });

  it('every scenario left the official engine idle and every room empty', T, async () => {
    await cleanup();
    assert.deepEqual(world.roomsOf('tui'), []);
    void OfficialTRTC;
  });
});
