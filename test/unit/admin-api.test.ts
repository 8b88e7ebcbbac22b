/**
 * The admin REST API: off unless configured, its own bearer secret, live calls, ending a call with
 * a message the members see, a per-call maximum duration, records queries, and the OpenAPI document
 * generated from the same schemas that validate the requests.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { ServerHarness } from '../helpers/server-harness.js';
import type { Msg, TestClient } from '../helpers/ws-client.js';

const ADMIN = 'admin-test-secret-0123456789-abcdefghijklm';

const h = new ServerHarness();
afterEach(() => h.stop());

function base(): string {
  return h.server.url.replace(/^ws/, 'http') + '/admin';
}

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, checked field by field
  json: any;
}

async function api(method: string, path: string, body?: unknown, secret: string | null = ADMIN): Promise<Answer> {
  const res = await fetch(base() + path, {
    method,
    headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json: unknown = res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text;
  return { status: res.status, json };
}

async function connected(alice: TestClient, bob: TestClient, mediaType = 'video'): Promise<string> {
  const { callId } = (await alice.ask({ type: 'invite', to: ['bob'], mediaType })) as Msg<'invite-ok'>;
  await bob.waitForType('incoming', (m) => m.callId === callId);
  assert.equal((await bob.ask({ type: 'accept', callId })).type, 'call-started');
  return callId;
}

describe('admin REST API', () => {
  it('is off (404) unless an admin secret is configured', async () => {
    await h.start();
    assert.equal((await api('GET', '/calls')).status, 404);
    assert.equal((await api('GET', '/openapi.json')).status, 404);
  });

  it('refuses a missing or wrong secret; validates input; 404 for unknown routes and calls', async () => {
    await h.start({ adminSecret: ADMIN });
    assert.equal((await api('GET', '/calls', undefined, null)).status, 401);
    assert.equal((await api('GET', '/calls', undefined, `${ADMIN}x`)).status, 401);
    assert.equal((await api('GET', '/nope')).status, 404);
    assert.equal((await api('DELETE', '/calls')).status, 405);
    const bad = await api('PUT', '/calls/AbCdEfGhIjKlMnOpQrStUv/max-duration', { seconds: -1 });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error, 'invalid-field');
    assert.equal((await api('PUT', '/calls/AbCdEfGhIjKlMnOpQrStUv/max-duration', { seconds: 60 })).status, 404);
    assert.equal((await api('POST', '/calls/AbCdEfGhIjKlMnOpQrStUv/end', {})).status, 404);
    assert.equal((await api('GET', '/records')).status, 501, 'no database: no records');
  });

  it('lists live calls and ends one with a message both members see', async () => {
    await h.start({ adminSecret: ADMIN, databaseUrl: 'memory://' });
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    const callId = await connected(alice, bob);
    const list = await api('GET', '/calls');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.json.calls.map((c: { callId: string; callerId: string; members: { userId: string; state: string }[] }) => [
        c.callId,
        c.callerId,
        c.members.map((m) => `${m.userId}:${m.state}`),
      ]),
      [[callId, 'alice', ['alice:accepted', 'bob:accepted']]],
    );
    const end = await api('POST', `/calls/${callId}/end`, { message: 'Your consultation is over' });
    assert.deepEqual(end, { status: 200, json: { ended: true } });
    for (const c of [alice, bob]) {
      const ended = await c.waitForType('call-ended', (m) => m.callId === callId);
      assert.equal(ended.reason, 'ended-by-admin');
      assert.equal(ended.message, 'Your consultation is over');
    }
    await h.settled();
    assert.deepEqual((await api('GET', '/calls')).json.calls, []);
    await h.server.records?.recorder.flush();
    const records = await api('GET', `/records?userId=bob&limit=10`);
    assert.equal(records.status, 200);
    assert.equal(records.json.records[0].callId, callId);
    assert.equal(records.json.records[0].endReason, 'ended-by-admin');
    assert.deepEqual((await api('GET', `/records?userId=carol`)).json.records, []);
    assert.equal((await api('GET', `/records?cursor=bm9wZQ`)).status, 400);
  });

  it('a maximum duration ends the call for both sides with max-duration', async () => {
    await h.start({ adminSecret: ADMIN });
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    const callId = await connected(alice, bob, 'audio');
    const set = await api('PUT', `/calls/${callId}/max-duration`, { seconds: 1 });
    assert.equal(set.status, 200);
    assert.equal(set.json.callId, callId);
    assert.equal(typeof set.json.endsAt, 'number');
    for (const c of [alice, bob]) {
      const ended = await c.waitForType('call-ended', (m) => m.callId === callId, 10_000);
      assert.equal(ended.reason, 'max-duration');
    }
    await h.settled();
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    await h.start({ adminSecret: ADMIN });
    const { status, json } = await api('GET', '/openapi.json', undefined, null);
    assert.equal(status, 200);
    assert.equal(json.openapi, '3.1.0');
    assert.deepEqual(Object.keys(json.paths).sort(), [
      '/ck/admin/calls',
      '/ck/admin/calls/{callId}/end',
      '/ck/admin/calls/{callId}/max-duration',
      '/ck/admin/profiles/{userId}',
      '/ck/admin/records',
    ]);
    const put = json.paths['/ck/admin/calls/{callId}/max-duration'].put;
    assert.deepEqual(put.requestBody.content['application/json'].schema.properties.seconds, {
      type: 'integer',
      minimum: 1,
      maximum: 86400,
    });
    assert.equal(put.parameters[0].name, 'callId');
    assert.equal(put.parameters[0].in, 'path');
    const records = json.paths['/ck/admin/records'].get;
    assert.ok(records.responses[200].content['application/json'].schema.properties.records);
  });
});
