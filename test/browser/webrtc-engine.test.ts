/**
 * The WebRTC engine against the real signaling server (started by web-test-runner.config.mjs and
 * exposed as /__signaling.js), with real RTCPeerConnections between two engines in one page.
 */
import { webAudioRuns } from '../helpers/web-audio.js';
import { expect } from '@open-wc/testing';
import { CallEndReason, CallMediaType } from '../../src/constants.js';
import { CallKitError, ErrorCode } from '../../src/errors.js';
import { WebRTCEngine, type WebRTCEngineOptions } from '../../src/engine/webrtc/index.js';
import { debugPeerConnection, debugState } from '../../src/engine/webrtc/debug.js';
import type { MediaImport } from '../../src/engine/webrtc/media-half.js';
import type { CallEngineEvents } from '../../src/engine/types.js';
import type { Capabilities } from '../../src/engine/capabilities.js';

interface SignalingModule {
  SIGNALING_URL: string;
  HTTP_BASE: string;
  SDK_APP_ID: number;
  USERSIG_URL: string;
}

// A variable specifier keeps tsc from resolving the virtual module.
const SIGNALING_MODULE: string = '/__signaling.js';
let signaling: SignalingModule;

type EventLog = { [K in keyof CallEngineEvents]: CallEngineEvents[K][] };
const EVENT_NAMES: (keyof CallEngineEvents)[] = [
  'onCallReceived',
  'onCallStarted',
  'onCallBegin',
  'onCallEnd',
  'onUserAccept',
  'onUserReject',
  'onUserNoResponse',
  'onUserLineBusy',
  'onUserJoin',
  'onUserLeave',
  'onUserInfo',
  'onUserVideoAvailable',
  'onUserAudioAvailable',
  'onUserVoiceVolumeChanged',
  'onUserNetworkQualityChanged',
  'onUserReconnecting',
  'onRemoteStream',
  'onLocalStream',
  'onCallMediaTypeChanged',
  'onVideoRequest',
  'onVideoRequestEnded',
  'onDeviceUpdated',
  'onKickedOffline',
  'onError',
  'onConnectionStateChanged',
];

interface Client {
  userId: string;
  engine: WebRTCEngine;
  log: EventLog;
}

const engines: WebRTCEngine[] = [];
const videos: HTMLVideoElement[] = [];

function record(engine: WebRTCEngine): EventLog {
  const log = {} as Record<string, unknown[]>;
  for (const name of EVENT_NAMES) {
    log[name] = [];
    engine.on(name, (payload) => log[name].push(payload));
  }
  return log as EventLog;
}

async function userSig(userId: string): Promise<{ sdkAppId: number; userSig: string }> {
  const res = await fetch(`${signaling.USERSIG_URL}?user=${encodeURIComponent(userId)}`);
  expect(res.status, 'dev-usersig status').to.equal(200);
  return (await res.json()) as { sdkAppId: number; userSig: string };
}

async function loggedIn(
  name: string,
  options: WebRTCEngineOptions = {},
  stayReachable?: boolean,
  loadMedia?: MediaImport,
): Promise<Client> {
  const userId = `${name}-${Math.random().toString(36).slice(2, 10)}`;
  const engine = new WebRTCEngine({ statsIntervalMs: 200, requestTimeoutMs: 5000, ...options }, loadMedia);
  engines.push(engine);
  const log = record(engine);
  const sig = await userSig(userId);
  await engine.login({ SDKAppID: sig.sdkAppId, userID: userId, userSig: sig.userSig, server: signaling.SIGNALING_URL, stayReachable });
  return { userId, engine, log };
}

/** Polls `check` until it returns a truthy value; fails with `what` after `timeoutMs`. */
async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 8000): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (performance.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The latest remote stream `client` got from `fromUserId` (null when gone). */
function remoteStream(client: Client, fromUserId: string): MediaStream | null | undefined {
  const events = client.log.onRemoteStream.filter((e) => e.userId === fromUserId);
  return events.length ? events[events.length - 1].stream : undefined;
}

function lastLocalStream(client: Client): MediaStream | null | undefined {
  const events = client.log.onLocalStream;
  return events.length ? events[events.length - 1].stream : undefined;
}

async function inboundStats(client: Client, fromUserId: string): Promise<{ framesDecoded: number; audioBytes: number }> {
  const pc = debugPeerConnection(client.engine, fromUserId);
  if (!pc) throw new Error(`no peer connection toward ${fromUserId}`);
  const report = await pc.getStats();
  let framesDecoded = 0;
  let audioBytes = 0;
  report.forEach((s: { type: string; kind?: string; framesDecoded?: number; bytesReceived?: number }) => {
    if (s.type !== 'inbound-rtp') return;
    if (s.kind === 'video') framesDecoded += s.framesDecoded ?? 0;
    if (s.kind === 'audio') audioBytes += s.bytesReceived ?? 0;
  });
  return { framesDecoded, audioBytes };
}

/** Plays `stream` in a muted <video> and resolves with the size of the first frame it renders. */
async function firstVideoFrame(stream: MediaStream): Promise<{ width: number; height: number }> {
  const video = document.createElement('video');
  videos.push(video);
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  document.body.append(video);
  const frame = new Promise<{ width: number; height: number }>((resolve) =>
    video.requestVideoFrameCallback((_now, meta) => resolve({ width: meta.width, height: meta.height })),
  );
  await video.play();
  return frame;
}

/** alice calls bob (video), bob accepts; both connected with media flowing both ways. */
async function connectedVideoCall(alice: Client, bob: Client): Promise<string> {
  const { callId } = await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.VIDEO });
  expect(alice.log.onCallStarted[0]).to.include({ callId, mediaType: CallMediaType.VIDEO });
  expect(lastLocalStream(alice)?.getVideoTracks()).to.have.length(1);
  const received = await waitFor('bob rings', () => bob.log.onCallReceived[0]);
  expect(received.callId).to.equal(callId);
  expect(received.caller.userId).to.equal(alice.userId);
  expect(received.calleeIdList).to.deep.equal([bob.userId]);
  expect(received.mediaType).to.equal(CallMediaType.VIDEO);
  expect(debugState(bob.engine).localTracks, 'nothing captured while ringing').to.equal(0);

  await bob.engine.accept();
  // onCallBegin waits for the media path (the first peer connection connected), on both sides.
  await waitFor('bob: call begins', () => bob.log.onCallBegin[0]);
  expect(bob.log.onCallBegin[0]).to.deep.equal({ callId, mediaType: CallMediaType.VIDEO, role: 'callee' });
  await waitFor('alice: call begins', () => alice.log.onCallBegin[0]);
  expect(alice.log.onCallBegin[0]).to.deep.equal({ callId, mediaType: CallMediaType.VIDEO, role: 'caller' });
  expect(alice.log.onUserAccept).to.deep.equal([{ userId: bob.userId }]);
  expect(alice.log.onUserJoin).to.deep.equal([{ userId: bob.userId }]);
  expect(bob.log.onUserJoin).to.deep.equal([{ userId: alice.userId }]);
  return callId;
}

