import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, waitFor } from 'storybook/test';
import type { CallStore } from '../src/store/store.js';
import { canvasStream, pngDataUrl } from './support/scenario.js';
import { connectedStore } from './support/stores.js';

type Loaded = { store: CallStore };
type Ctx = { canvasElement: HTMLElement; loaded: Record<string, unknown> };

/** `<participant-tile>`: one member's video or avatar, name, microphone, network and speaking state. */
const meta = {
  title: 'Elements/participant-tile',
  component: 'participant-tile',
  render: (_args, { loaded }) =>
    html`<participant-tile user-id="alice" .store=${(loaded as Loaded).store} style="width: 320px; height: 240px"></participant-tile>`,
} satisfies Meta;
export default meta;
type Story = StoryObj;

const until = (check: () => void) => waitFor(check, { timeout: 8000 });
const tile = (canvas: HTMLElement) => canvas.querySelector('participant-tile')!;
const part = (canvas: HTMLElement, name: string) => tile(canvas).shadowRoot?.querySelector<HTMLElement>(`[part~=${name}]`) ?? null;
const state = (canvas: HTMLElement, name: string) => tile(canvas).matches(`:state(${name})`);

export const Video: Story = {
  loaders: [
    async () => {
      const store = connectedStore();
      store.dispatch({ type: 'member-media', userId: 'alice', video: true });
      store.dispatch({ type: 'member-stream', userId: 'alice', stream: canvasStream('alice') });
      return { store };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect((part(canvasElement, 'video') as HTMLVideoElement | null)?.readyState).toBeGreaterThanOrEqual(2));
    expect(state(canvasElement, 'video')).toBe(true);
    expect(part(canvasElement, 'name')?.textContent).toBe('Alice');
  },
};

export const CameraOffMutedSpeaking: Story = {
  name: 'Camera off, microphone muted / speaking, poor network',
  loaders: [
    async () => {
      const store = connectedStore();
      store.dispatch({ type: 'member-media', userId: 'alice', audio: false });
      store.dispatch({ type: 'network', qualities: { alice: 5 } });
      return { store };
    },
  ],
  play: async ({ canvasElement, loaded }: Ctx) => {
    await until(() => expect(state(canvasElement, 'muted')).toBe(true));
    expect(part(canvasElement, 'avatar')?.shadowRoot?.querySelector('[part~=initial]')?.textContent?.trim()).toBe('A');
    expect(part(canvasElement, 'status')?.querySelector('[role=img]')?.getAttribute('aria-label')).toBe('Microphone is off');
    expect(part(canvasElement, 'network')?.getAttribute('aria-label')).toBe('Poor network');
    // Unmuted and loud: the speaking ring.
    const { store } = loaded as Loaded;
    store.dispatch({ type: 'member-media', userId: 'alice', audio: true });
    store.dispatch({ type: 'volumes', volumes: { alice: 70 } });
    await until(() => expect(state(canvasElement, 'speaking')).toBe(true));
    expect(getComputedStyle(part(canvasElement, 'avatar')!).boxShadow).not.toBe('none');
  },
};

export const BackgroundImage: Story = {
  name: 'Camera off over a view background image',
  loaders: [
    async () => {
      const store = connectedStore();
      store.dispatch({ type: 'settings', settings: { viewBackgrounds: { 'remote:alice': pngDataUrl('#6a4c93') } } });
      return { store };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(getComputedStyle(part(canvasElement, 'base')!).backgroundImage).toContain('data:image/png'));
  },
};

export const Reconnecting: Story = {
  name: 'Media connection interrupted (reconnecting)',
  loaders: [
    async () => {
      const store = connectedStore();
      store.dispatch({ type: 'member-media', userId: 'alice', video: true });
      store.dispatch({ type: 'member-stream', userId: 'alice', stream: canvasStream('alice') });
      store.dispatch({ type: 'member-reconnecting', userId: 'alice', reconnecting: true });
      return { store };
    },
  ],
  play: async ({ canvasElement, loaded }: Ctx) => {
    await until(() => expect(state(canvasElement, 'reconnecting')).toBe(true));
    expect(part(canvasElement, 'reconnecting')?.getAttribute('role')).toBe('status');
    expect(part(canvasElement, 'reconnecting')?.textContent?.trim()).toMatch(/^Reconnecting/);
    // Recovered: the label goes.
    (loaded as Loaded).store.dispatch({ type: 'member-reconnecting', userId: 'alice', reconnecting: false });
    await until(() => expect(state(canvasElement, 'reconnecting')).toBe(false));
    expect(part(canvasElement, 'reconnecting')).toBe(null);
  },
};
