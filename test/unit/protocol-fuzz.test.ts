/**
 * R16 (reliability.md §5.1, PR tier): 10,000 generated and mutated frames (fast-check) over 50 logged-in
 * sockets while 5 honest calls relay numbered messages. The oracle for each fuzz frame is the
 * documented behaviour (§4.3 and `src/protocol/messages.ts`):
 * - a frame the parser refuses gets exactly that typed `error` (with `ref` = its valid id), and the
 *   socket is closed only as documented: 4400 on the third invalid-JSON frame in 10 s, 1009 over
 *   64 KiB;
 * - a frame the parser accepts gets an answer (`ok`, `error`, `invite-ok`, `call-started`...), except
 *   `relay`, `pre-connect` and `media-state`, which are fire-and-forget (only errors are answered);
 * - never an `internal` error, never a frame outside the server schema, never a logged server error;
 * - the honest calls get every relay, in order, from the right peer, and nothing else.
 * A socket closed as documented is replaced by a fresh login. Seed and size: FUZZ_SEED, FUZZ_N.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startSignalingServer } from '../../server/index.js';
import { MAX_FRAME_BYTES, parseClientMessage, CLIENT_MESSAGE_TYPES } from '../../src/protocol/messages.js';
import type { ServerMessage } from '../../src/protocol/messages.js';
import { TestClient, TEST_SDK_APP_ID, TEST_SERVER, recordingLogger, sigFor, waitUntil } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const N = Number(process.env.FUZZ_N ?? 10_000);
const FUZZERS = 50;
const HONEST_PAIRS = 5;
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 00:11\r\n';
/** Server frames that answer a request (carry its `ref`). */
const ANSWER_TYPES = new Set(['ok', 'error', 'invite-ok', 'call-started', 'login-ok', 'group-call', 'resumed', 'presence']);

type Frame = { text: string } | { binary: Uint8Array };

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : Number.NaN;
}

