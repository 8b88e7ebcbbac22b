#!/usr/bin/env node
// The `callkit-server` command. The server is bundled to dist/server/cli.js by `npm run build:server`.
let cli;
try {
  cli = await import('../dist/server/cli.js');
} catch (err) {
  console.error(`callkit-server: cannot load dist/server/cli.js (run \`npm run build:server\`): ${err?.message ?? err}`);
  process.exit(1);
}
const code = await cli.main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
