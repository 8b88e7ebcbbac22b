/**
 * Signaling-server processes for multi-node tests: each is `server/cli.ts` (through tsx) with
 * `--redis-url`, on a free loopback port, no records (unless `extra` gives `--database-url`), the
 * test secret and SDKAppID. The process
 * prints its WebSocket URL and, once it holds the cluster lease, that it leads; both are awaited
 * from its output. `kill()` is SIGKILL (a node that dies without a word); every node is also killed
 * on process exit, so a failing test leaves nothing running.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_SDK_APP_ID, TEST_SECRET, waitUntil } from './ws-client.js';

export interface TestNode {
  url: string;
  output(): string;
  /** Resolves once this node holds the cluster lease (prints "cluster: node N leads"). */
  leading(timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Sends a signal without waiting (SIGSTOP / SIGCONT: a node that stalls). */
  signal(signal: NodeJS.Signals): void;
}

const CLI = join(import.meta.dirname, '../../server/cli.ts');

export async function startNode(redisUrl: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<TestNode> {
  const dir = mkdtempSync(join(tmpdir(), 'ck-node-'));
  writeFileSync(join(dir, 'secret'), `${TEST_SECRET}\n`);
  const args = [
    '--port',
    '0',
    '--secret-file',
    join(dir, 'secret'),
    '--sdk-app-id',
    String(TEST_SDK_APP_ID),
    '--allowed-origins',
    '*',
    ...(extra.includes('--database-url') ? [] : ['--no-records']),
    '--redis-url',
    redisUrl,
    ...extra,
  ];
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), CLI, ...args], {
    env: { ...process.env, CALLKIT_SECRET: '', CALLKIT_REDIS_LEASE_MS: '3000', ...env },
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    process.off('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(() => /listening on ws:\/\//.test(out) || child.exitCode !== null, `the node to listen (output: ${out})`, 30_000);
    const url = /listening on (ws:\/\/\S+)/.exec(out)?.[1];
    if (!url) throw new Error(`the node did not start: ${out}`);
    return {
      url,
      output: () => out,
      leading: (timeoutMs = 20_000) => waitUntil(() => /cluster: node \d+ leads/.test(out), `the node to lead (output: ${out})`, timeoutMs),
      kill,
      signal: (signal) => void child.kill(signal),
    };
  } catch (err) {
    await kill();
    throw err;
  }
}
