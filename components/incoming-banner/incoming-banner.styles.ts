import { css } from 'lit';
import { palette } from '../../src/elements/shared-styles.js';

export const styles = css`
  :host {
    display: block;
    --_surface: var(--ck-incoming-banner-background, var(--ck-color-surface, ${palette.surface}));
    --_text: var(--ck-incoming-banner-color, var(--ck-color-text, ${palette.text}));
    --_muted: var(--ck-incoming-banner-muted-color, var(--ck-color-text-muted, ${palette.muted}));
    --_inset: var(--ck-incoming-banner-inset, 16px);
    --_round-size: var(--ck-incoming-banner-button-size, 44px);
    --_avatar-size: var(--ck-incoming-banner-avatar-size, 48px);
    font-family: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }
  /* The stack lives in the top layer (popover="manual"): reset the UA popover box, pin it to the
     viewport's top inline-end corner. Without the Popover API it is a fixed box on top. */
  [part='stack'] {
    position: fixed;
    inset: var(--_inset) var(--_inset) auto auto;
    inset-inline-start: auto;
    inset-inline-end: var(--_inset);
    z-index: 2147483647;
    margin: 0;
    padding: 0;
    border: 0;
    background: transparent;
    overflow: visible;
    inline-size: var(--ck-incoming-banner-width, min(420px, calc(100vw - 32px)));
    display: flex;
    flex-direction: column;
    gap: var(--ck-space-2, 8px);
    color: inherit;
  }
  [part='stack']:popover-open {
    display: flex;
  }
  [part='base'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--ck-space-3, 12px);
    padding-block: var(--ck-incoming-banner-padding-block, var(--ck-space-3, 12px));
    padding-inline: var(--ck-incoming-banner-padding-inline, var(--ck-space-4, 16px));
    border-radius: var(--ck-incoming-banner-radius, var(--ck-radius, 12px));
    background: var(--_surface);
    color: var(--_text);
    box-shadow: var(--ck-incoming-banner-shadow, var(--ck-shadow, 0 8px 28px rgb(0 0 0 / 0.22)));
  }
  @media (prefers-reduced-motion: no-preference) {
    [part='base'] {
      animation: ck-banner-in 220ms ease-out;
    }
    @keyframes ck-banner-in {
      from {
        opacity: 0;
        transform: translateY(-12px);
      }
    }
  }
  [part='avatar'] {
    flex: none;
    display: grid;
    place-items: center;
    inline-size: var(--_avatar-size);
    block-size: var(--_avatar-size);
    border-radius: var(--ck-incoming-banner-avatar-radius, var(--ck-radius-avatar, 50%));
    overflow: hidden;
    background: var(--ck-color-accent, #1c66e5);
    color: #ffffff;
    font-size: 1.25rem;
  }
  call-avatar {
    font-size: inherit;
  }
  call-avatar,
  [part='avatar'] ::slotted(*) {
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
  }
  .text {
    flex: 1 1 10rem;
    min-inline-size: 0;
  }
  [part='name'] {
    font-size: var(--ck-incoming-banner-name-size, 1rem);
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part='user-id'] {
    font-size: var(--ck-font-size-small, 0.875rem);
    color: var(--_muted);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part='description'] {
    margin: 0;
    font-size: var(--ck-font-size-small, 0.875rem);
    color: var(--_muted);
  }
  [part='actions'] {
    display: flex;
    gap: var(--ck-space-3, 12px);
    margin-inline-start: auto;
  }
  button {
    color: var(--ck-color-on-action, #ffffff);
  }
  button svg,
  button ::slotted(*) {
    inline-size: calc(var(--_round-size) * 0.5);
    block-size: calc(var(--_round-size) * 0.5);
  }
  button:focus-visible {
    outline-width: 3px;
  }
  button:hover {
    filter: brightness(1.1);
  }
  button[aria-disabled='true'] {
    cursor: progress;
    opacity: 0.6;
    filter: none;
  }
  .accept,
  .accept-audio {
    background: var(--ck-color-accept, #0abf77);
  }
  .reject {
    background: var(--ck-color-hangup, #e54545);
  }
  .end-accept {
    inline-size: auto;
    padding-inline: var(--ck-space-3, 12px);
    gap: var(--ck-space-1, 4px);
    border-radius: calc(var(--_round-size) / 2);
    background: var(--ck-color-accept, #0abf77);
  }
  @media (forced-colors: active) {
    button {
      border: 1px solid ButtonText;
    }
  }
`;
