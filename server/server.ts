/**
 * The signaling server: a `ws` WebSocketServer (noServer) that authenticates each socket with a
 * Tencent TLS v2 userSig, validates every frame with the shared protocol schemas and drives the
 * {@link CallRegistry}. Mount it on any Node http server with `handleUpgrade` / `handleHttp`, or run
 * it standalone with {@link startSignalingServer}.
 *
 * This file wires the pieces, each in its own module:
 * - `options.ts`: options, their checks and defaults;
 * - `http.ts`: the upgrade gate (path, Origin, per-address limit) and the HTTP endpoints;
 * - `connection.ts`: each socket's life (login deadline, heartbeat, parsing, rate limit, close codes);
 * - `dispatch.ts`: what a valid message does (login, profile, invite budget, the registry);
 * - `rate-limit.ts`: the token buckets;
 * - `registry.ts` (+ `call-model.ts`, `presence.ts`, `call-timers.ts`, `call-messages.ts`): calls.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { MAX_FRAME_BYTES } from '../src/protocol/messages.js';
import { Connections } from './connection.js';
import { chargeInvite, Dispatcher } from './dispatch.js';
import { abortUpgrade, HttpEndpoints } from './http.js';
import { consoleLogger, resolveConfig } from './options.js';
import type { SignalingServerOptions } from './options.js';
import { RateLimiter } from './rate-limit.js';
import { CallRegistry } from './registry.js';
import * as v from 'valibot';
import { OperatorProfileSchema } from './profiles.js';
import type { OperatorProfile } from './profiles.js';
import { AdminRouter } from './admin/router.js';
import { addAdminRoutes } from './admin/routes.js';
import { addProfileRoutes } from './admin/profile-routes.js';
import { CallLimits } from './admin/call-limits.js';
import { fanOut } from './call-events.js';
import type { CallObserver } from './call-events.js';
import { RecordsService } from './records/index.js';
import { Cluster } from './cluster/cluster.js';
import { PresenceWatch } from './presence-watch.js';
import { SfuCalls } from './sfu/sfu-calls.js';
import { UrlCallPolicy } from './call-policy-url.js';
import type { ConnId, OutgoingServerMessage } from './call-model.js';

export interface SignalingServer {
  /** Handle an HTTP upgrade (for mounting on an existing http server, e.g. Vite's dev server). Returns false if the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Node http request handler for the dev endpoint GET {path}/dev-usersig?user=<id> -> {sdkAppId,userId,userSig} JSON (404 unless dev). Returns false if not handled. */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  /** `watchers`: sockets watching someone's presence. */
  stats(): { sockets: number; users: number; calls: number; timers: number; watchers: number };
  /**
   * Sets the operator profile of `userId` (null removes it): the name and avatar others see, marked
   * verified, over what the user declares; members of live calls are updated. Returns whether the
   * user had one. The admin endpoint (`adminSecret`) does the same over HTTP.
   */
  setProfile(userId: string, profile: OperatorProfile | null): boolean;
  /**
   * Terminates every socket of `userId` (like a network drop, close 1006 on the client); returns how
   * many. For tests: dev mode also serves it as GET {path}/dev-drop?user=<id>.
   */
  dropUser(userId: string): number;
  /** Resolves once the call-records database is open and migrated (at once without one; rejects if it cannot be) and the SFU is connected or found unavailable. */
  ready(): Promise<void>;
  /** The call records service (tests, embedding), or null without a database. */
  readonly records: RecordsService | null;
  /** Terminates every socket, clears every timer. */
  close(): Promise<void>;
}

class SignalingServerImpl implements SignalingServer {
  private readonly wss: WebSocketServer;
  private readonly limiter: RateLimiter;
  private readonly registry: CallRegistry;
  private readonly connections: Connections;
  private readonly dispatcher: Dispatcher;
  private readonly http: HttpEndpoints;
  readonly records: RecordsService | null;
  private readonly limits: CallLimits;
  private readonly watch: PresenceWatch;
  private readonly admin: AdminRouter | null;
  /** With `redisUrl`: this node of the cluster. */
  private readonly cluster: Cluster | null;
  private clusterStart: Promise<void> | null = null;
  /** Group video through Janus (null: `sfu: 'never'` or no `janus`). */
  readonly sfu: SfuCalls | null;
  private closing: Promise<void> | null = null;

