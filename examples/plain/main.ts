/** Plain HTML host: the elements, the `callKit` API and DOM events. No framework. */
import { callKit, CallMediaType, type KitEventMap } from 'callkit-elements';
import 'callkit-elements/define.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');

// Events the host saw (read by test/e2e/frameworks.test.ts), and `callKit` for the console.
const w = window as unknown as { ckLog: { type: string; status: string }[]; callKit: typeof callKit };
w.ckLog = [];
w.callKit = callKit;
$('kit').addEventListener('ck-status-changed', (e) => {
  const { detail } = e as KitEventMap['ck-status-changed'];
  w.ckLog.push({ type: e.type, status: detail.status });
  status.textContent = `${callKit.store.getState().self.userId}: ${detail.newStatus}`;
});

async function login(userID: string): Promise<void> {
  // Dev server only: a test userSig minted by the server (never put the secret in a page).
  const response = await fetch(`/ck/dev-usersig?user=${encodeURIComponent(userID)}`);
  if (!response.ok) throw new Error(`no userSig (HTTP ${response.status})`);
  const { sdkAppId, userSig } = (await response.json()) as { sdkAppId: number; userSig: string };
  await callKit.init({
    SDKAppID: sdkAppId,
    userID,
    userSig,
    server: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ck`,
  });
  $('login').hidden = true;
  $('call').hidden = false;
  status.textContent = `Logged in as ${userID}.`;
}

const call = (type: CallMediaType) => {
  const userIDList = $<HTMLInputElement>('callee')
    .value.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  callKit.calls({ userIDList, type }).catch((error: Error) => (status.textContent = error.message));
};

$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  login($<HTMLInputElement>('user').value.trim()).catch((error: Error) => (status.textContent = `Login failed: ${error.message}`));
});
$('call').addEventListener('submit', (e) => {
  e.preventDefault();
  call(CallMediaType.VIDEO);
});
$('audio-call').addEventListener('click', () => {
  if ($<HTMLFormElement>('call').reportValidity()) call(CallMediaType.AUDIO);
});
