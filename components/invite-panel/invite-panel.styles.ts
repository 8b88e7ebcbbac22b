import { css } from 'lit';
import { palette } from '../../src/elements/shared-styles.js';

export const styles = css`
  :host {
    display: block;
    --_muted: var(--ck-color-text-muted, ${palette.muted});
    --_accent: var(--ck-color-accent, light-dark(#1c66e5, #7fb0ff));
    font-family: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color: var(--ck-invite-panel-color, var(--ck-color-text, ${palette.text}));
  }
  [part~='base'] {
    display: grid;
    gap: var(--ck-space-3, 12px);
    margin: 0;
    padding: var(--ck-space-4, 16px);
    border: 0;
    border-radius: var(--ck-invite-panel-radius, var(--ck-radius, 12px));
    background: var(--ck-invite-panel-background, var(--ck-color-surface, ${palette.surface}));
  }
  [part~='title'] {
    padding: 0;
    font-size: 1rem;
    font-weight: 600;
  }
  [part~='list'] {
    display: grid;
    gap: var(--ck-space-1, 4px);
    margin: 0;
    padding: 0;
    list-style: none;
    max-block-size: var(--ck-invite-panel-list-height, 320px);
    overflow: auto;
  }
  label {
    display: flex;
    align-items: center;
    gap: var(--ck-space-2, 8px);
    min-block-size: 36px;
    cursor: pointer;
  }
  input:disabled + span {
    color: var(--_muted);
  }
  .note {
    color: var(--_muted);
    font-size: 0.8125rem;
  }
  [part~='status'] {
    margin: 0;
    color: var(--_muted);
    font-size: 0.875rem;
  }
  [part~='actions'] {
    display: flex;
    justify-content: end;
    gap: var(--ck-space-2, 8px);
  }
  button {
    font: inherit;
    min-block-size: 36px;
    padding-inline: var(--ck-space-4, 16px);
    border-radius: 999px;
    border: 1px solid var(--_accent);
    color: var(--_accent);
    background: transparent;
    cursor: pointer;
  }
  button.submit {
    color: #fff;
    background: var(--ck-color-accent, #1c66e5);
    border-color: var(--ck-color-accent, #1c66e5);
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
`;
