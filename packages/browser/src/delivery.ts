/**
 * How envelopes leave the page, and what keeps them from being lost when the page goes away or
 * the network does (the transport, `transport.ts`, decides when):
 *
 * - Requests are `text/plain` POSTs to the envelope URL with the `sentry_key` query auth and no
 *   custom header, so the browser sends them without a CORS preflight
 *   (https://develop.sentry.dev/sdk/overview/#authentication, Fetch standard "CORS-safelisted request-header").
 * - Bodies up to 60 KB use `keepalive`, so a request started just before a navigation completes
 *   (browsers cap keepalive bodies at 64 KiB in total, Fetch standard § 4.5).
 * - On `pagehide` / `visibilitychange` to hidden, everything not already on its way goes out with
 *   `navigator.sendBeacon`, which the browser delivers after the page is gone; what cannot be
 *   beaconed is kept in the offline queue (if the page has one) for the next page load.
 * - While offline, envelopes are kept in the offline queue and sent on `online`.
 */

/** What a POST answers: a `fetch` Response, or anything with a status and headers. */
export interface SendResult {
  status: number;
  headers: { get(name: string): string | null };
}

/** Sends one body, with `keepalive` when asked; rejects on network errors. */
export type Executor = (body: Uint8Array, keepalive: boolean) => Promise<SendResult>;

/** Largest body sent with `keepalive`: the browser takes 64 KiB of them at a time. */
export const KEEPALIVE_MAX_BYTES = 60 * 1024;

export const isOffline = () => globalThis.navigator?.onLine === false;

/** The body as a `text/plain` Blob: a CORS-safelisted content type for both fetch and sendBeacon. */
const blob = (body: Uint8Array) => new Blob([body as BlobPart], { type: 'text/plain' });

/** The page's POST of an envelope: `fetch` (taken before any instrumentation) with keepalive. */
export const fetchExecutor =
  (url: string, pageFetch: typeof fetch): Executor =>
  (body, keepalive) =>
    pageFetch(url, { method: 'POST', body: blob(body), keepalive });

/**
 * Hands a body to the browser to deliver even after the page is gone; false (or undefined) if
 * it would not take it, as with a body over its 64 KiB beacon quota.
 */
export const sendBeacon = (url: string, body: Uint8Array): boolean | undefined => {
  try {
    return navigator.sendBeacon(url, blob(body));
  } catch {}
};
