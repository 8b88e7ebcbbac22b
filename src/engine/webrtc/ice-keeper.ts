/**
 * ICE recovery of one RTCPeerConnection of the SFU path (issue 15), as the mesh `Peer` does it:
 * `failed` -> restart at once, `disconnected` for longer than `disconnectedMs` (a short blip
 * recovers by itself) -> restart. At most one restart per `minIntervalMs`; a connection still
 * broken `recheckMs` after a restart (its offer lost, or refused) is restarted again. What a restart
 * is belongs to the caller: an offer with new credentials for the upload, a request for a new
 * offer from the media server for the receiving connection.
 */
export interface IceKeeperOptions {
  disconnectedMs?: number;
  minIntervalMs?: number;
  recheckMs?: number;
}

export class IceKeeper {
  readonly #pc: RTCPeerConnection;
  readonly #restart: () => void;
  readonly #disconnectedMs: number;
  readonly #minIntervalMs: number;
  readonly #recheckMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastRestart = 0;
  #stopped = false;
  /** Restarts made (tests, debugging). */
  restarts = 0;

  constructor(pc: RTCPeerConnection, restart: () => void, options: IceKeeperOptions = {}) {
    this.#pc = pc;
    this.#restart = restart;
    this.#disconnectedMs = options.disconnectedMs ?? 2_500;
    this.#minIntervalMs = options.minIntervalMs ?? 5_000;
    this.#recheckMs = options.recheckMs ?? 10_000;
  }

  /** Call on every `connectionstatechange` of the connection. */
  onState(): void {
    const state = this.#pc.connectionState;
    if (state === 'failed') this.#schedule(0, true);
    else if (state === 'disconnected') this.#schedule(this.#disconnectedMs);
    else if (state === 'connected' || state === 'closed') this.#clear();
  }

  stop(): void {
    this.#stopped = true;
    this.#clear();
  }

  #broken(): boolean {
    const state = this.#pc.connectionState;
    return state === 'failed' || state === 'disconnected';
  }

  #schedule(delay: number, replace = false): void {
    if (this.#stopped) return;
    if (this.#timer) {
      if (!replace) return;
      this.#clear();
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#stopped || !this.#broken()) return;
      const wait = this.#lastRestart + this.#minIntervalMs - Date.now();
      if (wait > 0) return this.#schedule(wait);
      this.#lastRestart = Date.now();
      this.restarts++;
      this.#restart();
      this.#schedule(this.#recheckMs);
    }, delay);
  }

  #clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
