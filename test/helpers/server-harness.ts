/**
 * One signaling server per test, with the logged-in test clients, torn down after each test: every
 * client is checked for frames outside the protocol, and the server must leave no timer behind.
 * Use: `const h = new ServerHarness(); afterEach(() => h.stop());` then `await h.start()`.
 */
import assert from 'node:assert/strict';
import { startSignalingServer } from '../../server/index.js';
import type { SignalingServerOptions } from '../../server/index.js';
import type { Member } from '../../src/protocol/messages.js';
import { TestClient, TEST_SERVER, quietLogger, waitUntil } from './ws-client.js';
import type { LoginFields } from './ws-client.js';

export type StartedServer = Awaited<ReturnType<typeof startSignalingServer>>;

export class ServerHarness {
  #server: StartedServer | undefined;
  #clients: TestClient[] = [];

  /** Starts a server on a free port: test secret and SDKAppID, any Origin, quiet logs, then `options`. */
  start = async (options: Partial<SignalingServerOptions> = {}): Promise<StartedServer> => {
    this.#server = await startSignalingServer({ port: 0, ...TEST_SERVER, logger: quietLogger, ...options });
    return this.#server;
  };

  /** The running server (fails the test when none was started). */
  get server(): StartedServer {
    assert.ok(this.#server, 'no server started');
    return this.#server;
  }

  /** A logged-in client, closed after the test. */
  user = async (userId: string, profile: LoginFields = {}): Promise<TestClient> => {
    const client = await TestClient.login(this.server.url, userId, profile);
    this.#clients.push(client);
    return client;
  };

  /** Keeps a client made elsewhere (e.g. `TestClient.connect`) for the after-test checks. */
  track = (client: TestClient): TestClient => {
    this.#clients.push(client);
    return client;
  };

  /** Waits until the registry holds no call and no timer: the check after every flow. */
  settled = async (): Promise<void> => {
    const s = this.server;
    await waitUntil(() => s.stats().calls === 0 && s.stats().timers === 0, `calls 0 and timers 0 (${JSON.stringify(s.stats())})`);
  };

  stop = async (): Promise<void> => {
    for (const c of this.#clients) {
      assert.deepEqual(c.invalid, [], `${c.label} received frames outside the protocol`);
      c.close();
    }
    this.#clients = [];
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await server.close();
    assert.equal(server.stats().timers, 0);
  };
}

/** `{ userId: state }` of a member list, for compact assertions. */
export function states(members: readonly Member[]): Record<string, string> {
  return Object.fromEntries(members.map((m) => [m.userId, m.state]));
}