async function expectAllReleased(client: Client): Promise<void> {
  await waitFor(`${client.userId}: everything released`, () => {
    const s = debugState(client.engine);
    return (
      s.call === null &&
      s.peers === 0 &&
      s.localTracks === 0 &&
      s.timers === 0 &&
      s.audioContexts === 0 &&
      s.pendingRequests === 0 &&
      s.heldInvitations === 0
    );
  });
}

/**
 * A WebSocket class whose connects fail at once while `reachable` is false (an unreachable
 * address), standing in for a network that is down; every socket made is kept in `sockets`.
 */
function flakyNetwork(): { Socket: typeof WebSocket; sockets: WebSocket[]; reachable: boolean } {
  const net = { Socket: WebSocket, sockets: [] as WebSocket[], reachable: true };
  net.Socket = class FlakySocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(net.reachable ? url : 'ws://127.0.0.1:9/ck', protocols);
      net.sockets.push(this);
    }
  };
  return net;
}

describe('WebRTCEngine (real signaling server, real WebRTC)', function () {
  this.timeout(40000);

  before(async () => {
    signaling = (await import(SIGNALING_MODULE)) as SignalingModule;
  });

  afterEach(async () => {
    for (const v of videos.splice(0)) {
      v.srcObject = null;
      v.remove();
    }
    const done = engines.splice(0);
    await Promise.all(done.map((e) => e.destroy()));
    for (const e of done) {
      expect(debugState(e), `destroyed engine: ${JSON.stringify(debugState(e))}`).to.deep.equal({
        connection: 'disconnected',
        call: null,
        peers: 0,
        localTracks: 0,
        timers: 0,
        audioContexts: 0,
        pendingRequests: 0,
        listeners: 0,
        heldInvitations: 0,
        reconnectAttempts: 0,
        iceRestarts: 0,
      });
    }
  });

  it('owns the device list: reports it at login and again on devicechange (<device-picker> reads it from the store)', async () => {
    const alice = await loggedIn('alice');
    const first = await waitFor('the device list at login', () => alice.log.onDeviceUpdated[0]);
    expect(first.devices.length, 'the fake devices').to.be.greaterThan(0);
    expect(first.devices.every((d) => ['camera', 'microphone', 'speaker'].includes(d.kind))).to.equal(true);
    navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
    await waitFor('the device list after devicechange', () => alice.log.onDeviceUpdated.length >= 2);
    await alice.engine.logout();
    const seen = alice.log.onDeviceUpdated.length;
    navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
    await new Promise((r) => requestAnimationFrame(r));
    expect(alice.log.onDeviceUpdated.length, 'nothing after logout').to.equal(seen);
  });

  it('loads its media half when a call rings; a chunk that cannot load fails accept with a clear error, the call keeps ringing and a retry connects', async () => {
    let imports = 0;
    let fail = true;
    const load: MediaImport = () => {
      imports++;
      return fail
        ? Promise.reject(new TypeError('Failed to fetch dynamically imported module'))
        : import('../../src/engine/webrtc/call-media.js');
    };
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob', {}, undefined, load);
    expect(imports, 'logging in loads no media code').to.equal(0);
    await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.AUDIO });
    await waitFor('bob rings', () => bob.log.onCallReceived[0]);
    await waitFor('the ring prefetched the media half', () => imports === 1);
    const error = await bob.engine.accept().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CallKitError);
    expect(error).to.include({ code: ErrorCode.FAILED, reason: 'chunk-load-failed' });
    expect((error as Error).message).to.match(/could not load the call media code/);
    expect(imports, 'accept tried again').to.equal(2);
    expect(debugState(bob.engine).call, 'still ringing: accept again or decline').to.equal('ringing');
    expect(bob.log.onCallEnd).to.deep.equal([]);
    fail = false;
    await bob.engine.accept();
    await waitFor('alice: call begins', () => alice.log.onCallBegin[0]);
    await waitFor('bob: call begins', () => bob.log.onCallBegin[0]);
    expect(imports, 'loaded once, kept').to.equal(3);
    await bob.engine.hangup();
    await waitFor('alice: call ends', () => alice.log.onCallEnd[0]);
    await expectAllReleased(alice);
    await expectAllReleased(bob);
  });

  it('rejects a login without a server URL, and a bad userSig', async () => {
    const engine = new WebRTCEngine();
    engines.push(engine);
    const noServer = await engine.login({ SDKAppID: 1, userID: 'x', userSig: 'y' }).catch((e: unknown) => e);
    expect(noServer).to.be.instanceOf(CallKitError);
    expect((noServer as CallKitError).code).to.equal(ErrorCode.INVALID_PARAMETER);

    const states: string[] = [];
    engine.on('onConnectionStateChanged', ({ state }) => states.push(state));
    const badSig = await engine
      .login({ SDKAppID: signaling.SDK_APP_ID, userID: 'mallory', userSig: 'not-a-signature', server: signaling.SIGNALING_URL })
      .catch((e: unknown) => e);
    expect(badSig).to.be.instanceOf(CallKitError);
    expect((badSig as CallKitError).code).to.equal(ErrorCode.CONNECTION_FAILED);
    expect((badSig as CallKitError).reason).to.equal('auth-failed');
    expect(states[0]).to.equal('connecting');
    expect(states[states.length - 1]).to.equal('disconnected');
    expect(debugState(engine)).to.include({ timers: 0, pendingRequests: 0, connection: 'disconnected' });
  });

  it('connects a video call with media both ways, toggles camera/mic, hangs up and leaves nothing live', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    const callId = await connectedVideoCall(alice, bob);

    // Remote media in both directions: video frames decode, audio bytes keep arriving.
    for (const [receiver, sender] of [
      [bob, alice],
      [alice, bob],
    ] as const) {
      const stream = await waitFor(`${receiver.userId}: remote audio+video from ${sender.userId}`, () => {
        const s = remoteStream(receiver, sender.userId);
        return s && s.getVideoTracks().length === 1 && s.getAudioTracks().length === 1 ? s : null;
      });
      const frame = await firstVideoFrame(stream);
      expect(frame.width).to.be.greaterThan(0);
      await waitFor(`${receiver.userId}: frames decoded`, async () => (await inboundStats(receiver, sender.userId)).framesDecoded > 0);
      const before = (await inboundStats(receiver, sender.userId)).audioBytes;
      await waitFor(
        `${receiver.userId}: audio bytes rising`,
        async () => (await inboundStats(receiver, sender.userId)).audioBytes > before,
      );
    }

    // Media state announced on connect.
    await waitFor('bob: alice video available', () => bob.log.onUserVideoAvailable.find((e) => e.userId === alice.userId && e.available));
    await waitFor('bob: alice audio available', () => bob.log.onUserAudioAvailable.find((e) => e.userId === alice.userId && e.available));

    // Volumes (WebAudio analysers on the remote and local tracks) and network quality. Chromium
    // feeds remote audio to WebAudio only while a media element plays it, as the UI does (here the
    // <video> elements above).
    // Headless Firefox without a sound device (a container) never starts an AudioContext (resume()
    // never settles), so nothing can be metered there: checked in Chromium (README "Browsers").
    if (await webAudioRuns()) {
      await waitFor('bob hears alice (volume > 0)', () => bob.log.onUserVoiceVolumeChanged.some((e) => (e.volumes[alice.userId] ?? 0) > 0));
      await waitFor('alice: own volume > 0', () => alice.log.onUserVoiceVolumeChanged.some((e) => (e.volumes[alice.userId] ?? 0) > 0));
    }
    await waitFor('bob: network quality of alice known', () =>
      bob.log.onUserNetworkQualityChanged.some((e) => (e.qualities[alice.userId] ?? 0) >= 1),
    );

    // Camera off: bob is told, alice's camera track is stopped (the light goes off).
    const cameraTrack = lastLocalStream(alice)!.getVideoTracks()[0];
    expect(cameraTrack.readyState).to.equal('live');
    await alice.engine.closeCamera();
    expect(cameraTrack.readyState).to.equal('ended');
    expect(lastLocalStream(alice)?.getVideoTracks()).to.have.length(0);
    expect(debugState(alice.engine).localTracks).to.equal(1);
    await waitFor('bob: alice video unavailable', () =>
      bob.log.onUserVideoAvailable.find((e) => e.userId === alice.userId && !e.available),
    );

    // Camera back on: a new track is sent with replaceTrack and bob decodes its frames.
    const framesBefore = (await inboundStats(bob, alice.userId)).framesDecoded;
    await alice.engine.openCamera();
    const newTrack = lastLocalStream(alice)!.getVideoTracks()[0];
    expect(newTrack.readyState).to.equal('live');
    expect(newTrack).to.not.equal(cameraTrack);
    await waitFor(
      'bob: alice video available again',
      () => bob.log.onUserVideoAvailable.filter((e) => e.userId === alice.userId && e.available).length === 2,
    );
    await waitFor(
      'bob: frames of the new camera track',
      async () => (await inboundStats(bob, alice.userId)).framesDecoded > framesBefore + 5,
    );

    // Microphone off/on is announced.
    await alice.engine.closeMicrophone();
    await waitFor('bob: alice audio unavailable', () =>
      bob.log.onUserAudioAvailable.find((e) => e.userId === alice.userId && !e.available),
    );
    await waitFor('alice: own volume drops to 0 when muted', () => {
      const last = alice.log.onUserVoiceVolumeChanged.at(-1);
      return last && last.volumes[alice.userId] === 0;
    });
    await alice.engine.openMicrophone();
    await waitFor(
      'bob: alice audio available again',
      () => bob.log.onUserAudioAvailable.filter((e) => e.userId === alice.userId && e.available).length === 2,
    );

    // Hang up: both ends see the end, nothing stays live.
    await alice.engine.hangup();
    expect(alice.log.onCallEnd).to.have.length(1);
    expect(alice.log.onCallEnd[0]).to.include({ callId, cause: 'hangup', reason: CallEndReason.HANGUP });
    const bobEnd = await waitFor('bob: call ends', () => bob.log.onCallEnd[0]);
    expect(bobEnd).to.include({ callId, cause: 'hangup', reason: CallEndReason.HANGUP });
    expect(bobEnd.totalTime).to.be.a('number');
    expect(remoteStream(alice, bob.userId)).to.equal(null);
    expect(remoteStream(bob, alice.userId)).to.equal(null);
    expect(lastLocalStream(alice)).to.equal(null);
    expect(lastLocalStream(bob)).to.equal(null);
    expect(newTrack.readyState).to.equal('ended');
    await expectAllReleased(alice);
    await expectAllReleased(bob);
    expect(alice.log.onError, 'alice errors').to.deep.equal([]);
    expect(bob.log.onError, 'bob errors').to.deep.equal([]);
  });

  it('reconnecting: announced audio that stops arriving marks the member reconnecting, cleared when it flows again; a muted microphone never does', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    await connectedVideoCall(alice, bob);
    await waitFor('bob: alice audio available', () => bob.log.onUserAudioAvailable.find((e) => e.userId === alice.userId && e.available));
    await waitFor('bob: alice audio flowing', async () => (await inboundStats(bob, alice.userId)).audioBytes > 0);

    // A muted microphone (track disabled, announced off) keeps sending silence: never "reconnecting".
    await alice.engine.closeMicrophone();
    await waitFor('bob: alice audio unavailable', () =>
      bob.log.onUserAudioAvailable.find((e) => e.userId === alice.userId && !e.available),
    );
    const audioPackets = async () => {
      let n = 0;
      (await debugPeerConnection(bob.engine, alice.userId)!.getStats()).forEach(
        (x: { type: string; kind?: string; packetsReceived?: number }) => {
          if (x.type === 'inbound-rtp' && x.kind === 'audio') n += x.packetsReceived ?? 0;
        },
      );
      return n;
    };
    const mutedAt = await audioPackets();
    // 3 s of silence packets (Opus sends 50 a second) arrive: longer than the 2 s stall window.
    await waitFor('bob: silence packets for 3 s', async () => (await audioPackets()) > mutedAt + 150, 15_000);
    expect(bob.log.onUserReconnecting, 'no reconnecting while muted').to.deep.equal([]);
    await alice.engine.openMicrophone();
    await waitFor(
      'bob: alice audio available again',
      () => bob.log.onUserAudioAvailable.filter((e) => e.userId === alice.userId && e.available).length === 2,
    );

    // Alice's audio stops on the wire (what a crashed tab or a cut path looks like) while announced on.
    const sender = debugPeerConnection(alice.engine, bob.userId)!
      .getSenders()
      .find((x) => x.track?.kind === 'audio')!;
    const track = sender.track;
    await sender.replaceTrack(null);
    const stoppedAt = performance.now();
    const lost = await waitFor('bob: alice reconnecting', () => bob.log.onUserReconnecting.find((e) => e.userId === alice.userId), 15_000);
    expect(lost.reconnecting).to.equal(true);
    expect(performance.now() - stoppedAt, 'not before the 2 s stall window').to.be.greaterThan(1900);
    expect(debugPeerConnection(bob.engine, alice.userId)!.iceConnectionState, 'ICE itself still connected').to.be.oneOf([
      'connected',
      'completed',
    ]);
    expect(alice.log.onUserReconnecting, 'bob still reaches alice').to.deep.equal([]);
    await waitFor('bob: alice network quality down', () =>
      bob.log.onUserNetworkQualityChanged.some((e) => e.qualities[alice.userId] === 6),
    );

    await sender.replaceTrack(track);
    await waitFor('bob: alice back', () => bob.log.onUserReconnecting.length === 2, 15_000);
    expect(bob.log.onUserReconnecting).to.deep.equal([
      { userId: alice.userId, reconnecting: true },
      { userId: alice.userId, reconnecting: false },
    ]);
    await alice.engine.hangup();
    await expectAllReleased(alice);
    await expectAllReleased(bob);
    expect(alice.log.onError, 'alice errors').to.deep.equal([]);
    expect(bob.log.onError, 'bob errors').to.deep.equal([]);
  });

  it('accept: the offer is made while the server answers, and held until call-started (nothing sent before it)', async () => {
    // bob's socket logs what it sends and holds `call-started` (and whatever follows it) for 300 ms.
    const sent: string[] = [];
    const atStarted: { peers: number; relaysSent: number }[] = [];
    let engineRef: WebRTCEngine | null = null;
    class SlowStart extends WebSocket {
      override send(data: string): void {
        sent.push(/"type":"([a-z-]+)"/.exec(data)?.[1] ?? '?');
        super.send(data);
      }
      override get onmessage(): WebSocket['onmessage'] {
        return super.onmessage;
      }
      override set onmessage(fn: WebSocket['onmessage']) {
        let held: Promise<void> | null = null;
        super.onmessage = !fn
          ? null
          : (event: MessageEvent) => {
              const deliver = () => fn.call(this, event);
              if (!held && /"type":"call-started"/.test(String(event.data))) {
                atStarted.push({
                  peers: engineRef ? debugState(engineRef).peers : -1,
                  relaysSent: sent.filter((t) => t === 'relay').length,
                });
                held = new Promise((r) => setTimeout(r, 300));
              }
              if (held) void held.then(deliver);
              else deliver();
            };
      }
    }
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob', { WebSocket: SlowStart });
    engineRef = bob.engine;
    await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.VIDEO });
    await waitFor('bob rings', () => bob.log.onCallReceived[0]);
    expect(debugState(bob.engine).peers, 'no connection while ringing').to.equal(0);
    const accepted = bob.engine.accept();
    await waitFor('call-started reached the socket', () => atStarted[0]);
    // The server answered: bob's connection toward alice is being made already, and nothing of it left.
    expect(atStarted[0]).to.deep.equal({ peers: 1, relaysSent: 0 });
    await new Promise((r) => setTimeout(r, 200));
    expect(
      sent.filter((t) => t === 'relay'),
      'held until the engine sees call-started',
    ).to.deep.equal([]);
    await accepted;
    await waitFor('bob: call begins', () => bob.log.onCallBegin[0]);
    await waitFor('alice: call begins', () => alice.log.onCallBegin[0]);
    expect(sent.indexOf('relay')).to.be.greaterThan(sent.indexOf('accept'));
    const stream = await waitFor('alice has bob video', () => remoteStream(alice, bob.userId));
    expect((await firstVideoFrame(stream)).width).to.be.greaterThan(0);
    expect(debugState(bob.engine).peers, 'the connection made while accepting carries the call').to.equal(1);
    expect([alice.log.onError, bob.log.onError]).to.deep.equal([[], []]);
    await alice.engine.hangup();
    await expectAllReleased(alice);
    await expectAllReleased(bob);
  });

  it('accepting a 1v1 video call audio-only makes it an audio call for both', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    const { callId } = await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.VIDEO });
    await waitFor('bob rings', () => bob.log.onCallReceived[0]);
    const aliceCamera = lastLocalStream(alice)!.getVideoTracks()[0];
    await bob.engine.accept({ mediaType: CallMediaType.AUDIO });
    await waitFor('bob: call begins', () => bob.log.onCallBegin[0]);
    expect(bob.log.onCallBegin[0]).to.deep.equal({ callId, mediaType: CallMediaType.AUDIO, role: 'callee' });
    expect(lastLocalStream(bob)?.getVideoTracks()).to.have.length(0);
    expect(debugState(bob.engine).localTracks).to.equal(1);
    // alice is told (TUICallKit's switchToAudio): her camera stops too, audio flows both ways.
    await waitFor('alice: switched to audio', () => alice.log.onCallMediaTypeChanged[0]);
    expect(alice.log.onCallMediaTypeChanged).to.deep.equal([{ mediaType: CallMediaType.AUDIO }]);
    await waitFor('alice: camera released', () => aliceCamera.readyState === 'ended');
    await waitFor('bob: alice video unavailable', () =>
      bob.log.onUserVideoAvailable.find((e) => e.userId === alice.userId && !e.available),
    );
    await waitFor('alice: bob audio bytes', async () => (await inboundStats(alice, bob.userId)).audioBytes > 0);
    await waitFor('bob: alice audio bytes', async () => (await inboundStats(bob, alice.userId)).audioBytes > 0);
    // Already audio: switching again changes nothing. Back to video asks bob (issue 17 item 1):
    // declined, the call stays audio and alice's camera, captured for the request, is released.
    await alice.engine.switchCallMediaType(CallMediaType.AUDIO);
    expect(alice.log.onCallMediaTypeChanged).to.have.length(1);
    const back = alice.engine.switchCallMediaType(CallMediaType.VIDEO).catch((e: unknown) => e);
    await waitFor('bob: asked for video', () => bob.log.onVideoRequest[0]);
    expect(bob.log.onVideoRequest[0]).to.deep.equal({ userId: alice.userId, direction: 'incoming' });
    await bob.engine.respondVideoRequest(false);
    expect(await back).to.include({ code: ErrorCode.SWITCH_TO_VIDEO_CALL_FAILED, reason: 'declined' });
    expect(alice.log.onVideoRequestEnded).to.deep.equal([{ userId: bob.userId, direction: 'outgoing', outcome: 'declined' }]);
    expect(alice.log.onCallMediaTypeChanged).to.have.length(1);
    await waitFor('alice: request camera released', () => debugState(alice.engine).localTracks === 1);
    // A denied camera: asking fails before anything is sent; answering "accept" declines instead.
    // Both sides stay audio, nothing is left pending (both engines share this page's getUserMedia).
    const devices = navigator.mediaDevices;
    const gum = devices.getUserMedia;
    const denyCamera = (deny: boolean) => {
      devices.getUserMedia = deny
        ? (c?: MediaStreamConstraints) => (c?.video ? Promise.reject(new DOMException('denied', 'NotAllowedError')) : gum.call(devices, c))
        : gum;
    };
    denyCamera(true);
    try {
      expect(await alice.engine.switchCallMediaType(CallMediaType.VIDEO).catch((e: unknown) => e)).to.include({
        code: ErrorCode.CAMERA_NOT_AUTHORIZED,
      });
      expect(bob.log.onVideoRequest).to.have.length(1);
      denyCamera(false);
      const again = alice.engine.switchCallMediaType(CallMediaType.VIDEO).catch((e: unknown) => e);
      await waitFor('bob: asked again', () => bob.log.onVideoRequest[1]);
      denyCamera(true);
      expect(await bob.engine.respondVideoRequest(true).catch((e: unknown) => e)).to.include({ code: ErrorCode.CAMERA_NOT_AUTHORIZED });
      expect(await again).to.include({ code: ErrorCode.SWITCH_TO_VIDEO_CALL_FAILED, reason: 'declined' });
    } finally {
      denyCamera(false);
    }
    expect(alice.log.onCallMediaTypeChanged).to.have.length(1);
    expect(bob.log.onVideoRequestEnded.at(-1)).to.deep.equal({ userId: alice.userId, direction: 'incoming', outcome: 'declined' });
    await waitFor('alice: request camera released again', () => debugState(alice.engine).localTracks === 1);

    await bob.engine.hangup();
    await waitFor('alice: call ends', () => alice.log.onCallEnd[0]);
    await expectAllReleased(alice);
    await expectAllReleased(bob);
  });

  it('a request to switch to video nobody answers is withdrawn after the bounded wait; a late accept is refused, both stay audio', async () => {
    const alice = await loggedIn('alice', { videoRequestTimeoutMs: 1500 });
    const bob = await loggedIn('bob');
    await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.AUDIO });
    await waitFor('bob rings', () => bob.log.onCallReceived[0]);
    await bob.engine.accept();
    await waitFor('alice: call begins', () => alice.log.onCallBegin[0]);
    const asked = alice.engine.switchCallMediaType(CallMediaType.VIDEO).catch((e: unknown) => e);
    await waitFor('bob: asked', () => bob.log.onVideoRequest[0]);
    expect(await asked).to.include({ code: ErrorCode.SWITCH_TO_VIDEO_CALL_FAILED, reason: 'timeout' });
    expect(alice.log.onVideoRequestEnded).to.deep.equal([{ userId: bob.userId, direction: 'outgoing', outcome: 'timeout' }]);
    // The withdrawal reaches bob: his prompt ends, and accepting now is refused (the server decides).
    await waitFor('bob: withdrawn', () => bob.log.onVideoRequestEnded[0]);
    expect(bob.log.onVideoRequestEnded[0]).to.deep.equal({ userId: alice.userId, direction: 'incoming', outcome: 'cancelled' });
    expect(await bob.engine.respondVideoRequest(true).catch((e: unknown) => e)).to.include({ code: ErrorCode.INVALID_STATE });
    expect(alice.log.onCallMediaTypeChanged).to.deep.equal([]);
    expect(bob.log.onCallMediaTypeChanged).to.deep.equal([]);
    await waitFor('alice: request camera released', () => debugState(alice.engine).localTracks === 1);
    await alice.engine.hangup();
    await expectAllReleased(alice);
    await expectAllReleased(bob);
  });

  it('switching a connected video call to audio stops both cameras and tells the other side', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.VIDEO });
    await waitFor('bob rings', () => bob.log.onCallReceived[0]);
    await bob.engine.accept();
    const stream = await waitFor('bob: alice video', () => remoteStream(bob, alice.userId)?.getVideoTracks()[0]);
    expect(stream.kind).to.equal('video');
    const aliceCamera = lastLocalStream(alice)!.getVideoTracks()[0];
    const bobCamera = lastLocalStream(bob)!.getVideoTracks()[0];
    await alice.engine.switchCallMediaType(CallMediaType.AUDIO);
    expect(alice.log.onCallMediaTypeChanged).to.deep.equal([{ mediaType: CallMediaType.AUDIO }]);
    expect(aliceCamera.readyState).to.equal('ended');
    await waitFor('bob: switched to audio', () => bob.log.onCallMediaTypeChanged[0]);
    await waitFor('bob: camera released', () => bobCamera.readyState === 'ended');
    await waitFor('alice: bob video unavailable', () =>
      alice.log.onUserVideoAvailable.find((e) => e.userId === bob.userId && !e.available),
    );
    expect(alice.log.onCallEnd.length + bob.log.onCallEnd.length, 'the call goes on').to.equal(0);

    await bob.engine.hangup();
    await waitFor('alice: call ends', () => alice.log.onCallEnd[0]);
    await expectAllReleased(alice);
    await expectAllReleased(bob);
  });

  it('accept that cannot capture throws and leaves the call ringing; a retry connects', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    const { callId } = await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.VIDEO });
    await waitFor('bob rings', () => bob.log.onCallReceived[0]);
    await bob.engine.switchDevice({ deviceType: 'camera', deviceId: 'no-such-camera' });
    const failure = await bob.engine.accept().catch((e: unknown) => e);
    expect(failure).to.be.instanceOf(CallKitError);
    expect((failure as CallKitError).code).to.equal(ErrorCode.CAMERA_START_FAILED);
    expect(debugState(bob.engine)).to.include({ call: 'ringing', localTracks: 0 });
    expect(bob.log.onCallEnd).to.have.length(0);

    const [camera] = await bob.engine.getDeviceList('camera');
    expect(camera.kind).to.equal('camera');
    await bob.engine.switchDevice({ deviceType: 'camera', deviceId: camera.deviceId });
    await bob.engine.accept();
    await waitFor('bob: call begins', () => bob.log.onCallBegin[0]);
    expect(bob.log.onCallBegin[0]).to.include({ callId, role: 'callee' });
    await waitFor('alice: bob video', () => remoteStream(alice, bob.userId)?.getVideoTracks()[0]);
    await bob.engine.hangup();
    await waitFor('alice: call ends', () => alice.log.onCallEnd[0]);
    await expectAllReleased(alice);
    await expectAllReleased(bob);
  });

  describe('glare (alice sorts before bob: the server keeps her invite)', () => {
    async function expectOneCall(alice: Client, bob: Client, callId: string): Promise<void> {
      const received = await waitFor('bob rings for alice', () => bob.log.onCallReceived.find((e) => e.callId === callId));
      expect(received.caller.userId).to.equal(alice.userId);
      expect(alice.log.onCallReceived).to.have.length(0);
      await bob.engine.accept();
      await waitFor('alice: call begins', () => alice.log.onCallBegin[0]);
      await waitFor('alice: bob audio bytes', async () => (await inboundStats(alice, bob.userId)).audioBytes > 0);
      await alice.engine.hangup();
      await waitFor('bob: call ends', () => bob.log.onCallEnd.find((e) => e.callId === callId));
      await expectAllReleased(alice);
      await expectAllReleased(bob);
    }

    /** Holds the next getUserMedia until the returned release() (so a calls() stays "dialing"). */
    function gateNextCapture(): { release: () => void; restore: () => void } {
      const devices = navigator.mediaDevices;
      const getUserMedia = devices.getUserMedia;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let gated = true;
      devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
        if (gated) {
          gated = false;
          await gate;
        }
        return getUserMedia.call(devices, constraints);
      };
      return {
        release,
        restore: () => {
          devices.getUserMedia = getUserMedia;
          release();
        },
      };
    }

    it("bob's invite reaches the server first: alice's wins, bob's call ends (glare) and he rings", async () => {
      const alice = await loggedIn('a');
      const bob = await loggedIn('b');
      const gate = gateNextCapture();
      try {
        // alice starts dialing (held in capture), bob's invite reaches the server first.
        const aliceCall = alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.AUDIO });
        const bobCall = await bob.engine.calls({ userIDList: [alice.userId], mediaType: CallMediaType.AUDIO });
        await waitFor("bob's invitation held by alice", () => debugState(alice.engine).heldInvitations === 1);
        expect(alice.log.onCallReceived, 'held while dialing').to.have.length(0);
        gate.release();
        const { callId } = await aliceCall;
        const bobEnd = await waitFor('bob: his call ends', () => bob.log.onCallEnd[0]);
        expect(bobEnd).to.include({ callId: bobCall.callId, cause: 'glare', reason: CallEndReason.END_BY_SERVER });
        await expectOneCall(alice, bob, callId);
      } finally {
        gate.restore();
      }
    });

    it("alice's invitation reaching bob while he places his call is held, then rings when the server refuses his", async () => {
      const alice = await loggedIn('a');
      const bob = await loggedIn('b');
      const gate = gateNextCapture();
      try {
        const bobCall = bob.engine.calls({ userIDList: [alice.userId], mediaType: CallMediaType.AUDIO }).catch((e: unknown) => e);
        const { callId } = await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.AUDIO });
        await waitFor("alice's invitation held by bob", () => debugState(bob.engine).heldInvitations === 1);
        expect(bob.log.onCallReceived, 'held while dialing').to.have.length(0);
        gate.release();
        const refused = await bobCall;
        expect((refused as CallKitError).code).to.equal(ErrorCode.SERVER_ERROR);
        expect((refused as CallKitError).reason).to.equal('glare');
        expect(bob.log.onCallStarted).to.have.length(0);
        await expectOneCall(alice, bob, callId);
      } finally {
        gate.restore();
      }
    });
  });

  it('reject: the caller is told, both ends release everything', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    const { callId } = await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.AUDIO });
    expect(debugState(alice.engine)).to.include({ call: 'dialing', localTracks: 1 });
    await waitFor('bob rings', () => bob.log.onCallReceived[0]);
    await bob.engine.reject();
    expect(bob.log.onCallEnd).to.deep.equal([{ callId, reason: CallEndReason.REJECT, cause: 'rejected', totalTime: 0 }]);
    await waitFor('alice: bob rejected', () => alice.log.onUserReject[0]);
    expect(alice.log.onUserReject).to.deep.equal([{ userId: bob.userId }]);
    const end = await waitFor('alice: call ends', () => alice.log.onCallEnd[0]);
    expect(end).to.deep.equal({ callId, reason: CallEndReason.REJECT, cause: 'rejected', totalTime: 0 });
    expect(alice.log.onCallBegin).to.have.length(0);
    expect(lastLocalStream(alice)).to.equal(null);
    await expectAllReleased(alice);
    await expectAllReleased(bob);
    // The engine is reusable after the call.
    expect(debugState(alice.engine).connection).to.equal('connected');
  });

  it('cancel: hanging up while dialing cancels the call on the callee', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    const { callId } = await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.VIDEO });
    await waitFor('bob rings', () => bob.log.onCallReceived[0]);
    await alice.engine.hangup();
    expect(alice.log.onCallEnd).to.deep.equal([{ callId, reason: CallEndReason.CANCELED, cause: 'cancelled', totalTime: 0 }]);
    const end = await waitFor('bob: call cancelled', () => bob.log.onCallEnd[0]);
    expect(end).to.deep.equal({ callId, reason: CallEndReason.CANCELED, cause: 'cancelled', totalTime: 0 });
    await expectAllReleased(alice);
    await expectAllReleased(bob);
    // A second call works after the cancel.
    await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.AUDIO });
    await waitFor('bob rings again', () => bob.log.onCallReceived[1]);
    await bob.engine.accept();
    await waitFor('alice: begins', () => alice.log.onCallBegin[0]);
    await bob.engine.hangup();
    await waitFor('alice: second call ends', () => alice.log.onCallEnd[1]);
    await expectAllReleased(alice);
    await expectAllReleased(bob);
  });

  it('a lost signaling connection: the call survives, the engine reconnects and resumes it with the same peer connection', async () => {
    const alice = await loggedIn('alice');
    const sockets: WebSocket[] = [];
    class TrackedSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
      }
    }
    const bob = await loggedIn('bob', { WebSocket: TrackedSocket });
    const callId = await connectedVideoCall(alice, bob);
    expect(sockets).to.have.length(1);
    const pc = debugPeerConnection(bob.engine, alice.userId);
    // bob's socket drops (not a logout): the call goes on, the engine reconnects and resumes.
    sockets[0].close(4000, 'test drop');
    await waitFor('bob: reconnecting', () => bob.log.onConnectionStateChanged.find((e) => e.state === 'reconnecting'));
    await waitFor('bob: connected again', () => debugState(bob.engine).connection === 'connected' && sockets.length === 2);
    expect(bob.log.onConnectionStateChanged.at(-1)).to.deep.equal({ state: 'connected' });
    expect(bob.log.onCallEnd).to.deep.equal([]);
    expect(bob.log.onError).to.deep.equal([]);
    expect(debugPeerConnection(bob.engine, alice.userId)).to.equal(pc);
    expect(debugState(bob.engine)).to.include({ call: 'connected', peers: 1, reconnectAttempts: 1 });
    // The resumed socket is bound to the call: bob's hangup reaches alice.
    await bob.engine.hangup();
    const aliceEnd = await waitFor('alice: call ends', () => alice.log.onCallEnd[0]);
    expect(aliceEnd).to.include({ callId, cause: 'hangup' });
    await expectAllReleased(alice);
    await expectAllReleased(bob);
  });

  it('gives up reconnecting into the failed state (call ended, error reported); reconnect() tries again', async () => {
    const alice = await loggedIn('alice');
    const net = flakyNetwork();
    const sockets = net.sockets;
    const bob = await loggedIn('bob', { WebSocket: net.Socket, reconnectGiveUpMs: 1500, reconnectDelayScale: 0.1 });
    const callId = await connectedVideoCall(alice, bob);
    net.reachable = false;
    const lostAt = performance.now();
    sockets[0].close(4000, 'test drop');
    await waitFor('bob: failed', () => bob.log.onConnectionStateChanged.find((e) => e.state === 'failed'), 5000);
    const gaveUpAfter = performance.now() - lostAt;
    expect(gaveUpAfter, 'not before the give-up time').to.be.at.least(1400);
    expect(bob.log.onCallEnd[0]).to.include({ callId, cause: 'disconnected' });
    expect(bob.log.onError.some((e) => e.code === ErrorCode.CONNECTION_FAILED)).to.equal(true);
    const attempts = debugState(bob.engine).reconnectAttempts;
    expect(attempts).to.be.within(3, 8);
    expect(debugState(bob.engine)).to.include({ timers: 0, call: null, peers: 0 });
    const refused = await bob.engine.calls({ userIDList: [alice.userId], mediaType: CallMediaType.AUDIO }).catch((e: unknown) => e);
    expect((refused as CallKitError).code).to.equal(ErrorCode.CONNECTION_FAILED);
    net.reachable = true;
    await bob.engine.reconnect();
    expect(debugState(bob.engine).connection).to.equal('connected');
    expect(bob.log.onConnectionStateChanged.at(-1)).to.deep.equal({ state: 'connected' });
    await expectAllReleased(bob);
  });

  it('a hangup while reconnecting is sent once the socket is back: the other side does not wait for the grace period', async () => {
    const alice = await loggedIn('alice');
    const net = flakyNetwork();
    const sockets = net.sockets;
    const bob = await loggedIn('bob', { WebSocket: net.Socket, reconnectDelayScale: 0.2 });
    const callId = await connectedVideoCall(alice, bob);
    net.reachable = false;
    sockets[0].close(4000, 'test drop');
    await waitFor('bob: reconnecting', () => bob.log.onConnectionStateChanged.find((e) => e.state === 'reconnecting'));
    await bob.engine.hangup();
    expect(bob.log.onCallEnd[0]).to.include({ callId, cause: 'hangup' });
    net.reachable = true;
    const aliceEnd = await waitFor('alice: call ends', () => alice.log.onCallEnd[0], 8000);
    expect(aliceEnd).to.include({ callId, cause: 'hangup' });
    await expectAllReleased(alice);
    await expectAllReleased(bob);
  });

  it('never connected without a media path: onCallBegin (both sides) waits for the first peer connection to connect', async () => {
    // ICE candidates are held (none added, none in the descriptions): accepted, but no path yet.
    const proto = RTCPeerConnection.prototype;
    const nativeAdd = proto.addIceCandidate;
    const nativeSetRemote = proto.setRemoteDescription;
    const addCandidate = nativeAdd as (this: RTCPeerConnection, candidate?: RTCIceCandidateInit) => Promise<void>;
    const setRemote = nativeSetRemote as (this: RTCPeerConnection, description: RTCSessionDescriptionInit) => Promise<void>;
    const held: [RTCPeerConnection, RTCIceCandidateInit][] = [];
    let holding = true;
    proto.addIceCandidate = function (this: RTCPeerConnection, candidate?: RTCIceCandidateInit | null) {
      if (!holding || !candidate) return addCandidate.call(this, candidate ?? undefined);
      held.push([this, candidate]);
      return Promise.resolve();
    } as typeof proto.addIceCandidate;
    proto.setRemoteDescription = function (this: RTCPeerConnection, description: RTCSessionDescriptionInit) {
      const sdp = holding && description?.sdp ? description.sdp.replace(/^a=candidate:.*\r\n/gm, '') : description?.sdp;
      return setRemote.call(this, description && sdp !== undefined ? { type: description.type, sdp } : description);
    } as typeof proto.setRemoteDescription;
    try {
      const alice = await loggedIn('alice');
      const bob = await loggedIn('bob');
      const { callId } = await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.AUDIO });
      await waitFor('bob rings', () => bob.log.onCallReceived[0]);
      await bob.engine.accept();
      await waitFor('alice: bob accepted', () => alice.log.onUserAccept[0]);
      const pcA = await waitFor('alice has a connection', () => debugPeerConnection(alice.engine, bob.userId));
      const pcB = await waitFor('bob has a connection', () => debugPeerConnection(bob.engine, alice.userId));
      await waitFor(
        'negotiated both ways, candidates held',
        () =>
          pcA.remoteDescription &&
          pcB.remoteDescription &&
          pcA.signalingState === 'stable' &&
          pcB.signalingState === 'stable' &&
          held.some(([pc]) => pc === pcA) &&
          held.some(([pc]) => pc === pcB),
      );
      expect([pcA.connectionState, pcB.connectionState]).not.to.include('connected');
      expect(alice.log.onCallBegin, 'alice: not begun without a media path').to.have.length(0);
      expect(bob.log.onCallBegin, 'bob: not begun without a media path').to.have.length(0);
      expect([...alice.log.onUserJoin, ...bob.log.onUserJoin], 'onUserJoin follows onCallBegin').to.have.length(0);
      // Each side's connection state at the moment its onCallBegin fires.
      const atBegin: string[] = [];
      alice.engine.on('onCallBegin', () => atBegin.push(`alice ${pcA.connectionState}`));
      bob.engine.on('onCallBegin', () => atBegin.push(`bob ${pcB.connectionState}`));
      holding = false;
      for (const [pc, candidate] of held.splice(0)) await addCandidate.call(pc, candidate).catch(() => undefined);
      await waitFor('alice: call begins', () => alice.log.onCallBegin[0]);
      await waitFor('bob: call begins', () => bob.log.onCallBegin[0]);
      expect(atBegin.sort()).to.deep.equal(['alice connected', 'bob connected']);
      expect(alice.log.onCallBegin).to.deep.equal([{ callId, mediaType: CallMediaType.AUDIO, role: 'caller' }]);
      expect(bob.log.onCallBegin).to.deep.equal([{ callId, mediaType: CallMediaType.AUDIO, role: 'callee' }]);
      expect(alice.log.onUserJoin).to.deep.equal([{ userId: bob.userId }]);
      expect(bob.log.onUserJoin).to.deep.equal([{ userId: alice.userId }]);
      await alice.engine.hangup();
      const end = await waitFor('bob: call ends', () => bob.log.onCallEnd[0]);
      expect(end.cause).to.equal('hangup');
      expect(end.totalTime).to.be.at.least(0);
      await expectAllReleased(alice);
      await expectAllReleased(bob);
    } finally {
      proto.addIceCandidate = nativeAdd;
      proto.setRemoteDescription = nativeSetRemote;
    }
  });

  describe('capabilities and failures while accepting (issue 21)', () => {
    const withoutWebRTC: Capabilities = {
      peerConnection: false,
      getUserMedia: true,
      secureContext: true,
      webSocket: true,
      codecs: null,
      canCall: false,
      canVideo: false,
      missing: ['RTCPeerConnection'],
    };

    it('a page that cannot carry calls fails login with UNSUPPORTED_BROWSER naming what is missing, before connecting', async () => {
      const engine = new WebRTCEngine({ capabilities: withoutWebRTC });
      engines.push(engine);
      const states: string[] = [];
      engine.on('onConnectionStateChanged', ({ state }) => states.push(state));
      expect(engine.getCapabilities()).to.deep.equal(withoutWebRTC);
      const sig = await userSig('nowebrtc');
      const failure = await engine
        .login({ SDKAppID: sig.sdkAppId, userID: 'nowebrtc', userSig: sig.userSig, server: signaling.SIGNALING_URL })
        .catch((e: unknown) => e);
      expect(failure).to.be.instanceOf(CallKitError);
      expect((failure as CallKitError).code).to.equal(ErrorCode.UNSUPPORTED_BROWSER);
      expect((failure as CallKitError).reason).to.equal('unsupported-browser');
      expect((failure as CallKitError).message).to.contain('RTCPeerConnection');
      expect(states, 'never connected').to.deep.equal([]);
      // This page itself can.
      expect(new WebRTCEngine().getCapabilities()).to.include({
        canCall: true,
        peerConnection: true,
        getUserMedia: true,
        secureContext: true,
      });
    });

    it('no video codec both ways: video calls refused with a named error, a video call is accepted audio-only for both', async () => {
      const noVideo: Capabilities = {
        ...new WebRTCEngine().getCapabilities(),
        codecs: { opus: true, vp8: false, h264: false },
        canVideo: false,
      };
      const page = new WebRTCEngine().getCapabilities();
      expect(page.codecs, 'this browser lists opus and VP8 both ways').to.deep.include({ opus: true, vp8: true });
      expect(page.canVideo).to.equal(true);
      const alice = await loggedIn('alice');
      const bob = await loggedIn('bob', { capabilities: noVideo });
      const placing = await bob.engine.calls({ userIDList: [alice.userId], mediaType: CallMediaType.VIDEO }).catch((e: unknown) => e);
      expect((placing as CallKitError).code).to.equal(ErrorCode.UNSUPPORTED_BROWSER);
      expect((placing as CallKitError).reason).to.equal('unsupported-video');
      expect((placing as CallKitError).message).to.match(/VP8|H264/);
      expect(alice.log.onCallReceived, 'nothing was placed').to.have.length(0);
      const { callId } = await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.VIDEO });
      await waitFor('bob rings', () => bob.log.onCallReceived[0]);
      await bob.engine.accept();
      await waitFor('bob: call begins', () => bob.log.onCallBegin[0]);
      expect(bob.log.onCallBegin[0]).to.deep.equal({ callId, mediaType: CallMediaType.AUDIO, role: 'callee' });
      expect(lastLocalStream(bob)?.getVideoTracks(), 'bob never opened the camera').to.have.length(0);
      await waitFor('alice: switched to audio', () => alice.log.onCallMediaTypeChanged[0]);
      expect(alice.log.onCallMediaTypeChanged).to.deep.equal([{ mediaType: CallMediaType.AUDIO }]);
      await bob.engine.hangup();
      await waitFor('alice: call ends', () => alice.log.onCallEnd[0]);
      await expectAllReleased(alice);
      await expectAllReleased(bob);
    });

    it('stayReachable: invitations are declined (unsupported) instead of ringing; the caller ends with that cause, never connected', async () => {
      const alice = await loggedIn('alice');
      const bob = await loggedIn('bob', { capabilities: withoutWebRTC }, true);
      const { callId } = await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.VIDEO });
      const end = await waitFor('alice: call ends', () => alice.log.onCallEnd[0]);
      expect(end).to.deep.equal({ callId, reason: CallEndReason.REJECT, cause: 'unsupported', totalTime: 0 });
      expect(alice.log.onCallBegin, 'alice never connected').to.have.length(0);
      expect(bob.log.onCallReceived, 'bob never rang').to.have.length(0);
      const placing = await bob.engine.calls({ userIDList: [alice.userId], mediaType: CallMediaType.AUDIO }).catch((e: unknown) => e);
      expect((placing as CallKitError).code).to.equal(ErrorCode.UNSUPPORTED_BROWSER);
      await expectAllReleased(alice);
      await expectAllReleased(bob);
    });

    it('accept on a page that lost RTCPeerConnection declines for both sides with one cause, nobody connected', async () => {
      const alice = await loggedIn('alice');
      const bob = await loggedIn('bob');
      const { callId } = await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.VIDEO });
      await waitFor('bob rings', () => bob.log.onCallReceived[0]);
      const saved = window.RTCPeerConnection;
      let failure: unknown;
      try {
        delete (window as { RTCPeerConnection?: unknown }).RTCPeerConnection;
        failure = await bob.engine.accept().catch((e: unknown) => e);
      } finally {
        window.RTCPeerConnection = saved;
      }
      expect((failure as CallKitError).code).to.equal(ErrorCode.UNSUPPORTED_BROWSER);
      expect(bob.log.onCallEnd).to.deep.equal([{ callId, reason: CallEndReason.REJECT, cause: 'unsupported', totalTime: 0 }]);
      const end = await waitFor('alice: call ends', () => alice.log.onCallEnd[0]);
      expect(end).to.deep.equal({ callId, reason: CallEndReason.REJECT, cause: 'unsupported', totalTime: 0 });
      expect(alice.log.onCallBegin, 'alice never connected').to.have.length(0);
      expect(bob.log.onCallBegin, 'bob never connected').to.have.length(0);
      await expectAllReleased(alice);
      await expectAllReleased(bob);
    });

    it('a peer connection that cannot be made: accept declines for both sides with one cause, nobody connected; calls throws', async () => {
      const alice = await loggedIn('alice');
      const bob = await loggedIn('bob', { iceServers: [{ urls: 'not-an-ice-url' }] });
      const { callId } = await alice.engine.calls({ userIDList: [bob.userId], mediaType: CallMediaType.AUDIO });
      await waitFor('bob rings', () => bob.log.onCallReceived[0]);
      const failure = await bob.engine.accept().catch((e: unknown) => e);
      expect((failure as CallKitError).code).to.equal(ErrorCode.NOT_SUPPORTED_WEBRTC);
      expect(bob.log.onCallEnd).to.deep.equal([{ callId, reason: CallEndReason.REJECT, cause: 'unsupported', totalTime: 0 }]);
      const aliceEnd = await waitFor('alice: call ends', () => alice.log.onCallEnd[0]);
      expect(aliceEnd).to.deep.equal({ callId, reason: CallEndReason.REJECT, cause: 'unsupported', totalTime: 0 });
      expect(alice.log.onCallBegin, 'alice was never connected').to.have.length(0);
      const placing = await bob.engine.calls({ userIDList: [alice.userId], mediaType: CallMediaType.AUDIO }).catch((e: unknown) => e);
      expect((placing as CallKitError).code, 'nothing is placed').to.equal(ErrorCode.NOT_SUPPORTED_WEBRTC);
      expect(alice.log.onCallReceived, 'alice never rang').to.have.length(0);
      expect(bob.log.onCallBegin, 'bob was never connected without a peer connection').to.have.length(0);
      await expectAllReleased(alice);
      await expectAllReleased(bob);
    });
  });
});
