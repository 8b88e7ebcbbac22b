/** Which call buttons show: `buttonsFor(panelOf(state))`, a pure function of the store's state. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buttonsFor, panelOf } from '../../components/feature-buttons/buttons-for.js';
import { CallMediaType, CallRole, FeatureButton } from '../../src/constants.js';
import { CallStore } from '../../src/store/store.js';
import type { CallState } from '../../src/store/types.js';

type Media = (typeof CallMediaType)['AUDIO' | 'VIDEO'];

function call(
  role: (typeof CallRole)['CALLER' | 'CALLEE'],
  mediaType: Media = CallMediaType.VIDEO,
  setup: (s: CallStore) => void = () => undefined,
): CallState {
  const store = new CallStore();
  store.dispatch({ type: 'login', userId: 'bob', name: 'Bob' });
  store.dispatch({
    type: 'call-start',
    role,
    callId: 'c1',
    mediaType,
    callerId: role === CallRole.CALLER ? 'bob' : 'alice',
    members: [{ userId: 'alice' }],
  });
  store.dispatch({ type: 'self-media', audio: true, video: mediaType === CallMediaType.VIDEO });
  setup(store);
  return store.getState();
}
const connected = (s: CallStore) => {
  s.dispatch({ type: 'member-upsert', userId: 'alice', status: 'accepted' });
  s.dispatch({ type: 'call-connected' });
};
const names = (state: CallState, fullScreen = false) => buttonsFor(panelOf(state), fullScreen).map((b) => b.name);

test('connecting (answered, media path not up yet): microphone, camera, hang up; no accept/decline, no speaker', () => {
  const connecting = (s: CallStore) => s.dispatch({ type: 'call-connecting' });
  assert.deepEqual(names(call(CallRole.CALLEE, CallMediaType.VIDEO, connecting)), ['microphone', 'camera', 'hangup']);
  assert.deepEqual(names(call(CallRole.CALLER, CallMediaType.AUDIO, connecting)), ['microphone', 'hangup']);
});

test('idle: no buttons', () => {
  assert.deepEqual(names(new CallStore().getState()), []);
});

test('ringing: decline, accept as voice (video calls only), accept', () => {
  assert.deepEqual(names(call(CallRole.CALLEE)), ['reject', 'accept-audio', 'accept']);
  assert.deepEqual(names(call(CallRole.CALLEE, CallMediaType.AUDIO)), ['reject', 'accept']);
});

test('dialing: microphone, camera (video), hang up; no speaker before the call connects', () => {
  assert.deepEqual(names(call(CallRole.CALLER)), ['microphone', 'camera', 'hangup']);
  assert.deepEqual(names(call(CallRole.CALLER, CallMediaType.AUDIO)), ['microphone', 'hangup']);
});

test('connected: the speaker joins; toggles carry aria-pressed, icon slot and title from the state', () => {
  const specs = buttonsFor(panelOf(call(CallRole.CALLER, CallMediaType.VIDEO, connected)));
  assert.deepEqual(
    specs.map((b) => [b.name, b.pressed, b.slot, b.title]),
    [
      ['microphone', true, 'microphone', 'microphone-on'],
      ['camera', true, 'camera', 'camera-on'],
      ['speaker', true, 'speaker', 'speaker-on'],
      ['hangup', undefined, 'hangup', undefined],
    ],
  );
  const off = buttonsFor(
    panelOf(
      call(CallRole.CALLER, CallMediaType.VIDEO, (s) => {
        connected(s);
        s.dispatch({ type: 'self-media', audio: false, video: false });
        s.dispatch({ type: 'speaker-muted', muted: true });
      }),
    ),
  );
  assert.deepEqual(
    off.slice(0, 3).map((b) => [b.name, b.pressed, b.slot]),
    [
      ['microphone', false, 'microphone-off'],
      ['camera', false, 'camera-off'],
      ['speaker', false, 'speaker-off'],
    ],
  );
});

test('every optional button, in order: switch camera, blur, invite, minimize, full screen', () => {
  const state = call(CallRole.CALLER, CallMediaType.VIDEO, (s) => {
    connected(s);
    s.dispatch({
      type: 'devices',
      devices: [
        { deviceId: 'front', label: 'Front', kind: 'camera' },
        { deviceId: 'back', label: 'Back', kind: 'camera' },
      ],
    });
    s.dispatch({ type: 'settings', settings: { virtualBackground: true, floatWindow: true, allowedFullScreen: true } });
  });
  const group = { ...state, isGroup: true };
  assert.deepEqual(names(group), [
    'microphone',
    'camera',
    'speaker',
    'switch-camera',
    'blur',
    'invite',
    'minimize',
    'full-screen',
    'hangup',
  ]);
  const blur = buttonsFor(panelOf(group)).find((b) => b.name === 'blur')!;
  assert.deepEqual([blur.label, blur.pressed], ['blur-background', false]);
  const full = buttonsFor(panelOf(group), true).find((b) => b.name === 'full-screen')!;
  assert.deepEqual([full.label, full.slot], ['exit-full-screen', 'exit-full-screen']);
  // Switch camera needs the camera on and two cameras; blur and switch camera only in video calls.
  assert.equal(names({ ...group, self: { ...group.self, videoAvailable: false } }).includes('switch-camera'), false);
  assert.equal(names({ ...group, devices: group.devices.slice(0, 1) }).includes('switch-camera'), false);
  const audio = names({ ...group, mediaType: CallMediaType.AUDIO });
  assert.equal(audio.includes('blur') || audio.includes('switch-camera') || audio.includes('camera'), false);
});

test('invite: group calls only, for the caller while dialing and everyone once connected', () => {
  const dialing = { ...call(CallRole.CALLER), isGroup: true };
  assert.equal(names(dialing).includes('invite'), true);
  const joined = { ...call(CallRole.CALLEE, CallMediaType.VIDEO, connected), isGroup: true };
  assert.equal(names(joined).includes('invite'), true);
  assert.equal(names(call(CallRole.CALLER, CallMediaType.VIDEO, connected)).includes('invite'), false);
});

test('hideFeatureButton: microphone, camera, switch camera and invite can be hidden; hang up never', () => {
  const state = call(CallRole.CALLER, CallMediaType.VIDEO, (s) => {
    connected(s);
    s.dispatch({
      type: 'settings',
      settings: { hiddenButtons: [FeatureButton.Camera, FeatureButton.Microphone, FeatureButton.InviteUser] },
    });
  });
  assert.deepEqual(names({ ...state, isGroup: true }), ['speaker', 'hangup']);
});

test('AI noise suppression: a toggle where the engine has it (audio and video calls, dialing and connected), hideable', () => {
  const on = (s: CallStore) => s.dispatch({ type: 'settings', settings: { aiNoiseSuppressionAvailable: true } });
  assert.equal(names(call(CallRole.CALLER, CallMediaType.AUDIO, connected)).includes('noise-suppression'), false, 'engine without it');
  const audio = call(CallRole.CALLER, CallMediaType.AUDIO, (s) => (connected(s), on(s)));
  assert.deepEqual(names(audio), ['microphone', 'speaker', 'noise-suppression', 'hangup']);
  const off = buttonsFor(panelOf(audio)).find((b) => b.name === 'noise-suppression')!;
  assert.deepEqual(
    [off.label, off.slot, off.pressed, off.title],
    ['noise-suppression', 'noise-suppression', false, 'noise-suppression-off'],
  );
  const enabled = { ...audio, settings: { ...audio.settings, aiNoiseSuppression: true } };
  const pressed = buttonsFor(panelOf(enabled)).find((b) => b.name === 'noise-suppression')!;
  assert.deepEqual([pressed.pressed, pressed.title], [true, 'noise-suppression-on']);
  assert.equal(names(call(CallRole.CALLER, CallMediaType.VIDEO, on)).includes('noise-suppression'), true, 'dialing');
  assert.equal(names(call(CallRole.CALLEE, CallMediaType.VIDEO, on)).includes('noise-suppression'), false, 'ringing: answer first');
  const hidden = { ...audio, settings: { ...audio.settings, hiddenButtons: [FeatureButton.AINoiseSuppression] } };
  assert.equal(names(hidden).includes('noise-suppression'), false);
});
