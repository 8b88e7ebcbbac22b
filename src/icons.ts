/**
 * The kit's icons: our own simple 24×24 drawings, stroked or filled with `currentColor`.
 * Each is a lit template of a whole `<svg>` (decorative: `aria-hidden`); the element that shows one
 * gives the button its accessible name. Elements render them as fallback content of named slots
 * (`icon-hangup`, ...) so hosts can put their own icons in.
 */
import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

function icon(content: SVGTemplateResult, filled = false): TemplateResult {
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
const micBody = svg`<rect x="9" y="3" width="6" height="11" rx="3" /><path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21M8.5 21h7" />`;
const cameraBody = svg`<rect x="3" y="6.5" width="12.5" height="11" rx="2" /><path d="M15.5 10.5l5-3v9l-5-3z" />`;
const slash = svg`<path d="M3.5 3.5l17 17" />`;

export const icons = {
  microphone: icon(micBody),
  microphoneOff: icon(svg`${micBody}${slash}`),
  camera: icon(cameraBody),
  cameraOff: icon(svg`${cameraBody}${slash}`),
  /** A handset: answer. */
  accept: icon(handset, true),
  /** A handset with sound waves: answer with audio only. */
  acceptAudio: icon(
    svg`<g transform="translate(0 2) scale(.9)">${handset}</g><path fill="none" d="M14.5 3a6.5 6.5 0 0 1 6.5 6.5M14.5 6.5a3 3 0 0 1 3 3" />`,
    true,
  ),
  /** A handset turned down: hang up or decline. */
  hangup: icon(svg`<g transform="rotate(135 12 12)">${handset}</g>`, true),
} as const satisfies Record<string, TemplateResult>;

export type IconName = keyof typeof icons;
