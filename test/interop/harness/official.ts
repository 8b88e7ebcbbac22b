/**
 * Test code only: loads the official web engine `@tencentcloud/call-engine-js` (pinned 3.3.4, the
 * engine of `@tencentcloud/call-uikit-vue` 4.0.12) in Node, as `reference/interop-official-engine.md`
 * describes:
 * - browser shims (`window`, `document`, `navigator.mediaDevices`, `screen`, `location`; `fetch`,
 *   XHR and `sendBeacon` answer nothing: its telemetry goes nowhere);
 * - the bundle is compiled unchanged except for ONE edit made in memory: the emscripten
 *   environment probe (ENVIRONMENT_IS_NODE) is replaced with `i=!1`, or the glue aborts with
 *   "node environment detected but not enabled";
 * - a `Module._load` hook answers `trtc-sdk-v5` (and its virtual-background plugin) with
 *   {@link officialTrtcModule}: the **real** `trtc-cloud-js-sdk` 2.10.8 runs on top of it, so
 *   the `enterRoom` parameters seen are the ones the official stack really produces. Rooms are the
 *   shared {@link FakeCloud}'s, so official and kit members meet there.
 *
 * The engine is a singleton: one official user per process.
 */
import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import type { FakeCloud } from '../../helpers/tencent-double.js';
import { FakeTRTC } from '../../helpers/tencent-double.js';
import type { TRTCLike } from '../../../src/engine/tencent/sdk-types.js';

const require = createRequire(import.meta.url);

/** The environment probe the one in-memory edit replaces. */
const ENV_PROBE =
  'i="object"==("undefined"==typeof process?"undefined":X(process))&&"object"==X(process.versions)&&"string"==typeof process.versions.node';

/** TRTC.EVENT / TRTC.TYPE values of trtc-sdk-v5 that trtc-cloud-js-sdk reads. */
export const TRTC_EVENT = {
  ERROR: 'error',
  AUTOPLAY_FAILED: 'autoplay-failed',
  KICKED_OUT: 'kicked-out',
  REMOTE_USER_ENTER: 'remote-user-enter',
  REMOTE_USER_EXIT: 'remote-user-exit',
  REMOTE_AUDIO_AVAILABLE: 'remote-audio-available',
  REMOTE_AUDIO_UNAVAILABLE: 'remote-audio-unavailable',
  REMOTE_VIDEO_AVAILABLE: 'remote-video-available',
  REMOTE_VIDEO_UNAVAILABLE: 'remote-video-unavailable',
  AUDIO_VOLUME: 'audio-volume',
  NETWORK_QUALITY: 'network-quality',
  CONNECTION_STATE_CHANGED: 'connection-state-changed',
  AUDIO_PLAY_STATE_CHANGED: 'audio-play-state-changed',
  VIDEO_PLAY_STATE_CHANGED: 'video-play-state-changed',
  SCREEN_SHARE_STOPPED: 'screen-share-stopped',
  DEVICE_CHANGED: 'device-changed',
  PUBLISH_STATE_CHANGED: 'publish-state-changed',
  TRACK: 'track',
  STATISTICS: 'statistics',
  SEI_MESSAGE: 'sei-message',
  CUSTOM_MESSAGE: 'custom-message',
  FIRST_VIDEO_FRAME: 'first-video-frame',
};
/** TRTC.ERROR_CODE of trtc-sdk-v5 (trtc-cloud-js-sdk compares with OPERATION_ABORT). */
export const TRTC_ERROR_CODE = {
  INVALID_PARAMETER: 5000,
  INVALID_OPERATION: 5100,
  ENV_NOT_SUPPORTED: 5200,
  DEVICE_ERROR: 5300,
  SERVER_ERROR: 5400,
  OPERATION_FAILED: 5500,
  OPERATION_ABORT: 5998,
  UNKNOWN_ERROR: 5999,
};
export const TRTC_TYPE = {
  SCENE_LIVE: 'live',
  SCENE_RTC: 'rtc',
  ROLE_ANCHOR: 'anchor',
  ROLE_AUDIENCE: 'audience',
  STREAM_TYPE_MAIN: 'main',
  STREAM_TYPE_SUB: 'sub',
  AUDIO_PROFILE_STANDARD: 'standard',
  AUDIO_PROFILE_STANDARD_STEREO: 'standard-stereo',
  AUDIO_PROFILE_HIGH: 'high',
  AUDIO_PROFILE_HIGH_STEREO: 'high-stereo',
  QOS_PREFERENCE_SMOOTH: 'smooth',
  QOS_PREFERENCE_CLEAR: 'clear',
};

/**
 * trtc-sdk-v5 as trtc-cloud-js-sdk calls it: the test double, plus the room rule trtc-sdk-v5
 * applies to `{ roomId, strRoomId }` (a string room only when `strRoomId && !roomId`), plus
 * no-ops for what the double does not model (rendering, plugins, custom messages).
 */
class OfficialTRTC extends FakeTRTC {
  /** Set to make the next enterRoom fail. */
  static failEnter: { user: string; error: unknown } | null = null;

