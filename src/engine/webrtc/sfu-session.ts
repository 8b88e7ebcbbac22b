/**
 * The SFU media path of the default engine (issue 15), loaded as a lazy chunk when the server says
 * a call goes through its media server. Two RTCPeerConnections in all, whatever the member count:
 * - `pub`: our upload, once (we offer, Janus answers through our server);
 * - `sub`: every other member's audio and video (Janus offers with one m-line per stream and tells
 *   which member each `mid` carries; we answer). A new offer comes whenever someone starts or
 *   stops publishing; a member missing from it is gone.
 * A member's media is handed out (`onStream`) once it arrives (its video track unmutes, or its
 * audio for a member without video), so a caller switching from mesh keeps showing the mesh stream
 * until then. Our camera and microphone switches are `replaceTrack` on the upload's senders.
 * ICE recovery (`ice-keeper.ts`, as on mesh): an upload that fails (or stays disconnected) is
 * offered again with an ICE restart; a receiving connection asks the server (`restart`) for a new
 * offer with new credentials. An upload that fails twice before ever connecting is fatal.
 */
import type { SfuClientData, SfuServerData, SfuStreamInfo } from '../../protocol/messages.js';
import { IceKeeper } from './ice-keeper.js';
import type { NetworkQuality } from './peer.js';
import { SfuLayers, SIMULCAST_ENCODINGS } from './sfu-layers.js';
import { SfuQuality } from './sfu-quality.js';

export interface SfuSessionOptions {
  configuration: RTCConfiguration;
  send(data: SfuClientData): void;
  /** `userId`'s media arrived through the SFU. */
  onStream(userId: string, stream: MediaStream): void;
  /** A member's streams left our subscription (they stopped publishing or left). */
  onGone(userId: string): void;
  /** Every RTCPeerConnection made (leak counts). */
  onPeerConnection(pc: RTCPeerConnection): void;
  onError(message: string): void;
  /** The upload reached Janus (ICE + DTLS) for the first time: the call has a media path. */
  onConnected?(): void;
  /** The upload failed twice without ever connecting (the ICE restart did not help either). */
  onFatal?(): void;
  /** The member the UI shows large ('' none): received at the high simulcast layer (`sfu-layers.ts`). */
  focus?(): string;
  /** Each member's tile width as the UI last told (device px), null before it told any (`sfu-layers.ts`). */
  tileWidths?(): ReadonlyMap<string, number> | null;
}

type Offer = Extract<SfuServerData, { kind: 'offer' }>;

export class SfuSession {
  readonly #options: SfuSessionOptions;
  readonly pub: RTCPeerConnection;
  #sub: RTCPeerConnection | null = null;
  readonly #senders = new Map<'audio' | 'video', RTCRtpSender>();
  /** What each `mid` of the subscriber connection carries (from the server's last offer). */
  #mids = new Map<string, SfuStreamInfo>();
  readonly #streams = new Map<string, MediaStream>();
  readonly #shown = new Set<string>();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #pubIce: IceKeeper;
  #subIce: IceKeeper | null = null;
  #connected = false;
  #failures = 0;
  readonly #quality = new SfuQuality();
  readonly #layers: SfuLayers;

