/**
 * Engine conformance scenarios: ONE list of call scenarios, run against every engine through the
 * same `CallEngine` interface, asserting on the same `CallEngineEvents` sequences. Free of any test
 * framework: a runner gives each scenario an {@link EngineHarness} and a {@link Check}.
 * - test/components/engine-conformance.test.ts: `webrtc` and `tencent` in Chromium (mocha + chai);
 * - test/interop/conformance-tuicall.test.ts: `tuicall` in Node (node:test + node:assert), one
 *   worker thread per user (the official engine is a singleton per thread).
 *
 * Scenarios: call, accept, reject, cancel, busy, timeout, hangup, media toggles (camera, microphone,
 * switch to audio, accept audio-only), join refused, invite, group call with a member who declines,
 * joins later and leaves.
 */
import { CallMediaType } from '../../src/constants.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import type { CallEngine, CallEngineEvents } from '../../src/engine/types.js';

/** The assertions the scenarios make (chai's or node:assert's underneath). */
export interface Check {
  equal(actual: unknown, expected: unknown, message?: string): void;
  deepEqual(actual: unknown, expected: unknown, message?: string): void;
  ok(value: unknown, message?: string): void;
}

type EventName = keyof CallEngineEvents;
type Entry = { [K in EventName]: { name: K; payload: CallEngineEvents[K] } }[EventName];

/** The call-flow events whose order the scenarios compare. */
const FLOW: EventName[] = [
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
  'onCallMediaTypeChanged',
];
/** Recorded too (media availability arrives independently of the call flow: compared per user). */
const MEDIA: EventName[] = ['onUserVideoAvailable', 'onUserAudioAvailable', 'onLocalStream', 'onRemoteStream', 'onError'];

export interface Client {
  name: string;
  userId: string;
  engine: CallEngine;
  log: Entry[];
}

export interface EngineHarness {
  readonly name: string;
  /** Behaviours this engine is known to lack (the scenarios that need them are skipped, visibly). */
  readonly gaps: ReadonlySet<string>;
  /** Scenarios this engine cannot run at all, by scenario id, with the reason (reported as skipped). */
  readonly lacks?: ReadonlyMap<string, string>;
  /** Before each scenario. */
  setup(): Promise<void>;
  /** A logged-in engine for a fresh user whose id starts with `name`. */
  user(name: string): Promise<Client>;
  /** Makes `members` a chat group (the default engine needs nothing). */
  group(groupID: string, members: Client[]): void;
  /** After each scenario: destroys every engine. */
  teardown(): Promise<void>;
}

export const suffix = (): string => Math.random().toString(36).slice(2, 8);

export function watch(engine: CallEngine, name: string, userId: string): Client {
  const log: Entry[] = [];
  for (const event of [...FLOW, ...MEDIA]) engine.on(event, (payload) => log.push({ name: event, payload } as Entry));
  return { name, userId, engine, log };
}

// ---- assertions ---------------------------------------------------------------------------------

/** Polls `check` until truthy; fails naming `what` after `timeoutMs` (generous: the machine is loaded). */
async function waitFor<T>(what: string, check: () => T, timeoutMs = 20000): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The call-flow events of `client` as readable lines, user ids replaced by the scenario's names. */
function flow(client: Client, clients: Client[]): string[] {
  const n = (id: string): string => clients.find((c) => c.userId === id)?.name ?? `?${id}`;
  const lines: string[] = [];
  for (const e of client.log) {
    switch (e.name) {
      case 'onCallReceived':
        lines.push(
          `received from=${n(e.payload.caller.userId)} callees=${e.payload.calleeIdList.map(n).sort().join(',')} media=${e.payload.mediaType}${e.payload.groupID ? ' group' : ''}`,
        );
        break;
      case 'onCallStarted':
        lines.push(`started role=${e.payload.role ?? 'caller'} media=${e.payload.mediaType}`);
        break;
      case 'onCallBegin':
        lines.push(`begin role=${e.payload.role} media=${e.payload.mediaType}`);
        break;
      case 'onCallEnd':
        lines.push(`end cause=${e.payload.cause} reason=${e.payload.reason}`);
        break;
      case 'onUserAccept':
      case 'onUserReject':
      case 'onUserNoResponse':
      case 'onUserLineBusy':
      case 'onUserJoin':
      case 'onUserLeave':
        lines.push(`${e.name.slice(6)} ${n(e.payload.userId)}`);
        break;
      case 'onUserInvited':
        lines.push(`Invited ${n(e.payload.userId)}`);
        break;
      case 'onCallMediaTypeChanged':
        lines.push(`mediaType=${e.payload.mediaType}`);
        break;
      default:
        break;
    }
  }
  return lines;
}

