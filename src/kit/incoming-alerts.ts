/**
 * Outside-the-page signals of ringing calls, driven by the kit's store:
 * - the tab title shows the newest ringing call while anything rings, and is restored after;
 * - when the tab is hidden and the app opted in (`callKit.enableNotifications(true)`), each new
 *   incoming call raises a system notification (Notifications API) that brings the tab forward when
 *   clicked and closes when the call stops ringing. The kit never requests the permission itself:
 *   without `Notification.permission === 'granted'` nothing is shown.
 * Every DOM / Notification access happens in `update()`, guarded, never at import (Node-safe).
 */
import { safeImageUrl } from '../util/safe-url.js';
import { loadLocale, onLocaleRegistered, translate } from '../i18n/index.js';
import { CallMediaType } from '../constants.js';
import type { CallState, IncomingCall } from '../store/types.js';

interface NotificationLike {
  onclick: ((this: unknown, ev: Event) => unknown) | null;
  close(): void;
}
type NotificationCtor = {
  readonly permission: string;
  new (
    title: string,
    options?: { body?: string; tag?: string; icon?: string; requireInteraction?: boolean; lang?: string },
  ): NotificationLike;
};

/** A self-declared name (the caller chose it) carries the user id beside it, as in the banner. */
const displayName = (c: IncomingCall) =>
  c.callerName && c.callerNameSource === 'self' && c.callerName !== c.callerId
    ? `${c.callerName} (${c.callerId})`
    : c.callerName || c.callerId;

export class IncomingAlerts {
  /** The page's own title, saved while ours is shown (null: ours is not shown). */
  #savedTitle: string | null = null;
  #shownTitle = '';
  #notes = new Map<string, NotificationLike>();
  /** The last state applied: the title is redone from it when its language's texts arrive (lazy locales). */
  #last: CallState | null = null;
  #stopLocales = onLocaleRegistered((code) => {
    const doc = (globalThis as { document?: Document }).document;
    if (doc && this.#last && this.#savedTitle !== null && code === this.#last.settings.language) {
      this.#updateTitle(doc, this.#last);
    }
  });

  /** Apply the store's incoming list (call on every change of `incoming` or the language). */
  update(state: CallState, previous: CallState): void {
    const doc = (globalThis as { document?: Document }).document;
    if (!doc) return;
    this.#last = state;
    if (state.settings.language !== previous.settings.language) loadLocale(state.settings.language).catch(() => {});
    this.#updateTitle(doc, state);
    this.#updateNotifications(doc, state, previous);
  }

  #updateTitle(doc: Document, state: CallState): void {
    const newest = state.incoming[state.incoming.length - 1];
    if (!newest) {
      this.#restoreTitle(doc);
      return;
    }
    // The app changed the title meanwhile: that is the one to restore.
    if (this.#savedTitle === null || doc.title !== this.#shownTitle) this.#savedTitle = doc.title;
    this.#shownTitle = translate(state.settings.language, 'tab-title-incoming', {
      name: displayName(newest),
      count: state.incoming.length,
    });
    doc.title = this.#shownTitle;
  }

  #restoreTitle(doc: Document): void {
    if (this.#savedTitle === null) return;
    if (doc.title === this.#shownTitle) doc.title = this.#savedTitle;
    this.#savedTitle = null;
    this.#shownTitle = '';
  }

  #updateNotifications(doc: Document, state: CallState, previous: CallState): void {
    const live = new Set(state.incoming.map((c) => c.callId));
    for (const [callId, note] of this.#notes) {
      if (!live.has(callId)) {
        note.close();
        this.#notes.delete(callId);
      }
    }
    const Ctor = (globalThis as { Notification?: NotificationCtor }).Notification;
    if (!state.settings.notifications || !Ctor || Ctor.permission !== 'granted' || doc.visibilityState !== 'hidden') return;
    const before = new Set(previous.incoming.map((c) => c.callId));
    for (const call of state.incoming) {
      if (before.has(call.callId) || this.#notes.has(call.callId)) continue;
      const lang = state.settings.language;
      const title = translate(lang, call.mediaType === CallMediaType.VIDEO ? 'incoming-video-call-from' : 'incoming-audio-call-from', {
        name: displayName(call),
      });
      const icon = safeImageUrl(call.callerAvatar);
      let note: NotificationLike;
      try {
        note = new Ctor(title, {
          body: translate(lang, 'notification-body'),
          tag: `callkit-${call.callId}`,
          requireInteraction: true,
          ...(icon ? { icon } : {}),
        });
      } catch {
        continue; // e.g. a browser that only allows notifications from a service worker
      }
      note.onclick = () => {
        (globalThis as { focus?: () => void }).focus?.();
        note.close();
      };
      this.#notes.set(call.callId, note);
    }
  }

  /** Closes every notification and restores the title. */
  dispose(): void {
    this.#stopLocales();
    this.#last = null;
    for (const note of this.#notes.values()) note.close();
    this.#notes.clear();
    const doc = (globalThis as { document?: Document }).document;
    if (doc) this.#restoreTitle(doc);
  }
}
