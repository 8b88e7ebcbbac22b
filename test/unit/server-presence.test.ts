/**
 * Presence (issue 17 item 5): `presence-subscribe` answers a snapshot and pushes `presence` updates
 * when a watched user logs in or out or enters or leaves a call; the operator's `canCall` hides
 * everything (a refused watcher sees `offline`, as for a user who is offline); at most
 * MAX_PRESENCE_WATCH users per socket; a closed socket's subscriptions are dropped; updates are
 * coalesced (one frame per socket per flush, only real changes).
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PRESENCE_WATCH } from '../../src/constants.js';
import type { PresenceStatus } from '../../src/protocol/messages.js';
import { PresenceWatch } from '../../server/presence-watch.js';
import type { Msg } from '../helpers/ws-client.js';
import { ServerHarness } from '../helpers/server-harness.js';

const h = new ServerHarness();
afterEach(() => h.stop());

function statusMap(m: Msg<'presence'>): Record<string, string> {
  return Object.fromEntries(m.users.map((u) => [u.userId, u.status]));
}

describe('presence over the server', () => {
  it('snapshot, then login / call / hangup / logout pushes; unsubscribe stops them', async () => {
    await h.start();
    const alice = await h.user('alice');
    const snap = (await alice.ask({ type: 'presence-subscribe', userIds: ['bob', 'carol'] })) as Msg<'presence'>;
    assert.equal(snap.type, 'presence');
    assert.deepEqual(statusMap(snap), { bob: 'offline', carol: 'offline' });
    const bob = await h.user('bob');
    assert.deepEqual(statusMap(await alice.waitForType('presence')), { bob: 'online' });
    const carol = await h.user('carol');
    assert.deepEqual(statusMap(await alice.waitForType('presence')), { carol: 'online' });
    const ok = (await bob.ask({ type: 'invite', to: ['carol'], mediaType: 'audio' })) as Msg<'invite-ok'>;
    await carol.waitForType('incoming');
    // Bob placed a call: busy; carol only rings (still online) until she accepts.
    assert.deepEqual(statusMap(await alice.waitForType('presence')), { bob: 'busy' });
    await carol.ask({ type: 'accept', callId: ok.callId });
    assert.deepEqual(statusMap(await alice.waitForType('presence')), { carol: 'busy' });
    await bob.ask({ type: 'hangup', callId: ok.callId });
    await carol.waitForType('call-ended');
    const after = await alice.waitForType('presence', (m) => statusMap(m).carol === 'online' || statusMap(m).bob === 'online');
    const seen = statusMap(after);
    if (Object.keys(seen).length < 2) Object.assign(seen, statusMap(await alice.waitForType('presence')));
    assert.deepEqual(seen, { bob: 'online', carol: 'online' });
    carol.close();
    assert.deepEqual(statusMap(await alice.waitForType('presence')), { carol: 'offline' });
    assert.equal((await alice.ask({ type: 'presence-unsubscribe', userIds: ['bob'] })).type, 'ok');
    bob.close();
    await h.user('carol');
    // Carol is still watched, bob no more: the next push names carol only.
    assert.deepEqual(statusMap(await alice.waitForType('presence')), { carol: 'online' });
    await alice.expectNothingPending();
    await h.settled();
  });

  it('canCall: a watcher that may not call a user always sees it offline, whatever it does', async () => {
    await h.start({ canCall: (from, to) => !(from === 'eve' && to === 'bob') });
    const bob = await h.user('bob');
    const eve = await h.user('eve');
    const alice = await h.user('alice');
    const snap = (await eve.ask({ type: 'presence-subscribe', userIds: ['bob', 'alice'] })) as Msg<'presence'>;
    assert.deepEqual(statusMap(snap), { bob: 'offline', alice: 'online' });
    const ok = (await bob.ask({ type: 'invite', to: ['alice'], mediaType: 'video' })) as Msg<'invite-ok'>;
    await alice.waitForType('incoming');
    await alice.ask({ type: 'accept', callId: ok.callId });
    // Eve learns alice went busy, never anything about bob.
    assert.deepEqual(statusMap(await eve.waitForType('presence')), { alice: 'busy' });
    await bob.ask({ type: 'hangup', callId: ok.callId });
    assert.deepEqual(statusMap(await eve.waitForType('presence')), { alice: 'online' });
    bob.close();
    await alice.sync();
    await eve.expectNothingPending();
    assert.ok(eve.received.every((m) => m.type !== 'presence' || m.users.every((u) => u.userId !== 'bob' || u.status === 'offline')));
    await h.settled();
  });

  it('limits: more than MAX_PRESENCE_WATCH users on one socket is refused with a clear error; bad ids are invalid-field', async () => {
    await h.start();
    const alice = await h.user('alice');
    const ids = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);
    const first = await alice.ask({ type: 'presence-subscribe', userIds: ids(MAX_PRESENCE_WATCH - 1, 'u') });
    assert.equal(first.type, 'presence');
    const over = await alice.askError({ type: 'presence-subscribe', userIds: ['x1', 'x2'] }, 'too-many-watched');
    assert.equal(over.field, 'userIds');
    assert.match(over.message, new RegExp(`${MAX_PRESENCE_WATCH}`));
    // Re-watching users already watched costs nothing; one more fits exactly.
    assert.equal((await alice.ask({ type: 'presence-subscribe', userIds: ['u0', 'u1', 'x1'] })).type, 'presence');
    await alice.askError({ type: 'presence-subscribe', userIds: ['bad id'] }, 'invalid-field');
    await alice.askError({ type: 'presence-subscribe', userIds: [] }, 'invalid-field');
    await alice.askError({ type: 'presence-subscribe', userIds: ids(MAX_PRESENCE_WATCH + 1, 'y') }, 'invalid-field');
    // Unsubscribing everything frees the budget.
    assert.equal((await alice.ask({ type: 'presence-unsubscribe' })).type, 'ok');
    assert.equal((await alice.ask({ type: 'presence-subscribe', userIds: ids(MAX_PRESENCE_WATCH, 'z') })).type, 'presence');
  });

  it("a closed socket's subscriptions are dropped (no push to it, none kept)", async () => {
    await h.start();
    const alice = await h.user('alice');
    await alice.ask({ type: 'presence-subscribe', userIds: ['bob'] });
    const alice2 = await h.user('alice');
    await alice2.ask({ type: 'presence-subscribe', userIds: ['bob'] });
    assert.equal(h.server.stats().watchers, 2);
    alice.close();
    await alice.waitClose();
    const { waitUntil } = await import('../helpers/ws-client.js');
    await waitUntil(() => h.server.stats().watchers === 1, 'one watcher left');
    await h.user('bob');
    assert.deepEqual(statusMap(await alice2.waitForType('presence')), { bob: 'online' });
  });
});

describe('PresenceWatch (fake clock): coalescing', () => {
  function setup() {
    const sent: { conn: number; users: { userId: string; status: PresenceStatus }[] }[] = [];
    const timers: (() => void)[] = [];
    const status = new Map<string, PresenceStatus>();
    const watch = new PresenceWatch({
      statusFor: (_viewer, userId) => status.get(userId) ?? 'offline',
      send: (conn, msg) => {
        if (msg.type === 'presence') sent.push({ conn, users: msg.users });
      },
      scheduler: {
        set: (_ms, fn) => timers.push(fn),
        clear: () => undefined,
      },
    });
    const flush = () => {
      for (const fn of timers.splice(0)) fn();
    };
    return { sent, status, watch, flush, timers };
  }

  it('many changes of one user in one window are one frame with the last state; no frame when nothing changed', () => {
    const { sent, status, watch, flush, timers } = setup();
    watch.subscribe(1, 'alice', ['bob', 'carol'], undefined);
    sent.length = 0;
    for (const s of ['online', 'busy', 'online', 'offline', 'online'] as const) {
      status.set('bob', s);
      watch.touched('bob');
    }
    status.set('carol', 'busy');
    watch.touched('carol');
    assert.equal(timers.length, 1, 'one flush timer for the whole burst');
    flush();
    assert.deepEqual(sent, [
      {
        conn: 1,
        users: [
          { userId: 'bob', status: 'online' },
          { userId: 'carol', status: 'busy' },
        ],
      },
    ]);
    watch.touched('bob');
    watch.touched('carol');
    flush();
    assert.equal(sent.length, 1, 'nothing changed: nothing sent');
    assert.equal(watch.pendingTimers, 0);
  });

  it('forgets a gone socket; touching an unwatched user arms nothing', () => {
    const { sent, status, watch, flush, timers } = setup();
    watch.subscribe(1, 'alice', ['bob'], undefined);
    watch.connGone(1);
    assert.equal(watch.watcherCount, 0);
    status.set('bob', 'online');
    watch.touched('bob');
    assert.equal(timers.length, 0);
    flush();
    assert.equal(sent.length, 1, 'only the snapshot');
  });
});
