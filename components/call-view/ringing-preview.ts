import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { AcceptRequestEvent } from '../../src/events/requests.js';
import { icons } from '../../src/icons.js';
import { capture, stopStream } from '../../src/media/device-probe.js';

/**
 * The preview as a row of a compact host (`<incoming-banner>`, whose flex row wraps): the host adopts
 * these when it loads this module, so they stay out of the page's initial bundle.
 */
export const compactPreviewStyles = css`
  .ringing-preview {
    position: relative;
    flex: 1 1 100%;
    display: grid;
    place-items: center;
    block-size: 132px;
    border-radius: 8px;
    overflow: hidden;
    background: #1f2329;
    color: #fff;
  }
  .ringing-preview video {
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
    transform: scaleX(-1);
  }
  .ringing-preview button {
    position: absolute;
    inset: auto 8px 8px auto;
    display: grid;
    place-items: center;
    inline-size: var(--_round-size, 44px);
    block-size: var(--_round-size, 44px);
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: rgb(0 0 0 / 0.55);
    cursor: pointer;
  }
  .ringing-preview button[aria-pressed='false'] {
    color: #1f2329;
    background: #fff;
  }
`;

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: HTMLElement | DocumentFragment };

/**
 * The callee's own camera while a video call rings (issue 17 item 2b): a preview and a toggle
 * ("Answer with camera on", `aria-pressed`), so the user sees themselves before answering and can
 * answer with the camera off. The preview is a capture of its own (camera only), stopped as soon
 * as the call stops ringing, the toggle goes off, the user answers, or the view leaves the page.
 *
 * Accepting while it rings with the toggle changed re-sends the accept request with `camera` set to
 * the toggle's state (`AcceptRequestEvent.detail.camera`; `<call-kit>` passes it to `callKit.accept`).
 *
 * `<incoming-banner>` uses it too, from `call-view.js` loaded with `import()` when a video call first rings there (the
 * banner is in the page's initial bundle; this module and `device-probe` are not), and asks
 * `answer()` for the `camera` of its own accept request.
 */
export class RingingPreview implements ReactiveController {
  /** Answer with the camera on (the toggle). Reset from the camera default each time a call rings. */
  on = true;
  #ringing = false;
  #stream: MediaStream | null = null;
  /** Bumped on every stop: a capture that resolves later is dropped. */
  #generation = 0;
  #pending = false;

  constructor(
    private readonly host: Host,
    /** `settings.cameraDefaultOn` of the store now. */
    private readonly cameraDefault: () => boolean,
  ) {
    host.addController(this);
  }

  /** The preview's stream (null when not previewing). */
  get stream(): MediaStream | null {
    return this.#stream;
  }

  hostDisconnected(): void {
    this.#stop();
  }

  /** Before each host render: whether a video call rings for this user now. */
  prepare(ringingVideo: boolean): void {
    if (ringingVideo && !this.#ringing) this.on = this.cameraDefault();
    this.#ringing = ringingVideo;
  }

  /** After each host update: starts or stops the capture and attaches it. */
  sync(): void {
    const want = this.#ringing && this.on && this.host.isConnected;
    if (!want) this.#stop();
    else if (!this.#stream && !this.#pending) void this.#start();
    const video = this.host.renderRoot.querySelector<HTMLVideoElement>('[part~=ringing-preview] video');
    if (video && video.srcObject !== this.#stream) video.srcObject = this.#stream;
  }

  async #start(): Promise<void> {
    const generation = this.#generation;
    this.#pending = true;
    try {
      const stream = await capture({ camera: true, microphone: false });
      if (generation !== this.#generation) stopStream(stream);
      else this.#stream = stream;
    } catch {
      // No preview (blocked, no camera): the toggle still decides how to answer.
    } finally {
      if (generation === this.#generation) this.#pending = false;
    }
    this.host.requestUpdate();
  }

  #stop(): void {
    this.#generation++;
    this.#pending = false;
    if (!this.#stream) return;
    stopStream(this.#stream);
    this.#stream = null;
    this.host.requestUpdate();
  }

  toggle(): void {
    this.on = !this.on;
    this.host.requestUpdate();
  }

  /**
   * The user answers (the preview stops at once): the `camera` the accept request must carry, or
   * undefined when nothing rings here, the answer is a voice one, or the toggle is at the camera default.
   */
  answer(audioOnly: boolean): boolean | undefined {
    if (!this.#ringing) return undefined;
    this.#stop();
    return audioOnly || this.on === this.cameraDefault() ? undefined : this.on;
  }

  /**
   * A `ck-accept-request` from the buttons while it rings: answered as a video call with the toggle
   * changed from the camera default, it goes on with `camera` set from the toggle (a new event from
   * the host); the preview stops at once.
   */
  onAccept = (event: Event): void => {
    if (!(event instanceof AcceptRequestEvent)) return;
    const { detail } = event;
    const camera = this.answer(detail.audioOnly);
    // Unchanged from the camera default (or already decided): the request goes on as it is.
    if (camera === undefined || detail.camera !== undefined) return;
    event.stopPropagation();
    this.host.dispatchEvent(new AcceptRequestEvent({ ...detail, camera }));
  };

  /** The preview and its toggle (nothing unless a video call rings). */
  render(t: (key: string) => string) {
    if (!this.#ringing) return nothing;
    const label = t('ringing-camera-toggle');
    return html`<div part="ringing-preview" class="ringing-preview">
      ${
        this.on && this.#stream
          ? html`<video aria-label=${t('ringing-preview')} autoplay muted playsinline .muted=${true}></video>`
          : html`<span class="camera-off" aria-hidden="true">${icons.cameraOff}</span>`
      }
      <button
        type="button"
        part="ringing-camera-toggle"
        aria-label=${label}
        title=${label}
        aria-pressed=${this.on ? 'true' : 'false'}
        @click=${() => this.toggle()}
      >
        ${this.on ? icons.camera : icons.cameraOff}
      </button>
    </div>`;
  }
}
