import { css } from 'lit';
import { palette } from '../../src/elements/shared-styles.js';

export const styles = css`
  :host {
    display: block;
    --_surface: var(--ck-device-check-background, var(--ck-color-surface, ${palette.surface}));
    --_button: var(--ck-device-check-button-background, light-dark(#e8ebf0, #3a404a));
    font-family: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }
  [part~='base'] {
    display: grid;
    gap: var(--ck-space-3, 12px);
    padding: var(--ck-space-4, 16px);
    border-radius: var(--ck-device-check-radius, var(--ck-radius, 12px));
    background: var(--_surface);
    color: var(--ck-device-check-color, var(--ck-color-text, ${palette.text}));
  }
  h2 {
    margin: 0;
    font-size: 1.125rem;
  }
  p {
    margin: 0;
  }
  [part~='help'],
  .hint {
    font-size: var(--ck-font-size-small, 0.875rem);
    color: var(--ck-color-text-muted, ${palette.muted});
  }
  .preview {
    position: relative;
    display: grid;
    place-items: center;
    aspect-ratio: 16 / 9;
    border-radius: var(--ck-radius-small, 8px);
    overflow: hidden;
    background: var(--ck-device-check-preview-background, #1f2329);
    color: #ffffff;
  }
  video {
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
    transform: scaleX(-1);
  }
  .camera-off svg {
    inline-size: 48px;
    block-size: 48px;
  }
  .round {
    position: absolute;
    inset-block-end: var(--ck-space-2, 8px);
    inset-inline-end: var(--ck-space-2, 8px);
    inline-size: 44px;
    min-block-size: 44px;
    padding: 0;
    justify-content: center;
    border-radius: 50%;
    background: rgb(0 0 0 / 0.55);
    color: #ffffff;
  }
  .round[aria-pressed='false'] {
    background: #ffffff;
    color: #1f2329;
  }
  .row {
    display: grid;
    gap: var(--ck-space-1, 4px);
    justify-items: start;
  }
  .meter {
    justify-self: stretch;
    block-size: 10px;
    border-radius: 5px;
    overflow: hidden;
    background: light-dark(#dfe2e8, #454b55);
  }
  .bar {
    display: block;
    block-size: 100%;
    background: var(--ck-device-check-meter-color, light-dark(#087f50, #3ad08f));
    transition: inline-size 80ms linear;
  }
  button {
    all: unset;
    box-sizing: border-box;
    display: inline-flex;
    align-items: center;
    gap: var(--ck-space-2, 8px);
    min-block-size: 40px;
    padding-inline: var(--ck-space-4, 16px);
    border-radius: 20px;
    cursor: pointer;
    font-weight: 600;
    background: var(--_button);
    color: inherit;
    -webkit-tap-highlight-color: transparent;
  }
  button svg {
    inline-size: 20px;
    block-size: 20px;
  }
  [part~='start'],
  [part~='retry'],
  [part~='done'] {
    justify-self: start;
    background: var(--ck-color-accent, #1c66e5);
    color: var(--ck-color-on-action, #ffffff);
  }
  [part~='done'] {
    justify-self: end;
  }
  button:focus-visible {
    outline-width: 3px;
  }
  button:hover {
    filter: brightness(1.08);
  }
  @media (prefers-reduced-motion: reduce) {
    .bar {
      transition: none;
    }
  }
  @media (forced-colors: active) {
    button {
      border: 1px solid ButtonText;
    }
    .bar {
      background: Highlight;
    }
  }
`;
