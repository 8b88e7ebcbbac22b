// Serves the background-effect assets (MediaPipe's vision WASM + the selfie model, from
// node_modules) under one URL folder, for the demo's Vite server and the component tests. The file
// list is src/engine/webrtc/backgrounds/protocol.ts's BACKGROUND_ASSET_SOURCES (kept in step here).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const BACKGROUND_ASSETS_URL = '/callkit-backgrounds/';

/** File name -> package path, as BACKGROUND_ASSET_SOURCES. */
export const BACKGROUND_ASSET_FILES = {
  'vision_wasm_module_internal.js': '@mediapipe/tasks-vision/vision_wasm_module_internal.js',
  'vision_wasm_module_internal.wasm': '@mediapipe/tasks-vision/vision_wasm_module_internal.wasm',
  'selfie_segmentation.tflite': '@mediapipe/selfie_segmentation/selfie_segmentation.tflite',
};

const TYPES = { js: 'text/javascript', wasm: 'application/wasm', tflite: 'application/octet-stream' };

/** The file's bytes and content type, or null when `name` is not one of ours. */
export function backgroundAsset(name) {
  const spec = BACKGROUND_ASSET_FILES[name];
  if (!spec) return null;
  return { body: readFileSync(require.resolve(spec)), type: TYPES[name.split('.').pop()] };
}
