/**
 * A throwaway coturn (`/usr/bin/turnserver`, Debian `coturn`) for tests: time-limited credentials
 * (`--use-auth-secret`), free port, private temp dir, no TLS/DTLS/CLI; {@link Coturn.stop} kills it
 * and removes the dir (also registered on process exit, so a failing test leaves nothing running).
 * {@link allocate} is a minimal TURN client (RFC 5766 Allocate with long-term credentials over UDP)
 * to check a credential against the real server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TURNSERVER = '/usr/bin/turnserver';

export interface CoturnOptions {
  /** coturn's static-auth-secret (default random). */
  secret?: string;
  realm?: string;
  /** Addresses to listen on (and relay from): default 127.0.0.1. */
  listeningIps?: string[];
}

export interface Coturn {
  port: number;
  secret: string;
  realm: string;
  /** `turn:<ip>:<port>?transport=udp` for each listening address. */
  urls: string[];
  /** What coturn printed (stdout + stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Why coturn cannot run here, or null. */
export function coturnUnavailable(): string | null {
  return existsSync(TURNSERVER) ? null : `${TURNSERVER} is missing (Debian package coturn)`;
}

/** A port free for both TCP and UDP on `ip`. */
async function freePort(ip: string): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, ip, () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, ip, () => s.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free TCP+UDP port');
}

const MAGIC = 0x2112a442;

/** A STUN/TURN message: type, transaction id and attributes (type -> value). */
function stunMessage(type: number, tid: Buffer, attrs: [number, Buffer][], integrityKey?: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const [t, value] of attrs) {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(t, 0);
    head.writeUInt16BE(value.length, 2);
    parts.push(head, value, Buffer.alloc((4 - (value.length % 4)) % 4));
  }
  let body = Buffer.concat(parts);
  const header = (length: number) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(type, 0);
    h.writeUInt16BE(length, 2);
    h.writeUInt32BE(MAGIC, 4);
    tid.copy(h, 8);
    return h;
  };
  if (integrityKey) {
    const mac = createHmac('sha1', integrityKey)
      .update(Buffer.concat([header(body.length + 24), body]))
      .digest();
    const head = Buffer.from([0x00, 0x08, 0x00, 0x14]);
    body = Buffer.concat([body, head, mac]);
  }
  return Buffer.concat([header(body.length), body]);
}

function parseStun(msg: Buffer): { type: number; attrs: Map<number, Buffer> } {
  const attrs = new Map<number, Buffer>();
  let at = 20;
  while (at + 4 <= msg.length) {
    const t = msg.readUInt16BE(at);
    const len = msg.readUInt16BE(at + 2);
    attrs.set(t, msg.subarray(at + 4, at + 4 + len));
    at += 4 + len + ((4 - (len % 4)) % 4);
  }
  return { type: msg.readUInt16BE(0), attrs };
}

/** A UDP socket that sends STUN requests and awaits each answer (one 5-tuple: one TURN session). */
function stunSocket(host: string, port: number) {
  const s = createSocket('udp4');
  return {
    exchange(message: Buffer, timeoutMs = 2000): Promise<Buffer> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          s.removeAllListeners('message');
          reject(new Error(`no STUN answer from ${host}:${port}`));
        }, timeoutMs);
        s.once('message', (m) => {
          clearTimeout(timer);
          resolve(m);
        });
        s.send(message, port, host, (error) => {
          if (error) {
            clearTimeout(timer);
            reject(error);
          }
        });
      });
    },
    close: () => s.close(),
  };
}

/**
 * Tries a TURN Allocate (UDP relay) with `username` / `credential`: 'ok', or the server's error
 * code (401 for a refused credential).
 */
export async function allocate(host: string, port: number, username: string, credential: string): Promise<'ok' | number> {
  const socket = stunSocket(host, port);
  try {
    const transport: [number, Buffer] = [0x0019, Buffer.from([17, 0, 0, 0])]; // REQUESTED-TRANSPORT udp
    const first = parseStun(await socket.exchange(stunMessage(0x0003, randomBytes(12), [transport])));
    const realm = first.attrs.get(0x0014);
    const nonce = first.attrs.get(0x0015);
    if (!realm || !nonce) throw new Error(`coturn answered the first Allocate with 0x${first.type.toString(16)} and no realm/nonce`);
    const key = createHash('md5').update(`${username}:${realm.toString()}:${credential}`).digest();
    const attrs: [number, Buffer][] = [transport, [0x0006, Buffer.from(username)], [0x0014, realm], [0x0015, nonce]];
    const answer = parseStun(await socket.exchange(stunMessage(0x0003, randomBytes(12), attrs, key)));
    if (answer.type === 0x0103) return 'ok';
    const error = answer.attrs.get(0x0009);
    return error ? error[2] * 100 + error[3] : -answer.type;
  } finally {
    socket.close();
  }
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts coturn and resolves once it answers a STUN Binding request. */
export async function startCoturn(options: CoturnOptions = {}): Promise<Coturn> {
  const reason = coturnUnavailable();
  if (reason) throw new Error(reason);
  const secret = options.secret ?? randomBytes(16).toString('hex');
  const realm = options.realm ?? 'callkit.test';
  const ips = options.listeningIps ?? ['127.0.0.1'];
  const port = await freePort(ips[0]);
  const dir = mkdtempSync(join(tmpdir(), 'ck-coturn-'));
  // Relay ports: a random 200-port slice of the ephemeral range, so parallel runs rarely meet.
  const minPort = 49152 + Math.floor(Math.random() * 80) * 200;
  const args = [
    '--listening-port',
    String(port),
    ...ips.flatMap((ip) => ['--listening-ip', ip]),
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm',
    realm,
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--no-tcp-relay',
    '--log-file',
    'stdout',
    '--simple-log',
    '--min-port',
    String(minPort),
    '--max-port',
    String(minPort + 199),
    '--allow-loopback-peers',
    '--userdb',
    join(dir, 'turndb'),
    '--pidfile',
    join(dir, 'turnserver.pid'),
  ];
  const child = spawn(TURNSERVER, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), running.delete(child), resolve())));
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const binding = stunMessage(0x0001, randomBytes(12), []);
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`turnserver exited at start-up:\n${output}`);
    }
    const socket = stunSocket(ips[0], port);
    try {
      const answer = await socket.exchange(binding, 500);
      if (answer.readUInt16BE(0) === 0x0101) break;
    } catch {
      // not up yet
    } finally {
      socket.close();
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`turnserver did not answer on ${ips[0]}:${port}:\n${output}`);
    }
  }
  return { port, secret, realm, urls: ips.map((ip) => `turn:${ip}:${port}?transport=udp`), output: () => output, stop };
}
