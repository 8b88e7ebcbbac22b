/**
 * The demo page (`npm start`): log in as ?user=<id> (or with the form), call someone, answer.
 * The userSig comes from the dev server's /ck/dev-usersig endpoint: the page never holds a secret.
 */
import { callKit, CallMediaType, type StatusChangedDetail } from '../src/index.js';
import '../src/define.js';

declare global {
  interface Window {
    callKit: typeof callKit;
    demoLog: { type: string; detail: unknown }[];
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const loginForm = $<HTMLFormElement>('login-form');
const callForm = $<HTMLFormElement>('call-form');

window.callKit = callKit;
window.demoLog = [];
const kitElement = $('kit');
for (const type of [
  'ck-status-changed',
  'ck-call-ended',
  'ck-error',
  'ck-missed-calls',
  'ck-video-request',
  'ck-video-request-ended',
] as const) {
  kitElement.addEventListener(type, (e) => window.demoLog.push({ type, detail: (e as CustomEvent).detail }));
}
kitElement.addEventListener('ck-status-changed', (e) => {
  const detail = (e as CustomEvent<StatusChangedDetail>).detail;
  status.textContent = `Logged in as ${callKit.store.getState().self.userId}: ${detail.newStatus}`;
});

async function login(userId: string): Promise<void> {
  status.textContent = `Logging in as ${userId}...`;
  const response = await fetch(`/ck/dev-usersig?user=${encodeURIComponent(userId)}`);
  if (!response.ok) throw new Error(`could not get a test userSig (${response.status})`);
  const { sdkAppId, userSig } = (await response.json()) as { sdkAppId: number; userSig: string };
  const server = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ck`;
  // `?tuning=off`: the browser's own media settings (the weak-network benchmark's baseline).
  const query = new URLSearchParams(location.search);
  const mediaTuning = query.get('tuning') !== 'off';
  // `?preconnect=1`: pre-connect incoming calls while they ring (README "Pre-connect while ringing").
  const preconnect = query.get('preconnect') === '1';
  // Backgrounds: the assets come from this server (vite.config.ts); `?backgrounds=on` shows the blur button.
  await callKit.init({
    SDKAppID: sdkAppId,
    userID: userId,
    userSig,
    server,
    mediaTuning,
    preconnect,
    backgroundAssetsPath: '/callkit-backgrounds/',
  });
  if (query.get('backgrounds') === 'on') callKit.enableVirtualBackground(true);
  await callKit.setSelfInfo({ nickName: userId });
  loginForm.hidden = true;
  callForm.hidden = false;
  status.textContent = `Logged in as ${userId}.`;
  document.title = `${userId} - callkit-elements demo`;
}

loginForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const userId = $<HTMLInputElement>('login-user').value.trim();
  login(userId).catch((error: Error) => (status.textContent = `Login failed: ${error.message}`));
});

callForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const userIDList = $<HTMLInputElement>('callee')
    .value.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const type = Number($<HTMLSelectElement>('call-type').value) === 1 ? CallMediaType.AUDIO : CallMediaType.VIDEO;
  callKit.calls({ userIDList, type }).catch((error: Error) => (status.textContent = `Call failed: ${error.message}`));
});

$('logout-button').addEventListener('click', () => {
  callKit
    .destroyed()
    .then(() => {
      loginForm.hidden = false;
      callForm.hidden = true;
      status.textContent = 'Not logged in.';
    })
    .catch((error: Error) => (status.textContent = error.message));
});

const fromUrl = new URLSearchParams(location.search).get('user');
if (fromUrl) {
  $<HTMLInputElement>('login-user').value = fromUrl;
  login(fromUrl).catch((error: Error) => (status.textContent = `Login failed: ${error.message}`));
}
