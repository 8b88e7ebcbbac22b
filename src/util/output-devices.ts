/**
 * Device lists as the user sees them, shared by `<device-picker>` and the speaker-output list of
 * `<feature-buttons>`: the "System default" entry, Chromium's pseudo-devices, output support.
 * No DOM access at import time.
 */
import type { DeviceInfo } from '../engine/types.js';

/**
 * The value of the "System default" entry, and the deviceId requested for it (cameras: the first
 * camera). The same as `SYSTEM_DEFAULT` of `<device-picker>`'s module.
 */
export const SYSTEM_DEFAULT = 'default';

/** Chromium's pseudo-devices that follow the system's choice. */
const PSEUDO = new Set(['default', 'communications']);

/**
 * Output choice needs `HTMLMediaElement.setSinkId` (not in Firefox before 116 nor in Safari).
 * `canChooseOutput()` of `<device-picker>`'s module.
 */
export function canRouteAudio(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

/** The devices a user can pick: without pseudo-devices and entries without an id. */
export function realDevices(devices: readonly DeviceInfo[]): DeviceInfo[] {
  return devices.filter((d) => d.deviceId && !PSEUDO.has(d.deviceId));
}

/**
 * The name of the device the system default stands for, or `''`: Chromium names its `'default'`
 * entry "Default - <device>", which is shown as the device.
 */
export function systemDefaultLabel(devices: readonly DeviceInfo[]): string {
  const pseudo = devices.find((d) => d.deviceId === SYSTEM_DEFAULT);
  return pseudo?.label.replace(/^[^-–]*[-–]\s*/, '') ?? '';
}
