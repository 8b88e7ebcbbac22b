/**
 * Keeps the kit's device list true (`onDeviceUpdated`): read once at login, again on every
 * `devicechange`, and when camera or microphone permission changes (labels appear once granted).
 * The call's media is the engine's alone; `<device-picker>` shows the store's list. Besides the
 * engine only `src/media/device-probe.ts` captures: `<device-check>` and the ringing preview, each
 * its own short-lived capture, stopped when closed.
 */
import { noop } from './call-model.js';
import { listDevices } from '../../media/devices.js';

type DeviceList = Awaited<ReturnType<typeof listDevices>>;

export class DeviceWatch {
  #listener: (() => void) | null = null;
  /** Removes the permission `change` listeners. */
  #permissionWatches: (() => void)[] = [];

  /** Lists the devices now and on every change, until {@link stop}; a second start does nothing. */
  start(emit: (devices: DeviceList) => void): void {
    const nav = (globalThis as { navigator?: Navigator }).navigator;
    const devices = nav?.mediaDevices;
    if (!devices?.addEventListener || this.#listener) return;
    const listener = () => {
      void listDevices().then((list) => {
        if (this.#listener === listener) emit(list);
      }, noop);
    };
    this.#listener = listener;
    devices.addEventListener('devicechange', listener);
    listener();
    for (const name of ['camera', 'microphone'] as const) {
      nav?.permissions?.query({ name: name as PermissionName }).then((status) => {
        if (this.#listener !== listener) return;
        status.addEventListener('change', listener);
        this.#permissionWatches.push(() => status.removeEventListener('change', listener));
      }, noop);
    }
  }

  stop(): void {
    const listener = this.#listener;
    this.#listener = null;
    if (listener) (globalThis as { navigator?: Navigator }).navigator?.mediaDevices?.removeEventListener('devicechange', listener);
    for (const off of this.#permissionWatches.splice(0)) off();
  }
}
