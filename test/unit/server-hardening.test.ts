/**
 * Issue 14 item 5 (security review L1, L2, L3, L4): the smaller findings, each from the review's attack.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { TestClient, recordingLogger } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';
import { ServerHarness } from '../helpers/server-harness.js';
import { parseClientMessage } from '../../src/protocol/messages.js';
import { MAX_MEMBER_RECORDS } from '../../src/constants.js';

const h = new ServerHarness();
afterEach(() => h.stop());

async function users(...ids: string[]): Promise<TestClient[]> {
  return Promise.all(ids.map((id) => h.user(id)));
}

describe('group bounds (L2)', () => {
  it('join respects the 9-member cap (too-many-members)', async () => {
    await h.start({ rateLimits: { connectionBurst: 100, invitesPerMinute: 100 } });
    const [alice, ...rest] = await users('alice', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'c9');
    const invitees = rest.slice(0, 8);
    const c9 = rest[8];
    const ok = (await alice.ask({ type: 'invite', to: invitees.map((c) => c.userId), mediaType: 'audio' })) as Msg<'invite-ok'>;
    for (const c of invitees) await c.waitForType('incoming');
    for (const c of invitees.slice(0, 7)) assert.equal((await c.ask({ type: 'accept', callId: ok.callId })).type, 'call-started');
    const b8 = invitees[7];
    assert.equal((await b8.ask({ type: 'reject', callId: ok.callId })).type, 'ok');
    // 8 live; one more by invite-user makes 9.
    assert.equal((await invitees[0].ask({ type: 'invite-user', callId: ok.callId, to: ['c9'] })).type, 'ok');
    await c9.waitForType('incoming');
    assert.equal((await c9.ask({ type: 'accept', callId: ok.callId })).type, 'call-started');
    // The former member's join would make 10.
    const err = await b8.askError({ type: 'join', callId: ok.callId }, 'too-many-members');
    assert.match(err.message, /at most 9/);
  });

  it(`member records are capped at ${MAX_MEMBER_RECORDS}: invite-user to offline ids cannot grow call-started`, async () => {
    await h.start({ rateLimits: { invitesPerMinute: 1000, messageBurst: 1000, messagesPerSecond: 1000 } });
    const [alice, bob, carol] = await users('alice', 'bob', 'carol');
    const ok = (await alice.ask({ type: 'invite', to: ['bob', 'carol'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    await bob.waitForType('incoming');
    await carol.waitForType('incoming');
    assert.equal((await bob.ask({ type: 'accept', callId: ok.callId })).type, 'call-started');
    assert.equal((await carol.ask({ type: 'reject', callId: ok.callId })).type, 'ok');
    for (let i = 0; i < 60; i++) {
      assert.equal((await bob.ask({ type: 'invite-user', callId: ok.callId, to: [`ghost${i}`, `phantom${i}`] })).type, 'ok');
    }
    const dave = await h.user('dave');
    assert.equal((await bob.ask({ type: 'invite-user', callId: ok.callId, to: ['dave'] })).type, 'ok');
    const started = (await dave.ask({ type: 'accept', callId: (await dave.waitForType('incoming')).callId })) as Msg<'call-started'>;
    assert.equal(started.type, 'call-started');
    assert.ok(started.members.length <= MAX_MEMBER_RECORDS, `${started.members.length} records`);
    // Live members are never pruned.
    for (const id of ['alice', 'bob', 'dave'])
      assert.ok(
        started.members.some((m) => m.userId === id && m.state === 'accepted'),
        id,
      );
  });
});

describe('refused-Origin logging (L1)', () => {
  it('is rate limited per address, escapes the header and names the address', async () => {
    const logger = recordingLogger();
    const s = await h.start({ allowedOrigins: ['https://app.example.com'], logger });
    const origin = `https://evil.example/\u00e9\u009b31m`;
    const tries = await Promise.allSettled(Array.from({ length: 8 }, () => TestClient.connect(s.url, 'bad', { origin })));
    assert.ok(tries.every((t) => t.status === 'rejected' && [403, 429].includes((t.reason as { statusCode?: number }).statusCode ?? 0)));
    const lines = logger.lines.filter((l) => /refused upgrade/.test(l.msg));
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.match(lines[0].msg, /from 127\.0\.0\.1/);
    assert.ok(!/[\u0080-\u009f]/.test(lines[0].msg), 'no raw C1 control character in the log');
    assert.match(lines[0].msg, /\\u009b/);
  });
});

describe('resume from another tab (L3)', () => {
  it('needs the resume token the call socket got; the socket that loses the call is told', async () => {
    await h.start();
    const [alice, bob] = await users('alice', 'bob');
    const bobTab2 = await h.user('bob');
    const ok = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    await bob.waitForType('incoming');
    const started = (await bob.ask({ type: 'accept', callId: ok.callId })) as Msg<'call-started'>;
    assert.equal(typeof started.resumeToken, 'string');
    await bobTab2.waitForType('call-ended', (m) => m.reason === 'answered-elsewhere');
    // Another tab (or a stolen sig) without the token: refused exactly like an unknown call.
    await bobTab2.askError({ type: 'resume', callId: ok.callId }, 'call-not-found');
    await bobTab2.askError({ type: 'resume', callId: ok.callId, resumeToken: 'x'.repeat(22) }, 'call-not-found');
    // With the token (the same tab after a reconnect) it works, and the old socket is told.
    const resumed = await bobTab2.ask({ type: 'resume', callId: ok.callId, resumeToken: started.resumeToken });
    assert.equal(resumed.type, 'resumed');
    await bob.waitForType('call-ended', (m) => m.callId === ok.callId && m.reason === 'answered-elsewhere');
  });
});

describe('schema (L4)', () => {
  const CALL = 'A'.repeat(22);
  const bad = (m: Record<string, unknown>) => {
    const r = parseClientMessage(JSON.stringify({ v: 1, ...m }));
    assert.equal(r.ok, false, JSON.stringify(m));
  };
  const good = (m: Record<string, unknown>) => {
    const r = parseClientMessage(JSON.stringify({ v: 1, ...m }));
    assert.equal(r.ok, true, JSON.stringify(r));
  };
  it('refuses an offer or answer SDP without a=fingerprint; rollback needs none', () => {
    const desc = (type: string, sdp?: string) => ({
      type: 'relay',
      callId: CALL,
      to: 'bob',
      data: { kind: 'description', description: sdp === undefined ? { type } : { type, sdp } },
    });
    bad(desc('offer', 'v=0\r\n'));
    bad(desc('answer', 'v=0\r\ns=-\r\n'));
    bad(desc('offer'));
    good(desc('offer', 'v=0\r\ns=-\r\na=fingerprint:sha-256 AB:CD\r\n'));
    good(desc('rollback'));
  });

  it('refuses candidates without the candidate: prefix, groupIds with control/bidi characters, non-https or GIF avatars', () => {
    bad({ type: 'relay', callId: CALL, to: 'bob', data: { kind: 'candidate', candidate: { candidate: 'javascript:1' } } });
    good({
      type: 'relay',
      callId: CALL,
      to: 'bob',
      data: { kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host' } },
    });
    good({ type: 'relay', callId: CALL, to: 'bob', data: { kind: 'candidate', candidate: { candidate: '' } } });
    bad({ type: 'invite', to: ['bob'], mediaType: 'audio', groupId: '\u001b[31mred\u202e\n' });
    good({ type: 'invite', to: ['bob'], mediaType: 'audio', groupId: 'team-42' });
    bad({ type: 'profile', avatar: 'http://203.0.113.9/track.png' });
    bad({ type: 'profile', avatar: 'data:image/gif;base64,R0lGOD' });
    good({ type: 'profile', avatar: 'https://cdn.example.com/a.png' });
    good({ type: 'profile', avatar: 'data:image/webp;base64,UklGR' });
  });
});
