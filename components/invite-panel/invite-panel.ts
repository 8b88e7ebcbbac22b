import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { StoreElement } from '../../src/elements/store-element.js';
import { InviteRequestEvent } from '../../src/events/requests.js';
import { MAX_INVITEES } from '../../src/constants.js';
import type { CallState } from '../../src/store/types.js';
import { styles } from './invite-panel.styles.js';

export interface InviteCandidate {
  userId: string;
  name?: string;
}

/** Everyone live in the call (self, accepted and ringing members). Joined as a string: stable for the selector. */
function liveIds(s: CallState): string {
  const ids = s.members.filter((m) => m.status === 'accepted' || m.status === 'ringing').map((m) => m.userId);
  return [s.self.userId, ...ids].filter(Boolean).join('\n');
}

/**
 * Picks people to add to the running call. The app supplies the candidates (`.candidates`); members
 * already in the call (accepted or still ringing) are shown checked and disabled; no more can be
 * picked once the call would reach `max` people (default 9). "Invite" dispatches
 * `ck-invite-request` with the picked `userIDList` (`<call-kit>` calls `callKit.inviteUser`) and
 * clears the choice; "Cancel" dispatches `ck-invite-cancel`. Escape cancels too.
 *
 * @summary Add people to a call.
 *
 * @event ck-invite-request - `InviteRequestEvent`, `{ userIDList }`: invite the picked people.
 * @event ck-invite-cancel - The user closed the panel without inviting.
 *
 * @csspart base - The panel (a fieldset).
 * @csspart title - Its title (the fieldset's legend).
 * @csspart list - The candidates' list.
 * @csspart candidate - Each candidate's row.
 * @csspart status - "n people selected", or the limit note.
 * @csspart actions - The buttons' row.
 * @csspart submit - The invite button.
 * @csspart cancel - The cancel button.
 *
 * @cssproperty --ck-invite-panel-background - Panel background.
 * @cssproperty --ck-invite-panel-color - Text colour.
 * @cssproperty --ck-invite-panel-radius - Corner radius.
 * @cssproperty --ck-invite-panel-list-height - Maximum height of the list before it scrolls (default 320px).
 */
export class InvitePanel extends StoreElement {
  static override styles = styles;

  /** The people the user may invite (the app's contacts or group members). */
  @property({ attribute: false }) candidates: InviteCandidate[] = [];

  /** Most people in one call, the user included (default 9, the kit's limit). */
  @property({ type: Number }) max = MAX_INVITEES + 1;

  @state() private picked: ReadonlySet<string> = new Set();

  readonly #live = this.select(liveIds);

  #toggle(userId: string, on: boolean): void {
    const next = new Set(this.picked);
    if (on) next.add(userId);
    else next.delete(userId);
    this.picked = next;
  }

  #submit(): void {
    const live = new Set(this.#live.value.split('\n'));
    const userIDList = [...this.picked].filter((id) => !live.has(id));
    if (!userIDList.length) return;
    this.picked = new Set();
    this.dispatchEvent(new InviteRequestEvent({ userIDList }));
  }

  #cancel(): void {
    this.picked = new Set();
    this.dispatchEvent(new Event('ck-invite-cancel', { bubbles: true, composed: true }));
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    this.#cancel();
  }

  override render() {
    const { t } = this.localize;
    const live = new Set(this.#live.value.split('\n').filter(Boolean));
    const picked = [...this.picked].filter((id) => !live.has(id));
    const full = Math.max(1, live.size) + picked.length >= this.max;
    const rtl = this.localize.dir === 'rtl' ? 'rtl' : undefined;
    const candidates = this.candidates.filter((c) => c.userId !== [...live][0] || !live.size);
    return html`<fieldset part="base" lang=${this.localize.lang} dir=${ifDefined(rtl)} @keydown=${this.#onKeydown}>
      <legend part="title">${t('invite-title')}</legend>
      ${
        candidates.length
          ? html`<ul part="list">
            ${candidates.map((c) => {
              const inCall = live.has(c.userId);
              const checked = inCall || this.picked.has(c.userId);
              return html`<li part="candidate">
                <label>
                  <input
                    type="checkbox"
                    .checked=${checked}
                    ?disabled=${inCall || (full && !checked)}
                    @change=${(e: Event) => this.#toggle(c.userId, (e.target as HTMLInputElement).checked)}
                  />
                  <span>${c.name || c.userId}</span>
                  ${inCall ? html`<span class="note">(${t('invite-in-call')})</span>` : nothing}
                </label>
              </li>`;
            })}
          </ul>`
          : html`<p part="status">${t('invite-empty')}</p>`
      }
      <p part="status" role="status">${full ? t('invite-limit', { max: this.max }) : picked.length ? t('invite-selected', { count: picked.length }) : ''}</p>
      <div part="actions">
        <button type="button" part="cancel" class="cancel" @click=${() => this.#cancel()}>${t('invite-cancel')}</button>
        <button type="button" part="submit" class="submit" ?disabled=${!picked.length} @click=${() => this.#submit()}>${t('invite-submit')}</button>
      </div>
    </fieldset>`;
  }
}
