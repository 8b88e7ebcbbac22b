import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, waitFor } from 'storybook/test';
import { outgoing, type Scene } from './support/scenario.js';

interface Args {
  language: string;
}
type Loaded = { scene: Scene };

/**
 * `<float-window>`: the minimized call. Drag it, or focus it and use the arrow keys; click the
 * timer or video to restore (here it dispatches `ck-minimize-request`, which the standalone
 * element leaves to the app).
 */
const meta = {
  title: 'Elements/float-window',
  component: 'float-window',
  args: { language: 'en' },
  argTypes: { language: { control: 'inline-radio', options: ['en', 'zh-cn', 'ja_JP', 'ar'] } },
  render: (_args, { loaded }) => html`<float-window .store=${(loaded as Loaded).scene.kit.store}></float-window>`,
} satisfies Meta<Args>;
export default meta;

type Story = StoryObj<Args>;

const minimized = (video: boolean) => async ({ args }: { args: Args }) => {
  const scene = await outgoing({ video, accepted: 1, language: args.language });
  scene.kit.setMinimized(true);
  return { scene };
};

const opens = async ({ canvasElement }: { canvasElement: HTMLElement }) => {
  const el = canvasElement.querySelector('float-window')!;
  await waitFor(() => expect(el.shadowRoot?.querySelector('[part~=base]')).not.toBeNull());
};

export const MinimizedAudio: Story = { name: 'Minimized voice call', loaders: [minimized(false)], play: opens };
export const MinimizedVideo: Story = { name: 'Minimized video call', loaders: [minimized(true)], play: opens };
export const Dialing: Story = {
  name: 'Minimized while dialing',
  loaders: [
    async ({ args }) => {
      const scene = await outgoing({ video: false, language: args.language });
      scene.kit.setMinimized(true);
      return { scene };
    },
  ],
  play: opens,
};
export const Chinese: Story = { name: 'zh-cn', args: { language: 'zh-cn' }, loaders: [minimized(false)], play: opens };
export const RightToLeft: Story = { name: 'RTL', args: { language: 'ar' }, loaders: [minimized(true)], play: opens };

/** Inside `<call-kit>`: the call view is hidden and the float window shows; restoring brings it back. */
export const InCallKit: Story = {
  name: 'In <call-kit>: minimize and restore',
  loaders: [minimized(true)],
  render: (_args, { loaded }) => html`<call-kit .kit=${(loaded as Loaded).scene.kit} style="height: 100vh"></call-kit>`,
  play: async ({ canvasElement, loaded }) => {
    const ck = canvasElement.querySelector('call-kit')!;
    const fw = () => ck.shadowRoot?.querySelector('float-window');
    await waitFor(() => expect(fw()?.shadowRoot?.querySelector('.restore')).toBeTruthy());
    (fw()!.shadowRoot!.querySelector('.restore') as HTMLButtonElement).click();
    await waitFor(() => expect((loaded as Loaded).scene.kit.store.getState().minimized).toBe(false));
  },
};
