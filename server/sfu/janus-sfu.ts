/**
 * Media through Janus's VideoRoom, driven server-side with `janode`. Browsers never see Janus:
 * the signaling server hands each SDP and ICE candidate between a member and its two handles.
 *
 * - {@link JanusSfu}: one janode connection and session to a (loopback) Janus; `createRoom()` per
 *   call; `onClosed` fires once if Janus goes away (crash, restart), so calls can end cleanly.
 * - {@link SfuRoom}: one VideoRoom (random id, random secret, at most 9 publishers) per call. Each
 *   member has a publisher handle (the browser's upload PC: the browser offers, Janus answers) and,
 *   once others publish, one subscriber handle carrying every other member's streams (Janus's
 *   multistream: Janus offers, the browser answers). Subscriber renegotiations are serialized per
 *   member: while an offer waits for its answer, later changes are queued and sent as one update.
 */
import { randomBytes, randomInt } from 'node:crypto';
import Janode from 'janode';
import type { JanodeConnection, JanodeSession, Jsep, TrickleCandidate } from 'janode';
import VideoRoomPlugin from 'janode/plugins/videoroom';
import type { SubscriberStream, VideoRoomHandle } from 'janode/plugins/videoroom';

/** What a subscriber's media line carries: `mid` in the offer -> whose track. */
export interface SfuStream {
  mid: string;
  kind: 'audio' | 'video';
  userId: string;
}

export interface SfuRoomEvents {
  /** Janus offers `userId`'s subscriber PC (first subscription or an update): relay it, then call `answer`. */
  onSubscriberOffer(userId: string, offer: Jsep, streams: SfuStream[]): void;
  /** Something failed for this member (logged by the caller); the room goes on for the others. */
  onError?(userId: string, error: Error): void;
}

interface Member {
  userId: string;
  feed: number;
  publisher?: VideoRoomHandle;
  /** True once Janus answered this member's publish offer. */
  publishing: boolean;
  subscriber?: VideoRoomHandle;
  /** Feeds the subscriber handle currently carries (as Janus last offered them). */
  subscribed: Set<number>;
  /** What the last subscriber offer carried (an ICE restart offers the same streams again). */
  streams: SfuStream[];
  /** The browser asked for an ICE restart of its subscriber PC (done by the next sync). */
  restart: boolean;
  /** An offer is out, waiting for the browser's answer. */
  awaitingAnswer: boolean;
  /** A subscription change is running or queued. */
  syncing: Promise<void> | null;
  dirty: boolean;
  left: boolean;
}

export class SfuRoom {
  private readonly members = new Map<string, Member>();
  private nextFeed = 1;
  private destroyed = false;

  constructor(
    private readonly session: JanodeSession,
    private readonly control: VideoRoomHandle,
    readonly room: number,
    /** The room's secret (a cluster leader stores it with the call, so a new leader can destroy the room). */
    readonly secret: string,
    private readonly events: SfuRoomEvents,
  ) {}

  private member(userId: string): Member {
    let m = this.members.get(userId);
    if (!m || m.left) {
      m = {
        userId,
        feed: this.nextFeed++,
        publishing: false,
        subscribed: new Set(),
        streams: [],
        restart: false,
        awaitingAnswer: false,
        syncing: null,
        dirty: false,
        left: false,
      };
      this.members.set(userId, m);
    }
    return m;
  }

  /** Publishes (or renegotiates, e.g. an ICE restart) `userId`'s upload PC: returns Janus's answer. */
  async publish(userId: string, offer: Jsep): Promise<Jsep> {
    if (this.destroyed) throw new Error('room destroyed');
    const m = this.member(userId);
    let answer: Jsep | undefined;
    if (!m.publisher) {
      m.publisher = await this.session.attach(VideoRoomPlugin);
      // Janus lets others subscribe to a feed once its media is up (before that: 428 No such feed).
      m.publisher.once(Janode.EVENT.HANDLE_WEBRTCUP, () => this.publisherUp(m));
      const joined = await m.publisher.joinConfigurePublisher({ room: this.room, feed: m.feed, display: userId, jsep: offer });
      answer = joined.jsep;
    } else {
      answer = (await m.publisher.configure({ jsep: offer })).jsep;
    }
    if (!answer) throw new Error('janus sent no answer to the publish offer');
    return answer;
  }