function count(client: Client, name: EventName): number {
  return client.log.filter((e) => e.name === name).length;
}

/** The latest availability `observer` was told for `of`'s audio or video (undefined: never told). */
function available(observer: Client, of: Client, kind: 'audio' | 'video'): boolean | undefined {
  const name = kind === 'audio' ? 'onUserAudioAvailable' : 'onUserVideoAvailable';
  let last: boolean | undefined;
  for (const e of observer.log) if (e.name === name && e.payload.userId === of.userId) last = e.payload.available;
  return last;
}

function lastLocalStream(client: Client): MediaStream | null | undefined {
  let last: MediaStream | null | undefined;
  for (const e of client.log) if (e.name === 'onLocalStream') last = e.payload.stream;
  return last;
}

function lastRemoteStream(client: Client, of: Client): MediaStream | null | undefined {
  let last: MediaStream | null | undefined;
  for (const e of client.log) if (e.name === 'onRemoteStream' && e.payload.userId === of.userId) last = e.payload.stream;
  return last;
}

/** Every call id `client` saw in call-flow events. */
function callIds(client: Client): string[] {
  const ids = new Set<string>();
  for (const e of client.log) {
    if (e.name === 'onCallReceived' || e.name === 'onCallStarted' || e.name === 'onCallBegin' || e.name === 'onCallEnd')
      ids.add(e.payload.callId);
  }
  return [...ids];
}

function errors(client: Client): unknown[] {
  return client.log.filter((e) => e.name === 'onError').map((e) => e.payload);
}

async function expectFlow(check: Check, client: Client, clients: Client[], expected: string[]): Promise<void> {
  // Wait until the expected number of flow events arrived, then compare the whole sequence.
  await waitFor(
    `${client.name}: ${expected.length} call events (${JSON.stringify(expected)})`,
    () => flow(client, clients).length >= expected.length,
  ).catch(() => undefined);
  check.deepEqual(flow(client, clients), expected, `${client.name}'s call events`);
}

const V = CallMediaType.VIDEO;
const A = CallMediaType.AUDIO;

// ---- the scenarios ------------------------------------------------------------------------------

export interface Scenario {
  /** Stable id (what an {@link EngineHarness.lacks} entry names). */
  readonly id: string;
  readonly title: string;
  run(harness: EngineHarness, check: Check): Promise<void>;
}

