/**
 * Runs a private Janus for the signaling server (or a test): a generated configuration in a temp
 * dir with only the VideoRoom plugin and the WebSocket transport (bound to loopback, no admin API,
 * no event handlers or loggers), a fixed RTP port range and no STUN. `startJanus` resolves once
 * the WebSocket API answers; `stop()` kills the process and removes the temp dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

export const DEFAULT_JANUS_BIN = '/usr/bin/janus';
const LIB_DIR = '/usr/lib/x86_64-linux-gnu/janus';

export interface JanusOptions {
  /** The janus binary (default /usr/bin/janus). */
  bin?: string;
  /** Folder holding Debian's `plugins/` and `transports/` (default /usr/lib/x86_64-linux-gnu/janus). */
  libDir?: string;
  /** WebSocket API port on 127.0.0.1 (default a free one). */
  wsPort?: number;
  /** UDP range for media, "min-max" (default 20000-40000). */
  rtpPortRange?: string;
  /** Janus log level 0-7 (default 3: warnings and errors). */
  debugLevel?: number;
  /** How long to wait for the API (default 20 s). */
  readyTimeoutMs?: number;
  /** Where Janus's output goes (default: dropped, the last lines are kept for errors). */
  onLog?: (line: string) => void;
}

export interface JanusInstance {
  /** ws://127.0.0.1:<port> (Janus's API, subprotocol janus-protocol). */
  url: string;
  pid: number;
  /** The generated config folder (removed by stop(), or when this process exits). */
  dir: string;
  /** Resolves when the process exits on its own (crash) or after stop(). */
  exited: Promise<number | null>;
  /** Kills Janus (SIGTERM, SIGKILL after 3 s) and removes the config dir. */
  stop(): Promise<void>;
}

/** True when a janus binary and its plugin folder are installed. */
export function janusAvailable(bin = DEFAULT_JANUS_BIN, libDir = LIB_DIR): boolean {
  return existsSync(bin) && existsSync(join(libDir, 'plugins', 'libjanus_videoroom.so'));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The generated janus.jcfg (libconfig syntax). */
export function janusConfig(dir: string, rtpPortRange: string, debugLevel: number): string {
  return `general: {
  configs_folder = "${dir}"
  plugins_folder = "${dir}/plugins"
  transports_folder = "${dir}/transports"
  events_folder = "${dir}/none"
  loggers_folder = "${dir}/none"
  debug_level = ${debugLevel}
  debug_colors = false
  hide_dependencies = true
  session_timeout = 60
}
media: {
  rtp_port_range = "${rtpPortRange}"
}
nat: {
  full_trickle = false
  ice_ignore_list = "vmnet"
}
plugins: {
}
transports: {
}
loggers: {
  disable = "*"
}
events: {
  broadcast = false
}
`;
}

function wsConfig(port: number): string {
  return `general: {
  json = "plain"
  ws = true
  ws_port = ${port}
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`;
}

const VIDEOROOM_CONFIG = `general: {
  string_ids = false
}
`;

async function waitReady(url: string, deadline: number, alive: () => boolean): Promise<void> {
  for (;;) {
    if (!alive()) throw new Error('janus exited before its API answered');
    const ok = await new Promise<boolean>((resolve) => {
      const ws = new WebSocket(url, 'janus-protocol');
      const done = (value: boolean) => {
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        resolve(value);
      };
      ws.once('open', () => ws.send(JSON.stringify({ janus: 'info', transaction: 'ready' })));
      ws.once('message', (data) => done(String(data).includes('"server_info"')));
      ws.once('error', () => done(false));
      setTimeout(() => done(false), 2000).unref();
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`janus did not answer on ${url} in time`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Starts a private Janus; throws (after cleaning up) if it cannot start or does not answer in time. */
export async function startJanus(options: JanusOptions = {}): Promise<JanusInstance> {
  const bin = options.bin ?? DEFAULT_JANUS_BIN;
  const libDir = options.libDir ?? LIB_DIR;
  const dir = await mkdtemp(join(tmpdir(), 'callkit-janus-'));
  let child: ChildProcess | undefined;
  const tail: string[] = [];
  // The parent exits without stop() (Ctrl-C on `npm start`, a test runner's exit): no Janus or temp
  // dir is left behind.
  const onExit = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const cleanup = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
    process.removeListener('exit', onExit);
  };
  try {
    const port = options.wsPort ?? (await freePort());
    for (const sub of ['plugins', 'transports', 'none']) await mkdir(join(dir, sub));
    await symlink(join(libDir, 'plugins', 'libjanus_videoroom.so'), join(dir, 'plugins', 'libjanus_videoroom.so'));
    await symlink(join(libDir, 'transports', 'libjanus_websockets.so'), join(dir, 'transports', 'libjanus_websockets.so'));
    await writeFile(join(dir, 'janus.jcfg'), janusConfig(dir, options.rtpPortRange ?? '20000-40000', options.debugLevel ?? 3));
    await writeFile(join(dir, 'janus.transport.websockets.jcfg'), wsConfig(port));
    await writeFile(join(dir, 'janus.plugin.videoroom.jcfg'), VIDEOROOM_CONFIG);
    child = spawn(bin, ['-F', dir, '-C', join(dir, 'janus.jcfg'), '-o'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (data: Buffer) => {
      for (const line of String(data).split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        options.onLog?.(line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const proc = child;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.once('error', (err) => tail.push(`spawn error: ${err.message}`));
    const url = `ws://127.0.0.1:${port}`;
    await waitReady(url, Date.now() + (options.readyTimeoutMs ?? 20_000), () => proc.exitCode === null && proc.signalCode === null);
    let stopping: Promise<void> | undefined;
    return { url, pid: proc.pid ?? 0, dir, exited, stop: () => (stopping ??= cleanup()) };
  } catch (err) {
    await cleanup();
    const detail = tail.length ? `\n${tail.slice(-15).join('\n')}` : '';
    throw new Error(`${(err as Error).message}${detail}`);
  }
}
