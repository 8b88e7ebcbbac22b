/**
 * The kit's elements: tag, class and module, in registration order (inner elements first, so the
 * outer ones render defined children). The one list of tags: `src/define.ts` is type-checked
 * against it, and the build (`vite.config.ts`, `scripts/build-types.mjs`), the manifest config, the
 * size script and the tests read it. Data only, no imports (scripts load it with tsx).
 *
 * `lazy`: `callkit-elements/define.js` registers the tag on first use (`src/element-loader.ts`: when
 * `<call-kit>` needs it, or when the tag appears in the document), through a dynamic import, so a
 * page that can be called loads only the eager ones (login and the incoming banner) up front.
 */
export const ELEMENT_TAGS = [
  { tag: 'call-avatar', className: 'CallAvatar', file: 'components/call-avatar/call-avatar.ts', lazy: false },
  { tag: 'participant-tile', className: 'ParticipantTile', file: 'components/participant-tile/participant-tile.ts', lazy: true },
  { tag: 'speaker-output-menu', className: 'SpeakerOutputMenu', file: 'components/speaker-output-menu/speaker-output-menu.ts', lazy: true },
  { tag: 'feature-buttons', className: 'FeatureButtons', file: 'components/feature-buttons/feature-buttons.ts', lazy: true },
  { tag: 'incoming-banner', className: 'IncomingBanner', file: 'components/incoming-banner/incoming-banner.ts', lazy: false },
  { tag: 'call-view', className: 'CallView', file: 'components/call-view/call-view.ts', lazy: true },
  { tag: 'float-window', className: 'FloatWindow', file: 'components/float-window/float-window.ts', lazy: true },
  { tag: 'device-picker', className: 'DevicePicker', file: 'components/device-picker/device-picker.ts', lazy: true },
  { tag: 'device-check', className: 'DeviceCheck', file: 'components/device-check/device-check.ts', lazy: true },
  { tag: 'invite-panel', className: 'InvitePanel', file: 'components/invite-panel/invite-panel.ts', lazy: true },
  { tag: 'join-call-card', className: 'JoinCallCard', file: 'components/join-call-card/join-call-card.ts', lazy: true },
  { tag: 'call-history', className: 'CallHistory', file: 'components/call-history/call-history.ts', lazy: true },
  { tag: 'call-kit', className: 'CallKitElement', file: 'components/call-kit/call-kit.ts', lazy: false },
] as const;

export type ElementTag = (typeof ELEMENT_TAGS)[number]['tag'];
/** The tags `define.js` registers on first use. */
export type LazyTag = Extract<(typeof ELEMENT_TAGS)[number], { lazy: true }>['tag'];
