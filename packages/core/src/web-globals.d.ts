/**
 * The few Web-standard globals core relies on. Core compiles with `lib: ["ES2022"]` and no
 * runtime types, so these are declared here rather than taken from DOM or Node typings:
 * every runtime Faultline supports (Node >= 20, browsers, edge runtimes) provides them.
 * Only the sources' own type-check sees this file; tests compile against the real DOM and
 * Node typings instead.
 */
declare global {
  class TextEncoder {
    encode(input?: string): Uint8Array;
  }
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean });
    decode(input?: Uint8Array): string;
  }
  function setTimeout(handler: () => void, timeout?: number): unknown;
  function clearTimeout(handle: unknown): void;
  function queueMicrotask(callback: () => void): void;
  function atob(data: string): string;
  function btoa(data: string): string;
  const performance: { now(): number } | undefined;
  const crypto: { getRandomValues<T extends Uint8Array>(array: T): T; randomUUID?(): string } | undefined;
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
    init?: {
      method?: string;
      headers?: Record<string, string>;
      body?: Uint8Array | string;
      keepalive?: boolean;
    },
  ): Promise<FetchResponseLike>;
}

export {};
