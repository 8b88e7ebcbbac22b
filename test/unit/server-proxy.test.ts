/**
 * Issue 14 item 2 (security review H1): behind a reverse proxy every client has the proxy's
 * address, so one client's flood locked everyone out. With `trustProxy` the per-address limits key
 * on the `X-Forwarded-For` client address, taken only from trusted peers.
 */
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { TestClient } from '../helpers/ws-client.js';
import { ServerHarness } from '../helpers/server-harness.js';
import { clientAddress, limitKey } from '../../server/http.js';
import { resolveTrustProxy } from '../../server/options.js';
import { parseCli } from '../../server/cli.js';

const h = new ServerHarness();
afterEach(() => h.stop());

const via = (xff: string) => ({ headers: { 'x-forwarded-for': xff } });

async function tryConnect(url: string, xff?: string): Promise<number> {
  try {
    const c = h.track(await TestClient.connect(url, 'c', xff ? via(xff) : {}));
    void c;
    return 101;
  } catch (err) {
    return (err as { statusCode?: number }).statusCode ?? -1;
  }
}

describe('--trust-proxy', () => {
  it('keys the per-address caps on X-Forwarded-For from a trusted proxy (here loopback)', async () => {
    const s = await h.start({ trustProxy: ['127.0.0.1/32'], rateLimits: { maxSocketsPerIp: 2 } });
    assert.deepEqual([await tryConnect(s.url, '203.0.113.1'), await tryConnect(s.url, '203.0.113.1')], [101, 101]);
    assert.equal(await tryConnect(s.url, '203.0.113.1'), 429, 'the third socket of that client');
    // Another client behind the same proxy is not locked out.
    assert.equal(await tryConnect(s.url, '203.0.113.2'), 101);
    // A client cannot pick its address: entries left of the proxy's own are ignored.
    assert.equal(await tryConnect(s.url, '198.51.100.7, 203.0.113.1'), 429);
  });

  it('ignores X-Forwarded-For from peers that are not trusted (the default)', async () => {
    const s = await h.start({ rateLimits: { maxSocketsPerIp: 2 } });
    assert.equal(await tryConnect(s.url, '203.0.113.1'), 101);
    assert.equal(await tryConnect(s.url, '203.0.113.2'), 101);
    assert.equal(await tryConnect(s.url, '203.0.113.3'), 429, 'all from 127.0.0.1');
  });

  it('clientAddress: rightmost untrusted hop, garbage falls back to the peer; IPv6 limits per /64', () => {
    const proxies = resolveTrustProxy(['10.0.0.0/8', '::1']);
    const req = (peer: string, xff?: string) =>
      ({ socket: { remoteAddress: peer }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage;
    assert.equal(clientAddress(req('10.1.2.3', '1.2.3.4, 5.6.7.8, 10.9.9.9'), proxies), '5.6.7.8');
    assert.equal(clientAddress(req('::ffff:10.1.2.3', '5.6.7.8'), proxies), '5.6.7.8');
    assert.equal(clientAddress(req('10.1.2.3', 'not-an-ip'), proxies), '10.1.2.3');
    assert.equal(clientAddress(req('10.1.2.3'), proxies), '10.1.2.3');
    assert.equal(clientAddress(req('192.0.2.1', '5.6.7.8'), proxies), '192.0.2.1', 'untrusted peer');
    assert.equal(limitKey('2001:db8:1:2:aaaa::1'), limitKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    assert.notEqual(limitKey('2001:db8:1:2::1'), limitKey('2001:db8:1:3::1'));
    assert.equal(limitKey('203.0.113.5'), '203.0.113.5');
  });

  it('is a CLI flag and env var; bad entries are refused', () => {
    const env = { CALLKIT_SECRET: 's'.repeat(32) };
    const a = parseCli(['--allowed-origins', '*', '--trust-proxy', '127.0.0.1, 10.0.0.0/8'], env);
    assert.ok(!a.help && JSON.stringify(a.options.trustProxy) === JSON.stringify(['127.0.0.1', '10.0.0.0/8']));
    const b = parseCli(['--allowed-origins', '*'], { ...env, CALLKIT_TRUST_PROXY: '::1' });
    assert.ok(!b.help && b.options.trustProxy?.[0] === '::1');
    assert.throws(() => parseCli(['--allowed-origins', '*', '--trust-proxy', '10.0.0.0/33'], env), /--trust-proxy/);
    assert.throws(() => parseCli(['--allowed-origins', '*', '--trust-proxy', 'proxy.local'], env), /--trust-proxy/);
  });
});

describe('reconnect storm behind one address', () => {
  it('sockets that log in get their connection token back: 40 users behind one address all get in at once', async () => {
    const s = await h.start({ rateLimits: { maxSocketsPerIp: 100 } });
    const t0 = performance.now();
    for (let i = 0; i < 40; i++) await h.user(`u${i}`);
    const elapsedS = (performance.now() - t0) / 1000;
    // Without the refund: at most 10 + 5/s × elapsed.
    assert.ok(40 > 10 + 5 * elapsedS, `took ${elapsedS.toFixed(2)} s: the test needs to be faster than the refill`);
    assert.equal(s.stats().users, 40);
    // Sockets that never log in are still limited.
    const codes = await Promise.all(Array.from({ length: 20 }, () => tryConnect(s.url)));
    assert.ok(codes.includes(429), JSON.stringify(codes));
  });
});
