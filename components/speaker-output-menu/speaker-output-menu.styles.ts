import { css } from 'lit';
import { palette } from '../../src/elements/shared-styles.js';

export const styles = css`
  :host {
    display: inline-block;
    --_round-size: var(--ck-speaker-output-menu-button-size, 24px);
    --_off-bg: var(--ck-speaker-output-menu-button-background, light-dark(#1f2329, #f5f6f7));
    --_off-fg: var(--ck-speaker-output-menu-button-color, light-dark(#ffffff, #1f2329));
    font-family: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }
  .group {
    display: contents;
  }
  button.speaker-output {
    background: var(--_off-bg);
    color: var(--_off-fg);
  }
  .speaker-output ::slotted(*),
  .speaker-output svg {
    inline-size: 70%;
    block-size: 70%;
  }
  .speaker-output:focus-visible {
    outline-width: 3px;
  }
  .speaker-output:hover {
    filter: brightness(1.12);
  }
  /* The list of outputs: a panel centred at the bottom of the viewport, above the buttons (in the
     top layer with the Popover API, a fixed box on top without it); above the speaker button where
     anchor positioning exists (the anchor, --ck-speaker-output, is set by <feature-buttons>). */
  [part~='speaker-menu'] {
    position: fixed;
    inset: auto 0 var(--ck-speaker-output-menu-offset, 136px) 0;
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
    background: var(--ck-color-surface, ${palette.surface});
    color: var(--ck-color-text, ${palette.text});
    box-shadow: var(--ck-shadow, 0 8px 28px rgb(0 0 0 / 0.22));
  }
  @supports (position-area: top) {
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
    all: unset;
    box-sizing: border-box;
    display: flex;
    align-items: center;
    gap: var(--ck-space-2, 8px);
    inline-size: 100%;
    min-block-size: 36px;
    padding-block: var(--ck-space-2, 8px);
    padding-inline: var(--ck-space-2, 8px) var(--ck-space-4, 16px);
    border-radius: var(--ck-radius-small, 6px);
    cursor: pointer;
    text-align: start;
    overflow-wrap: anywhere;
    -webkit-tap-highlight-color: transparent;
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
  @media (forced-colors: active) {
    .speaker-output {
      border: 1px solid ButtonText;
    }
  }
`;
