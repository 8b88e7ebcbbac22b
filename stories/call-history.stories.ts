import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, fn, waitFor } from 'storybook/test';
import type { HistoryRecord } from '../components/call-history/call-history.js';
import { CallStore } from '../src/store/store.js';

type Loaded = { store: CallStore };
type Ctx = { canvasElement: HTMLElement; loaded: Record<string, unknown> };

// A fixed clock: the stories render the same times in every run (and in the visual baselines).
const T0 = Date.UTC(2026, 11, 3, 9, 30);
const RECORDS: HistoryRecord[] = [
  {
    callId: 'c1',
    callerId: 'me',
    mediaType: 'video',
    members: [{ userId: 'bob', outcome: 'accepted' }],
    startedAt: T0,
    connectedAt: T0 + 4000,
    durationMs: 754_000,
  },
  {
    callId: 'c2',
    callerId: 'carol',
    mediaType: 'audio',
    members: [{ userId: 'me', outcome: 'no-answer' }],
    startedAt: T0 - 3_600_000,
    durationMs: 0,
  },
  {
    callId: 'c3',
    callerId: 'me',
    mediaType: 'audio',
    members: [
      { userId: 'dave', outcome: 'rejected' },
      { userId: 'erin', outcome: 'busy' },
    ],
    startedAt: T0 - 86_400_000,
    durationMs: 0,
  },
  {
    callId: 'c4',
    callerId: 'frank',
    mediaType: 'video',
    members: [{ userId: 'me', outcome: 'offline' }],
    startedAt: T0 - 2 * 86_400_000,
    durationMs: 0,
  },
];
const NAMES = { bob: 'Bob', carol: 'Carol', dave: 'Dave', erin: 'Erin', frank: 'Frank' };

/** `<call-history>`: recent calls from `callKit.getCallRecords()`, with a call-back button each. */
const meta = {
  title: 'Elements/call-history',
  component: 'call-history',
  render: (_args, { loaded }) =>
    html`<call-history .store=${(loaded as Loaded).store} .records=${RECORDS} .names=${NAMES} style="max-width: 420px"></call-history>`,
  loaders: [
    async () => {
      const store = new CallStore();
      store.dispatch({ type: 'login', userId: 'me', name: 'Me' });
      return { store };
    },
  ],
} satisfies Meta;
export default meta;
type Story = StoryObj;

export const RecentCalls: Story = {
  name: 'recent calls (answered, missed, declined, offline)',
  play: async ({ canvasElement }: Ctx) => {
    const root = () => canvasElement.querySelector('call-history')!.shadowRoot!;
    await waitFor(() => expect(root().querySelectorAll('[part~=item]').length).toBe(4), { timeout: 8000 });
    expect(root().querySelectorAll('[part=badge]').length).toBe(2);
    const spy = fn();
    canvasElement.addEventListener('ck-call-back-request', (e) => spy((e as CustomEvent).detail));
    root().querySelector<HTMLButtonElement>('button')!.click();
    expect(spy).toHaveBeenCalledWith({ userIDList: ['bob'], type: 2 });
  },
};

export const Empty: Story = {
  name: 'no calls yet',
  render: (_args, { loaded }) => html`<call-history .store=${(loaded as Loaded).store} style="max-width: 420px"></call-history>`,
};

export const WithPresence: Story = {
  name: 'with presence (online, busy, offline)',
  loaders: [
    async () => {
      const store = new CallStore();
      store.dispatch({ type: 'login', userId: 'me', name: 'Me' });
      // As `callKit.subscribePresence(['bob', 'carol', 'frank'])` leaves it.
      store.dispatch({
        type: 'presence',
        users: [
          { userId: 'bob', status: 'online' },
          { userId: 'carol', status: 'busy' },
          { userId: 'frank', status: 'offline' },
        ],
      });
      return { store };
    },
  ],
  play: async ({ canvasElement }: Ctx) => {
    const root = () => canvasElement.querySelector('call-history')!.shadowRoot!;
    await waitFor(() => expect(root().querySelectorAll('[part~=presence]').length).toBe(3), { timeout: 8000 });
    const labels = [...root().querySelectorAll('[part~=presence]')].map((d) => d.getAttribute('aria-label'));
    expect(labels).toEqual(['Online', 'Busy (in a call)', 'Offline']);
  },
};
