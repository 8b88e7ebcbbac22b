import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, waitFor } from 'storybook/test';
import { CallMediaType, CallRole, type VideoDisplayMode } from '../src/constants.js';
import { CallStore } from '../src/store/store.js';
import { hasState } from './support/query.js';
import { canvasStream } from './support/scenario.js';

interface Args {
  width: string;
  videoDisplayMode: VideoDisplayMode;
}

type Loaded = { store: CallStore };
type Ctx = { canvasElement: HTMLElement; loaded: Record<string, unknown> };

/**
 * `<call-view>` alone on a hand-driven store, for states a scripted call passes through too fast
 * to look at (connecting), error toasts, display modes and the narrow (phone) layout.
 */
const meta = {
  title: 'Elements/call-view',
  component: 'call-view',
  args: { width: '100%', videoDisplayMode: 'cover' },
  argTypes: {
    width: { control: 'inline-radio', options: ['100%', '360px'] },
    videoDisplayMode: { control: 'inline-radio', options: ['contain', 'cover', 'fill'] },
  },
  render: (args, { loaded }) => {
    const box = document.createElement('div');
    box.style.setProperty('inline-size', args.width);
    box.style.setProperty('block-size', '560px');
    const view = document.createElement('call-view');
    view.style.setProperty('block-size', '100%');
    view.setAttribute('video-display-mode', args.videoDisplayMode);
    view.store = (loaded as Loaded).store;
    box.append(view);
    return html`${box}`;
  },
} satisfies Meta<Args>;
export default meta;

type Story = StoryObj<Args>;

const until = (check: () => void | Promise<void>) => waitFor(check, { timeout: 8000 });
const root = (canvas: HTMLElement) => canvas.querySelector('call-view')!.shadowRoot!;

/** A 1v1 call with Alice, answered by me (the callee) and connected; no media yet. */
function answered(mediaType: CallMediaType = CallMediaType.VIDEO): CallStore {
  const store = new CallStore();
  store.dispatch({ type: 'login', userId: 'me', name: 'Me' });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLEE,
    callId: 'story-call',
    mediaType,
    callerId: 'alice',
    members: [{ userId: 'alice', name: 'Alice', status: 'accepted' }],
  });
  store.dispatch({ type: 'call-connected' });
  return store;
}

export const Connecting: Story = {
  name: 'Connecting (answered, media not flowing yet)',
  loaders: [async () => ({ store: answered() })],
  play: async ({ canvasElement, loaded }: Ctx) => {
    const view = canvasElement.querySelector('call-view')!;
    await until(() => expect(hasState(view, 'connecting')).toBe(true));
    expect(root(canvasElement).querySelector('[part~=tip]')?.textContent).toContain('Connecting…');
    expect(root(canvasElement).querySelector('[part~=name]')?.textContent).toBe('Alice');
    // The media arrives: the call shows the other side's video.
    const { store } = loaded as Loaded;
    store.dispatch({ type: 'member-media', userId: 'alice', audio: true, video: true });
    store.dispatch({ type: 'member-stream', userId: 'alice', stream: canvasStream('alice') });
    await until(() => expect(hasState(view, 'connecting')).toBe(false));
    await until(() =>
      expect(root(canvasElement).querySelector('participant-tile[data-place=main]')?.getAttribute('user-id')).toBe('alice'),
    );
  },
};

