import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { POOR_NETWORK_QUALITY, type VideoDisplayMode } from '../../src/constants.js';
import { cssImageUrl } from '../../src/util/safe-url.js';
import { StoreElement } from '../../src/elements/store-element.js';
import { TrackMuteController } from '../../src/elements/track-mute-controller.js';
import { styleProps } from '../../src/elements/style-props.js';
import { icons } from '../../src/icons.js';
import type { CallState, MemberView } from '../../src/store/types.js';
import { CallAvatar } from '../call-avatar/call-avatar.js';
import { styles } from './participant-tile.styles.js';

function findMember(state: CallState, userId: string): MemberView | null {
  if (!userId) return null;
  if (state.self.userId === userId) return state.self;
  return state.members.find((m) => m.userId === userId) ?? null;
}

/**
 * The background image of a member's tile while their camera is off: `setLocalViewBackgroundImage`
 * for the local user, else `setRemoteViewBackgroundImage(userId)`, else the `'*'` one.
 */
function backgroundOf(state: CallState, userId: string): string {
  const { viewBackgrounds } = state.settings;
  if (!userId) return '';
  if (userId === state.self.userId) return viewBackgrounds.local ?? '';
  return viewBackgrounds[`remote:${userId}`] ?? viewBackgrounds['remote:*'] ?? '';
}

/** Video tracks whose first frame was decoded (a tile shown again shows the picture at once). */
const decoded = new WeakSet<MediaStreamTrack>();

/** The video track of a stream, if any. */
const videoTrackOf = (stream: MediaStream | null): MediaStreamTrack | null => stream?.getVideoTracks()[0] ?? null;

/**
 * One member of a call: their video when it is on, else their avatar (or initial) over the view
 * background image set with `setLocalViewBackgroundImage` / `setRemoteViewBackgroundImage`, and
 * their name, with muted-microphone and poor-network indicators and a speaking ring. A remote
 * member's audio plays through the tile's `<video>` unless the speaker is muted; the local
 * member's media is always muted.
 *
 * The `<video>` stays the same element for as long as the tile shows the member (the whole call):
 * camera off, media not arrived yet, or a video track muted for 1.5 s or more
 * (`:state(video-stalled)`) show the avatar over it, the video kept playing (audio) but hidden. A
 * shorter mute (a CPU or network hiccup) changes nothing on screen.
 *
 * Until the first frame of the member's video is decoded (`requestVideoFrameCallback`, else
 * `loadeddata`), the tile keeps their avatar, gently pulsing (`:state(video-connecting)`), instead
 * of a black picture.
 *
 * The member is the `member` property, or the member with `user-id` in the store (re-rendered only
 * when that member's object changes, so other members' volume ticks do not re-render this tile).
 *
 * @summary A call member's video or avatar, name and microphone state; plays their audio.
 *
 * @csspart base - The tile's wrapper (a labelled group).
 * @csspart video - The `<video>` playing the member's stream (always there; hidden while the avatar shows).
 * @csspart avatar - The member's avatar (`<call-avatar>`: image, or initial).
 * @csspart avatar-image - The avatar image.
 * @csspart avatar-initial - The initial, shown without a (working) image.
 * @csspart name - The member's name.
 * @csspart status - The microphone-off indicator, or "calling" while the member has not answered.
 * @csspart network - The poor-network indicator (network quality 4 or worse).
 * @csspart reconnecting - "Reconnecting…", shown while the media connection to the member is interrupted.
 * @csspart volume - A level meter of the member's voice (while their microphone is on; decorative).
 *
 * @cssproperty --ck-participant-tile-background - Tile background (default `--ck-color-stage`).
 * @cssproperty --ck-participant-tile-color - Text colour (default `--ck-color-on-stage`).
 * @cssproperty --ck-participant-tile-radius - Corner radius (default `--ck-radius`, 12px).
 * @cssproperty --ck-participant-tile-avatar-size - Avatar size (default 72px).
 * @cssproperty --ck-participant-tile-avatar-radius - Avatar corner radius (default 50%).
 * @cssproperty --ck-participant-tile-avatar-background - Background of the initial (default `--ck-color-accent`).
 * @cssproperty --ck-participant-tile-avatar-color - Colour of the initial (default white).
 * @cssproperty --ck-participant-tile-speaking-color - Ring shown while speaking (default `--ck-color-accept`).
 * @cssproperty --ck-participant-tile-muted-color - Microphone-off icon colour (default `--ck-color-hangup`).
 * @cssproperty --ck-participant-tile-label-background - Name label background over video.
 * @cssproperty --ck-participant-tile-font-size - Name label font size.
 * @cssproperty --ck-participant-tile-self-transform - Transform of the local video (default `scaleX(-1)`, a mirror).
 *
 * @cssproperty --ck-participant-tile-network-color - Colour of the poor-network indicator.
 * @cssproperty --ck-participant-tile-volume-color - Colour of the voice level meter (default the speaking colour).
 *
 * @cssstate poor-network - The member's network quality is poor (4 or worse).
 * @cssstate reconnecting - The media connection to the member is interrupted and being recovered.
 * @cssstate speaking - The member's volume is above `speaking-threshold`.
 * @cssstate video - The member's video is shown (its first frame was decoded).
 * @cssstate video-connecting - The member's video is on, its first frame not decoded yet: the avatar shows.
 * @cssstate video-stalled - The member's video track has been muted for 1.5 s or more: the avatar shows until it unmutes.
 * @cssstate muted - The member has joined and their microphone is off.
 * @cssstate self - The tile shows the local user.
 */
