import { css } from 'lit';
import { palette } from '../../src/elements/shared-styles.js';

export const styles = css`
  :host {
    display: block;
    --_surface: var(--ck-call-history-background, var(--ck-color-surface, ${palette.surface}));
    --_missed: var(--ck-call-history-missed-color, light-dark(#c62828, #ff8a80));
    font-family: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }
  [part='base'] {
    padding-block: var(--ck-space-3, 12px);
    padding-inline: var(--ck-space-4, 16px);
    border-radius: var(--ck-radius, 12px);
    background: var(--_surface);
    color: var(--ck-call-history-color, var(--ck-color-text, ${palette.text}));
  }
  [part='title'] {
    margin: 0 0 var(--ck-space-2, 8px);
    font-size: 1rem;
    font-weight: 600;
  }
  [part='list'] {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  [part~='item'] {
    display: flex;
    align-items: center;
    gap: var(--ck-space-3, 12px);
    padding-block: var(--ck-space-2, 8px);
  }
  [part~='item'] + [part~='item'] {
    border-block-start: 1px solid color-mix(in srgb, currentColor 15%, transparent);
  }
  [part='direction'] {
    flex: none;
    inline-size: 1.25em;
    text-align: center;
    color: var(--ck-color-text-muted, ${palette.muted});
  }
  /* The arrows point along the reading direction. */
  :host(:dir(rtl)) [part='direction'],
  [dir='rtl'] [part='direction'] {
    transform: scaleX(-1);
  }
  [part~='missed'] [part='direction'],
  [part~='missed'] [part='name'] {
    color: var(--_missed);
  }
  .text {
    flex: 1 1 auto;
    min-inline-size: 0;
  }
  [part='name'] {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  [part~='presence'] {
    display: inline-block;
    inline-size: 0.625rem;
    block-size: 0.625rem;
    margin-inline-start: var(--ck-space-1, 4px);
    border-radius: 50%;
    vertical-align: middle;
    border: 1px solid var(--ck-color-text-muted, ${palette.muted});
    box-sizing: border-box;
  }
  [part~='online'] {
    border: none;
    background: var(--ck-call-history-online-color, light-dark(#2e7d32, #81c784));
  }
  [part~='busy'] {
    border: none;
    background: var(--ck-call-history-busy-color, light-dark(#e65100, #ffb74d));
  }
  [part='badge'] {
    display: inline-block;
    margin-inline-start: var(--ck-space-1, 4px);
    padding-inline: 6px;
    border-radius: 8px;
    font-size: 0.75rem;
    font-weight: 600;
    color: var(--_missed);
    border: 1px solid var(--_missed);
  }
  [part='details'],
  [part='empty'] {
    font-size: var(--ck-font-size-small, 0.875rem);
    color: var(--ck-color-text-muted, ${palette.muted});
  }
  [part='empty'] {
    margin: 0;
  }
  button {
    all: unset;
    box-sizing: border-box;
    display: grid;
    place-items: center;
    inline-size: 40px;
    block-size: 40px;
    flex: none;
    border-radius: 50%;
    cursor: pointer;
    background: var(--ck-call-history-button-background, #087f50);
    color: var(--ck-color-on-action, #ffffff);
    -webkit-tap-highlight-color: transparent;
  }
  button svg {
    inline-size: 20px;
    block-size: 20px;
  }
  button:focus-visible {
    outline: 3px solid var(--ck-color-focus, #1c66e5);
    outline-offset: 2px;
  }
  button:hover {
    filter: brightness(1.1);
  }
  @media (forced-colors: active) {
    button {
      border: 1px solid ButtonText;
    }
  }
`;
