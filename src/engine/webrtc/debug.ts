/**
 * Test support for the default engine; not public API (no package entry point exports it). Tests
 * import the functions below: leak counters, a dropped signaling socket, ICE restarts, and the peer
 * connection toward a member. The engine attaches its hooks under a `Symbol.for` key, so an e2e page
 * reaches them without an import: `engine[Symbol.for(WEBRTC_DEBUG_KEY)]`.
 */
import type { ConnectionState } from '../types.js';
import type { CallMachine } from './call-machine.js';
import type { MediaHalf } from './media-half.js';
import type { CallPhase, EngineContext } from './call-model.js';
import type { Reconnector } from './reconnect.js';
import type { BackgroundEffect } from './backgrounds.js';

/** The background effect's parts (tests and the benchmark). */
export interface WebRTCBackgroundsDebug {
  effect: BackgroundEffect;
  /** The loaded processor (worker + model), null while no effect is on. */
  processor: { readonly mode: string; readonly stats: { frames: number; segmentMs: number }; readonly lastError: string | null } | null;
  /** The camera's own track (the sent one differs while an effect is on). */
  cameraTrack: MediaStreamTrack | null;
}

/** Counts of live resources, for leak checks in tests. */
export interface WebRTCEngineDebugState {
  connection: ConnectionState;
  /** 'dialing' | 'ringing' | 'connected', or null when idle. */
  call: CallPhase | null;
  /** RTCPeerConnections created by this engine and not closed. */
  peers: number;
  /** Local capture tracks still live. */
  localTracks: number;
  /** Live timers: the stats interval + signaling request/login deadlines. */
  timers: number;
  /** AudioContexts not closed yet (closing is asynchronous). */
  audioContexts: number;
  /** Signaling requests waiting for an answer. */
  pendingRequests: number;
  /** Listeners registered on the engine's events. */
  listeners: number;
  /** Invitations held while we dial their caller (glare in progress): 0 or 1. */
  heldInvitations: number;
  /** Reconnect attempts made since the socket was lost (0 when connected). */
  reconnectAttempts: number;
  /** ICE restarts issued on the current call's peer connections. */
  iceRestarts: number;
}

/** The hooks an engine attaches under {@link WEBRTC_DEBUG}. */
export interface WebRTCEngineDebug {
  state(): WebRTCEngineDebugState;
  /** Drops the signaling socket as a network loss would (the engine reconnects). */
  dropSignaling(): void;
  /** Restarts ICE toward `userId` (all peers when omitted) as a failure would; returns how many. */
  restartIce(userId?: string): number;
  /** The peer connection toward `userId` in the current call. */
  peerConnection(userId: string): RTCPeerConnection | null;
  backgrounds(): WebRTCBackgroundsDebug;
}

export const WEBRTC_DEBUG_KEY = 'callkit-elements.webrtc-engine.debug';
export const WEBRTC_DEBUG: unique symbol = Symbol.for(WEBRTC_DEBUG_KEY) as typeof WEBRTC_DEBUG;

/** Attaches `hooks` to `engine` (not enumerable, not in its type). Called by the engine itself. */
export function attachDebug(engine: object, hooks: WebRTCEngineDebug): void {
  Object.defineProperty(engine, WEBRTC_DEBUG, { value: hooks });
}

function hooksOf(engine: object): WebRTCEngineDebug {
  const hooks = (engine as { [WEBRTC_DEBUG]?: WebRTCEngineDebug })[WEBRTC_DEBUG];
  if (!hooks) throw new TypeError('not a WebRTCEngine');
  return hooks;
}

/** Counts of live resources (peers, tracks, timers, audio contexts), for leak checks. */
export const debugState = (engine: object): WebRTCEngineDebugState => hooksOf(engine).state();
/** Drops the signaling socket as a network loss would (the engine reconnects). */
export const debugDropSignaling = (engine: object): void => hooksOf(engine).dropSignaling();
/** Restarts ICE toward `userId` (all peers when omitted) as a failure would. */
export const debugRestartIce = (engine: object, userId?: string): number => hooksOf(engine).restartIce(userId);
/** The peer connection toward `userId` in the current call (tests read its stats). */
export const debugPeerConnection = (engine: object, userId: string): RTCPeerConnection | null => hooksOf(engine).peerConnection(userId);

/** The background effect, its processor and the camera track. */
export const debugBackgrounds = (engine: object): WebRTCBackgroundsDebug => hooksOf(engine).backgrounds();

/** The hooks of one engine, from its parts (the engine calls this once). */
export function debugHooks(ctx: EngineContext, half: MediaHalf, machine: CallMachine, reconnector: Reconnector): WebRTCEngineDebug {
  // Before the media half is loaded (`media-half.ts`) it holds nothing: no peer, track, timer or AudioContext.
  const media = () => half.now;
  return {
    state: () => ({
      connection: reconnector.active ? 'reconnecting' : (ctx.client?.state ?? 'disconnected'),
      call: ctx.call?.phase ?? null,
      peers: media()?.openPeerCount() ?? 0,
      localTracks: media()?.local.liveTrackCount() ?? 0,
      timers: (media()?.statsTimerCount ?? 0) + (media()?.upgrade.timerCount ?? 0) + (ctx.client?.timerCount ?? 0) + reconnector.timerCount,
      audioContexts: media()?.openAudioContextCount() ?? 0,
      pendingRequests: ctx.client?.pendingCount ?? 0,
      listeners: ctx.events.listenerCount,
      heldInvitations: machine.holding ? 1 : 0,
      reconnectAttempts: reconnector.attempts,
      iceRestarts: [...(ctx.call?.peers.values() ?? [])].reduce((n, p) => n + p.iceRestarts, 0),
    }),
    dropSignaling: () => ctx.client?.debugDrop(),
    restartIce: (userId) => {
      let n = 0;
      for (const [id, peer] of ctx.call?.peers ?? []) {
        if (userId === undefined || id === userId) {
          peer.restartIce();
          n++;
        }
      }
      return n;
    },
    peerConnection: (userId) => ctx.call?.peers.get(userId)?.pc ?? null,
    backgrounds: () => ({
      effect: media()?.backgrounds.effect ?? { type: 'none' },
      processor: media()?.backgrounds.processor ?? null,
      cameraTrack: media()?.local.cameraTrack ?? null,
    }),
  };
}
