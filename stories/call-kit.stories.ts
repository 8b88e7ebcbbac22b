import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, waitFor } from 'storybook/test';
import { deep, deepAll, deepText, hasState, placed, viewRoot, buttonNamed } from './support/query.js';
import { CallMediaType } from '../src/constants.js';
import { callKitView, newScene, outgoing, PEOPLE, pngDataUrl, ringing, type Scene } from './support/scenario.js';

interface Args {
  /** Unset: the page's colour scheme (the visual tests render both). */
  theme?: 'light' | 'dark';
  /** Unset: the toolbar's direction (the visual tests render both). */
  dir?: 'ltr' | 'rtl';
}

type Loaded = { scene: Scene };
type Ctx = { canvasElement: HTMLElement; loaded: Record<string, unknown> };

/**
 * `<call-kit>` in every call state, driven by the simulated engine (synthetic canvas video, no
 * network). Each story's play function checks what the state must show.
 */
const meta = {
  title: 'Elements/call-kit',
  component: 'call-kit',
  argTypes: {
    theme: { control: 'inline-radio', options: ['light', 'dark'] },
    dir: { control: 'inline-radio', options: ['ltr', 'rtl'] },
  },
  render: (args, { loaded }) => callKitView((loaded as Loaded).scene, args),
} satisfies Meta<Args>;
export default meta;

type Story = StoryObj<Args>;

/** Waits longer than the default second: the story runner shares a loaded machine. */
const until = (check: () => void | Promise<void>) => waitFor(check, { timeout: 8000 });
const sceneOf = (loaded: Record<string, unknown>) => (loaded as Loaded).scene;
const view = (canvas: HTMLElement) => deep(canvas, 'call-view');

export const Dialing: Story = {
  parameters: { visual: { mobile: true } },
  loaders: [async () => ({ scene: await outgoing() })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(hasState(view(canvasElement), 'dialing')).toBe(true));
    const root = viewRoot(canvasElement);
    expect(root.querySelector('[part~=name]')?.textContent).toBe('alice');
    expect(root.querySelector('[part~=tip]')?.textContent).toBe('Waiting for the other side to answer…');
    // A video call dials over the local camera.
    await until(() => expect(root.querySelector('[part~=backdrop] participant-tile')?.getAttribute('user-id')).toBe('me'));
    expect(buttonNamed(canvasElement, 'Hang up')).not.toBeNull();
    expect(buttonNamed(canvasElement, 'Camera')?.getAttribute('aria-pressed')).toBe('true');
  },
};

