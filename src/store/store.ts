import { CallMediaType, CallRole, CallStatus, LayoutMode, VideoDisplayMode, VideoResolution } from '../constants.js';
import type { Action, CallState, MemberView, ReadonlyStore, Settings } from './types.js';

const defaultSettings: Settings = {
  language: 'en',
  layoutMode: LayoutMode.REMOTE_LARGE,
  displayMode: VideoDisplayMode.COVER,
  resolution: VideoResolution.RESOLUTION_720P,
  hiddenButtons: [],
  cameraDefaultOn: true,
  floatWindow: false,
  muteMode: false,
  allowedFullScreen: false,
  virtualBackground: false,
  blurBackground: false,
  aiNoiseSuppression: false,
  aiNoiseSuppressionAvailable: false,
  viewBackgrounds: {},
  speakerDeviceId: '',
  callWaiting: false,
  notifications: false,
};

function member(userId: string, isSelf: boolean, patch: Partial<MemberView> = {}): MemberView {
  return {
    userId,
    name: '',
    avatar: '',
    isSelf,
    status: isSelf ? 'accepted' : 'ringing',
    audioAvailable: false,
    videoAvailable: false,
    volume: 0,
    networkQuality: 0,
    reconnecting: false,
    stream: null,
    ...patch,
  };
}

export function initialState(settings: Partial<Settings> = {}): CallState {
  return {
    status: CallStatus.IDLE,
    role: CallRole.UNKNOWN,
    mediaType: CallMediaType.UNKNOWN,
    callId: '',
    groupId: '',
    isGroup: false,
    callerId: '',
    self: member('', true),
    members: [],
    connectedAt: 0,
    tip: null,
    toast: null,
    connection: 'disconnected',
    loggedIn: false,
    devices: [],
    speakerMuted: false,
    minimized: false,
    soundBlocked: false,
    settings: { ...defaultSettings, ...settings },
    groupCalls: {},
    incoming: [],
    answering: '',
    connecting: false,
    userData: '',
    presence: {},
    videoRequest: null,
  };
}

/** Returns `m` itself when `patch` changes nothing, so unchanged members keep their identity. */
function patchMember(m: MemberView, patch: Partial<MemberView>): MemberView {
  for (const key of Object.keys(patch) as (keyof MemberView)[]) {
    if (patch[key] !== undefined && patch[key] !== m[key]) {
      const clean = Object.fromEntries(Object.entries(patch).filter(([, val]) => val !== undefined));
      return { ...m, ...clean };
    }
  }
  return m;
}

function mapMembers(state: CallState, fn: (m: MemberView) => MemberView): CallState {
  let changed = false;
  const members = state.members.map((m) => {
    const next = fn(m);
    if (next !== m) changed = true;
    return next;
  });
  const self = fn(state.self);
  if (!changed && self === state.self) return state;
  return { ...state, members: changed ? members : state.members, self };
}

let toastIds = 0;

