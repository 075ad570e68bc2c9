/** A timer handle; opaque because runtimes disagree on its type (number or object). */
export type Timer = { readonly __faultlineTimer: true };

/** Starts a timer that never keeps the process alive. */
export function unrefTimer(handler: () => void, ms: number): Timer {
  const handle = setTimeout(handler, ms) as unknown as { unref?: () => unknown } | number;
  if (typeof handle === 'object' && handle !== null && typeof handle.unref === 'function') handle.unref();
  return handle as unknown as Timer;
}

export function cancelTimer(timer: Timer | undefined): void {
  if (timer !== undefined) clearTimeout(timer as unknown as Parameters<typeof clearTimeout>[0]);
}
