/**
 * `npm run bench:readme` (issue 18): rewrites README's benchmark figures from `bench/results/`,
 * never by hand. Each benchmark writes `bench/results/<name>-latest.json` (bench/lib.ts
 * `writeResult`: when, commit, machine and load average, its data, and the Markdown table it
 * printed); this renders, for every known benchmark, its date, commit and load average and that
 * table, or a note when there is no result, between `<!-- bench:start -->` and `<!-- bench:end -->`
 * in README.md; and a section that shows one benchmark's figures (README "Group calls" shows
 * `bench:group`'s) between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->` gets that
 * benchmark's part alone. `npm run bench` runs it last.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `writeResult` (bench/lib.ts) writes. */
export interface BenchDoc {
  name: string;
  at: string;
  commit: string;
  machine: { cpus: number; cpu?: string; node: string; loadavg: number[] };
  data: unknown;
  table: string;
}

export interface BenchEntry {
  /** The result's name: bench/results/<name>-latest.json. */
  name: string;
  /** How to produce it. */
  command: string;
  /** Said after the command when the result is missing. */
  note?: string;
  /** Whether `npm run bench` runs it. */
  inBench: boolean;
}

/** The benchmarks, in README order, and the result file each writes (bench/*.ts `writeResult`). */
export const BENCHES: readonly BenchEntry[] = [
  { name: 'setup', command: 'npm run bench:setup', inBench: true },
  { name: 'render', command: 'npm run bench:render', inBench: true },
  { name: 'churn', command: 'npm run bench:churn', inBench: true },
  { name: 'server-load', command: 'npm run bench:server', inBench: true },
  {
    name: 'server-load-2-nodes',
    command: 'BENCH_NODES=2 node --import tsx bench/server-load.ts',
    note: 'the second run of `npm run bench:server`',
    inBench: true,
  },
  { name: 'group', command: 'npm run bench:group', inBench: true },
  { name: 'bundle', command: 'npm run bench:bundle', inBench: true },
  { name: 'attack', command: 'npm run bench:attack', inBench: false },
  { name: 'weak-network', command: 'npm run bench:weak-network', inBench: false },
];

export const START = '<!-- bench:start -->';
export const END = '<!-- bench:end -->';

/** `2026-12-03T14:27:05.123Z` → `2026-12-03 14:27 UTC`. */
function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** Tables with more body rows than this are folded in a `<details>` under their title. */
export const LONG_TABLE_ROWS = 20;

/**
 * A bench's printed table made to sit in README: its `### title` lines become bold paragraphs (no
 * headings inside the section), every run of non-table lines is set apart from a table by a
 * blank line (GFM would read a line right after a table as one more row), and a table longer than
 * {@link LONG_TABLE_ROWS} rows folds under its title.
 */
export function embedTable(table: string): string {
  const blocks: string[][] = [];
  let open = false; // the last block is a table that the next row continues
  for (const raw of table.split('\n')) {
    const line = raw.trim();
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    const text = heading ? `**${heading[1]}**` : line;
    if (text.startsWith('|') && open) blocks.at(-1)!.push(text);
    else if (text) blocks.push([text]); // a table starts, or one paragraph per line of text
    open = text.startsWith('|');
  }
  // A long table (a per-file or per-module listing) folds under its title.
  const out: string[] = [];
  for (const [i, b] of blocks.entries()) {
    const title = blocks[i - 1]?.length === 1 ? /^\*\*(.*)\*\*$/.exec(blocks[i - 1][0]) : null;
    if (b[0].startsWith('|') && b.length - 2 > LONG_TABLE_ROWS && title) {
      out.pop();
      out.push(`<details><summary>${title[1]} (${b.length - 2} rows)</summary>\n\n${b.join('\n')}\n\n</details>`);
    } else out.push(b.join('\n'));
  }
  return out.join('\n\n');
}

function loadText(load: number[]): string {
  return load.length ? load.map((n) => n.toFixed(2)).join(' / ') : 'not recorded';
}