  private publisherUp(m: Member): void {
    if (m.publishing || m.left || this.destroyed) return;
    m.publishing = true;
    // Everyone else subscribes to the new feed; the new publisher to everyone already up.
    for (const other of this.members.values()) if (!other.left) this.sync(other);
  }

  /** The browser's answer to the last subscriber offer of `userId`. */
  async answer(userId: string, answer: Jsep): Promise<void> {
    const m = this.members.get(userId);
    if (!m?.subscriber || !m.awaitingAnswer) throw new Error('no subscriber offer is waiting for an answer');
    await m.subscriber.start({ jsep: answer });
    m.awaitingAnswer = false;
    if (m.dirty) this.sync(m);
  }

  /**
   * `userId`'s subscriber PC lost its path: Janus offers it again with new ICE credentials (after
   * any offer still waiting for its answer, and after a pending subscription change).
   */
  restartSubscriber(userId: string): void {
    const m = this.members.get(userId);
    if (!m?.subscriber || m.left || this.destroyed) return;
    m.restart = true;
    this.sync(m);
  }

  /**
   * Simulcast: which layer of `of`'s video `userId` receives (0 lowest .. 2 highest; Janus falls back
   * to a lower one that carries packets). False when `userId` does not receive `of`'s video (yet).
   */
  async setSubstream(userId: string, of: string, substream: number): Promise<boolean> {
    const m = this.members.get(userId);
    const mid = m?.streams.find((s) => s.userId === of && s.kind === 'video')?.mid;
    if (!m?.subscriber || m.left || mid === undefined) return false;
    await m.subscriber.configure({ streams: [{ mid, substream }] });
    return true;
  }

  /** A browser ICE candidate (null: end of candidates) for `userId`'s publisher or subscriber PC. */
  async trickle(userId: string, pc: 'pub' | 'sub', candidate: TrickleCandidate | null): Promise<void> {
    const m = this.members.get(userId);
    const handle = pc === 'pub' ? m?.publisher : m?.subscriber;
    if (!handle) return; // candidates that outrun their offer are not needed: Janus learns peer-reflexive ones
    await handle.trickle(candidate && candidate.candidate ? candidate : null);
  }

  /** Members that publish, with their feed ids. */
  publishers(): { userId: string; feed: number }[] {
    return [...this.members.values()].filter((m) => m.publishing && !m.left).map((m) => ({ userId: m.userId, feed: m.feed }));
  }

  /** `userId` left the call: detach its handles, and drop its streams from everyone else's subscription. */
  async leave(userId: string): Promise<void> {
    const m = this.members.get(userId);
    if (!m || m.left) return;
    m.left = true;
    m.publishing = false;
    await Promise.allSettled([m.publisher?.detach(), m.subscriber?.detach()]);
    for (const other of this.members.values()) if (!other.left) this.sync(other);
  }

