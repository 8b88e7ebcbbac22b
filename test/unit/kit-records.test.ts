/**
 * `callKit.getCallRecords()` and `onMissedCalls` through the default engine against a real server
 * with call records (embedded database), and the typed refusals: bad arguments, an engine without
 * records (the Tencent engines), a server without a database.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startSignalingServer } from '../../server/index.js';
import { CallKit } from '../../src/kit/call-kit-api.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import { WebRTCEngine } from '../../src/engine/webrtc/index.js';
import { TencentEngine } from '../../src/engine/tencent/index.js';
import { TUICallEngineAdapter } from '../../src/engine/tuicall/index.js';
import type { MissedCall } from '../../src/engine/types.js';
import { TEST_SERVER, TestClient, quietLogger, sigFor, waitUntil } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';
import { CAN_CALL } from '../helpers/capabilities.js';

type Started = Awaited<ReturnType<typeof startSignalingServer>>;
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const capabilities = CAN_CALL;

async function server(databaseUrl?: string): Promise<Started> {
  const s = await startSignalingServer({ port: 0, ...TEST_SERVER, logger: quietLogger, ...(databaseUrl ? { databaseUrl } : {}) });
  cleanup.push(() => s.close());
  return s;
}

async function kitFor(s: Started, userID: string): Promise<CallKit> {
  const kit = new CallKit();
  const engine = new WebRTCEngine({ WebSocket: WebSocket as never, reconnectGiveUpMs: 100, capabilities });
  await kit.init({ SDKAppID: TEST_SERVER.sdkAppId, userID, userSig: sigFor(userID), server: s.url, engine });
  cleanup.push(() => kit.destroyed());
  return kit;
}

function isKitError(code: number, reason?: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof CallKitError, String(error));
    assert.equal(error.code, code, error.message);
    if (reason !== undefined) assert.equal(error.reason, reason);
    return true;
  };
}

describe('callKit.getCallRecords and onMissedCalls', () => {
  it('the default engine: missed calls at login (callback and ck-missed-calls), then the records', async () => {
    const s = await server('memory://');
    const carol = await TestClient.login(s.url, 'carol');
    cleanup.push(() => carol.close());
    const { callId } = (await carol.ask({ type: 'invite', to: ['bob'], mediaType: 'video' })) as Msg<'invite-ok'>;
    await carol.waitForType('call-ended', (m) => m.callId === callId);
    await s.records?.recorder.flush();

    const missed: MissedCall[][] = [];
    const events: MissedCall[][] = [];
    const kit = new CallKit();
    kit.setCallback({ onMissedCalls: (calls) => missed.push(calls) });
    kit.addEventListener('ck-missed-calls', (e) => events.push((e as CustomEvent<{ calls: MissedCall[] }>).detail.calls));
    const engine = new WebRTCEngine({ WebSocket: WebSocket as never, reconnectGiveUpMs: 100, capabilities });
    await kit.init({ SDKAppID: TEST_SERVER.sdkAppId, userID: 'bob', userSig: sigFor('bob'), server: s.url, engine });
    cleanup.push(() => kit.destroyed());
    await waitUntil(() => missed.length === 1 && events.length === 1, 'onMissedCalls and ck-missed-calls');
    assert.deepEqual(
      missed[0].map((c) => [c.callId, c.callerId, c.mediaType, c.outcome]),
      [[callId, 'carol', 'video', 'offline']],
    );
    assert.deepEqual(events[0], missed[0]);

    const page = await kit.getCallRecords({ limit: 5 });
    assert.equal(page.records.length, 1);
    assert.equal(page.records[0].callId, callId);
    assert.deepEqual(page.records[0].members, [{ userId: 'bob', outcome: 'offline' }]);
    assert.equal(page.nextCursor, undefined);
    await assert.rejects(kit.getCallRecords({ limit: 0 }), isKitError(ErrorCode.INVALID_PARAMETER));
    await assert.rejects(kit.getCallRecords({ cursor: 7 } as never), isKitError(ErrorCode.INVALID_PARAMETER));
    await assert.rejects(kit.getCallRecords({ cursor: 'bm9wZQ' }), isKitError(ErrorCode.SERVER_ERROR, 'invalid-field'));
  });

  it('a server without a database: SERVER_ERROR with reason not-supported', async () => {
    const s = await server();
    const kit = await kitFor(s, 'alice');
    await assert.rejects(kit.getCallRecords(), isKitError(ErrorCode.SERVER_ERROR, 'not-supported'));
  });

  it('the Tencent engines keep no records: FAILED with reason not-supported', async () => {
    assert.equal('getCallRecords' in TencentEngine.prototype, false);
    assert.equal('getCallRecords' in TUICallEngineAdapter.prototype, false);
    assert.equal(typeof WebRTCEngine.prototype.getCallRecords, 'function');
    // The kit's refusal for an engine without records (as the Tencent ones are).
    const s = await server('memory://');
    const kit = new CallKit();
    const engine = new WebRTCEngine({ WebSocket: WebSocket as never, reconnectGiveUpMs: 100, capabilities });
    Object.defineProperty(engine, 'getCallRecords', { value: undefined });
    await kit.init({ SDKAppID: TEST_SERVER.sdkAppId, userID: 'alice', userSig: sigFor('alice'), server: s.url, engine });
    cleanup.push(() => kit.destroyed());
    await assert.rejects(kit.getCallRecords(), isKitError(ErrorCode.FAILED, 'not-supported'));
  });
});
