/**
 * One `RTCPeerConnection` toward one remote call member, negotiated with the "perfect
 * negotiation" pattern (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example):
 *
 * - The first offer comes from one side only, the `initiator` (the member who just joined): it adds
 *   its tracks at once, `negotiationneeded` -> `setLocalDescription()` -> relay. The other side
 *   holds its tracks until that offer is applied and sends them in its answer, so the common path
 *   has no glare. Later renegotiations may still cross (glare): the impolite side ignores the
 *   colliding offer, the polite side rolls back (implicitly, in `setRemoteDescription`) and answers.
 * - Polite = my user id sorts after theirs (`localUserId > remoteUserId`), so exactly one side of
 *   every pair is polite.
 * - Incoming signals are processed one at a time, in arrival order. ICE candidates that arrive
 *   before a remote description are buffered and added right after it is set; candidate errors
 *   are not fatal (a candidate of an ignored offer is expected to fail).
 * - Remote tracks are collected into a MediaStream; a fresh MediaStream object is handed out each
 *   time the set of remote tracks changes (tracks of one description together, after a 0 ms
 *   timer), so consumers can simply reassign `srcObject`.
 * - ICE recovery (reliability R6): `failed` (ICE or connection state) -> `restartIce()` at once;
 *   `disconnected` for longer than `iceDisconnectedTimeoutMs` (default 2.5 s) -> `restartIce()` too
 *   (a short blip recovers by itself, with no restart). The restart is an offer with new ICE credentials on the SAME
 *   connection (perfect negotiation carries it), never a new RTCPeerConnection. A connection that
 *   fails twice without ever having connected calls `onIceFatal` instead of looping.
 * - Interruption ("reconnecting", reliability R6/R8b): reported through `onInterrupted(true)` at once
 *   when ICE, once connected, leaves `connected` (disconnected, failed, a restart's checks), and by
 *   the stats sampling when the remote's announced audio stopped arriving for `stallMs` (default
 *   2 s; Chromium's ICE needs 5-8 s to notice a dead peer). Audio, because it flows whenever it is announced on: a muted microphone is a disabled
 *   track, which still sends silence packets, and a microphone announced off is not watched at all.
 *   Cleared (`onInterrupted(false)`) once ICE is connected again and packets flow.
 * - Key frame after an outage (reliability R6): when an interruption ends, each active video
 *   encoding is switched off and on again with `setParameters()`; libwebrtc starts a re-activated
 *   encoding with a key frame, so the remote need not wait for its own key-frame request. Measured
 *   (test/e2e/network-namespaces.test.ts): after a 3 s cut in a running call, fresh video is shown 0.4-0.8 s
 *   after the restore (about the same without this key frame: 0.5-1.3 s); after a 30 s cut, < 1 s.
 *   A 3 s cut in a call's first ~10 s takes 2.2-3.5 s in about half the runs: Chromium's receiver
 *   only starts rejecting late (stale) frames in its RTP-to-local-time filter after 300 frames, and
 *   nothing a page can call resets it (see EARLY_FRESH_VIDEO_BUDGET_MS in that test).
 */
import type { RelayData } from '../../protocol/messages.js';

export type MediaKind = 'audio' | 'video';

/** See {@link Peer.neverConnected}. */
const NEVER_CONNECTED_MS = 10_000;

