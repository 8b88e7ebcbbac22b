/**
 * The engine's `setFocus` (SFU simulcast, `sfu-layers.ts`): apart from the SFU code, which is a
 * chunk loaded when a call goes through the SFU, because the engine needs it from the start.
 */
/** `setFocus` of the engine: remembers the focus and has the call's SFU session (if any) ask for layers again. */
export function setFocus(ctx: { focus: string; call: { sfuSession?: { refocus(): void } | 'loading' } | null }, userId: unknown): void {
  ctx.focus = typeof userId === 'string' ? userId : '';
  const session = ctx.call?.sfuSession;
  if (typeof session === 'object') session.refocus();
}
