import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface DragPosition {
  /** Distance from the viewport's left edge, px. */
  x: number;
  /** Distance from the viewport's top edge, px. */
  y: number;
}

export interface DragOptions {
  /** The element that moves (its size keeps it inside the viewport). */
  target: () => HTMLElement | null | undefined;
  /** Called with each new position; the host applies it (e.g. `left`/`top`). */
  onMove: (position: DragPosition) => void;
  /** Pixels a pointer must travel before a press becomes a drag (the click is then swallowed). */
  threshold?: number;
  /** Gap kept from the viewport's edges, px. */
  margin?: number;
}

/**
 * Moves a fixed-position element by pointer (drag) and by keyboard (arrow keys, Shift for big
 * steps, Home/End to the start/end edge), always keeping it inside the viewport, also when the
 * window is resized. A press that travelled past `threshold` does not count as a click.
 *
 * Wire it with `@pointerdown=${drag.pointerDown}` and `@keydown=${drag.keyDown}` on the handle.
 */
export class DragController implements ReactiveController {
  position: DragPosition | null = null;
  /** True from the moment a press became a drag until the click that ends it was swallowed. */
  dragging = false;
  readonly #options: Required<DragOptions>;
  #start: { pointerX: number; pointerY: number; x: number; y: number; id: number; handle: HTMLElement } | null = null;

  constructor(host: ReactiveControllerHost, options: DragOptions) {
    this.#options = { threshold: 4, margin: 8, ...options };
    host.addController(this);
  }

  hostConnected(): void {
    addEventListener('resize', this.#onResize);
  }

  hostDisconnected(): void {
    removeEventListener('resize', this.#onResize);
    this.#release();
  }

  /** Moves to `position`, clamped into the viewport. */
  moveTo(position: DragPosition): void {
    const clamped = this.clamp(position);
    if (this.position && clamped.x === this.position.x && clamped.y === this.position.y) return;
    this.position = clamped;
    this.#options.onMove(clamped);
  }

  /** `position` kept inside the viewport (with the margin) for the target's current size. */
  clamp(position: DragPosition): DragPosition {
    const el = this.#options.target();
    const width = el?.offsetWidth ?? 0;
    const height = el?.offsetHeight ?? 0;
    const m = this.#options.margin;
    const maxX = Math.max(m, innerWidth - width - m);
    const maxY = Math.max(m, innerHeight - height - m);
    return { x: Math.round(Math.min(maxX, Math.max(m, position.x))), y: Math.round(Math.min(maxY, Math.max(m, position.y))) };
  }

  readonly pointerDown = (event: PointerEvent): void => {
    if (event.button !== 0 || !this.position) return;
    const handle = event.currentTarget as HTMLElement;
    this.#release();
    this.#start = { pointerX: event.clientX, pointerY: event.clientY, x: this.position.x, y: this.position.y, id: event.pointerId, handle };
    this.dragging = false;
    // On the window, not the handle: the pointer leaves the handle before the handle catches up.
    // (Pointer capture would retarget the click that restores a window that was not dragged.)
    addEventListener('pointermove', this.#pointerMove);
    addEventListener('pointerup', this.#pointerUp);
    addEventListener('pointercancel', this.#pointerUp);
  };

  #release(): void {
    removeEventListener('pointermove', this.#pointerMove);
    removeEventListener('pointerup', this.#pointerUp);
    removeEventListener('pointercancel', this.#pointerUp);
    this.#start = null;
  }

  readonly #pointerMove = (event: PointerEvent): void => {
    const start = this.#start;
    if (!start || event.pointerId !== start.id) return;
    const dx = event.clientX - start.pointerX;
    const dy = event.clientY - start.pointerY;
    if (!this.dragging && Math.hypot(dx, dy) < this.#options.threshold) return;
    this.dragging = true;
    this.moveTo({ x: start.x + dx, y: start.y + dy });
  };

  readonly #pointerUp = (event: PointerEvent): void => {
    const start = this.#start;
    if (!start || event.pointerId !== start.id) return;
    const handle = start.handle;
    this.#release();
    if (this.dragging) {
      // Swallow the click that follows the drag, then forget the drag.
      const swallow = (click: Event) => {
        click.stopPropagation();
        click.preventDefault();
      };
      handle.addEventListener('click', swallow, { capture: true, once: true });
      setTimeout(() => {
        handle.removeEventListener('click', swallow, { capture: true });
        this.dragging = false;
      });
    }
  };

  readonly keyDown = (event: KeyboardEvent): void => {
    if (!this.position || event.target !== event.currentTarget) return;
    const step = event.shiftKey ? 50 : 10;
    const { x, y } = this.position;
    const rtl = getComputedStyle(event.currentTarget as Element).direction === 'rtl';
    const moves: Record<string, DragPosition> = {
      ArrowLeft: { x: x - step, y },
      ArrowRight: { x: x + step, y },
      ArrowUp: { x, y: y - step },
      ArrowDown: { x, y: y + step },
      Home: { x: rtl ? innerWidth : 0, y },
      End: { x: rtl ? 0 : innerWidth, y },
    };
    const next = moves[event.key];
    if (!next) return;
    event.preventDefault();
    this.moveTo(next);
  };

  readonly #onResize = (): void => {
    if (this.position) this.moveTo(this.position);
  };
}
