/**
 * The default engine's media half, loaded on first use (issue 18, README "Pay for what you use"):
 * `call-media.ts` and what only it needs (peers, capture, the volume meter, backgrounds, noise
 * suppression, pre-connect, the switch to video, the SFU start, the weak-network tuning) is a chunk of
 * its own. Logging in, presence and a ringing invitation need none of it: it is imported when a call
 * rings (a prefetch, so that accept waits for nothing), is placed or joined, or when a media method
 * (camera, microphone, devices, backgrounds...) is called. Until then {@link MediaHalf.now} is
 * undefined: no peer, capture or timer exists, so whatever would clean them up has nothing to do.
 * A chunk that cannot be loaded rejects the call's method with a FAILED error saying so (reason
 * `chunk-load-failed`); the next use tries again.
 */
import { CallKitError, ErrorCode } from '../../errors.js';
import type { CallMedia, CallMediaOptions } from './call-media.js';
import { noop, type ActiveCall, type EngineContext } from './call-model.js';
import { DEFAULT_NOISE_SUPPRESSION_ASSETS, type WebRTCEngineOptions } from './options.js';

const DEFAULT_STATS_INTERVAL_MS = 500;

/** How the chunk is imported (tests pass a failing one). */
export type MediaImport = () => Promise<{ CallMedia: typeof CallMedia }>;

export class MediaHalf {
  readonly #ctx: EngineContext;
  readonly #options: CallMediaOptions;
  readonly #import: MediaImport;
  #media: CallMedia | undefined;
  #loading: Promise<CallMedia> | undefined;

  constructor(ctx: EngineContext, options: CallMediaOptions, load: MediaImport = () => import('./call-media.js')) {
    this.#ctx = ctx;
    this.#options = options;
    this.#import = load;
  }

  /** The media half once loaded (then for good); undefined before. */
  get now(): CallMedia | undefined {
    return this.#media;
  }

  /** The media half, imported on the first call (one import however many wait); rejects with FAILED when the chunk cannot load. */
  load(): Promise<CallMedia> {
    if (this.#media) return Promise.resolve(this.#media);
    this.#loading ??= this.#import().then(
      ({ CallMedia }) => (this.#media ??= new CallMedia(this.#ctx, this.#options)),
      (error: unknown) => {
        this.#loading = undefined;
        throw new CallKitError(
          ErrorCode.FAILED,
          `could not load the call media code (network, or a deploy that removed the chunk): ${String(error)}`,
          'chunk-load-failed',
        );
      },
    );
    return this.#loading;
  }

  /** The media half for `call` (being placed, accepted or joined): INVALID_STATE `ended` when the call ended while it loaded. */
  async loadFor(call: ActiveCall, ended: string): Promise<CallMedia> {
    const media = await this.load();
    if (this.#ctx.call !== call) throw new CallKitError(ErrorCode.INVALID_STATE, ended);
    return media;
  }

  /**
   * `call` rings here: the chunk is fetched now (accept then finds it loaded) and, once loaded,
   * pre-connect starts if the call still rings (`preconnect.ts`). A failed prefetch is silent:
   * accept tries again and reports it.
   */
  ring(call: ActiveCall): void {
    if (this.#media) return this.#media.pre.onRing(call);
    this.load().then((media) => {
      if (this.#ctx.call === call && call.phase === 'ringing' && !call.accepting) media.pre.onRing(call);
    }, noop);
  }
}

/**
 * Makes and closes a peer connection with the call's settings: the NOT_SUPPORTED_WEBRTC error when
 * none can be made (a broken or policy-disabled WebRTC, bad `iceServers`), checked before a call is
 * placed, accepted or joined so that nobody is `connected` to a side that cannot carry media.
 */
export function probePeer(configuration: RTCConfiguration): CallKitError | null {
  try {
    new RTCPeerConnection(configuration).close();
    return null;
  } catch (error) {
    return new CallKitError(ErrorCode.NOT_SUPPORTED_WEBRTC, `cannot create a peer connection: ${String(error)}`);
  }
}

/** The media half's settings from the engine's options; its peers report to the call state machine. */
export function callMediaOptions(
  options: WebRTCEngineOptions,
  rtcConfiguration: () => RTCConfiguration,
  machine: () => {
    onIceFatal(call: ActiveCall, userId: string, cause?: 'network' | 'error'): void;
    onPeerConnected(call: ActiveCall, userId: string | null): void;
  },
): CallMediaOptions {
  return {
    rtcConfiguration,
    statsIntervalMs: options.statsIntervalMs ?? DEFAULT_STATS_INTERVAL_MS,
    iceDisconnectedTimeoutMs: options.iceDisconnectedTimeoutMs,
    mediaStallMs: options.mediaStallMs,
    mediaTuning: options.mediaTuning !== false,
    videoRequestTimeoutMs: options.videoRequestTimeoutMs,
    backgrounds: { assetsPath: options.backgroundAssetsPath, workerUrl: options.backgroundWorkerUrl },
    noiseSuppressionAssets: options.noiseSuppressionAssets ?? DEFAULT_NOISE_SUPPRESSION_ASSETS,
    preconnect: options.preconnect === true,
    onIceFatal: (call, userId) => machine().onIceFatal(call, userId),
    onPeerFailed: (call, userId) => machine().onIceFatal(call, userId, 'error'),
    onPeerConnected: (call, userId) => machine().onPeerConnected(call, userId),
  };
}
