/**
 * A transport executor on the Web `fetch` API (Node >= 18, browsers, edge runtimes).
 */
import type {} from './globals.js';
import type { TransportExecutor, TransportResponse } from './transport.js';

/**
 * The part of `fetch` the executor uses; the global `fetch` of every runtime fits it, and so
 * does a test double that is not a full `fetch`.
 */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: Uint8Array; keepalive: boolean },
) => Promise<{ status: number; headers: { get(name: string): string | null } }>;

export interface FetchExecutorOptions {
  /** Where to POST, e.g. the result of `envelopeUrlWithAuth(dsn, sdkClient)`. */
  url: string;
  /** Extra request headers (e.g. `X-Sentry-Auth`). */
  headers?: Record<string, string>;
  /** @default globalThis.fetch */
  fetch?: FetchLike;
  /**
   * Let the request outlive the page (browsers). Only used for bodies under 60 KiB: browsers
   * reject keepalive requests whose bodies add up to more than 64 KiB (Fetch standard § 4.5).
   * @default false
   */
  keepalive?: boolean;
  /** @default 'application/x-sentry-envelope' */
  contentType?: string;
}

const KEEPALIVE_MAX_BYTES = 60 * 1024;

interface BodyLike {
  cancel?(): Promise<void>;
}

/** Frees the connection without reading a body nobody needs. */
function discardBody(response: unknown): void {
  try {
    const body = (response as { body?: BodyLike | null }).body;
    body?.cancel?.().catch(() => undefined);
  } catch {
    // Nothing to free.
  }
}

function buildHeaders(options: FetchExecutorOptions): Record<string, string> {
  const extra = options.headers ?? {};
  const hasContentType = Object.keys(extra).some((name) => name.toLowerCase() === 'content-type');
  return hasContentType
    ? { ...extra }
    : { 'Content-Type': options.contentType ?? 'application/x-sentry-envelope', ...extra };
}

/** POSTs each body to `options.url`; rejects on network errors, resolves with any HTTP status. */
export function createFetchExecutor(options: FetchExecutorOptions): TransportExecutor {
  const headers = buildHeaders(options);
  return {
    async send(body) {
      const doFetch: FetchLike | undefined =
        options.fetch ?? (typeof fetch === 'function' ? (fetch as unknown as FetchLike) : undefined);
      if (!doFetch) throw new Error('fetch is not available in this runtime');
      const response = await doFetch(options.url, {
        method: 'POST',
        headers,
        body,
        keepalive: options.keepalive === true && body.length <= KEEPALIVE_MAX_BYTES,
      });
      const get = (name: string): string | null => {
        try {
          return response.headers.get(name) ?? null;
        } catch {
          return null;
        }
      };
      const result: TransportResponse = {
        status: response.status,
        headers: { 'x-sentry-rate-limits': get('x-sentry-rate-limits'), 'retry-after': get('retry-after') },
      };
      discardBody(response);
      return result;
    },
  };
}
