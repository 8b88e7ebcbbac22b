/**
 * Identity (issue 14 item 4; security review M2, M3, M4): operator profiles (admin endpoint,
 * `setProfile`, the userSig's `TLS.userbuf`) override and are marked `verified`; self-declared names
 * go out unmarked (the kit marks them); a ringing callee gets no self-declared avatar unless
 * `avatarsBeforeAnswer`; ringing invitees' profiles are not shown to the caller; `canCall` refuses
 * pairs the operator forbids, as `unavailable` (no presence told), with the end reason `not-allowed`.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../../server/cli.js';
import { genUserSig, profileUserBuf } from '../../server/index.js';
import { TestClient, TEST_SECRET, TEST_SDK_APP_ID } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';
import { ServerHarness } from '../helpers/server-harness.js';

const h = new ServerHarness();
afterEach(() => h.stop());

const ADMIN = 'admin-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const TRACKER = 'https://tracker.example/p.png';

function adminUrl(userId: string): string {
  return `${h.server.url.replace(/^ws/, 'http')}/admin/profiles/${userId}`;
}

async function admin(method: string, userId: string, body?: unknown, secret = ADMIN): Promise<{ status: number; json: unknown }> {
  const res = await fetch(adminUrl(userId), {
    method,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('json') && text ? (JSON.parse(text) as unknown) : text || undefined;
  return { status: res.status, json };
}

describe('identity: names and avatars', () => {
  it('self-declared: the name goes out unmarked, the avatar is withheld from a ringing callee and shown after the answer', async () => {
    await h.start();
    const alice = await h.user('alice', { name: 'Alice (CEO)', avatar: TRACKER });
    const bob = await h.user('bob', { name: 'Bob', avatar: 'https://example.com/b.png' });
    const ok = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    assert.deepEqual(ok.members[1], { userId: 'bob', state: 'ringing' }, 'no invitee profile before it answers');
    const incoming = await bob.waitForType('incoming');
    assert.deepEqual(incoming.caller, { userId: 'alice', name: 'Alice (CEO)' });
    assert.deepEqual(incoming.members[0], { userId: 'alice', name: 'Alice (CEO)', state: 'accepted' });
    const started = (await bob.ask({ type: 'accept', callId: ok.callId })) as Msg<'call-started'>;
    assert.deepEqual(started.members[0], { userId: 'alice', name: 'Alice (CEO)', avatar: TRACKER, state: 'accepted' });
    const accepted = await alice.waitForType('member-state');
    assert.deepEqual(accepted.member, { userId: 'bob', name: 'Bob', avatar: 'https://example.com/b.png', state: 'accepted' });
    await alice.ask({ type: 'hangup', callId: ok.callId });
    await h.settled();
  });

  it('avatarsBeforeAnswer: the operator lets self-declared avatars ring', async () => {
    await h.start({ avatarsBeforeAnswer: true });
    const alice = await h.user('alice', { name: 'Alice', avatar: TRACKER });
    const bob = await h.user('bob');
    const ok = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    assert.deepEqual((await bob.waitForType('incoming')).caller, { userId: 'alice', name: 'Alice', avatar: TRACKER });
    await alice.ask({ type: 'cancel', callId: ok.callId });
    await h.settled();
  });

  it('admin endpoint: off without adminSecret (404); Bearer required (401); PUT/GET/DELETE; bad profile 400', async () => {
    await h.start();
    assert.equal((await admin('PUT', 'alice', { name: 'A' })).status, 404);
    await h.stop();
    await h.start({ adminSecret: ADMIN });
    assert.equal((await admin('PUT', 'alice', { name: 'A' }, 'wrong-secret-0123456789-abcdefghijklmnopqrstu')).status, 401);
    const noAuth = await fetch(adminUrl('alice'), { method: 'PUT', body: '{}' });
    assert.equal(noAuth.status, 401);
    assert.equal((await admin('PUT', 'alice', { name: 'A', avatar: 'javascript:alert(1)' })).status, 400);
    assert.equal((await admin('PUT', 'alice', { name: 'A', admin: true })).status, 400);
    assert.equal((await admin('PUT', 'bad id', { name: 'A' })).status, 400);
    assert.equal((await admin('GET', 'alice')).status, 404);
    const put = await admin('PUT', 'alice', { name: 'Alice Realname', avatar: 'https://cdn.example/alice.png' });
    assert.deepEqual(put, { status: 200, json: { userId: 'alice', name: 'Alice Realname', avatar: 'https://cdn.example/alice.png' } });
    assert.deepEqual((await admin('GET', 'alice')).json, {
      userId: 'alice',
      name: 'Alice Realname',
      avatar: 'https://cdn.example/alice.png',
    });
    assert.equal((await admin('DELETE', 'alice')).status, 204);
    assert.equal((await admin('DELETE', 'alice')).status, 404);
  });

  it('an operator profile overrides what the user declares, is marked verified, and its avatar may ring', async () => {
    await h.start({ adminSecret: ADMIN });
    assert.equal((await admin('PUT', 'alice', { name: 'Alice Realname', avatar: 'https://cdn.example/alice.png' })).status, 200);
    const alice = await h.user('alice', { name: 'IT Support ✔', avatar: TRACKER });
    const bob = await h.user('bob');
    const ok = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    const incoming = await bob.waitForType('incoming');
    assert.deepEqual(incoming.caller, { userId: 'alice', name: 'Alice Realname', avatar: 'https://cdn.example/alice.png', verified: true });
    // A `profile` from the user changes nothing others see.
    assert.equal((await alice.ask({ type: 'profile', name: 'CEO' })).type, 'ok');
    await bob.expectNothingPending();
    // The operator's change reaches the ringing callee.
    assert.equal((await admin('PUT', 'alice', { name: 'Alice R.' })).status, 200);
    const changed = await bob.waitForType('member-state');
    assert.deepEqual(changed.member, { userId: 'alice', name: 'Alice R.', verified: true, state: 'accepted' });
    await alice.ask({ type: 'cancel', callId: ok.callId });
    await h.settled();
  });

  it('a profile in the signed userSig (TLS.userbuf) is verified; the server API setProfile works the same', async () => {
    const s = await h.start();
    const userSig = genUserSig({
      sdkAppId: TEST_SDK_APP_ID,
      secret: TEST_SECRET,
      userId: 'alice',
      expireSeconds: 3600,
      userBuf: profileUserBuf({ name: 'Alice Signed' }),
    });
    const alice = h.track(await TestClient.connect(s.url, 'alice'));
    await alice.login('alice', { userSig, name: 'Someone Else' } as { userSig: string; name: string });
    const bob = await h.user('bob', { name: 'Bob Self' });
    const ok = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    assert.deepEqual((await bob.waitForType('incoming')).caller, { userId: 'alice', name: 'Alice Signed', verified: true });
    assert.equal(s.setProfile('bob', { name: 'Bob Operator' }), false);
    assert.equal(s.setProfile('bob', null), true);
    await alice.ask({ type: 'cancel', callId: ok.callId });
    await h.settled();
  });
});

describe('identity: canCall', () => {
  it('a refused pair is unavailable, online or not, and the call ends not-allowed; allowed pairs ring', async () => {
    const policy = (from: string, to: string) => !(from === 'mallory' && to !== 'carol');
    await h.start({ canCall: policy });
    const mallory = await h.user('mallory');
    const bob = await h.user('bob');
    await h.user('carol');
    for (const to of ['bob', 'offline-user']) {
      const ok = (await mallory.ask({ type: 'invite', to: [to], mediaType: 'audio' })) as Msg<'invite-ok'>;
      assert.deepEqual(ok.members[1], { userId: to, state: 'unavailable' });
      const ended = await mallory.waitForType('call-ended', (m) => m.callId === ok.callId);
      assert.equal(ended.reason, 'not-allowed');
    }
    await bob.expectNothingPending();
    const ok = (await mallory.ask({ type: 'invite', to: ['carol', 'bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    assert.deepEqual(
      ok.members.map((m) => m.state),
      ['accepted', 'ringing', 'unavailable'],
    );
    await mallory.ask({ type: 'cancel', callId: ok.callId });
    await bob.expectNothingPending();
    await h.settled();
  });

  it('invite-user applies the policy to the inviting member', async () => {
    await h.start({ canCall: (from, to) => !(from === 'bob' && to === 'carol') });
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    const carol = await h.user('carol');
    const ok = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    await bob.waitForType('incoming');
    await bob.ask({ type: 'accept', callId: ok.callId });
    assert.equal((await bob.ask({ type: 'invite-user', callId: ok.callId, to: ['carol'] })).type, 'ok');
    const state = await alice.waitForType('member-state', (m) => m.member.userId === 'carol');
    assert.equal(state.member.state, 'unavailable');
    await carol.expectNothingPending();
    await alice.ask({ type: 'hangup', callId: ok.callId });
    await bob.ask({ type: 'hangup', callId: ok.callId }).catch(() => undefined);
    await h.settled();
  });
});

describe('callkit-server identity flags', () => {
  it('--admin-secret-file, --call-policy (JSON allow-list), --avatars-before-answer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ck-identity-'));
    try {
      writeFileSync(join(dir, 'admin'), `${ADMIN}\n`);
      writeFileSync(join(dir, 'policy.json'), JSON.stringify({ alice: ['bob'], support: ['*'], '*': ['helpdesk'] }));
      const cmd = parseCli(
        ['--dev', '--admin-secret-file', join(dir, 'admin'), '--call-policy', join(dir, 'policy.json'), '--avatars-before-answer'],
        {},
      );
      assert.equal(cmd.help, false);
      if (cmd.help) return;
      assert.equal(cmd.options.adminSecret, ADMIN);
      assert.equal(cmd.options.avatarsBeforeAnswer, true);
      const canCall = cmd.options.canCall!;
      assert.equal(canCall('alice', 'bob'), true);
      assert.equal(canCall('alice', 'carol'), false);
      assert.equal(canCall('support', 'carol'), true);
      assert.equal(canCall('carol', 'helpdesk'), true);
      assert.equal(canCall('carol', 'alice'), false);
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ alice: 'bob' }));
      assert.throws(() => parseCli(['--dev', '--call-policy', join(dir, 'bad.json')], {}), /call-policy/);
      writeFileSync(join(dir, 'short'), 'short');
      assert.throws(() => parseCli(['--dev', '--admin-secret-file', join(dir, 'short')], {}), /at least 32 bytes/);
      const env = parseCli(['--dev'], { CALLKIT_ADMIN_SECRET: ADMIN, CALLKIT_AVATARS_BEFORE_ANSWER: '1' });
      assert.equal(!env.help && env.options.adminSecret, ADMIN);
      assert.equal(!env.help && env.options.avatarsBeforeAnswer, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