export interface PeerOptions {
  localUserId: string;
  remoteUserId: string;
  /** Whether this side makes the first offer (default true); the other side waits for it. */
  initiator?: boolean;
  /**
   * ICE servers and transport policy (default: none, all transports): read for the connection and
   * again at each ICE restart, so a restart late in a call uses fresh TURN credentials.
   */
  configuration?: () => RTCConfiguration;
  /** Relays a description or candidate to the remote member. */
  send(data: RelayData): void;
  /** The remote member's media (a new MediaStream whenever its tracks change). */
  onRemoteStream(stream: MediaStream): void;
  onConnectionStateChange?(state: RTCPeerConnectionState): void;
  /** The connection is `connected` (ICE and DTLS: media can flow) for the first time; called once. */
  onFirstConnected?(): void;
  /** An unexpected negotiation failure (not fatal by itself). */
  onError?(error: unknown): void;
  /** ICE failed twice before the connection ever connected: the network cannot carry this call. */
  onIceFatal?(): void;
  /** How long ICE may stay `disconnected` before an ICE restart (default 2500 ms). */
  iceDisconnectedTimeoutMs?: number;
  /** The connection is interrupted (true) or works again (false); called on changes only. */
  onInterrupted?(interrupted: boolean): void;
  /** Announced audio missing for this long counts as an interruption (default 2000 ms). */
  stallMs?: number;
  /** Called right before each local description (offer or answer): codec preferences (`media-tuning.ts`). */
  beforeLocalDescription?(pc: RTCPeerConnection): void;
  /** Each stats report {@link Peer.sampleQuality} read, by id (the link cap of `media-tuning.ts`). */
  onStats?(entries: ReadonlyMap<string, StatsEntry>): void;
}

/** ICE failures before ever connecting that end the attempt ("network not supported"). */
export const MAX_ICE_FAILURES_WITHOUT_CONNECT = 2;

/** Samples the inbound loss is measured over (see {@link Peer.sampleQuality}). */
const LOSS_WINDOW = 4;

/** TUI network quality: 0 unknown, 1 excellent .. 5 very bad, 6 down. */
export type NetworkQuality = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** Maps a round-trip time (seconds) and a loss fraction (0..1) to a TUI quality level. */
export function qualityFrom(rttS: number | undefined, loss: number): NetworkQuality {
  if (rttS === undefined) return 0;
  const rtt = rttS * 1000;
  if (loss < 0.01 && rtt < 100) return 1;
  if (loss < 0.03 && rtt < 200) return 2;
  if (loss < 0.08 && rtt < 400) return 3;
  if (loss < 0.15 && rtt < 800) return 4;
  return 5;
}

export type StatsEntry = Record<string, unknown> & { id: string; type: string };

/**
 * Tells whether inbound audio stalled: packets were seen, the sender announces its audio on, and the
 * packet count has not grown for `stallMs`. Not armed while audio is announced off or before the
 * first packet (the first `stallMs` after it is announced on again are a grace period).
 */
export class StallDetector {
  #packets = 0;
  #progressAt = 0;
  stalled = false;
  constructor(readonly stallMs = 2000) {}

  /** Feeds one sample (`packets`: the inbound audio packet count); returns whether audio stalled. */
  update(packets: number, expected: boolean, now: number): boolean {
    const grew = packets > this.#packets;
    this.#packets = packets;
    if (!expected || packets === 0 || grew) {
      this.#progressAt = now;
      this.stalled = false;
    } else if (now - this.#progressAt >= this.stallMs) {
      this.stalled = true;
    }
    return this.stalled;
  }
}

export class Peer {
  readonly remoteUserId: string;
  readonly polite: boolean;
  readonly pc: RTCPeerConnection;
  readonly #options: PeerOptions;
  #makingOffer = false;
  #ignoreOffer = false;
  #settingRemoteAnswerPending = false;
  #pendingCandidates: RTCIceCandidateInit[] = [];
  #queue: Promise<void> = Promise.resolve();
  #senders: Partial<Record<MediaKind, RTCRtpSender>> = {};
  #remoteTracks = new Set<MediaStreamTrack>();
  #closed = false;
  /** Cumulative inbound loss per kind at the last {@link LOSS_WINDOW} samples, oldest first. */
  #lossHistory: Record<MediaKind, { lost: number; received: number }>[] = [];
  #streamTimer: ReturnType<typeof setTimeout> | null = null;
  /** Non-initiator: our stream, added once the first remote offer is applied. */
  #deferred: MediaStream | null = null;
  #everConnected = false;
  /** `onFirstConnected` was called. */
  #firstConnected = false;
  #iceFailures = 0;
  readonly #createdAt = Date.now();
  /** ICE server errors seen while gathering (`icecandidateerror`): `<url>: <code> <text>`, at most 4. */
  readonly #iceServerErrors: string[] = [];
  #disconnectedTimer: ReturnType<typeof setTimeout> | null = null;
  /** ICE restarts issued (tests read it: a restart, not a rebuild). */
  iceRestarts = 0;
  readonly #stall: StallDetector;
  #interrupted = false;