  constructor(options: SignalingServerOptions) {
    const config = resolveConfig(options);
    const { log } = config;
    this.limiter = new RateLimiter(config.limits);
    this.records = config.databaseUrl
      ? new RecordsService({ databaseUrl: config.databaseUrl, webhooks: config.webhooks ?? undefined }, log)
      : null;
    this.limits = new CallLimits((callId) => this.registry.terminate(callId, 'max-duration'));
    this.watch = new PresenceWatch({
      statusFor: (viewer, userId) => this.registry.presenceOf(viewer, userId),
      send: (conn, msg) => this.connections.send(conn, msg),
    });
    const observers: CallObserver[] = [this.limits, this.watch];
    if (this.records) observers.push(this.records.recorder);
    // Through the registry's route: on a cluster the leader owns the SFU rooms and its pushes go
    // to each member's node (docs/multi-node.md); every node connects to Janus, ready to lead.
    const toSocket = (conn: ConnId, msg: OutgoingServerMessage) =>
      this.cluster ? this.cluster.send(conn, msg) : this.connections.send(conn, msg);
    this.sfu =
      config.sfu !== 'never' && config.janus
        ? new SfuCalls({
            mode: config.sfu,
            janus: config.janus,
            send: toSocket,
            call: (callId) => this.registry.callRec(callId),
            terminate: (callId, message) => this.registry.terminate(callId, 'ended', message),
            log,
          })
        : null;
    if (this.sfu) observers.push(this.sfu);
    const sfu = this.sfu;
    const policy = config.callPolicyUrl ? new UrlCallPolicy(config.callPolicyUrl, log) : null;
    this.registry = new CallRegistry({
      send: (conn, msg) => toSocket(conn, sfu ? sfu.stamp(msg) : msg),
      ringTimeoutS: config.ringTimeoutS,
      graceMs: config.graceMs,
      canCall: policy ? policy.canCall : config.canCall,
      avatarsBeforeAnswer: config.avatarsBeforeAnswer,
      observer: fanOut(observers, (err) => log.error(`call observer failed: ${(err as Error).message}`)),
      onPresence: (userId) => this.watch.touched(userId),
    });
    const adminActions = {
      terminate: (callId: string, message?: string) => this.registry.terminate(callId, 'ended-by-admin', message),
      setMaxDuration: (callId: string, seconds: number) => this.limits.set(callId, seconds),
    };
    const cluster = config.redis
      ? new Cluster(
          {
            ...config.redis,
            log,
            // A call's limit, what its recorder saw and its SFU room go with the call to a new leader.
            carriers: [this.limits, ...(this.records ? [this.records.recorder] : []), ...(this.sfu ? [this.sfu] : [])],
            chargeInvite: (userId) => chargeInvite(this.limiter, userId),
            ...(policy ? { policy } : {}),
            ...(this.sfu ? { sfu: this.sfu } : {}),
          },
          this.registry,
          (conn, msg) => this.connections.send(conn, msg),
          adminActions,
          () => this.connections.restartAll(),
        )
      : null;
    this.cluster = cluster;
    this.admin = config.adminSecret
      ? addProfileRoutes(
          addAdminRoutes(new AdminRouter(`${config.path}/admin`, config.adminSecret, { title: 'callkit-server admin API', version: '1' }), {
            // A cluster node reads the calls from Redis and has the leader act on them.
            ...(cluster
              ? {
                  activeCalls: () => cluster.activeCalls(),
                  terminate: (callId: string, message?: string) => cluster.terminate(callId, message),
                  setMaxDuration: (callId: string, seconds: number) => cluster.setMaxDuration(callId, seconds),
                }
              : { activeCalls: () => this.registry.activeCalls(), ...adminActions }),
            records: this.records,
          }),
          { get: (userId) => this.registry.operatorProfile(userId), set: (userId, p) => this.setProfile(userId, p) },
        )
      : null;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.wss.on('error', (err) => log.error(`ws server error: ${err.message}`));
    // With a listener, ws leaves the refused handshake to us: answer 400 and close the socket.
    this.wss.on('wsClientError', (err, socket) => {
      log.info(`bad websocket handshake: ${err.message}`);
      abortUpgrade(socket, 400, 'Bad Request');
    });
    this.connections = new Connections(config, this.limiter, {
      onMessage: (conn, msg) => this.dispatcher.onMessage(conn, msg),
      onGone: (conn, silentForMs) => this.dispatcher.onGone(conn, silentForMs),
    });
    this.dispatcher = new Dispatcher(
      config,
      this.connections,
      this.cluster ?? this.registry,
      this.limiter,
      this.records,
      // A cluster node holds only its own sockets and the leader runs the calls: presence would be
      // wrong there, so it is refused (`not-supported`) until it reads the shared index.
      this.cluster ? null : this.watch,
      this.sfu,
      policy,
    );
    void this.sfu?.start();
    this.http = new HttpEndpoints(config, {
      isClosing: () => this.closing !== null,
      allowConnection: (ip) => this.limiter.allowConnection(ip, Date.now()),
      admit: (ip) => this.connections.admit(ip),
      upgrade: (req, socket, head, ip) => this.wss.handleUpgrade(req, socket, head, (ws) => this.connections.accept(ws, ip)),
      dropUser: (userId) => this.dropUser(userId),
    });
  }

