/**
 * Pre-connect while ringing on the signaling server (issue 18, `src/protocol/preconnect.ts`):
 * relayed only between the caller and the ringing invitee of a 1v1 call, bound to one tab of the
 * invitee, validated, and settled at accept (`adopt` to both, or `close` to the caller).
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { TestClient } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';
import { ServerHarness } from '../helpers/server-harness.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 00:11\r\n';
const OFFER = { kind: 'description', description: { type: 'offer', sdp: SDP } };
const ANSWER = { kind: 'description', description: { type: 'answer', sdp: SDP } };
const CANDIDATE = { kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0' } };

const h = new ServerHarness();
afterEach(() => h.stop());

async function ring(caller: TestClient, to: TestClient[]): Promise<string> {
  const answer = await caller.ask({ type: 'invite', to: [...new Set(to.map((c) => c.userId))], mediaType: 'video' });
  assert.equal(answer.type, 'invite-ok', JSON.stringify(answer));
  const { callId } = answer as Msg<'invite-ok'>;
  for (const c of to) await c.waitForType('incoming', (m) => m.callId === callId);
  return callId;
}

const pre = (c: TestClient, from: string, kind: string) =>
  c.waitForType('pre-connect', (m) => m.from === from && m.data.kind === kind) as Promise<Msg<'pre-connect'>>;

describe('signaling server: pre-connect while ringing', () => {
  it('relays the ringing callee offer and candidates to the caller and back, then adopt to both at accept, before call-started', async () => {
    await h.start();
    const [alice, bob] = await Promise.all([h.user('alice'), h.user('bob')]);
    const callId = await ring(alice, [bob]);
    bob.request({ type: 'pre-connect', callId, to: 'alice', data: OFFER });
    bob.request({ type: 'pre-connect', callId, to: 'alice', data: CANDIDATE });
    const offer = await pre(alice, 'bob', 'description');
    assert.equal(offer.callId, callId);
    await pre(alice, 'bob', 'candidate');
    alice.request({ type: 'pre-connect', callId, to: 'bob', data: ANSWER });
    await pre(bob, 'alice', 'description');
    // A plain relay is still refused while bob rings: only pre-connect crosses the ring.
    await alice.askError({ type: 'relay', callId, to: 'bob', data: CANDIDATE }, 'not-in-call');

    const accepted = bob.request({ type: 'accept', callId });
    const first = await bob.next();
    assert.deepEqual([first.type, (first as Msg<'pre-connect'>).data], ['pre-connect', { kind: 'adopt' }]);
    assert.equal((await bob.reply(accepted)).type, 'call-started');
    const adopt = await alice.next();
    assert.deepEqual([adopt.type, (adopt as Msg<'pre-connect'>).data], ['pre-connect', { kind: 'adopt' }]);
    const state = await alice.next();
    assert.equal(state.type, 'member-state');
    // Accepted: pre-connect is over (the ordinary relay carries the rest).
    await bob.askError({ type: 'pre-connect', callId, to: 'alice', data: CANDIDATE }, 'invalid-state');
    assert.equal((await alice.ask({ type: 'hangup', callId })).type, 'ok');
    await h.settled();
  });

  it('binds one tab of the callee: another tab is refused, and answering there tells the caller to close', async () => {
    await h.start();
    const alice = await h.user('alice');
    const [tab1, tab2] = await Promise.all([h.user('bob'), h.user('bob')]);
    const callId = await ring(alice, [tab1, tab2]);
    tab1.request({ type: 'pre-connect', callId, to: 'alice', data: OFFER });
    await pre(alice, 'bob', 'description');
    await tab2.askError({ type: 'pre-connect', callId, to: 'alice', data: OFFER }, 'invalid-state');
    alice.request({ type: 'pre-connect', callId, to: 'bob', data: ANSWER });
    await pre(tab1, 'alice', 'description');
    assert.deepEqual(
      tab2.pending().filter((m) => m.type === 'pre-connect'),
      [],
    );

    assert.equal((await tab2.ask({ type: 'accept', callId })).type, 'call-started');
    await pre(alice, 'bob', 'close');
    assert.equal((await tab1.waitForType('call-ended', (m) => m.callId === callId)).reason, 'answered-elsewhere');
    assert.deepEqual(
      tab2.pending().filter((m) => m.type === 'pre-connect'),
      [],
    );
    assert.equal((await alice.ask({ type: 'hangup', callId })).type, 'ok');
    await h.settled();
  });

  it('close from the callee unbinds it; the caller cannot pre-connect to a callee that is not pre-connecting', async () => {
    await h.start();
    const [alice, bob] = await Promise.all([h.user('alice'), h.user('bob')]);
    const callId = await ring(alice, [bob]);
    await alice.askError({ type: 'pre-connect', callId, to: 'bob', data: ANSWER }, 'invalid-state');
    bob.request({ type: 'pre-connect', callId, to: 'alice', data: OFFER });
    await pre(alice, 'bob', 'description');
    bob.request({ type: 'pre-connect', callId, to: 'alice', data: { kind: 'close' } });
    await pre(alice, 'bob', 'close');
    await alice.askError({ type: 'pre-connect', callId, to: 'bob', data: ANSWER }, 'invalid-state');
    assert.equal((await bob.ask({ type: 'accept', callId })).type, 'call-started');
    await alice.waitForType('member-state', (m) => m.member.userId === 'bob' && m.member.state === 'accepted');
    assert.deepEqual(
      alice.pending().filter((m) => m.type === 'pre-connect'),
      [],
    );
    assert.equal((await alice.ask({ type: 'hangup', callId })).type, 'ok');
    await h.settled();
  });

  it('refuses strangers, group calls, self-targets, a server-only adopt and a malformed payload', async () => {
    await h.start();
    const [alice, bob, carol, dave] = await Promise.all([h.user('alice'), h.user('bob'), h.user('carol'), h.user('dave')]);
    const callId = await ring(alice, [bob]);
    await dave.askError({ type: 'pre-connect', callId, to: 'alice', data: OFFER }, 'call-not-found');
    await bob.askError({ type: 'pre-connect', callId, to: 'bob', data: OFFER }, 'call-not-found');
    await bob.askError({ type: 'pre-connect', callId, to: 'alice', data: { kind: 'adopt' } }, 'invalid-field');
    await bob.askError(
      { type: 'pre-connect', callId, to: 'alice', data: { kind: 'description', description: { type: 'offer', sdp: 'v=0' } } },
      'invalid-field',
    );
    const group = await ring(carol, [dave, h.track(await TestClient.login(h.server.url, 'erin'))]);
    await dave.askError({ type: 'pre-connect', callId: group, to: 'carol', data: OFFER }, 'call-not-found');
    assert.deepEqual(
      alice.pending().filter((m) => m.type === 'pre-connect'),
      [],
    );
    assert.equal((await alice.ask({ type: 'cancel', callId })).type, 'ok');
    assert.equal((await carol.ask({ type: 'cancel', callId: group })).type, 'ok');
    await h.settled();
  });
});
