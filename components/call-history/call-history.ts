import { html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { CallMediaType } from '../../src/constants.js';
import type { PresenceStatus } from '../../src/engine/types.js';
import { StoreElement } from '../../src/elements/store-element.js';
import { CallBackRequestEvent } from '../../src/events/requests.js';
import { formatDuration } from '../../src/i18n/format.js';
import { icons } from '../../src/icons.js';
import { styles } from './call-history.styles.js';

/** How a member's part ended (the `outcome` of `callKit.getCallRecords()` records). */
export type HistoryOutcome = 'accepted' | 'rejected' | 'busy' | 'no-answer' | 'cancelled' | 'offline';

/** The fields of a call record (`callKit.getCallRecords()`) this element shows. */
export interface HistoryRecord {
  callId: string;
  callerId: string;
  mediaType: 'audio' | 'video';
  members: readonly { userId: string; outcome: HistoryOutcome }[];
  startedAt: number;
  connectedAt?: number;
  durationMs: number;
}

interface Row {
  callId: string;
  outgoing: boolean;
  missed: boolean;
  video: boolean;
  outcome: HistoryOutcome;
  /** Who the call was with (everyone but us). */
  peers: string[];
  startedAt: number;
  durationMs: number;
}

const MISSED: ReadonlySet<HistoryOutcome> = new Set(['no-answer', 'cancelled', 'offline']);

/** A record from `self`'s point of view. */
export function historyRow(r: HistoryRecord, self: string): Row {
  const outgoing = r.callerId === self;
  const mine = r.members.find((m) => m.userId === self);
  let outcome: HistoryOutcome;
  if (outgoing) outcome = r.connectedAt !== undefined ? 'accepted' : r.members.length === 1 ? r.members[0].outcome : 'cancelled';
  else outcome = mine?.outcome ?? 'cancelled';
  const peers = outgoing ? r.members.map((m) => m.userId) : [r.callerId, ...r.members.map((m) => m.userId).filter((u) => u !== self)];
  return {
    callId: r.callId,
    outgoing,
    missed: !outgoing && MISSED.has(outcome),
    video: r.mediaType === 'video',
    outcome,
    peers,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
  };
}

/**
 * Recent calls: direction, media type, outcome, a missed badge, when and how long, and a call-back
 * button per call. Give it the records of `callKit.getCallRecords()`
 * (`el.records = (await callKit.getCallRecords()).records`); it shows them from the point of view
 * of `user-id` (default: the user logged in to the kit whose store it reads). Names come from
 * `names` (user id to display name), else the user id. A call with one other user shows that user's
 * presence (a dot with an accessible text: online, busy, offline) once it is known: from
 * `presence` when set, else from the store (`callKit.subscribePresence`, `state.presence`).
 *
 * @summary Recent calls with a call-back button (records from `callKit.getCallRecords()`).
 *
 * @event ck-call-back-request - `CallBackRequestEvent`, `{ userIDList, type }`: call these users again (`<call-kit>` calls `callKit.calls`).
 *
 * @csspart base - The list's wrapper.
 * @csspart title - The "Recent calls" heading.
 * @csspart list - The list of calls.
 * @csspart item - Every call; also `item missed` for a missed one.
 * @csspart direction - The direction arrow (outgoing or incoming).
 * @csspart name - Who the call was with.
 * @csspart details - Media type, outcome, time and duration.
 * @csspart badge - The "Missed" badge.
 * @csspart presence - The presence dot of a 1v1 call's peer; also `presence online`, `presence busy`, `presence offline`.
 * @csspart button - Every call-back button.
 * @csspart empty - The text shown without records.
 *
 * @cssproperty --ck-call-history-background - Background (default `--ck-color-surface`).
 * @cssproperty --ck-call-history-color - Text colour (default `--ck-color-text`).
 * @cssproperty --ck-call-history-missed-color - Colour of missed calls and the badge (default #c62828 / #ff8a80 in dark).
 * @cssproperty --ck-call-history-online-color - Colour of the "online" presence dot (default #2e7d32 / #81c784 in dark).
 * @cssproperty --ck-call-history-busy-color - Colour of the "busy" presence dot (default #e65100 / #ffb74d in dark).
 * @cssproperty --ck-call-history-button-background - Call-back button colour (default #087f50, white icon).
 *
 * @cssstate empty - No records to show.
 * @cssstate missed - At least one call was missed.
 */
export class CallHistory extends StoreElement {
  static override styles = styles;

  /** The records to show, newest first (`(await callKit.getCallRecords()).records`). */
  @property({ attribute: false }) records: readonly HistoryRecord[] = [];
  /** Whose history it is; default the kit's logged-in user. */
  @property({ attribute: 'user-id' }) userId: string | undefined;
  /** Display names by user id. */
  @property({ attribute: false }) names: Readonly<Record<string, string>> = {};
  /** Hides the heading (for hosts that give the list their own). */
  @property({ type: Boolean, attribute: 'no-title' }) noTitle = false;
  /** Presence by user id, for hosts that keep their own; default the store's (`callKit.subscribePresence`). */
  @property({ attribute: false }) presence: Readonly<Record<string, PresenceStatus>> | undefined;

  readonly #self = this.select((s) => s.self.userId, Object.is, '');
  readonly #presence = this.select((s) => s.presence, Object.is, {});

  #rows(): Row[] {
    const self = this.userId ?? this.#self.value;
    return this.records.map((r) => historyRow(r, self));
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    super.updated(changed);
    const rows = this.#rows();
    this.toggleState('empty', rows.length === 0);
    this.toggleState(
      'missed',
      rows.some((r) => r.missed),
    );
  }

  #name(userId: string): string {
    return this.names[userId] || userId;
  }

  #callBack(row: Row): void {
    this.dispatchEvent(
      new CallBackRequestEvent({ userIDList: [...row.peers], type: row.video ? CallMediaType.VIDEO : CallMediaType.AUDIO }),
    );
  }

  /** The presence dot of a 1v1 call's peer, once its presence is known. */
  #renderPresence(row: Row) {
    if (row.peers.length !== 1) return nothing;
    const status = (this.presence ?? this.#presence.value)[row.peers[0]];
    if (!status) return nothing;
    const label = this.localize.t(`presence-${status}`);
    return html` <span part="presence ${status}" role="img" aria-label=${label} title=${label}></span>`;
  }

  #renderRow(row: Row, when: Intl.DateTimeFormat) {
    const { t } = this.localize;
    const who = row.peers.map((p) => this.#name(p)).join(', ');
    const details = [
      t(row.video ? 'history-video' : 'history-audio'),
      t(`outcome-${row.outcome}`),
      when.format(row.startedAt),
      ...(row.durationMs > 0 ? [formatDuration(row.durationMs)] : []),
    ].join(' · ');
    return html`<li part=${row.missed ? 'item missed' : 'item'}>
      <span part="direction" class=${row.outgoing ? 'out' : 'in'} role="img" aria-label=${t(row.outgoing ? 'history-outgoing' : 'history-incoming')}
        >${row.outgoing ? '↗' : '↙'}</span
      >
      <div class="text">
        <div part="name">${who}${this.#renderPresence(row)}${row.missed ? html` <span part="badge">${t('history-missed')}</span>` : nothing}</div>
        <div part="details">${details}</div>
      </div>
      <button type="button" part="button" aria-label=${t('history-call-back', { name: who })} title=${t('history-call-back', { name: who })} @click=${() => this.#callBack(row)}>
        ${row.video ? icons.camera : icons.accept}
      </button>
    </li>`;
  }

  override render() {
    const { t } = this.localize;
    const rows = this.#rows();
    const rtl = this.localize.dir === 'rtl' ? 'rtl' : undefined;
    const when = new Intl.DateTimeFormat(this.localize.lang, { dateStyle: 'short', timeStyle: 'short' });
    return html`<section part="base" aria-labelledby=${ifDefined(this.noTitle ? undefined : 'title')} aria-label=${ifDefined(this.noTitle ? t('call-history') : undefined)} lang=${this.localize.lang} dir=${ifDefined(rtl)}>
      ${this.noTitle ? nothing : html`<h2 id="title" part="title">${t('call-history')}</h2>`}
      ${
        rows.length === 0
          ? html`<p part="empty">${t('call-history-empty')}</p>`
          : html`<ul part="list">
            ${rows.map((r) => this.#renderRow(r, when))}
          </ul>`
      }
    </section>`;
  }
}