/** Arbitraries for client frames, built from the protocol schema, plus byte mutations and the §4.3 list. */
export function frameArbitrary(honestIds: string[], honestUsers: string[], fuzzUsers: string[]): fc.Arbitrary<Frame> {
  const anyValue = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    fc.object({ maxDepth: 2, maxKeys: 3 }),
  );
  const userId = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...honestUsers, ...fuzzUsers) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/) },
    { weight: 1, arbitrary: fc.string({ maxLength: 70 }) },
  );
  const callId = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...honestIds) },
    { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{22}$/) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  );
  const name = fc.oneof(
    fc.string({ maxLength: 70 }),
    fc.constantFrom('<img src=x onerror=alert(1)>', '\u202Eevil', 'a\u0000b', 'x'.repeat(65)),
  );
  const avatar = fc.oneof(fc.webUrl(), fc.constantFrom('javascript:alert(1)', 'data:image/png;base64,AAAA', 'data:text/html,<script>', ''));
  const sdp = fc.oneof(fc.constant(SDP), fc.string({ maxLength: 40 }), fc.constant(`v=0${'a'.repeat(33 * 1024)}`));
  const relayData = fc.oneof(
    fc.record({
      kind: fc.constant('description'),
      description: fc.record({ type: fc.constantFrom('offer', 'answer', 'rollback', 'pranswer'), sdp }, { requiredKeys: ['type'] }),
    }),
    fc.record({
      kind: fc.constant('candidate'),
      candidate: fc.option(
        fc.record(
          {
            candidate: fc.oneof(fc.constant('candidate:1 1 udp 1 10.0.0.1 9 typ host'), fc.string({ maxLength: 1100 })),
            sdpMid: fc.option(fc.string({ maxLength: 3 })),
            sdpMLineIndex: fc.option(fc.integer({ min: -1, max: 70 })),
          },
          { requiredKeys: ['candidate'] },
        ),
      ),
    }),
    anyValue,
  );
  const fields: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
    login: {
      sdkAppId: fc.constantFrom(TEST_SDK_APP_ID, 0, 1),
      userId,
      userSig: fc.oneof(fc.string(), fc.constant(sigFor('fuzz0'))),
      name,
      avatar,
    },
    renew: { userSig: fc.oneof(fc.string(), fc.constant(sigFor('fuzz0'))) },
    turn: {},
    profile: { name, avatar },
    invite: {
      to: fc.oneof(
        { weight: 5, arbitrary: fc.array(userId, { minLength: 1, maxLength: 3 }) },
        { weight: 1, arbitrary: fc.array(userId, { maxLength: 10 }) },
      ),
      mediaType: fc.constantFrom('audio', 'video', 'video', 'screen'),
      timeout: fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: 10, max: 600 }) },
        { weight: 1, arbitrary: fc.integer({ min: -5, max: 700 }) },
      ),
      userData: fc.string({ maxLength: 50 }),
      groupId: fc.string({ minLength: 1, maxLength: 70 }),
    },
    cancel: { callId },
    accept: { callId },
    reject: { callId, reason: fc.constantFrom('declined', 'busy', 'other') },
    hangup: { callId },
    relay: { callId, to: userId, data: relayData },
    'pre-connect': { callId, to: userId, data: fc.oneof(relayData, fc.constantFrom({ kind: 'close' }, { kind: 'adopt' })) },
    'media-state': { callId, audio: fc.boolean(), video: fc.oneof(fc.boolean(), anyValue) },
    'video-upgrade': { callId, action: fc.oneof(fc.constantFrom('request', 'accept', 'decline', 'cancel'), anyValue) },
    sfu: {
      callId,
      data: fc.oneof(
        fc.record({
          kind: fc.constantFrom('publish', 'answer', 'start'),
          description: fc.record({ type: fc.constantFrom('offer', 'answer'), sdp }),
        }),
        fc.record({ kind: fc.constant('candidate'), pc: fc.constantFrom('pub', 'sub', 'both'), candidate: fc.constant(null) }),
        anyValue,
      ),
    },
    'invite-user': { callId, to: fc.array(userId, { minLength: 1, maxLength: 3 }) },
    join: { callId },
    resume: { callId },
    'group-call-query': { groupId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/), fc.string({ maxLength: 70 })) },
    'records-query': {
      limit: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: -5, max: 200 }), anyValue),
      cursor: fc.oneof(fc.base64String({ maxLength: 40 }), fc.string({ maxLength: 140 })),
    },
    'presence-subscribe': { userIds: fc.oneof({ weight: 5, arbitrary: fc.array(userId, { minLength: 1, maxLength: 4 }) }, anyValue) },
    'presence-unsubscribe': { userIds: fc.array(userId, { maxLength: 3 }) },
  };
  // Every client type has its fields generated from the schema (a new type must be added here).
  for (const type of CLIENT_MESSAGE_TYPES) if (!fields[type]) throw new Error(`frameArbitrary: no fields for ${type}`);
  const typeArb = fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...CLIENT_MESSAGE_TYPES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
  const structured = typeArb.chain((type) => {
    const spec = fields[type] ?? {};
    const record: Record<string, fc.Arbitrary<unknown>> = {
      v: fc.oneof({ weight: 40, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: anyValue }),
      id: fc.oneof(
        { weight: 30, arbitrary: fc.uuid() },
        { weight: 1, arbitrary: anyValue },
        { weight: 1, arbitrary: fc.string({ maxLength: 70 }) },
      ),
      type: fc.constant(type),
    };
    for (const [key, arb] of Object.entries(spec))
      record[key] = fc.oneof({ weight: 40, arbitrary: arb }, { weight: 1, arbitrary: anyValue });
    const all = Object.keys(record);
    const required = fc.oneof(
      { weight: 6, arbitrary: fc.constant(all) },
      { weight: 1, arbitrary: fc.subarray(all, { minLength: all.length - 1 }) },
    );
    return fc
      .tuple(
        required.chain((keys) => fc.record(record, { requiredKeys: [...new Set(['v', 'type', ...keys])] })),
        fc.oneof(
          { weight: 8, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'from', 'admin') },
        ),
        anyValue,
      )
      .map(([obj, extra, value]) => {
        const json = JSON.stringify(obj);
        return extra === null ? json : `{${JSON.stringify(extra)}:${JSON.stringify(value) ?? 'null'},${json.slice(1)}`;
      });
  });
  // Byte-level mutations of structured frames: delete, insert, replace, duplicate, truncate.
  const mutated = fc
    .tuple(
      structured,
      fc.array(
        fc.tuple(fc.nat(), fc.nat(8), fc.constantFrom('del', 'ins', 'rep', 'dup', 'cut'), fc.string({ minLength: 1, maxLength: 3 })),
        { minLength: 1, maxLength: 3 },
      ),
    )
    .map(([s, ops]) => {
      for (const [at, len, op, chars] of ops) {
        const i = s.length ? at % s.length : 0;
        if (op === 'del') s = s.slice(0, i) + s.slice(i + len);
        else if (op === 'ins') s = s.slice(0, i) + chars + s.slice(i);
        else if (op === 'rep') s = s.slice(0, i) + chars + s.slice(i + chars.length);
        else if (op === 'dup') s = s.slice(0, i + len) + s.slice(i, i + len) + s.slice(i + len);
        else s = s.slice(0, i);
      }
      return s;
    });
  const catalogue = fc.constantFrom(
    '',
    'not json',
    '[1,2]',
    'null',
    '42',
    '{}',
    '{"v":1}',
    '{"v":1,"type":"offer"}',
    `{"v":1,"type":"profile","name":${'['.repeat(20)}${']'.repeat(20)}}`,
    '{"v":1,"type":"profile","__proto__":{"polluted":true}}',
    '{"v":1,"type":"profile","constructor":{"prototype":{"polluted":true}}}',
    `{"v":1,"type":"invite","to":["fuzz1"],"mediaType":"audio","userData":"${'u'.repeat(5000)}"}`,
    `{"v":1,"id":"x","type":"relay","callId":"${honestIds[0]}","to":"${honestUsers[1]}","from":"${honestUsers[0]}","data":{"kind":"candidate","candidate":null}}`,
    `{"v":1,"id":"y","type":"relay","callId":"${honestIds[0]}","to":"${honestUsers[1]}","data":{"kind":"candidate","candidate":null}}`,
    `{"v":1,"id":"z","type":"hangup","callId":"${honestIds[0]}"}`,
    `{"v":1,"type":"profile","name":"${'x'.repeat(MAX_FRAME_BYTES)}"}`,
  );
  return fc.oneof(
    { weight: 40, arbitrary: structured.map((text) => ({ text })) },
    { weight: 35, arbitrary: mutated.map((text) => ({ text })) },
    { weight: 8, arbitrary: fc.json({ maxDepth: 3 }).map((text) => ({ text })) },
    { weight: 5, arbitrary: fc.string({ maxLength: 60 }).map((text) => ({ text })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((binary) => ({ binary })) },
    { weight: 6, arbitrary: catalogue.map((text) => ({ text })) },
  );
}

