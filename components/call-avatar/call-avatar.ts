import { html, LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { safeImageUrl } from '../../src/util/safe-url.js';
import { styles } from './call-avatar.styles.js';

/**
 * Image URLs that failed to load on this page: an avatar never retries one (a tile that is
 * re-rendered, or the same person in another element, shows the initial at once).
 */
const failed = new Set<string>();

/** First character (not code unit) of a name; `?` for an empty one. */
export function initialOf(name: string): string {
  return [...name.trim()][0] ?? '?';
}

/**
 * A person's avatar: their image, else the first character of their name. The initial is shown
 * when there is no image, when the URL is not a safe image URL (`safeImageUrl`: http(s), blob and
 * raster `data:` images), and when the image failed to load; a failed URL is remembered for the
 * page's lifetime. Decorative (`alt=""`, the initial `aria-hidden`): the name is always shown or
 * labelled next to it. Used by the banner, the call view, the tiles and the join card.
 *
 * @summary A person's avatar image, or their initial.
 *
 * @csspart image - The avatar image.
 * @csspart initial - The initial, shown without a (working) image.
 *
 * @cssproperty --ck-avatar-size - Width and height (default 40px; the kit's elements size it through their own tokens).
 * @cssproperty --ck-avatar-radius - Corner radius (default `--ck-radius-avatar`, 50%).
 * @cssproperty --ck-avatar-background - Background of the initial (default `--ck-color-accent`).
 * @cssproperty --ck-avatar-color - Colour of the initial (default white).
 */
export class CallAvatar extends LitElement {
  static override styles = styles;

  /** The image URL (unsafe URLs are ignored). */
  @property() src = '';

  /** The person's name: its first character is the fallback. */
  @property() name = '';

  /** The image shown, or '' for the initial. */
  get #image(): string {
    const src = safeImageUrl(this.src);
    return src && !failed.has(src) ? src : '';
  }

  #onError(src: string): void {
    failed.add(src);
    this.requestUpdate();
  }

  override render() {
    const src = this.#image;
    return src
      ? html`<img part="image" src=${src} alt="" @error=${() => this.#onError(src)} />`
      : html`<span part="initial" aria-hidden="true">${initialOf(this.name)}</span>`;
  }
}
