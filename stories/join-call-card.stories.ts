import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, fn, waitFor } from 'storybook/test';
import { CallMediaType } from '../src/constants.js';
import { CallStore } from '../src/store/store.js';
import { PEOPLE } from './support/scenario.js';

type Loaded = { store: CallStore };
type Ctx = { canvasElement: HTMLElement; loaded: Record<string, unknown> };

/** `<join-call-card group-id>`: the running call of a group ("N people in the call", avatars, Join). */
const meta = {
  title: 'Elements/join-call-card',
  component: 'join-call-card',
  render: (_args, { loaded }) =>
    html`<join-call-card group-id="team" .store=${(loaded as Loaded).store} style="max-width: 360px"></join-call-card>`,
} satisfies Meta;
export default meta;
type Story = StoryObj;

function groupCall(size: number): CallStore {
  const store = new CallStore();
  store.dispatch({ type: 'login', userId: 'me', name: 'Me' });
  store.dispatch({
    type: 'group-call',
    groupId: 'team',
    call: {
      callId: 'team-call',
      mediaType: CallMediaType.VIDEO,
      members: PEOPLE.slice(0, size).map((p) => ({ ...p, status: 'accepted' as const })),
    },
  });
  return store;
}

export const SixPeople: Story = {
  name: '6 people in the call',
  loaders: [async () => ({ store: groupCall(6) })],
  play: async ({ canvasElement }: Ctx) => {
    const root = () => canvasElement.querySelector('join-call-card')!.shadowRoot!;
    await waitFor(() => expect(root().querySelectorAll('[part~=avatar]').length).toBe(4), { timeout: 8000 });
    expect(root().textContent).toMatch(/6/);
    const spy = fn();
    canvasElement.addEventListener('ck-join-request', (e) => spy((e as CustomEvent).detail));
    root().querySelector<HTMLButtonElement>('button')!.click();
    expect(spy).toHaveBeenCalledWith({ callId: 'team-call' });
  },
};
