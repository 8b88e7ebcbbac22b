/**
 * The figures of `bench/weak-network.ts`: what one measured window (one mode, one condition, one
 * round) gives, the per-condition summary over the rounds (median and spread), and the table.
 */
import type { Received } from '../test/e2e/netns-call.js';
import { fmt } from './lib.js';

/** One window of one mode under one condition (one round), each figure the mean of both directions. */
export interface Figures {
  concealment: number;
  freezeCount: number;
  freezeS: number;
  fps: number;
  height: number;
  /** seconds; null: not recovered within the recovery budget */
  recoveryS: number | null;
  audioLoss: number;
  /** Share of the window the senders' video encoders were held back by CPU (0..1). */
  cpuLimited: number;
  /** Key frames the two senders sent in the window (their sum), and the PLIs that asked for them. */
  keyFrames: number;
  plis: number;
  /** Share of the machine's CPU time idle during the window (0..1; /proc/stat). */
  idle: number;
  /** 1-minute load average when the window started. */
  load: number;
  /** Seconds the call took to be clean again before the window (null: it never was; measured anyway). */
  settleS: number | null;
}

/** What one direction got between two snapshots (`b` later than `a`). */
export function between(a: Received, b: Received) {
  const dt = Math.max(0.001, (b.at - a.at) / 1000);
  const lost = b.audioPacketsLost - a.audioPacketsLost;
  const got = b.audioPacketsReceived - a.audioPacketsReceived;
  return {
    concealment: (b.concealedSamples - a.concealedSamples) / Math.max(1, b.totalSamplesReceived - a.totalSamplesReceived),
    freezeCount: b.freezeCount - a.freezeCount,
    freezeS: b.totalFreezesDuration - a.totalFreezesDuration,
    fps: (b.framesDecoded - a.framesDecoded) / dt,
    audioLoss: lost / Math.max(1, lost + got),
    cpuLimited: Math.min(1, Math.max(0, (b.cpuLimitedS - a.cpuLimitedS) / dt)),
    keyFrames: b.keyFramesSent - a.keyFramesSent,
    plis: b.pliReceived - a.pliReceived,
  };
}

/** The median (the mean of the middle two of an even count). */
export function median(xs: number[]): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Median and spread of one figure over the rounds. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

function spread(xs: number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

export interface Summary {
  rounds: number;
  concealment: Spread;
  freezeS: Spread;
  freezeCount: Spread;
  fps: Spread;
  height: Spread;
  /** Median recovery, a window that did not recover counted as infinitely slow (null: median did not). */
  recoveryS: number | null;
  cpuLimited: Spread;
  keyFrames: Spread;
  idle: Spread;
  load: Spread;
}

export function summarise(windows: Figures[]): Summary {
  const pick = (k: 'concealment' | 'freezeS' | 'freezeCount' | 'fps' | 'height' | 'cpuLimited' | 'keyFrames' | 'idle' | 'load') =>
    spread(windows.map((w) => w[k]));
  const rec = median(windows.map((w) => w.recoveryS ?? Number.POSITIVE_INFINITY));
  return {
    rounds: windows.length,
    concealment: pick('concealment'),
    freezeS: pick('freezeS'),
    freezeCount: pick('freezeCount'),
    fps: pick('fps'),
    height: pick('height'),
    recoveryS: Number.isFinite(rec) ? rec : null,
    cpuLimited: pick('cpuLimited'),
    keyFrames: pick('keyFrames'),
    idle: pick('idle'),
    load: pick('load'),
  };
}

const pct = (x: number) => `${fmt(x * 100)} %`;
const ratio = (k: number, d: number) => (d === 0 ? (k === 0 ? '1' : '∞') : fmt(k / d, 2));
/** `median (min-max)` when there is more than one round. */
const withSpread = (s: Spread, f: (x: number) => string) => (s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}-${f(s.max)})`);

export interface ConditionResult {
  label: string;
  default: Summary;
  kit: Summary;
}

/** The verdict the issue asks for, per condition: the kit at or below the default (medians). */
export function verdict(r: ConditionResult): { audio: boolean; video: boolean } {
  return {
    audio: r.kit.concealment.median <= r.default.concealment.median,
    video: r.kit.freezeS.median <= r.default.freezeS.median,
  };
}

export function tableRows(results: ConditionResult[], recoveryBudgetS: number): string[][] {
  const rec = (s: number | null) => (s === null ? `> ${recoveryBudgetS}` : fmt(s));
  return results.map(({ label, default: d, kit: k }) => [
    label,
    `${withSpread(d.concealment, pct)} / ${withSpread(k.concealment, pct)} (${ratio(k.concealment.median, d.concealment.median)})`,
    `${withSpread(d.freezeS, (x) => fmt(x, 2))} / ${withSpread(k.freezeS, (x) => fmt(x, 2))} (${ratio(k.freezeS.median, d.freezeS.median)})`,
    `${fmt(d.freezeCount.median)} / ${fmt(k.freezeCount.median)}`,
    `${fmt(d.fps.median)} / ${fmt(k.fps.median)}`,
    `${d.height.median} / ${k.height.median}`,
    `${rec(d.recoveryS)} / ${rec(k.recoveryS)}`,
    `${fmt(d.keyFrames.median, 0)} / ${fmt(k.keyFrames.median, 0)}`,
    `${fmt(d.cpuLimited.median * 100, 0)} / ${fmt(k.cpuLimited.median * 100, 0)}`,
    `${fmt(d.idle.median * 100, 0)} / ${fmt(k.idle.median * 100, 0)}`,
    `${fmt(Math.min(d.load.min, k.load.min))}-${fmt(Math.max(d.load.max, k.load.max))}`,
  ]);
}

export const TABLE_HEADERS = [
  'condition',
  'audio concealed',
  'freeze time s',
  'freezes',
  'decoded fps',
  'height p',
  'recovery s',
  'key frames',
  'CPU-limited %',
  'CPU idle %',
  'load 1 min',
];
