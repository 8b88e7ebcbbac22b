/** StoreController and DragController on a bare lit host (the elements' tests cover them only through elements). */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { LitElement } from 'lit';
import { DragController, type DragPosition } from '../../src/elements/drag-controller.js';
import { StoreController, shallowEqual } from '../../src/elements/store-controller.js';
import { CallStore } from '../../src/store/store.js';
import type { CallState } from '../../src/store/types.js';

class SelectHost extends LitElement {
  renders = 0;
  readonly status = new StoreController<string>(this, (s: CallState) => s.status, Object.is, 'none');
  readonly self = new StoreController<{ id: string; name: string }>(this, (s) => ({ id: s.self.userId, name: s.self.name }), shallowEqual, {
    id: '',
    name: '',
  });
  override render() {
    this.renders++;
    return html`${this.status.value} ${this.self.value.id}`;
  }
}
customElements.define('ck-test-select-host', SelectHost);

class DragHost extends LitElement {
  moves: DragPosition[] = [];
  readonly drag = new DragController(this, {
    target: () => this.renderRoot.querySelector<HTMLElement>('button'),
    onMove: (p) => {
      this.moves.push(p);
      const b = this.renderRoot.querySelector<HTMLElement>('button')!;
      b.style.left = `${p.x}px`;
      b.style.top = `${p.y}px`;
    },
  });
  clicks = 0;
  override render() {
    return html`<button
      style="position: fixed; width: 100px; height: 60px; left: 0; top: 0"
      @pointerdown=${this.drag.pointerDown}
      @keydown=${this.drag.keyDown}
      @click=${() => this.clicks++}
    >
      handle
    </button>`;
  }
}
customElements.define('ck-test-drag-host', DragHost);

describe('StoreController', () => {
  it('re-renders only when the selected slice changes, follows a swapped store, and unsubscribes when disconnected', async () => {
    const store = new CallStore();
    const el = await fixture<SelectHost>(html`<ck-test-select-host></ck-test-select-host>`);
    expect(el.status.value, 'the fallback without a store').to.equal('none');
    el.status.setStore(store);
    el.self.setStore(store);
    await el.updateComplete;
    expect(el.status.value).to.equal('idle');
    const before = el.renders;
    // A change outside both slices: no render.
    store.dispatch({ type: 'toast', toast: { key: 'call-ended', type: 'info' } });
    await el.updateComplete;
    expect(el.renders, 'unrelated change').to.equal(before);
    // shallowEqual: a new object with the same fields is the same slice.
    store.dispatch({ type: 'login', userId: 'bob', name: 'Bob' });
    await el.updateComplete;
    expect(el.self.value).to.deep.equal({ id: 'bob', name: 'Bob' });
    expect(el.renders).to.equal(before + 1);
    // Swap to another store: the value follows at once.
    const other = new CallStore();
    el.self.setStore(other);
    await el.updateComplete;
    expect(el.self.value.id).to.equal('');
    // Disconnected: no subscription left on the old store.
    el.remove();
    const renders = el.renders;
    store.dispatch({ type: 'logout' });
    other.dispatch({ type: 'login', userId: 'carol', name: 'Carol' });
    await new Promise((r) => requestAnimationFrame(r));
    expect(el.renders, 'no render while disconnected').to.equal(renders);
    // Reconnected: it catches up with what changed meanwhile.
    document.body.append(el);
    await el.updateComplete;
    expect(el.self.value.id).to.equal('carol');
    el.remove();
  });
});

describe('DragController', () => {
  it('drags past the threshold, swallows the click that ends a drag, keeps the target inside the viewport', async () => {
    const el = await fixture<DragHost>(html`<ck-test-drag-host></ck-test-drag-host>`);
    el.drag.moveTo({ x: 100, y: 100 });
    expect(el.drag.position).to.deep.equal({ x: 100, y: 100 });
    // A click without travel is a click.
    await sendMouse({ type: 'click', position: [150, 130] });
    expect(el.clicks).to.equal(1);
    expect(el.drag.position).to.deep.equal({ x: 100, y: 100 });
    // A drag moves by the pointer's travel, and its click is swallowed.
    await sendMouse({ type: 'move', position: [150, 130] });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: [200, 180] });
    await sendMouse({ type: 'up' });
    expect(el.drag.position).to.deep.equal({ x: 150, y: 150 });
    expect(el.clicks, 'the drag did not click').to.equal(1);
    // Far outside: clamped to the viewport minus the 8 px margin.
    el.drag.moveTo({ x: 100_000, y: -50 });
    expect(el.drag.position).to.deep.equal({ x: innerWidth - 100 - 8, y: 8 });
  });

  it('moves by keyboard: arrows (Shift: 50 px), Home and End', async () => {
    const el = await fixture<DragHost>(html`<ck-test-drag-host></ck-test-drag-host>`);
    el.drag.moveTo({ x: 200, y: 200 });
    el.renderRoot.querySelector('button')!.focus();
    await sendKeys({ press: 'ArrowRight' });
    expect(el.drag.position).to.deep.equal({ x: 210, y: 200 });
    await sendKeys({ press: 'Shift+ArrowDown' });
    expect(el.drag.position).to.deep.equal({ x: 210, y: 250 });
    await sendKeys({ press: 'Home' });
    expect(el.drag.position!.x).to.equal(8);
    await sendKeys({ press: 'End' });
    expect(el.drag.position!.x).to.equal(innerWidth - 100 - 8);
  });
});
