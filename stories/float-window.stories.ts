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

const minimized =
  (video: boolean) =>
  async ({ args }: { args: Args }) => {
    const scene = await outgoing({ video, accepted: 1, language: args.language });
    scene.kit.setMinimized(true);
    return { scene };
  };

type Ctx = { canvasElement: HTMLElement; loaded: Record<string, unknown> };
const until = (check: () => void | Promise<void>) => waitFor(check, { timeout: 8000 });
const part = (canvas: HTMLElement, name: string) =>
  canvas.querySelector('float-window')?.shadowRoot?.querySelector<HTMLElement>(`[part~=${name}]`) ?? null;

/** The window is open, in the top layer, and inside the viewport. */
async function opens(canvas: HTMLElement): Promise<DOMRect> {
  await until(() => expect(part(canvas, 'base')?.matches(':popover-open')).toBe(true));
  await until(() => expect(part(canvas, 'base')!.style.getPropertyValue('visibility')).toBe(''));
  const r = part(canvas, 'base')!.getBoundingClientRect();
  expect(r.left).toBeGreaterThanOrEqual(0);
  expect(r.top).toBeGreaterThanOrEqual(0);
  expect(r.right).toBeLessThanOrEqual(innerWidth);
  expect(r.bottom).toBeLessThanOrEqual(innerHeight);
  return r;
}

const key = (el: HTMLElement, k: string, shiftKey = false) =>
  el.dispatchEvent(new KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true, composed: true, cancelable: true }));

export const MinimizedAudio: Story = {
  name: 'Minimized voice call',
  loaders: [minimized(false)],
  play: async ({ canvasElement }: Ctx) => {
    await opens(canvasElement);
    await until(() => expect(part(canvasElement, 'timer')?.textContent).toMatch(/^\d\d:\d\d:\d\d$/));
    expect(part(canvasElement, 'microphone')?.getAttribute('aria-pressed')).toBe('true');
    expect(part(canvasElement, 'hangup')?.getAttribute('aria-label')).toBe('Hang up');
  },
};

export const MinimizedVideo: Story = {
  name: 'Minimized video call',
  loaders: [minimized(true)],
  play: async ({ canvasElement }: Ctx) => {
    await opens(canvasElement);
    await until(() => expect((part(canvasElement, 'video') as HTMLVideoElement).readyState).toBeGreaterThanOrEqual(2));
    expect(part(canvasElement, 'name')?.textContent).toBe('Alice');
  },
};

export const Dialing: Story = {
  name: 'Minimized while dialing',
  loaders: [
    async ({ args }) => {
      const scene = await outgoing({ video: false, language: args.language });
      scene.kit.setMinimized(true);
      return { scene };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    await opens(canvasElement);
    expect(part(canvasElement, 'timer')?.textContent).toBe('Calling…');
  },
};

export const KeyboardMove: Story = {
  name: 'Moved by keyboard, kept in the viewport',
  loaders: [minimized(false)],
  play: async ({ canvasElement }: Ctx) => {
    const before = await opens(canvasElement);
    const restore = part(canvasElement, 'restore')!;
    restore.focus();
    key(restore, 'ArrowDown');
    await until(() => expect(part(canvasElement, 'base')!.getBoundingClientRect().top).toBeGreaterThan(before.top));
    // Home: to the start edge, keeping the 8px margin; big steps (Shift) down stop at the bottom margin.
    key(restore, 'Home');
    await until(() => expect(Math.round(part(canvasElement, 'base')!.getBoundingClientRect().left)).toBe(8));
    for (let i = 0; i < Math.ceil(innerHeight / 50) + 2; i++) key(restore, 'ArrowDown', true);
    await until(() => expect(Math.round(part(canvasElement, 'base')!.getBoundingClientRect().bottom)).toBe(innerHeight - 8));
    await opens(canvasElement);
  },
};

export const Chinese: Story = {
  name: 'zh-cn',
  args: { language: 'zh-cn' },
  loaders: [minimized(false)],
  play: async ({ canvasElement }: Ctx) => {
    await opens(canvasElement);
    expect(part(canvasElement, 'base')?.getAttribute('aria-label')).toBe('通话已最小化');
    expect(part(canvasElement, 'restore')?.getAttribute('aria-label')).toContain('返回通话');
  },
};

export const RightToLeft: Story = {
  name: 'RTL',
  args: { language: 'ar' },
  loaders: [minimized(true)],
  play: async ({ canvasElement }: Ctx) => {
    const r = await opens(canvasElement);
    // Starts at the top start corner: the left in a right-to-left language.
    expect(r.left).toBeLessThan(innerWidth - r.right);
  },
};

/** Inside `<call-kit>`: the call view is hidden and the float window shows; restoring brings it back. */
export const InCallKit: Story = {
  name: 'In <call-kit>: minimize and restore',
  loaders: [minimized(true)],
  render: (_args, { loaded }) => html`<call-kit .kit=${(loaded as Loaded).scene.kit} style="height: 100vh"></call-kit>`,
  play: async ({ canvasElement, loaded }) => {
    const ck = canvasElement.querySelector('call-kit')!;
    const fw = () => ck.shadowRoot?.querySelector('float-window');
    await waitFor(() => expect(fw()?.shadowRoot?.querySelector('.restore')).toBeTruthy(), { timeout: 8000 });
    (fw()!.shadowRoot!.querySelector('.restore') as HTMLButtonElement).click();
    await waitFor(() => expect((loaded as Loaded).scene.kit.store.getState().minimized).toBe(false), { timeout: 8000 });
  },
};

/** Outside `<call-kit>` (e.g. in the page's own corner), bound with `call-kit="id"`: its buttons act on that kit. */
export const OutsideCallKit: Story = {
  name: 'Outside <call-kit>, call-kit="id"',
  loaders: [minimized(false)],
  render: (_args, { loaded }) =>
    html`<call-kit id="story-kit" .kit=${(loaded as Loaded).scene.kit} allowed-minimized></call-kit><float-window call-kit="story-kit"></float-window>`,
  play: async ({ canvasElement, loaded }) => {
    const outside = canvasElement.querySelector('float-window[call-kit]')!;
    await waitFor(() => expect(outside.shadowRoot?.querySelector('[part~=microphone]')).toBeTruthy(), { timeout: 8000 });
    outside.shadowRoot!.querySelector<HTMLButtonElement>('[part~=microphone]')!.click();
    const { kit } = (loaded as Loaded).scene;
    await waitFor(() => expect(kit.store.getState().self.audioAvailable).toBe(false), { timeout: 8000 });
  },
};
