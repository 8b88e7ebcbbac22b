import { css } from 'lit';

export const styles = css`
  /* Dark unless a theme is chosen (theme="light|dark" here or on <call-kit>, or --ck-color-scheme):
     like the system's own picture-in-picture windows, it floats over any page and over video. */
  :host {
    display: block;
    color-scheme: var(--ck-color-scheme, dark);
    --_surface: var(--ck-float-window-background, light-dark(#ffffff, #1f2329));
    --_text: var(--ck-float-window-color, light-dark(#1f2329, #ffffff));
    --_button: light-dark(rgb(31 35 41 / 0.08), rgb(255 255 255 / 0.16));
    --_button-off: light-dark(#1f2329, rgb(255 255 255 / 0.9));
    --_on-button-off: light-dark(#ffffff, #1f2329);
    --_round-size: var(--ck-float-window-button-size, 36px);
    font-family: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }
  /* In the top layer (popover="manual"): the UA's popover box is reset to a plain fixed window. */
  [part~='base'] {
    position: fixed;
    inset: auto;
    margin: 0;
    padding: var(--ck-space-2, 8px);
    border: 0;
    overflow: hidden;
    box-sizing: border-box;
    display: flex;
    align-items: center;
    gap: var(--ck-space-2, 8px);
    color: var(--_text);
    background: var(--_surface);
    border-radius: var(--ck-float-window-radius, var(--ck-radius, 12px));
    box-shadow: var(--ck-float-window-shadow, var(--ck-shadow, 0 8px 28px rgb(0 0 0 / 0.3)));
    touch-action: none;
    user-select: none;
    cursor: grab;
  }
  [part~='base'].video {
    flex-direction: column;
    inline-size: var(--ck-float-window-video-width, 200px);
    padding: 0;
  }
  /* In a Document Picture-in-Picture window: the window is the frame (moved and sized by the system). */
  [part~='base'].pip {
    position: static;
    inline-size: 100vw;
    block-size: 100vh;
    border-radius: 0;
    box-shadow: none;
    cursor: default;
    justify-content: space-between;
  }
  [part~='base'].pip.video {
    inline-size: 100vw;
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
    border: 0;
    background: none;
  }
  [part~='restore'] {
    display: flex;
    align-items: center;
    gap: var(--ck-space-2, 8px);
    padding: var(--ck-space-1, 4px);
    border-radius: var(--ck-radius-small, 8px);
    min-block-size: var(--_round-size);
  }
  .video [part~='restore'] {
    display: block;
    inline-size: 100%;
    padding: 0;
    border-radius: 0;
    position: relative;
  }
  video {
    display: block;
    inline-size: 100%;
    aspect-ratio: 4 / 3;
    object-fit: cover;
    background: #000;
    pointer-events: none;
  }
  .video [part~='name'] {
    position: absolute;
    inset-block-end: var(--ck-space-1, 4px);
    inset-inline-start: var(--ck-space-2, 8px);
    font-size: 0.8125rem;
    text-shadow: 0 1px 2px rgb(0 0 0 / 0.8);
  }
  [part~='timer'] {
    font-variant-numeric: tabular-nums;
    font-size: 0.9375rem;
    white-space: nowrap;
  }
  [part~='controls'] {
    display: flex;
    gap: var(--ck-space-2, 8px);
  }
  .video [part~='controls'] {
    padding: var(--ck-space-2, 8px);
  }
  [part~='button'] {
    background: var(--_button);
  }
  [part~='button'][aria-pressed='false'] {
    background: var(--_button-off);
    color: var(--_on-button-off);
  }
  [part~='hangup'] {
    background: var(--ck-color-hangup, #d93636);
    color: #fff;
  }
  .icon {
    inline-size: 20px;
    block-size: 20px;
  }
`;
