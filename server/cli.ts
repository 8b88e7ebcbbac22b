/**
 * The `callkit-server` command: runs the signaling server standalone.
 * `node dist/server/cli.js ...` (or `tsx server/cli.ts ...`) runs it directly; `bin/callkit-server.mjs`
 * imports {@link main}.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { clusterDatabaseCheck, MIN_SECRET_BYTES, resolveTrustProxy } from './options.js';
import type { RateLimitOptions, SignalingServerOptions } from './options.js';
import { startSignalingServer } from './server.js';
import { loadCallPolicy } from './profiles.js';
import { DEFAULT_TURN_TTL_S, MIN_TURN_TTL_S, type TurnOptions } from './turn.js';

export const DEFAULT_PORT = 8080;
export const DEFAULT_SDK_APP_ID = 1400000000;
/** Where the CLI keeps call records by default: an embedded PGlite database in this directory. */
export const DEFAULT_DATA_DIR = './callkit-data';

interface CliOption {
  /** Long name, without the dashes. */
  name: string;
  /** The value's placeholder in the help; an option without one is a boolean flag. */
  arg?: string;
  short?: string;
  /** Help text; continuation lines are indented under the first. */
  help: string;
  /** A rate limit: the `RateLimitOptions` field it sets (a number); its env var is CALLKIT_<NAME_IN_SNAKE_CASE>. */
  limit?: keyof RateLimitOptions;
}

/** The environment variable a limit flag may also be given by: `--max-sockets` -> `CALLKIT_MAX_SOCKETS`. */
export function envName(flag: string): string {
  return `CALLKIT_${flag.toUpperCase().replace(/-/g, '_')}`;
}

/** The limit flags: every {@link RateLimitOptions} field, with its default. */
const LIMIT_OPTIONS: readonly CliOption[] = [
  {
    name: 'messages-per-second',
    arg: 'N',
    limit: 'messagesPerSecond',
    help: 'per socket: messages a second (ICE candidates count 1/4) (default 20)',
  },
  { name: 'message-burst', arg: 'N', limit: 'messageBurst', help: 'per socket: burst of messages (default 40)' },
  { name: 'bytes-per-second', arg: 'N', limit: 'bytesPerSecond', help: 'per socket: bytes of frames a second (default 262144)' },
  { name: 'byte-burst', arg: 'N', limit: 'byteBurst', help: 'per socket: burst of bytes, at least 65536 (default 1048576)' },
  {
    name: 'flood-ceiling',
    arg: 'N',
    limit: 'floodCeiling',
    help: 'per socket: refused frames in one second that close it, 4429 (default 100)',
  },
  {
    name: 'refusal-limit',
    arg: 'N',
    limit: 'refusalLimit',
    help: 'per socket: refused frames in any 10 s that close it, 4429 (default 200)',
  },
  { name: 'invites-per-minute', arg: 'N', limit: 'invitesPerMinute', help: 'per user: invites a minute (default 10)' },
  { name: 'connections-per-second', arg: 'N', limit: 'connectionsPerSecond', help: 'per address: new sockets a second (default 5)' },
  { name: 'connection-burst', arg: 'N', limit: 'connectionBurst', help: 'per address: burst of new sockets (default 10)' },
  { name: 'max-sockets-per-ip', arg: 'N', limit: 'maxSocketsPerIp', help: 'per address: open sockets; more get 429 (default 50)' },
  {
    name: 'max-sockets-per-user',
    arg: 'N',
    limit: 'maxSocketsPerUser',
    help: `per user: logged-in sockets; one more closes the oldest
with 4409 (default 10)`,
  },
  { name: 'max-sockets', arg: 'N', limit: 'maxSockets', help: 'open sockets in all; more get 503 (default 10000)' },
];

