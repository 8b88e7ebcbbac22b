/**
 * The tables `bench:group` prints (issue 15): one row per run (members x mode) and, per member
 * count, the SFU / mesh ratios of the same run. Pure, so the unit test can feed it fixture runs.
 */
import { fmt, median } from './lib.js';

export type GroupMode = 'mesh' | 'sfu';

/** One group video call measured: every member in its own Chromium. */
export interface GroupRun {
  members: number;
  mode: GroupMode;
  /** CPU of each member's browser (its whole process tree), cores, over the measuring window. */
  cpuPerBrowser: number[];
  /** Janus's CPU over the window, cores (SFU runs only). */
  janusCpu?: number;
  /** Decoded frames per second of each remote tile on each member's page (members x (members - 1)). */
  tileFps: number[];
  /** Height of the video decoded for each tile at the end of the window (px). */
  tileHeights: number[];
  /** Accept → every tile on every page playing (ms); null when that did not happen before the deadline. */
  allPlayingMs: number | null;
  /** Tiles playing when that wait ended (all, or those at the deadline), and how many there should be. */
  tilesPlaying: number;
  tilesExpected: number;
  /** How long that wait lasted at most (ms). */
  playingDeadlineMs: number;
  /** Open RTCPeerConnections per member during the window (largest seen). */
  connections: number;
  /** 1-minute load average at the start and at the end of the window. */
  load: [number, number];
  seconds: number;
}

export interface Table {
  headers: string[];
  rows: string[][];
}

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);
const min = (v: number[]) => (v.length ? Math.min(...v) : Number.NaN);
const max = (v: number[]) => (v.length ? Math.max(...v) : Number.NaN);

/**
 * Browser CPU per decoded frame, ms: every member's browser CPU over the window divided by the frames
 * all their tiles decoded in it. On a saturated machine CPU per browser stops at its share of the
 * cores; this shows what each frame shown cost.
 */
export function cpuPerFrameMs(run: GroupRun): number {
  const fps = run.tileFps.reduce((a, b) => a + b, 0);
  return fps > 0 ? (run.cpuPerBrowser.reduce((a, b) => a + b, 0) * 1000) / fps : Number.NaN;
}

/** The figures compared: CPU per browser (mean), decoded fps per tile (median), time to all tiles playing, CPU per frame. */
export function summarize(run: GroupRun): { cpu: number; fps: number; playingS: number; perFrame: number } {
  return {
    perFrame: cpuPerFrameMs(run),
    cpu: mean(run.cpuPerBrowser),
    fps: median(run.tileFps),
    playingS: run.allPlayingMs === null ? Number.NaN : run.allPlayingMs / 1000,
  };
}

function playing(run: GroupRun): string {
  if (run.allPlayingMs !== null) return fmt(run.allPlayingMs / 1000, 1);
  return `> ${fmt(run.playingDeadlineMs / 1000, 0)} (${run.tilesPlaying}/${run.tilesExpected} tiles by then)`;
}

/** SFU / mesh, two decimals; '—' when either side is missing or not a finite number. */
export function ratio(sfu: number, mesh: number): string {
  return Number.isFinite(sfu) && Number.isFinite(mesh) && mesh !== 0 ? fmt(sfu / mesh, 2) : '—';
}

export function runsTable(runs: GroupRun[]): Table {
  return {
    headers: [
      'members',
      'mode',
      'CPU per browser, cores: mean / max',
      'Janus CPU, cores',
      'decoded fps per tile: median / min',
      'decoded height, px (median)',
      'browser CPU per decoded frame, ms',
      'accept → all tiles playing, s',
      'connections per member',
      'load avg (1 min) start → end',
    ],
    rows: runs.map((r) => [
      String(r.members),
      r.mode === 'sfu' ? 'SFU' : 'mesh',
      `${fmt(mean(r.cpuPerBrowser), 2)} / ${fmt(max(r.cpuPerBrowser), 2)}`,
      r.janusCpu === undefined ? '—' : fmt(r.janusCpu, 2),
      `${fmt(median(r.tileFps), 1)} / ${fmt(min(r.tileFps), 1)}`,
      fmt(median(r.tileHeights), 0),
      fmt(cpuPerFrameMs(r), 1),
      playing(r),
      String(r.connections),
      `${fmt(r.load[0], 1)} → ${fmt(r.load[1], 1)}`,
    ]),
  };
}

/** Per member count with both modes measured: the figures side by side and SFU / mesh. */
export function compareTable(runs: GroupRun[]): Table {
  const sizes = [...new Set(runs.map((r) => r.members))].sort((a, b) => a - b);
  const rows: string[][] = [];
  for (const n of sizes) {
    const mesh = runs.find((r) => r.members === n && r.mode === 'mesh');
    const sfu = runs.find((r) => r.members === n && r.mode === 'sfu');
    if (!mesh || !sfu) continue;
    const m = summarize(mesh);
    const s = summarize(sfu);
    rows.push([
      String(n),
      `${fmt(m.cpu, 2)} / ${fmt(s.cpu, 2)}`,
      `**${ratio(s.cpu, m.cpu)}**`,
      `${fmt(m.fps, 1)} / ${fmt(s.fps, 1)}`,
      ratio(s.fps, m.fps),
      `${fmt(m.perFrame, 1)} / ${fmt(s.perFrame, 1)}`,
      ratio(s.perFrame, m.perFrame),
      `${playing(mesh)} / ${playing(sfu)}`,
      ratio(s.playingS, m.playingS),
    ]);
  }
  return {
    headers: [
      'members',
      'CPU per browser, cores: mesh / SFU',
      'SFU / mesh',
      'decoded fps per tile (median): mesh / SFU',
      'SFU / mesh',
      'browser CPU per decoded frame, ms: mesh / SFU',
      'SFU / mesh',
      'accept → all tiles playing, s: mesh / SFU',
      'SFU / mesh',
    ],
    rows,
  };
}
