/**
 * The slice of Tencent's own web engine, `TUICallEngine` from `@tencentcloud/call-engine-js`
 * (3.3.4, the engine of TUICallKit's Vue kit), that the `tuicall` adapter calls, typed from its
 * `index.d.ts` and from running it (test/interop). Nothing here imports the package.
 */

/** `TUICallEngine` (the static side) of `@tencentcloud/call-engine-js`. */
export interface TUICallEngineStatic {
  /** Fires once the engine's WebAssembly core is ready (`createInstance` throws before). */
  once(event: 'ready', fn: () => void): void;
  /** The singleton engine (the same instance on every call). */
  createInstance(options: { SDKAppID: number; tim?: unknown; callkitVersion?: string; framework?: string }): TUICallEngineLike;
}

/** The module's exports as far as the adapter uses them. */
export interface TUICallEngineModule {
  TUICallEngine: TUICallEngineStatic;
}

/** Offline push (`IOfflinePushInfo`). */
export interface TUIOfflinePushInfo {
  title?: string;
  description?: string;
  extension?: string;
}

/** The engine instance (index.d.ts), as far as the adapter uses it. */
export interface TUICallEngineLike {
  login(params: { userID: string; userSig: string; assetsPath?: string }): Promise<unknown>;
  logout(): Promise<unknown>;
  destroyInstance?(): Promise<unknown>;
  /** v2: one C2C invitation over chat signaling. */
  call(params: {
    userID: string;
    type: number;
    timeout?: number;
    userData?: string;
    offlinePushInfo?: TUIOfflinePushInfo;
  }): Promise<unknown>;
  /** v2: one group invitation over chat signaling. */
  groupCall(params: {
    userIDList: string[];
    type: number;
    groupID: string;
    timeout?: number;
    userData?: string;
    offlinePushInfo?: TUIOfflinePushInfo;
  }): Promise<unknown>;
  /** v3: Tencent's server-side call service (1v1 and group). */
  calls(params: {
    userIDList: string[];
    type: number;
    chatGroupID?: string;
    timeout?: number;
    userData?: string;
    offlinePushInfo?: TUIOfflinePushInfo;
  }): Promise<unknown>;
  accept(): Promise<unknown>;
  reject(): Promise<unknown>;
  hangup(): Promise<unknown>;
  inviteUser(params: { userIDList: string[]; timeout?: number }): Promise<unknown>;
  joinInGroupCall(params: { type: number; groupID: string; roomID?: number; strRoomID?: string }): Promise<unknown>;
  /** v3: joins a running call by id. */
  join(params: { callId: string }): Promise<unknown>;
  openCamera(videoViewDomID: string, isFrontCamera?: boolean): Promise<unknown>;
  closeCamera(): Promise<unknown>;
  openMicrophone(): Promise<unknown>;
  closeMicrophone(): Promise<unknown>;
  startRemoteView(params: { userID: string; videoViewDomID: string }): Promise<unknown>;
  switchCallMediaType(newMediaType: number): Promise<unknown>;
  setSelfInfo(params: { nickName: string; avatar: string }): Promise<unknown>;
  setVideoQuality(profile: string): Promise<unknown>;
  getDeviceList(deviceType: string): Promise<unknown>;
  switchDevice(params: { deviceType: string; deviceId: string }): Promise<unknown>;
  getTRTCCloudInstance(): unknown;
  on(event: string, fn: (payload: unknown) => void, context?: unknown): void;
  off(event: string, fn: (payload: unknown) => void, context?: unknown): void;
}

/** The trtc-sdk-v5 instance inside trtc-cloud-js-sdk's TRTCCloud (its `_trtc`), for the tracks. */
export interface InnerTRTC {
  getAudioTrack(config?: { userId?: string } | string): MediaStreamTrack | null;
  getVideoTrack(config?: { userId?: string; streamType?: string }): MediaStreamTrack | null;
  on(event: string, fn: (payload: unknown) => void): unknown;
  off(event: string, fn: (payload: unknown) => void): unknown;
}
