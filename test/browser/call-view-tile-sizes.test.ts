/**
 * `<call-view>` tells `<call-kit>` its tiles' rendered widths (`ck-tile-sizes`, issue 15: the SFU's
 * simulcast layer follows each tile's size): other members only, CSS width × devicePixelRatio,
 * debounced, only when they changed; a hidden view (the call minimized) has no visible tile.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/define-all.js';
import type { CallView } from '../../components/call-view/call-view.js';
import type { ParticipantTile } from '../../components/participant-tile/participant-tile.js';
import { CallMediaType, CallRole } from '../../src/constants.js';
import type { TileSizesEvent } from '../../src/events/requests.js';
import { CallStore } from '../../src/store/store.js';

const tileOf = (view: CallView, userId: string) =>
  view.shadowRoot!.querySelector<ParticipantTile>(`participant-tile[user-id="${userId}"]`)!;
const devicePx = (view: CallView, userId: string) => Math.round(tileOf(view, userId).getBoundingClientRect().width * devicePixelRatio);

describe('<call-view> tile sizes', function () {
  this.timeout(30_000);

  it('tells each other member’s tile width in device px as tiles resize, focus moves and the view hides', async () => {
    const store = new CallStore();
    store.dispatch({ type: 'login', userId: 'alice', name: 'Alice' });
    store.dispatch({
      type: 'call-start',
      role: CallRole.CALLER,
      callId: 'call-1',
      mediaType: CallMediaType.VIDEO,
      callerId: 'alice',
      members: [
        { userId: 'bob', name: 'Bob', status: 'accepted' },
        { userId: 'carol', name: 'Carol', status: 'accepted' },
        { userId: 'dave', name: 'Dave', status: 'accepted' },
      ],
    });
    store.dispatch({ type: 'call-connected' });
    for (const userId of ['bob', 'carol', 'dave']) store.dispatch({ type: 'member-stream', userId, stream: new MediaStream() });
    const told: Record<string, number>[] = [];
    const view = await fixture<CallView>(
      html`<call-view style="width: 640px; height: 480px" .store=${store} @ck-tile-sizes=${(e: TileSizesEvent) => told.push(e.detail.sizes)}></call-view>`,
    );
    const last = () => told[told.length - 1] ?? {};
    const matches = (ids: string[]) => {
      const sizes = last();
      return Object.keys(sizes).sort().join() === ids.join() && ids.every((id) => Math.abs(sizes[id] - devicePx(view, id)) <= 1);
    };

    await waitUntil(() => matches(['bob', 'carol', 'dave']), `the grid's widths (told ${JSON.stringify(told)})`, { timeout: 10_000 });
    expect(last().alice, 'never our own tile').to.equal(undefined);
    const small = last().bob;
    expect(small).to.be.greaterThan(100);

    // Nothing changed: re-renders (volume ticks) tell nothing new.
    const count = told.length;
    for (let i = 1; i <= 3; i++) store.dispatch({ type: 'volumes', volumes: { bob: i * 20 } });
    await new Promise((r) => setTimeout(r, 800));
    expect(told.length, 'no news, no event').to.equal(count);

    // Focusing bob: his tile takes two rows and columns.
    tileOf(view, 'bob').closest('.cell')!.querySelector<HTMLButtonElement>('[part~=focus-button]')!.click();
    await waitUntil(() => last().bob > small * 1.5 && matches(['bob', 'carol', 'dave']), `bob focused (told ${JSON.stringify(told)})`, {
      timeout: 10_000,
    });

    // A wider view: wider tiles.
    const focused = last().bob;
    view.style.width = '1000px';
    await waitUntil(() => last().bob > focused && matches(['bob', 'carol', 'dave']), `wider (told ${JSON.stringify(told)})`, {
      timeout: 10_000,
    });

    // carol leaves: her width is no longer told.
    store.dispatch({ type: 'member-upsert', userId: 'carol', status: 'left' });
    await waitUntil(() => matches(['bob', 'dave']), `carol left (told ${JSON.stringify(told)})`, { timeout: 10_000 });

    // The view hidden (the call minimized to the float window): no visible tile.
    view.style.display = 'none';
    await waitUntil(() => Object.keys(last()).length === 0, `hidden (told ${JSON.stringify(told)})`, { timeout: 10_000 });
  });
});