describe('R16: fuzzing the signaling server', () => {
  const logger = recordingLogger();
  let server: Awaited<ReturnType<typeof startSignalingServer>> | undefined;
  const sockets: TestClient[] = [];
  after(async () => {
    for (const c of sockets) c.close();
    await server?.close();
  });

  it('parser: never throws, accepted frames round-trip, no prototype pollution (property)', () => {
    fc.assert(
      fc.property(frameArbitrary(['AAAAAAAAAAAAAAAAAAAAAA'], ['a', 'b'], ['c']), (frame) => {
        if (!('text' in frame)) return;
        const parsed = parseClientMessage(frame.text);
        if (parsed.ok) assert.deepEqual(parseClientMessage(JSON.stringify(parsed.message)), parsed);
        else assert.ok(parsed.code !== 'internal');
      }),
      { seed: SEED, numRuns: 3000 },
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it(`${N} frames over ${FUZZERS} sockets with ${HONEST_PAIRS} honest calls: typed answers or documented drops, no crash`, async (t) => {
    server = await startSignalingServer({
      port: 0,
      ...TEST_SERVER,
      logger,
      ringTimeoutS: 0.3,
      // Limits high enough that fuzzers are judged on content, not closed for volume (R18 covers that).
      rateLimits: {
        messagesPerSecond: 1e6,
        messageBurst: 1e6,
        invitesPerMinute: 1e6,
        connectionsPerSecond: 1e4,
        connectionBurst: 1e4,
        maxSocketsPerIp: 1e4,
        bytesPerSecond: 1e9,
        byteBurst: 1e9,
      },
    });
    const s = server;
    const login = async (userId: string): Promise<TestClient> => {
      const c = await TestClient.login(s.url, userId);
      sockets.push(c);
      return c;
    };

    // Honest calls.
    const honest: { a: TestClient; b: TestClient; callId: string; sent: number; got: number; lat: number[]; stray: ServerMessage[] }[] = [];
    for (let i = 0; i < HONEST_PAIRS; i++) {
      const a = await login(`honest-a${i}`);
      const b = await login(`honest-b${i}`);
      const ok = (await a.ask({ type: 'invite', to: [b.userId], mediaType: 'video' })) as Msg<'invite-ok'>;
      assert.equal(ok.type, 'invite-ok');
      await b.waitForType('incoming');
      assert.equal((await b.ask({ type: 'accept', callId: ok.callId })).type, 'call-started');
      await a.waitForType('member-state', (m) => m.member.state === 'accepted');
      honest.push({ a, b, callId: ok.callId, sent: 0, got: 0, lat: [], stray: [] });
    }
    const honestIds = honest.map((h) => h.callId);
    const honestUsers = honest.flatMap((h) => [h.a.userId as string, h.b.userId as string]);
    const fuzzUsers = Array.from({ length: FUZZERS }, (_, i) => `fuzz${i}`);

    // The honest relay loop: a numbered candidate every few ms, timed to arrival at the peer.
    const sentAt = new Map<string, number>();
    for (const h of honest) {
      h.b.ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as {
          type: string;
          from?: string;
          callId?: string;
          data?: { candidate?: { candidate?: string } };
        };
        const tag = m.data?.candidate?.candidate;
        if (m.type === 'relay' && m.from === h.a.userId && m.callId === h.callId && tag && sentAt.has(tag)) {
          assert.equal(tag, `candidate:${h.callId}:${h.got}`, 'honest relay out of order or misrouted');
          h.got++;
          h.lat.push(performance.now() - (sentAt.get(tag) as number));
          sentAt.delete(tag);
        } else h.stray.push(m as ServerMessage);
      });
      h.a.ws.on('message', (data) => h.stray.push(JSON.parse(data.toString()) as ServerMessage));
    }
    let fuzzing = true;
    const honestLoop = (async () => {
      while (fuzzing) {
        for (const h of honest) {
          const tag = `candidate:${h.callId}:${h.sent++}`;
          sentAt.set(tag, performance.now());
          h.a.send({ v: 1, type: 'relay', callId: h.callId, to: h.b.userId, data: { kind: 'candidate', candidate: { candidate: tag } } });
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    const frames = fc.sample(frameArbitrary(honestIds, honestUsers, fuzzUsers), { seed: SEED, numRuns: N });
    const outcome = {
      answered: 0,
      silent: 0,
      parsedOk: 0,
      answeredOk: 0,
      closed: new Map<number, number>(),
      codes: new Map<string, number>(),
      types: new Map<string, number>(),
    };
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();

    // One worker per fuzzing socket: send a frame, then a sync; judge everything that arrived in between.
    const worker = async (w: number) => {
      const userId = fuzzUsers[w];
      let c = await login(userId);
      let invalidJsonAt: number[] = [];
      let syncs = 0;
      for (let k = w; k < frames.length; k += FUZZERS) {
        const frame = frames[k];
        const isBinary = 'binary' in frame;
        // What the server decodes (lone surrogates become U+FFFD on the wire).
        const text = isBinary ? '' : Buffer.from(frame.text).toString();
        const bytes = isBinary ? frame.binary.length : Buffer.byteLength(text);
        const parsed = isBinary ? ({ ok: false, code: 'invalid-json', id: undefined } as const) : parseClientMessage(text);
        const now = Date.now();
        let expectClose: number | undefined;
        // The server counts invalid JSON frames over 10 s; near the edge of the window either outcome is right.
        let mayClose = false;
        if (bytes > MAX_FRAME_BYTES) expectClose = 1009;
        else if (!parsed.ok && parsed.code === 'invalid-json') {
          invalidJsonAt = invalidJsonAt.filter((at) => now - at < 10_500);
          invalidJsonAt.push(now);
          if (invalidJsonAt.filter((at) => now - at < 9_500).length >= 3) expectClose = 4400;
          else mayClose = invalidJsonAt.length >= 3;
        }
        const mark = c.received.length;
        if (isBinary) c.send(Buffer.from(frame.binary));
        else c.send(frame.text);
        const what = `frame #${k} ${isBinary ? '<binary>' : JSON.stringify(frame.text.slice(0, 200))}`;
        if (expectClose !== undefined) {
          const closed = await c.waitClose(5000);
          assert.equal(closed.code, expectClose, `${what}: close code`);
          outcome.closed.set(closed.code, (outcome.closed.get(closed.code) ?? 0) + 1);
          if (expectClose === 4400) {
            const err = c.received.slice(mark).find((m) => m.type === 'error');
            assert.equal(err?.type === 'error' && err.code, 'invalid-json', `${what}: answer before 4400`);
          }
          c = await login(userId);
          invalidJsonAt = [];
          continue;
        }
        const syncId = `sync-${w}-${syncs++}`;
        c.send({ v: 1, id: syncId, type: 'profile' });
        await waitUntil(() => c.received.some((m) => m.ref === syncId) || c.closeInfo !== undefined, `the sync after ${what}`, 5000);
        if (c.closeInfo && mayClose && c.closeInfo.code === 4400) {
          outcome.closed.set(4400, (outcome.closed.get(4400) ?? 0) + 1);
          c = await login(userId);
          invalidJsonAt = [];
          continue;
        }
        await c.waitFor((m) => m.ref === syncId, `the sync after ${what}`, 5000);
        assert.equal(c.closeInfo, undefined, `${what}: socket closed unexpectedly`);
        const answers = c.received.slice(mark).filter((m) => ANSWER_TYPES.has(m.type) && m.ref !== syncId);
        for (const a of answers) if (a.type === 'error') outcome.codes.set(a.code, (outcome.codes.get(a.code) ?? 0) + 1);
        assert.ok(!answers.some((a) => a.type === 'error' && a.code === 'internal'), `${what}: internal error`);
        if (!parsed.ok) {
          const err = answers.find((a) => a.type === 'error');
          assert.ok(err && err.type === 'error', `${what}: expected error ${parsed.code}, got ${JSON.stringify(answers)}`);
          assert.equal(err.code, parsed.code, what);
          assert.equal(err.ref, parsed.id, `${what}: ref`);
          outcome.answered++;
        } else {
          const id = parsed.message.id;
          const mine = answers.filter((a) => a.ref === id);
          outcome.parsedOk++;
          outcome.types.set(parsed.message.type, (outcome.types.get(parsed.message.type) ?? 0) + 1);
          if (mine.some((a) => a.type !== 'error')) outcome.answeredOk++;
          if (mine.length) outcome.answered++;
          else {
            assert.ok(['relay', 'pre-connect', 'media-state'].includes(parsed.message.type), `${what}: no answer`);
            outcome.silent++;
          }
        }
        // Do not let a long-lived socket's buffers grow (pushes such as `incoming` from other fuzzers).
        c.received.length = 0;
        while (c.pending().length) await c.next();
      }
      c.close();
    };
    try {
      await Promise.all(Array.from({ length: FUZZERS }, (_, w) => worker(w)));
    } finally {
      fuzzing = false; // also on a failure, so that the process can end
      await honestLoop;
    }
    const elapsed = performance.now() - started;

    // Honest calls: every relay arrived, in order, and nothing else reached them.
    for (const h of honest) {
      assert.ok(h.sent > 0, 'the honest calls relayed while the fuzzers ran');
      await waitUntil(() => h.got === h.sent, `honest ${h.callId}: ${h.got}/${h.sent} relays`);
      assert.deepEqual(
        h.stray.filter((m) => m.type !== 'relay' || (m as Msg<'relay'>).from !== h.a.userId),
        [],
        `stray messages to honest ${h.callId}`,
      );
      assert.equal(h.a.closeInfo, undefined);
      assert.equal(h.b.closeInfo, undefined);
      assert.equal((await h.a.ask({ type: 'hangup', callId: h.callId })).type, 'ok');
      await h.b.waitForType('call-ended', (m) => m.callId === h.callId && m.reason === 'hangup');
    }
    const lat = honest.flatMap((h) => h.lat).sort((x, y) => x - y);
    for (const c of sockets) assert.deepEqual(c.invalid, [], `${c.label} got frames outside the schema`);
    for (const c of sockets) c.close();
    await waitUntil(
      () => s.stats().calls === 0 && s.stats().timers === 0 && s.stats().sockets === 0,
      `registry back to 0 (${JSON.stringify(s.stats())})`,
    );
    assert.deepEqual(
      logger.lines.filter((l) => l.level === 'error'),
      [],
      'no server errors',
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
    t.diagnostic(
      `${N} frames in ${(elapsed / 1000).toFixed(1)} s: ${outcome.answered} answered, ${outcome.silent} fire-and-forget, closes ${JSON.stringify([...outcome.closed])}; ` +
        `${outcome.parsedOk} accepted by the parser (${outcome.answeredOk} answered with success), by type ${JSON.stringify([...outcome.types])}; ` +
        `errors ${JSON.stringify([...outcome.codes])}; honest relays ${lat.length}, p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms; ` +
        `RSS +${((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(1)} MB (test process, server included)`,
    );
    assert.equal(outcome.answered + outcome.silent + [...outcome.closed.values()].reduce((x, y) => x + y, 0), N);
    // Not vacuous: the generator reaches past the parser into every message handler, the handlers
    // answer successes as well as errors, and the refusals are of many kinds.
    assert.ok(outcome.parsedOk >= N / 5, `${outcome.parsedOk} of ${N} frames accepted by the parser`);
    assert.ok(outcome.answeredOk >= N / 50, `${outcome.answeredOk} frames answered with success`);
    if (N >= 1000)
      for (const type of CLIENT_MESSAGE_TYPES) assert.ok((outcome.types.get(type) ?? 0) > 0, `no valid ${type} frame was sent`);
    assert.ok(outcome.codes.size >= 6, `error codes seen: ${JSON.stringify([...outcome.codes])}`);
    assert.ok(
      (outcome.closed.get(1009) ?? 0) > 0 && (outcome.closed.get(4400) ?? 0) > 0,
      `documented closes seen: ${JSON.stringify([...outcome.closed])}`,
    );
  });
});
