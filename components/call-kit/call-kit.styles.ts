import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    position: relative;
    font-family: var(--ck-font-family, system-ui, sans-serif);
    color: var(--ck-color-text, #1f2329);
  }
  :host(:state(idle)) {
    display: none;
  }
  [hidden] {
    display: none !important;
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
  incoming-banner {
    position: absolute;
    inset-block-start: var(--ck-space-4, 16px);
    inset-inline: var(--ck-space-4, 16px);
    z-index: 1;
  }
`;
