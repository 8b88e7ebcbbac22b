import { css } from 'lit';
import { palette } from '../../src/elements/shared-styles.js';

export const styles = css`
  :host {
    display: block;
    --_surface: var(--ck-join-call-card-background, var(--ck-color-surface, ${palette.surface}));
    --_avatar: var(--ck-join-call-card-avatar-size, 32px);
    font-family: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }
  [part='base'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--ck-space-3, 12px);
    padding-block: var(--ck-space-3, 12px);
    padding-inline: var(--ck-space-4, 16px);
    border-radius: var(--ck-join-call-card-radius, var(--ck-radius, 12px));
    background: var(--_surface);
    color: var(--ck-join-call-card-color, var(--ck-color-text, ${palette.text}));
    box-shadow: var(--ck-shadow, 0 2px 10px rgb(0 0 0 / 0.12));
  }
  [part='text'] {
    flex: 1 1 10rem;
    min-inline-size: 0;
  }
  [part='count'] {
    font-weight: 600;
  }
  [part='description'] {
    font-size: var(--ck-font-size-small, 0.875rem);
    color: var(--ck-color-text-muted, ${palette.muted});
  }
  [part='avatars'] {
    display: flex;
    align-items: center;
  }
  [part='avatars'] > * + * {
    margin-inline-start: calc(var(--_avatar) * -0.25);
  }
  [part='avatar'],
  [part='more'] {
    display: grid;
    place-items: center;
    inline-size: var(--_avatar);
    block-size: var(--_avatar);
    border-radius: var(--ck-radius-avatar, 50%);
    overflow: hidden;
    border: 2px solid var(--_surface);
    background: var(--ck-color-accent, #1c66e5);
    color: #ffffff;
    font-size: 0.875rem;
    font-weight: 600;
    text-transform: uppercase;
  }
  [part='more'] {
    background: #4e5461;
  }
  button {
    all: unset;
    box-sizing: border-box;
    min-block-size: 36px;
    padding-inline: var(--ck-space-4, 16px);
    border-radius: 18px;
    cursor: pointer;
    font-weight: 600;
    background: var(--ck-join-call-card-button-background, #087f50);
    color: var(--ck-color-on-action, #ffffff);
    -webkit-tap-highlight-color: transparent;
  }
  button:focus-visible {
    outline-width: 3px;
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
