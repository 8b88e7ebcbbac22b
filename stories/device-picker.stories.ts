import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, fn, waitFor } from 'storybook/test';
import type { CallStore } from '../src/store/store.js';
import { connectedStore } from './support/stores.js';

type Loaded = { store: CallStore };
type Ctx = { canvasElement: HTMLElement; loaded: Record<string, unknown> };

/**
 * `<device-picker>`: camera, microphone and speaker lists from the store (the engine fills it from
 * the browser and re-reads it on `devicechange` and permission changes), each with an explicit
 * system-default entry; the speaker list only where the browser can route audio (`setSinkId`).
 */
const meta = {
  title: 'Elements/device-picker',
  component: 'device-picker',
  render: (_args, { loaded }) => html`<device-picker .store=${(loaded as Loaded).store} style="max-width: 360px"></device-picker>`,
} satisfies Meta;
export default meta;
type Story = StoryObj;

const until = (check: () => void) => waitFor(check, { timeout: 8000 });
const select = (canvas: HTMLElement, kind: string) =>
  canvas.querySelector('device-picker')!.shadowRoot!.querySelector<HTMLSelectElement>(`#select-${kind}`);

/** The lists an engine puts in the store (Chromium names the default entry "Default - <device>"). */
function withDevices(store: CallStore): CallStore {
  store.dispatch({
    type: 'devices',
    devices: [
      { kind: 'camera', deviceId: 'cam-front', label: 'Front camera' },
      { kind: 'camera', deviceId: 'cam-usb', label: 'USB camera' },
      { kind: 'microphone', deviceId: 'default', label: 'Default - Headset microphone' },
      { kind: 'microphone', deviceId: 'mic-headset', label: 'Headset microphone' },
      { kind: 'microphone', deviceId: 'mic-built-in', label: 'Built-in microphone' },
      { kind: 'speaker', deviceId: 'default', label: 'Default - Headset' },
      { kind: 'speaker', deviceId: 'spk-headset', label: 'Headset' },
      { kind: 'speaker', deviceId: 'spk-built-in', label: 'Speakers' },
    ],
  });
  return store;
}

export const Devices: Story = {
  loaders: [async () => ({ store: withDevices(connectedStore()) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(select(canvasElement, 'camera')).not.toBeNull());
    for (const kind of ['camera', 'microphone']) expect(select(canvasElement, kind)!.options[0]!.value).toBe('default');
    expect([...select(canvasElement, 'camera')!.options].map((o) => o.textContent?.trim())).toEqual([
      'System default',
      'Front camera',
      'USB camera',
    ]);
    const outputs = 'setSinkId' in HTMLMediaElement.prototype;
    expect(select(canvasElement, 'speaker') !== null, 'a speaker list exactly where setSinkId exists').toBe(outputs);
    // Choosing a device sends a request (the system default camera resolves to the first real one).
    const spy = fn();
    canvasElement.addEventListener('ck-device-request', (e) => spy((e as CustomEvent).detail));
    const mic = select(canvasElement, 'microphone')!;
    mic.value = 'default';
    mic.dispatchEvent(new Event('change'));
    expect(spy).toHaveBeenCalledWith({ kind: 'microphone', deviceId: 'default' });
  },
};
