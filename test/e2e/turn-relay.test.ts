/**
 * TURN, for real (issue 14 item 6): two Chromium browsers in two network namespaces (see
 * `netns.ts`) whose direct path is cut before the call, a throwaway coturn (time-limited
 * credentials, `test/helpers/coturn.ts`) on an address both can reach, and the demo's signaling
 * server handing out the credentials (`login-ok.turn`). The call connects only through the relay:
 * the selected candidate pair has a `relay` candidate and media frames arrive. With
 * `iceTransportPolicy: 'relay'` both sides' local candidates are relays. A TURN secret the coturn
 * does not share (so every credential is refused) ends the call cleanly, not stuck connecting.
 *
 * coturn listens on `<prefix>.3.1`, an address on the root namespace's loopback outside both
 * subnets: the cut (policy rules between the two /24s) leaves it reachable from both sides, and its
 * answers are not from a cut subnet. Needs root, iproute2 and coturn: otherwise skipped.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { coturnUnavailable, startCoturn, type Coturn } from '../helpers/coturn.js';
import { assertReceivingFrom, dial, openUser, startDemo, until, waitStatus, type Demo, type DemoOptions } from './harness.js';
import { createTopology, netnsUnavailable, precleanStale, type Side, type Topology } from './netns.js';

const run = promisify(execFile);
const PREFIX = '10.214';
const TURN_IP = `${PREFIX}.3.1`;
const unavailable = (await netnsUnavailable()) ?? coturnUnavailable();
if (unavailable) console.log(`TURN relay (network namespaces) SKIPPED: ${unavailable}`);

let topo: Topology | undefined;
let coturn: Coturn | undefined;
let turnAddressAdded = false;
const browsers: Browser[] = [];

async function openIn(side: Side, demo: Demo, user: string): Promise<Page> {
  const url = `http://${side.hostAddress}:${new URL(demo.url).port}`;
  const browser = await chromium.launch({
    executablePath: topo!.wrapper(side, chromiumPath()),
    headless: true,
    args: [...chromiumArgs, `--unsafely-treat-insecure-origin-as-secure=${url}`, '--disable-features=WebRtcHideLocalIpsWithMdns'],
  });
  browsers.push(browser);
  return openUser(await browser.newContext(), { url, close: async () => undefined }, user);
}

const debugPc = (page: Page, remote: string): Promise<boolean> =>
  page.evaluate(
    (id) =>
      Boolean(
        (window.callKit.engine as unknown as Record<symbol, { peerConnection(id: string): RTCPeerConnection | null }>)[
          Symbol.for('callkit-elements.webrtc-engine.debug')
        ].peerConnection(id),
      ),
    remote,
  );

/** The selected candidate pair of the engine's connection toward `remote`: candidate types and addresses. */
const selectedPair = (page: Page, remote: string) =>
  page.evaluate(async (id) => {
    const pc = (window.callKit.engine as unknown as Record<symbol, { peerConnection(id: string): RTCPeerConnection | null }>)[
      Symbol.for('callkit-elements.webrtc-engine.debug')
    ].peerConnection(id);
    if (!pc) return null;
    const stats = new Map<string, Record<string, unknown>>();
    (await pc.getStats()).forEach((s: Record<string, unknown>) => stats.set(String(s.id), s));
    const transport = [...stats.values()].find((s) => s.type === 'transport' && typeof s.selectedCandidatePairId === 'string');
    const pair = transport ? stats.get(String(transport.selectedCandidatePairId)) : undefined;
    if (!pair) return null;
    const [local, remoteC] = [pair.localCandidateId, pair.remoteCandidateId].map((c) => stats.get(String(c)));
    return {
      local: `${String(local?.candidateType)} ${String(local?.address)}`,
      remote: `${String(remoteC?.candidateType)} ${String(remoteC?.address)}`,
    };
  }, remote);

const idOf = (page: Page): Promise<string> => page.evaluate(() => window.callKit.store.getState().self.userId);
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
let n = 0;

/** Demo with `options`, alice in namespace A and bob in B (direct path cut), alice calls bob, bob accepts. */
async function callThroughCut(options: DemoOptions): Promise<{ demo: Demo; alice: Page; bob: Page; aliceId: string; bobId: string }> {
  const demo = await startDemo({ host: '0.0.0.0', ...options });
  n++;
  const alice = await openIn(topo!.a, demo, `turna${n}_${process.pid}`);
  const bob = await openIn(topo!.b, demo, `turnb${n}_${process.pid}`);
  const [aliceId, bobId] = [await idOf(alice), await idOf(bob)];
  await topo!.cut();
  await dial(alice, bobId);
  await bob.getByRole('alertdialog').waitFor({ timeout: 15_000 });
  await button(bob, 'Accept').click();
  return { demo, alice, bob, aliceId, bobId };
}

async function closeAll(demo: Demo | undefined): Promise<void> {
  for (const browser of browsers.splice(0)) await browser.close().catch(() => undefined);
  await demo?.close().catch(() => undefined);
  await topo?.restore();
}

