import { css } from 'lit';
import { palette } from '../../src/elements/shared-styles.js';

export const styles = css`
  :host {
    display: block;
    position: relative;
    font-family: var(--ck-font-family, system-ui, sans-serif);
    color: var(--ck-color-text, ${palette.text});
  }
  :host(:state(idle)) {
    display: none;
  }
  [part='base'] {
    position: relative;
    inline-size: 100%;
  }
  :host(:state(calling)) [part='base'],
  :host(:state(connected)) [part='base'] {
    block-size: var(--ck-call-kit-height, 100%);
    min-block-size: var(--ck-call-kit-min-height, 360px);
  }
  call-view {
    block-size: 100%;
  }
  :host(:state(minimized)) [part='base'] {
    block-size: auto;
    min-block-size: 0;
  }
  .sound {
    position: absolute;
    inset-block-start: var(--ck-space-4, 16px);
    inset-inline-start: 50%;
    translate: -50% 0;
    z-index: 2;
    display: inline-flex;
    align-items: center;
    gap: var(--ck-space-2, 8px);
    padding-block: var(--ck-space-2, 8px);
    padding-inline: var(--ck-space-4, 16px);
    border: 0;
    border-radius: 999px;
    font: inherit;
    font-size: 0.9375rem;
    color: #fff;
    background: var(--ck-color-accent, #1c66e5);
    box-shadow: var(--ck-shadow, 0 4px 16px rgb(0 0 0 / 0.25));
    cursor: pointer;
  }
  :host(:dir(rtl)) .sound {
    translate: 50% 0;
  }
  :host(:state(ringing)) .sound {
    inset-block-start: auto;
    inset-block-end: var(--ck-space-4, 16px);
  }
  :host(:state(minimized)) .sound {
    position: static;
    translate: none;
  }
  .reconnect {
    position: relative;
    z-index: 2;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: center;
    gap: var(--ck-space-3, 12px);
    margin: var(--ck-space-2, 8px);
    padding-block: var(--ck-space-2, 8px);
    padding-inline: var(--ck-space-4, 16px);
    border-radius: var(--ck-radius, 12px);
    font-size: 0.9375rem;
    color: #fff;
    background: var(--ck-color-hangup, #d93636);
    box-shadow: var(--ck-shadow, 0 4px 16px rgb(0 0 0 / 0.25));
  }
  .reconnect button {
    padding-block: var(--ck-space-1, 4px);
    padding-inline: var(--ck-space-3, 12px);
    border: 1px solid currentColor;
    border-radius: 999px;
    font: inherit;
    color: inherit;
    background: transparent;
    cursor: pointer;
  }
  .reconnect button:focus-visible {
    outline: 2px solid currentColor;
    outline-offset: 2px;
  }
  /* The banners themselves are in the top layer (a popover): the element only holds its live region. */
  incoming-banner {
    position: absolute;
    inset-block-start: 0;
    inset-inline-start: 0;
  }
`;
