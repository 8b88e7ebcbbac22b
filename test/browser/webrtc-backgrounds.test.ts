/**
 * Backgrounds on the default engine, end to end in one page: two WebRTC engines against the real
 * signaling server (web-test-runner.config.mjs), Chromium's fake camera, the model and WASM served
 * from our own origin (/callkit-backgrounds/, as an app does). What the other side decodes is
 * measured: detail in the top-left corner of the frames (the fake camera has no person, so the
 * whole picture is background).
 */
import { expect } from '@open-wc/testing';
import { CallMediaType } from '../../src/constants.js';
import { CallKitError } from '../../src/errors.js';
import { WebRTCEngine, type WebRTCEngineOptions } from '../../src/engine/webrtc/index.js';
import { debugBackgrounds, debugPeerConnection, debugState } from '../../src/engine/webrtc/debug.js';
import { cornerDetail, grab, playTrack, type Frame } from './helpers/video-frames.js';
import { backgroundsSupported } from '../../src/engine/webrtc/backgrounds.js';

const ASSETS = '/callkit-backgrounds/';
const SIGNALING_MODULE: string = '/__signaling.js';
let signaling: { SIGNALING_URL: string; USERSIG_URL: string };

interface Client {
  userId: string;
  engine: WebRTCEngine;
  remote: Map<string, MediaStream | null>;
  local: MediaStream | null;
}

const engines: WebRTCEngine[] = [];
const videos: HTMLVideoElement[] = [];

async function loggedIn(name: string, options: WebRTCEngineOptions = {}): Promise<Client> {
  const userId = `${name}-${Math.random().toString(36).slice(2, 10)}`;
  const engine = new WebRTCEngine({ statsIntervalMs: 200, requestTimeoutMs: 5000, ...options });
  engines.push(engine);
  const client: Client = { userId, engine, remote: new Map(), local: null };
  engine.on('onRemoteStream', ({ userId: from, stream }) => client.remote.set(from, stream));
  engine.on('onLocalStream', ({ stream }) => (client.local = stream));
  const res = await fetch(`${signaling.USERSIG_URL}?user=${encodeURIComponent(userId)}`);
  const sig = (await res.json()) as { sdkAppId: number; userSig: string };
  await engine.login({ SDKAppID: sig.sdkAppId, userID: userId, userSig: sig.userSig, server: signaling.SIGNALING_URL });
  return client;
}

async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 30000): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The video track `client` sends toward `to`. */
function sentVideo(client: Client, to: string): MediaStreamTrack | null {
  const pc = debugPeerConnection(client.engine, to);
  return pc?.getSenders().find((s) => s.track?.kind === 'video')?.track ?? null;
}

async function framesDecoded(client: Client, from: string): Promise<number> {
  const report = await debugPeerConnection(client.engine, from)!.getStats();
  let n = 0;
  report.forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') n += s.framesDecoded ?? 0;
  });
  return n;
}

/** Median corner detail of a few frames `video` shows (the fake camera's picture moves). */
async function detail(video: HTMLVideoElement): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));
    values.push(cornerDetail(grab(video)));
  }
  values.sort((a, b) => a - b);
  return values[2]!;
}

function meanColor(frame: Frame): [number, number, number] {
  const { data, width, height } = frame;
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let y = 0; y < height / 4; y++) {
    for (let x = 0; x < width / 4; x++) {
      const i = (y * width + x) * 4;
      r += data[i]!;
      g += data[i + 1]!;
      b += data[i + 2]!;
      n++;
    }
  }
  return [r / n, g / n, b / n];
}

async function videoCall(alice: Client, bob: Client): Promise<void> {
  let ringing = false;
  bob.engine.on('onCallReceived', () => (ringing = true));
  await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.VIDEO });
  await waitFor('bob rings', () => ringing);
  await bob.engine.accept();
  await waitFor('bob gets alice video', () => bob.remote.get(alice.userId)?.getVideoTracks().length);
}

