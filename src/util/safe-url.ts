/**
 * The one gate every kit element passes image URLs through (avatars, view background images)
 * before they reach `<img src>` or a CSS `url()`: names and avatars come from other users, so an
 * avatar is untrusted input.
 *
 * Allowed: `http:`, `https:`, `blob:`, raster `data:image/(png|jpeg|gif|webp)` (base64 or not), and
 * relative URLs (resolved against the document). Anything else (`javascript:`, `data:text/html`,
 * `data:image/svg+xml`, `file:`, `vbscript:`, other schemes, control characters, over-long
 * strings) gives `''`, which the elements render as the member's initial.
 *
 * Pure: no DOM access (safe to import in Node).
 */

/** Longest URL accepted (the kit's setters take 4096; data: avatars may be bigger). */
export const MAX_IMAGE_URL_LENGTH = 1_000_000;

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const RASTER_DATA = /^data:image\/(?:png|jpeg|gif|webp)(?:;[a-z0-9=._+-]+)*(?:;base64)?,/i;
/** C0 controls, DEL, and the characters a URL parser strips or a CSS `url()` could break out on. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const UNSAFE_CHARS = /[\u0000-\u001F\u007F\\]/;

/**
 * `url` if it is a safe image URL, else `''`. Leading and trailing spaces are trimmed (as the
 * URL parser would), so `' javascript:...'` is caught too.
 */
export function safeImageUrl(url: unknown): string {
  if (typeof url !== 'string') return '';
  const value = url.trim();
  if (value === '' || value.length > MAX_IMAGE_URL_LENGTH || UNSAFE_CHARS.test(value)) return '';
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    // Relative (path, query, fragment or protocol-relative `//host/x`): resolved against the page.
    return value;
  }
  if (scheme === 'http' || scheme === 'https' || scheme === 'blob') return value;
  if (scheme === 'data' && RASTER_DATA.test(value)) return value;
  return '';
}

/**
 * A CSS `url("...")` value for a safe image URL, or `''`. The URL is written as a CSS string with
 * `"` and newlines escaped, so it cannot end the `url()` early.
 */
export function cssImageUrl(url: unknown): string {
  const safe = safeImageUrl(url);
  if (!safe) return '';
  return `url("${safe.replace(/["\n\r\f]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}")`;
}
