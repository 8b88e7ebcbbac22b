/**
 * Group video through the Janus SFU on a cluster (issue 15, docs/multi-node.md): a throwaway
 * `redis-server` and Janus, two signaling-server processes (`--redis-url`, `--sfu always`,
 * `--janus-url`; A leads) and a TCP balancer per page, as in `multi-node.test.ts`: sa and sb are on
 * A, sc and sd on B. Real Chromium pages (the demo's assets, fake camera), the kit's default engine.
 * The leader owns the call's Janus room; the members on B reach it through Redis. Every member's
 * tiles of the three others decode video over the SFU's two connections. Then the leader is killed
 * (SIGKILL): the new leader cannot take over the old leader's Janus handles and ends the call with
 * a clear reason; every page leaves the call (no stuck UI) and closes its connections.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright';
import type { JanusInstance } from '../../server/sfu/janus-process.js';
import { janusAvailable, startTestJanus } from '../helpers/janus.js';
import { startRedis, redisUnavailable, type TestRedis } from '../helpers/redis.js';
import { startNode, type TestNode } from '../helpers/cluster.js';
import { startBalancer, type Balancer } from '../helpers/balancer.js';
import { sigFor, TEST_SDK_APP_ID } from '../helpers/ws-client.js';
import { assertTilesDecoding } from './sfu-tiles.js';
import {
  acceptWhenRinging,
  describeConnections,
  instrument,
  lastCallEnded,
  launchBrowser,
  mediaStats,
  startDemo,
  until,
  waitStatus,
  type Demo,
} from './harness.js';

/** Load averages above 40 were seen on this 2-core machine while other suites ran. */
const SLOW = 240_000;
const skip = redisUnavailable() ?? (janusAvailable() ? false : 'janus is not installed (Debian package janus)');

const portOf = (node: TestNode) => Number(new URL(node.url).port);

describe('group video through the SFU on a cluster (two nodes, real Janus and Redis)', { skip, timeout: 1_200_000 }, () => {
  let redis: TestRedis;
  let janus: JanusInstance;
  let a: TestNode;
  let b: TestNode;
  let demo: Demo;
  let browser: Browser;
  let context: BrowserContext;
  const balancers: Balancer[] = [];

  before(async () => {
    redis = await startRedis();
    janus = await startTestJanus();
    const args = ['--grace', '20', '--sfu', 'always', '--janus-url', janus.url];
    a = await startNode(redis.url, args);
    await a.leading();
    b = await startNode(redis.url, args);
    demo = await startDemo();
    browser = await launchBrowser();
    context = await browser.newContext();
  });
  after(async () => {
    if (process.env.E2E_DEBUG) console.error(`A: ${a?.output()}\nB: ${b?.output()}`);
    await context?.close();
    await browser?.close();
    await demo?.close();
    for (const x of balancers) await x.close();
    await a?.kill();
    await b?.kill();
    await janus?.stop();
    await redis?.stop();
  });

  /** A demo page whose kit logs in as `user` through a balancer over `order` (first choice first). */
  async function openVia(order: TestNode[], user: string): Promise<{ page: Page; balancer: Balancer }> {
    const balancer = await startBalancer(order.map(portOf));
    balancers.push(balancer);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`[${user}] page error:`, error));
    if (process.env.E2E_DEBUG) page.on('console', (m) => console.log(`[${user}] ${m.type()}: ${m.text()}`));
    await page.addInitScript(instrument);
    await page.goto(demo.url);
    await page.waitForFunction(() => window.callKit !== undefined);
    await page.evaluate(
      ({ sdkAppId, userId, userSig, server }) => window.callKit.init({ SDKAppID: sdkAppId, userID: userId, userSig, server }),
      { sdkAppId: TEST_SDK_APP_ID, userId: user, userSig: sigFor(user), server: balancer.url('/ck') },
    );
    await page.waitForFunction(() => window.callKit.store.getState().loggedIn === true, null, { timeout: 30_000 });
    return { page, balancer };
  }

  test('4 members on two nodes each decode the 3 others through the SFU; the leader dies and every page ends the call', async () => {
    const users = ['sa', 'sb', 'sc', 'sd'];
    const pages: Record<string, Page> = {};
    // One at a time: page loads at once on 2 cores only slow each other down.
    for (const u of users) {
      const { page, balancer } = await openVia(u === 'sa' || u === 'sb' ? [a, b] : [b, a], u);
      assert.deepEqual(balancer.picks, [portOf(u === 'sa' || u === 'sb' ? a : b)], `${u} is on its node`);
      pages[u] = page;
    }
    // A long ring (120 s) and the three accepting at once: at load 48 accepting one after the other
    // outlasted the default 30 s ring of the last invitee.
    await pages.sa.evaluate(() => window.callKit.calls({ userIDList: ['sb', 'sc', 'sd'], type: 2, timeout: 120 }));
    await Promise.all(users.slice(1).map((u) => acceptWhenRinging(pages[u], SLOW)));
    await until(
      async () => (await pages.sa.evaluate(() => window.callKit.store.getState().status)) === 'connected',
      'sa is connected',
      SLOW,
      () => describeConnections(pages.sa),
    );
    for (const u of users) {
      await assertTilesDecoding(
        pages[u],
        u,
        users.filter((o) => o !== u),
      );
    }
    // Through the SFU: one upload and one download connection per member (mesh would be 3).
    for (const u of users) assert.equal((await mediaStats(pages[u])).openPcs, 2, `${u} has the SFU's 2 connections`);

    // The leader (A: the Janus room, and sa's and sb's sockets) dies.
    await a.kill();
    await b.leading(60_000);
    for (const u of users) {
      await waitStatus(pages[u], 'idle', SLOW);
      await until(
        async () => (await mediaStats(pages[u])).openPcs === 0,
        `${u} closed its connections`,
        SLOW,
        () => describeConnections(pages[u]),
      );
    }
    // The members whose sockets lived through it were told why by the new leader.
    for (const u of ['sc', 'sd']) assert.equal((await lastCallEnded(pages[u]))?.cause, 'ended', `${u} ended by the server`);
  });
});
