import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    position: relative;
    overflow: hidden;
    contain: content;
    --_stage: light-dark(#e4e7ec, #2b2f36);
    --_on-stage: light-dark(#1f2329, #f5f6f7);
    --_radius: var(--ck-participant-tile-radius, var(--ck-radius, 12px));
    --_background: var(--ck-participant-tile-background, var(--ck-color-stage, var(--_stage)));
    --_color: var(--ck-participant-tile-color, var(--ck-color-on-stage, var(--_on-stage)));
    --_avatar-size: var(--ck-participant-tile-avatar-size, 72px);
    --_font-size: var(--ck-participant-tile-font-size, var(--ck-font-size-small, 0.875rem));
    --_speaking: var(--ck-participant-tile-speaking-color, var(--ck-color-accept, #0abf77));
    border-radius: var(--_radius);
    background: var(--_background);
    color: var(--_color);
    font-family: var(--ck-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }
  [part='base'] {
    position: relative;
    inline-size: 100%;
    block-size: 100%;
    min-block-size: var(--ck-participant-tile-min-height, 0);
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: var(--ck-space-2, 8px);
    border-radius: inherit;
  }
  .has-background {
    background-image: var(--_background-image);
    background-size: cover;
    background-position: center;
  }
  .network {
    display: inline-flex;
    flex: none;
    color: var(--ck-participant-tile-network-color, var(--ck-color-warning, #f5a623));
  }
  .network svg {
    inline-size: 1.1em;
    block-size: 1.1em;
  }
  .reconnecting {
    position: absolute;
    inset-block-start: 50%;
    inset-inline: 0;
    margin-inline: auto;
    inline-size: fit-content;
    translate: 0 -50%;
    padding: 4px 12px;
    border-radius: 999px;
    background: rgb(0 0 0 / 0.6);
    color: #fff;
    font-size: var(--_font-size);
  }
  :host(:state(speaking):state(video)) [part='base'] {
    box-shadow: inset 0 0 0 3px var(--_speaking);
  }
  /* Without video, the ring goes around the avatar (1v1 voice calls, camera-off tiles). */
  :host(:state(speaking)) [part='avatar'] {
    box-shadow: 0 0 0 4px var(--_speaking);
  }
  @media (prefers-reduced-motion: no-preference) {
    [part='base'],
    [part='avatar'] {
      transition: box-shadow 150ms ease-out;
    }
  }
  [part='video'] {
    position: absolute;
    inset: 0;
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
    background: #000;
    border-radius: inherit;
  }
  /* The video is always there; camera off, media not arrived, first frame not decoded yet or a long
     mute: it stays transparent (and keeps playing the audio) while the avatar shows, not black. */
  [part='video'].pending {
    opacity: 0;
  }
  /* Camera off or a long mute: not drawn at all (still playing the audio), no first frame awaited. */
  [part='video'].off {
    visibility: hidden;
  }
  @media (prefers-reduced-motion: no-preference) {
    :host(:state(video-connecting)) [part='avatar'] {
      animation: ck-tile-connecting 1.6s ease-in-out infinite;
    }
    @keyframes ck-tile-connecting {
      50% {
        opacity: 0.6;
      }
    }
  }
  [part='video'][data-fit='contain'] {
    object-fit: contain;
  }
  [part='video'][data-fit='fill'] {
    object-fit: fill;
  }
  :host(:state(self)) [part='video'] {
    transform: var(--ck-participant-tile-self-transform, scaleX(-1));
  }
  [part='avatar'] {
    inline-size: var(--_avatar-size);
    block-size: var(--_avatar-size);
    border-radius: var(--ck-participant-tile-avatar-radius, var(--ck-radius-avatar, 50%));
    flex: none;
    font-size: calc(var(--_avatar-size) * 0.42);
    --ck-avatar-background: var(--ck-participant-tile-avatar-background, var(--ck-color-accent, #1c66e5));
    --ck-avatar-color: var(--ck-participant-tile-avatar-color, #ffffff);
  }
  .label {
    display: flex;
    align-items: center;
    gap: var(--ck-space-1, 4px);
    max-inline-size: calc(100% - 2 * var(--ck-space-2, 8px));
    font-size: var(--_font-size);
  }
  :host(:state(video)) .label {
    position: absolute;
    inset-block-end: var(--ck-space-2, 8px);
    inset-inline-start: var(--ck-space-2, 8px);
    padding-block: 2px;
    padding-inline: var(--ck-space-2, 8px);
    border-radius: var(--ck-radius-small, 6px);
    background: var(--ck-participant-tile-label-background, rgb(0 0 0 / 0.5));
    color: #ffffff;
  }
  [part='name'] {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part='status'] {
    display: inline-flex;
    align-items: center;
    gap: 2px;
    flex: none;
  }
  .muted {
    display: inline-flex;
    color: var(--ck-participant-tile-muted-color, var(--ck-color-hangup, #e54545));
  }
  :host(:state(video)) .muted {
    color: var(--ck-participant-tile-muted-on-video-color, #ff8a8a);
  }
  .ringing {
    opacity: 0.8;
  }
  [part='status'] svg {
    inline-size: 1.1em;
    block-size: 1.1em;
  }
  /* Voice level: a short bar filled from the bottom by --_level (0-1), set through CSSOM. */
  .volume {
    position: relative;
    flex: none;
    inline-size: 4px;
    block-size: 0.9em;
    border-radius: 2px;
    overflow: hidden;
    background: rgb(127 127 127 / 0.35);
  }
  .volume::after {
    content: '';
    position: absolute;
    inset: 0;
    background: var(--ck-participant-tile-volume-color, var(--_speaking));
    transform-origin: bottom;
    transform: scaleY(var(--_level, 0));
  }
  @media (prefers-reduced-motion: no-preference) {
    .volume::after {
      transition: transform 120ms linear;
    }
  }
`;
