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
 * Shaping (issue 20, weak networks): {@link Topology.shape} drops a share of what one side sends to
 * the other (`nft` in the root namespace's forward hook: `ip saddr <side> ip daddr <other>
 * numgen random mod 100 < N drop`, media over UDP and ICE-TCP alike) and caps its rate (`tc qdisc
 * ... tbf` on the root namespace's veth toward the other side); shaping both sides gives the same
 * condition each way. Signaling and page loads (namespace <-> root namespace) are never touched.
 * Needs root and iproute2 (nftables for loss); {@link netnsUnavailable} says why not when they are missing.
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
const SHAPE_TABLE = 'ck_shape_';

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

/** Why packet loss cannot be shaped here (no `nft`), or null when it can. */
export async function nftUnavailable(): Promise<string | null> {
  try {
    await run('nft', ['--version'], { timeout: 10_000 });
    return null;
  } catch (error) {
    return `\`nft\` (Debian nftables) is unavailable: ${(error as Error).message.split('\n')[0]}`;
  }
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
    const m = name ? new RegExp(`^${NAME_PREFIX}[a-z]?[ab]-(\\d+)$`).exec(name) : null;
    if (m && !pidAlive(Number(m[1]))) {
      await ipQuiet('netns', 'del', name);
      removed.push(name);
    }
  }
  for (const line of (await ip('-o', 'link', 'show')).split('\n')) {
    const name = /^\d+:\s+([^:@\s]+)/.exec(line)?.[1];
    const m = name ? new RegExp(`^${LINK_PREFIX}[a-z]?[ab](\\d+)h$`).exec(name) : null;
    if (name && m && !pidAlive(Number(m[1]))) {
      await ipQuiet('link', 'del', name);
      removed.push(name);
    }
  }
  // Shaping tables (nft, root namespace) of dead runs.
  const tables = await run('nft', ['list', 'tables'], { timeout: 10_000 }).then(
    (r) => r.stdout,
    () => '',
  );
  for (const m of tables.matchAll(new RegExp(`table inet (${SHAPE_TABLE}[a-z]?(\\d+))`, 'g'))) {
    if (pidAlive(Number(m[2]))) continue;
    await run('nft', ['delete', 'table', 'inet', m[1]], { timeout: 10_000 }).catch(() => undefined);
    removed.push(`nft table ${m[1]}`);
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

/** A weak-network condition for one side's outgoing traffic. */
export interface Shaping {
  /** Percent of outgoing UDP packets dropped at random (0-100). */
  lossPercent?: number;
  /** Outgoing rate cap in kbit/s (token bucket). */
  rateKbit?: number;
}

export interface Topology {
  a: Side;
  b: Side;
  /** Applies `shaping` to what `side` sends (replacing any earlier shaping of that side). */
  shape(side: Side, shaping: Shaping): Promise<void>;
  /** Removes every shaping of `side`; idempotent. */
  unshape(side: Side): Promise<void>;
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
 * `<prefix>.2.0/24`. Refuses (throws) when those subnets are already routed here. `tag` (one
 * lowercase letter) tells apart several topologies of one process (`ck-r6-<tag>a-<pid>`, ...);
 * destroy them in the reverse order of creation (each restores the ip_forward it found).
 */
export async function createTopology(prefix = DEFAULT_PREFIX, tag = ''): Promise<Topology> {
  if (!/^[a-z]?$/.test(tag)) throw new Error(`createTopology: tag must be one lowercase letter, got ${JSON.stringify(tag)}`);
  const routes = await ip('-4', 'route', 'show', 'table', 'all');
  for (const n of [1, 2]) {
    if (routes.includes(`${prefix}.${n}.`)) throw new Error(`${prefix}.${n}.0/24 is already routed on this machine: pick another prefix`);
  }
  const pid = process.pid;
  const side = (t: 'a' | 'b', n: number): Side => ({
    ns: `${NAME_PREFIX}${tag}${t}-${pid}`,
    hostLink: `${LINK_PREFIX}${tag}${t}${pid}h`,
    nsLink: `${LINK_PREFIX}${tag}${t}${pid}n`,
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
    if (shapeTable) await nft('delete', 'table', 'inet', table).catch(() => undefined);
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

  // Shaping happens in the root namespace, in the middle of the path like the cut: a packet dropped
  // on the sender's own output hook fails its sendto() with EPERM, which a real network never does.
  const table = `${SHAPE_TABLE}${tag}${pid}`;
  let shapeTable = false;
  const nft = (...args: string[]) => run('nft', args, { timeout: 10_000 });
  const tc = (...args: string[]) => run('tc', args, { timeout: 10_000 });
  const unshape = async (s: Side): Promise<void> => {
    if (shapeTable) await nft('delete', 'chain', 'inet', table, `from_${s === a ? 'a' : 'b'}`).catch(() => undefined);
    await tc('qdisc', 'del', 'dev', (s === a ? b : a).hostLink, 'root').catch(() => undefined);
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
    async shape(s: Side, shaping: Shaping) {
      await unshape(s);
      const other = s === a ? b : a;
      const loss = Math.round(shaping.lossPercent ?? 0);
      if (loss > 0) {
        if (!shapeTable) {
          await nft('add', 'table', 'inet', table);
          shapeTable = true;
        }
        const chain = `from_${s === a ? 'a' : 'b'}`;
        await nft('add', 'chain', 'inet', table, chain, '{ type filter hook forward priority 0; policy accept; }');
        await nft(
          'add',
          'rule',
          'inet',
          table,
          chain,
          'ip',
          'saddr',
          s.subnet,
          'ip',
          'daddr',
          other.subnet,
          'numgen',
          'random',
          'mod',
          '100',
          '<',
          String(loss),
          'counter',
          'drop',
        );
      }
      if (shaping.rateKbit) {
        // On the link toward the other side: its egress queue in the root namespace. Burst: 10 ms at
        // the rate (at least 2 full-size packets); queue: 200 ms, then tail drops (a thin link's buffer).
        const burst = Math.max(3200, Math.round((shaping.rateKbit * 1000) / 8 / 100));
        await tc(
          'qdisc',
          'add',
          'dev',
          other.hostLink,
          'root',
          'tbf',
          'rate',
          `${shaping.rateKbit}kbit`,
          'burst',
          String(burst),
          'latency',
          '200ms',
        );
      }
    },
    unshape,
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
