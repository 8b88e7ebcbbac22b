import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, fn, waitFor } from 'storybook/test';
import { FeatureButton } from '../src/constants.js';
import type { CallStore } from '../src/store/store.js';
import { connectedStore, ringingStore } from './support/stores.js';

type Loaded = { store: CallStore };
type Ctx = { canvasElement: HTMLElement; loaded: Record<string, unknown> };

/** `<feature-buttons>`: the call's buttons in each state. Buttons only send `ck-*-request` events. */
const meta = {
  title: 'Elements/feature-buttons',
  component: 'feature-buttons',
  // A dark stage, so the buttons take the dark theme: "off" toggles (e.g. Blur background before it is
  // on) are light circles there, dark ones on a light stage; with the page's light scheme on this
  // dark stage they were dark circles on dark, as if they had no background.
  render: (_args, { loaded }) =>
    html`<div style="padding: 24px; background: #1f2329; color: #fff; color-scheme: dark">
      <feature-buttons theme="dark" .store=${(loaded as Loaded).store}></feature-buttons>
    </div>`,
} satisfies Meta;
export default meta;
type Story = StoryObj;

const until = (check: () => void) => waitFor(check, { timeout: 8000 });
const names = (canvas: HTMLElement) =>
  [...(canvas.querySelector('feature-buttons')?.shadowRoot?.querySelectorAll('button') ?? [])].map((b) => b.getAttribute('aria-label'));
const buttonOf = (canvas: HTMLElement, name: string) =>
  [...canvas.querySelector('feature-buttons')!.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')].find(
    (b) => b.getAttribute('aria-label') === name,
  )!;

export const Ringing: Story = {
  loaders: [async () => ({ store: ringingStore() })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(names(canvasElement)).toEqual(['Decline', 'Accept as voice call', 'Accept']));
    const spy = fn();
    canvasElement.addEventListener('ck-accept-request', (e) => spy((e as CustomEvent).detail));
    buttonOf(canvasElement, 'Accept as voice call').click();
    expect(spy).toHaveBeenCalledWith({ audioOnly: true, callId: 'story-ring' });
  },
};

export const Connected: Story = {
  loaders: [async () => ({ store: connectedStore() })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(names(canvasElement)).toEqual(['Microphone', 'Camera', 'Speaker', 'Hang up']));
    expect(buttonOf(canvasElement, 'Microphone').getAttribute('aria-pressed')).toBe('true');
    const spy = fn();
    canvasElement.addEventListener('ck-speaker-request', (e) => spy((e as CustomEvent).detail));
    buttonOf(canvasElement, 'Speaker').click();
    expect(spy).toHaveBeenCalledWith({ muted: true });
  },
};

export const NoiseSuppression: Story = {
  name: 'AI noise suppression on (default engine)',
  loaders: [
    async () => {
      const store = connectedStore();
      store.dispatch({ type: 'settings', settings: { aiNoiseSuppressionAvailable: true, aiNoiseSuppression: true } });
      return { store };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(names(canvasElement)).toEqual(['Microphone', 'Camera', 'Speaker', 'AI noise suppression', 'Hang up']));
    expect(buttonOf(canvasElement, 'AI noise suppression').getAttribute('aria-pressed')).toBe('true');
    const spy = fn();
    canvasElement.addEventListener('ck-noise-suppression-request', (e) => spy((e as CustomEvent).detail));
    buttonOf(canvasElement, 'AI noise suppression').click();
    expect(spy).toHaveBeenCalledWith({ enabled: false });
  },
};

export const Everything: Story = {
  name: 'Every button (two cameras, blur, group, float window, full screen)',
  loaders: [
    async () => {
      const store = connectedStore({
        others: [
          { userId: 'alice', name: 'Alice' },
          { userId: 'bob', name: 'Bob' },
        ],
      });
      store.dispatch({
        type: 'devices',
        devices: [
          { deviceId: 'front', label: 'Front camera', kind: 'camera' },
          { deviceId: 'back', label: 'Back camera', kind: 'camera' },
        ],
      });
      store.dispatch({ type: 'settings', settings: { virtualBackground: true, floatWindow: true, allowedFullScreen: true } });
      return { store };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    await until(() =>
      expect(names(canvasElement)).toEqual([
        'Microphone',
        'Camera',
        'Speaker',
        'Switch camera',
        'Blur background',
        'Add people',
        'Minimize',
        'Full screen',
        'Hang up',
      ]),
    );
  },
};

export const Hidden: Story = {
  name: 'hideFeatureButton(camera, microphone); camera off',
  loaders: [
    async () => {
      const store = connectedStore();
      store.dispatch({ type: 'settings', settings: { hiddenButtons: [FeatureButton.Camera, FeatureButton.Microphone] } });
      store.dispatch({ type: 'self-media', video: false });
      return { store };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(names(canvasElement)).toEqual(['Speaker', 'Hang up']));
  },
};

export const ChooseSpeaker: Story = {
  name: 'Choose speaker',
  loaders: [
    async () => {
      const store = connectedStore();
      store.dispatch({
        type: 'devices',
        devices: [
          { deviceId: 'default', label: 'Default - Headset', kind: 'speaker' },
          { deviceId: 'spk-headset', label: 'Headset', kind: 'speaker' },
          { deviceId: 'spk-hdmi', label: 'HDMI display', kind: 'speaker' },
        ],
      });
      store.dispatch({ type: 'settings', settings: { speakerDeviceId: 'spk-headset' } });
      return { store };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    // The chevron exists where the browser can route audio (setSinkId).
    if (!('setSinkId' in HTMLMediaElement.prototype)) return;
    // The chevron and the list are <speaker-output-menu>, on the speaker button.
    const menuRoot = () => canvasElement.querySelector('feature-buttons')?.shadowRoot?.querySelector('speaker-output-menu')?.shadowRoot;
    await until(() => expect(menuRoot()?.querySelector('button.speaker-output')).toBeTruthy());
    const root = menuRoot()!;
    const chevron = root.querySelector<HTMLButtonElement>('button.speaker-output')!;
    expect(chevron.getAttribute('aria-label')).toBe('Choose speaker');
    expect(chevron.getAttribute('aria-expanded')).toBe('false');
    chevron.click();
    const options = () => [...root.querySelectorAll<HTMLButtonElement>('[part~=speaker-option]')];
    await until(() => expect(chevron.getAttribute('aria-expanded')).toBe('true'));
    expect(root.querySelector('[part~=speaker-menu]')!.getAttribute('aria-label')).toBe('Audio output');
    expect(options().map((o) => o.textContent!.trim())).toEqual(['System default (Headset)', 'Headset', 'HDMI display']);
    expect(options().map((o) => o.getAttribute('aria-pressed'))).toEqual(['false', 'true', 'false']);
    await until(() => expect(root.activeElement).toBe(options()[1]));
    // Choosing an entry sends a ck-device-request, closes the list and focuses the chevron.
    const spy = fn();
    canvasElement.addEventListener('ck-device-request', (e) => spy((e as CustomEvent).detail), { once: true });
    options()[2]!.click();
    expect(spy).toHaveBeenCalledWith({ kind: 'speaker', deviceId: 'spk-hdmi' });
    await until(() => expect(chevron.getAttribute('aria-expanded')).toBe('false'));
    expect(root.activeElement).toBe(chevron);
    // Shown open.
    chevron.click();
    await until(() => expect(chevron.getAttribute('aria-expanded')).toBe('true'));
  },
};