/** One benchmark's part: its date, commit, machine, load average and table, or the note that it is missing. */
export function renderPart(b: BenchEntry, doc: BenchDoc | undefined): string {
  const title = `#### \`${b.command}\``;
  if (!doc) {
    return (
      `${title}\n\n_No result: \`bench/results/${b.name}-latest.json\` is missing. Run \`${b.command}\`` +
      `${b.note ? ` (${b.note})` : b.inBench ? '' : ' (not part of `npm run bench`)'}, then \`npm run bench:readme\`._`
    );
  }
  const m = doc.machine;
  const machine = `${m.cpus} CPU${m.cpus === 1 ? '' : 's'}${m.cpu ? ` (${m.cpu})` : ''}, Node ${m.node}`;
  return `${title}\n\nMeasured ${when(doc.at)}, commit \`${doc.commit}\`, load average ${loadText(m.loadavg)}, ${machine}.\n\n${embedTable(doc.table)}`;
}

/** The block between the markers: one part per benchmark, in {@link BENCHES} order. */
export function renderBlock(docs: Readonly<Record<string, BenchDoc | undefined>>, benches: readonly BenchEntry[] = BENCHES): string {
  const intro =
    '_Generated by `npm run bench:readme` from `bench/results/*-latest.json` (git-ignored): do not edit by hand. ' +
    'The load average is the machine’s at the end of each run (1 / 5 / 15 min); on a shared machine it is ' +
    'what makes timings noisy, so compare figures within one run._';
  return [intro, ...benches.map((b) => renderPart(b, docs[b.name]))].join('\n\n');
}

/** README with the main block and every `<!-- bench:<name>:start -->` section rewritten from `docs`. */
export function rewriteReadme(
  readme: string,
  docs: Readonly<Record<string, BenchDoc | undefined>>,
  benches: readonly BenchEntry[] = BENCHES,
): string {
  // A benchmark with no result here (bench/results is git-ignored: a fresh clone, or one benchmark
  // re-run alone) keeps the figures the README already shows; they carry their own date and commit.
  const kept = publishedParts(readme, benches);
  const part = (b: BenchEntry) => (docs[b.name] ? renderPart(b, docs[b.name]) : (kept.get(b.name) ?? renderPart(b, undefined)));
  const intro = renderBlock({}, []);
  let out = replaceBlock(readme, [intro, ...benches.map(part)].join('\n\n'));
  for (const b of benches) {
    const start = `<!-- bench:${b.name}:start -->`;
    if (out.includes(start)) out = replaceBlock(out, part(b), start, `<!-- bench:${b.name}:end -->`);
  }
  return out;
}

/** The measured parts (not the "missing" notes) of the README's main block, by benchmark name. */
function publishedParts(readme: string, benches: readonly BenchEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  const from = readme.indexOf(START);
  const to = readme.indexOf(END, from);
  if (from < 0 || to < from) return out;
  const block = readme.slice(from + START.length, to);
  for (const b of benches) {
    const title = `#### \`${b.command}\``;
    const at = block.indexOf(`${title}\n`);
    if (at < 0) continue;
    const next = block.indexOf('\n#### `', at + title.length);
    const text = block.slice(at, next < 0 ? undefined : next).trim();
    if (/\nMeasured /.test(text)) out.set(b.name, text);
  }
  return out;
}

/** `readme` with the text between the markers replaced by `block`; throws when the markers are missing. */
export function replaceBlock(readme: string, block: string, start = START, end = END): string {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end, from);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} block`);
  return `${readme.slice(0, from + start.length)}\n${block}\n${readme.slice(to)}`;
}

/** Reads bench/results/<name>-latest.json for each benchmark; undefined when missing or unreadable. */
export function readResults(dir: string, benches: readonly BenchEntry[] = BENCHES): Record<string, BenchDoc | undefined> {
  const out: Record<string, BenchDoc | undefined> = {};
  for (const b of benches) {
    const file = join(dir, `${b.name}-latest.json`);
    if (!existsSync(file)) continue;
    try {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as BenchDoc;
      if (typeof doc.table === 'string' && typeof doc.at === 'string') out[b.name] = doc;
      else console.warn(`bench:readme: ${file} has no table or date, skipped`);
    } catch (e) {
      console.warn(`bench:readme: ${file} is not JSON (${(e as Error).message}), skipped`);
    }
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const docs = readResults(join(root, 'bench/results'));
  const readme = join(root, 'README.md');
  writeFileSync(readme, rewriteReadme(readFileSync(readme, 'utf8'), docs));
  const missing = BENCHES.filter((b) => !docs[b.name]).map((b) => b.name);
  console.log(`README.md benchmark block rewritten${missing.length ? `; no result for: ${missing.join(', ')}` : ''}`);
}
