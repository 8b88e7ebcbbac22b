/**
 * Every wait an engine does on a network or an SDK is bounded (issue 21): `withDeadline` settles
 * with `promise`, or rejects with `onTimeout()` after `ms`, whichever comes first. The timer is
 * cleared either way; a late settlement of `promise` is ignored (a late rejection is swallowed).
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