/** Every option, in help order: `parseArgs` and {@link HELP} are both made from this table. */
const CLI_OPTIONS: readonly CliOption[] = [
  { name: 'port', arg: 'N', help: `TCP port (default ${DEFAULT_PORT}; 0 picks a free port)` },
  { name: 'host', arg: 'H', help: 'address to bind (default 127.0.0.1)' },
  {
    name: 'secret-file',
    arg: 'F',
    help: `file holding the userSig secret (Tencent SDKSecretKey), at least
${MIN_SECRET_BYTES} bytes; the env var CALLKIT_SECRET may be used instead`,
  },
  {
    name: 'sdk-app-id',
    arg: 'N',
    help: `the SDKAppID accepted in login and userSig (default ${DEFAULT_SDK_APP_ID},
a placeholder fine for development)`,
  },
  { name: 'ring-timeout', arg: 'S', help: 'default ring timeout in seconds (default 30)' },
  {
    name: 'grace',
    arg: 'S',
    help: `seconds a member of a connected call whose socket was lost keeps its place,
waiting for it to reconnect and resume (default 15)`,
  },
  {
    name: 'allowed-origins',
    arg: 'a,b',
    help: `the web origins allowed to connect (others get 403); required unless
--dev; '*' allows any origin deliberately. Env: CALLKIT_ALLOWED_ORIGINS`,
  },
  { name: 'path', arg: 'P', help: 'WebSocket path (default /ck)' },
  {
    name: 'trust-proxy',
    arg: 'cidrs',
    help: `reverse proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For
gives the client address for every per-address limit; default none.
Env: CALLKIT_TRUST_PROXY`,
  },
  {
    name: 'max-usersig-lifetime',
    arg: 'S',
    help: `longest userSig lifetime accepted, in seconds (default 604800, 7 days); a
socket is closed (4409) when its userSig expires unless it renews it.
Env: CALLKIT_MAX_USERSIG_LIFETIME`,
  },
  {
    name: 'admin-secret-file',
    arg: 'F',
    help: `file holding the admin secret (at least ${MIN_SECRET_BYTES} bytes, not the userSig
secret): turns on the admin REST API under <path>/admin (calls, records,
operator profiles) with Authorization: Bearer <secret>; default off.
Env: CALLKIT_ADMIN_SECRET`,
  },
  {
    name: 'call-policy',
    arg: 'F',
    help: `JSON allow-list of who may call whom, {"alice":["bob"],"support":["*"]};
a user not listed may call nobody; default: anyone may call anyone.
Env: CALLKIT_CALL_POLICY`,
  },
  {
    name: 'call-policy-url',
    arg: 'URL',
    help: `ask your backend who may call whom: POST {"from","to"} -> {"allowed":bool},
2 s timeout, answers cached 60 s; fail-closed (no answer, non-2xx or a bad
body refuses the call). Not with --call-policy. Env: CALLKIT_CALL_POLICY_URL`,
  },
  {
    name: 'avatars-before-answer',
    help: `send self-declared avatars to a ringing callee (its browser fetches them
before answering); default off: initials until answered.
Env: CALLKIT_AVATARS_BEFORE_ANSWER=1`,
  },
  {
    name: 'turn-url',
    arg: 'urls',
    help: `TURN server URLs, comma-separated (e.g. turn:turn.example.com:3478);
logged-in users get time-limited credentials for them (coturn
use-auth-secret). Env: CALLKIT_TURN_URL`,
  },
  {
    name: 'turn-secret-file',
    arg: 'F',
    help: `file holding coturn's static-auth-secret (required with --turn-url).
Env: CALLKIT_TURN_SECRET`,
  },
  {
    name: 'turn-ttl',
    arg: 'S',
    help: `TURN credential lifetime in seconds (default ${DEFAULT_TURN_TTL_S}); clients
fetch a fresh set before it runs out. Env: CALLKIT_TURN_TTL`,
  },
  {
    name: 'turn-relay-only',
    help: `clients send all media through TURN (iceTransportPolicy 'relay'): peers
never see each other's addresses. Env: CALLKIT_TURN_RELAY_ONLY=1`,
  },
  {
    name: 'sfu',
    arg: 'mode',
    help: `group video through Janus: auto (default: a video call moves to the SFU
when its 4th member joins), always (every call), never (mesh only).
Needs --janus-url or --janus-start. Env: CALLKIT_SFU`,
  },
  {
    name: 'janus-url',
    arg: 'url',
    help: `an existing Janus's WebSocket API (e.g. ws://127.0.0.1:8188; keep it on
loopback: browsers only talk to this server). Env: CALLKIT_JANUS_URL`,
  },
  {
    name: 'janus-start',
    help: `start a private Janus (/usr/bin/janus, generated config in a temp dir,
API on loopback), stopped with the server. Env: CALLKIT_JANUS_START=1`,
  },
  {
    name: 'janus-rtp-ports',
    arg: 'min-max',
    help: `UDP ports of the started Janus's media (default 20000-40000; open them
in the firewall). Env: CALLKIT_JANUS_RTP_PORTS`,
  },
  {
    name: 'dev',
    help: `dev mode: allows a short secret (or none: a random one is made) and
serves GET <path>/dev-usersig?user=<id>, which mints a userSig for anyone.
Never use in production.`,
  },
  {
    name: 'database-url',
    arg: 'URL',
    help: `call records and the webhook outbox: postgres://user@host/db for a
PostgreSQL server, or a directory for the embedded database (default
${DEFAULT_DATA_DIR}; memory:// keeps nothing). Env: CALLKIT_DATABASE_URL`,
  },
  { name: 'no-records', help: 'keep no call records (no database, no webhooks)' },
  {
    name: 'redis-url',
    arg: 'URL',
    help: `run as one node of many: redis://host:6379 of the Redis all nodes share
(see README "Multi-node deployment"). Env: CALLKIT_REDIS_URL`,
  },
  {
    name: 'webhook-url',
    arg: 'URL',
    help: `POST call events (call-started, member-state, call-ended, missed) here,
signed with the webhook secret. Env: CALLKIT_WEBHOOK_URL`,
  },
  {
    name: 'webhook-secret-file',
    arg: 'F',
    help: `file holding the webhook signing secret (at least ${MIN_SECRET_BYTES} bytes).
Env: CALLKIT_WEBHOOK_SECRET`,
  },
  ...LIMIT_OPTIONS.map((o) => ({ ...o, help: `${o.help}\nEnv: ${envName(o.name)}` })),
  { name: 'help', short: 'h', help: 'show this help' },
];

