import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, fn, waitFor } from 'storybook/test';
import type { CallStore } from '../src/store/store.js';
import { PEOPLE } from './support/scenario.js';
import { connectedStore } from './support/stores.js';

type Loaded = { store: CallStore };
type Ctx = { canvasElement: HTMLElement; loaded: Record<string, unknown> };

/** `<invite-panel>`: pick people to add to a running call (members already in it are disabled; 9 at most). */
const meta = {
  title: 'Elements/invite-panel',
  component: 'invite-panel',
  render: (_args, { loaded }) =>
    html`<invite-panel .store=${(loaded as Loaded).store} .candidates=${PEOPLE} style="max-width: 360px"></invite-panel>`,
} satisfies Meta;
export default meta;
type Story = StoryObj;

const until = (check: () => void) => waitFor(check, { timeout: 8000 });
const boxes = (canvas: HTMLElement) => [
  ...canvas.querySelector('invite-panel')!.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type=checkbox]'),
];

export const InCall: Story = {
  name: 'During a call with Alice and Bob',
  loaders: [async () => ({ store: connectedStore({ others: PEOPLE.slice(0, 2) }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(boxes(canvasElement)).toHaveLength(PEOPLE.length));
    expect(boxes(canvasElement).filter((b) => b.disabled && b.checked)).toHaveLength(2);
    const spy = fn();
    canvasElement.addEventListener('ck-invite-request', (e) => spy((e as CustomEvent).detail));
    boxes(canvasElement)[2]!.click();
    await until(() =>
      expect(canvasElement.querySelector('invite-panel')!.shadowRoot!.querySelector<HTMLButtonElement>('.submit')!.disabled).toBe(false),
    );
    canvasElement.querySelector('invite-panel')!.shadowRoot!.querySelector<HTMLButtonElement>('.submit')!.click();
    expect(spy).toHaveBeenCalledWith({ userIDList: [PEOPLE[2]!.userId] });
  },
};

export const Full: Story = {
  name: 'Call of 9: nobody more',
  loaders: [async () => ({ store: connectedStore({ video: false, others: PEOPLE.slice(0, 8) }) })],
  play: async ({ canvasElement }: Ctx) => {
    await until(() => expect(boxes(canvasElement)).toHaveLength(PEOPLE.length));
    expect(boxes(canvasElement).every((b) => b.disabled)).toBe(true);
    expect(canvasElement.querySelector('invite-panel')!.shadowRoot!.querySelector('[role=status]')?.textContent).toMatch(/9/);
  },
};
