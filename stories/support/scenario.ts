/**
 * Story scaffolding: each story gets its own `CallKit` on the simulated engine (synthetic canvas
 * video, no network), scripted into the state the story shows. The previous story's kit is
 * disposed when the next one loads.
 */
import { html, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { CallMediaType } from '../../src/constants.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
import { syntheticVideoStream, type SyntheticVideoMode } from '../../src/engine/simulated/synthetic-video.js';
import { registerLocale } from '../../src/i18n/index.js';
import { CallKit } from '../../src/kit/call-kit-api.js';

export type Scene = { kit: CallKit; engine: SimulatedEngine };

/** People the stories call; avatars are left empty so tiles show initials (no network images). */
export const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan'].map((userId) => ({
  userId,
  name: userId[0].toUpperCase() + userId.slice(1),
}));

// A right-to-left language for the RTL stories (falls back to English strings).
registerLocale('ar', {});

let current: Scene | null = null;

/**
 * Moving synthetic video (default) or one still frame: the Storybook global `video` (toolbar
 * "Video"), set by a loader in .storybook/preview.ts before each story's own loaders run. The
 * visual regression tests load stories with `globals=video:still`.
 */
let videoMode: SyntheticVideoMode = 'animated';
export function setVideoMode(mode: SyntheticVideoMode): void {
  videoMode = mode;
}

export interface SceneOptions {
  language?: string;
  floatWindow?: boolean;
}

/** A logged-in kit for "me" (user `me`), replacing the previous story's kit. */
export async function newScene(options: SceneOptions = {}): Promise<Scene> {
  if (current) {
    const old = current;
    current = null;
    await old.kit.dispose().catch(() => undefined);
  }
  const engine = new SimulatedEngine({ syntheticMedia: true, syntheticVideo: videoMode });
  const kit = new CallKit();
  kit.enableMuteMode(true); // Stories are silent.
  if (options.language) kit.setLanguage(options.language);
  if (options.floatWindow) kit.enableFloatWindow(true);
  await kit.init({ engine, SDKAppID: 1400000000, userID: 'me', userSig: 'storybook' });
  await kit.setSelfInfo({ nickName: 'Me' });
  current = { kit, engine };
  return current;
}

/** Someone calls me. */
export async function ringing(options: SceneOptions & { video?: boolean } = {}): Promise<Scene> {
  const scene = await newScene(options);
  // The banner previews the browser's camera while a video call rings; its frames move, so the
  // visual tests (still video) see it with the camera default off: no capture, the toggle off.
  if (videoMode === 'still') scene.kit.setCameraDefaultState(false);
  scene.engine.remoteInvite(PEOPLE[0], options.video === false ? CallMediaType.AUDIO : CallMediaType.VIDEO);
  return scene;
}

/** I call `count` people; the first `accepted` of them answer. */
export async function outgoing(options: SceneOptions & { video?: boolean; count?: number; accepted?: number } = {}): Promise<Scene> {
  const scene = await newScene(options);
  const people = PEOPLE.slice(0, options.count ?? 1);
  await scene.kit.calls({
    userIDList: people.map((p) => p.userId),
    type: options.video === false ? CallMediaType.AUDIO : CallMediaType.VIDEO,
  });
  for (const p of people.slice(0, options.accepted ?? 0)) scene.engine.remoteAccept(p.userId, { name: p.name });
  return scene;
}

/**
 * `<call-kit>` showing the scene's kit, in a box of the given size. Without `theme` the page's
 * colour scheme decides; without `dir` the surrounding direction (the toolbar's "Direction").
 */
export function callKitView(scene: Scene, opts: { theme?: 'light' | 'dark'; dir?: 'ltr' | 'rtl'; height?: string } = {}): TemplateResult {
  return html`<div
    dir=${ifDefined(opts.dir)}
    data-theme=${ifDefined(opts.theme)}
    style="color-scheme: ${opts.theme ?? 'light dark'}; height: ${opts.height ?? '100vh'}; min-height: 480px; background: light-dark(#fff, #111)"
  >
    <call-kit theme=${ifDefined(opts.theme)} .kit=${scene.kit} style="block-size: 100%"></call-kit>
  </div>`;
}

/**
 * A small solid PNG as a `data:` URL (drawn on a canvas), for view background images without
 * network requests.
 */
export function pngDataUrl(colour: string): string {
  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 24;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = 'rgb(255 255 255 / 0.25)';
  ctx.fillRect(0, 16, canvas.width, 8);
  return canvas.toDataURL('image/png');
}

/** A synthetic video stream of `userId` (its hue, its capitalised name), for stories that drive a store by hand. */
export function canvasStream(userId: string, width = 320, height = 240): MediaStream {
  const stream = syntheticVideoStream(userId, userId[0]!.toUpperCase() + userId.slice(1), { mode: videoMode, width, height });
  if (!stream) throw new Error('no canvas.captureStream in this browser');
  return stream;
}