describe('TURN: the call connects through coturn when the direct path is blocked', { concurrency: 1, skip: unavailable ?? false }, () => {
  before(async () => {
    const removed = await precleanStale(PREFIX);
    if (removed.length) console.log(`TURN: removed stale ${removed.join(', ')}`);
    topo = await createTopology(PREFIX);
    await run('ip', ['addr', 'add', `${TURN_IP}/32`, 'dev', 'lo']);
    turnAddressAdded = true;
    coturn = await startCoturn({ listeningIps: [TURN_IP] });
  });
  after(async () => {
    for (const browser of browsers.splice(0)) await browser.close().catch(() => undefined);
    await coturn?.stop();
    if (turnAddressAdded) await run('ip', ['addr', 'del', `${TURN_IP}/32`, 'dev', 'lo']).catch(() => undefined);
    await topo?.destroy();
  });

  for (const relayOnly of [false, true]) {
    test(
      relayOnly
        ? "iceTransportPolicy 'relay' (--turn-relay-only): both local candidates are coturn relays, media flows"
        : 'the direct path is cut: the selected pair goes through a coturn relay and media frames arrive both ways',
      { timeout: 120_000 },
      async () => {
        let demo: Demo | undefined;
        try {
          const call = await callThroughCut({
            turnUrl: coturn!.urls.join(','),
            turnSecret: coturn!.secret,
            turnTtl: 600,
            ...(relayOnly ? { turnRelayOnly: '1' as const } : {}),
          });
          demo = call.demo;
          await waitStatus(call.bob, 'connected', 30_000);
          await waitStatus(call.alice, 'connected', 30_000);
          await assertReceivingFrom(call.alice, 'alice', [call.bobId], true, 30_000);
          await assertReceivingFrom(call.bob, 'bob', [call.aliceId], true, 30_000);
          for (const [who, page, remote] of [
            ['alice', call.alice, call.bobId],
            ['bob', call.bob, call.aliceId],
          ] as const) {
            const pair = await selectedPair(page, remote);
            console.log(`TURN${relayOnly ? ' relay-only' : ''}: ${who}'s selected pair ${JSON.stringify(pair)}`);
            assert.ok(pair, `${who} has a selected candidate pair`);
            // No host-to-host pair can work (cut); a relay is on one end at least, at coturn's address.
            assert.ok(
              [pair.local, pair.remote].some((c) => c === `relay ${TURN_IP}`),
              `${who}'s selected pair goes through the coturn relay: ${JSON.stringify(pair)}`,
            );
            if (relayOnly) assert.equal(pair.local, `relay ${TURN_IP}`, `${who} sends through its own relay`);
          }
          await button(call.alice, 'Hang up').click();
          await waitStatus(call.bob, 'idle');
        } finally {
          await closeAll(demo);
        }
      },
    );
  }

  test(
    'credentials coturn refuses (another secret) on a cut path: the call ends cleanly on both sides (network-unsupported, a ck-error naming the TURN 401), not stuck connecting',
    { timeout: 150_000 },
    async () => {
      let demo: Demo | undefined;
      try {
        const startedAt = Date.now();
        const call = await callThroughCut({ turnUrl: coturn!.urls.join(','), turnSecret: 'not-the-secret-coturn-has', turnTtl: 600 });
        demo = call.demo;
        await until(() => debugPc(call.alice, call.bobId), 'alice has a connection', 15_000);
        await waitStatus(call.alice, 'idle', 100_000);
        await waitStatus(call.bob, 'idle', 15_000);
        const ended = await Promise.all(
          [call.alice, call.bob].map((page) =>
            page.evaluate(() => ({
              ended: window.demoLog.filter((e) => e.type === 'ck-call-ended').at(-1)?.detail as { cause: string } | undefined,
              errors: window.demoLog.filter((e) => e.type === 'ck-error').map((e) => JSON.stringify(e.detail)),
              toast: window.callKit.store.getState().toast?.key ?? null,
            })),
          ),
        );
        console.log(`TURN refused: ended ${Date.now() - startedAt} ms after the start: ${JSON.stringify(ended)}`);
        // Both sides: the network-unsupported state (the side that gave up first hangs up; the other
        // one, whose ICE failed too, says the same, not "the other side hung up").
        assert.deepEqual(
          ended.map((e) => [e.ended?.cause, e.toast]),
          [
            ['network', 'network-unsupported'],
            ['network', 'network-unsupported'],
          ],
          JSON.stringify(ended),
        );
        // Whoever gave up says why, for the developer: the TURN server refused the credentials.
        assert.ok(
          ended.some((e) => e.errors.some((m) => m.includes(TURN_IP) && / 401 /.test(m))),
          `a ck-error names coturn's 401: ${JSON.stringify(ended)}`,
        );
      } finally {
        await closeAll(demo);
      }
    },
  );
});
