/**
 * Cuts a media server off from everyone (and restores it) by its UDP ports: an nftables table of
 * our own in the root namespace whose input hook drops every UDP packet (or a random share of them,
 * {@link UdpCut.lossy}) to or from `ports` (e.g. a
 * throwaway Janus's `rtp_port_range`). Signaling (TCP) is untouched, so the page sees only its
 * media path die. Pick a range outside the kernel's ephemeral ports (32768-60999) and outside every
 * other Janus's range, so that no other test's traffic matches. Needs root and `nft` (Debian
 * nftables): {@link udpCutUnavailable} says why not.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const nft = (...args: string[]) => run('nft', args, { timeout: 10_000 });

export async function udpCutUnavailable(): Promise<string | null> {
  if (process.platform !== 'linux') return `nftables needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return `nftables needs root (uid ${process.getuid?.() ?? '?'})`;
  try {
    await nft('--version');
    return null;
  } catch (error) {
    return `\`nft\` (Debian nftables) is unavailable: ${(error as Error).message.split('\n')[0]}`;
  }
}

export interface UdpCut {
  /** Drops UDP to and from the ports from now on (idempotent). */
  cut(): Promise<void>;
  /** Drops `percent` % of the UDP to and from the ports at random instead (replaces a cut). */
  lossy(percent: number): Promise<void>;
  /** Lets it through again (idempotent). */
  restore(): Promise<void>;
  /** Restores and removes the table (call in `finally`). */
  destroy(): Promise<void>;
}

/** A cut for UDP ports `min`-`max` (not active until {@link UdpCut.cut}). */
export async function udpCut(min: number, max: number): Promise<UdpCut> {
  const table = `ck_udpcut_${process.pid}`;
  await nft('delete', 'table', 'inet', table).catch(() => undefined);
  await nft('add', 'table', 'inet', table);
  await nft('add', 'chain', 'inet', table, 'cut', '{ type filter hook input priority -10; policy accept; }');
  let active = false;
  return {
    async cut() {
      if (active) return;
      await nft('add', 'rule', 'inet', table, 'cut', 'udp', 'dport', `${min}-${max}`, 'drop');
      await nft('add', 'rule', 'inet', table, 'cut', 'udp', 'sport', `${min}-${max}`, 'drop');
      active = true;
    },
    async lossy(percent) {
      await nft('flush', 'chain', 'inet', table, 'cut');
      for (const dir of ['dport', 'sport'])
        await nft(
          'add',
          'rule',
          'inet',
          table,
          'cut',
          'udp',
          dir,
          `${min}-${max}`,
          'numgen',
          'random',
          'mod',
          '100',
          '<',
          String(percent),
          'drop',
        );
      active = true;
    },
    async restore() {
      if (!active) return;
      await nft('flush', 'chain', 'inet', table, 'cut');
      active = false;
    },
    async destroy() {
      active = false;
      await nft('delete', 'table', 'inet', table).catch(() => undefined);
    },
  };
}
