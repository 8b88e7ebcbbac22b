import { html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { CallMediaType } from '../../src/constants.js';
import { safeImageUrl } from '../../src/util/safe-url.js';
import { StoreElement } from '../../src/elements/store-element.js';
import { JoinRequestEvent } from '../../src/events/requests.js';
import type { CallState } from '../../src/store/types.js';
import { CallAvatar } from '../call-avatar/call-avatar.js';
import { styles } from './join-call-card.styles.js';

interface Person {
  userId: string;
  name: string;
  avatar: string;
}

interface Card {
  /** The running call to offer, or '' (none known, or we are in it). */
  callId: string;
  video: boolean;
  people: readonly Person[];
}

const none: Card = { callId: '', video: false, people: [] };

/** Avatars shown before "+N". */
const MAX_AVATARS = 4;

function cardFor(s: CallState, groupId: string | undefined): Card {
  const call = groupId ? s.groupCalls[groupId] : null;
  if (!call || call.callId === s.callId) return none;
  const people = call.members
    .filter((m) => m.status === 'accepted')
    .map((m) => ({ userId: m.userId, name: m.name || m.userId, avatar: safeImageUrl(m.avatar) }));
  if (people.length === 0) return none;
  return { callId: call.callId, video: call.mediaType === CallMediaType.VIDEO, people };
}

function sameCard(a: Card, b: Card): boolean {
  return (
    a.callId === b.callId &&
    a.video === b.video &&
    a.people.length === b.people.length &&
    a.people.every((p, i) => p.userId === b.people[i].userId && p.name === b.people[i].name && p.avatar === b.people[i].avatar)
  );
}

/**
 * A running group call the user may join: "N people in the call", their avatars and a Join button.
 * It shows the call the store knows for `group-id` (`callKit.queryGroupCall(groupID)` fills
 * `state.groupCalls`); it renders nothing when there is none, or when the user is already in it.
 * Place it inside `<call-kit>` or point it at one with `call-kit="id"` (or set `.store`).
 *
 * @summary "N people in the call" and a Join button for a group's running call.
 *
 * @event ck-join-request - `JoinRequestEvent`, `{ callId }`: join the call (`<call-kit>` calls `callKit.join`).
 *
 * @csspart base - The card.
 * @csspart text - The text column (count and call type).
 * @csspart count - "N people in the call".
 * @csspart description - The call type ("Video call in progress").
 * @csspart avatars - The row of avatars.
 * @csspart avatar - Every avatar (`<call-avatar>`: image, or initial).
 * @csspart avatar-image - Every avatar image.
 * @csspart avatar-initial - Every initial, shown without a (working) image.
 * @csspart more - The "+N" badge after the first avatars.
 * @csspart button - The Join button.
 *
 * @cssproperty --ck-join-call-card-background - Card background (default `--ck-color-surface`).
 * @cssproperty --ck-join-call-card-color - Text colour (default `--ck-color-text`).
 * @cssproperty --ck-join-call-card-radius - Corner radius (default `--ck-radius`, 12px).
 * @cssproperty --ck-join-call-card-avatar-size - Avatar size (default 32px).
 * @cssproperty --ck-join-call-card-button-background - Join button colour (default #087f50, white text at 5:1).
 *
 * @cssstate active - A call can be joined: the card is shown.
 * @cssstate video - That call is a video call.
 */
export class JoinCallCard extends StoreElement {
  static override styles = styles;
  static readonly dependencies = { 'call-avatar': CallAvatar };

  /** The group whose running call to show (the `groupID` given to `calls` / `queryGroupCall`). */
  @property({ attribute: 'group-id' }) groupId: string | undefined;

  readonly #card = this.select<Card>((s) => cardFor(s, this.groupId), sameCard, none);

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // The selector reads `groupId`: re-select when it changes.
    if (changed.has('groupId')) this.reselect();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const { callId, video } = this.#card.value;
    this.toggleState('active', callId !== '');
    this.toggleState('video', callId !== '' && video);
  }

  #join(): void {
    const { callId } = this.#card.value;
    if (callId) this.dispatchEvent(new JoinRequestEvent({ callId }));
  }

  #renderAvatar(p: Person) {
    return html`<call-avatar part="avatar" exportparts="image: avatar-image, initial: avatar-initial" title=${p.name} .src=${p.avatar} .name=${p.name}></call-avatar>`;
  }

  override render() {
    const { callId, video, people } = this.#card.value;
    if (!callId) return nothing;
    const { t } = this.localize;
    const count = people.length;
    const rtl = this.localize.dir === 'rtl' ? 'rtl' : undefined;
    const shown = people.slice(0, MAX_AVATARS);
    const more = count - shown.length;
    return html`<section part="base" aria-labelledby="count" lang=${this.localize.lang} dir=${ifDefined(rtl)}>
      <div part="text">
        <div id="count" part="count">${t('people-in-call', { count })}</div>
        <div part="description">${t(video ? 'join-call-video' : 'join-call-audio')}</div>
      </div>
      <div part="avatars" role="list" aria-label=${people.map((p) => p.name).join(', ')}>
        ${shown.map((p) => html`<span role="listitem">${this.#renderAvatar(p)}</span>`)}
        ${more > 0 ? html`<span part="more" role="listitem" aria-hidden="true">+${more}</span>` : nothing}
      </div>
      <button type="button" part="button" aria-label=${t('join-call-label', { count })} @click=${() => this.#join()}>${t('join-call')}</button>
    </section>`;
  }
}
