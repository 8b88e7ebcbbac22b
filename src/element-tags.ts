/**
 * The kit's elements: tag, class and module, in registration order (inner elements first, so the
 * outer ones render defined children). The one list of tags: `src/define.ts` is type-checked
 * against it, and the build (`vite.config.ts`, `scripts/build-types.mjs`), the manifest config, the
 * size script and the tests read it. Data only, no imports (scripts load it with tsx).
 */
export const ELEMENT_TAGS = [
  { tag: 'call-avatar', className: 'CallAvatar', file: 'components/call-avatar/call-avatar.ts' },
  { tag: 'participant-tile', className: 'ParticipantTile', file: 'components/participant-tile/participant-tile.ts' },
  { tag: 'speaker-output-menu', className: 'SpeakerOutputMenu', file: 'components/speaker-output-menu/speaker-output-menu.ts' },
  { tag: 'feature-buttons', className: 'FeatureButtons', file: 'components/feature-buttons/feature-buttons.ts' },
  { tag: 'incoming-banner', className: 'IncomingBanner', file: 'components/incoming-banner/incoming-banner.ts' },
  { tag: 'call-view', className: 'CallView', file: 'components/call-view/call-view.ts' },
  { tag: 'float-window', className: 'FloatWindow', file: 'components/float-window/float-window.ts' },
  { tag: 'device-picker', className: 'DevicePicker', file: 'components/device-picker/device-picker.ts' },
  { tag: 'invite-panel', className: 'InvitePanel', file: 'components/invite-panel/invite-panel.ts' },
  { tag: 'join-call-card', className: 'JoinCallCard', file: 'components/join-call-card/join-call-card.ts' },
  { tag: 'call-history', className: 'CallHistory', file: 'components/call-history/call-history.ts' },
  { tag: 'call-kit', className: 'CallKitElement', file: 'components/call-kit/call-kit.ts' },
] as const;

export type ElementTag = (typeof ELEMENT_TAGS)[number]['tag'];
