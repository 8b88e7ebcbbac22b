import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, waitFor } from 'storybook/test';
import { callKitView, outgoing, ringing, type Scene } from './support/scenario.js';

interface Args {
  theme: 'light' | 'dark';
  dir: 'ltr' | 'rtl';
}

type Loaded = { scene: Scene };

/** `<call-kit>` in every call state, driven by the simulated engine. */
const meta = {
  title: 'Elements/call-kit',
  component: 'call-kit',
  args: { theme: 'light', dir: 'ltr' },
  argTypes: {
    theme: { control: 'inline-radio', options: ['light', 'dark'] },
    dir: { control: 'inline-radio', options: ['ltr', 'rtl'] },
  },
  render: (args, { loaded }) => callKitView((loaded as Loaded).scene, args),
} satisfies Meta<Args>;
export default meta;

type Story = StoryObj<Args>;

/** The shadow root of the first `tag` inside `root`, looking through shadow roots. */
function deep(root: Element | ShadowRoot, tag: string): Element | null {
  const direct = root.querySelector(tag);
  if (direct) return direct;
  for (const el of root.querySelectorAll('*')) {
    const found = el.shadowRoot ? deep(el.shadowRoot, tag) : null;
    if (found) return found;
  }
  return null;
}

const shows = (tag: string) =>
  async ({ canvasElement }: { canvasElement: HTMLElement }) => {
    await waitFor(() => expect(deep(canvasElement, tag)).not.toBeNull());
  };

export const Dialing: Story = {
  loaders: [async () => ({ scene: await outgoing() })],
  play: shows('call-view'),
};

export const Ringing: Story = {
  loaders: [async () => ({ scene: await ringing() })],
  play: shows('incoming-banner'),
};

export const RingingVoice: Story = {
  loaders: [async () => ({ scene: await ringing({ video: false }) })],
  play: shows('incoming-banner'),
};

export const Video1v1: Story = {
  name: '1v1 video',
  loaders: [async () => ({ scene: await outgoing({ accepted: 1 }) })],
  play: shows('participant-tile'),
};

export const Audio1v1: Story = {
  name: '1v1 audio',
  loaders: [
    async () => {
      const scene = await outgoing({ video: false, accepted: 1 });
      scene.engine.volumes({ alice: 60 });
      return { scene };
    },
  ],
  play: shows('call-view'),
};

export const CameraOff: Story = {
  loaders: [
    async () => {
      const scene = await outgoing({ accepted: 1 });
      scene.engine.remoteMediaState('alice', { video: false });
      return { scene };
    },
  ],
  play: shows('participant-tile'),
};

export const PoorNetwork: Story = {
  loaders: [
    async () => {
      const scene = await outgoing({ accepted: 1 });
      scene.engine.networkQuality({ alice: 5, me: 2 });
      return { scene };
    },
  ],
  play: shows('participant-tile'),
};

const group = (size: number): Story => ({
  name: `Group of ${size}`,
  loaders: [async () => ({ scene: await outgoing({ count: size - 1, accepted: size - 1 }) })],
  play: shows('participant-tile'),
});
export const Group3 = group(3);
export const Group4 = group(4);
export const Group6 = group(6);
export const Group9 = group(9);

export const GroupRinging: Story = {
  name: 'Group of 6, two still ringing',
  loaders: [async () => ({ scene: await outgoing({ count: 5, accepted: 3 }) })],
  play: shows('participant-tile'),
};

export const Dark: Story = {
  args: { theme: 'dark' },
  loaders: [async () => ({ scene: await outgoing({ count: 3, accepted: 3 }) })],
  play: shows('participant-tile'),
};

export const ChineseRinging: Story = {
  name: 'zh-cn: ringing',
  loaders: [async () => ({ scene: await ringing({ language: 'zh-cn' }) })],
  play: shows('incoming-banner'),
};

export const ChineseConnected: Story = {
  name: 'zh-cn: 1v1 video',
  loaders: [async () => ({ scene: await outgoing({ accepted: 1, language: 'zh-cn' }) })],
  play: shows('call-view'),
};

export const JapaneseDialing: Story = {
  name: 'ja_JP: dialing',
  loaders: [async () => ({ scene: await outgoing({ language: 'ja_JP' }) })],
  play: shows('call-view'),
};

export const RightToLeft: Story = {
  name: 'RTL: group of 4',
  args: { dir: 'rtl' },
  loaders: [async () => ({ scene: await outgoing({ count: 3, accepted: 3, language: 'ar' }) })],
  play: shows('participant-tile'),
};

export const RightToLeftRinging: Story = {
  name: 'RTL: ringing',
  args: { dir: 'rtl' },
  loaders: [async () => ({ scene: await ringing({ language: 'ar' }) })],
  play: shows('incoming-banner'),
};