export const PermissionDenied: Story = {
  name: 'Toast: camera permission denied',
  loaders: [
    async () => {
      const store = answered();
      store.dispatch({ type: 'toast', toast: { key: 'no-camera-access', type: 'error' } });
      return { store };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    const toast = () => root(canvasElement).querySelector('[part~=toast]');
    await until(() => expect(toast()?.textContent).toBe('The camera is blocked. Allow access to it in your browser settings.'));
    expect(toast()?.getAttribute('data-type')).toBe('error');
    expect(toast()?.getAttribute('role')).toBe('status');
  },
};

export const PoorNetworkSelf: Story = {
  name: 'Toast: my network is poor',
  loaders: [
    async () => {
      const store = answered(CallMediaType.AUDIO);
      store.dispatch({ type: 'network', qualities: { me: 5 } });
      store.dispatch({ type: 'toast', toast: { key: 'network-poor-self', type: 'warn' } });
      return { store };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    await until(() =>
      expect(root(canvasElement).querySelector('[part~=toast]')?.textContent).toBe('Your network is poor during this call'),
    );
  },
};

/** A connected 1v1 video call with video flowing both ways. */
function videoCall(): CallStore {
  const store = answered();
  store.dispatch({ type: 'self-media', audio: true, video: true, stream: canvasStream('me') });
  store.dispatch({ type: 'member-media', userId: 'alice', audio: true, video: true });
  store.dispatch({ type: 'member-stream', userId: 'alice', stream: canvasStream('alice', 640, 240) });
  return store;
}

const displayMode = (mode: VideoDisplayMode): Story => ({
  name: `video-display-mode="${mode}"`,
  args: { videoDisplayMode: mode },
  loaders: [async () => ({ store: videoCall() })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => {
      const tile = root(canvasElement).querySelector('participant-tile[data-place=main]')!;
      expect(getComputedStyle(tile.shadowRoot!.querySelector('video')!).objectFit).toBe(mode);
    });
  },
});
export const Contain = displayMode('contain');
export const Cover = displayMode('cover');
export const Fill = displayMode('fill');

export const Narrow: Story = {
  name: 'Narrow container (phone layout)',
  args: { width: '360px' },
  loaders: [async () => ({ store: videoCall() })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(root(canvasElement).querySelector('[part~=pip]')).not.toBeNull());
    const base = root(canvasElement).querySelector('[part~=base]')!.getBoundingClientRect();
    const pip = root(canvasElement).querySelector('[part~=pip]')!.getBoundingClientRect();
    // The container query gives the picture-in-picture 30% of the width (not the wide 24% clamp at 96px+).
    expect(Math.round(pip.width)).toBe(Math.round(base.width * 0.3));
    expect(
      getComputedStyle(root(canvasElement).querySelector('[part~=footer]')!).getPropertyValue('--ck-feature-buttons-size').trim(),
    ).toBe('52px');
  },
};

/** A video call from Alice ringing for me (the callee); `cameraOn`: the camera default (`setCameraDefaultState`). */
function ringingVideo(cameraOn: boolean): CallStore {
  const store = new CallStore();
  store.dispatch({ type: 'login', userId: 'me', name: 'Me' });
  store.dispatch({ type: 'settings', settings: { cameraDefaultOn: cameraOn } });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLEE,
    callId: 'story-ring',
    mediaType: CallMediaType.VIDEO,
    callerId: 'alice',
    members: [{ userId: 'alice', name: 'Alice', status: 'accepted' }],
  });
  return store;
}

/** Ringing video call: my own camera (the browser's) and "Answer with camera on"; turning it off answers with the camera off. */
export const RingingPreview: Story = {
  name: 'Ringing: own camera preview',
  parameters: { visual: { skip: "the browser's camera frames move" } },
  loaders: [async () => ({ store: ringingVideo(true) })],
  play: async ({ canvasElement }: Ctx) => {
    const preview = () => root(canvasElement).querySelector<HTMLVideoElement>('[part~=ringing-preview] video');
    await until(() => expect((preview()?.srcObject as MediaStream | null)?.getVideoTracks().length).toBe(1));
    const track = (preview()!.srcObject as MediaStream).getVideoTracks()[0]!;
    const toggle = () => root(canvasElement).querySelector<HTMLButtonElement>('[part~=ringing-camera-toggle]')!;
    expect(toggle().getAttribute('aria-pressed')).toBe('true');
    toggle().click();
    await until(() => expect(toggle().getAttribute('aria-pressed')).toBe('false'));
    expect(track.readyState).toBe('ended');
    const requests: unknown[] = [];
    canvasElement.addEventListener('ck-accept-request', (e) => requests.push((e as CustomEvent).detail));
    root(canvasElement).querySelector('feature-buttons')!.shadowRoot!.querySelector<HTMLButtonElement>('[part~=accept]')!.click();
    expect(requests).toEqual([{ audioOnly: false, callId: 'story-ring', camera: false }]);
  },
};

/** Ringing video call with the camera default off: no capture, the toggle off (answering keeps it off). */
export const RingingCameraOff: Story = {
  name: 'Ringing: answer with camera off',
  loaders: [async () => ({ store: ringingVideo(false) })],
  play: async ({ canvasElement }: Ctx) => {
    const toggle = () => root(canvasElement).querySelector<HTMLButtonElement>('[part~=ringing-camera-toggle]');
    await until(() => expect(toggle()?.getAttribute('aria-pressed')).toBe('false'));
    expect(root(canvasElement).querySelector('[part~=ringing-preview] video')).toBeNull();
  },
};