const HELP_COLUMN = 25;

function helpLines(option: CliOption): string {
  const label = option.short ? `-${option.short}, --${option.name}` : `--${option.name}${option.arg ? ` ${option.arg}` : ''}`;
  const [first, ...rest] = option.help.split('\n');
  const head =
    `  ${label}`.length < HELP_COLUMN - 1 ? [`  ${label}`.padEnd(HELP_COLUMN) + first] : [`  ${label}`, ' '.repeat(HELP_COLUMN) + first];
  return [...head, ...rest.map((line) => ' '.repeat(HELP_COLUMN) + line)].join('\n');
}

export const HELP = `Usage: callkit-server [options]

The callkit-elements signaling server (WebSocket, JSON protocol v1).

Options:
${CLI_OPTIONS.map(helpLines).join('\n')}

The server refuses to start (exit 1) with a secret under ${MIN_SECRET_BYTES} bytes or without
--allowed-origins, unless --dev.
`;

export class CliError extends Error {}

export type CliCommand = { help: true } | { help: false; options: SignalingServerOptions & { port: number; host: string } };

type CliValues = Partial<Record<string, string | boolean>>;

function intArg(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(`--${name} must be an integer in [${min}, ${max}] (got ${raw})`);
  }
  return n;
}

function readValues(argv: string[]): CliValues {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const o of CLI_OPTIONS) options[o.name] = { type: o.arg ? 'string' : 'boolean', ...(o.short ? { short: o.short } : {}) };
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values;
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

