/** A timer handle; opaque because runtimes disagree on its type (number or object). */
export type Timer = { readonly __faultlineTimer: true };

/** Starts a timer that never keeps the process alive. */
export function unrefTimer(handler: () => void, ms: number): Timer {
  const handle = setTimeout(handler, ms) as unknown as { unref?: () => unknown } | number;
  if (typeof handle === 'object' && handle !== null && typeof handle.unref === 'function') handle.unref();
  return handle as unknown as Timer;
}

/**
 * Starts a timer that keeps the process alive until it fires or is cancelled. Only for the
 * bound of a `flush` the app awaits: the app asked to wait that long, and if nothing else kept
 * the process alive it would end in the middle of its own `await` (skipping what follows it,
 * e.g. a `process.exit(code)`).
 */
export function keepAliveTimer(handler: () => void, ms: number): Timer {
  return setTimeout(handler, ms) as unknown as Timer;
}

export function cancelTimer(timer: Timer | undefined): void {
  if (timer !== undefined) clearTimeout(timer as unknown as Parameters<typeof clearTimeout>[0]);
}
