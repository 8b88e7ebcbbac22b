import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    --_text: #1f2329;
    --_surface: #ffffff;
    --_border: #8a919f;
    --_focus: var(--ck-color-focus, #1c66e5);
    font-family: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color: var(--ck-device-picker-color, var(--ck-color-text, var(--_text)));
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_text: #f5f6f7;
      --_surface: #2b2f36;
      --_border: #8a919f;
      --_focus: var(--ck-color-focus, #7fb0ff);
    }
  }
  [hidden] {
    display: none !important;
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
    border: 1px solid var(--ck-device-picker-border-color, var(--_border));
    border-radius: var(--ck-device-picker-radius, var(--ck-radius-small, 8px));
    background: var(--ck-device-picker-background, var(--ck-color-surface, var(--_surface)));
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  select:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
`;
