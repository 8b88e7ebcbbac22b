/**
 * Many nodes over Redis with real browsers (README "Multi-node deployment"): a throwaway
 * `redis-server`, two signaling-server processes (A leads) and a TCP balancer in front of them per
 * page (alice's prefers A, bob's prefers B, each falls back to the other), as a load balancer does.
 * The pages are the demo's (assets only); each kit logs in through its balancer with a userSig the
 * test mints. Media flows between alice on A and bob on B; A is killed (SIGKILL) mid-call: alice's
 * socket drops, the kit reconnects through the balancer to B (the new leader), resumes the call,
 * media never stops, and bob's hang-up reaches alice on her new socket.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { assertReceivingMedia, instrument, launchBrowser, startDemo, until, waitStatus, type Demo } from './harness.js';
import { startRedis, redisUnavailable, type TestRedis } from '../helpers/redis.js';
import { startNode, type TestNode } from '../helpers/cluster.js';
import { startBalancer, type Balancer } from '../helpers/balancer.js';
import { sigFor, TEST_SDK_APP_ID } from '../helpers/ws-client.js';

const skip = redisUnavailable() ?? false;

let redis: TestRedis;
let a: TestNode;
let b: TestNode;
let demo: Demo;
let browser: Browser;
const balancers: Balancer[] = [];

const portOf = (node: TestNode) => Number(new URL(node.url).port);

/** A demo page whose kit logs in as `user` through a balancer over `order`. */
async function openVia(order: TestNode[], user: string): Promise<{ page: Page; balancer: Balancer }> {
  const balancer = await startBalancer(order.map(portOf));
  balancers.push(balancer);
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => console.error(`[${user}] page error:`, error));
  if (process.env.E2E_DEBUG) page.on('console', (m) => console.log(`[${user}] ${m.type()}: ${m.text()}`));
  await page.addInitScript(instrument);
  await page.goto(demo.url);
  await page.waitForFunction(() => window.callKit !== undefined);
  await page.evaluate(
    ({ sdkAppId, userId, userSig, server }) => window.callKit.init({ SDKAppID: sdkAppId, userID: userId, userSig, server }),
    { sdkAppId: TEST_SDK_APP_ID, userId: user, userSig: sigFor(user), server: balancer.url('/ck') },
  );
  await page.waitForFunction(() => window.callKit.store.getState().loggedIn === true, null, { timeout: 20_000 });
  return { page, balancer };
}

describe('many nodes over Redis, in Chromium', { skip, concurrency: 1 }, () => {
  before(async () => {
    redis = await startRedis();
    a = await startNode(redis.url, ['--grace', '20']);
    await a.leading();
    b = await startNode(redis.url, ['--grace', '20']);
    demo = await startDemo();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    for (const x of balancers) await x.close();
    await a?.kill();
    await b?.kill();
    await redis?.stop();
  });

  test('alice on node A calls bob on node B; A is killed mid-call and alice resumes through B', async () => {
    const alice = await openVia([a, b], 'alice');
    const bob = await openVia([b, a], 'bob');
    assert.deepEqual(alice.balancer.picks, [portOf(a)]);
    assert.deepEqual(bob.balancer.picks, [portOf(b)]);

    await alice.page.evaluate(() => window.callKit.calls({ userIDList: ['bob'], type: 2 }));
    await bob.page.getByRole('alertdialog').waitFor({ timeout: 15_000 });
    await bob.page.getByRole('button', { name: 'Accept', exact: true }).click();
    await waitStatus(bob.page, 'connected');
    await waitStatus(alice.page, 'connected');
    await assertReceivingMedia(alice.page, 'alice');
    await assertReceivingMedia(bob.page, 'bob');

    await a.kill();
    // alice's socket went down with A; her kit reconnects through the balancer, now to B.
    await until(() => alice.balancer.picks.length >= 2, 'alice reconnects through the balancer', 20_000);
    assert.equal(alice.balancer.picks.at(-1), portOf(b));
    await b.leading();
    await alice.page.waitForFunction(() => window.callKit.store.getState().connection === 'connected', null, { timeout: 20_000 });
    assert.equal(await alice.page.evaluate(() => window.callKit.store.getState().status), 'connected');
    assert.equal(await bob.page.evaluate(() => window.callKit.store.getState().status), 'connected');
    // Media is peer to peer: it never stopped.
    await assertReceivingMedia(alice.page, 'alice');
    await assertReceivingMedia(bob.page, 'bob');

    // Still in the call (a refused resume would have ended it), bound to alice's new socket on B:
    // bob's hang-up reaches her there.
    assert.equal(await alice.page.evaluate(() => window.callKit.store.getState().status), 'connected');
    await bob.page.getByRole('button', { name: 'Hang up', exact: true }).click();
    await waitStatus(bob.page, 'idle');
    await waitStatus(alice.page, 'idle', 10_000);
  });
});
