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
