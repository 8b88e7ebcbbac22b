import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    position: relative;
    isolation: isolate;
    container: call-view / inline-size;
    --_stage: light-dark(#eef0f3, #1f2329);
    --_on-stage: light-dark(#1f2329, #f5f6f7);
    --_muted: light-dark(#4e5461, #b8bec9);
    --_toast-bg: light-dark(rgb(31 35 41 / 0.88), rgb(245 246 247 / 0.92));
    --_toast-fg: light-dark(#ffffff, #1f2329);
    --_space: var(--ck-space-4, 16px);
    --_peer-avatar-size: var(--ck-call-view-avatar-size, 112px);
    --_grid-gap: var(--ck-call-view-grid-gap, var(--ck-space-2, 8px));
    font-family: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }
  [part='base'] {
    position: relative;
    display: flex;
    flex-direction: column;
    inline-size: 100%;
    block-size: var(--ck-call-view-height, 100%);
    min-block-size: var(--ck-call-view-min-height, 360px);
    overflow: hidden;
    box-sizing: border-box;
    border-radius: var(--ck-call-view-radius, 0);
    background: var(--ck-call-view-background, var(--ck-color-stage, var(--_stage)));
    color: var(--ck-call-view-color, var(--ck-color-on-stage, var(--_on-stage)));
  }
  /* A video fills the stage: overlay text goes white on scrims. */
  .over-video {
    --_muted: rgb(255 255 255 / 0.85);
    color: #ffffff;
  }
  /*
   * Every tile sits in one container (call-tiles.ts), whatever the layout, so none is ever remade.
   * The 1v1 stage fills the screen behind the bars (no z-index here: the picture-in-picture stays
   * above the top bar); a 1v1 audio tile and the group grid sit in the flow between the top bar
   * and the content (flex order), which then holds only the tip.
   */
  .tiles {
    position: absolute;
    inset: 0;
  }
  .tiles.flow {
    position: relative;
    z-index: 1;
    order: 1;
    flex: 1 1 auto;
    min-block-size: 0;
    inset: auto;
    display: flex;
    flex-direction: column;
    padding-inline: var(--_space);
    box-sizing: border-box;
  }
  .tiled .content {
    order: 2;
    flex: 0 0 auto;
  }
  .tiled [part='footer'] {
    order: 3;
  }
  .backdrop {
    position: absolute;
    inset: 0;
    z-index: 0;
  }
  .backdrop participant-tile,
  .main participant-tile {
    inline-size: 100%;
    block-size: 100%;
    --ck-participant-tile-radius: 0;
  }
  .audio .main participant-tile {
    --ck-participant-tile-background: transparent;
    --ck-participant-tile-color: inherit;
    --ck-participant-tile-avatar-size: var(--_peer-avatar-size);
    --ck-participant-tile-font-size: 1.25rem;
  }
  [part='header'],
  [part='footer'] {
    position: relative;
    z-index: 2;
    padding: var(--_space);
  }
  [part='header'] {
    display: grid;
    grid-template-columns: 1fr auto 1fr;
    align-items: center;
    gap: var(--ck-space-2, 8px);
    min-block-size: 1.5rem;
  }
  .header-end {
    justify-self: end;
    display: flex;
    align-items: center;
    gap: var(--ck-space-2, 8px);
  }
  .pill {
    font: inherit;
    font-size: 0.8125rem;
    color: inherit;
    min-block-size: 32px;
    padding-inline: var(--ck-space-3, 12px);
    border: 1px solid currentColor;
    border-radius: 16px;
    background: rgb(0 0 0 / 0.25);
    cursor: pointer;
  }
  dialog {
    inline-size: min(440px, calc(100% - 32px));
    padding: 0;
    border: 0;
    border-radius: var(--ck-radius, 12px);
    background: transparent;
    color: inherit;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.5);
  }
  .over-video [part='header'] {
    background: linear-gradient(rgb(0 0 0 / 0.45), transparent);
  }
  .over-video [part='footer'] {
    background: linear-gradient(transparent, rgb(0 0 0 / 0.5));
  }
  [part='timer'] {
    font-variant-numeric: tabular-nums;
    font-size: var(--ck-call-view-timer-size, 0.9375rem);
  }
  .content {
    position: relative;
    z-index: 1;
    flex: 1 1 auto;
    min-block-size: 0;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: var(--ck-space-2, 8px);
    padding-inline: var(--_space);
    text-align: center;
  }
  .tiles .main {
    flex: 1 1 auto;
    inline-size: 100%;
    min-block-size: 0;
  }
  [part='peer'] {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: var(--ck-space-3, 12px);
    max-inline-size: 100%;
  }
  [part='avatar'] {
    display: grid;
    place-items: center;
    inline-size: var(--_peer-avatar-size);
    block-size: var(--_peer-avatar-size);
    border-radius: var(--ck-call-view-avatar-radius, var(--ck-radius-avatar, 50%));
    overflow: hidden;
    object-fit: cover;
    background: var(--ck-color-accent, #1c66e5);
    color: #ffffff;
    font-size: 2.75rem;
    font-weight: 600;
    text-transform: uppercase;
  }
  [part='name'] {
    font-size: var(--ck-call-view-name-size, 1.375rem);
    font-weight: 600;
    max-inline-size: 100%;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part='tip'] {
    margin: 0;
    color: var(--ck-call-view-tip-color, var(--_muted));
  }
  [part='tip']:empty {
    display: none;
  }
  [part='pip'] {
    position: absolute;
    z-index: 3;
    inset-block-start: calc(var(--_space) * 3.5);
    inset-inline-end: var(--_space);
    inline-size: var(--ck-call-view-pip-width, clamp(96px, 24%, 240px));
    aspect-ratio: var(--ck-call-view-pip-aspect-ratio, 3 / 4);
    border-radius: var(--ck-call-view-pip-radius, var(--ck-radius, 12px));
    overflow: hidden;
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.35);
    --ck-participant-tile-avatar-size: 40px;
    --ck-participant-tile-font-size: 0.75rem;
  }
  .ringing-preview {
    position: absolute;
    z-index: 3;
    inset-block-start: calc(var(--_space) * 3.5);
    inset-inline-end: var(--_space);
    display: grid;
    place-items: center;
    inline-size: var(--ck-call-view-pip-width, clamp(96px, 24%, 240px));
    aspect-ratio: var(--ck-call-view-pip-aspect-ratio, 3 / 4);
    border-radius: var(--ck-call-view-pip-radius, var(--ck-radius, 12px));
    overflow: hidden;
    background: rgb(0 0 0 / 0.45);
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.35);
  }
  .ringing-preview video {
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
    transform: scaleX(-1);
  }
  .ringing-preview .camera-off svg {
    inline-size: 32px;
    block-size: 32px;
  }
  .ringing-preview button {
    position: absolute;
    inset-block-end: var(--ck-space-2, 8px);
    display: grid;
    place-items: center;
    inline-size: 44px;
    block-size: 44px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    color: #ffffff;
    background: rgb(0 0 0 / 0.55);
    cursor: pointer;
  }
  .ringing-preview button[aria-pressed='false'] {
    color: #1f2329;
    background: #ffffff;
  }
  [part='pip'] participant-tile {
    inline-size: 100%;
    block-size: 100%;
  }
  .tiles[part='grid'] {
    display: grid;
    grid-template-columns: repeat(var(--_columns), minmax(0, 1fr));
    --_columns: 2;
    grid-auto-rows: minmax(0, 1fr);
    gap: var(--_grid-gap);
    inline-size: 100%;
    padding-block: var(--ck-space-2, 8px);
  }
  [part='grid'].columns-3 {
    --_columns: 3;
  }
  /* An odd tile out in the last row is centred: 3 tiles (2 columns), 4 or 7 tiles (3 columns). */
  [part='grid']:not(.focused).columns-2 .cell:last-child:nth-child(odd) {
    grid-column: 1 / -1;
    justify-self: center;
    inline-size: calc((100% - var(--_grid-gap)) / 2);
  }
  [part='grid']:not(.focused).columns-3 .cell:last-child:nth-child(3n + 1) {
    grid-column: 2;
  }
  [part='grid'] participant-tile {
    inline-size: 100%;
    block-size: 100%;
    min-block-size: var(--ck-call-view-grid-tile-min-height, 96px);
    --ck-participant-tile-avatar-size: 56px;
  }
  .cell {
    position: relative;
    min-block-size: 0;
  }
  /* The focused tile takes the first two rows and columns. */
  .focused .cell[data-focused] {
    grid-column: span 2;
    grid-row: span 2;
    --ck-participant-tile-avatar-size: 96px;
  }
  /* Transparent buttons over the picture-in-picture and the grid tiles: the tile stays visible. */
  .cover {
    all: unset;
    position: absolute;
    inset: 0;
    z-index: 1;
    cursor: pointer;
    border-radius: inherit;
  }
  .cover:focus-visible {
    outline: 3px solid var(--ck-color-focus, #1c66e5);
    outline-offset: -3px;
  }
  .cell .cover {
    border-radius: var(--ck-participant-tile-radius, var(--ck-radius, 12px));
  }
  /* Connecting: a ring turning around the other side's avatar. */
  .spinner-ring {
    position: relative;
    display: grid;
    place-items: center;
    padding: 6px;
    border-radius: 50%;
    border: 3px solid transparent;
    border-block-start-color: var(--ck-color-accent, #1c66e5);
  }
  .spinner {
    display: inline-block;
    inline-size: 0.9em;
    block-size: 0.9em;
    margin-inline-end: 0.5em;
    vertical-align: -0.1em;
    border-radius: 50%;
    border: 2px solid currentColor;
    border-inline-end-color: transparent;
  }
  @media (prefers-reduced-motion: no-preference) {
    .spinner-ring,
    .spinner {
      animation: ck-spin 900ms linear infinite;
    }
    .spinner-ring > * {
      animation: ck-spin 900ms linear infinite reverse;
    }
    @keyframes ck-spin {
      to {
        transform: rotate(1turn);
      }
    }
  }
  /* Narrow containers (phones, side panels): full-bleed portrait layout. */
  @container call-view (max-width: 480px) {
    [part='base'] {
      border-radius: 0;
      min-block-size: var(--ck-call-view-min-height-narrow, 100%);
    }
    [part='pip'] {
      inline-size: var(--ck-call-view-pip-width-narrow, 30%);
      inset-block-start: calc(var(--_space) * 3);
    }
    [part='grid'] {
      --_columns: 2 !important;
    }
    [part='footer'] {
      padding-block-end: calc(var(--_space) * 1.5);
      --ck-feature-buttons-size: 52px;
      --ck-feature-buttons-gap: var(--ck-space-4, 16px);
    }
  }
  /* A connected 1v1 audio call: the button to ask for video, and a pending request's prompt. */
  .video-request {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: var(--ck-space-2, 8px);
  }
  [part='video-request-text'] {
    margin: 0;
    text-align: center;
  }
  [part='video-request-text']:empty {
    display: none;
  }
  .video-request-actions {
    display: flex;
    gap: var(--ck-space-3, 12px);
  }
  .video-request button {
    min-block-size: 44px;
    padding-inline: var(--ck-space-4, 16px);
    border: 1px solid currentColor;
    border-radius: 22px;
    background: transparent;
    color: inherit;
    font: inherit;
    cursor: pointer;
  }
  .video-request [part='video-request-accept'] {
    border-color: transparent;
    background: var(--ck-call-view-accept-background, #17783f);
    color: #ffffff;
  }
  .video-request button:focus-visible {
    outline: 3px solid var(--ck-color-focus, #1c66e5);
    outline-offset: 2px;
  }
  .toasts {
    position: absolute;
    z-index: 4;
    inset-inline: 0;
    inset-block-start: 38%;
    display: flex;
    justify-content: center;
    pointer-events: none;
  }
  :host(:state(idle)) .toasts {
    position: static;
  }
  [part='toast'] {
    max-inline-size: min(90%, 28rem);
    padding-block: var(--ck-space-2, 8px);
    padding-inline: var(--ck-space-4, 16px);
    border-radius: var(--ck-call-view-toast-radius, var(--ck-radius, 12px));
    background: var(--ck-call-view-toast-background, var(--_toast-bg));
    color: var(--ck-call-view-toast-color, var(--_toast-fg));
    text-align: center;
  }
  [part='toast']:empty {
    display: none;
  }
  [part='toast'][data-type='error'] {
    background: var(--ck-call-view-toast-error-background, var(--ck-color-hangup-dark, #b42323));
    color: #ffffff;
  }
  @media (prefers-reduced-motion: no-preference) {
    [part='toast'] {
      animation: ck-toast-in 180ms ease-out;
    }
    @keyframes ck-toast-in {
      from {
        opacity: 0;
        transform: translateY(6px);
      }
    }
  }
`;