export function reduce(state: CallState, action: Action): CallState {
  switch (action.type) {
    case 'login':
      return {
        ...state,
        loggedIn: true,
        self: member(action.userId, true, { name: action.name ?? '', avatar: action.avatar ?? '' }),
      };
    case 'logout':
      return { ...initialState(state.settings) };
    case 'connection':
      return state.connection === action.state ? state : { ...state, connection: action.state };
    case 'self-info':
      return { ...state, self: patchMember(state.self, { name: action.name, avatar: action.avatar }) };
    case 'call-start': {
      // The server's member lists include us; we are `self`, never a remote member.
      const members = action.members
        .filter((m) => m.userId !== state.self.userId)
        .map((m) => member(m.userId, false, { name: m.name ?? '', avatar: m.avatar ?? '', status: m.status ?? 'ringing' }));
      return {
        ...state,
        status: CallStatus.CALLING,
        role: action.role,
        callId: action.callId,
        mediaType: action.mediaType,
        callerId: action.callerId,
        groupId: action.groupId ?? '',
        isGroup: Boolean(action.groupId) || members.length > 1,
        members,
        connectedAt: 0,
        minimized: false,
        tip: null,
        connecting: false,
        videoRequest: null,
        userData: action.userData ?? '',
        self: patchMember(state.self, { volume: 0, networkQuality: 0 }),
      };
    }
    case 'call-connecting': {
      // Answered: no longer ringing (off the incoming list), not connected before onCallBegin.
      if (state.status !== CallStatus.CALLING || state.connecting) return state;
      const incoming = state.incoming.filter((c) => c.callId !== state.callId);
      const answering = state.answering === state.callId ? '' : state.answering;
      return { ...state, connecting: true, tip: { key: 'connecting' }, incoming, answering };
    }
    case 'call-connected':
      if (state.status !== CallStatus.CALLING) return state;
      return { ...state, status: CallStatus.CONNECTED, connectedAt: Date.now(), tip: null, connecting: false };
    case 'call-reset':
      return {
        ...state,
        status: CallStatus.IDLE,
        role: CallRole.UNKNOWN,
        mediaType: CallMediaType.UNKNOWN,
        callId: '',
        groupId: '',
        isGroup: false,
        callerId: '',
        members: [],
        connectedAt: 0,
        tip: null,
        connecting: false,
        videoRequest: null,
        userData: '',
        minimized: false,
        speakerMuted: false,
        self: member(state.self.userId, true, { name: state.self.name, avatar: state.self.avatar }),
      };
    case 'media-type':
      return state.mediaType === action.mediaType ? state : { ...state, mediaType: action.mediaType };
    case 'video-request':
      return state.videoRequest === action.request || (!state.videoRequest && !action.request)
        ? state
        : { ...state, videoRequest: action.request };
    case 'member-upsert': {
      if (action.userId === state.self.userId) return state;
      const existing = state.members.find((m) => m.userId === action.userId);
      const patch = { name: action.name, avatar: action.avatar, status: action.status };
      if (existing) return mapMembers(state, (m) => (m.userId === action.userId ? patchMember(m, patch) : m));
      const added = member(action.userId, false, {
        name: action.name ?? '',
        avatar: action.avatar ?? '',
        status: action.status ?? 'ringing',
      });
      const members = [...state.members, added];
      return { ...state, members, isGroup: state.isGroup || members.length > 1 };
    }
    case 'member-remove': {
      const members = state.members.filter((m) => m.userId !== action.userId);
      return members.length === state.members.length ? state : { ...state, members };
    }
    case 'group-call':
      return { ...state, groupCalls: { ...state.groupCalls, [action.groupId]: action.call } };
    case 'member-media':
      return mapMembers(state, (m) =>
        m.userId === action.userId && !m.isSelf ? patchMember(m, { audioAvailable: action.audio, videoAvailable: action.video }) : m,
      );
    case 'member-stream':
      return mapMembers(state, (m) => (m.userId === action.userId && !m.isSelf ? patchMember(m, { stream: action.stream }) : m));
    case 'self-media': {
      const self = patchMember(state.self, { audioAvailable: action.audio, videoAvailable: action.video });
      const next = action.stream === undefined || action.stream === self.stream ? self : { ...self, stream: action.stream };
      return next === state.self ? state : { ...state, self: next };
    }
    case 'volumes':
      return mapMembers(state, (m) => {
        const key = m.isSelf ? (action.volumes[m.userId] ?? action.volumes['']) : action.volumes[m.userId];
        return key === undefined ? m : patchMember(m, { volume: Math.round(key) });
      });
    case 'network':
      return mapMembers(state, (m) => {
        const q = m.isSelf ? (action.qualities[m.userId] ?? action.qualities['']) : action.qualities[m.userId];
        return q === undefined ? m : patchMember(m, { networkQuality: q });
      });
    case 'member-reconnecting':
      return mapMembers(state, (m) =>
        m.userId === action.userId && !m.isSelf ? patchMember(m, { reconnecting: action.reconnecting }) : m,
      );
    case 'tip':
      return { ...state, tip: action.tip };
    case 'toast':
      return { ...state, toast: action.toast ? { ...action.toast, id: ++toastIds } : null };
    case 'devices':
      return { ...state, devices: action.devices };
    case 'speaker-muted':
      return state.speakerMuted === action.muted ? state : { ...state, speakerMuted: action.muted };
    case 'minimized':
      return state.minimized === action.minimized ? state : { ...state, minimized: action.minimized };
    case 'sound-blocked':
      return state.soundBlocked === action.blocked ? state : { ...state, soundBlocked: action.blocked };
    case 'settings':
      return { ...state, settings: { ...state.settings, ...action.settings } };
    case 'incoming-add': {
      // The same invitation again (re-sent after a reconnect) keeps its place in the order.
      const known = state.incoming.some((c) => c.callId === action.call.callId);
      const incoming = known
        ? state.incoming.map((c) => (c.callId === action.call.callId ? action.call : c))
        : [...state.incoming, action.call];
      return { ...state, incoming };
    }
    case 'answering':
      return state.answering === action.callId ? state : { ...state, answering: action.callId };
    case 'presence': {
      const changed = action.users.filter((u) => state.presence[u.userId] !== u.status);
      if (changed.length === 0) return state;
      return { ...state, presence: { ...state.presence, ...Object.fromEntries(changed.map((u) => [u.userId, u.status])) } };
    }
    case 'presence-forget': {
      if (!action.userIds) return Object.keys(state.presence).length ? { ...state, presence: {} } : state;
      const gone = new Set(action.userIds);
      return { ...state, presence: Object.fromEntries(Object.entries(state.presence).filter(([id]) => !gone.has(id))) };
    }
    case 'incoming-remove': {
      const incoming = state.incoming.filter((c) => c.callId !== action.callId);
      return incoming.length === state.incoming.length ? state : { ...state, incoming };
    }
  }
}

/** The kit's store: one plain state object, `getState()`, `subscribe()`, `dispatch()`. No DOM, no lit. */
export class CallStore implements ReadonlyStore {
  #state: CallState;
  #listeners = new Set<(state: CallState, previous: CallState) => void>();

  constructor(settings: Partial<Settings> = {}) {
    this.#state = initialState(settings);
  }

  getState(): CallState {
    return this.#state;
  }

  subscribe(listener: (state: CallState, previous: CallState) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  dispatch(action: Action): void {
    const previous = this.#state;
    const next = reduce(previous, action);
    if (next === previous) return;
    this.#state = next;
    for (const listener of [...this.#listeners]) listener(next, previous);
  }

  /** A read-only view for apps and elements. */
  readonly readonly: ReadonlyStore = {
    getState: () => this.getState(),
    subscribe: (listener) => this.subscribe(listener),
  };
}
