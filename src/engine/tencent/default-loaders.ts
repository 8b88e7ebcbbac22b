/**
 * The default SDK loaders: dynamic `import()`s, so a page that never creates a Tencent engine
 * downloads none of chat or TRTC (bundlers split them into their own chunks). The assignments to
 * {@link ChatModuleLike} / {@link TRTCModuleLike} are checked by `tsc` against the SDKs' own
 * typings (here for chat, in `sdk-compat.ts` for TRTC): if an SDK upgrade drops or changes a call
 * the engine makes, the build stops compiling.
 */
import { CallKitError, ErrorCode } from '../../errors.js';
import type { ChatModuleLike, TRTCModuleLike, TRTCPluginLike } from './sdk-types.js';

/** UMD builds come through bundlers as `{ default: module.exports }`; be tolerant of both shapes. */
function defaultExport<T>(mod: { default?: T } | T): T {
  const d = (mod as { default?: T }).default;
  return (d ?? mod) as T;
}

function missing(pkg: string, error: unknown): CallKitError {
  return new CallKitError(
    ErrorCode.SDK_NOT_INITIALIZED,
    `cannot load "${pkg}", an optional peer dependency of the Tencent engine (npm install ${pkg}): ${String(error)}`,
    'module-not-found',
  );
}

export async function loadChatModule(): Promise<ChatModuleLike> {
  try {
    const mod = await import('@tencentcloud/chat');
    const chat: ChatModuleLike = defaultExport(mod);
    return chat;
  } catch (error) {
    throw missing('@tencentcloud/chat', error);
  }
}

export async function loadTRTCModule(): Promise<TRTCModuleLike> {
  try {
    const mod = await import('trtc-sdk-v5');
    const TRTC = defaultExport(mod);
    // Checked member by member in sdk-compat.ts (a string literal is not assignable to the SDK's
    // `const enum TRTCStreamType`, so a direct assignment cannot compile).
    return TRTC as unknown as TRTCModuleLike;
  } catch (error) {
    throw missing('trtc-sdk-v5', error);
  }
}

/** TRTC's virtual-background plugin class, loaded only when blur is first turned on. */
export async function loadVirtualBackgroundPlugin(): Promise<TRTCPluginLike> {
  try {
    const mod = await import('trtc-sdk-v5/plugins/video-effect/virtual-background');
    const plugin: TRTCPluginLike = mod.VirtualBackground ?? defaultExport(mod);
    return plugin;
  } catch (error) {
    throw missing('trtc-sdk-v5', error);
  }
}