export class ParticipantTile extends StoreElement {
  static override styles = styles;
  static readonly dependencies = { 'call-avatar': CallAvatar };

  /** The member to show (wins over `user-id`). */
  @property({ attribute: false }) member: MemberView | null = null;

  /** User id of the member to show from the store (self or a remote member), when `member` is not set. */
  @property({ attribute: 'user-id' }) userId = '';

  /** How the video fills the tile; without it, the store's `settings.displayMode` (default `cover`). */
  @property({ attribute: 'display-mode', reflect: true }) displayMode: VideoDisplayMode | undefined;

  /** Do not play this member's audio (the store's `speakerMuted` mutes it too). */
  @property({ type: Boolean, attribute: 'speaker-muted', reflect: true }) speakerMuted = false;

  /** Volume (0-100) above which the member counts as speaking. */
  @property({ type: Number, attribute: 'speaking-threshold' }) speakingThreshold = 10;

  readonly #fromStore = this.select<MemberView | null>((s) => findMember(s, this.userId), Object.is, null);
  readonly #storeDisplayMode = this.select((s) => s.settings.displayMode);
  readonly #storeSpeakerMuted = this.select((s) => s.speakerMuted);
  readonly #speakerDeviceId = this.select((s) => s.settings.speakerDeviceId ?? '');
  readonly #background = this.select((s) => backgroundOf(s, this.userId || this.member?.userId || ''));

  /** A video track whose first frame was decoded since it was shown (re-renders the tile). */
  @state() private framed: MediaStreamTrack | null = null;
  /** The video track a first-frame watch is set up for. */
  #watching: MediaStreamTrack | null = null;

  /** The stream last given to the media element, kept while the member's tracks stay the same. */
  #shownStream: MediaStream | null = null;

  /** A brief mute of the video track keeps the picture; one of 1.5 s or more shows the avatar. */
  readonly #mute = new TrackMuteController(this, () => videoTrackOf(this.shownMember?.stream ?? null));

  /** The member shown: `member`, else the store's member with `user-id`. */
  get shownMember(): MemberView | null {
    return this.member ?? this.#fromStore.value;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('userId') && !changed.has('store') && !changed.has('callKit')) this.reselect();
  }

  protected override updated(): void {
    const m = this.shownMember;
    const media = this.renderRoot.querySelector<HTMLMediaElement>('video');
    // Only when it changes: setting srcObject (even to the same stream, which a template binding
    // does on every render) restarts the player: a black frame, the decoded-frame counter reset.
    if (media && media.srcObject !== this.#shownStream) media.srcObject = this.#shownStream;
    const video = this.#videoShown(m);
    const picture = video && this.#pictureShown(m);
    this.toggleState('self', m?.isSelf ?? false);
    const stalled = video && this.#mute.stalled;
    this.toggleState('video', picture);
    this.toggleState('video-stalled', stalled);
    this.toggleState('video-connecting', video && !picture && !stalled);
    if (video && !picture && !stalled) this.#watchFirstFrame(videoTrackOf(this.#shownStream));
    this.toggleState('muted', Boolean(m && this.#joined(m) && !m.audioAvailable));
    this.toggleState('speaking', Boolean(m && m.audioAvailable && m.volume > this.speakingThreshold));
    this.toggleState('poor-network', Boolean(m && m.networkQuality >= POOR_NETWORK_QUALITY));
    this.toggleState('reconnecting', Boolean(m && !m.isSelf && m.reconnecting));
    if (media && m && !m.isSelf) this.#applySink(media);
    if (media?.srcObject && media.paused) {
      // Autoplay can be refused before the user interacted with the page; the next render retries.
      media.play().catch(() => undefined);
    }
  }

  /**
   * Routes the member's audio to the chosen output (`switchDevice({ deviceType: 'speaker' })`)
   * where the browser can (`setSinkId`); elsewhere audio stays on the system default output.
   */
  #applySink(media: HTMLMediaElement): void {
    const sink = media as HTMLMediaElement & { sinkId?: string; setSinkId?: (id: string) => Promise<void> };
    const id = this.#speakerDeviceId.value;
    if (typeof sink.setSinkId !== 'function' || sink.sinkId === id) return;
    sink.setSinkId(id).catch(() => undefined);
  }

  /**
   * The stream to give the media element: the previous object while it carries the same tracks.
   * The engine hands out a new `MediaStream` for every local change (the caller's at connect, too);
   * re-assigning `srcObject` restarts the element's player, which flashes black and, in Chromium's
   * software compositor, could leave the picture-in-picture black until the next repaint.
   */
  #stable(next: MediaStream | null): MediaStream | null {
    const prev = this.#shownStream;
    if (next && prev && next !== prev) {
      const a = prev.getTracks();
      const b = next.getTracks();
      if (a.length === b.length && a.every((t) => b.includes(t))) return prev;
    }
    this.#shownStream = next;
    return next;
  }

  /** Whether the video's first frame was decoded and its track is not stalled (its picture can be shown). */
  #pictureShown(m: MemberView | null): boolean {
    const track = videoTrackOf(m ? this.#stable(m.stream) : null);
    return track !== null && (decoded.has(track) || this.framed === track) && !this.#mute.stalled;
  }

  /** Waits for the first decoded frame of `track` in the video element, then shows the picture. */
  #watchFirstFrame(track: MediaStreamTrack | null): void {
    const video = this.renderRoot.querySelector<HTMLVideoElement>('video');
    if (!track || !video || this.#watching === track) return;
    this.#watching = track;
    const done = () => {
      decoded.add(track);
      if (this.#watching === track) this.#watching = null;
      this.framed = track;
    };
    if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(done);
    else if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) done();
    else video.addEventListener('loadeddata', done, { once: true });
  }

  #joined(m: MemberView): boolean {
    return m.isSelf || m.status === 'accepted';
  }

