/**
 * AI noise suppression on the default engine (`setAINoiseSuppression`, the kit's `enableAIVoice`):
 * two WebRTC engines in one page against the real signaling server, Chromium's fake microphone. The
 * denoiser (RNNoise in an AudioWorklet) loads from this origin's node_modules, as the dev servers
 * serve it. What the denoiser does to a noisy voice is measured apart (test/e2e/noise-suppression.test.ts).
 */
import { expect } from '@open-wc/testing';
import { CallMediaType } from '../../src/constants.js';
import { WebRTCEngine, type WebRTCEngineOptions } from '../../src/engine/webrtc/index.js';
import { debugPeerConnection, debugState } from '../../src/engine/webrtc/debug.js';
import type { CallEngineEvents } from '../../src/engine/types.js';

interface SignalingModule {
  SIGNALING_URL: string;
  USERSIG_URL: string;
}

const SIGNALING_MODULE: string = '/__signaling.js';
let signaling: SignalingModule;

interface Client {
  userId: string;
  engine: WebRTCEngine;
  denoise: CallEngineEvents['onAINoiseSuppressionChanged'][];
  audio: CallEngineEvents['onUserAudioAvailable'][];
  begun: boolean;
  received: boolean;
  ended: boolean;
}

const engines: WebRTCEngine[] = [];

async function loggedIn(name: string, options: WebRTCEngineOptions = {}): Promise<Client> {
  const userId = `${name}-${Math.random().toString(36).slice(2, 10)}`;
  const engine = new WebRTCEngine({ statsIntervalMs: 200, requestTimeoutMs: 5000, ...options });
  engines.push(engine);
  const client: Client = { userId, engine, denoise: [], audio: [], begun: false, received: false, ended: false };
  engine.on('onAINoiseSuppressionChanged', (e) => client.denoise.push(e));
  engine.on('onUserAudioAvailable', (e) => client.audio.push(e));
  engine.on('onCallBegin', () => (client.begun = true));
  engine.on('onCallReceived', () => (client.received = true));
  engine.on('onCallEnd', () => (client.ended = true));
  const res = await fetch(`${signaling.USERSIG_URL}?user=${encodeURIComponent(userId)}`);
  const sig = (await res.json()) as { sdkAppId: number; userSig: string };
  await engine.login({ SDKAppID: sig.sdkAppId, userID: userId, userSig: sig.userSig, server: signaling.SIGNALING_URL });
  return client;
}

async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10000): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function connectedAudioCall(alice: Client, bob: Client): Promise<void> {
  await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.AUDIO });
  await waitFor('bob rings', () => bob.received);
  await bob.engine.accept();
  await waitFor('bob: call begins', () => bob.begun);
  await waitFor('alice: call begins', () => alice.begun);
}

/** The microphone track `client` sends to `to`. */
function sentAudio(client: Client, to: Client): MediaStreamTrack {
  const pc = debugPeerConnection(client.engine, to.userId);
  const sender = pc?.getSenders().find((s) => s.track?.kind === 'audio');
  if (!sender?.track) throw new Error(`${client.userId} sends no audio to ${to.userId}`);
  return sender.track;
}

/** Every track getUserMedia handed out (recorded by the wrapper installed in `before`). */
const captured = new Set<MediaStreamTrack>();
const isCapture = (track: MediaStreamTrack) => captured.has(track);
const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);

/** Whether this browser starts an AudioContext without a user gesture (within 3 s). */
async function webAudioRuns(): Promise<boolean> {
  const ctx = new AudioContext();
  try {
    await Promise.race([ctx.resume(), new Promise((r) => setTimeout(r, 3000))]);
    return ctx.state === 'running';
  } finally {
    void ctx.close();
  }
}

async function released(client: Client): Promise<void> {
  await waitFor(`${client.userId}: released`, () => {
    const s = debugState(client.engine);
    return s.call === null && s.localTracks === 0 && s.audioContexts === 0;
  });
}

