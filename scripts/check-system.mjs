// First step of `npm test`: stop at once, with the one line that fixes it, when a Debian package the
// suites run for real is missing (rather than failing minutes later in the middle of a suite).
import { SYSTEM_PACKAGES, aptLine, missingPackages } from './system-packages.mjs';

const missing = missingPackages();
if (missing.length > 0) {
  const why = missing.map((name) => `  ${name}: ${SYSTEM_PACKAGES.find((p) => p.name === name)?.why}`).join('\n');
  console.error(`npm test needs Debian packages this machine lacks:\n${why}\nInstall them with:\n\n  ${aptLine(missing)}\n`);
  process.exit(1);
}
