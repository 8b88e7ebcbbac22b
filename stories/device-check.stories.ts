import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, waitFor } from 'storybook/test';
import type { DeviceCheck } from '../components/device-check/device-check.js';

type Ctx = { canvasElement: HTMLElement };

/**
 * `<device-check>`: camera preview, live microphone level, a test sound on the chosen speaker and
 * the device lists, before a call or from the call view ("Check devices"). It captures with the
 * browser's devices (Chromium's fake camera and microphone in the story tests); the permission
 * stories make the browser answer "ask" or "blocked" (the Permissions API and `getUserMedia`
 * answer as a browser does in that state).
 */
const meta = {
  title: 'Elements/device-check',
  component: 'device-check',
  render: () => html`<device-check style="max-width: 420px"></device-check>`,
} satisfies Meta;
export default meta;
type Story = StoryObj;

const until = (check: () => void) => waitFor(check, { timeout: 10_000 });
const check = (canvas: HTMLElement) => canvas.querySelector<DeviceCheck>('device-check')!;
const part = (canvas: HTMLElement, name: string) => check(canvas).shadowRoot!.querySelector<HTMLElement>(`[part~=${name}]`);

/** Makes the browser answer as in `state` for camera and microphone; returns the undo. */
function permissions(state: 'prompt' | 'denied'): () => void {
  const query = navigator.permissions.query.bind(navigator.permissions);
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.permissions.query = (d) =>
    d.name === 'camera' || d.name === ('microphone' as PermissionName) ? Promise.resolve({ state } as PermissionStatus) : query(d);
  if (state === 'denied') {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  }
  return () => {
    navigator.permissions.query = query;
    navigator.mediaDevices.getUserMedia = getUserMedia;
  };
}

/** Camera and microphone running: the preview plays, the level moves; Done stops every track. */
export const Live: Story = {
  parameters: { visual: { skip: "the fake camera's frames and the microphone level move" } },
  play: async ({ canvasElement }: Ctx) => {
    const el = check(canvasElement);
    await until(() => expect(el.status === 'live' || el.status === 'prompt').toBe(true));
    if (el.status === 'prompt') part(canvasElement, 'start')!.click();
    await until(() => expect(el.stream).not.toBeNull());
    const tracks = el.stream!.getTracks();
    await until(() => expect(Number(part(canvasElement, 'meter')!.getAttribute('aria-valuenow'))).toBeGreaterThan(0));
    expect(part(canvasElement, 'camera-toggle')!.getAttribute('aria-pressed')).toBe('true');
    part(canvasElement, 'done')!.click();
    expect(tracks.every((t) => t.readyState === 'ended')).toBe(true);
  },
};

/** The browser will ask: the check explains why and waits for the user's click. */
export const AskPermission: Story = {
  name: 'Permission: ask',
  beforeEach: () => permissions('prompt'),
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(part(canvasElement, 'start')).not.toBeNull());
    expect(part(canvasElement, 'start')!.textContent).toContain('Allow camera and microphone');
    expect(check(canvasElement).stream).toBeNull();
  },
};

/** Blocked by the browser: how to allow it in the site settings, and "Try again". */
export const Blocked: Story = {
  name: 'Permission: blocked',
  beforeEach: () => permissions('denied'),
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(part(canvasElement, 'retry')).not.toBeNull());
    expect(part(canvasElement, 'help')!.textContent).toContain('address bar');
    expect(check(canvasElement).matches(':state(denied)')).toBe(true);
  },
};