  override async enterRoom(params: Parameters<TRTCLike['enterRoom']>[0] & { scene?: string; role?: string }): Promise<void> {
    const p = params as unknown as Record<string, unknown>;
    const strRoomId = typeof p.strRoomId === 'string' ? p.strRoomId : '';
    const roomId = typeof p.roomId === 'number' ? p.roomId : 0;
    const fail = OfficialTRTC.failEnter;
    if (fail && fail.user === p.userId) {
      OfficialTRTC.failEnter = null;
      throw fail.error;
    }
    const normalized = strRoomId && !roomId ? { ...params, roomId: undefined, strRoomId } : { ...params, roomId, strRoomId: undefined };
    return super.enterRoom(normalized);
  }

  /**
   * trtc-sdk-v5 5.15 aborts a second start with OPERATION_ABORT (5998), which trtc-cloud-js-sdk
   * answers with an update (`code!==ERROR_CODE.OPERATION_ABORT ? throw : _updateLocalVideo()`).
   */
  override async startLocalVideo(config: Record<string, unknown> = {}): Promise<void> {
    const { view: _view, ...rest } = config;
    if (this.localVideo) throw { code: 5998, message: 'camera already started' };
    return super.startLocalVideo(rest);
  }

  override async startLocalAudio(config: Parameters<FakeTRTC['startLocalAudio']>[0]): Promise<void> {
    if (this.localAudio) throw { code: 5998, message: 'microphone already started' };
    return super.startLocalAudio(config);
  }

  /**
   * trtc-sdk-v5 5.15 returns without doing anything when no local video was started
   * (`if(!this._localVideoTrack||!this._localVideoConfig)return;` in trtc.js): the official stack
   * relies on it (muteLocalVideo and updateLocalView before the camera opens).
   */
  override async updateLocalVideo(config: Parameters<FakeTRTC['updateLocalVideo']>[0]): Promise<void> {
    if (!this.localVideo) {
      this.log.push({ method: 'updateLocalVideo', args: [config] });
      return;
    }
    return super.updateLocalVideo(config);
  }

  override async startRemoteVideo(config: { view?: null; userId: string; streamType: 'main' | 'sub' }): Promise<void> {
    try {
      await super.startRemoteVideo({ ...config, view: null });
    } catch {
      // rendering only
    }
  }

  async updateRemoteVideo(): Promise<void> {}
  async startScreenShare(): Promise<void> {}
  async stopScreenShare(): Promise<void> {}
  async sendCustomMessage(): Promise<void> {}
  sendSEIMessage(): void {}
  async switchRole(): Promise<void> {}
  async callExperimentalAPI(): Promise<void> {}
  getVideoSnapshot(): string {
    return '';
  }
}

/** The `trtc-sdk-v5` module the official stack gets: statics around {@link OfficialTRTC} on `cloud`. */
export function officialTrtcModule(cloud: FakeCloud, label: string): Record<string, unknown> {
  const base = cloud.trtcModuleFor(label);
  const statics: Record<string, unknown> = {
    EVENT: TRTC_EVENT,
    TYPE: TRTC_TYPE,
    ERROR_CODE: TRTC_ERROR_CODE,
    VERSION: '5.15.0-beta.25',
    create: (options?: Record<string, unknown>) => {
      const trtc = new OfficialTRTC(cloud, label, (options ?? {}) as { assetsPath?: string });
      cloud.trtcs.push(trtc);
      return trtc;
    },
    getCameraList: base.getCameraList,
    getMicrophoneList: base.getMicrophoneList,
    getSpeakerList: base.getSpeakerList,
    setCurrentSpeaker: base.setCurrentSpeaker,
    setLogLevel: () => undefined,
    isSupported: async () => ({ result: true, detail: {} }),
    _addKVStat: () => undefined,
    _loggerManager: {
      info() {},
      log() {},
      warn() {},
      error() {},
      debug() {},
      createLogger: () => ({ log() {}, info() {}, warn() {}, error() {}, debug() {} }),
    },
  };
  return statics;
}

export { OfficialTRTC };

