/**
 * The few Web-standard globals core relies on. Core compiles with `lib: ["ES2022"]` and no
 * runtime types, so these are declared here rather than taken from DOM or Node typings:
 * every runtime Faultline supports (Node >= 20, browsers, edge runtimes) provides them.
 */
declare global {
  class TextEncoder {
    encode(input?: string): Uint8Array;
  }
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean });
    decode(input?: Uint8Array): string;
  }
  interface TimerHandle {
    unref?(): unknown;
  }
  function setTimeout(handler: () => void, timeout?: number): TimerHandle | number;
  function clearTimeout(handle: TimerHandle | number | undefined): void;
  function queueMicrotask(callback: () => void): void;
  const crypto: { getRandomValues<T extends Uint8Array>(array: T): T } | undefined;
  const console: {
    log(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
  };
  interface FetchResponseLike {
    status: number;
    headers: { get(name: string): string | null };
  }
  function fetch(
    url: string,
    init?: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string; keepalive?: boolean },
  ): Promise<FetchResponseLike>;
}

/** Starts a timer that never keeps the process alive. */
export function unrefTimer(handler: () => void, ms: number): TimerHandle | number {
  const handle = setTimeout(handler, ms);
  if (typeof handle === 'object' && typeof handle.unref === 'function') handle.unref();
  return handle;
}
