import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    --_text: #1f2329;
    --_muted: #4e5461;
    --_surface: #ffffff;
    --_accent: var(--ck-color-accent, #1c66e5);
    --_focus: var(--ck-color-focus, #1c66e5);
    font-family: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color: var(--ck-invite-panel-color, var(--ck-color-text, var(--_text)));
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_text: #f5f6f7;
      --_muted: #b8bec9;
      --_surface: #2b2f36;
      --_accent: var(--ck-color-accent, #7fb0ff);
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
    padding: var(--ck-space-4, 16px);
    border: 0;
    border-radius: var(--ck-invite-panel-radius, var(--ck-radius, 12px));
    background: var(--ck-invite-panel-background, var(--ck-color-surface, var(--_surface)));
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
  input:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
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
  button:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
`;
