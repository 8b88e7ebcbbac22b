import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { DeviceKind } from '../../src/constants.js';
import type { DeviceInfo } from '../../src/engine/types.js';
import { StoreElement } from '../../src/elements/store-element.js';
import { DeviceRequestEvent } from '../../src/events/requests.js';
import { icons } from '../../src/icons.js';
import {
  capture,
  captureFailure,
  listDevices,
  permissionStatus,
  stopStream,
  TestTone,
  type CaptureFailure,
} from '../../src/media/device-probe.js';
import { VolumeMeter } from '../../src/media/volume-meter.js';
import { initialState } from '../../src/store/store.js';
import type { CallState, ReadonlyStore } from '../../src/store/types.js';
import { DevicePicker } from '../device-picker/device-picker.js';
import { registerDeviceCheckTexts } from './device-check.messages.js';
import { styles } from './device-check.styles.js';

/**
 * Where the check stands: `idle` (not started), `prompt` (the browser will ask: the user starts it),
 * `starting` (capture asked for), `live` (preview and level running), or why it failed.
 */
export type DeviceCheckPhase = 'idle' | 'prompt' | 'starting' | 'live' | CaptureFailure;

const ALL_KINDS: DeviceKind[] = ['camera', 'microphone', 'speaker'];
const AUDIO_KINDS: DeviceKind[] = ['microphone', 'speaker'];

const FAILURE_TEXT = {
  denied: 'device-check-denied',
  missing: 'device-check-missing',
  busy: 'device-check-busy',
  unsupported: 'device-check-busy',
} as const;

