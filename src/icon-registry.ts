/**
 * The icon registry: apps replace any of the kit's icons everywhere (also inside nested shadow
 * roots that slots cannot reach) without copying its source:
 *
 *   registerIcons({ hangup: html`<svg viewBox="0 0 24 24" aria-hidden="true">…</svg>` });
 *   registerIcons({ hangup: null }); // back to the kit's own
 *
 * Values are lit templates (`html\`…\``), rendered as given (decorative: the kit's buttons carry the
 * accessible names). Elements already on the page re-render. No lit runtime and no DOM here, so the
 * main entry stays light and SSR-safe.
 */
import type { TemplateResult } from 'lit';
import { invalidParameter } from './errors.js';

/** Every replaceable icon. */
export const ICON_NAMES = [
  'microphone',
  'microphoneOff',
  'camera',
  'cameraOff',
  'accept',
  'acceptAudio',
  'networkPoor',
  'speaker',
  'speakerOff',
  'speakerOutput',
  'switchCamera',
  'blur',
  'noiseSuppression',
  'minimize',
  'fullScreen',
  'exitFullScreen',
  'invite',
  'hangup',
] as const;

export type IconName = (typeof ICON_NAMES)[number];

const overrides = new Map<IconName, TemplateResult>();
const changes = new EventTarget();

function isTemplate(value: unknown): value is TemplateResult {
  return typeof value === 'object' && value !== null && '_$litType$' in value && 'strings' in value;
}

/**
 * Replaces icons by name (`null` restores the kit's own). Throws `CallKitError`
 * `INVALID_PARAMETER` for an unknown name or a value that is not a lit template, before changing
 * anything.
 */
export function registerIcons(replacements: Partial<Record<IconName, TemplateResult | null>>): void {
  if (typeof replacements !== 'object' || replacements === null || Array.isArray(replacements)) {
    throw invalidParameter('registerIcons() takes an object of icon name to lit template');
  }
  const entries = Object.entries(replacements);
  for (const [name, value] of entries) {
    if (!(ICON_NAMES as readonly string[]).includes(name))
      throw invalidParameter(`unknown icon "${name}" (known: ${ICON_NAMES.join(', ')})`);
    if (value !== null && value !== undefined && !isTemplate(value))
      throw invalidParameter(`icon "${name}" must be a lit template (html\`<svg>…</svg>\`) or null`);
  }
  for (const [name, value] of entries) {
    if (value) overrides.set(name as IconName, value);
    else overrides.delete(name as IconName);
  }
  changes.dispatchEvent(new Event('change'));
}

/** The app's replacement for an icon, if any. */
export function iconOverride(name: IconName): TemplateResult | undefined {
  return overrides.get(name);
}

/** Calls `listener` after every `registerIcons`; returns the unsubscribe function. */
export function onIconsChanged(listener: () => void): () => void {
  changes.addEventListener('change', listener);
  return () => changes.removeEventListener('change', listener);
}