  constructor(options: SfuSessionOptions) {
    this.#options = options;
    this.#layers = new SfuLayers((data) => !this.#closed && options.send(data));
    this.pub = new RTCPeerConnection(options.configuration);
    options.onPeerConnection(this.pub);
    this.pub.onicecandidate = (e) => this.#candidate('pub', e.candidate);
    // Our upload lost its path to Janus (network change, or consent checks starved on a loaded
    // machine): offer again with new ICE credentials (Janus renegotiates the same publisher).
    this.#pubIce = new IceKeeper(
      this.pub,
      () =>
        void this.#run(async () => {
          await this.pub.setLocalDescription(await this.pub.createOffer({ iceRestart: true }));
          this.#options.send({ kind: 'publish', description: { type: 'offer', sdp: this.pub.localDescription?.sdp ?? '' } });
        }),
    );
    this.pub.onconnectionstatechange = () => {
      if (this.#closed) return;
      const state = this.pub.connectionState;
      if (state === 'connected' && !this.#connected) {
        this.#connected = true;
        this.#options.onConnected?.();
      }
      if (state === 'failed' && !this.#connected && ++this.#failures >= 2) {
        this.#pubIce.stop();
        return this.#options.onFatal?.();
      }
      this.#pubIce.onState();
    };
  }

  /** ICE restarts made so far (upload, receiving connection). */
  get iceRestarts(): { pub: number; sub: number } {
    return { pub: this.#pubIce.restarts, sub: this.#subIce?.restarts ?? 0 };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Members whose SFU media was handed out. */
  get shown(): string[] {
    return [...this.#shown];
  }

  /** Uploads `stream`'s tracks (audio, and video when `video`), sendonly, and offers them. */
  publish(tracks: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null; stream: MediaStream }, video: boolean): Promise<void> {
    return this.#run(async () => {
      const kinds: ('audio' | 'video')[] = video ? ['audio', 'video'] : ['audio'];
      for (const kind of kinds) {
        const init: RTCRtpTransceiverInit = { direction: 'sendonly', streams: [tracks.stream] };
        let transceiver: RTCRtpTransceiver;
        try {
          // Simulcast: two layers of our video; Janus reads their rids from the offer.
          transceiver = this.pub.addTransceiver(
            tracks[kind] ?? kind,
            kind === 'video' ? { ...init, sendEncodings: SIMULCAST_ENCODINGS } : init,
          );
        } catch {
          transceiver = this.pub.addTransceiver(tracks[kind] ?? kind, init); // no simulcast here: one layer
        }
        this.#senders.set(kind, transceiver.sender);
      }
      await this.pub.setLocalDescription();
      const sdp = this.pub.localDescription?.sdp ?? '';
      this.#options.send({ kind: 'publish', description: { type: 'offer', sdp } });
    });
  }

  /**
   * Rates each member we receive into `qualities` (a member still rated there, on mesh during the
   * switch, keeps its rating) and returns our own link's rating (see `sfu-quality.ts`);
   * `members`: the call's, whose announced microphone says whose audio must keep arriving.
   */
  async rate(qualities: Record<string, number>, members: ReadonlyMap<string, { audio?: boolean }>): Promise<NetworkQuality> {
    const rated = await this.#quality.sample(this.pub, this.#sub, this.#mids, (userId) => members.get(userId)?.audio === true);
    for (const [userId, q] of Object.entries(rated.members)) qualities[userId] ??= q;
    return rated.self;
  }

  /** The focus, the tiles' sizes or the members we receive changed: asks Janus for each one's layer again (debounced). */
  refocus(): void {
    if (this.#closed) return;
    this.#layers.update(() => {
      const video = new Map<string, string>();
      for (const s of this.#mids.values()) if (s.kind === 'video') video.set(s.userId, s.mid);
      return { video, focus: this.#options.focus?.() ?? '', widths: this.#options.tileWidths?.() ?? null };
    });
  }

  /** The simulcast layers asked for, per member (0 low, 1 high). */
  get layers(): Record<string, 0 | 1> {
    return this.#layers.sent;
  }

  /** Our camera or microphone changed (null: off). */
  async setTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    await this.#senders.get(kind)?.replaceTrack(track);
  }

  onMessage(data: SfuServerData): Promise<void> {
    return this.#run(async () => {
      if (data.kind === 'answer') await this.pub.setRemoteDescription(data.description);
      else if (data.kind === 'offer') await this.#subscribe(data);
    });
  }

  /** Forgets `userId` (it left the call); true if its media had been handed out. */
  forget(userId: string): boolean {
    this.#streams.delete(userId);
    return this.#shown.delete(userId);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pubIce.stop();
    this.#subIce?.stop();
    this.#layers.stop();
    this.pub.close();
    this.#sub?.close();
    this.#streams.clear();
    this.#shown.clear();
  }

  #run(op: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(async () => {
      if (this.#closed) return;
      try {
        await op();
      } catch (error) {
        if (!this.#closed) this.#options.onError(`SFU negotiation failed: ${(error as Error)?.message ?? String(error)}`);
      }
    });
    this.#queue = run;
    return run;
  }

  #candidate(pc: 'pub' | 'sub', candidate: RTCIceCandidate | null): void {
    if (this.#closed) return;
    const c = candidate?.toJSON();
    this.#options.send({
      kind: 'candidate',
      pc,
      candidate: c?.candidate
        ? {
            candidate: c.candidate,
            sdpMid: c.sdpMid ?? null,
            sdpMLineIndex: c.sdpMLineIndex ?? null,
            usernameFragment: c.usernameFragment ?? null,
          }
        : null,
    });
  }

  async #subscribe(offer: Offer): Promise<void> {
    let sub = this.#sub;
    if (!sub) {
      sub = new RTCPeerConnection(this.#options.configuration);
      this.#sub = sub;
      this.#options.onPeerConnection(sub);
      sub.onicecandidate = (e) => this.#candidate('sub', e.candidate);
      sub.ontrack = (e) => this.#onTrack(e);
      // Our receiving connection lost its path: Janus offers it again with new ICE credentials.
      const keeper = new IceKeeper(sub, () => this.#options.send({ kind: 'restart' }));
      this.#subIce = keeper;
      sub.onconnectionstatechange = () => {
        if (!this.#closed) keeper.onState();
      };
    }
    this.#mids = new Map(offer.streams.map((s) => [s.mid, s]));
    await sub.setRemoteDescription(offer.description);
    await sub.setLocalDescription();
    this.#options.send({ kind: 'answer', description: { type: 'answer', sdp: sub.localDescription?.sdp ?? '' } });
    this.refocus();
    const present = new Set(offer.streams.map((s) => s.userId));
    for (const userId of [...this.#streams.keys()]) {
      if (present.has(userId)) continue;
      this.#streams.delete(userId);
      if (this.#shown.delete(userId)) this.#options.onGone(userId);
    }
  }

  #onTrack(e: RTCTrackEvent): void {
    const mid = e.transceiver.mid;
    const info = mid === null ? undefined : this.#mids.get(mid);
    if (!info) return;
    const { userId } = info;
    let stream = this.#streams.get(userId);
    if (!stream) {
      stream = new MediaStream();
      this.#streams.set(userId, stream);
    }
    const track = e.track;
    if (!stream.getTracks().includes(track)) {
      for (const old of stream.getTracks()) if (old.kind === track.kind) stream.removeTrack(old);
      stream.addTrack(track);
    }
    // The member's media counts as arrived with its video (or its audio when it sends no video).
    const hasVideo = [...this.#mids.values()].some((s) => s.userId === userId && s.kind === 'video');
    if (hasVideo && track.kind !== 'video') return;
    const target = stream;
    const arrived = () => {
      if (this.#closed || this.#streams.get(userId) !== target || this.#shown.has(userId)) return;
      this.#shown.add(userId);
      this.#options.onStream(userId, target);
    };
    if (!track.muted) arrived();
    else track.addEventListener('unmute', arrived, { once: true });
  }
}
