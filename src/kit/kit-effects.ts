/**
 * Store → side effects: what the kit does because the call state changed, never because an engine
 * said so. Ringtones (ringback, ring, call-waiting tone), the tab title and system notifications of
 * ringing calls (`IncomingAlerts`), toasts with their dismiss timer, poor-network warnings, and the
 * host notifications (`ck-status-changed`, `ck-minimized-changed` and their callbacks).
 * No DOM access at import time.
 */
import { CallRole, CallStatus, POOR_NETWORK_QUALITY } from '../constants.js';
import { Ringtone } from '../media/ringtone.js';
import { legacyStatus } from '../store/selectors.js';
import type { CallStore } from '../store/store.js';
import type { CallState, Message } from '../store/types.js';
import { IncomingAlerts } from './incoming-alerts.js';
import type { KitCallbacks, KitEventMap } from './types.js';

export type ToastType = 'info' | 'warn' | 'success' | 'error';

/** How long a toast stays. */
const TOAST_MS = 4000;

/** What the kit's parts need from the facade: its events and the app's callbacks. */
export interface KitHost {
  /** Dispatches a kit event (`<call-kit>` re-dispatches it). */
  emit<K extends keyof KitEventMap>(type: K, detail: KitEventMap[K]['detail']): void;
  /** The callbacks the app set with `setCallback` (read at each use: they can change). */
  callbacks(): KitCallbacks;
}

export class KitEffects {
  /** The kit's ringtone player (the facade sets the bell and unlocks sound through it). */
  readonly ringtone = new Ringtone();
  readonly #store: CallStore;
  readonly #host: KitHost;
  readonly #alerts = new IncomingAlerts();
  readonly #unsubscribe: () => void;
  #toastTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(store: CallStore, host: KitHost) {
    this.#store = store;
    this.#host = host;
    this.#unsubscribe = store.subscribe((state, previous) => this.#onStateChange(state, previous));
    this.ringtone.onBlockedChange = (blocked) => store.dispatch({ type: 'sound-blocked', blocked });
  }

  /** Shows `message` as a toast for a few seconds (a newer toast replaces it). */
  toast(message: Message, type: ToastType): void {
    this.#store.dispatch({ type: 'toast', toast: { ...message, type } });
    if (this.#toastTimer) clearTimeout(this.#toastTimer);
    this.#toastTimer = setTimeout(() => {
      this.#toastTimer = null;
      this.#store.dispatch({ type: 'toast', toast: null });
    }, TOAST_MS);
  }

  dispose(): void {
    this.ringtone.dispose();
    this.#alerts.dispose();
    this.#unsubscribe();
    if (this.#toastTimer) clearTimeout(this.#toastTimer);
  }

  #onStateChange(state: CallState, previous: CallState): void {
    const oldStatus = legacyStatus(previous);
    const newStatus = legacyStatus(state);
    if (oldStatus !== newStatus) {
      this.#updateRingtone(state);
      this.#host.callbacks().statusChanged?.({ oldStatus, newStatus });
      this.#host.emit('ck-status-changed', {
        oldStatus,
        newStatus,
        status: state.status,
        role: state.role,
        mediaType: state.mediaType,
        callId: state.callId || previous.callId,
        userData: state.userData || previous.userData,
      });
    } else if (
      state.settings.muteMode !== previous.settings.muteMode ||
      state.incoming !== previous.incoming ||
      state.connecting !== previous.connecting
    ) {
      this.#updateRingtone(state);
    }
    if (state.incoming !== previous.incoming || state.settings.language !== previous.settings.language)
      this.#alerts.update(state, previous);
    if (state.minimized !== previous.minimized) {
      this.#host.callbacks().onMinimized?.(previous.minimized, state.minimized);
      this.#host.emit('ck-minimized-changed', { minimized: state.minimized });
    }
    this.#watchNetwork(state, previous);
  }

  /** Toasts when my network, or in a 1v1 call the other side's, becomes poor (quality 4 or worse). */
  #watchNetwork(state: CallState, previous: CallState): void {
    if (state.status !== CallStatus.CONNECTED) return;
    const poor = (q: number | undefined) => (q ?? 0) >= POOR_NETWORK_QUALITY;
    if (poor(state.self.networkQuality) && !poor(previous.self.networkQuality)) {
      this.toast({ key: 'network-poor-self' }, 'warn');
      return;
    }
    if (state.isGroup || state.members.length !== 1) return;
    const other = state.members[0]!;
    const before = previous.members.find((m) => m.userId === other.userId);
    if (poor(other.networkQuality) && !poor(before?.networkQuality)) this.toast({ key: 'network-poor-remote' }, 'warn');
  }

  /**
   * Ringback while dialing, the ring while a call rings for us, the call-waiting tone during a
   * connected call while another call waits; mute mode silences the last two.
   */
  #updateRingtone(state: CallState): void {
    if (state.connecting) this.ringtone.stop();
    else if (state.status === CallStatus.CALLING && state.role === CallRole.CALLER) this.ringtone.play('dialing');
    else if (state.settings.muteMode) this.ringtone.stop();
    else if (state.status === CallStatus.CALLING) this.ringtone.play('ringing');
    else if (state.status === CallStatus.CONNECTED && state.incoming.length > 0) this.ringtone.play('waiting');
    else this.ringtone.stop();
  }
}
