import { html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { DeviceKind } from '../../src/constants.js';
import { canRouteAudio, realDevices, SYSTEM_DEFAULT, systemDefaultLabel } from '../../src/util/output-devices.js';
import { StoreElement } from '../../src/elements/store-element.js';
import type { DeviceInfo } from '../../src/engine/types.js';
import { DeviceRequestEvent } from '../../src/events/requests.js';
import { styles } from './device-picker.styles.js';

const KINDS: readonly DeviceKind[] = ['camera', 'microphone', 'speaker'];

export { SYSTEM_DEFAULT };

/** Output choice needs `HTMLMediaElement.setSinkId` (not in Firefox before 116 nor in Safari). */
export const canChooseOutput = canRouteAudio;

/**
 * Camera, microphone and speaker choice, as native `<select>`s, listing the store's `devices`
 * (the engine keeps them true: it reads them at login, on every `devicechange` and when camera or
 * microphone permission changes, since labels appear once the user granted access). Each list
 * starts with an explicit "System default" entry (naming the system's device where the browser
 * tells it). The speaker list is hidden where the browser cannot route audio (`setSinkId`
 * unsupported) or lists no output device (Firefox, until `selectAudioOutput()`).
 *
 * Choosing dispatches `ck-device-request` (`{ kind, deviceId }`); `<call-kit>` switches the device
 * with `callKit.switchDevice`. The "System default" entry requests `'default'` for the microphone
 * and speaker, and the first camera for the camera.
 *
 * @summary Device choice: camera, microphone, speaker.
 *
 * @event ck-device-request - `DeviceRequestEvent`, `{ kind: 'camera' | 'microphone' | 'speaker', deviceId }`.
 *
 * @csspart base - The fieldset around the lists.
 * @csspart field - Each label + list pair (also `field-camera`, `field-microphone`, `field-speaker`).
 * @csspart label - Each list's label.
 * @csspart select - Each `<select>` (also `select-camera`, ...).
 *
 * @cssproperty --ck-device-picker-color - Text colour.
 * @cssproperty --ck-device-picker-background - Lists' background.
 * @cssproperty --ck-device-picker-border-color - Lists' border colour.
 * @cssproperty --ck-device-picker-radius - Lists' corner radius.
 */
export class DevicePicker extends StoreElement {
  static override styles = styles;

  /** Which lists to show, space-separated (default all three). */
  @property({
    converter: {
      fromAttribute: (v: string | null) => (v ?? '').split(/\s+/).filter((k): k is DeviceKind => (KINDS as string[]).includes(k)),
    },
  })
  kinds: DeviceKind[] = [...KINDS];

  /** The chosen deviceId per kind (`'default'` or absent: the system default). Updated when the user chooses. */
  @property({ attribute: false }) selected: Partial<Record<DeviceKind, string>> = {};

  readonly #storeDevices = this.select((s) => s.devices);

  #devices(kind: DeviceKind): DeviceInfo[] {
    return this.#storeDevices.value.filter((d) => d.kind === kind);
  }

  #choose(kind: DeviceKind, value: string): void {
    this.selected = { ...this.selected, [kind]: value };
    const real = realDevices(this.#devices(kind));
    const deviceId = value === SYSTEM_DEFAULT && kind === 'camera' ? (real[0]?.deviceId ?? SYSTEM_DEFAULT) : value;
    this.dispatchEvent(new DeviceRequestEvent({ kind, deviceId }));
  }

  #renderField(kind: DeviceKind) {
    const { t } = this.localize;
    const all = this.#devices(kind);
    // Chromium names its default entry "Default - <device>": show the device.
    const systemLabel = systemDefaultLabel(all);
    const real = realDevices(all);
    const chosen = this.selected[kind] ?? SYSTEM_DEFAULT;
    const label = t(kind);
    return html`<div part="field field-${kind}">
      <label part="label" for="select-${kind}">${label}</label>
      <select id="select-${kind}" part="select select-${kind}" @change=${(e: Event) => this.#choose(kind, (e.target as HTMLSelectElement).value)}>
        <option value=${SYSTEM_DEFAULT} ?selected=${chosen === SYSTEM_DEFAULT}>
          ${systemLabel ? t('device-default-named', { label: systemLabel }) : t('device-default')}
        </option>
        ${real.map(
          (d, i) =>
            html`<option value=${d.deviceId} ?selected=${chosen === d.deviceId}>${d.label || t('device-unnamed', { n: i + 1 })}</option>`,
        )}
      </select>
    </div>`;
  }

  override render() {
    // No speaker list when output cannot be routed (no setSinkId) or the browser lists no output
    // device at all (Firefox, until selectAudioOutput()): it could only say "System default".
    const kinds = this.kinds.filter((k) => k !== 'speaker' || (canChooseOutput() && this.#devices('speaker').length > 0));
    const rtl = this.localize.dir === 'rtl' ? 'rtl' : undefined;
    if (!kinds.length) return nothing;
    return html`<fieldset part="base" lang=${this.localize.lang} dir=${ifDefined(rtl)}>
      <legend class="visually-hidden">${this.localize.t('devices')}</legend>
      ${kinds.map((k) => this.#renderField(k))}
    </fieldset>`;
  }
}
