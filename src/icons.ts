/**
 * The kit's icons: our own simple 24×24 drawings, stroked or filled with `currentColor`.
 * Each is a lit template of a whole `<svg>` (decorative: `aria-hidden`); the element that shows one
 * gives the button its accessible name. Elements render them as fallback content of named slots
 * (`icon-hangup`, ...) so hosts can put their own icons in.
 */
import { svg, type TemplateResult } from 'lit';
import type { IconName } from './icon-registry.js';
import { bannerIcons, icon, overridable } from './icons-first.js';

const micBody = svg`<rect x="9" y="3" width="6" height="11" rx="3" /><path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21M8.5 21h7" />`;
const cameraBody = svg`<rect x="3" y="6.5" width="12.5" height="11" rx="2" /><path d="M15.5 10.5l5-3v9l-5-3z" />`;
const slash = svg`<path d="M3.5 3.5l17 17" />`;

const defaults = {
  microphone: icon(micBody),
  microphoneOff: icon(svg`${micBody}${slash}`),
  camera: icon(cameraBody),
  cameraOff: icon(svg`${cameraBody}${slash}`),
  /** Signal bars, only the first lit: the network is poor. */
  networkPoor: icon(svg`<path d="M5 19v-3" /><path opacity=".35" d="M10 19v-7M15 19v-10M20 19V5" />`),
  speaker: icon(svg`<path d="M4 9.5h3.5L12 5.5v13l-4.5-4H4z" /><path d="M15.5 9a4 4 0 0 1 0 6M18 6.5a7.5 7.5 0 0 1 0 11" />`),
  speakerOff: icon(svg`<path d="M4 9.5h3.5L12 5.5v13l-4.5-4H4z" /><path d="M16 9.5l5 5M21 9.5l-5 5" />`),
  /** A chevron pointing up: open the list of outputs (above the speaker button). */
  speakerOutput: icon(svg`<path d="M6.5 15l5.5-5.5 5.5 5.5" />`),
  /** A camera with a turning arrow: use the other camera. */
  switchCamera: icon(
    svg`<rect x="3" y="6.5" width="18" height="12" rx="2" /><path d="M9 4.5h6M9.5 12.5a2.5 2.5 0 0 1 4.6-1.4M14.5 12.5a2.5 2.5 0 0 1-4.6 1.4M14.3 9.8v1.5h-1.5M9.7 15.2v-1.5h1.5" />`,
  ),
  /** A person over dots: blur the background. */
  blur: icon(
    svg`<circle cx="12" cy="9" r="3" /><path d="M6.5 19a5.5 5.5 0 0 1 11 0" /><path stroke-dasharray="0.1 3" d="M3 4v16M21 4v16" />`,
  ),
  /** A sound wave, calm on the right: AI noise suppression. */
  noiseSuppression: icon(svg`<path d="M3 12h1.5M6 8.5v7M9 5v14M12 9v6M15.5 11.5v1M18.5 12H21" />`),
  minimize: icon(svg`<path d="M9 4v5H4M15 20v-5h5M4 4l5 5M20 20l-5-5" />`),
  fullScreen: icon(svg`<path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" />`),
  exitFullScreen: icon(svg`<path d="M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5" />`),
  /** A person with a plus: invite someone. */
  invite: icon(svg`<circle cx="10" cy="8" r="3.5" /><path d="M3.5 20a6.5 6.5 0 0 1 13 0M19 8v6M16 11h6" />`),
} as const satisfies Record<Exclude<IconName, keyof typeof bannerIcons>, TemplateResult>;

/**
 * The icons elements render: each is the app's replacement (`registerIcons`) if there is one, else
 * the kit's own. Read at render time. The banner's three come from `icons-first.ts`.
 */
export const icons: { readonly [K in IconName]: TemplateResult } = Object.defineProperties(
  {},
  { ...Object.getOwnPropertyDescriptors(bannerIcons), ...Object.getOwnPropertyDescriptors(overridable(defaults)) },
) as { readonly [K in IconName]: TemplateResult };

export type { IconName };
