/** The kit's element classes, unregistered (see `src/define.ts` for the tags). No side effects. */
export { StoreElement } from './store-element.js';
export { ParticipantTile } from '../../components/participant-tile/participant-tile.js';
export { FeatureButtons } from '../../components/feature-buttons/feature-buttons.js';
export { IncomingBanner } from '../../components/incoming-banner/incoming-banner.js';
export { CallView } from '../../components/call-view/call-view.js';
export { FloatWindow } from '../../components/float-window/float-window.js';
export { DevicePicker } from '../../components/device-picker/device-picker.js';
export { InvitePanel } from '../../components/invite-panel/invite-panel.js';
export type { InviteCandidate } from '../../components/invite-panel/invite-panel.js';
export { DragController } from './drag-controller.js';
export type { DragPosition, DragOptions } from './drag-controller.js';
