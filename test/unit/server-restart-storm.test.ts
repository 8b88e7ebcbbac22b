/**
 * Issue 14 item 2 (security review H1, R4): after a restart of the signaling server, a crowd of
 * 1,000 logged-in clients comes back. Each client is a real `WebRTCEngine`, so the reconnection
 * follows the kit's own backoff, jitter and give-up time (`reconnectDelayMs`,
 * `DEFAULT_RECONNECT_GIVE_UP_MS` in src/engine/webrtc/reconnect.ts); each has its own
 * `X-Forwarded-For` address behind a trusted proxy (loopback), and every server limit is at its
 * default. The server runs in its own process and is killed (SIGKILL, like a crash: no close frames)
 * and started again on the same port; the clients are spread over worker processes.
 *
 * Outcome asserted: every client is logged in again and none gave up, and the last one is back
 * within the server's call grace of the new server listening. The test runs the server with a
 * grace of 30 s (`graceMs`; CK_STORM_GRACE_MS, ms, changes it), twice the default 15 s, because
 * the shared 2-core machine is sometimes far overloaded: 1.9-2.4 s at a load average of 2, 21.5 s
 * once at 60. CK_STORM_CLIENTS and CK_STORM_WORKERS change the crowd (default 1000 over 2 workers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { DEFAULT_RECONNECT_GIVE_UP_MS } from '../../src/engine/webrtc/reconnect.js';

const CLIENTS = Number(process.env.CK_STORM_CLIENTS ?? 1000);
const WORKERS = Number(process.env.CK_STORM_WORKERS ?? 2);
/** The server's `graceMs` in this test (its default is 15 s, server/options.ts). */
const GRACE_MS = Number(process.env.CK_STORM_GRACE_MS ?? 30_000);
const helper = (name: string) => fileURLToPath(new URL(`../helpers/storm/${name}.ts`, import.meta.url));

interface Status {
  connected: number;
  lost: number;
  back: number;
  failed: number;
  errors: string[];
}

function start(name: string, env: Record<string, string>): ChildProcess {
  return fork(helper(name), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The next IPC message of `child` that has `key` (rejects if the child exits first or after `timeoutMs`). */
function next<T>(child: ChildProcess, key: string, timeoutMs = 60_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no ${key} from ${child.pid} in ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: Record<string, unknown>) => {
      if (key in m) done(null, m[key] as T);
    };
    const onExit = (code: number | null) => done(new Error(`child ${child.pid} exited (${code}) before ${key}`));
    function done(err: Error | null, value?: T): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value as T);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/**
 * Logs the crowd in, restarts the server (`crash`: SIGKILL and a new process on the same port;
 * `graceful`: close with 1001 and listen again at once, so the crowd's immediate first attempt lands
 * together) and checks that everyone is back.
 */
async function storm(mode: 'crash' | 'graceful'): Promise<void> {
  const children: ChildProcess[] = [];
  try {
    let server = start('server', { STORM_GRACE_MS: String(GRACE_MS) });
    children.push(server);
    const port = await next<number>(server, 'port');
    const url = `ws://127.0.0.1:${port}/ck`;
    const per = Math.ceil(CLIENTS / WORKERS);
    const workers = Array.from({ length: WORKERS }, (_, w) => {
      const count = Math.max(0, Math.min(per, CLIENTS - w * per));
      return start('clients', { STORM_URL: url, STORM_FROM: String(w * per), STORM_COUNT: String(count) });
    });
    children.push(...workers);
    await Promise.all(workers.map((w) => next<number>(w, 'ready', 120_000)));
    server.send({ cmd: 'stats' });
    assert.equal((await next<{ users: number }>(server, 'stats')).users, CLIENTS, 'all logged in before the restart');

    if (mode === 'graceful') {
      const restarted = next<number>(server, 'restarted');
      server.send({ cmd: 'restart' });
      assert.equal(await restarted, port);
    } else {
      await kill(server);
      server = start('server', { STORM_PORT: String(port), STORM_GRACE_MS: String(GRACE_MS) });
      children.push(server);
      assert.equal(await next<number>(server, 'port'), port, 'the new server listens on the same port');
    }
    const upAt = performance.now();

    const status = async (): Promise<Status> => {
      const all = await Promise.all(
        workers.map((w) => {
          const answer = next<Status>(w, 'status');
          w.send({ cmd: 'status' });
          return answer;
        }),
      );
      return all.reduce((a, b) => ({
        connected: a.connected + b.connected,
        lost: a.lost + b.lost,
        back: a.back + b.back,
        failed: a.failed + b.failed,
        errors: [...a.errors, ...b.errors],
      }));
    };
    // Bounded by the kit's give-up time: by then every client is back or has given up.
    let s = await status();
    let backAt = 0;
    while (performance.now() - upAt < DEFAULT_RECONNECT_GIVE_UP_MS + 5000) {
      s = await status();
      if (s.back === CLIENTS && !backAt) backAt = performance.now();
      if (s.back + s.failed >= CLIENTS) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const tookS = ((backAt || performance.now()) - upAt) / 1000;
    console.log(
      `restart storm (${mode}): ${s.back}/${CLIENTS} back, ${s.failed} gave up; the last one ${tookS.toFixed(1)} s after the restart (load average ${loadavg()[0].toFixed(1)})`,
    );
    assert.equal(s.failed, 0, `clients gave up: ${JSON.stringify(s.errors)}`);
    assert.equal(s.lost, CLIENTS, 'every client saw the restart');
    assert.equal(s.back, CLIENTS);
    assert.ok(tookS * 1000 <= GRACE_MS, `the last client was back ${tookS.toFixed(1)} s after the restart (grace ${GRACE_MS / 1000} s)`);
    server.send({ cmd: 'stats' });
    assert.equal((await next<{ users: number }>(server, 'stats')).users, CLIENTS, 'the new server has every user online');
    for (const w of workers) w.send({ cmd: 'stop' });
  } finally {
    await Promise.all(children.map(kill));
  }
}

const TIMEOUT = { timeout: 240_000 };
test(`crash: ${CLIENTS} clients with the kit's backoff all log in again within the grace`, TIMEOUT, () => storm('crash'));
test(`graceful restart: ${CLIENTS} clients all log in again within the grace`, TIMEOUT, () => storm('graceful'));