function ringTimeoutArg(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0) throw new CliError(`--ring-timeout must be a number of seconds (got ${raw})`);
  return s;
}

function graceArg(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = Number(raw) * 1000;
  if (!Number.isFinite(ms) || ms < 0 || ms > 600_000) throw new CliError(`--grace must be a number of seconds in [0, 600] (got ${raw})`);
  return ms;
}

/** The secret from --secret-file or CALLKIT_SECRET; in dev mode a random one when neither is given. */
function readSecret(file: string | undefined, env: NodeJS.ProcessEnv, dev: boolean): string {
  let secret: string | undefined;
  if (file !== undefined) {
    try {
      secret = readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
    } catch (err) {
      throw new CliError(`cannot read --secret-file ${file}: ${(err as Error).message}`);
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
  return secret;
}

/** The allowed origins from --allowed-origins or CALLKIT_ALLOWED_ORIGINS; undefined only in dev mode. */
function readOrigins(raw: string | undefined, dev: boolean): string[] | undefined {
  if (raw !== undefined) {
    const origins = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (origins.length === 0) throw new CliError('--allowed-origins lists no origin');
    return origins;
  }
  if (!dev)
    throw new CliError("--allowed-origins is required (your app's origins, e.g. https://app.example.com, or '*' for any; or --dev)");
  return undefined;
}

/** The TURN options from the --turn-* flags or their env vars; undefined without --turn-url. */
function readTurn(str: (name: string) => string | undefined, relayOnly: boolean, env: NodeJS.ProcessEnv): TurnOptions | undefined {
  const rawUrls = str('turn-url') ?? env.CALLKIT_TURN_URL;
  const urls = (rawUrls ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (urls.length === 0) {
    if (str('turn-secret-file') !== undefined || str('turn-ttl') !== undefined || relayOnly) {
      throw new CliError('--turn-secret-file, --turn-ttl and --turn-relay-only need --turn-url');
    }
    return undefined;
  }
  let secret = env.CALLKIT_TURN_SECRET;
  const file = str('turn-secret-file');
  if (file !== undefined) {
    try {
      secret = readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
    } catch (err) {
      throw new CliError(`cannot read --turn-secret-file ${file}: ${(err as Error).message}`);
    }
  }
  if (!secret) throw new CliError("--turn-url needs coturn's static-auth-secret: --turn-secret-file F or the CALLKIT_TURN_SECRET env var");
  const turn: TurnOptions = { urls, secret, relayOnly: relayOnly || env.CALLKIT_TURN_RELAY_ONLY === '1' };
  const ttl = str('turn-ttl') ?? env.CALLKIT_TURN_TTL;
  if (ttl !== undefined && ttl !== '') turn.ttlS = intArg('turn-ttl', ttl, DEFAULT_TURN_TTL_S, MIN_TURN_TTL_S, 30 * 24 * 3600);
  return turn;
}

/** The SFU options from --sfu / --janus-* or their env vars. */
function readSfu(options: SignalingServerOptions, str: (name: string) => string | undefined, start: boolean, env: NodeJS.ProcessEnv): void {
  const mode = str('sfu') ?? env.CALLKIT_SFU;
  if (mode !== undefined && mode !== '') {
    if (mode !== 'auto' && mode !== 'always' && mode !== 'never') throw new CliError(`--sfu must be auto, always or never (got ${mode})`);
    options.sfu = mode;
  }
  const url = str('janus-url') ?? env.CALLKIT_JANUS_URL;
  const startJanus = start || env.CALLKIT_JANUS_START === '1';
  const ports = str('janus-rtp-ports') ?? env.CALLKIT_JANUS_RTP_PORTS;
  if (url && startJanus) throw new CliError('--janus-url and --janus-start exclude each other');
  if (ports !== undefined && ports !== '' && !/^\d{1,5}-\d{1,5}$/.test(ports))
    throw new CliError(`--janus-rtp-ports must be min-max (got ${ports})`);
  if (ports && !startJanus) throw new CliError('--janus-rtp-ports needs --janus-start');
  if (url) {
    if (!/^wss?:\/\//.test(url)) throw new CliError(`--janus-url must be a ws:// or wss:// URL (got ${url})`);
    options.janus = { url };
  } else if (startJanus) options.janus = { start: ports ? { rtpPortRange: ports } : {} };
}

/** The rate limits given by flags or their env vars; undefined when none is. */
function readLimits(str: (name: string) => string | undefined, env: NodeJS.ProcessEnv): RateLimitOptions | undefined {
  const limits: RateLimitOptions = {};
  let any = false;
  for (const o of LIMIT_OPTIONS) {
    const raw = str(o.name) ?? env[envName(o.name)];
    if (raw === undefined || raw === '' || !o.limit) continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new CliError(`--${o.name} must be a positive number (got ${raw})`);
    limits[o.limit] = n;
    any = true;
  }
  return any ? limits : undefined;
}

/** A secret from a file or an env var, at least {@link MIN_SECRET_BYTES}; undefined when neither is given. */
function optionalSecret(flag: string, file: string | undefined, fromEnv: string | undefined): string | undefined {
  let secret = fromEnv;
  if (file !== undefined) {
    try {
      secret = readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
    } catch (err) {
      throw new CliError(`cannot read --${flag} ${file}: ${(err as Error).message}`);
    }
  }
  if (secret === undefined || secret === '') return undefined;
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES)
    throw new CliError(`--${flag}: the secret must be at least ${MIN_SECRET_BYTES} bytes`);
  return secret;
}

/** Records and webhooks from their flags and env vars (README "Call records"). */
function readRecordsOptions(
  str: (name: string) => string | undefined,
  noRecords: boolean,
  env: NodeJS.ProcessEnv,
): Pick<SignalingServerOptions, 'databaseUrl' | 'webhooks'> {
  const out: Pick<SignalingServerOptions, 'databaseUrl' | 'webhooks'> = {};
  const databaseUrl = str('database-url') ?? env.CALLKIT_DATABASE_URL;
  if (noRecords && databaseUrl) throw new CliError('--no-records and --database-url exclude each other');
  if (!noRecords) out.databaseUrl = databaseUrl || DEFAULT_DATA_DIR;
  const webhookUrl = str('webhook-url') ?? env.CALLKIT_WEBHOOK_URL;
  if (webhookUrl) {
    if (noRecords) throw new CliError('webhooks need the database: drop --no-records');
    const secret = optionalSecret('webhook-secret-file', str('webhook-secret-file'), env.CALLKIT_WEBHOOK_SECRET);
    if (!secret) throw new CliError('--webhook-url needs a signing secret: --webhook-secret-file F or CALLKIT_WEBHOOK_SECRET');
    out.webhooks = { url: webhookUrl, secret };
  }
  return out;
}

/** --admin-secret-file / CALLKIT_ADMIN_SECRET, --call-policy / CALLKIT_CALL_POLICY and --call-policy-url. */
function readIdentity(options: SignalingServerOptions, str: (name: string) => string | undefined, env: NodeJS.ProcessEnv): void {
  const admin = optionalSecret('admin-secret-file', str('admin-secret-file'), env.CALLKIT_ADMIN_SECRET || undefined);
  if (admin !== undefined) {
    if (admin === options.secret) throw new CliError('the admin secret must differ from the userSig secret');
    options.adminSecret = admin;
  }
  const policy = str('call-policy') ?? (env.CALLKIT_CALL_POLICY || undefined);
  const policyUrl = str('call-policy-url') ?? (env.CALLKIT_CALL_POLICY_URL || undefined);
  if (policyUrl !== undefined) {
    if (policy !== undefined) throw new CliError('give one of --call-policy (a file) and --call-policy-url');
    if (!/^https?:\/\/[^/]/i.test(policyUrl)) throw new CliError(`--call-policy-url must be an http(s) URL (got ${policyUrl})`);
    options.callPolicyUrl = { url: policyUrl };
  } else if (policy !== undefined) {
    try {
      options.canCall = loadCallPolicy(policy);
    } catch (err) {
      throw new CliError(`--call-policy: ${(err as Error).message}`);
    }
  }
}

/** Parses the command line (and CALLKIT_SECRET); throws {@link CliError} with a message for the user. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
  const values = readValues(argv);
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  if (values.help) return { help: true };
  const dev = values.dev === true;
  const port = intArg('port', str('port'), DEFAULT_PORT, 0, 65535);
  const sdkAppId = intArg('sdk-app-id', str('sdk-app-id'), DEFAULT_SDK_APP_ID, 1, 0xffffffff);
  const ringTimeoutS = ringTimeoutArg(str('ring-timeout'));
  const graceMs = graceArg(str('grace'));
  const secret = readSecret(str('secret-file'), env, dev);
  const options: SignalingServerOptions & { port: number; host: string } = {
    port,
    host: str('host') ?? '127.0.0.1',
    secret,
    sdkAppId,
    dev,
  };
  if (ringTimeoutS !== undefined) options.ringTimeoutS = ringTimeoutS;
  if (graceMs !== undefined) options.graceMs = graceMs;
  const path = str('path');
  if (path !== undefined) options.path = path;
  const origins = readOrigins(str('allowed-origins') ?? env.CALLKIT_ALLOWED_ORIGINS, dev);
  if (origins !== undefined) options.allowedOrigins = origins;
  const proxies = str('trust-proxy') ?? env.CALLKIT_TRUST_PROXY;
  if (proxies !== undefined && proxies.trim() !== '') {
    options.trustProxy = proxies
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    try {
      resolveTrustProxy(options.trustProxy);
    } catch (err) {
      throw new CliError(`--trust-proxy: ${(err as Error).message.replace(/^callkit-server: /, '')}`);
    }
  }
  const lifetime = str('max-usersig-lifetime') ?? env.CALLKIT_MAX_USERSIG_LIFETIME;
  if (lifetime !== undefined && lifetime !== '') {
    options.maxUserSigLifetimeS = intArg('max-usersig-lifetime', lifetime, 0, 1, Number.MAX_SAFE_INTEGER);
  }
  const limits = readLimits(str, env);
  if (limits) options.rateLimits = limits;
  readIdentity(options, str, env);
  if (values['avatars-before-answer'] === true || env.CALLKIT_AVATARS_BEFORE_ANSWER === '1') options.avatarsBeforeAnswer = true;
  Object.assign(options, readRecordsOptions(str, values['no-records'] === true, env));
  const redisUrl = str('redis-url') ?? (env.CALLKIT_REDIS_URL || undefined);
  if (redisUrl !== undefined) {
    if (!/^rediss?:\/\//.test(redisUrl)) throw new CliError(`--redis-url must be a redis:// or rediss:// URL (got ${redisUrl})`);
    options.redisUrl = redisUrl;
    const lease = env.CALLKIT_REDIS_LEASE_MS;
    if (lease) options.redisLeaseMs = intArg('CALLKIT_REDIS_LEASE_MS', lease, 5000, 200, 60_000);
    if (options.databaseUrl === DEFAULT_DATA_DIR && !(str('database-url') ?? env.CALLKIT_DATABASE_URL)) {
      throw new CliError(
        `--redis-url: call records need one database shared by every node: give --database-url postgres://... (or CALLKIT_DATABASE_URL), or --no-records`,
      );
    }
    if (options.databaseUrl !== undefined) {
      try {
        clusterDatabaseCheck(options.databaseUrl);
      } catch (err) {
        throw new CliError(`--redis-url: ${(err as Error).message.replace(/^callkit-server: /, '')}`);
      }
    }
  }
  const turn = readTurn(str, values['turn-relay-only'] === true, env);
  if (turn) options.turn = turn;
  readSfu(options, str, values['janus-start'] === true, env);
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