  constructor(options: PeerOptions) {
    this.#options = options;
    this.remoteUserId = options.remoteUserId;
    this.polite = options.localUserId > options.remoteUserId;
    this.#stall = new StallDetector(options.stallMs);
    const pc = new RTCPeerConnection(options.configuration?.() ?? { iceServers: [] });
    this.pc = pc;

    pc.onnegotiationneeded = async () => {
      if (this.#closed) return;
      try {
        this.#makingOffer = true;
        options.beforeLocalDescription?.(pc);
        await pc.setLocalDescription();
        this.#sendLocalDescription();
      } catch (error) {
        if (!this.#closed) options.onError?.(error);
      } finally {
        this.#makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      // End-of-candidates (null) is not relayed: it is optional and trickle works without it.
      if (!candidate || this.#closed) return;
      options.send({
        kind: 'candidate',
        candidate: {
          candidate: candidate.candidate,
          sdpMid: candidate.sdpMid,
          sdpMLineIndex: candidate.sdpMLineIndex,
          usernameFragment: candidate.usernameFragment,
        },
      });
    };
    pc.ontrack = ({ track }) => {
      if (this.#closed || this.#remoteTracks.has(track)) return;
      this.#remoteTracks.add(track);
      // One description usually brings audio and video: hand them out together.
      this.#streamTimer ??= setTimeout(() => {
        this.#streamTimer = null;
        if (!this.#closed) options.onRemoteStream(new MediaStream([...this.#remoteTracks]));
      }, 0);
    };
    pc.oniceconnectionstatechange = () => {
      if (this.#closed) return;
      this.#onIceState(pc.iceConnectionState);
      this.#updateInterrupted();
    };
    // A TURN server refusing the credentials (401 Unauthorized, 438 Stale Nonce, 441 Wrong Credentials)
    // or unreachable (701): kept to say why, should ICE fail for good (see iceServerErrors).
    pc.onicecandidateerror = (event) => {
      const e = event as RTCPeerConnectionIceErrorEvent;
      const line = `${e.url}: ${e.errorCode} ${e.errorText}`.trim();
      if (this.#iceServerErrors.length < 4 && !this.#iceServerErrors.includes(line)) this.#iceServerErrors.push(line);
    };
    pc.onconnectionstatechange = () => {
      if (this.#closed) return;
      // Chromium can report the connection `failed` while the legacy iceConnectionState stays
      // `disconnected` (an ICE restart whose checks all timed out during an outage): without this,
      // no further restart would ever come and the call would stay broken after the path is back.
      if (pc.connectionState === 'failed' && pc.iceConnectionState !== 'failed') this.#onIceState('failed');
      if (pc.connectionState === 'connected' && !this.#firstConnected) {
        this.#firstConnected = true;
        options.onFirstConnected?.();
      }
      options.onConnectionStateChange?.(pc.connectionState);
    };
  }

  /** ICE server (STUN/TURN) errors seen while gathering, e.g. `turn:host:3478?transport=udp: 401 Unauthorized`. */
  get iceServerErrors(): readonly string[] {
    return this.#iceServerErrors;
  }

  /**
   * This connection never connected, and ICE failed at least once or has tried for
   * {@link NEVER_CONNECTED_MS}: the network is not carrying it (a user hanging up during the first
   * ICE checks is not counted).
   */
  get neverConnected(): boolean {
    return !this.#everConnected && (this.#iceFailures > 0 || Date.now() - this.#createdAt >= NEVER_CONNECTED_MS);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The current remote stream (a new object), or null when nothing arrived yet. */
  get remoteStream(): MediaStream | null {
    return this.#remoteTracks.size ? new MediaStream([...this.#remoteTracks]) : null;
  }

  /** Adds the local tracks (call once, right after construction). */
  addLocalTracks(stream: MediaStream): void {
    if (this.#options.initiator === false && !this.pc.remoteDescription) {
      this.#deferred = stream;
      return;
    }
    for (const track of stream.getTracks()) {
      const kind = track.kind as MediaKind;
      if (this.#senders[kind]) continue;
      this.#senders[kind] = this.pc.addTrack(track, stream);
    }
  }

  /**
   * Sends `track` as our `kind` media (null: send nothing, without renegotiation). Reuses our
   * sender, or a transceiver of that kind the remote side created (then switches its direction to
   * send, which renegotiates), or adds a new track (renegotiates).
   */
  async setTrack(kind: MediaKind, track: MediaStreamTrack | null, stream: MediaStream): Promise<void> {
    // Still waiting for the first offer: the deferred stream already holds the current tracks.
    if (this.#closed || this.#deferred) return;
    let sender = this.#senders[kind];
    if (!sender) {
      const reusable = this.pc
        .getTransceivers()
        .find(
          (t) => t.receiver.track.kind === kind && t.sender.track === null && t.direction !== 'stopped' && t.currentDirection !== 'stopped',
        );
      if (reusable) this.#senders[kind] = sender = reusable.sender;
    }
    if (!track) {
      if (sender) await sender.replaceTrack(null);
      return;
    }
    if (!sender) {
      this.#senders[kind] = this.pc.addTrack(track, stream);
      return;
    }
    await sender.replaceTrack(track);
    const transceiver = this.pc.getTransceivers().find((t) => t.sender === sender);
    if (transceiver && (transceiver.direction === 'recvonly' || transceiver.direction === 'inactive')) {
      sender.setStreams(stream);
      transceiver.direction = transceiver.direction === 'recvonly' ? 'sendrecv' : 'sendonly';
    }
  }

  /** Handles a relayed description or candidate from the remote member (in arrival order). */
  handleSignal(data: RelayData): void {
    this.#queue = this.#queue
      .then(() => (data.kind === 'description' ? this.#onDescription(data.description) : this.#onCandidate(data.candidate)))
      .catch((error: unknown) => {
        if (!this.#closed) this.#options.onError?.(error);
      });
  }

  /**
   * Samples getStats and rates the link (0 unknown .. 6 down). `expectAudio`: the remote announces
   * its microphone on, so its audio packets must keep arriving (the stall detector, see the header).
   */
  async sampleQuality(expectAudio = false, now = Date.now()): Promise<NetworkQuality> {
    if (this.#closed) return 6;
    const state = this.pc.connectionState;
    if (state === 'failed' || state === 'disconnected' || state === 'closed') return 6;
    let report: RTCStatsReport;
    try {
      report = await this.pc.getStats();
    } catch {
      return 0;
    }
    const entries = new Map<string, StatsEntry>();
    report.forEach((s: StatsEntry) => entries.set(s.id, s));
    let pair: StatsEntry | undefined;
    const current = { audio: { lost: 0, received: 0 }, video: { lost: 0, received: 0 } };
    const upLoss = { audio: 0, video: -1 };
    let upRtt: number | undefined;
    let audioPackets = 0;
    for (const s of entries.values()) {
      if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') pair = entries.get(s.selectedCandidatePairId);
      else if (s.type === 'inbound-rtp' && (s.kind === 'audio' || s.kind === 'video')) {
        current[s.kind].lost += Math.max(0, Number(s.packetsLost ?? 0));
        current[s.kind].received += Number(s.packetsReceived ?? 0);
        if (s.kind === 'audio') audioPackets += Number(s.packetsReceived ?? 0);
      } else if (s.type === 'remote-inbound-rtp') {
        const kind = s.kind === 'video' ? 'video' : 'audio';
        upLoss[kind] = Math.max(upLoss[kind], Number(s.fractionLost ?? 0));
        if (typeof s.roundTripTime === 'number') upRtt = Math.max(upRtt ?? 0, s.roundTripTime);
      }
    }
    pair ??= [...entries.values()].find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
    const rtt = typeof pair?.currentRoundTripTime === 'number' ? pair.currentRoundTripTime : upRtt;
    // Per kind, the worse one: NACK and RTX repair video (its loss looks small), audio is not
    // retransmitted, and pooling the two hid 20 % audio loss behind a busy video stream.
    // Over the last LOSS_WINDOW samples (2 s at the default 0.5 s): ~25 audio packets a sample made
    // 5 % loss read as anything from 0 to 16 %, and the indicator flickered.
    const base = this.#lossHistory[0] ?? { audio: { lost: 0, received: 0 }, video: { lost: 0, received: 0 } };
    let downLoss = 0;
    for (const kind of ['audio', 'video'] as const) {
      const dLost = current[kind].lost - base[kind].lost;
      const dReceived = current[kind].received - base[kind].received;
      if (dLost > 0 && dLost + dReceived > 0) downLoss = Math.max(downLoss, dLost / (dLost + dReceived));
    }
    this.#lossHistory.push(current);
    if (this.#lossHistory.length > LOSS_WINDOW) this.#lossHistory.shift();
    if (this.#closed) return 6;
    this.#options.onStats?.(entries);
    this.#stall.update(audioPackets, expectAudio, now);
    this.#updateInterrupted();
    // What the other side reports losing of ours: the video's reports when we send video (one a
    // second), else the audio's (one every ~5 s: a report spanning a loss that ended held the
    // indicator up to 10 s after the recovery).
    const sentLoss = upLoss.video >= 0 ? upLoss.video : upLoss.audio;
    return this.#stall.stalled ? 6 : qualityFrom(rtt, Math.max(downLoss, sentLoss));
  }

  /** Restarts ICE on this connection (new credentials, same RTCPeerConnection). */
  restartIce(): void {
    if (this.#closed) return;
    this.#clearDisconnectedTimer();
    this.iceRestarts++;
    const configuration = this.#options.configuration?.();
    if (configuration) {
      try {
        this.pc.setConfiguration({ ...this.pc.getConfiguration(), ...configuration });
      } catch {
        // The old TURN credentials stay: still valid for allocations already made.
      }
    }
    this.pc.restartIce();
  }

  /**
   * After the signaling socket came back: what was sent while it was down is lost, so an offer still
   * waiting for its answer is sent again, and a connection whose ICE broke meanwhile is restarted.
   */
  resync(): void {
    if (this.#closed) return;
    const ice = this.pc.iceConnectionState;
    if (this.pc.signalingState === 'have-local-offer') this.#sendLocalDescription();
    else if (ice === 'failed' || ice === 'disconnected') this.restartIce();
  }

  /** True while the connection is interrupted (see the header). */
  get interrupted(): boolean {
    return this.#interrupted;
  }

  #updateInterrupted(): void {
    const ice = this.pc.iceConnectionState;
    // Once connected, anything but connected (disconnected, failed, a restart's checks) is one.
    const next = !this.#closed && this.#everConnected && (!(ice === 'connected' || ice === 'completed') || this.#stall.stalled);
    if (next === this.#interrupted) return;
    this.#interrupted = next;
    this.#options.onInterrupted?.(next);
    if (!next && !this.#closed) void this.refreshVideo();
  }

  /**
   * Makes each sending video encoding start over with a key frame: off and on again with
   * `setParameters()` (libwebrtc encodes a re-activated layer from a key frame).
   */
  async refreshVideo(): Promise<void> {
    const sender = this.#senders.video;
    if (this.#closed || !sender?.track) return;
    try {
      const params = sender.getParameters();
      const active = params.encodings.map((e) => e.active !== false);
      if (!active.some(Boolean)) return;
      for (const e of params.encodings) e.active = false;
      await sender.setParameters(params);
      const again = sender.getParameters();
      again.encodings.forEach((e, i) => (e.active = active[i] ?? true));
      await sender.setParameters(again);
    } catch {
      // Parameters changed meanwhile (a device switch, a video cap): the video goes on as it was.
    }
  }

  #onIceState(state: RTCIceConnectionState): void {
    if (state === 'connected' || state === 'completed') {
      this.#everConnected = true;
      this.#clearDisconnectedTimer();
    } else if (state === 'disconnected') {
      if (this.#disconnectedTimer) return;
      this.#disconnectedTimer = setTimeout(() => {
        this.#disconnectedTimer = null;
        if (!this.#closed && this.pc.iceConnectionState === 'disconnected') this.restartIce();
      }, this.#options.iceDisconnectedTimeoutMs ?? 2500);
    } else if (state === 'failed') {
      this.#clearDisconnectedTimer();
      if (!this.#everConnected && ++this.#iceFailures >= MAX_ICE_FAILURES_WITHOUT_CONNECT) {
        this.#options.onIceFatal?.();
        return;
      }
      this.restartIce();
    }
  }

  #clearDisconnectedTimer(): void {
    if (this.#disconnectedTimer) clearTimeout(this.#disconnectedTimer);
    this.#disconnectedTimer = null;
  }

  /** Closes the connection; idempotent. Remote tracks end with it. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearDisconnectedTimer();
    if (this.#streamTimer) clearTimeout(this.#streamTimer);
    this.#streamTimer = null;
    const pc = this.pc;
    pc.onnegotiationneeded = null;
    pc.onicecandidate = null;
    pc.ontrack = null;
    pc.oniceconnectionstatechange = null;
    pc.onconnectionstatechange = null;
    pc.close();
    this.#pendingCandidates = [];
    this.#deferred = null;
    this.#remoteTracks.clear();
  }

  async #onDescription(description: RTCSessionDescriptionInit): Promise<void> {
    if (this.#closed || description.type === 'rollback' || description.type === 'pranswer') return;
    const pc = this.pc;
    const readyForOffer = !this.#makingOffer && (pc.signalingState === 'stable' || this.#settingRemoteAnswerPending);
    const offerCollision = description.type === 'offer' && !readyForOffer;
    this.#ignoreOffer = !this.polite && offerCollision;
    if (this.#ignoreOffer) return;
    this.#settingRemoteAnswerPending = description.type === 'answer';
    try {
      await pc.setRemoteDescription(description); // rolls back our own offer if needed
    } finally {
      this.#settingRemoteAnswerPending = false;
    }
    if (this.#closed) return;
    await this.#flushCandidates();
    if (description.type === 'offer' && this.#deferred) {
      const stream = this.#deferred;
      this.#deferred = null;
      this.addLocalTracks(stream); // reuses the transceivers the offer created: sent in our answer
    }
    if (description.type === 'offer') {
      this.#options.beforeLocalDescription?.(pc);
      await pc.setLocalDescription();
      this.#sendLocalDescription();
    }
  }

  async #onCandidate(candidate: RTCIceCandidateInit | null): Promise<void> {
    if (this.#closed || !candidate) return;
    if (!this.pc.remoteDescription) {
      this.#pendingCandidates.push(candidate);
      return;
    }
    try {
      await this.pc.addIceCandidate(candidate);
    } catch {
      // Expected for candidates of an offer we ignored (impolite side in a glare) or of an ICE
      // generation that is gone; a missing candidate is never fatal by itself.
    }
  }

  async #flushCandidates(): Promise<void> {
    const candidates = this.#pendingCandidates;
    this.#pendingCandidates = [];
    for (const candidate of candidates) {
      if (this.#closed) return;
      try {
        await this.pc.addIceCandidate(candidate);
      } catch {
        // A candidate of an offer we ignored or rolled back: expected to fail.
      }
    }
  }

  #sendLocalDescription(): void {
    const description = this.pc.localDescription;
    if (!description || this.#closed) return;
    if (description.type !== 'offer' && description.type !== 'answer') return;
    this.#options.send({ kind: 'description', description: { type: description.type, sdp: description.sdp } });
  }
}
