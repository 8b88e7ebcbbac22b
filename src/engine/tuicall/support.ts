/**
 * Helpers of the `tuicall` engine (tuicall-engine.ts): the default loaders (dynamic `import()`:
 * nothing is loaded at module load), the official end reasons and errors in this kit's terms.
 */
import { CallEndReason } from '../../constants.js';
import { CallKitError, ErrorCode } from '../../errors.js';
import type { EndCause } from '../types.js';
import type { TUICallEngineModule } from './official-types.js';

/** `CallEndReason` (TUICallKit's, the official engine's own numbers) -> this kit's cause. */
export const CAUSE: Record<number, EndCause> = {
  [CallEndReason.HANGUP]: 'hangup',
  [CallEndReason.REJECT]: 'rejected',
  [CallEndReason.NO_RESPONSE]: 'timeout',
  [CallEndReason.OFFLINE]: 'unavailable',
  [CallEndReason.LINE_BUSY]: 'busy',
  [CallEndReason.CANCELED]: 'cancelled',
  [CallEndReason.OTHER_DEVICE_ACCEPTED]: 'answered-elsewhere',
  [CallEndReason.OTHER_DEVICE_REJECT]: 'rejected-elsewhere',
  [CallEndReason.END_BY_SERVER]: 'ended',
};

export async function loadOfficialEngine(): Promise<TUICallEngineModule> {
  try {
    // A variable specifier: the package is an optional peer dependency.
    const name = '@tencentcloud/call-engine-js';
    return (await import(/* @vite-ignore */ name)) as TUICallEngineModule;
  } catch (error) {
    throw new CallKitError(
      ErrorCode.SDK_NOT_INITIALIZED,
      `cannot load "@tencentcloud/call-engine-js" (npm install it for the tuicall engine): ${String(error)}`,
      'module-not-found',
    );
  }
}

export async function loadChat(): Promise<{ create(options: { SDKAppID: number }): object }> {
  const { loadChatModule } = await import('../tencent/default-loaders.js');
  return (await loadChatModule()) as unknown as { create(options: { SDKAppID: number }): object };
}

/** An error of the official engine (`TUICallEngineError { code, message }`) as a CallKitError. */
export function official(error: unknown, what: string, code: ErrorCode = ErrorCode.FAILED): CallKitError {
  if (error instanceof CallKitError) return error;
  const e = error as { code?: unknown; message?: unknown } | null;
  const reason = typeof e?.code === 'number' || typeof e?.code === 'string' ? String(e.code) : undefined;
  const message = typeof e?.message === 'string' && e.message ? e.message : String(error);
  return new CallKitError(code, `${what}: ${message}`, reason);
}

/** `TIM.TSignaling.INVITATION_TIMEOUT` of `@tencentcloud/chat`. */
const INVITATION_TIMEOUT = 'ts_invitation_timeout';
/** `TIM.TSignaling.NEW_INVITATION_RECEIVED`. */
const NEW_INVITATION = 'newInvitationReceived';

/** A chat signaling invitation as its listeners get it (`event.data`). */
export interface SignalingInvite {
  inviteID?: unknown;
  groupID?: unknown;
  inviter?: unknown;
  data?: unknown;
}

/** Whether an invitation's `av_call` payload is a switch to audio (either form TUICallKit sends). */
export function isSwitchToAudio(data: unknown): boolean {
  if (typeof data !== 'string') return false;
  try {
    const body = JSON.parse(data) as { data?: { cmd?: unknown }; switch_to_audio_call?: unknown } | null;
    return body?.data?.cmd === 'switchToAudio' || body?.switch_to_audio_call !== undefined;
  } catch {
    return false;
  }
}

/**
 * The app's chat instance as the official engine gets it: a proxy that also hands chat's
 * invitation timeouts and new invitations to the adapter (registered before the engine's own
 * listener), and tells it the inviteID and options of each invitation the engine sends (a v2
 * call's id: `call()` itself returns none).
 */
export function watchChat(
  chat: object,
  hooks: {
    timeout(data: { inviteID?: unknown }): void;
    invitation(data: SignalingInvite): void;
    sent(inviteID: string, options: { groupID?: unknown; data?: unknown }): void;
  },
): object {
  const dataOf = (event: unknown): Record<string, unknown> => {
    const data = (event as { data?: unknown } | null)?.data;
    return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  };
  const onTimeout = (event: unknown): void => hooks.timeout(dataOf(event));
  const onInvite = (event: unknown): void => hooks.invitation(dataOf(event));
  return new Proxy(chat, {
    get: (target, key) => {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      const fn = (value as (...args: unknown[]) => unknown).bind(target);
      if (key === 'addSignalingListener' || key === 'removeSignalingListener') {
        return (event: unknown, listener: unknown) => {
          if (event === INVITATION_TIMEOUT) fn(event, onTimeout);
          if (event === NEW_INVITATION) fn(event, onInvite);
          return fn(event, listener);
        };
      }
      if (key !== 'invite' && key !== 'inviteInGroup') return fn;
      return async (...args: unknown[]) => {
        const res = (await fn(...args)) as { inviteID?: unknown } | null;
        if (typeof res?.inviteID === 'string') hooks.sent(res.inviteID, (args[0] ?? {}) as { groupID?: unknown; data?: unknown });
        return res;
      };
    },
  });
}
