/**
 * Hand-driven stores for the stories of single elements (no engine): each function returns a
 * `CallStore` in one state.
 */
import { CallMediaType, CallRole } from '../../src/constants.js';
import { CallStore } from '../../src/store/store.js';

export interface CallOptions {
  video?: boolean;
  /** Other members, all accepted (default: Alice). */
  others?: readonly { userId: string; name: string }[];
  language?: string;
}

/** Me in a connected call with `others`. */
export function connectedStore(options: CallOptions = {}): CallStore {
  const store = new CallStore();
  store.dispatch({ type: 'login', userId: 'me', name: 'Me' });
  if (options.language) store.dispatch({ type: 'settings', settings: { language: options.language } });
  const others = options.others ?? [{ userId: 'alice', name: 'Alice' }];
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLER,
    callId: 'story-call',
    mediaType: options.video === false ? CallMediaType.AUDIO : CallMediaType.VIDEO,
    callerId: 'me',
    members: others.map((o) => ({ ...o, status: 'accepted' as const })),
  });
  store.dispatch({ type: 'call-connected' });
  store.dispatch({ type: 'self-media', audio: true, video: options.video !== false });
  for (const o of others) store.dispatch({ type: 'member-media', userId: o.userId, audio: true, video: false });
  return store;
}

/** Alice calls me. */
export function ringingStore(video = true): CallStore {
  const store = new CallStore();
  store.dispatch({ type: 'login', userId: 'me', name: 'Me' });
  store.dispatch({
    type: 'call-start',
    role: CallRole.CALLEE,
    callId: 'story-ring',
    mediaType: video ? CallMediaType.VIDEO : CallMediaType.AUDIO,
    callerId: 'alice',
    members: [{ userId: 'alice', name: 'Alice', status: 'accepted' }],
  });
  return store;
}