/** The close event of `<device-check>` (its Done button): the host hides it; the check has stopped. */
export class DeviceCheckCloseEvent extends Event {
  static readonly eventName = 'ck-device-check-close';
  constructor() {
    super(DeviceCheckCloseEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * A device check, before a call or during one: the camera's preview (with a toggle), the
 * microphone's live level, a test sound on the chosen speaker (`setSinkId` where the browser has
 * it; a generated tone, nothing downloaded), and the device lists (`<device-picker>`: choosing
 * switches the preview, and the request bubbles on, so inside `<call-kit>` the call uses it too).
 *
 * Permissions: when the browser has already granted camera and microphone the check starts by
 * itself; otherwise it explains why it needs them and waits for the user's click (the browser then
 * asks). When they are blocked it says how to allow them in the browser's site settings and offers
 * "Try again".
 *
 * It captures on its own (the browser shares a device with the call's capture) and stops every
 * track, the level meter and the test sound when it is closed (Done, `stop()`) or removed.
 *
 * @summary Camera preview, microphone level, speaker test and device choice.
 *
 * @event ck-device-request - `DeviceRequestEvent`, `{ kind, deviceId }`: from the inner `<device-picker>`.
 * @event ck-device-check-close - `DeviceCheckCloseEvent`: the Done button (the check has stopped).
 *
 * @csspart base - The check.
 * @csspart title - Its heading.
 * @csspart preview - The camera preview's frame.
 * @csspart video - The preview `<video>` (mirrored).
 * @csspart message - The explanation while it waits for permission or failed.
 * @csspart help - How to allow the devices in the browser (when blocked).
 * @csspart button - Every button (also named below).
 * @csspart start - "Allow camera and microphone".
 * @csspart retry - "Try again".
 * @csspart camera-toggle - The camera preview toggle (`aria-pressed`).
 * @csspart meter - The microphone level (`role="meter"`).
 * @csspart meter-bar - Its bar.
 * @csspart tone - The test sound toggle (`aria-pressed`).
 * @csspart done - The Done button.
 * @csspart picker - The `<device-picker>` (its parts as `picker-select`, `picker-label`).
 *
 * @cssproperty --ck-device-check-background - Background (default `--ck-color-surface`).
 * @cssproperty --ck-device-check-color - Text colour (default `--ck-color-text`).
 * @cssproperty --ck-device-check-radius - Corner radius (default `--ck-radius`, 12px).
 * @cssproperty --ck-device-check-preview-background - Preview background without video.
 * @cssproperty --ck-device-check-meter-color - The level bar's colour.
 * @cssproperty --ck-device-check-button-background - Buttons' background.
 *
 * @cssstate live - Preview and level are running.
 * @cssstate denied - Camera or microphone blocked by the browser.
 */
export class DeviceCheck extends StoreElement {
  static override styles = styles;
  static readonly dependencies = { 'device-picker': DevicePicker };

  /** Check the microphone and speaker only (no camera preview). */
  @property({ type: Boolean, attribute: 'audio-only' }) audioOnly = false;

  /** Hide the Done button (the host closes the check itself). */
  @property({ type: Boolean, attribute: 'no-done' }) noDone = false;

  @state() private phase: DeviceCheckPhase = 'idle';
  @state() private cameraOn = true;
  @state() private level = 0;
  @state() private tonePlaying = false;
  @state() private toneFailed = false;
  @state() private devices: DeviceInfo[] = [];
  @state() private chosen: Partial<Record<DeviceKind, string>> = {};

  #stream: MediaStream | null = null;
  #meter = new VolumeMeter();
  #tone = new TestTone();
  #frame = 0;
  /** Bumped by each start/stop: a capture that resolves after a newer one (or a stop) is dropped. */
  #generation = 0;
  #pickerListeners = new Set<(s: CallState, p: CallState) => void>();
  #pickerStore: ReadonlyStore = {
    getState: () => this.#pickerState(),
    subscribe: (listener) => {
      this.#pickerListeners.add(listener);
      return () => this.#pickerListeners.delete(listener);
    },
  };
  #pickerSnapshot: CallState | null = null;

  /** The stream being previewed (null when stopped): tests and hosts can check it. */
  get stream(): MediaStream | null {
    return this.#stream;
  }

  /** Where the check stands. */
  get status(): DeviceCheckPhase {
    return this.phase;
  }

  constructor() {
    super();
    registerDeviceCheckTexts();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#begin();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.toggleState('live', this.phase === 'live');
    this.toggleState('denied', this.phase === 'denied');
    const video = this.renderRoot.querySelector('video');
    if (video && video.srcObject !== this.#stream) video.srcObject = this.#stream;
  }

  /** Starts now when the browser already allows both devices; otherwise waits for the user's click. */
  async #begin(): Promise<void> {
    const generation = this.#generation;
    const [camera, microphone] = await Promise.all([
      this.audioOnly ? 'granted' : permissionStatus('camera'),
      permissionStatus('microphone'),
    ]);
    if (generation !== this.#generation || !this.isConnected) return;
    if (camera === 'denied' || microphone === 'denied') this.phase = 'denied';
    else if (camera === 'granted' && microphone === 'granted') await this.start();
    else this.phase = 'prompt';
  }

  /** Captures camera (unless off or `audio-only`) and microphone and starts the preview and level. */
  async start(): Promise<void> {
    const generation = ++this.#generation;
    this.#release();
    this.phase = 'starting';
    let stream: MediaStream;
    try {
      stream = await capture({
        camera: !this.audioOnly && this.cameraOn,
        microphone: true,
        cameraId: this.chosen.camera,
        microphoneId: this.chosen.microphone,
      });
    } catch (error) {
      if (generation === this.#generation) this.phase = captureFailure(error);
      return;
    }
    if (generation !== this.#generation || !this.isConnected) {
      stopStream(stream);
      return;
    }
    this.#stream = stream;
    this.#meter.set('microphone', stream.getAudioTracks()[0] ?? null);
    this.phase = 'live';
    this.#loop();
    // Labels appear once access is granted.
    const devices = await listDevices().catch(() => []);
    if (generation !== this.#generation) return;
    this.devices = devices;
    this.#notifyPicker();
  }

  /** Stops every track, the level meter and the test sound. */
  stop(): void {
    this.#generation++;
    this.#release();
    this.#tone.stop();
    void this.#meter.close();
    this.tonePlaying = false;
    if (this.phase === 'live' || this.phase === 'starting') this.phase = 'idle';
  }

  #release(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#meter.set('microphone', null);
    stopStream(this.#stream);
    this.#stream = null;
    this.level = 0;
  }

  #loop(): void {
    const tick = () => {
      // Steps of 5: a re-render only when the bar visibly moves.
      const next = Math.round((this.#meter.read().microphone ?? 0) / 5) * 5;
      if (next !== this.level) this.level = next;
      this.#frame = requestAnimationFrame(tick);
    };
    this.#frame = requestAnimationFrame(tick);
  }

  #toggleCamera(): void {
    this.cameraOn = !this.cameraOn;
    void this.start();
  }

  async #toggleTone(): Promise<void> {
    if (this.tonePlaying) {
      this.#tone.stop();
      return;
    }
    this.toneFailed = false;
    this.tonePlaying = true;
    try {
      await this.#tone.play(this.chosen.speaker ?? this.#storeSpeaker());
    } catch {
      this.toneFailed = true;
    } finally {
      this.tonePlaying = false;
    }
  }

  /** The call's output (`callKit.switchDevice` for the speaker) when none was chosen here. */
  #storeSpeaker(): string | undefined {
    return this.resolvedStore?.getState().settings.speakerDeviceId || undefined;
  }

  #onDeviceRequest = (event: Event) => {
    const { kind, deviceId } = (event as DeviceRequestEvent).detail;
    this.chosen = { ...this.chosen, [kind]: deviceId };
    if (kind !== 'speaker' && this.phase === 'live') void this.start();
  };

  #done(): void {
    this.stop();
    this.dispatchEvent(new DeviceCheckCloseEvent());
  }

