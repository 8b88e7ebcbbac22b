/**
 * Two Linux network namespaces, each joined to the root namespace by a veth pair, so two browsers
 * can send media to each other over a routed path that a test can cut and restore (reliability R6)
 * while both keep reaching the servers in the root namespace.
 *
 *   root ns: <prefix>.1.1 (veth A host side) <-- ip_forward --> <prefix>.2.1 (veth B host side)
 *   ns A:    <prefix>.1.2, default route via <prefix>.1.1
 *   ns B:    <prefix>.2.2, default route via <prefix>.2.1
 *
 * Cutting = two `ip rule ... blackhole` policy rules in the root namespace for traffic between the
 * two subnets (no iptables needed); traffic between a namespace and the root namespace (signaling,
 * dev server) is untouched.
 * Needs root and iproute2; {@link netnsUnavailable} says why not when they are missing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const NAME_PREFIX = 'ck-r6-';
const LINK_PREFIX = 'ckr6';
const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';
const DEFAULT_PREFIX = '10.213';

async function ip(...args: string[]): Promise<string> {
  const { stdout } = await run('ip', args, { timeout: 10_000 });
  return stdout;
}

/** Runs `ip` and ignores a failure (cleanup of things that may already be gone). */
async function ipQuiet(...args: string[]): Promise<void> {
  await ip(...args).catch(() => undefined);
}

/** Why namespaces cannot be used here, or null when they can. */
export async function netnsUnavailable(): Promise<string | null> {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return `network namespaces need root (uid ${process.getuid?.() ?? '?'})`;
  try {
    await ip('netns', 'list');
  } catch (error) {
    return `\`ip netns\` is unavailable: ${(error as Error).message.split('\n')[0]}`;
  }
  if (!existsSync(IP_FORWARD)) return `${IP_FORWARD} is missing`;
  return null;
}

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes namespaces, veths and cut rules left by earlier runs whose process is gone (a crashed
 * run); a run still alive keeps its own.
 */
export async function precleanStale(prefix = DEFAULT_PREFIX): Promise<string[]> {
  const removed: string[] = [];
  for (const line of (await ip('netns', 'list')).split('\n')) {
    const name = line.trim().split(/\s+/)[0];
    const m = name ? new RegExp(`^${NAME_PREFIX}[ab]-(\\d+)$`).exec(name) : null;
    if (m && !pidAlive(Number(m[1]))) {
      await ipQuiet('netns', 'del', name);
      removed.push(name);
    }
  }
  for (const line of (await ip('-o', 'link', 'show')).split('\n')) {
    const name = /^\d+:\s+([^:@\s]+)/.exec(line)?.[1];
    const m = name ? new RegExp(`^${LINK_PREFIX}[ab](\\d+)h$`).exec(name) : null;
    if (name && m && !pidAlive(Number(m[1]))) {
      await ipQuiet('link', 'del', name);
      removed.push(name);
    }
  }
  // Cut rules of a run that died mid-cut (rules are not per namespace): only when no run is alive.
  const live = (await ip('netns', 'list')).split('\n').some((l) => l.startsWith(NAME_PREFIX));
  if (!live) {
    for (const line of (await ip('rule', 'show')).split('\n')) {
      const m = /from (\S+) to (\S+) blackhole/.exec(line);
      if (m && m[1].startsWith(`${prefix}.`) && m[2].startsWith(`${prefix}.`)) {
        await ipQuiet('rule', 'del', 'from', m[1], 'to', m[2], 'blackhole');
        removed.push(`rule ${m[1]} -> ${m[2]}`);
      }
    }
  }
  return removed;
}

export interface Side {
  /** Namespace name. */
  ns: string;
  /** Veth end in the root namespace and the one inside the namespace. */
  hostLink: string;
  nsLink: string;
  /** Address of the root namespace on this side's link (what the browser dials for the servers). */
  hostAddress: string;
  /** The namespace's own address (its only non-loopback address: its ICE host candidate). */
  address: string;
  subnet: string;
}

export interface Topology {
  a: Side;
  b: Side;
  /** Drops every packet between the two namespaces (both directions); the root ns stays reachable. */
  cut(): Promise<void>;
  /** Undoes {@link cut}. */
  restore(): Promise<void>;
  /**
   * A shell script that starts `executable` inside `side`'s namespace (`exec`, so the pid Playwright
   * sees is the browser's). Written to a private temporary directory removed by {@link destroy}.
   */
  wrapper(side: Side, executable: string): string;
  /** Removes namespaces, veths and wrappers and restores ip_forward; idempotent, never throws. */
  destroy(): Promise<void>;
}

