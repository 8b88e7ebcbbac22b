/**
 * React host: the wrappers generated with @lit/react (`callkit-elements/react`): props are element
 * properties, `ck-*` events are `onCk*` props with typed details. Importing the wrappers registers the tags.
 */
import { StrictMode, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { callKit, CallMediaType, type KitEventMap } from 'callkit-elements';
import { CallKit } from 'callkit-elements/react';

// Events the host saw (read by test/e2e/frameworks.test.ts), and `callKit` for the console.
const w = window as unknown as { ckLog: { type: string; status: string }[]; callKit: typeof callKit };
w.ckLog = [];
w.callKit = callKit;

function App() {
  const [userID, setUserID] = useState('');
  const [callee, setCallee] = useState('');
  const [loggedIn, setLoggedIn] = useState(false);
  const [status, setStatus] = useState('Not logged in.');

  const login = async (e: FormEvent) => {
    e.preventDefault();
    try {
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
      setLoggedIn(true);
      setStatus(`Logged in as ${userID}.`);
    } catch (error) {
      setStatus(`Login failed: ${(error as Error).message}`);
    }
  };
  const call = (type: CallMediaType) => {
    const userIDList = callee
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    callKit.calls({ userIDList, type }).catch((error: Error) => setStatus(error.message));
  };
  const onStatusChanged = (event: KitEventMap['ck-status-changed']) => {
    w.ckLog.push({ type: event.type, status: event.detail.status });
    setStatus(`${userID}: ${event.detail.newStatus}`);
  };

  return (
    <>
      <h1>React</h1>
      {loggedIn ? (
        <form onSubmit={(e) => (e.preventDefault(), call(CallMediaType.VIDEO))}>
          <label>
            Call <input value={callee} onChange={(e) => setCallee(e.target.value)} required />
          </label>
          <button type="submit">Video call</button>
          <button type="button" onClick={() => call(CallMediaType.AUDIO)}>
            Audio call
          </button>
        </form>
      ) : (
        <form onSubmit={(e) => void login(e)}>
          <label>
            User ID{' '}
            <input
              value={userID}
              onChange={(e) => setUserID(e.target.value.trim())}
              required
              pattern="[A-Za-z0-9_\-]{1,64}"
              autoComplete="username"
            />
          </label>
          <button type="submit">Log in</button>
        </form>
      )}
      <p role="status">{status}</p>
      <CallKit allowedMinimized onCkStatusChanged={onStatusChanged} />
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
