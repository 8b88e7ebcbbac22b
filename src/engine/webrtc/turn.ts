/**
 * The RTCPeerConnection configuration of the default engine: the app's own `iceServers` plus the
 * time-limited TURN credentials the signaling server hands out (`login-ok.turn`, then `turn`
 * answers), with the server's `iceTransportPolicy` ('relay' when the operator hides addresses).
 * A fresh set is asked for when 80 % of the current one's lifetime has passed, so a connection
 * made (or an ICE restart) late in a session still authenticates with the TURN server.
 */
import type { TurnGrant } from '../../protocol/messages.js';
import type { EngineContext } from './call-model.js';

/** Share of a credential set's remaining lifetime after which a fresh one is asked for. */
const REFRESH_AT = 0.8;
/** Retry delay after a failed refresh. */
const RETRY_MS = 5000;

export class IceConfig {
  readonly #appServers: RTCIceServer[];
  readonly #fetch: () => Promise<TurnGrant | null>;
  #grant: TurnGrant | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `fetch` asks the server for a fresh set (null: not connected, or no TURN there). */
  constructor(appServers: RTCIceServer[], fetch: () => Promise<TurnGrant | null>) {
    this.#appServers = appServers;
    this.#fetch = fetch;
  }

  /** The configuration for a new RTCPeerConnection. */
  configuration(): RTCConfiguration {
    const grant = this.#grant;
    if (!grant) return { iceServers: [...this.#appServers] };
    const config: RTCConfiguration = { iceServers: [...this.#appServers, ...grant.iceServers] };
    if (grant.iceTransportPolicy) config.iceTransportPolicy = grant.iceTransportPolicy;
    return config;
  }

  /** The server's current credential set (for tests and debugging). */
  get grant(): TurnGrant | null {
    return this.#grant;
  }

  /** A credential set from the server: used from now on, and refreshed before it expires. */
  update(grant: TurnGrant | undefined, now = Date.now()): void {
    if (!grant) return;
    this.#grant = grant;
    this.#schedule(Math.max(1000, (grant.expiresAt - now) * REFRESH_AT));
  }

  /** Forgets the server's set and stops refreshing (logout). */
  reset(): void {
    this.#grant = null;
    this.#clear();
  }

  /** Live timers, for leak checks. */
  get timers(): number {
    return this.#timer === undefined ? 0 : 1;
  }

  #clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(delayMs: number): void {
    this.#clear();
    // setTimeout holds at most ~24.8 days.
    this.#timer = setTimeout(() => void this.#refresh(), Math.min(delayMs, 0x7fffffff));
  }

  async #refresh(): Promise<void> {
    this.#timer = undefined;
    const before = this.#grant;
    let fresh: TurnGrant | null = null;
    try {
      fresh = await this.#fetch();
    } catch {
      fresh = null;
    }
    if (this.#grant !== before || !before) return; // reset or updated meanwhile
    if (fresh) this.update(fresh);
    else if (before.expiresAt > Date.now()) this.#schedule(RETRY_MS);
  }
}

/** Asks the server of `ctx` for a fresh TURN set (`turn`); null when not connected or it has none. */
export function turnFetcher(ctx: EngineContext): () => Promise<TurnGrant | null> {
  return async () => {
    const client = ctx.client;
    if (!client || client.state !== 'connected') return null;
    const answer = await client.request({ type: 'turn' });
    return answer.type === 'turn' ? answer.turn : null;
  };
}
