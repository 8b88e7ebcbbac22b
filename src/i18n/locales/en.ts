import type { Entry } from '../types.js';

/**
 * English texts. This dictionary defines the key set: every other locale must have every key
 * (see `Dictionary`). Placeholders are `{name}`; plural entries pick a form from `{count}`.
 */
const en = {
  // Tips (state.tip) while a call is being set up or just connected.
  'caller-calling-message': 'Waiting for the other side to answer…',
  'callee-calling-video-message': 'invites you to a video call',
  'callee-calling-audio-message': 'invites you to a voice call',
  'wait-to-be-called': 'Waiting for the others to answer…',
  answered: 'Connected',

  // Toasts (state.toast): why a call ended or could not start.
  'other-side-reject-call': 'The call was declined',
  'other-side-reject-call-group': '{name} declined the call',
  'other-side-line-busy': 'The other side is busy on another call',
  'other-side-line-busy-group': '{name} is busy on another call',
  'call-timeout': 'No answer',
  'call-timeout-group': '{name} did not answer',
  'other-side-cancelled': 'The caller cancelled the call',
  'call-ended': 'Call ended',
  'other-side-hangup': 'The other side hung up',
  'ended-by-admin': 'The call was ended by the service',
  'ended-by-admin-message': 'The call was ended by the service: {message}',
  'max-duration': 'The call reached its time limit',
  'other-side-hangup-group': '{name} left the call',
  'answered-elsewhere': 'Answered on another device',
  'rejected-elsewhere': 'Declined on another device',
  'user-unavailable': 'The user is offline or unavailable',
  'self-call': "You can't call yourself",
  glare: 'You called each other at the same time; only one of the calls was kept',
  disconnected: 'The connection to the server was lost',
  reconnecting: 'Reconnecting…',
  'reconnect-failed': 'Could not reconnect to the server',
  'reconnect-retry': 'Try again',
  'load-failed': 'Could not load the call screen',
  'network-unsupported': 'Your network cannot carry this call',
  'other-side-unsupported': "The other side's browser cannot take calls",
  'call-not-allowed': 'You are not allowed to call this user',
  'self-declared-name': 'Name not verified',
  'video-unsupported': 'This browser cannot carry video calls; place an audio call',
  'browser-unsupported': 'This browser cannot make or take calls',
  'no-microphone-access': 'The microphone is blocked. Allow access to it in your browser settings.',
  'no-camera-access': 'The camera is blocked. Allow access to it in your browser settings.',
  'device-error': 'The camera or microphone could not be started',
  'call-failed': 'The call failed: {message}',
  'call-error': 'The call failed',
  'already-in-call': 'You are already in a call',
  'connection-failed': 'Could not connect the call',

  // Labels used by the elements.
  accept: 'Accept',
  'accept-as-audio': 'Accept as voice call',
  reject: 'Decline',
  hangup: 'Hang up',
  microphone: 'Microphone',
  camera: 'Camera',
  'microphone-on': 'Microphone is on',
  'microphone-off': 'Microphone is off',
  'camera-on': 'Camera is on',
  'camera-off': 'Camera is off',
  you: 'You',
  me: 'Me',
  'self-name': '{name} (you)',
  'video-call': 'Video call',
  'voice-call': 'Voice call',
  'incoming-call': 'Incoming call',
  'incoming-video-call-from': 'Incoming video call from {name}',
  'incoming-audio-call-from': 'Incoming voice call from {name}',
  'call-duration': 'Call duration',
  'call-controls': 'Call controls',
  'member-ringing': 'Calling…',
  'people-in-call': { one: '{count} person in the call', other: '{count} people in the call' },
  // Call view and feature buttons (call UI).
  connecting: 'Connecting…',
  'swap-views': 'Swap the large and small videos',
  'focus-tile': 'Show {name} large',
  'network-poor-label': 'Poor network',
  'member-reconnecting': 'Connection to {name} lost, reconnecting…',
  'network-poor-self': 'Your network is poor during this call',
  'network-poor-remote': "The other side's network is poor",
  speaker: 'Speaker',
  'speaker-on': 'Speaker is on',
  'speaker-off': 'Speaker is off',
  'switch-camera': 'Switch camera',
  'blur-background': 'Blur background',
  'blur-unsupported': 'Background blur is not available here',
  minimize: 'Minimize',
  'full-screen': 'Full screen',
  'exit-full-screen': 'Exit full screen',
  'invite-button': 'Add people',
  'choose-speaker': 'Choose speaker',
  'speaker-outputs': 'Audio output',
  // <join-call-card>: a running group call you may join.
  // <call-history>
  'call-history': 'Recent calls',
  'call-history-empty': 'No calls yet',
  'history-outgoing': 'Outgoing',
  'history-incoming': 'Incoming',
  'history-missed': 'Missed',
  'presence-online': 'Online',
  'presence-busy': 'Busy (in a call)',
  'presence-offline': 'Offline',
  'history-video': 'Video call',
  'history-audio': 'Voice call',
  'history-call-back': 'Call {name} back',
  'outcome-accepted': 'Answered',
  'outcome-rejected': 'Declined',
  'outcome-busy': 'Busy',
  'outcome-no-answer': 'No answer',
  'outcome-cancelled': 'Cancelled',
  'outcome-offline': 'Offline',
  'join-call': 'Join',
  'join-call-label': { one: 'Join the call with {count} person', other: 'Join the call with {count} people' },
  'join-call-video': 'Video call in progress',
  'join-call-audio': 'Voice call in progress',
  // Ringtone held back by the browser's autoplay policy.
  'sound-blocked': 'Tap to turn on sound',
  // <float-window>: the minimized call.
  'float-window': 'Minimized call',
  'restore-call': 'Return to the call',
  'float-window-move': 'Drag, or use the arrow keys, to move it',
  // <device-picker>.
  devices: 'Devices',
  'device-default': 'System default',
  'device-default-named': 'System default ({label})',
  'device-unnamed': 'Device {n}',
  // The call view's "Check devices" (opens <device-check>, whose own texts live in its chunk).
  'device-check-open': 'Check devices',
  // Incoming video call: the callee's own camera before answering.
  'ringing-preview': 'Your camera',
  'ringing-camera-toggle': 'Answer with camera on',
  // <invite-panel>.
  'invite-title': 'Add people to the call',
  'invite-submit': 'Invite',
  'invite-cancel': 'Cancel',
  'invite-in-call': 'In the call',
  'invite-selected': { one: '{count} person selected', other: '{count} people selected' },
  'invite-limit': 'A call has at most {max} people',
  'invite-empty': 'No one to invite',
  // <incoming-banner>: several calls, call waiting; tab title and system notification.
  'end-and-accept': 'End current call and accept',
  'waiting-call': 'Waiting call',
  'incoming-call-shortcut': 'Press {shortcut} to go to the call',
  'incoming-calls': { one: '{count} incoming call', other: '{count} incoming calls' },
  'tab-title-incoming': 'Call from {name}',
  'notification-body': 'Click to open the call',
} as const satisfies Readonly<Record<string, Entry>>;

export default en;

/** Every message key the kit knows (the keys of the English dictionary). */
export type MessageKey = keyof typeof en;

/** A complete locale: a text (or plural forms) for every key of the English dictionary. */
export type Dictionary = { readonly [K in MessageKey]: Entry };
