/**
 * Browser delivery: the "send these bytes" part of the core transport, plus what keeps events
 * from being lost when the page goes away or the network does.
 *
 * - Requests are `text/plain` POSTs to the envelope URL with the `sentry_key` query auth and no
 *   custom header, so the browser sends them without a CORS preflight
 *   (https://develop.sentry.dev/sdk/overview/#authentication, Fetch standard "CORS-safelisted request-header").
 * - Bodies up to 60 KB use `keepalive`, so a request started just before a navigation completes
 *   (browsers cap keepalive bodies at 64 KiB in total, Fetch standard § 4.5).
 * - On `pagehide` / `visibilitychange` to hidden, everything still queued goes out with
 *   `navigator.sendBeacon`, which the browser delivers after the page is gone; what cannot be
 *   beaconed is kept in the offline queue for the next page load.
 * - While offline, envelopes are kept in the offline queue and sent on `online`.
 */
import type { Logger } from '@faultline/core';
import type { BrowserClient } from './client.js';
import type { OfflineQueue } from './offline-queue.js';
import type { Integration } from './options.js';
import { listen, undoAll } from './patch.js';
import type { Executor, SendResult } from './transport.js';

const KEEPALIVE_MAX_BYTES = 60 * 1024;
const BEACON_MAX_BYTES = 64 * 1024;
const ACCEPTED: SendResult = { status: 200, headers: { get: () => null } };

export interface BrowserDelivery {
  send: Executor;
  /** Sends what is stored in the offline queue (when online). */
  drain(): Promise<void>;
  /** Page is going away: hands everything not already on its way to `sendBeacon` or the offline queue. */
  rescue(pending: Uint8Array[]): void;
  setHidden(hidden: boolean): void;
}

export interface BrowserDeliveryOptions {
  url: string;
  /** The page's own `fetch`, taken before any instrumentation. */
  fetch: typeof fetch;
  queue: OfflineQueue | undefined;
  logger: Logger;
}

const isOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false;

/** The body as a `text/plain` Blob: a CORS-safelisted content type for both fetch and sendBeacon. */
const blob = (body: Uint8Array) => new Blob([body as BlobPart], { type: 'text/plain;charset=UTF-8' });

export function createBrowserDelivery(options: BrowserDeliveryOptions): BrowserDelivery {
  const { url, queue, logger } = options;
  const post = (body: Uint8Array): Promise<SendResult> =>
    options.fetch(url, { method: 'POST', body: blob(body), keepalive: body.length <= KEEPALIVE_MAX_BYTES });
  /** Bodies whose keepalive request is on its way: the browser completes those on its own. */
  const keepalive = new Set<Uint8Array>();
  let hidden = false;

  const beacon = (body: Uint8Array): boolean => {
    try {
      return body.length <= BEACON_MAX_BYTES && navigator.sendBeacon(url, blob(body));
    } catch {
      return false;
    }
  };

  const store = (body: Uint8Array): boolean => {
    const stored = queue?.push(body) === true;
    logger.debug(stored ? 'kept the envelope in the offline queue' : 'could not keep the envelope offline');
    return stored;
  };

  let draining = false;
  return {
    async send(body) {
      // A fetch started from a hidden page may never run; a beacon does.
      if ((hidden && beacon(body)) || (isOffline() && store(body))) return ACCEPTED;
      const tracked = body.length <= KEEPALIVE_MAX_BYTES;
      if (tracked) keepalive.add(body);
      try {
        return await post(body);
      } catch (error) {
        if (isOffline() && store(body)) return ACCEPTED;
        throw error;
      } finally {
        keepalive.delete(body);
      }
    },
    setHidden(value) {
      hidden = value;
    },
    rescue(pending) {
      for (const body of pending) {
        if (!keepalive.has(body) && !beacon(body)) store(body);
      }
    },
    async drain() {
      if (!queue || draining || isOffline()) return;
      draining = true;
      try {
        for (const body of queue.takeAll()) {
          try {
            if ((await post(body)).status >= 500) store(body);
          } catch {
            store(body);
          }
        }
      } finally {
        draining = false;
      }
    },
  };
}

/** Wires a delivery to the page's lifecycle: page hide, visibility and connectivity. */
export function deliveryIntegration(delivery: BrowserDelivery): Integration {
  const undo: Array<() => void> = [];
  return {
    name: 'Delivery',
    setup(client: BrowserClient) {
      const hide = (hidden: boolean) => {
        delivery.setHidden(hidden);
        if (hidden) delivery.rescue(client.getTransport()?.takePending() ?? []);
      };
      undo.push(
        listen(window, 'pagehide', () => hide(true)),
        listen(window, 'pageshow', () => delivery.setHidden(false)),
        listen(window, 'online', () => void delivery.drain()),
        listen(document, 'visibilitychange', () => hide(document.visibilityState === 'hidden')),
      );
      // Envelopes kept by an earlier page (offline, or closed mid-send) go out now.
      void delivery.drain();
    },
    teardown: () => undoAll(undo),
  };
}
