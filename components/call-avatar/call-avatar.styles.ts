import { css } from 'lit';

export const styles = css`
  :host {
    --_size: var(--ck-avatar-size, 40px);
    display: inline-grid;
    inline-size: var(--_size);
    block-size: var(--_size);
    overflow: hidden;
    border-radius: var(--ck-avatar-radius, var(--ck-radius-avatar, 50%));
    font-size: calc(var(--_size) * 0.42);
    font-weight: 600;
    line-height: 1;
  }
  img,
  span {
    inline-size: 100%;
    block-size: 100%;
  }
  img {
    object-fit: cover;
  }
  span {
    display: grid;
    place-items: center;
    background: var(--ck-avatar-background, var(--ck-color-accent, #1c66e5));
    color: var(--ck-avatar-color, #ffffff);
    text-transform: uppercase;
    user-select: none;
  }
`;
