/**
 * Registers the kit's elements (the package's side-effect module: `callkit-elements/define.js`).
 * What a page needs before it can be called registers now: `<call-kit>`, `<incoming-banner>`,
 * `<call-avatar>`. The rest (the `lazy` rows of `src/element-tags.ts`: the call view and its parts,
 * the float window, device picker, device check, invite panel, join card, call history) registers on first use:
 * `<call-kit>` loads the call view while a call rings or is placed, and the tags an app puts in its
 * page load when they appear (`src/element-loader.ts`). `loadAllElements()` registers them all now.
 * A tag that is already defined (another copy of the kit, or an app's own element) is left alone.
 * Safe to import where `customElements` does not exist (SSR): it then does nothing.
 */
import { CallAvatar } from '../components/call-avatar/call-avatar.js';
import { CallKitElement } from '../components/call-kit/call-kit.js';
import { IncomingBanner } from '../components/incoming-banner/incoming-banner.js';
import { defineElement } from './define-element.js';
import { autoloadElements } from './element-loader.js';
import type { CallHistory } from '../components/call-history/call-history.js';
import type { CallView } from '../components/call-view/call-view.js';
import type { DeviceCheck } from '../components/device-check/device-check.js';
import type { DevicePicker } from '../components/device-picker/device-picker.js';
import type { FeatureButtons } from '../components/feature-buttons/feature-buttons.js';
import type { FloatWindow } from '../components/float-window/float-window.js';
import type { InvitePanel } from '../components/invite-panel/invite-panel.js';
import type { JoinCallCard } from '../components/join-call-card/join-call-card.js';
import type { ParticipantTile } from '../components/participant-tile/participant-tile.js';
import type { SpeakerOutputMenu } from '../components/speaker-output-menu/speaker-output-menu.js';
import type { ElementTag, LazyTag } from './element-tags.js';

export { loadAllElements, loadElement, ElementLoadError } from './element-loader.js';

/** The tags of `src/element-tags.ts` that are not lazy (the compiler checks that none is missing or extra), inner ones first. */
const EAGER: Record<Exclude<ElementTag, LazyTag>, CustomElementConstructor> = {
  'call-avatar': CallAvatar,
  'incoming-banner': IncomingBanner,
  'call-kit': CallKitElement,
};

if (typeof customElements !== 'undefined') {
  for (const [tag, element] of Object.entries(EAGER)) defineElement(tag, element);
  if (typeof document !== 'undefined') autoloadElements(document);
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
    'device-check': DeviceCheck;
    'invite-panel': InvitePanel;
    'join-call-card': JoinCallCard;
    'call-history': CallHistory;
    'call-kit': CallKitElement;
  }
}
