/** Shared helpers for the benchmarks: percentiles, a printed table, JSON results in bench/results/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values: number[]) => percentile(values, 50);

export function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : String(n);
}

/** Prints a Markdown table (so it pastes into reports as is). */
export function printTable(title: string, headers: string[], rows: (string | number)[][]): string {
  const lines = [
    `### ${title}`,
    '',
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  const text = lines.join('\n');
  console.log(`\n${text}\n`);
  return text;
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  } catch {
    return 'unknown';
  }
}

/** Writes bench/results/<name>-<timestamp>.json and <name>-latest.json. */
export function writeResult(name: string, data: unknown, table: string): void {
  const dir = `${root}bench/results`;
  mkdirSync(dir, { recursive: true });
  const doc = {
    name,
    at: new Date().toISOString(),
    commit: commit(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavg: loadavg() },
    data,
    table,
  };
  const json = JSON.stringify(doc, null, 2);
  writeFileSync(`${dir}/${name}-${doc.at.replace(/[:.]/g, '-')}.json`, json);
  writeFileSync(`${dir}/${name}-latest.json`, json);
  console.log(`written to bench/results/${name}-latest.json`);
}
