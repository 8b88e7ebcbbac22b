import { expect, waitUntil } from '@open-wc/testing';
import { CallMediaType } from '../../src/constants.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { hueOf, syntheticVideoStream } from '../../src/engine/simulated/synthetic-video.js';

/** Pixels of the frame a video element shows now (drawn onto a canvas). */
function grab(video: HTMLVideoElement): Uint8ClampedArray {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(video, 0, 0);
  return ctx.getImageData(0, 0, canvas.width, canvas.height).data;
}

/** The next frame presented by `video`. */
const nextFrame = (video: HTMLVideoElement) => new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));

async function play(stream: MediaStream): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = stream;
  document.body.append(video);
  await video.play();
  await waitUntil(() => video.videoWidth > 0, 'no frame', { timeout: 5000 });
  await nextFrame(video);
  return video;
}

const same = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.length === b.length && a.every((v, i) => v === b[i]);

describe('synthetic video (simulated engine)', () => {
  afterEach(() => {
    for (const v of document.querySelectorAll('video')) {
      for (const t of (v.srcObject as MediaStream).getTracks()) t.stop();
      v.remove();
    }
  });

  it('animated: the picture moves (the marker), in the member hue', async () => {
    const video = await play(syntheticVideoStream('alice', 'Alice', { mode: 'animated' })!);
    expect(video.videoWidth).to.equal(320);
    const first = grab(video);
    // A few frames later (15 fps): the marker moved.
    for (let i = 0; i < 4; i++) await nextFrame(video);
    expect(same(first, grab(video))).to.equal(false);
    // The top-left corner is the flat background: hsl(hue 45% 36%) with the member's hue.
    const [r, g, b] = first;
    const probe = document.createElement('canvas').getContext('2d')!;
    probe.fillStyle = `hsl(${hueOf('alice')} 45% 36%)`;
    probe.fillRect(0, 0, 1, 1);
    const [er, eg, eb] = probe.getImageData(0, 0, 1, 1).data;
    expect([r, g, b]).to.deep.equal([er, eg, eb]);
  });

  it('still: the same frame every time, in every stream of the same member', async () => {
    const a = await play(syntheticVideoStream('bob', 'Bob', { mode: 'still' })!);
    const first = grab(a);
    for (let i = 0; i < 3; i++) await nextFrame(a);
    expect(same(first, grab(a))).to.equal(true);
    const b = await play(syntheticVideoStream('bob', 'Bob', { mode: 'still' })!);
    expect(same(first, grab(b))).to.equal(true);
    const other = await play(syntheticVideoStream('carol', 'Carol', { mode: 'still' })!);
    expect(same(first, grab(other))).to.equal(false);
  });

  it('the engine hands each member a video track, still with syntheticVideo: "still", stopped with the call', async () => {
    const engine = new SimulatedEngine({ syntheticMedia: true, syntheticVideo: 'still' });
    const streams = new Map<string, MediaStream | null>();
    engine.on('onRemoteStream', ({ userId, stream }) => streams.set(userId, stream));
    let local: MediaStream | null = null;
    engine.on('onLocalStream', ({ stream }) => (local = stream));
    await engine.login({ userID: 'me', SDKAppID: 1, userSig: 'x' });
    await engine.calls({ userIDList: ['alice', 'bob'], mediaType: CallMediaType.VIDEO });
    engine.remoteAccept('alice', { name: 'Alice' });
    engine.remoteAccept('bob', { name: 'Bob' });
    const tracks = [local, streams.get('alice'), streams.get('bob')].map((s) => (s as MediaStream | null)?.getVideoTracks()[0]);
    expect(tracks.every((t) => t?.readyState === 'live')).to.equal(true);
    await engine.hangup();
    expect(tracks.every((t) => t?.readyState === 'ended')).to.equal(true);
  });
});

describe('hueOf', () => {
  it('gives the stories\u2019 ten people ten different hues, the same on every call', () => {
    const ids = ['me', 'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan'];
    expect(new Set(ids.map(hueOf)).size).to.equal(10);
    expect(ids.map(hueOf)).to.deep.equal(ids.map(hueOf));
  });
});