  setProfile(userId: string, profile: OperatorProfile | null): boolean {
    if (profile !== null && !v.is(OperatorProfileSchema, profile))
      throw new TypeError('setProfile: profile must be {name?, avatar?} as the protocol allows');
    return this.registry.setOperatorProfile(userId, profile);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return this.http.handleUpgrade(req, socket, head);
  }

  handleHttp(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.admin?.handle(req, res)) return true;
    return this.http.handleHttp(req, res);
  }

  async ready(): Promise<void> {
    await this.sfu?.start();
    await this.records?.ready();
    if (this.cluster) {
      const cluster = this.cluster;
      await (this.clusterStart ??= cluster.start().then(() => this.connections.setIdBase(cluster.connBase)));
    }
  }

  dropUser(userId: string): number {
    return this.connections.dropUser(userId);
  }

  stats(): { sockets: number; users: number; calls: number; timers: number; watchers: number } {
    const r = this.registry.stats();
    const c = this.connections.stats();
    const w = this.watch;
    return {
      sockets: c.sockets,
      users: r.users,
      calls: r.calls,
      timers: r.timers + c.loginTimers + w.pendingTimers,
      watchers: w.watcherCount,
    };
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      this.connections.stopHeartbeat();
      await this.cluster?.close();
      this.registry.close();
      this.watch.close();
      this.limits.close();
      await this.connections.closeAll();
      await this.sfu?.close();
      await this.records?.close();
      this.limiter.clear();
      await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    })();
    return this.closing;
  }
}

/** Creates the signaling server; throws a clear Error for a bad config (secret too short outside dev, bad sdkAppId, ...). */
export function createSignalingServer(options: SignalingServerOptions): SignalingServer {
  return new SignalingServerImpl(options);
}

/** Standalone: an http server on host:port (port 0 = free port) with the ws server and dev endpoint mounted. */
export async function startSignalingServer(
  options: SignalingServerOptions & { port?: number; host?: string },
): Promise<SignalingServer & { port: number; url: string }> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const signaling = createSignalingServer(rest);
  try {
    await signaling.ready();
  } catch (err) {
    await signaling.close();
    throw err;
  }
  const http = createServer((req, res) => {
    if (!signaling.handleHttp(req, res)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  // Half-open requests (slowloris) hold a file descriptor until these run out (Node's defaults: 60 s / 300 s).
  http.headersTimeout = 10_000;
  http.requestTimeout = 10_000;
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!signaling.handleUpgrade(req, socket, head)) {
      socket.on('error', () => undefined);
      abortUpgrade(socket, 404, 'Not Found');
    }
  });
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await signaling.close();
    throw err;
  }
  http.on('error', (err) => (rest.logger ?? consoleLogger).error(`http server error: ${err.message}`));
  const actualPort = (http.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    port: actualPort,
    url: `ws://${urlHost}:${actualPort}${rest.path ?? '/ck'}`,
    handleUpgrade: (req, socket, head) => signaling.handleUpgrade(req, socket, head),
    handleHttp: (req, res) => signaling.handleHttp(req, res),
    stats: () => signaling.stats(),
    setProfile: (userId, profile) => signaling.setProfile(userId, profile),
    dropUser: (userId) => signaling.dropUser(userId),
    ready: () => signaling.ready(),
    records: signaling.records,
    close: () =>
      (closing ??= (async () => {
        await signaling.close();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
      })()),
  };
}
