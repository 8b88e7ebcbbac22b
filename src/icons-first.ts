/**
 * The icons `<incoming-banner>` shows (answer, answer with audio, decline), apart from the rest of
 * `icons.ts` so that what loads first (README "Pay for what you use") carries only these three; the
 * call view's icons come with its chunk. Same drawings, same overrides (`registerIcons`).
 */
import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import { iconOverride, type IconName } from './icon-registry.js';

/** A whole 24×24 `<svg>` (decorative: `aria-hidden`) around `content`, stroked or filled with `currentColor`. */
export function icon(content: SVGTemplateResult, filled = false): TemplateResult {
  return html`<svg
    class="icon"
    viewBox="0 0 24 24"
    width="24"
    height="24"
    fill=${filled ? 'currentColor' : 'none'}
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
    focusable="false"
  >
    ${content}
  </svg>`;
}

const handset = svg`<path
  stroke-width="1.5"
  d="M6 3.5h2.6c.5 0 .9.3 1 .8l.9 3.4c.1.4 0 .9-.4 1.1L8.4 10a11.5 11.5 0 0 0 5.6 5.6l1.2-1.7c.3-.4.7-.5 1.1-.4l3.4.9c.5.1.8.5.8 1V18a2 2 0 0 1-2 2A16 16 0 0 1 4 5.5a2 2 0 0 1 2-2z"
/>`;
const firstDefaults = {
  /** A handset: answer. */
  accept: icon(handset, true),
  /** A handset with sound waves: answer with audio only. */
  acceptAudio: icon(
    svg`<g transform="translate(0 2) scale(.9)">${handset}</g><path fill="none" d="M14.5 3a6.5 6.5 0 0 1 6.5 6.5M14.5 6.5a3 3 0 0 1 3 3" />`,
    true,
  ),
  /** A handset turned down: hang up or decline. */
  hangup: icon(svg`<g transform="rotate(135 12 12)">${handset}</g>`, true),
} as const satisfies Partial<Record<IconName, TemplateResult>>;

/** `defaults` read through the registry: each is the app's replacement (`registerIcons`) if any, else ours. Read at render time. */
export function overridable<K extends IconName>(defaults: Record<K, TemplateResult>): { readonly [P in K]: TemplateResult } {
  return Object.defineProperties(
    {},
    Object.fromEntries(
      Object.keys(defaults).map((name) => [name, { enumerable: true, get: () => iconOverride(name as K) ?? defaults[name as K] }]),
    ),
  ) as { readonly [P in K]: TemplateResult };
}

/** The banner's icons. */
export const bannerIcons = overridable(firstDefaults);
