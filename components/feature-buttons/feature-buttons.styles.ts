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
  .icon {
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
  /* The speaker toggle with its output chevron, a small round button on the icon's lower end edge. */
  .speaker-group {
    position: relative;
    display: flex;
    --_chevron: max(24px, calc(var(--_size) * 0.43));
  }
  button.speaker-output {
    position: absolute;
    inset-block-start: calc(var(--_size) * 0.86 - var(--_chevron) / 2);
    inset-inline-start: calc(50% + var(--_size) * 0.38 - var(--_chevron) / 2);
    display: grid;
    place-items: center;
    inline-size: var(--_chevron);
    block-size: var(--_chevron);
    min-inline-size: 0;
    border-radius: 50%;
    background: var(--_toggle-off-bg);
    color: var(--_toggle-off-fg);
  }
  .speaker-output ::slotted(*),
  .speaker-output svg {
    inline-size: 70%;
    block-size: 70%;
  }
  .speaker-output:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .speaker-output:hover {
    filter: brightness(1.12);
  }
  /* The list of outputs: a panel centred at the bottom of the viewport, above the buttons (in the
     top layer with the Popover API, a fixed box on top without it); above the speaker button where
     anchor positioning exists. */
  [part~='speaker-menu'] {
    --_surface: light-dark(#ffffff, #2b2f36);
    --_text: light-dark(#1f2329, #f5f6f7);
    position: fixed;
    inset: auto 0 calc(var(--_size) * 2 + var(--_gap)) 0;
    z-index: 2147483647;
    box-sizing: border-box;
    inline-size: max-content;
    min-inline-size: 12rem;
    max-inline-size: min(22rem, calc(100vw - 2 * var(--ck-space-4, 16px)));
    max-block-size: calc(100vh - 2 * var(--ck-space-4, 16px));
    overflow: auto;
    margin: 0 auto;
    padding: var(--ck-space-1, 4px);
    border: 1px solid transparent;
    border-radius: var(--ck-radius, 12px);
    background: var(--ck-color-surface, var(--_surface));
    color: var(--ck-color-text, var(--_text));
    box-shadow: var(--ck-shadow, 0 8px 28px rgb(0 0 0 / 0.22));
  }
  @supports (position-area: top) {
    .speaker-group {
      anchor-name: --ck-speaker-output;
    }
    [part~='speaker-menu'] {
      position-anchor: --ck-speaker-output;
      position-area: top;
      position-try-fallbacks: flip-block;
      inset: auto;
      margin: 0;
      margin-block-end: var(--ck-space-2, 8px);
    }
  }
  button.speaker-option {
    display: flex;
    flex-direction: row;
    align-items: center;
    gap: var(--ck-space-2, 8px);
    inline-size: 100%;
    min-inline-size: 0;
    max-inline-size: none;
    min-block-size: 36px;
    padding-block: var(--ck-space-2, 8px);
    padding-inline: var(--ck-space-2, 8px) var(--ck-space-4, 16px);
    border-radius: var(--ck-radius-small, 6px);
    text-align: start;
    overflow-wrap: anywhere;
  }
  .speaker-option::before {
    content: '';
    flex: none;
    inline-size: 1.25em;
    text-align: center;
  }
  .speaker-option[aria-pressed='true'] {
    font-weight: 600;
  }
  .speaker-option[aria-pressed='true']::before {
    content: '✓';
    content: '✓' / '';
  }
  .speaker-option:hover {
    background: rgb(128 128 128 / 0.16);
  }
  .speaker-option:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: -2px;
  }
  @media (prefers-reduced-motion: no-preference) {
    .icon {
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
    .icon {
      border: 1px solid ButtonText;
    }
    button[aria-pressed='false'] .icon {
      background: ButtonText;
      color: ButtonFace;
    }
    .speaker-output {
      border: 1px solid ButtonText;
    }
  }
`;
