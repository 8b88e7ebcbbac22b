/**
 * The engine `init({ engine })` asks for: built here, the lazy ones loaded only when chosen. An
 * instance or the default engine comes back synchronously (no extra turn before `init` logs in).
 */
import { detectCapabilities, unsupportedBrowser } from '../engine/capabilities.js';
import type { CallEngine } from '../engine/types.js';
import { WebRTCEngine } from '../engine/webrtc/webrtc-engine.js';
import type { InitParams } from './types.js';

export function createEngine(choice: 'webrtc' | 'tencent' | 'tuicall' | CallEngine, params: InitParams): CallEngine | Promise<CallEngine> {
  if (typeof choice === 'object') return choice;
  if (choice === 'webrtc')
    return new WebRTCEngine({
      iceServers: params.iceServers,
      mediaTuning: params.mediaTuning,
      backgroundAssetsPath: params.backgroundAssetsPath,
      noiseSuppressionAssets: params.noiseSuppressionAssets,
      preconnect: params.preconnect,
    });
  // TRTC needs what the default engine needs; these engines cannot decline for us (no stayReachable).
  const capabilities = detectCapabilities();
  if (!capabilities.canCall) throw unsupportedBrowser(capabilities);
  return loadLazy(choice, params);
}

async function loadLazy(choice: 'tencent' | 'tuicall', params: InitParams): Promise<CallEngine> {
  if (choice === 'tencent') {
    const { TencentEngine } = await import('../engine/tencent/index.js');
    return new TencentEngine({ chat: params.tim as never, assetsPath: params.assetsPath });
  }
  const { TUICallEngineAdapter } = await import('../engine/tuicall/index.js');
  return new TUICallEngineAdapter({ chat: (params.tim ?? undefined) as object | undefined });
}
