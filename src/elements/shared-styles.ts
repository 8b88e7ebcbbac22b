import { css, unsafeCSS } from 'lit';

/**
 * The kit's palette: `light-dark()` pairs, resolved by each element's `color-scheme` (set below
 * from `--ck-color-scheme`, default `light dark`: the page's `prefers-color-scheme`). Elements map
 * them once to their private tokens, behind the public ones:
 * `--_surface: var(--ck-color-surface, ${palette.surface});`.
 */
export const palette = {
  /** Cards, banners, panels, menus. */
  surface: unsafeCSS('light-dark(#ffffff, #2b2f36)'),
  /** Text on a surface. */
  text: unsafeCSS('light-dark(#1f2329, #f5f6f7)'),
  /** Secondary text on a surface. */
  muted: unsafeCSS('light-dark(#4e5461, #b8bec9)'),
} as const;

/**
 * Styles every kit element shares, put in front of its own by `StoreElement.finalizeStyles` (one
 * constructed style sheet for all of them):
 * - the theme: `theme="light|dark"` sets `--ck-color-scheme` (inherited by the kit elements
 *   inside; an element outside `<call-kit>` follows the `theme` of the one named by its `call-kit`
 *   attribute through the `kit-light` / `kit-dark` states), and
 *   `color-scheme: var(--ck-color-scheme, light dark)` picks every `light-dark()`;
 * - `[hidden]` always hides; `.visually-hidden` keeps text for screen readers only;
 * - the focus ring (`--_focus`, from `--ck-color-focus`), the default for every focusable element
 *   (zero specificity, so an element's own rule wins);
 * - `[data-round]`: the reset of a round icon button, `--_round-size` across (default 44px).
 */
export const sharedStyles = css`
  :host {
    color-scheme: var(--ck-color-scheme, light dark);
    --_focus: var(--ck-color-focus, light-dark(#1c66e5, #7fb0ff));
    --_round-size: 44px;
  }
  :host(:state(kit-light)) {
    --ck-color-scheme: light;
  }
  :host(:state(kit-dark)) {
    --ck-color-scheme: dark;
  }
  :host([theme='light']) {
    --ck-color-scheme: light;
  }
  :host([theme='dark']) {
    --ck-color-scheme: dark;
  }
  [hidden] {
    display: none !important;
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  :where(:focus-visible) {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  [data-round] {
    appearance: none;
    box-sizing: border-box;
    display: grid;
    place-items: center;
    inline-size: var(--_round-size);
    block-size: var(--_round-size);
    margin: 0;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: none;
    font: inherit;
    cursor: pointer;
    -webkit-tap-highlight-color: transparent;
  }
`;