export const DialingVoice: Story = {
  name: 'Dialing (voice)',
  loaders: [async () => ({ scene: await outgoing({ video: false }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(hasState(view(canvasElement), 'dialing')).toBe(true));
    expect(hasState(view(canvasElement), 'audio')).toBe(true);
    expect(buttonNamed(canvasElement, 'Camera')).toBeNull();
    // The callee's initial (no avatar), upper-cased by CSS.
    const avatar = viewRoot(canvasElement).querySelector('call-avatar[part~=avatar]')!;
    await until(() => expect(avatar.shadowRoot?.querySelector('[part~=initial]')).not.toBeNull());
    const initial = avatar.shadowRoot!.querySelector('[part~=initial]')!;
    expect(initial.textContent?.trim()).toBe('a');
    expect(getComputedStyle(initial).textTransform).toBe('uppercase');
  },
};

export const Ringing: Story = {
  parameters: { visual: { mobile: true } },
  loaders: [async () => ({ scene: await ringing() })],
  play: async ({ canvasElement, loaded }: Ctx) => {
    await until(() => expect(deep(canvasElement, '[role=alertdialog]')).not.toBeNull());
    expect(deepText(deep(canvasElement, 'incoming-banner')!)).toContain('Alice');
    expect(buttonNamed(canvasElement, 'Accept as voice call')).not.toBeNull();
    expect(buttonNamed(canvasElement, 'Decline') ?? buttonNamed(canvasElement, 'Reject')).not.toBeNull();
    buttonNamed(canvasElement, 'Accept')!.click();
    await until(() => expect(sceneOf(loaded).kit.store.getState().status).toBe('connected'));
  },
};

/**
 * A video call rings in the banner: my own camera (the browser's) and "Answer with camera on"
 * (`aria-pressed`); turned off, the capture stops and Accept answers the video call with the camera off.
 */
export const RingingCameraPreview: Story = {
  name: 'Ringing: own camera in the banner',
  parameters: { visual: { skip: "the browser's camera frames move (Ringing shows the banner with it off)" } },
  loaders: [async () => ({ scene: await ringing() })],
  play: async ({ canvasElement, loaded }: Ctx) => {
    const banner = () => deep(canvasElement, 'incoming-banner')!.shadowRoot!;
    const video = () => banner().querySelector<HTMLVideoElement>('[part~=ringing-preview] video');
    const toggle = () => banner().querySelector<HTMLButtonElement>('[part~=ringing-camera-toggle]');
    await until(() => expect((video()?.srcObject as MediaStream | null)?.getVideoTracks().length).toBe(1));
    const track = (video()!.srcObject as MediaStream).getVideoTracks()[0]!;
    expect(toggle()!.getAttribute('aria-pressed')).toBe('true');
    toggle()!.click();
    await until(() => expect(toggle()!.getAttribute('aria-pressed')).toBe('false'));
    expect(track.readyState).toBe('ended');
    buttonNamed(canvasElement, 'Accept')!.click();
    const { kit } = sceneOf(loaded);
    await until(() => expect(kit.store.getState().status).toBe('connected'));
    // The kit closes the camera right after the answer.
    await until(() => expect(kit.store.getState().self.videoAvailable).toBe(false));
  },
};

export const ThreeIncoming: Story = {
  parameters: { visual: { mobile: true } },
  name: 'Three incoming calls',
  loaders: [
    async () => {
      const scene = await ringing();
      scene.engine.remoteInvite(PEOPLE[1], CallMediaType.AUDIO);
      scene.engine.remoteInvite(PEOPLE[2], CallMediaType.VIDEO);
      return { scene };
    },
  ],
  play: async ({ canvasElement, loaded }: Ctx) => {
    await until(() => expect(deepAll(canvasElement, '[role=alertdialog]')).toHaveLength(3));
    const banners = deepAll(canvasElement, '[role=alertdialog]');
    expect(banners.map((b) => b.querySelector('[part~=name]')?.textContent).sort()).toEqual(['Alice', 'Bob', 'Carol']);
    // Answer Bob's (a voice call: no "accept as voice call" on it) by its own button.
    const bob = banners.find((b) => b.querySelector('[part~=name]')?.textContent === 'Bob')!;
    expect(bob.querySelector('.accept-audio')).toBeNull();
    const callId = bob.getAttribute('data-call-id');
    bob.querySelector<HTMLButtonElement>('button.accept')!.click();
    const { kit } = sceneOf(loaded);
    await until(() => expect(kit.store.getState().status).toBe('connected'));
    expect(kit.store.getState().callId).toBe(callId);
    expect(kit.store.getState().members.map((m) => m.userId)).toContain('bob');
  },
};

export const RingingVoice: Story = {
  name: 'Ringing (voice)',
  loaders: [async () => ({ scene: await ringing({ video: false }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(buttonNamed(canvasElement, 'Accept')).not.toBeNull());
    expect(buttonNamed(canvasElement, 'Accept as voice call')).toBeNull();
  },
};

export const Video1v1: Story = {
  parameters: { visual: { mobile: true } },
  name: '1v1 video',
  loaders: [async () => ({ scene: await outgoing({ accepted: 1 }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(placed(canvasElement, 'pip')).toEqual(['me']));
    expect(placed(canvasElement, 'main')).toEqual(['alice']);
    // Both videos really play (the picture-in-picture is not a black box).
    await until(() => {
      for (const tile of deepAll(canvasElement, 'participant-tile')) {
        const video = tile.shadowRoot!.querySelector('video')!;
        expect(video.readyState).toBeGreaterThanOrEqual(2);
        expect(video.paused).toBe(false);
      }
    });
    expect(viewRoot(canvasElement).querySelector('[part~=timer]')).not.toBeNull();
    // Click the small video: local goes large.
    buttonNamed(canvasElement, 'Swap the large and small videos')!.click();
    await until(() => expect(placed(canvasElement, 'main')).toEqual(['me']));
    expect(placed(canvasElement, 'pip')).toEqual(['alice']);
  },
};

export const Audio1v1: Story = {
  parameters: { visual: { mobile: true } },
  name: '1v1 audio',
  loaders: [
    async () => {
      const scene = await outgoing({ video: false, accepted: 1 });
      scene.engine.volumes({ alice: 60 });
      return { scene };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(placed(canvasElement, 'main')).toEqual(['alice']));
    expect(placed(canvasElement, 'pip')).toEqual([]);
    expect(hasState(view(canvasElement), 'connecting')).toBe(false);
    // The speaking ring around the other side's avatar.
    await until(() => expect(hasState(deep(canvasElement, 'participant-tile[user-id=alice]'), 'speaking')).toBe(true));
  },
};

/** A 1v1 voice call where Alice asks to switch to video: the prompt with Accept / Decline (issue 17 item 1). */
export const VideoRequestIncoming: Story = {
  name: '1v1 audio: Alice asks to switch to video',
  loaders: [
    async () => {
      const scene = await outgoing({ video: false, accepted: 1 });
      scene.engine.remoteVideoRequest('alice');
      return { scene };
    },
  ],
  play: async ({ canvasElement, loaded }: Ctx) => {
    const root = () => viewRoot(canvasElement);
    await until(() => expect(root()?.querySelector('[part~=video-request-text]')?.textContent).toBe('Alice wants to switch to video'));
    expect(root()?.querySelector('[part~=video-request-text]')?.getAttribute('aria-live')).toBe('assertive');
    const accept = root()!.querySelector<HTMLButtonElement>('button[part~=video-request-accept]')!;
    expect(accept.textContent?.trim()).toBe('Accept');
    expect(root()!.querySelector('button[part~=video-request-decline]')?.textContent?.trim()).toBe('Decline');
    // Accepting turns the call into a video call.
    accept.click();
    const { kit } = sceneOf(loaded);
    await until(() => expect(kit.store.getState().mediaType).toBe(CallMediaType.VIDEO));
    await until(() => expect(root()?.querySelector('[part~=video-request-accept]')).toBe(null));
  },
};

/** We asked Alice to switch to video: "Asking Alice…" until she answers. */
export const VideoRequestOutgoing: Story = {
  name: '1v1 audio: asking Alice to switch to video',
  loaders: [
    async () => {
      const scene = await outgoing({ video: false, accepted: 1 });
      void scene.kit.switchCallMediaType(CallMediaType.VIDEO).catch(() => undefined);
      return { scene };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    await until(() =>
      expect(viewRoot(canvasElement)?.querySelector('[part~=video-request-text]')?.textContent).toBe('Asking Alice to switch to video…'),
    );
    expect(viewRoot(canvasElement)?.querySelector('[part~=switch-to-video]')).toBe(null);
  },
};

export const CameraOff: Story = {
  loaders: [
    async () => {
      const scene = await outgoing({ accepted: 1 });
      scene.engine.remoteMediaState('alice', { video: false });
      return { scene };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(hasState(deep(canvasElement, 'participant-tile[user-id=alice]'), 'video')).toBe(false));
    const tile = deep(canvasElement, 'participant-tile[user-id=alice]')!;
    // The <video> stays (the whole call); the avatar shows over it while it is hidden.
    expect(getComputedStyle(tile.shadowRoot!.querySelector('video')!).visibility).toBe('hidden');
    const avatar = tile.shadowRoot!.querySelector('call-avatar[part~=avatar]');
    expect(avatar?.shadowRoot?.querySelector('[part~=initial]')?.textContent?.trim()).toBe('A');
  },
};

export const CameraOffBackground: Story = {
  name: 'Camera off with a view background image',
  loaders: [
    async () => {
      const scene = await outgoing({ accepted: 1 });
      scene.kit.setRemoteViewBackgroundImage('*', pngDataUrl('#2f6f4f'));
      scene.engine.remoteMediaState('alice', { video: false });
      return { scene };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => {
      const tile = deep(canvasElement, 'participant-tile[user-id=alice]')!;
      const base = tile.shadowRoot!.querySelector('[part~=base]')!;
      expect(getComputedStyle(base).backgroundImage).toContain('data:image/png');
    });
  },
};

export const PoorNetwork: Story = {
  loaders: [
    async () => {
      const scene = await outgoing({ accepted: 1 });
      scene.engine.networkQuality({ alice: 5, me: 2 });
      return { scene };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    await until(() =>
      expect(deep(canvasElement, 'participant-tile[user-id=alice]')?.shadowRoot?.querySelector('[part~=network]')).not.toBeNull(),
    );
    expect(deep(canvasElement, 'participant-tile[user-id=me]')?.shadowRoot?.querySelector('[part~=network]')).toBeNull();
    await until(() => expect(viewRoot(canvasElement).querySelector('[part~=toast]')?.textContent).toBe("The other side's network is poor"));
  },
};

export const ConnectionLost: Story = {
  name: 'Connection lost (try again)',
  loaders: [
    async () => {
      const scene = await newScene();
      scene.engine.connectionState('failed');
      return { scene };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    const kit = () => deep(canvasElement, 'call-kit')?.shadowRoot;
    await until(() => expect(kit()?.querySelector('button[part~=reconnect-button]')?.textContent?.trim()).toBe('Try again'));
    expect(kit()?.querySelector('[part~=reconnect]')?.textContent).toContain('Could not reconnect to the server');
  },
};

const group = (size: number): Story => ({
  name: `Group of ${size}`,
  // The phone layout of the 2- and 3-column grids.
  parameters: { visual: { mobile: size === 4 || size === 9 } },
  loaders: [async () => ({ scene: await outgoing({ count: size - 1, accepted: size - 1 }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(placed(canvasElement, 'grid')).toHaveLength(size));
    const grid = viewRoot(canvasElement).querySelector<HTMLElement>('[part~=grid]')!;
    expect(getComputedStyle(grid).gridTemplateColumns.split(' ')).toHaveLength(size <= 4 ? 2 : 3);
    // Click a tile to focus it: it moves first and its button is pressed.
    const second = placed(canvasElement, 'grid')[1];
    const focus = viewRoot(canvasElement).querySelectorAll<HTMLButtonElement>('[part~=focus-button]')[1];
    focus.click();
    await until(() => expect(placed(canvasElement, 'grid')[0]).toBe(second));
    expect(viewRoot(canvasElement).querySelector('[part~=focus-button][aria-pressed=true]')).not.toBeNull();
  },
});
export const Group3 = group(3);
export const Group4 = group(4);
export const Group6 = group(6);
export const Group9 = group(9);

export const GroupRinging: Story = {
  name: 'Group of 6, two still ringing',
  loaders: [async () => ({ scene: await outgoing({ count: 5, accepted: 3 }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(placed(canvasElement, 'grid')).toHaveLength(6));
    const ringingTiles = deepAll(canvasElement, 'participant-tile').filter((t) => t.shadowRoot?.querySelector('.ringing'));
    expect(ringingTiles.map((t) => t.getAttribute('user-id')).sort()).toEqual(['dave', 'erin']);
  },
};

/** How a call ends, and the toast that says so. */
const ending = (name: string, text: string, end: (scene: Scene) => void, setup: () => Promise<Scene> = () => outgoing()): Story => ({
  name,
  loaders: [
    async () => {
      const scene = await setup();
      end(scene);
      return { scene };
    },
  ],
  play: async ({ canvasElement, loaded }: Ctx) => {
    await until(() => expect(viewRoot(canvasElement).querySelector('[part~=toast]')?.textContent).toBe(text));
    expect(sceneOf(loaded).kit.store.getState().status).toBe('idle');
  },
});
export const Declined = ending('Toast: declined', 'The call was declined', (s) => s.engine.remoteReject('alice'));
export const Busy = ending('Toast: busy', 'The other side is busy on another call', (s) => s.engine.remoteReject('alice', true));
export const NoAnswer = ending('Toast: no answer', 'No answer', (s) => s.engine.remoteNoResponse('alice'));
export const Ended = ending(
  'Toast: ended',
  'The other side hung up',
  (s) => s.engine.remoteHangup('alice'),
  () => outgoing({ accepted: 1 }),
);
export const Cancelled = ending(
  'Toast: cancelled',
  'The caller cancelled the call',
  (s) => s.engine.remoteCancel(),
  () => ringing(),
);

const minimized = (video: boolean): Story => ({
  name: `Minimized ${video ? 'video' : 'voice'} call`,
  parameters: { visual: { mobile: true } },
  loaders: [
    async () => {
      const scene = await outgoing({ video, accepted: 1, floatWindow: true });
      scene.kit.setMinimized(true);
      return { scene };
    },
  ],
  play: async ({ canvasElement, loaded }: Ctx) => {
    await until(() => expect(deep(canvasElement, 'float-window')?.shadowRoot?.querySelector('[part~=base]')).not.toBeNull());
    const fw = deep(canvasElement, 'float-window')!;
    expect(view(canvasElement)?.hidden).toBe(true);
    if (video) await until(() => expect(fw.shadowRoot!.querySelector('video')?.readyState).toBeGreaterThanOrEqual(2));
    else expect(fw.shadowRoot!.querySelector('[part~=timer]')?.textContent).toMatch(/^\d\d:\d\d:\d\d$/);
    // Restore.
    fw.shadowRoot!.querySelector<HTMLButtonElement>('[part~=restore]')!.click();
    await until(() => expect(sceneOf(loaded).kit.store.getState().minimized).toBe(false));
    await until(() => expect(view(canvasElement)?.hidden).toBe(false));
  },
});
export const MinimizedVoice = minimized(false);
export const MinimizedVideo = minimized(true);

export const AllButtons: Story = {
  name: 'Every in-call button (float window, full screen, blur)',
  loaders: [
    async () => {
      const scene = await outgoing({ accepted: 1, floatWindow: true });
      scene.kit.allowedFullScreen = true;
      scene.kit.enableVirtualBackground(true);
      return { scene };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(buttonNamed(canvasElement, 'Speaker')).not.toBeNull());
    const parts = deepAll(canvasElement, 'button[part~=button]').map((b) => b.className);
    for (const name of ['microphone', 'camera', 'speaker', 'blur', 'minimize', 'full-screen', 'hangup']) expect(parts).toContain(name);
  },
};

/** The stage colour of the call view in a theme. */
const stage = (canvas: HTMLElement) => getComputedStyle(viewRoot(canvas).querySelector('[part~=base]')!).backgroundColor;

export const Light: Story = {
  args: { theme: 'light' },
  loaders: [async () => ({ scene: await outgoing({ count: 3, accepted: 3, video: false }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(stage(canvasElement)).toBe('rgb(238, 240, 243)'));
  },
};

export const Dark: Story = {
  args: { theme: 'dark' },
  loaders: [async () => ({ scene: await outgoing({ count: 3, accepted: 3, video: false }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(stage(canvasElement)).toBe('rgb(31, 35, 41)'));
  },
};

export const ChineseRinging: Story = {
  parameters: { visual: { mobile: true } },
  name: 'zh-cn: ringing',
  loaders: [async () => ({ scene: await ringing({ language: 'zh-cn' }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(buttonNamed(canvasElement, '接听')).not.toBeNull());
    expect(buttonNamed(canvasElement, 'Accept')).toBeNull();
  },
};

export const ChineseConnected: Story = {
  parameters: { visual: { mobile: true } },
  name: 'zh-cn: 1v1 video',
  loaders: [async () => ({ scene: await outgoing({ accepted: 1, language: 'zh-cn' }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(buttonNamed(canvasElement, '挂断')).not.toBeNull());
    expect(buttonNamed(canvasElement, 'Hang up')).toBeNull();
  },
};

export const JapaneseDialing: Story = {
  parameters: { visual: { mobile: true } },
  name: 'ja_JP: dialing',
  loaders: [async () => ({ scene: await outgoing({ language: 'ja_JP' }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(viewRoot(canvasElement).querySelector('[part~=tip]')?.textContent).toBeTruthy());
    const tip = viewRoot(canvasElement).querySelector('[part~=tip]')!.textContent!;
    expect(tip).not.toBe('Waiting for the other side to answer…');
    expect(tip).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  },
};

export const RightToLeft: Story = {
  name: 'RTL: 1v1 video',
  args: { dir: 'rtl' },
  loaders: [async () => ({ scene: await outgoing({ accepted: 1, language: 'ar' }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(placed(canvasElement, 'pip')).toEqual(['me']));
    const root = viewRoot(canvasElement);
    expect(getComputedStyle(root.querySelector('[part~=base]')!).direction).toBe('rtl');
    // The picture-in-picture sits at the inline end: the left edge.
    const pip = root.querySelector('[part~=pip]')!.getBoundingClientRect();
    const stageBox = root.querySelector('[part~=base]')!.getBoundingClientRect();
    expect(pip.left - stageBox.left).toBeLessThan(stageBox.right - pip.right);
  },
};

export const RightToLeftGroup: Story = {
  name: 'RTL: group of 4',
  args: { dir: 'rtl' },
  loaders: [async () => ({ scene: await outgoing({ count: 3, accepted: 3, language: 'ar' }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(placed(canvasElement, 'grid')).toHaveLength(4));
    // The first tile is at the inline start: the right.
    const [first, second] = deepAll(canvasElement, 'participant-tile[data-place=grid]').map((t) => t.getBoundingClientRect());
    expect(first.left).toBeGreaterThan(second.left);
  },
};

export const RightToLeftRinging: Story = {
  name: 'RTL: ringing',
  args: { dir: 'rtl' },
  loaders: [async () => ({ scene: await ringing({ language: 'ar' }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(deep(canvasElement, '[role=alertdialog]')).not.toBeNull());
    expect(getComputedStyle(deep(canvasElement, '[role=alertdialog]')!).direction).toBe('rtl');
  },
};
