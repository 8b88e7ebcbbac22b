/** Display formats that do not depend on the language. */

/** `hh:mm:ss` of a call connected at `connectedAt` (ms), as TUICallKit's `callDuration`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}
