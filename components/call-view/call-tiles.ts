/**
 * The tiles of `<call-view>`: every layout (the 1v1 stage, the 1v1 audio tile, the group grid) is
 * one keyed list in one container with one item template, so a member's `<participant-tile>`
 * (and its `<video>`) is the same element for the whole call: a swap, a focus change, the call
 * connecting or a 1v1 becoming a group (issue 15: a third member joins) moves it and changes its
 * attributes, never makes a new one. The layout itself is CSS (`call-view.styles.ts`, `.tiles`).
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { repeat } from 'lit/directives/repeat.js';
import { LayoutMode } from '../../src/constants.js';

/**
 * `stage`: a 1v1 video call (the large video, or the local one behind the dialing screen, and the
 * picture-in-picture) fills the screen behind the bars; `main`: a 1v1 audio call's tile; `grid`: a
 * group call. The last two sit in the flow between the top bar and the content.
 */
export type TilesMode = 'stage' | 'main' | 'grid';

/** Where a tile is: `data-place` of its `<participant-tile>`. */
export type TilePlace = 'main' | 'pip' | 'grid';

export interface TilesLayout {
  mode: TilesMode;
  /** In order. */
  items: { id: string; place: TilePlace; part?: string; cls: string }[];
  /** Grid: the member shown large ('' none). */
  focused: string;
  /** Grid: 2 columns up to 4 members, 3 above. */
  columns: 2 | 3;
}

/** What the layout depends on (the call view's `View` and its own state). */
export interface TilesInput {
  group: boolean;
  video: boolean;
  ringing: boolean;
  /** Dialing, or answered and the media path not up yet. */
  settingUp: boolean;
  connecting: boolean;
  connected: boolean;
  /** Status `calling` (dialing or ringing, not yet connected). */
  calling: boolean;
  selfId: string;
  selfVideo: boolean;
  remoteIds: readonly string[];
  focusedId: string;
  layout: LayoutMode;
}

/** The 1v1 tiles: `main` fills the stage (video) or the content area (audio), `pip` floats. */
function oneToOne(i: TilesInput): { main: string | undefined; pip: string | undefined } {
  const remote = i.remoteIds[0];
  if (!i.video) return { main: remote, pip: undefined };
  return i.layout === LayoutMode.LOCAL_LARGE ? { main: i.selfId, pip: remote } : { main: remote, pip: i.selfId };
}

export function tilesLayout(i: TilesInput): TilesLayout {
  if (i.group && !i.ringing) {
    const ids = [i.selfId, ...i.remoteIds].filter(Boolean);
    const focused = ids.includes(i.focusedId) ? i.focusedId : '';
    const ordered = focused ? [focused, ...ids.filter((id) => id !== focused)] : ids;
    return { mode: 'grid', items: ordered.map((id) => ({ id, place: 'grid', cls: 'cell' })), focused, columns: ids.length <= 4 ? 2 : 3 };
  }
  const none: TilesLayout = { mode: 'stage', items: [], focused: '', columns: 2 };
  if (i.group) return none;
  const settled = !i.ringing && !i.calling && !i.connecting;
  if (!i.video) {
    const { main } = oneToOne(i);
    return settled && main ? { ...none, mode: 'main', items: [{ id: main, place: 'main', part: 'main', cls: 'main' }] } : none;
  }
  const dialingOverVideo = i.settingUp && i.selfVideo;
  const { main, pip } = i.connected && !i.connecting ? oneToOne(i) : { main: undefined, pip: undefined };
  const backdrop = dialingOverVideo ? i.selfId : main;
  const items: TilesLayout['items'] = [];
  if (backdrop) items.push({ id: backdrop, place: 'main', part: dialingOverVideo ? 'backdrop' : 'main', cls: 'backdrop' });
  if (pip) items.push({ id: pip, place: 'pip', part: 'pip', cls: '' });
  return { ...none, items };
}

export interface TilesContext {
  t(key: 'swap-views' | 'focus-tile' | 'people-in-call', params?: Record<string, string | number>): string;
  nameOf(userId: string): string;
  /** The member's `<participant-tile>` (one template for every place). */
  tile(userId: string, place: TilePlace): TemplateResult;
  swap(): void;
  /** Focuses `userId` ('' unfocuses). */
  focus(userId: string): void;
}

/** The one container of every tile, keyed by member. */
export function renderTiles(ctx: TilesContext, layout: TilesLayout): TemplateResult {
  const grid = layout.mode === 'grid';
  const classes = [
    'tiles',
    layout.mode,
    layout.mode === 'stage' ? '' : 'flow',
    grid ? `columns-${layout.columns}` : '',
    layout.focused ? 'focused' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const swapLabel = ctx.t('swap-views');
  return html`<div
    part=${ifDefined(grid ? 'grid' : undefined)}
    class=${classes}
    role=${ifDefined(grid ? 'group' : undefined)}
    aria-label=${ifDefined(grid ? ctx.t('people-in-call', { count: layout.items.length }) : undefined)}
  >
    ${repeat(
      layout.items,
      (item) => item.id,
      (item) => {
        const focused = grid && item.id === layout.focused;
        const button =
          item.place === 'pip'
            ? html`<button type="button" part="swap-button" class="cover" aria-label=${swapLabel} title=${swapLabel} @click=${() => ctx.swap()}></button>`
            : grid
              ? html`<button
                  type="button"
                  part="focus-button"
                  class="cover"
                  aria-label=${ctx.t('focus-tile', { name: ctx.nameOf(item.id) })}
                  aria-pressed=${focused ? 'true' : 'false'}
                  @click=${() => ctx.focus(focused ? '' : item.id)}
                ></button>`
              : nothing;
        return html`<div part=${ifDefined(item.part)} class=${item.cls} ?data-focused=${focused}>${ctx.tile(item.id, item.place)}${button}</div>`;
      },
    )}
  </div>`;
}
