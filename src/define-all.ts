/**
 * Registers every kit element now, the lazy ones too (`src/define.ts` registers those on first use):
 * for the React entry (its wrappers hold the classes anyway), Storybook and the component tests.
 * Same rules as `define.ts`: a tag already defined is left alone; nothing happens without `customElements`.
 */
import './define.js';
import { CallHistory } from '../components/call-history/call-history.js';
import { CallView } from '../components/call-view/call-view.js';
import { DeviceCheck } from '../components/device-check/device-check.js';
import { DevicePicker } from '../components/device-picker/device-picker.js';
import { FeatureButtons } from '../components/feature-buttons/feature-buttons.js';
import { FloatWindow } from '../components/float-window/float-window.js';
import { InvitePanel } from '../components/invite-panel/invite-panel.js';
import { JoinCallCard } from '../components/join-call-card/join-call-card.js';
import { ParticipantTile } from '../components/participant-tile/participant-tile.js';
import { SpeakerOutputMenu } from '../components/speaker-output-menu/speaker-output-menu.js';
import { defineElement } from './define-element.js';
import type { LazyTag } from './element-tags.js';

/** Every lazy tag of `src/element-tags.ts` (the compiler checks that none is missing or extra), inner ones first. */
const LAZY: Record<LazyTag, CustomElementConstructor> = {
  'participant-tile': ParticipantTile,
  'speaker-output-menu': SpeakerOutputMenu,
  'feature-buttons': FeatureButtons,
  'call-view': CallView,
  'float-window': FloatWindow,
  'device-picker': DevicePicker,
  'device-check': DeviceCheck,
  'invite-panel': InvitePanel,
  'join-call-card': JoinCallCard,
  'call-history': CallHistory,
};

for (const [tag, element] of Object.entries(LAZY)) defineElement(tag, element);
