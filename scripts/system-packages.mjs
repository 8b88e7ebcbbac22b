// The Debian packages the test suites run for real (see README "Set up on a fresh Debian machine").
// One list: `npm test` checks it first (scripts/check-system.mjs) and `.ci/run` installs what is missing
// (`node scripts/system-packages.mjs --missing`). A package is present when dpkg says so, or, for a
// program a user may have elsewhere, when one of its `paths` exists (CHROME_PATH for Chromium).
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** @type {{ name: string; why: string; paths?: () => (string | undefined)[] }[]} */
export const SYSTEM_PACKAGES = [
  { name: 'chromium', why: 'browser, e2e and visual tests', paths: () => [process.env.CHROME_PATH, '/usr/bin/chromium'] },
  {
    name: 'firefox-esr',
    why: 'component tests in Firefox and the Chromium-Firefox e2e call (puppeteer-core over WebDriver BiDi)',
    paths: () => [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr'],
  },
  { name: 'coturn', why: 'TURN relay tests (test/helpers/coturn.ts)', paths: () => ['/usr/bin/turnserver'] },
  { name: 'fonts-dejavu-core', why: 'visual-test baseline fonts' },
  { name: 'fonts-dejavu-extra', why: 'visual-test baseline fonts' },
  { name: 'fonts-liberation', why: 'visual-test baseline fonts' },
  { name: 'fonts-noto-cjk', why: 'visual-test baseline fonts' },
  { name: 'iproute2', why: 'network namespaces and rate caps (`ip`, `tc`): R6 and weak-network e2e tests, bench:weak-network' },
  { name: 'nftables', why: 'random packet loss (`nft`): weak-network e2e test, bench:weak-network' },
  {
    name: 'postgresql',
    why: 'call records and webhooks tested on a real PostgreSQL (test/helpers/postgres.ts starts a throwaway cluster)',
    paths: () => ['/usr/lib/postgresql/15/bin/initdb'],
  },
  {
    name: 'sox',
    why: 'noise suppression fixture (noise, resampling, WAV files): test/e2e/noise-suppression.test.ts, bench:noise',
    paths: () => ['/usr/bin/sox'],
  },
  {
    name: 'espeak-ng',
    why: 'speech for the noise suppression fixture: test/e2e/noise-suppression.test.ts, bench:noise',
    paths: () => ['/usr/bin/espeak-ng'],
  },
  { name: 'janus', why: 'SFU for group video (server/sfu), its e2e tests', paths: () => ['/usr/bin/janus'] },
  {
    name: 'redis-server',
    why: 'many nodes over Redis (test/helpers/redis.ts starts a throwaway redis-server)',
    paths: () => ['/usr/bin/redis-server'],
  },
];

function dpkgInstalled(name) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes(
      'install ok installed',
    );
  } catch {
    return false;
  }
}

/** The packages of SYSTEM_PACKAGES this machine lacks. */
export function missingPackages() {
  return SYSTEM_PACKAGES.filter((p) => !dpkgInstalled(p.name) && !(p.paths?.() ?? []).some((path) => path && existsSync(path))).map(
    (p) => p.name,
  );
}

export function aptLine(names) {
  return `apt-get update && apt-get install -y --no-install-recommends ${names.join(' ')}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--missing')) console.log(missingPackages().join(' '));
  else if (process.argv.includes('--all')) console.log(SYSTEM_PACKAGES.map((p) => p.name).join(' '));
}