/** alice calls bob (video); bob rings; bob accepts; both are connected. */
async function connected(harness: EngineHarness, mediaType: CallMediaType = V): Promise<{ alice: Client; bob: Client; callId: string }> {
  const alice = await harness.user('alice');
  const bob = await harness.user('bob');
  const { callId } = await alice.engine.calls({ userIDList: [bob.userId], mediaType });
  await waitFor('bob rings', () => count(bob, 'onCallReceived') === 1);
  await bob.engine.accept();
  await waitFor('alice: call begins', () => count(alice, 'onCallBegin') === 1);
  await waitFor('both see each other join', () => count(alice, 'onUserJoin') === 1 && count(bob, 'onUserJoin') === 1);
  return { alice, bob, callId };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'call-accept-hangup',
    title: 'call, accept, hangup: both ends see the same call from begin to end',
    async run(harness, check) {
      const { alice, bob, callId } = await connected(harness);
      const all = [alice, bob];
      check.deepEqual(callIds(alice), [callId]);
      check.deepEqual(callIds(bob), [callId]);
      await waitFor('bob gets alice video', () => lastRemoteStream(bob, alice)?.getVideoTracks().length === 1);
      await waitFor('alice gets bob video', () => lastRemoteStream(alice, bob)?.getVideoTracks().length === 1);
      check.equal(lastLocalStream(alice)?.getVideoTracks().length, 1);
      check.equal(lastLocalStream(bob)?.getVideoTracks().length, 1);

      await bob.engine.hangup();
      await waitFor('alice: call ends', () => count(alice, 'onCallEnd') === 1);
      await expectFlow(check, alice, all, [
        'started role=caller media=2',
        'Accept bob',
        'begin role=caller media=2',
        'Join bob',
        'Leave bob',
        'end cause=hangup reason=1',
      ]);
      await expectFlow(check, bob, all, [
        `received from=alice callees=bob media=2`,
        'begin role=callee media=2',
        'Join alice',
        'end cause=hangup reason=1',
      ]);
      check.equal(lastLocalStream(alice), null);
      check.equal(lastLocalStream(bob), null);
      check.equal(lastRemoteStream(alice, bob), null);
      check.equal(lastRemoteStream(bob, alice), null);
      check.deepEqual(errors(alice), []);
      check.deepEqual(errors(bob), []);
      // Idle again: hangup is a no-op, and a new call works.
      await alice.engine.hangup();
      const again = await alice.engine.calls({ userIDList: [bob.userId], mediaType: A });
      await waitFor('bob rings again', () => count(bob, 'onCallReceived') === 2);
      check.ok(again.callId !== callId);
    },
  },

  {
    id: 'reject',
    title: 'reject: the caller is told and both calls end',
    async run(harness, check) {
      const alice = await harness.user('alice');
      const bob = await harness.user('bob');
      const all = [alice, bob];
      await alice.engine.calls({ userIDList: [bob.userId], mediaType: A });
      await waitFor('bob rings', () => count(bob, 'onCallReceived') === 1);
      await bob.engine.reject();
      await waitFor('alice: call ends', () => count(alice, 'onCallEnd') === 1);
      await expectFlow(check, alice, all, ['started role=caller media=1', 'Reject bob', 'end cause=rejected reason=2']);
      await expectFlow(check, bob, all, ['received from=alice callees=bob media=1', 'end cause=rejected reason=2']);
      check.deepEqual(callIds(alice), callIds(bob));
    },
  },

  {
    id: 'cancel',
    title: 'cancel: hanging up while dialing ends the call on the callee',
    async run(harness, check) {
      const alice = await harness.user('alice');
      const bob = await harness.user('bob');
      const all = [alice, bob];
      await alice.engine.calls({ userIDList: [bob.userId], mediaType: V });
      await waitFor('bob rings', () => count(bob, 'onCallReceived') === 1);
      await alice.engine.hangup();
      await waitFor('bob: call ends', () => count(bob, 'onCallEnd') === 1);
      await expectFlow(check, alice, all, ['started role=caller media=2', 'end cause=cancelled reason=6']);
      await expectFlow(check, bob, all, ['received from=alice callees=bob media=2', 'end cause=cancelled reason=6']);
      check.equal(lastLocalStream(alice), null);
    },
  },

  {
    id: 'busy',
    title: 'busy: calling someone who is in a call ends with line busy; the busy user is not disturbed',
    async run(harness, check) {
      const { alice, bob } = await connected(harness, A);
      const carol = await harness.user('carol');
      const all = [alice, bob, carol];
      await carol.engine.calls({ userIDList: [bob.userId], mediaType: A });
      // Generous: the official engine answers line_busy from a worker thread, which a loaded 2-core
      // machine once held past 20 s (the ring timeout, 30 s, is what a missing busy would show).
      await waitFor('carol: call ends', () => count(carol, 'onCallEnd') === 1, 45_000);
      await expectFlow(check, carol, all, ['started role=caller media=1', 'LineBusy bob', 'end cause=busy reason=5']);
      // bob's call with alice goes on untouched.
      check.deepEqual(flow(bob, all), ['received from=alice callees=bob media=1', 'begin role=callee media=1', 'Join alice']);
      check.deepEqual(flow(alice, all), ['started role=caller media=1', 'Accept bob', 'begin role=caller media=1', 'Join bob']);
      await alice.engine.hangup();
      await waitFor('bob: call ends', () => count(bob, 'onCallEnd') === 1);
    },
  },

  {
    id: 'timeout',
    title: 'timeout: nobody answers within the ring timeout',
    async run(harness, check) {
      const alice = await harness.user('alice');
      const bob = await harness.user('bob');
      const all = [alice, bob];
      await alice.engine.calls({ userIDList: [bob.userId], mediaType: A, timeout: 10 });
      await waitFor('bob rings', () => count(bob, 'onCallReceived') === 1);
      await waitFor('alice: call ends', () => count(alice, 'onCallEnd') === 1, 40000);
      await waitFor('bob: call ends', () => count(bob, 'onCallEnd') === 1, 40000);
      await expectFlow(check, alice, all, ['started role=caller media=1', 'NoResponse bob', 'end cause=timeout reason=3']);
      await expectFlow(check, bob, all, ['received from=alice callees=bob media=1', 'end cause=timeout reason=3']);
    },
  },

  {
    id: 'media-toggles',
    title: 'media toggles: camera and microphone off/on reach the other side; local stream follows',
    async run(harness, check) {
      const { alice, bob } = await connected(harness, V);
      await waitFor(
        'bob: alice video+audio available',
        () => available(bob, alice, 'video') === true && available(bob, alice, 'audio') === true,
      );
      await waitFor(
        'alice: bob video+audio available',
        () => available(alice, bob, 'video') === true && available(alice, bob, 'audio') === true,
      );

      await alice.engine.closeCamera();
      check.equal((lastLocalStream(alice)?.getVideoTracks() ?? []).length, 0, 'preview without video');
      await waitFor('bob: alice video off', () => available(bob, alice, 'video') === false);
      await alice.engine.openCamera();
      check.equal(lastLocalStream(alice)?.getVideoTracks().length, 1);
      await waitFor('bob: alice video on', () => available(bob, alice, 'video') === true);

      await alice.engine.closeMicrophone();
      await waitFor('bob: alice audio off', () => available(bob, alice, 'audio') === false);
      await alice.engine.openMicrophone();
      await waitFor('bob: alice audio on', () => available(bob, alice, 'audio') === true);
      // Toggling twice is harmless.
      await alice.engine.openMicrophone();
      await alice.engine.openCamera();
      check.equal(available(bob, alice, 'video'), true);
      check.deepEqual(errors(alice), []);
      check.deepEqual(errors(bob), []);
    },
  },

  {
    id: 'switch-to-audio',
    title:
      'media type: switching a video call to audio releases the camera and the other side loses our video; audio cannot go back to video',
    async run(harness, check) {
      const { alice, bob } = await connected(harness, V);
      const all = [alice, bob];
      await waitFor('bob: alice video available', () => available(bob, alice, 'video') === true);
      await alice.engine.switchCallMediaType(A);
      check.equal(flow(alice, all).at(-1), 'mediaType=1');
      await waitFor('alice: camera released', () => (lastLocalStream(alice)?.getVideoTracks().length ?? 0) === 0);
      await waitFor('bob: alice video unavailable', () => available(bob, alice, 'video') === false);
      const error = await alice.engine.switchCallMediaType(V).catch((e: unknown) => e);
      check.ok(error instanceof Error);
      check.equal(count(alice, 'onCallEnd') + count(bob, 'onCallEnd'), 0, 'the call goes on');
    },
  },

  {
    id: 'media-type-told',
    title: 'media type: the other side is told the call became an audio call',
    async run(harness, check) {
      const { alice, bob } = await connected(harness, V);
      const all = [alice, bob];
      await alice.engine.switchCallMediaType(A);
      await waitFor('bob: switched to audio', () => count(bob, 'onCallMediaTypeChanged') === 1);
      check.equal(flow(bob, all).at(-1), 'mediaType=1');
      await waitFor('bob: camera released', () => (lastLocalStream(bob)?.getVideoTracks().length ?? 0) === 0);
    },
  },

  {
    id: 'accept-audio-only',
    title: 'accept audio-only: a video call is answered without the camera',
    async run(harness, check) {
      const alice = await harness.user('alice');
      const bob = await harness.user('bob');
      const all = [alice, bob];
      await alice.engine.calls({ userIDList: [bob.userId], mediaType: V });
      await waitFor('bob rings', () => count(bob, 'onCallReceived') === 1);
      await bob.engine.accept({ mediaType: A });
      await waitFor('alice: bob joined', () => count(alice, 'onUserJoin') === 1);
      // Each side begins when its own connection connects: bob's may come a moment after alice's.
      await waitFor('bob: alice joined', () => count(bob, 'onUserJoin') === 1);
      check.deepEqual(flow(bob, all), [
        'received from=alice callees=bob media=2',
        'mediaType=1',
        'begin role=callee media=1',
        'Join alice',
      ]);
      check.equal((lastLocalStream(bob)?.getVideoTracks() ?? []).length, 0);
      await waitFor('alice: bob audio available', () => available(alice, bob, 'audio') === true);
      check.equal(available(alice, bob, 'video') ?? false, false, 'no video from bob');
      await waitFor('alice: switched to audio', () => count(alice, 'onCallMediaTypeChanged') === 1);
    },
  },

  {
    id: 'join',
    title: 'join: an unknown call id, or a 1v1 call that is over, is refused and leaves the engine idle',
    async run(harness, check) {
      const alice = await harness.user('alice');
      const bob = await harness.user('bob');
      const notFound = async (client: Client, callId: string): Promise<void> => {
        const error = await client.engine.join!({ callId }).catch((e: unknown) => e);
        check.ok(error instanceof CallKitError, `${client.name} join ${callId}`);
        check.equal((error as CallKitError).code, ErrorCode.SERVER_ERROR);
        check.equal((error as CallKitError).reason, 'call-not-found');
      };
      await notFound(alice, 'AAAAAAAAAAAAAAAAAAAAAA');
      check.deepEqual(flow(alice, [alice]), []);
      check.equal(lastLocalStream(alice) ?? null, null, 'nothing captured');

      const { callId } = await alice.engine.calls({ userIDList: [bob.userId], mediaType: A });
      await waitFor('bob rings', () => count(bob, 'onCallReceived') === 1);
      await bob.engine.reject();
      await waitFor('alice: call ends', () => count(alice, 'onCallEnd') === 1);
      await notFound(bob, callId);
      await notFound(alice, callId);
      check.equal(count(bob, 'onCallStarted') + count(alice, 'onCallBegin'), 0);
    },
  },

  {
    id: 'invite',
    title: 'invite during a call: the invitee rings, accepts and joins everyone',
    async run(harness, check) {
      const { alice, bob } = await connected(harness, A);
      const carol = await harness.user('carol');
      const all = [alice, bob, carol];
      check.equal(typeof alice.engine.inviteUser, 'function', 'engine supports inviteUser');
      await alice.engine.inviteUser!({ userIDList: [carol.userId] });
      await waitFor('carol rings', () => count(carol, 'onCallReceived') === 1);
      check.equal(flow(alice, all).at(-1), 'Invited carol');
      await carol.engine.accept();
      await waitFor('carol sees alice and bob', () => count(carol, 'onUserJoin') === 2);
      await waitFor('alice and bob see carol', () => count(alice, 'onUserJoin') === 2 && count(bob, 'onUserJoin') === 2);
      check.deepEqual(callIds(carol), callIds(alice));
      check.deepEqual(flow(carol, all).slice(0, 2), ['received from=alice callees=bob,carol media=1', 'begin role=callee media=1']);
      check.deepEqual(flow(carol, all).slice(2).sort(), ['Join alice', 'Join bob']);
      check.deepEqual(flow(alice, all).slice(-3), ['Invited carol', 'Accept carol', 'Join carol']);
      // bob learns about carol when she answers (and, where the engine can know it, when she is invited).
      const bobLines = flow(bob, all).slice(3);
      check.deepEqual(
        bobLines,
        harness.gaps.has('peer-invite-notice') ? ['Accept carol', 'Join carol'] : ['Invited carol', 'Accept carol', 'Join carol'],
      );
      for (const c of all) check.deepEqual(errors(c), [], `${c.name} errors`);
    },
  },

  {
    id: 'group-call',
    title: 'group call: one member declines, joins later by call id, and leaves; the last hangup ends the call',
    async run(harness, check) {
      const alice = await harness.user('alice');
      const bob = await harness.user('bob');
      const carol = await harness.user('carol');
      const all = [alice, bob, carol];
      const groupID = `grp-${suffix()}`;
      harness.group(groupID, all);
      const { callId } = await alice.engine.calls({ userIDList: [bob.userId, carol.userId], mediaType: A, groupID });
      await waitFor('bob and carol ring', () => count(bob, 'onCallReceived') === 1 && count(carol, 'onCallReceived') === 1);
      await bob.engine.accept();
      await waitFor('alice: begins with bob', () => count(alice, 'onUserJoin') === 1 && count(bob, 'onUserJoin') === 1);
      // Bob's accept may reach carol after his room entry (the Tencent engine enters, then accepts).
      await waitFor('carol: saw bob answer', () => count(carol, 'onUserAccept') === 1);
      await carol.engine.reject();
      await waitFor('alice: carol declined', () => count(alice, 'onUserReject') === 1);
      await waitFor('bob: carol declined', () => count(bob, 'onUserReject') === 1);
      // While ringing, carol saw bob answer.
      check.deepEqual(flow(carol, all), [
        'received from=alice callees=bob,carol media=1 group',
        'Accept bob',
        'end cause=rejected reason=2',
      ]);

      // carol changes her mind: she joins the running call by its id.
      check.equal(typeof carol.engine.join, 'function', 'engine supports join');
      await carol.engine.join!({ callId });
      await waitFor('carol sees alice and bob', () => count(carol, 'onUserJoin') === 2);
      await waitFor('alice and bob see carol join', () => count(alice, 'onUserJoin') === 2 && count(bob, 'onUserJoin') === 2);
      check.deepEqual(callIds(carol), [callId]);
      check.deepEqual(flow(carol, all).slice(3, 5), ['started role=callee media=1', 'begin role=callee media=1']);
      check.deepEqual(flow(carol, all).slice(5).sort(), ['Join alice', 'Join bob']);

      // carol leaves: the call goes on for alice and bob.
      await carol.engine.hangup();
      await waitFor('alice and bob see carol leave', () => count(alice, 'onUserLeave') === 1 && count(bob, 'onUserLeave') === 1);
      check.equal(flow(carol, all).at(-1), 'end cause=hangup reason=1');
      check.equal(count(alice, 'onCallEnd') + count(bob, 'onCallEnd'), 0);

      // bob leaves: alice is alone, her call ends.
      await bob.engine.hangup();
      await waitFor('alice: call ends', () => count(alice, 'onCallEnd') === 1);
      await expectFlow(check, alice, all, [
        'started role=caller media=1',
        'Accept bob',
        'begin role=caller media=1',
        'Join bob',
        'Reject carol',
        'Accept carol',
        'Join carol',
        'Leave carol',
        'Leave bob',
        'end cause=hangup reason=1',
      ]);
      await expectFlow(check, bob, all, [
        'received from=alice callees=bob,carol media=1 group',
        'begin role=callee media=1',
        'Join alice',
        'Reject carol',
        'Accept carol',
        'Join carol',
        'Leave carol',
        'end cause=hangup reason=1',
      ]);
      for (const c of all) check.deepEqual(errors(c), [], `${c.name} errors`);
    },
  },
];
