/**
 * The browser's device list as the kit sees it, shared by the default engine and `<device-check>`.
 * No DOM access at import time.
 */
import type { DeviceKind } from '../constants.js';
import type { DeviceInfo } from '../engine/types.js';

const KIND_OF: Record<string, DeviceKind> = { videoinput: 'camera', audioinput: 'microphone', audiooutput: 'speaker' };

/** enumerateDevices mapped to {@link DeviceInfo} (labels are empty before a permission grant). */
export async function listDevices(kind?: DeviceKind): Promise<DeviceInfo[]> {
  const devices = (globalThis as { navigator?: Navigator }).navigator?.mediaDevices;
  if (!devices?.enumerateDevices) return [];
  const all = await devices.enumerateDevices();
  const out: DeviceInfo[] = [];
  for (const d of all) {
    const k = KIND_OF[d.kind];
    if (!k || (kind && k !== kind)) continue;
    out.push({ deviceId: d.deviceId, label: d.label, kind: k });
  }
  return out;
}