describe('backgrounds on the WebRTC engine (the other side decodes the effect)', function () {
  this.timeout(180000);

  before(async () => {
    signaling = (await import(SIGNALING_MODULE)) as typeof signaling;
  });

  afterEach(async () => {
    for (const v of videos.splice(0)) v.remove();
    for (const e of engines.splice(0)) await e.destroy().catch(() => undefined);
  });

  it('without backgroundAssetsPath: not-supported, nothing loaded, the camera untouched', async () => {
    const alice = await loggedIn('alice');
    const error = await alice.engine.setBlurBackground(3).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(CallKitError);
    expect((error as CallKitError).reason).to.equal('not-supported');
    expect(debugBackgrounds(alice.engine).processor).to.equal(null);
    await alice.engine.setBlurBackground(11).then(
      () => expect.fail('level 11'),
      (e: CallKitError) => expect(e.message).to.match(/0 \(off\) to 10/),
    );
  });

  it('without insertable streams (Firefox): not-supported at once, nothing loaded, the camera untouched', async function () {
    if (backgroundsSupported()) this.skip();
    const alice = await loggedIn('alice', { backgroundAssetsPath: ASSETS });
    const bob = await loggedIn('bob');
    await videoCall(alice, bob);
    const camera = debugBackgrounds(alice.engine).cameraTrack;
    expect(camera?.readyState).to.equal('live');
    for (const attempt of [() => alice.engine.setBlurBackground(3), () => alice.engine.setVirtualBackground(`${ASSETS}none.png`)]) {
      const error = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(CallKitError);
      expect((error as CallKitError).reason).to.equal('not-supported');
      expect((error as CallKitError).message).to.match(/insertable streams/);
    }
    expect(debugBackgrounds(alice.engine).processor).to.equal(null);
    expect(debugBackgrounds(alice.engine).effect).to.deep.equal({ type: 'none' });
    expect(debugBackgrounds(alice.engine).cameraTrack).to.equal(camera);
  });

  it('blur: the remote side decodes blurred frames, fps > 0; camera off/on and switch keep it; off restores the camera and ends the worker', async function () {
    if (!backgroundsSupported()) this.skip();
    const alice = await loggedIn('alice', { backgroundAssetsPath: ASSETS });
    const bob = await loggedIn('bob');
    await videoCall(alice, bob);
    const remote = await playTrack(bob.remote.get(alice.userId)!, 10);
    videos.push(remote);
    const raw = await detail(remote);
    expect(raw, 'the raw camera has detail in the corner').to.be.greaterThan(0.5);
    const camera = debugBackgrounds(alice.engine).cameraTrack!;
    expect(sentVideo(alice, bob.userId)).to.equal(camera);

    await alice.engine.setBlurBackground(5);
    const processed = sentVideo(alice, bob.userId)!;
    expect(processed, 'the processed track replaced the camera on the sender').to.not.equal(camera);
    expect(alice.local?.getVideoTracks()[0], 'the local preview shows the processed video').to.equal(processed);
    const blurred = await waitFor('bob decodes blurred frames', async () => {
      const d = await detail(remote);
      return d < raw * 0.6 ? d : 0;
    });
    const before = await framesDecoded(bob, alice.userId);
    await waitFor('frames keep coming', async () => (await framesDecoded(bob, alice.userId)) > before + 5);
    const steady = Math.min(blurred, await detail(remote));
    console.log(`corner detail at bob: raw ${raw.toFixed(2)}, blurred ${steady.toFixed(2)}`);

    // Camera off and on: the new camera track is processed too.
    await alice.engine.closeCamera();
    expect(sentVideo(alice, bob.userId)).to.equal(null);
    await alice.engine.openCamera();
    const again = sentVideo(alice, bob.userId)!;
    expect(again).to.not.equal(null);
    expect(again).to.not.equal(debugBackgrounds(alice.engine).cameraTrack);
    expect(processed.readyState, 'the old processed track ended').to.equal('ended');
    await waitFor('still blurred after camera off/on', async () => (await detail(remote)) < raw * 0.6);

    // Switching the camera (recaptured): still processed.
    const deviceId = (await alice.engine.getDeviceList('camera'))[0]!.deviceId;
    await alice.engine.switchDevice({ deviceType: 'camera', deviceId });
    expect(sentVideo(alice, bob.userId)).to.not.equal(debugBackgrounds(alice.engine).cameraTrack);
    await waitFor('still blurred after a camera switch', async () => (await detail(remote)) < raw * 0.6);

    // Off: the camera itself again, the worker gone.
    const last = sentVideo(alice, bob.userId)!;
    await alice.engine.setBlurBackground(0);
    const restored = debugBackgrounds(alice.engine).cameraTrack!;
    expect(sentVideo(alice, bob.userId)).to.equal(restored);
    expect(alice.local?.getVideoTracks()[0]).to.equal(restored);
    expect(last.readyState).to.equal('ended');
    expect(debugBackgrounds(alice.engine).processor).to.equal(null);
    const seen: string[] = [];
    await waitFor('bob decodes sharp frames again', async () => {
      const d = await detail(remote);
      seen.push(d.toFixed(2));
      // Clearly sharper than blurred (the encoder ramps its quality back up over seconds, so the
      // first raw measure, a fresh key frame, is no fair bar).
      return d > Math.max(steady * 4, raw * 0.3);
    });
    console.log(`corner detail at bob after turning it off: ${seen.join(', ')}`);

    await alice.engine.hangup();
    await waitFor('alice released everything', () => debugState(alice.engine).localTracks === 0 && debugState(alice.engine).call === null);
  });

  it('image: the background becomes the picture at the other side; blur replaces it; logout ends the worker', async function () {
    if (!backgroundsSupported()) this.skip();
    const alice = await loggedIn('alice', { backgroundAssetsPath: ASSETS });
    const bob = await loggedIn('bob');
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = 'rgb(220, 30, 40)';
    ctx.fillRect(0, 0, 64, 48);
    await alice.engine.setVirtualBackground(canvas.toDataURL('image/png'));
    expect(debugBackgrounds(alice.engine).processor, 'loaded before a call: ready for the camera').to.not.equal(null);
    await videoCall(alice, bob);
    const remote = await playTrack(bob.remote.get(alice.userId)!, 5);
    videos.push(remote);
    await waitFor('bob sees the red picture behind alice', () => {
      const [r, g, b] = meanColor(grab(remote));
      return r > 150 && g < 90 && b < 90;
    });
    await alice.engine.setBlurBackground(2);
    await waitFor('blur replaced the picture', () => {
      const [r, g] = meanColor(grab(remote));
      return !(r > 150 && g < 90);
    });
    await alice.engine.logout();
    expect(debugBackgrounds(alice.engine).processor).to.equal(null);
  });
});
