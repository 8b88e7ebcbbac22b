/**
 * Story scaffolding: each story gets its own `CallKit` on the simulated engine (synthetic canvas
 * video, no network), scripted into the state the story shows. The previous story's kit is
 * disposed when the next one loads.
 */
import { html, type TemplateResult } from 'lit';
import { CallMediaType } from '../../src/constants.js';
import { SimulatedEngine } from '../../src/engine/simulated/simulated-engine.js';
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
  const engine = new SimulatedEngine({ syntheticMedia: true });
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
  scene.engine.remoteInvite(PEOPLE[0], options.video === false ? CallMediaType.AUDIO : CallMediaType.VIDEO);
  return scene;
}

/** I call `count` people; the first `accepted` of them answer. */
export async function outgoing(options: SceneOptions & { video?: boolean; count?: number; accepted?: number } = {}): Promise<Scene> {
  const scene = await newScene(options);
  const people = PEOPLE.slice(0, options.count ?? 1);
  await scene.kit.calls({ userIDList: people.map((p) => p.userId), type: options.video === false ? CallMediaType.AUDIO : CallMediaType.VIDEO });
  for (const p of people.slice(0, options.accepted ?? 0)) scene.engine.remoteAccept(p.userId, { name: p.name });
  return scene;
}

/** `<call-kit>` showing the scene's kit, in a box of the given size. */
export function callKitView(scene: Scene, opts: { theme?: 'light' | 'dark'; dir?: 'ltr' | 'rtl'; height?: string } = {}): TemplateResult {
  const theme = opts.theme ?? 'light';
  return html`<div
    dir=${opts.dir ?? 'ltr'}
    data-theme=${theme}
    style="color-scheme: ${theme}; height: ${opts.height ?? '100vh'}; min-height: 480px; background: ${theme === 'dark' ? '#111' : '#fff'}"
  >
    <call-kit theme=${theme} .kit=${scene.kit}></call-kit>
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

/** A live canvas video stream labelled with `label`'s initial, for stories that drive a store by hand. */
export function canvasStream(label: string, width = 320, height = 240): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  let hue = [...label].reduce((h, c) => h + c.charCodeAt(0), 0) % 360;
  const draw = () => {
    hue = (hue + 2) % 360;
    ctx.fillStyle = `hsl(${hue} 45% 35%)`;
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#fff';
    ctx.font = '48px sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText(label.slice(0, 1).toUpperCase(), width / 2, height / 2 + 16);
  };
  draw();
  const stream = canvas.captureStream(10);
  const [track] = stream.getVideoTracks();
  const timer = setInterval(() => (track.readyState === 'live' ? draw() : clearInterval(timer)), 100);
  return stream;
}
