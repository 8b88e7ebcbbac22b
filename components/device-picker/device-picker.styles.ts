import { css } from 'lit';
import { palette } from '../../src/elements/shared-styles.js';

export const styles = css`
  :host {
    display: block;
    font-family: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color: var(--ck-device-picker-color, var(--ck-color-text, ${palette.text}));
  }
  [part~='base'] {
    display: grid;
    gap: var(--ck-space-3, 12px);
    margin: 0;
    padding: 0;
    border: 0;
    min-inline-size: 0;
  }
  [part~='field'] {
    display: grid;
    gap: var(--ck-space-1, 4px);
  }
  [part~='label'] {
    font-size: 0.875rem;
    font-weight: 600;
  }
  select {
    font: inherit;
    color: inherit;
    inline-size: 100%;
    min-block-size: 36px;
    padding-inline: var(--ck-space-2, 8px);
    border: 1px solid var(--ck-device-picker-border-color, #8a919f);
    border-radius: var(--ck-device-picker-radius, var(--ck-radius-small, 8px));
    background: var(--ck-device-picker-background, var(--ck-color-surface, ${palette.surface}));
  }
`;
