/**
 * `canCall` asked of the operator's backend (`--call-policy-url`, `server/call-policy-url.ts`): a
 * local http server answers per callee: allowed, refused, no answer (timeout), a bad body, an HTTP
 * error. Every failure refuses (fail-closed); answers are cached; the signaling server asks before
 * an invite rings anyone.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UrlCallPolicy } from '../../server/call-policy-url.js';
import { parseCli } from '../../server/cli.js';
import { ServerHarness } from '../helpers/server-harness.js';
import { quietLogger, recordingLogger } from '../helpers/ws-client.js';
import type { Msg } from '../helpers/ws-client.js';

describe('canCall from a URL', () => {
  let backend: Server;
  let url = '';
  const asked: { from: string; to: string }[] = [];
  const held: ServerResponse[] = [];

  before(async () => {
    backend = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const q = JSON.parse(body) as { from: string; to: string };
        asked.push(q);
        const json = (status: number, value: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
        if (q.to === 'slow') return void held.push(res); // never answered
        if (q.to === 'bad') return json(200, { allowed: 'yes' });
        if (q.to === 'broken') return json(500, { allowed: true });
        json(200, { allowed: q.to !== 'carol' });
      });
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/can-call`;
  });

  after(async () => {
    for (const res of held) res.destroy();
    backend.closeAllConnections();
    await new Promise<void>((resolve) => backend.close(() => resolve()));
  });

  it('allowed, refused, timeout, bad answer, HTTP error: only an explicit {"allowed": true} allows', async () => {
    const log = recordingLogger();
    const policy = new UrlCallPolicy({ url, timeoutMs: 300 }, log);
    assert.equal(policy.canCall('alice', 'bob'), false, 'a pair never asked is refused');
    await policy.resolve('alice', ['bob', 'carol', 'slow', 'bad', 'broken']);
    assert.deepEqual(policy.answers('alice', ['bob', 'carol', 'slow', 'bad', 'broken']), [
      ['bob', true],
      ['carol', false],
      ['slow', false],
      ['bad', false],
      ['broken', false],
    ]);
    const warned = log.lines
      .filter((l) => l.level === 'warn')
      .map((l) => l.msg)
      .join('\n');
    assert.match(warned, /alice -> slow refused \(fail-closed\): no answer within 300 ms/);
    assert.match(warned, /alice -> bad refused \(fail-closed\): the answer is not/);
    assert.match(warned, /alice -> broken refused \(fail-closed\): HTTP 500/);
  });

  it('answers are cached for the TTL (then asked again); failures only briefly; the cache is bounded', async () => {
    let now = 1_000_000;
    const policy = new UrlCallPolicy({ url, cacheTtlMs: 60_000, cacheSize: 3, timeoutMs: 300 }, quietLogger, () => now);
    const count = (to: string) => asked.filter((q) => q.from === 'dave' && q.to === to).length;
    await policy.resolve('dave', ['bob', 'bob']);
    await policy.resolve('dave', ['bob']);
    assert.equal(count('bob'), 1, 'asked once');
    await Promise.all([policy.resolve('dave', ['erin']), policy.resolve('dave', ['erin'])]);
    assert.equal(count('erin'), 1, 'one request for two concurrent asks');
    await policy.resolve('dave', ['bad']);
    now += 6000; // past the failure TTL, within the answers' TTL
    await policy.resolve('dave', ['bob', 'bad']);
    assert.deepEqual([count('bob'), count('bad')], [1, 2]);
    now += 60_000;
    await policy.resolve('dave', ['bob']);
    assert.equal(count('bob'), 2, 'asked again after the TTL');
    await policy.resolve('dave', ['frank', 'gina']);
    assert.ok(policy.size <= 3);
  });

  it('the server asks the URL before an invite: an allowed callee rings, a refused one ends not-allowed', async () => {
    const h = new ServerHarness();
    try {
      await h.start({ callPolicyUrl: { url } });
      const alice = await h.user('alice');
      const bob = await h.user('bob');
      await h.user('carol');
      const ok = (await alice.ask({ type: 'invite', to: ['bob'], mediaType: 'audio' })) as Msg<'invite-ok'>;
      assert.equal(ok.members[1]?.state, 'ringing');
      await bob.waitForType('incoming', (m) => m.callId === ok.callId);
      await alice.ask({ type: 'cancel', callId: ok.callId });
      const refused = (await alice.ask({ type: 'invite', to: ['carol'], mediaType: 'audio' })) as Msg<'invite-ok'>;
      assert.deepEqual(refused.members[1], { userId: 'carol', state: 'unavailable' });
      assert.equal((await alice.waitForType('call-ended', (m) => m.callId === refused.callId)).reason, 'not-allowed');
      await h.settled();
    } finally {
      await h.stop();
    }
  });

  it('--call-policy-url / CALLKIT_CALL_POLICY_URL; not with --call-policy; http(s) only', () => {
    const cmd = parseCli(['--dev', '--call-policy-url', 'https://backend.example/can-call'], {});
    assert.ok(!cmd.help && cmd.options.callPolicyUrl?.url === 'https://backend.example/can-call');
    const env = parseCli(['--dev'], { CALLKIT_CALL_POLICY_URL: 'http://127.0.0.1:9/can-call' });
    assert.ok(!env.help && env.options.callPolicyUrl?.url === 'http://127.0.0.1:9/can-call');
    assert.throws(() => parseCli(['--dev', '--call-policy-url', 'ftp://x'], {}), /--call-policy-url must be an http\(s\) URL/);
    assert.throws(
      () => parseCli(['--dev', '--call-policy-url', 'https://x.example', '--call-policy', 'p.json'], {}),
      /one of --call-policy/,
    );
  });
});
