/**
 * Registers the kit's elements (the package's only side-effect module: `callkit-elements/define.js`).
 * A tag that is already defined (another copy of the kit, or an app's own element) is left alone.
 * Safe to import where `customElements` does not exist (SSR): it then does nothing.
 */
import { CallAvatar } from '../components/call-avatar/call-avatar.js';
import { CallHistory } from '../components/call-history/call-history.js';
import { CallKitElement } from '../components/call-kit/call-kit.js';
import { CallView } from '../components/call-view/call-view.js';
import { DevicePicker } from '../components/device-picker/device-picker.js';
import { FeatureButtons } from '../components/feature-buttons/feature-buttons.js';
import { FloatWindow } from '../components/float-window/float-window.js';
import { IncomingBanner } from '../components/incoming-banner/incoming-banner.js';
import { InvitePanel } from '../components/invite-panel/invite-panel.js';
import { JoinCallCard } from '../components/join-call-card/join-call-card.js';
import { ParticipantTile } from '../components/participant-tile/participant-tile.js';
import { SpeakerOutputMenu } from '../components/speaker-output-menu/speaker-output-menu.js';
import type { ElementTag } from './element-tags.js';

/** Every tag of `src/element-tags.ts` (the compiler checks that none is missing or extra), in its order. */
const ELEMENTS: Record<ElementTag, CustomElementConstructor> = {
  // Inner elements first, so the outer ones render defined children.
  'call-avatar': CallAvatar,
  'participant-tile': ParticipantTile,
  'speaker-output-menu': SpeakerOutputMenu,
  'feature-buttons': FeatureButtons,
  'incoming-banner': IncomingBanner,
  'call-view': CallView,
  'float-window': FloatWindow,
  'device-picker': DevicePicker,
  'invite-panel': InvitePanel,
  'join-call-card': JoinCallCard,
  'call-history': CallHistory,
  'call-kit': CallKitElement,
};

for (const [tag, element] of Object.entries(ELEMENTS)) {
  if (typeof customElements !== 'undefined' && !customElements.get(tag)) customElements.define(tag, element);
}

declare global {
  interface HTMLElementTagNameMap {
    'call-avatar': CallAvatar;
    'participant-tile': ParticipantTile;
    'speaker-output-menu': SpeakerOutputMenu;
    'feature-buttons': FeatureButtons;
    'incoming-banner': IncomingBanner;
    'call-view': CallView;
    'float-window': FloatWindow;
    'device-picker': DevicePicker;
    'invite-panel': InvitePanel;
    'join-call-card': JoinCallCard;
    'call-history': CallHistory;
    'call-kit': CallKitElement;
  }
}