describe('AI noise suppression (default engine)', function () {
  this.timeout(40000);

  before(async () => {
    signaling = (await import(SIGNALING_MODULE)) as SignalingModule;
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await realGetUserMedia(constraints);
      for (const track of stream.getTracks()) captured.add(track);
      return stream;
    };
  });

  after(() => {
    navigator.mediaDevices.getUserMedia = realGetUserMedia;
  });

  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.destroy().catch(() => undefined);
  });

  it('sends the denoised microphone while on (replaceTrack), the capture again when off; mute and a device switch keep working', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    // Turned on while idle: remembered, applied to the next call's microphone.
    expect(await alice.engine.setAINoiseSuppression(true)).to.equal(true);
    expect(alice.denoise).to.deep.equal([{ enabled: true }]);
    expect(debugState(alice.engine).audioContexts, 'nothing loaded while idle').to.equal(0);

    await connectedAudioCall(alice, bob);
    if (!(await webAudioRuns())) {
      // Headless Firefox starts no AudioContext without a user gesture: the fallback, with its reason.
      expect(alice.denoise.at(-1)?.enabled).to.equal(false);
      expect(alice.denoise.at(-1)?.fallback).to.include('AudioContext');
      expect(isCapture(sentAudio(alice, bob))).to.equal(true);
      await alice.engine.hangup();
      await released(alice);
      return;
    }
    const denoised = sentAudio(alice, bob);
    expect(isCapture(denoised), 'the denoiser output is sent, not the capture').to.equal(false);
    expect(denoised.readyState).to.equal('live');
    expect(debugState(alice.engine).audioContexts, 'the denoiser runs in its own AudioContext').to.be.greaterThan(0);

    // Mute: the sent (denoised) track is disabled and bob is told; unmute restores it.
    await alice.engine.closeMicrophone();
    expect(sentAudio(alice, bob).enabled).to.equal(false);
    await waitFor('bob: alice muted', () => bob.audio.some((e) => e.userId === alice.userId && !e.available));
    await alice.engine.openMicrophone();
    expect(sentAudio(alice, bob).enabled).to.equal(true);

    // Device switch: the new capture is denoised too; the old denoiser's track ends.
    const [mic] = await alice.engine.getDeviceList('microphone');
    await alice.engine.switchDevice({ deviceType: 'microphone', deviceId: mic.deviceId });
    const afterSwitch = sentAudio(alice, bob);
    expect(afterSwitch).to.not.equal(denoised);
    expect(isCapture(afterSwitch)).to.equal(false);
    expect(afterSwitch.readyState).to.equal('live');
    expect(denoised.readyState, 'the replaced denoiser is closed').to.equal('ended');

    // Off: the raw capture (with the browser's own noiseSuppression) goes back on the sender.
    expect(await alice.engine.setAINoiseSuppression(false)).to.equal(false);
    const raw = sentAudio(alice, bob);
    expect(isCapture(raw), 'the capture is sent again').to.equal(true);
    expect(raw.getConstraints().noiseSuppression, "the browser's suppression is asked for").to.equal(true);
    expect(afterSwitch.readyState).to.equal('ended');
    await waitFor('alice: the denoiser context closed', () => debugState(alice.engine).audioContexts <= 1);
    expect(alice.denoise.at(-1)).to.deep.equal({ enabled: false });

    // On again mid-call: swapped in place.
    expect(await alice.engine.setAINoiseSuppression(true)).to.equal(true);
    expect(isCapture(sentAudio(alice, bob))).to.equal(false);

    await alice.engine.hangup();
    await waitFor('bob: call ends', () => bob.ended);
    await released(alice);
    await released(bob);
  });

  it("falls back to the browser's suppression, with the reason, when the denoiser cannot load", async () => {
    const alice = await loggedIn('alice', { noiseSuppressionAssets: '/no-such-denoiser/' });
    const bob = await loggedIn('bob');
    await connectedAudioCall(alice, bob);
    const raw = sentAudio(alice, bob);
    expect(await alice.engine.setAINoiseSuppression(true), 'the switch reads off').to.equal(false);
    expect(alice.denoise).to.have.length(1);
    expect(alice.denoise[0].enabled).to.equal(false);
    expect(alice.denoise[0].fallback).to.include('/no-such-denoiser/');
    expect(sentAudio(alice, bob), 'the capture stays on the sender').to.equal(raw);
    expect(raw.getConstraints().noiseSuppression).to.equal(true);
    await alice.engine.hangup();
    await released(alice);
  });
});