/** Installs the browser globals the official bundle and trtc-cloud-js-sdk expect (once). */
function installShims(): void {
  const g = globalThis as Record<string, unknown>;
  if (g.__ckOfficialShims) return;
  g.__ckOfficialShims = true;
  const element = (): Record<string, unknown> => ({
    style: {},
    setAttribute() {},
    appendChild() {},
    removeChild() {},
    addEventListener() {},
    removeEventListener() {},
    getContext: () => null,
    play: async () => undefined,
    pause() {},
    remove() {},
    getBoundingClientRect: () => ({ width: 0, height: 0, left: 0, top: 0 }),
  });
  if (!g.window) g.window = globalThis;
  if (!g.self) g.self = globalThis;
  g.document ??= {
    createElement: element,
    getElementById: () => null,
    querySelector: () => null,
    body: element(),
    head: element(),
    documentElement: element(),
    addEventListener() {},
    removeEventListener() {},
    visibilityState: 'visible',
    hidden: false,
  };
  g.HTMLElement ??= class {};
  g.HTMLVideoElement ??= class {};
  g.HTMLMediaElement ??= class {};
  g.MediaStreamTrack ??= class {};
  g.MediaStream ??= class {
    readonly #tracks: { kind: string }[];
    constructor(tracks: { kind: string }[] = []) {
      this.#tracks = [...tracks];
    }
    getTracks(): { kind: string }[] {
      return [...this.#tracks];
    }
    getAudioTracks(): { kind: string }[] {
      return this.#tracks.filter((t) => t.kind === 'audio');
    }
    getVideoTracks(): { kind: string }[] {
      return this.#tracks.filter((t) => t.kind === 'video');
    }
    addTrack(track: { kind: string }): void {
      this.#tracks.push(track);
    }
  };
  const stream = (): Record<string, unknown> => ({ getTracks: () => [{ stop() {} }], getAudioTracks: () => [], getVideoTracks: () => [] });
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    value: {
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      language: 'en',
      languages: ['en'],
      platform: 'Linux',
      mediaDevices: {
        getUserMedia: async () => stream(),
        enumerateDevices: async () => [],
        addEventListener() {},
        removeEventListener() {},
      },
      sendBeacon: () => true,
      permissions: { query: async () => ({ state: 'granted' }) },
    },
  });
  g.screen ??= { width: 1920, height: 1080 };
  g.location ??= { protocol: 'https:', hostname: 'localhost', host: 'localhost', href: 'https://localhost/', origin: 'https://localhost' };
  g.localStorage ??= { getItem: () => null, setItem() {}, removeItem() {} };
  g.sessionStorage ??= g.localStorage;
  g.fetch = async () => ({ ok: true, status: 200, json: async () => ({}), text: async () => '' });
  g.XMLHttpRequest = class {
    open(): void {}
    send(): void {}
    setRequestHeader(): void {}
    addEventListener(): void {}
  };
}

/** The official module's exports, as far as the suite uses them. */
export interface OfficialModule {
  TUICallEngine: {
    once(event: string, fn: () => void): void;
    createInstance(options: Record<string, unknown>): OfficialEngine;
  };
}

/** `TUICallEngine` (index.d.ts), as far as the suite uses it. */
export interface OfficialEngine {
  login(params: { userID: string; userSig: string }): Promise<void>;
  logout(): Promise<void>;
  call(params: Record<string, unknown>): Promise<unknown>;
  groupCall(params: Record<string, unknown>): Promise<unknown>;
  calls(params: Record<string, unknown>): Promise<unknown>;
  accept(): Promise<void>;
  reject(): Promise<void>;
  hangup(): Promise<void>;
  inviteUser(params: Record<string, unknown>): Promise<void>;
  joinInGroupCall(params: Record<string, unknown>): Promise<void>;
  switchCallMediaType(type: number): Promise<void>;
  on(event: string, fn: (payload: unknown) => void, ctx?: unknown): void;
  off(event: string, fn: (payload: unknown) => void, ctx?: unknown): void;
  setLogLevel?(level: number): void;
}

let loaded: Promise<OfficialModule> | null = null;
/** The `trtc-sdk-v5` module answered to the official stack; set before the engine creates TRTC. */
let trtcModule: Record<string, unknown> | null = null;

/** Answers the official stack's `trtc-sdk-v5` with `module` (a worker's relay to the main thread's rooms). */
export function useTrtcModule(module: Record<string, unknown>): void {
  trtcModule = module;
}

/** Points the official stack's `trtc-sdk-v5` at `cloud` (before the first call). */
export function useOfficialRooms(cloud: FakeCloud, label: string): void {
  trtcModule = officialTrtcModule(cloud, label);
}

/** Loads the official engine once and waits for its wasm (`TUICallEngine.once('ready')`). */
export function loadOfficial(): Promise<OfficialModule> {
  loaded ??= (async () => {
    installShims();
    const hooked = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
    const original = hooked._load;
    const trtcProxy = new Proxy(
      {},
      {
        get: (_t, key) => {
          if (!trtcModule) throw new Error('useOfficialRooms() first');
          return trtcModule[key as string];
        },
      },
    );
    hooked._load = function (request: string, parent: unknown, isMain: boolean): unknown {
      if (request === 'trtc-sdk-v5') return { __esModule: true, default: trtcProxy };
      if (request.startsWith('trtc-sdk-v5/plugins/')) {
        return { __esModule: true, default: class VirtualBackground {}, VirtualBackground: class VirtualBackground {} };
      }
      return original.call(this, request, parent, isMain);
    };
    const file = join(dirname(require.resolve('@tencentcloud/call-engine-js/package.json')), 'index.cjs.js');
    const src = readFileSync(file, 'utf8');
    if (!src.includes(ENV_PROBE)) throw new Error('call-engine-js: environment probe not found (not 3.3.4?)');
    const m = new Module(file) as Module & { _compile(code: string, filename: string): void; paths: string[] };
    m.filename = file;
    m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
    m._compile(src.replace(ENV_PROBE, 'i=!1'), file);
    const mod = m.exports as OfficialModule;
    await new Promise<void>((resolve) => mod.TUICallEngine.once('ready', resolve));
    return mod;
  })();
  return loaded;
}
