/**
 * Registers the kit's elements (the package's only side-effect module: `callkit-elements/define.js`).
 * A tag that is already defined (another copy of the kit, or an app's own element) is left alone.
 * Safe to import where `customElements` does not exist (SSR): it then does nothing.
 */
import { CallKitElement } from '../components/call-kit/call-kit.js';
import { CallView } from '../components/call-view/call-view.js';
import { FeatureButtons } from '../components/feature-buttons/feature-buttons.js';
import { IncomingBanner } from '../components/incoming-banner/incoming-banner.js';
import { ParticipantTile } from '../components/participant-tile/participant-tile.js';

function define(tag: string, element: CustomElementConstructor): void {
  if (typeof customElements !== 'undefined' && !customElements.get(tag)) customElements.define(tag, element);
}

// Inner elements first, so the outer ones render defined children.
define('participant-tile', ParticipantTile);
define('feature-buttons', FeatureButtons);
define('incoming-banner', IncomingBanner);
define('call-view', CallView);

define('call-kit', CallKitElement);

declare global {
  interface HTMLElementTagNameMap {
    'participant-tile': ParticipantTile;
    'feature-buttons': FeatureButtons;
    'incoming-banner': IncomingBanner;
    'call-view': CallView;
    'call-kit': CallKitElement;
  }
}
