/**
 * Call records end to end: two Chromium pages on the demo (its server keeps records in memory)
 * call each other; afterwards each user reads the same record through `callKit.getCallRecords()`,
 * and a user who was offline when called learns of it from `ck-missed-calls` at login.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { dial, launchBrowser, openUser, startDemo, until, waitStatus, type Demo } from './harness.js';

let demo: Demo;
let browser: Browser;
before(async () => {
  demo = await startDemo({ records: true, ringTimeoutS: 3 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await demo?.close();
});

interface SeenRecord {
  callId: string;
  callerId: string;
  mediaType: string;
  members: { userId: string; outcome: string }[];
  endReason: string;
  durationMs: number;
  connectedAt?: number;
}

const records = (page: Page) =>
  page.evaluate(async () => (await window.callKit.getCallRecords({ limit: 10 })).records as unknown as SeenRecord[]);

describe('call records in the browser', { concurrency: 1 }, () => {
  test('a connected call: both users read the same record with getCallRecords', async () => {
    const context = await browser.newContext();
    const alice = await openUser(context, demo, 'rec-alice');
    const bob = await openUser(context, demo, 'rec-bob');
    await dial(alice, 'rec-bob');
    await bob.getByRole('alertdialog').waitFor({ timeout: 15_000 });
    await bob.getByRole('button', { name: 'Accept', exact: true }).click();
    await waitStatus(bob, 'connected');
    await waitStatus(alice, 'connected');
    await bob.getByRole('button', { name: 'Hang up', exact: true }).click();
    await waitStatus(alice, 'idle');
    await waitStatus(bob, 'idle');

    let seen: SeenRecord[] = [];
    await until(async () => {
      seen = await records(alice);
      return seen.length === 1;
    }, "alice's record");
    const [rec] = seen;
    assert.equal(rec.callerId, 'rec-alice');
    assert.equal(rec.mediaType, 'video');
    assert.deepEqual(rec.members, [{ userId: 'rec-bob', outcome: 'accepted', joinedAt: rec.connectedAt }]);
    assert.equal(rec.endReason, 'hangup');
    assert.ok(rec.durationMs >= 0);
    assert.deepEqual(await records(bob), seen, 'bob reads the same record');
    await context.close();
  });

  test('a call to an offline user arrives as ck-missed-calls at its login', async () => {
    const context = await browser.newContext();
    const carol = await openUser(context, demo, 'rec-carol');
    await dial(carol, 'rec-dave', 'audio');
    await waitStatus(carol, 'idle');
    const page = await openUser(context, demo, 'rec-dave');
    await until(() => page.evaluate(() => window.demoLog.some((e) => e.type === 'ck-missed-calls')), "dave's ck-missed-calls");
    const detail = await page.evaluate(() => window.demoLog.find((e) => e.type === 'ck-missed-calls')?.detail);
    const calls = (detail as { calls: { callerId: string; mediaType: string; outcome: string }[] }).calls;
    assert.deepEqual(
      calls.map((c) => [c.callerId, c.mediaType, c.outcome]),
      [['rec-carol', 'audio', 'offline']],
    );
    await context.close();
  });
});
