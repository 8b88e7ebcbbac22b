/**
 * The engine's `setFocus` and `setTileSizes` (SFU simulcast, `sfu-layers.ts`): apart from the SFU code, which is a
 * chunk loaded when a call goes through the SFU, because the engine needs it from the start.
 */
/** `setFocus` of the engine: remembers the focus and has the call's SFU session (if any) ask for layers again. */
export function setFocus(ctx: { focus: string; call: { sfuSession?: { refocus(): void } | 'loading' } | null }, userId: unknown): void {
  ctx.focus = typeof userId === 'string' ? userId : '';
  const session = ctx.call?.sfuSession;
  if (typeof session === 'object') session.refocus();
}

/** `setTileSizes` of the engine: remembers each member's tile width (device px; a member missing: no visible tile) and has the call's SFU session ask for layers again. */
export function setTileSizes(
  ctx: { tileWidths: Map<string, number> | null; call: { sfuSession?: { refocus(): void } | 'loading' } | null },
  sizes: unknown,
): void {
  if (!sizes || typeof sizes !== 'object') return;
  const widths = new Map<string, number>();
  for (const [userId, width] of Object.entries(sizes)) if (typeof width === 'number' && Number.isFinite(width)) widths.set(userId, width);
  ctx.tileWidths = widths;
  const session = ctx.call?.sfuSession;
  if (typeof session === 'object') session.refocus();
}
