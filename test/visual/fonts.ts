/**
 * Fonts are part of the visual tests' environment: the baselines were rendered with the Debian
 * fonts below. Before comparing anything the suite checks that fontconfig resolves the families
 * the pages use (the kit's `system-ui, ..., sans-serif` stack in its weights, the CJK fallbacks of
 * zh-cn and ja_JP, the canvas's `sans-serif`) to the same fonts, and refuses to run otherwise:
 * a different font set would fail every story on every pixel.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** The Debian packages the baselines were made with (`.ci/run` installs them). */
export const FONT_PACKAGES = ['fonts-dejavu-core', 'fonts-dejavu-extra', 'fonts-liberation', 'fonts-noto-cjk'] as const;
export const APT_LINE = `apt-get update && apt-get install -y --no-install-recommends ${FONT_PACKAGES.join(' ')}`;

/** fontconfig patterns for what the pages ask for (Chromium resolves CSS families through fontconfig). */
const PATTERNS = [
  'system-ui',
  'sans-serif',
  'sans-serif:light',
  'sans-serif:bold',
  'Segoe UI',
  'Roboto',
  'sans-serif:lang=zh-cn',
  'sans-serif:lang=zh-cn:bold',
  'sans-serif:lang=ja',
  'sans-serif:lang=ja:bold',
  'monospace',
] as const;

export type FontFingerprint = Record<string, string>;

/** `pattern -> "family|style|fontversion"` as fontconfig resolves it on this machine. */
export function fontFingerprint(): FontFingerprint {
  const out: FontFingerprint = {};
  for (const pattern of PATTERNS) {
    try {
      out[pattern] = execFileSync('fc-match', ['-f', '%{family[0]}|%{style[0]}|%{fontversion}', pattern], { encoding: 'utf8' }).trim();
    } catch {
      out[pattern] = '(fc-match failed: is fontconfig installed?)';
    }
  }
  return out;
}

/** The differences between the fingerprint the baselines were made with and this machine's, one per line. */
export function fontDifferences(expected: FontFingerprint, actual: FontFingerprint): string[] {
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...keys]
    .filter((k) => expected[k] !== actual[k])
    .map((k) => `  ${k}: baselines ${expected[k] ?? '(none)'}, here ${actual[k] ?? '(none)'}`);
}

/** The recorded fingerprint (test/visual/environment.json), or null before the first baselines. */
export function readEnvironment(file: string): { fonts: FontFingerprint; chromium: string } | null {
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as { fonts: FontFingerprint; chromium: string };
}

/** The message the suite refuses to run with. */
export function refusal(differences: string[]): string {
  return [
    'Visual tests refused: this machine resolves fonts differently from the machine the baselines were made on,',
    'so every story would differ. Install the baseline fonts (Debian 12):',
    '',
    `  ${APT_LINE}`,
    '',
    'Differences (fontconfig pattern: baselines vs this machine):',
    ...differences,
    '',
    'If the font set changed on purpose, refresh the baselines with `npm run test:visual:update` and commit them.',
  ].join('\n');
}