/**
 * Creates the two namespaces `ck-r6-a-<pid>` / `ck-r6-b-<pid>` on `<prefix>.1.0/24` and
 * `<prefix>.2.0/24`. Refuses (throws) when those subnets are already routed here.
 */
export async function createTopology(prefix = DEFAULT_PREFIX): Promise<Topology> {
  const routes = await ip('-4', 'route', 'show', 'table', 'all');
  for (const n of [1, 2]) {
    if (routes.includes(`${prefix}.${n}.`)) throw new Error(`${prefix}.${n}.0/24 is already routed on this machine: pick another prefix`);
  }
  const pid = process.pid;
  const side = (tag: 'a' | 'b', n: number): Side => ({
    ns: `${NAME_PREFIX}${tag}-${pid}`,
    hostLink: `${LINK_PREFIX}${tag}${pid}h`,
    nsLink: `${LINK_PREFIX}${tag}${pid}n`,
    hostAddress: `${prefix}.${n}.1`,
    address: `${prefix}.${n}.2`,
    subnet: `${prefix}.${n}.0/24`,
  });
  const a = side('a', 1);
  const b = side('b', 2);
  const forwardBefore = readFileSync(IP_FORWARD, 'utf8').trim();
  const dir = mkdtempSync(join(tmpdir(), 'ck-r6-'));
  let cutDone = false;
  let destroyed = false;
  // Policy rules in the root namespace drop what it would forward between the two subnets, in the
  // middle of the path: the browsers get no local send error, as when a real network path breaks.
  const cutRules = [
    ['from', a.subnet, 'to', b.subnet, 'blackhole'],
    ['from', b.subnet, 'to', a.subnet, 'blackhole'],
  ];

  const destroy = async (): Promise<void> => {
    if (destroyed) return;
    destroyed = true;
    if (cutDone) for (const rule of cutRules) await ipQuiet('rule', 'del', ...rule);
    for (const s of [a, b]) {
      await ipQuiet('netns', 'del', s.ns);
      await ipQuiet('link', 'del', s.hostLink);
    }
    try {
      writeFileSync(IP_FORWARD, forwardBefore);
    } catch {
      // Best effort: nothing else to do from a cleanup hook.
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (const s of [a, b]) {
      await ip('netns', 'add', s.ns);
      await ip('link', 'add', s.hostLink, 'type', 'veth', 'peer', 'name', s.nsLink, 'netns', s.ns);
      await ip('addr', 'add', `${s.hostAddress}/24`, 'dev', s.hostLink);
      await ip('link', 'set', s.hostLink, 'up');
      // IPv4 only inside: an IPv6 link-local address appearing a moment after the link is up (after
      // duplicate address detection) makes Chromium abort page loads with ERR_NETWORK_CHANGED.
      await ip('netns', 'exec', s.ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1');
      await ip('-n', s.ns, 'link', 'set', 'lo', 'up');
      await ip('-n', s.ns, 'addr', 'add', `${s.address}/24`, 'dev', s.nsLink);
      await ip('-n', s.ns, 'link', 'set', s.nsLink, 'up');
      await ip('-n', s.ns, 'route', 'add', 'default', 'via', s.hostAddress);
    }
    writeFileSync(IP_FORWARD, '1');
    // Carrier comes up asynchronously: wait for both ends of both links.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const states = await Promise.all([
        ip('-br', 'link', 'show', 'dev', a.hostLink),
        ip('-br', 'link', 'show', 'dev', b.hostLink),
        ip('-n', a.ns, '-br', 'link', 'show', 'dev', a.nsLink),
        ip('-n', b.ns, '-br', 'link', 'show', 'dev', b.nsLink),
      ]);
      if (states.every((s) => /\sUP\s/.test(s))) break;
      if (Date.now() > deadline) throw new Error(`veth links did not come up: ${states.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (error) {
    await destroy();
    throw error;
  }

  return {
    a,
    b,
    async cut() {
      if (cutDone) return;
      cutDone = true;
      for (const rule of cutRules) await ip('rule', 'add', ...rule);
    },
    async restore() {
      if (!cutDone) return;
      for (const rule of cutRules) await ipQuiet('rule', 'del', ...rule);
      cutDone = false;
    },
    wrapper(s: Side, executable: string) {
      const file = join(dir, `chromium-${s.ns}.sh`);
      const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
      writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${quote(s.ns)} ${quote(executable)} "$@"\n`, { mode: 0o755 });
      return file;
    },
    destroy,
  };
}
