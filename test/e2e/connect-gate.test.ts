/**
 * Never `connected` without a media path (issue 21): two Chromium browsers in two network
 * namespaces (see `netns.ts`) whose direct path is blocked, so the ICE checks that start at the
 * accept can never succeed. Each page records every status its store goes through (a
 * subscription installed right after login). Neither side may ever report `connected`: the
 * callee shows the call view "connecting" after its accept, the caller too, until ICE fails twice
 * and the call ends on both sides with the one cause `network` (toast `network-unsupported`).
 * Needs root and iproute2: otherwise skipped.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import { dial, startDemo, until, waitStatus, type Demo } from './harness.js';
import { closeNsPair, openNsPair, type NsPair } from './netns-call.js';
import { createTopology, netnsUnavailable, precleanStale, type Topology } from './netns.js';

const PREFIX = '10.221';
const unavailable = await netnsUnavailable();
if (unavailable) console.log(`connect gate (network namespaces) SKIPPED: ${unavailable}`);

let topo: Topology | undefined;
let demo: Demo | undefined;

/** Records every store status change (and whether the call view showed "connecting") in the page. */
const recordStatuses = (page: Page): Promise<void> =>
  page.evaluate(() => {
    const w = window as unknown as { __statuses: string[]; __viewConnecting: boolean };
    w.__statuses = [window.callKit.store.getState().status];
    w.__viewConnecting = false;
    window.callKit.store.subscribe((state, previous) => {
      if (state.status !== previous.status) w.__statuses.push(state.status);
    });
    const poll = setInterval(() => {
      const kit = document.querySelector('call-kit');
      const view = kit?.shadowRoot?.querySelector('call-view');
      if (view?.shadowRoot?.querySelector('[part~="connecting"]')) {
        w.__viewConnecting = true;
        clearInterval(poll);
      }
    }, 50);
  });

const outcome = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __statuses: string[]; __viewConnecting: boolean };
    return {
      statuses: w.__statuses,
      viewConnecting: w.__viewConnecting,
      ended: window.demoLog.filter((e) => e.type === 'ck-call-ended').map((e) => (e.detail as { cause: string }).cause),
      toast: window.callKit.store.getState().toast?.key ?? null,
    };
  });

describe('connect gate: no call is connected without a media path', { concurrency: 1, skip: unavailable ?? false }, () => {
  before(async () => {
    await precleanStale(PREFIX);
    topo = await createTopology(PREFIX);
    demo = await startDemo({ host: '0.0.0.0' });
  });
  after(async () => {
    await topo?.destroy();
    await demo?.close();
  });

  test(
    'the direct path is blocked when ICE starts at the accept: neither store is ever connected, both end with network',
    { timeout: 180_000 },
    async () => {
      let p: NsPair | undefined;
      try {
        p = await openNsPair(topo!, demo!, 'gate');
        await Promise.all([recordStatuses(p.alice), recordStatuses(p.bob)]);
        await topo!.cut();
        await dial(p.alice, p.bobId);
        await p.bob.getByRole('alertdialog').waitFor({ timeout: 20_000 });
        await p.bob.getByRole('button', { name: 'Accept', exact: true }).click();
        // ICE (started by the accept) fails twice (~10-35 s), then the call ends on both sides.
        await waitStatus(p.alice, 'idle', 120_000);
        await waitStatus(p.bob, 'idle', 20_000);
        const [alice, bob] = await Promise.all([outcome(p.alice), outcome(p.bob)]);
        console.log(`connect gate: alice ${JSON.stringify(alice)}; bob ${JSON.stringify(bob)}`);
        for (const [who, o] of [
          ['alice', alice],
          ['bob', bob],
        ] as const) {
          assert.ok(!o.statuses.includes('connected'), `${who}'s store was never connected: ${o.statuses.join(' -> ')}`);
          assert.deepEqual(o.ended, ['network'], `${who}: one end, cause network`);
          assert.equal(o.toast, 'network-unsupported', `${who}: the network-unsupported state is shown`);
        }
        assert.ok(bob.viewConnecting, 'bob: the call view showed "connecting" after the accept');
        assert.ok(alice.viewConnecting, 'alice: the call view showed "connecting" once bob accepted');
      } finally {
        await topo?.restore();
        if (p) await closeNsPair(p);
      }
    },
  );

  test(
    'control: with the path open, the same call connects on both sides and the view leaves "connecting"',
    { timeout: 120_000 },
    async () => {
      let p: NsPair | undefined;
      try {
        p = await openNsPair(topo!, demo!, 'gateok');
        await Promise.all([recordStatuses(p.alice), recordStatuses(p.bob)]);
        await dial(p.alice, p.bobId);
        await p.bob.getByRole('alertdialog').waitFor({ timeout: 20_000 });
        await p.bob.getByRole('button', { name: 'Accept', exact: true }).click();
        await waitStatus(p.bob, 'connected', 30_000);
        await waitStatus(p.alice, 'connected', 30_000);
        await until(async () => (await outcome(p!.bob)).statuses.at(-1) === 'connected', 'bob recorded connected', 10_000);
        await p.alice.getByRole('button', { name: 'Hang up', exact: true }).click();
        await waitStatus(p.bob, 'idle', 20_000);
      } finally {
        if (p) await closeNsPair(p);
      }
    },
  );
});
