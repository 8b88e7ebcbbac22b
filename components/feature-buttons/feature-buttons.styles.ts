import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    --_size: var(--ck-feature-buttons-size, 56px);
    --_gap: var(--ck-feature-buttons-gap, var(--ck-space-6, 24px));
    --_toggle-on-bg: var(--ck-feature-buttons-on-background, rgb(128 128 128 / 0.28));
    --_toggle-off-bg: var(--ck-feature-buttons-off-background, light-dark(#1f2329, #f5f6f7));
    --_toggle-off-fg: var(--ck-feature-buttons-off-color, light-dark(#ffffff, #1f2329));
    --_accept: var(--ck-color-accept, #0abf77);
    --_hangup: var(--ck-color-hangup, #e54545);
    --_on-action: var(--ck-color-on-action, #ffffff);
    color: var(--ck-feature-buttons-color, currentColor);
    font-family: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--ck-feature-buttons-font-size, var(--ck-font-size-small, 0.8125rem));
  }
  [part='base'] {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    justify-content: center;
    gap: var(--_gap);
  }
  button {
    all: unset;
    box-sizing: border-box;
    display: inline-flex;
    flex-direction: column;
    align-items: center;
    gap: var(--ck-space-2, 8px);
    min-inline-size: var(--_size);
    max-inline-size: calc(var(--_size) * 2);
    cursor: pointer;
    color: inherit;
    text-align: center;
    -webkit-tap-highlight-color: transparent;
  }
  /* span.icon: the chevron icon given to <speaker-output-menu> (an svg.icon of this shadow tree) is not one. */
  span.icon {
    display: grid;
    place-items: center;
    inline-size: var(--_size);
    block-size: var(--_size);
    border-radius: var(--ck-feature-buttons-radius, 50%);
    background: var(--_toggle-on-bg);
    color: inherit;
  }
  .icon ::slotted(*),
  .icon svg {
    inline-size: calc(var(--_size) * 0.45);
    block-size: calc(var(--_size) * 0.45);
  }
  button:focus-visible .icon {
    outline: 3px solid var(--_focus);
    outline-offset: 3px;
  }
  button:hover .icon {
    filter: brightness(1.12);
  }
  button:active .icon {
    filter: brightness(0.92);
  }
  button[aria-pressed='false'] .icon {
    background: var(--_toggle-off-bg);
    color: var(--_toggle-off-fg);
  }
  .accept .icon {
    background: var(--_accept);
    color: var(--_on-action);
  }
  .hangup .icon,
  .reject .icon {
    background: var(--_hangup);
    color: var(--_on-action);
  }
  [part~='label'] {
    line-height: 1.25;
  }
  /* The speaker toggle with its output chevron (<speaker-output-menu>), a small round button on the
     icon's lower end edge; the list of outputs opens above the group (its anchor). */
  .speaker-group {
    position: relative;
    display: flex;
    --_chevron: max(24px, calc(var(--_size) * 0.43));
    anchor-name: --ck-speaker-output;
  }
  speaker-output-menu {
    position: absolute;
    inset-block-start: calc(var(--_size) * 0.86 - var(--_chevron) / 2);
    inset-inline-start: calc(50% + var(--_size) * 0.38 - var(--_chevron) / 2);
    --ck-speaker-output-menu-button-size: var(--_chevron);
    --ck-speaker-output-menu-button-background: var(--_toggle-off-bg);
    --ck-speaker-output-menu-button-color: var(--_toggle-off-fg);
    --ck-speaker-output-menu-offset: calc(var(--_size) * 2 + var(--_gap));
  }
  @media (prefers-reduced-motion: no-preference) {
    span.icon {
      transition:
        filter 120ms ease-out,
        background-color 120ms ease-out,
        transform 120ms ease-out;
    }
    button:active .icon {
      transform: scale(0.95);
    }
  }
  @media (forced-colors: active) {
    span.icon {
      border: 1px solid ButtonText;
    }
    button[aria-pressed='false'] .icon {
      background: ButtonText;
      color: ButtonFace;
    }
  }
`;