  /** The picker's state: the kit's (language, theme), with the devices this check listed. */
  #pickerState(): CallState {
    const base = this.resolvedStore?.getState() ?? initialState();
    if (!this.#pickerSnapshot || this.#pickerSnapshot.devices !== this.devices || this.#pickerSnapshot.settings !== base.settings) {
      this.#pickerSnapshot = { ...base, devices: this.devices.length ? this.devices : base.devices };
    }
    return this.#pickerSnapshot;
  }

  #notifyPicker(): void {
    const previous = this.#pickerSnapshot ?? this.#pickerState();
    const next = this.#pickerState();
    for (const listener of this.#pickerListeners) listener(next, previous);
  }

  #renderWaiting() {
    const { t } = this.localize;
    const phase = this.phase;
    if (phase === 'prompt' || phase === 'idle') {
      return html`<p part="message" id="message">${t('device-check-prompt')}</p>
        <button type="button" part="button start" @click=${() => void this.start()}>${t('device-check-start')}</button>`;
    }
    if (phase === 'starting') return html`<p part="message" id="message" role="status">${t('connecting')}</p>`;
    return html`<div role="alert">
        <p part="message" id="message">${t(FAILURE_TEXT[phase as CaptureFailure])}</p>
        ${phase === 'denied' ? html`<p part="help">${t('device-check-denied-help')}</p>` : nothing}
      </div>
      <button type="button" part="button retry" @click=${() => void this.start()}>${t('device-check-retry')}</button>`;
  }

  #renderLive() {
    const { t } = this.localize;
    return html`${
      this.audioOnly
        ? nothing
        : html`<div part="preview" class="preview">
            ${
              this.cameraOn
                ? html`<video part="video" aria-label=${t('device-check-preview')} autoplay muted playsinline .muted=${true}></video>`
                : html`<span class="camera-off" aria-hidden="true">${icons.cameraOff}</span>`
            }
            <button
              type="button"
              part="button camera-toggle"
              class="round"
              aria-label=${t('device-check-camera-toggle')}
              aria-pressed=${this.cameraOn ? 'true' : 'false'}
              @click=${() => this.#toggleCamera()}
            >
              ${this.cameraOn ? icons.camera : icons.cameraOff}
            </button>
          </div>`
    }
      <div class="row">
        <span id="meter-label">${t('device-check-mic-level')}</span>
        <div
          part="meter"
          class="meter"
          role="meter"
          aria-labelledby="meter-label"
          aria-describedby="meter-hint"
          aria-valuemin="0"
          aria-valuemax="100"
          aria-valuenow=${this.level}
        >
          <span part="meter-bar" class="bar" style="inline-size: ${this.level}%"></span>
        </div>
        <p id="meter-hint" class="hint">${t('device-check-mic-hint')}</p>
      </div>
      <div class="row">
        <button type="button" part="button tone" aria-pressed=${this.tonePlaying ? 'true' : 'false'} @click=${() => void this.#toggleTone()}>
          ${icons.speaker}<span>${t(this.tonePlaying ? 'device-check-stop-tone' : 'device-check-play-tone')}</span>
        </button>
        ${this.toneFailed ? html`<p part="message" role="alert">${t('device-check-tone-failed')}</p>` : nothing}
      </div>
      <device-picker
        part="picker"
        exportparts="select: picker-select, label: picker-label"
        .kinds=${this.audioOnly ? AUDIO_KINDS : ALL_KINDS}
        .selected=${this.chosen}
        .store=${this.#pickerStore}
        @ck-device-request=${this.#onDeviceRequest}
      ></device-picker>`;
  }

  override render() {
    const { t } = this.localize;
    const rtl = this.localize.dir === 'rtl' ? 'rtl' : undefined;
    return html`<section part="base" aria-labelledby="title" lang=${this.localize.lang} dir=${ifDefined(rtl)}>
      <h2 part="title" id="title">${t('device-check')}</h2>
      ${this.phase === 'live' ? this.#renderLive() : this.#renderWaiting()}
      ${this.noDone ? nothing : html`<button type="button" part="button done" @click=${() => this.#done()}>${t('device-check-done')}</button>`}
    </section>`;
  }
}
