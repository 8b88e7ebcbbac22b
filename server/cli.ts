/**
 * The `callkit-server` command: runs the signaling server standalone.
 * `node dist/server/cli.js ...` (or `tsx server/cli.ts ...`) runs it directly; `bin/callkit-server.mjs`
 * imports {@link main}.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MIN_SECRET_BYTES } from './options.js';
import type { SignalingServerOptions } from './options.js';
import { startSignalingServer } from './server.js';

export const DEFAULT_PORT = 8080;
export const DEFAULT_SDK_APP_ID = 1400000000;

export const HELP = `Usage: callkit-server [options]

The callkit-elements signaling server (WebSocket, JSON protocol v1).

Options:
  --port N               TCP port (default ${DEFAULT_PORT}; 0 picks a free port)
  --host H               address to bind (default 127.0.0.1)
  --secret-file F        file holding the userSig secret (Tencent SDKSecretKey), at least
                         ${MIN_SECRET_BYTES} bytes; the env var CALLKIT_SECRET may be used instead
  --sdk-app-id N         the SDKAppID accepted in login and userSig (default ${DEFAULT_SDK_APP_ID},
                         a placeholder fine for development)
  --ring-timeout S       default ring timeout in seconds (default 30)
  --grace S              seconds a member of a connected call whose socket was lost keeps its place,
                         waiting for it to reconnect and resume (default 15)
  --allowed-origins a,b  the web origins allowed to connect (others get 403); required unless
                         --dev; '*' allows any origin deliberately. Env: CALLKIT_ALLOWED_ORIGINS
  --path P               WebSocket path (default /ck)
  --dev                  dev mode: allows a short secret (or none: a random one is made) and
                         serves GET <path>/dev-usersig?user=<id>, which mints a userSig for anyone.
                         Never use in production.
  -h, --help             show this help

The server refuses to start (exit 1) with a secret under ${MIN_SECRET_BYTES} bytes or without
--allowed-origins, unless --dev.
`;

export class CliError extends Error {}

export type CliCommand = { help: true } | { help: false; options: SignalingServerOptions & { port: number; host: string } };

function intArg(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(`--${name} must be an integer in [${min}, ${max}] (got ${raw})`);
  }
  return n;
}

/** Parses the command line (and CALLKIT_SECRET); throws {@link CliError} with a message for the user. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'secret-file': { type: 'string' },
        'sdk-app-id': { type: 'string' },
        'ring-timeout': { type: 'string' },
        grace: { type: 'string' },
        'allowed-origins': { type: 'string' },
        path: { type: 'string' },
        dev: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  if (values.help) return { help: true };
  const dev = values.dev === true;
  const port = intArg('port', values.port, DEFAULT_PORT, 0, 65535);
  const sdkAppId = intArg('sdk-app-id', values['sdk-app-id'], DEFAULT_SDK_APP_ID, 1, 0xffffffff);
  let ringTimeoutS: number | undefined;
  if (values['ring-timeout'] !== undefined) {
    ringTimeoutS = Number(values['ring-timeout']);
    if (!Number.isFinite(ringTimeoutS) || ringTimeoutS <= 0) {
      throw new CliError(`--ring-timeout must be a number of seconds (got ${values['ring-timeout']})`);
    }
  }
  let graceMs: number | undefined;
  if (values.grace !== undefined) {
    graceMs = Number(values.grace) * 1000;
    if (!Number.isFinite(graceMs) || graceMs < 0 || graceMs > 600_000) {
      throw new CliError(`--grace must be a number of seconds in [0, 600] (got ${values.grace})`);
    }
  }
  let secret: string | undefined;
  if (values['secret-file'] !== undefined) {
    try {
      secret = readFileSync(values['secret-file'], 'utf8').replace(/[\r\n]+$/, '');
    } catch (err) {
      throw new CliError(`cannot read --secret-file ${values['secret-file']}: ${(err as Error).message}`);
    }
  } else if (env.CALLKIT_SECRET) {
    secret = env.CALLKIT_SECRET;
  }
  if (secret === undefined || secret === '') {
    if (!dev) throw new CliError('a secret is required: --secret-file F or the CALLKIT_SECRET env var (or --dev)');
    secret = randomBytes(32).toString('hex');
  }
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_SECRET_BYTES && !dev) {
    throw new CliError(`the secret is ${bytes} bytes; at least ${MIN_SECRET_BYTES} are required (or --dev for local development)`);
  }
  const options: SignalingServerOptions & { port: number; host: string } = {
    port,
    host: values.host ?? '127.0.0.1',
    secret,
    sdkAppId,
    dev,
  };
  if (ringTimeoutS !== undefined) options.ringTimeoutS = ringTimeoutS;
  if (graceMs !== undefined) options.graceMs = graceMs;
  if (values.path !== undefined) options.path = values.path;
  const origins = values['allowed-origins'] ?? env.CALLKIT_ALLOWED_ORIGINS;
  if (origins !== undefined) {
    options.allowedOrigins = origins.split(',').map((s) => s.trim()).filter(Boolean);
    if (options.allowedOrigins.length === 0) throw new CliError('--allowed-origins lists no origin');
  } else if (!dev) {
    throw new CliError("--allowed-origins is required (your app's origins, e.g. https://app.example.com, or '*' for any; or --dev)");
  }
  return { help: false, options };
}

/**
 * Runs the command. Resolves with the exit code: 0 once the server listens (it then runs until
 * SIGINT/SIGTERM) or after --help, 1 on a bad command line or config.
 */
export async function main(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCli(argv, env);
  } catch (err) {
    console.error(`callkit-server: ${(err as Error).message}\nRun callkit-server --help for usage.`);
    return 1;
  }
  if (command.help) {
    process.stdout.write(HELP);
    return 0;
  }
  try {
    const server = await startSignalingServer(command.options);
    console.log(`callkit-server listening on ${server.url}`);
    const stop = (signal: string) => {
      console.log(`callkit-server: ${signal}, shutting down`);
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return 0;
  } catch (err) {
    console.error(`callkit-server: ${(err as Error).message}`);
    return 1;
  }
}

function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  void main().then((code) => {
    if (code !== 0) process.exitCode = code;
  });
}