  /** Destroys the room and every handle (the call ended). */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    const handles = [...this.members.values()].flatMap((m) => [m.publisher, m.subscriber]);
    await Promise.allSettled(handles.map((h) => h?.detach()));
    await this.control.destroy({ room: this.room, secret: this.secret }).catch(() => undefined);
    await this.control.detach().catch(() => undefined);
  }

  /** Brings `m`'s subscription in line with who publishes now (one change at a time per member). */
  private sync(m: Member): void {
    m.dirty = true;
    if (m.syncing || m.awaitingAnswer) return;
    m.syncing = this.runSync(m)
      .catch((err: Error) => this.events.onError?.(m.userId, err))
      .finally(() => {
        m.syncing = null;
        if (m.dirty && !m.awaitingAnswer && !m.left && !this.destroyed) this.sync(m);
      });
  }

  private async runSync(m: Member): Promise<void> {
    m.dirty = false;
    if (m.left || this.destroyed) return;
    const wanted = new Set([...this.members.values()].filter((o) => o !== m && o.publishing && !o.left).map((o) => o.feed));
    const subscribe = [...wanted].filter((f) => !m.subscribed.has(f)).map((feed) => ({ feed }));
    const unsubscribe = [...m.subscribed].filter((f) => !wanted.has(f)).map((feed) => ({ feed }));
    let result: { jsep?: Jsep; streams?: SubscriberStream[] };
    if (subscribe.length === 0 && unsubscribe.length === 0) {
      if (!m.restart || !m.subscriber) return;
      m.restart = false;
      result = await m.subscriber.configure({ restart: true });
      if (!result.jsep) return;
      m.awaitingAnswer = true;
      this.events.onSubscriberOffer(m.userId, result.jsep, result.streams ? this.streamsOf(result.streams) : m.streams);
      return;
    }
    // A restart still wanted after this change: done once the browser answered this offer.
    if (m.restart) m.dirty = true;
    if (!m.subscriber) {
      if (subscribe.length === 0) return;
      const handle = await this.session.attach(VideoRoomPlugin);
      try {
        result = await handle.joinSubscriber({ room: this.room, streams: subscribe, autoupdate: false, use_msid: true });
      } catch (err) {
        await handle.detach().catch(() => undefined);
        throw err;
      }
      m.subscriber = handle;
    } else {
      // Janus refuses an empty list ("430 Empty unsubscription list"): send only what changes.
      result = await m.subscriber.update({
        ...(subscribe.length ? { subscribe } : {}),
        ...(unsubscribe.length ? { unsubscribe } : {}),
      });
    }
    m.subscribed = wanted;
    if (!result.jsep) return;
    m.awaitingAnswer = true;
    m.streams = this.streamsOf(result.streams ?? []);
    this.events.onSubscriberOffer(m.userId, result.jsep, m.streams);
  }

  private streamsOf(streams: SubscriberStream[]): SfuStream[] {
    const byFeed = new Map([...this.members.values()].map((m) => [m.feed, m.userId]));
    const out: SfuStream[] = [];
    for (const s of streams) {
      const userId = s.feed_id !== undefined ? byFeed.get(s.feed_id) : undefined;
      if ((s.type === 'audio' || s.type === 'video') && userId && s.active !== false) out.push({ mid: s.mid, kind: s.type, userId });
    }
    return out;
  }
}

export class JanusSfu {
  private closedListeners: ((why: string) => void)[] = [];
  private closed = false;

  private constructor(
    private readonly connection: JanodeConnection,
    private readonly session: JanodeSession,
  ) {
    const gone = (why: string) => {
      if (this.closed) return;
      this.closed = true;
      for (const listener of this.closedListeners) listener(why);
    };
    connection.on(Janode.EVENT.CONNECTION_CLOSED, () => gone('janus connection closed'));
    connection.on(Janode.EVENT.CONNECTION_ERROR, (err: Error) => gone(`janus connection error: ${err.message}`));
    session.on(Janode.EVENT.SESSION_DESTROYED, () => gone('janus session destroyed'));
  }

  /** Connects to Janus's WebSocket API (`ws://127.0.0.1:8188`). */
  static async connect(url: string): Promise<JanusSfu> {
    Janode.Logger.setLevel('none');
    const connection = await Janode.connect({ address: { url }, retry_time_secs: 1, max_retries: 1 });
    try {
      const session = await connection.create(15);
      return new JanusSfu(connection, session);
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Called once when Janus goes away. */
  onClosed(listener: (why: string) => void): void {
    this.closedListeners.push(listener);
  }

  /** A new private VideoRoom (up to 9 publishers, VP8, no joining notices). */
  async createRoom(events: SfuRoomEvents, options: { bitrate?: number } = {}): Promise<SfuRoom> {
    const control = await this.session.attach(VideoRoomPlugin);
    const secret = randomBytes(18).toString('base64url');
    try {
      const { room } = await control.create({
        room: randomInt(1, 2 ** 31),
        is_private: true,
        secret,
        max_publishers: 9,
        bitrate: options.bitrate ?? 512_000,
        fir_freq: 5,
        audiocodec: 'opus',
        videocodec: 'vp8',
        notify_joining: false,
        permanent: false,
      });
      return new SfuRoom(this.session, control, room, secret, events);
    } catch (err) {
      await control.detach().catch(() => undefined);
      throw err;
    }
  }

  /** Whether Janus has the VideoRoom `room` (tests, operators). */
  async roomExists(room: number): Promise<boolean> {
    const control = await this.session.attach(VideoRoomPlugin);
    try {
      return (await control.exists({ room })).exists;
    } finally {
      await control.detach().catch(() => undefined);
    }
  }

  /** Destroys a room another session created (a previous cluster leader's), given its secret. */
  async destroyRoom(room: number, secret: string): Promise<void> {
    const control = await this.session.attach(VideoRoomPlugin);
    try {
      await control.destroy({ room, secret });
    } finally {
      await control.detach().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.session.destroy().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}