  #videoShown(m: MemberView | null): boolean {
    return Boolean(m && m.videoAvailable && m.stream);
  }

  #renderAvatar(m: MemberView, name: string) {
    return html`<call-avatar part="avatar" exportparts="image: avatar-image, initial: avatar-initial" .src=${m.avatar} .name=${name}></call-avatar>`;
  }

  #renderNetwork(m: MemberView) {
    if (m.networkQuality < POOR_NETWORK_QUALITY) return nothing;
    return html`<span part="network" class="network" role="img" aria-label=${this.localize.t('network-poor-label')}>${icons.networkPoor}</span>`;
  }

  #renderStatus(m: MemberView) {
    if (this.#joined(m) && !m.audioAvailable) {
      return html`<span class="muted" role="img" aria-label=${this.localize.t('microphone-off')}>${icons.microphoneOff}</span>`;
    }
    if (!m.isSelf && m.status === 'ringing') return html`<span class="ringing">${this.localize.t('member-ringing')}</span>`;
    return nothing;
  }

  override render() {
    const m = this.shownMember;
    if (!m) return nothing;
    const name = m.name || m.userId;
    const label = m.isSelf ? this.localize.t('self-name', { name }) : name;
    const video = this.#videoShown(m);
    const speakerMuted = this.speakerMuted || this.#storeSpeakerMuted.value;
    const fit = this.displayMode ?? this.#storeDisplayMode.value;
    const rtl = this.localize.dir === 'rtl' ? 'rtl' : undefined;
    this.#stable(m.stream); // the stream updated() gives the <video>
    // Until the video's first frame is decoded, the avatar stays (over the view background).
    const picture = video && this.#pictureShown(m);
    const background = picture ? '' : cssImageUrl(this.#background.value);
    // One <video> for the whole call, never swapped for the avatar; its srcObject is set in updated().
    return html`<div
      part="base"
      role="group"
      aria-label=${label}
      lang=${this.localize.lang}
      dir=${ifDefined(rtl)}
      class=${background ? 'has-background' : ''}
      ${styleProps({ '--_background-image': background })}
    >
      <video
        part="video"
        autoplay
        playsinline
        .muted=${m.isSelf || speakerMuted}
        data-fit=${fit}
        class=${picture ? '' : video && !this.#mute.stalled ? 'pending' : 'off'}
      ></video>
      ${picture ? nothing : this.#renderAvatar(m, name)}
      ${
        !m.isSelf && m.reconnecting
          ? html`<span part="reconnecting" class="reconnecting" role="status">${this.localize.t('reconnecting')}</span>`
          : nothing
      }
      <div class="label">
        <span part="name">${label}</span>
        <span part="status">${this.#renderStatus(m)}</span>
        ${
          this.#joined(m) && m.audioAvailable
            ? html`<span part="volume" class="volume" aria-hidden="true" ${styleProps({ '--_level': String(Math.min(100, Math.max(0, m.volume)) / 100) })}></span>`
            : nothing
        }
        ${this.#renderNetwork(m)}
      </div>
    </div>`;
  }
}
