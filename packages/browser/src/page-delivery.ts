/**
 * Delivery from the page: core's transport (bounded queue, retries with backoff, rate limits,
 * client reports) around the page's executor. What only a page has is here: requests that
 * outlive the page (`keepalive`, `sendBeacon`), sending everything when the page is hidden or
 * closing, and the offline queue (`delivery.ts` says how and why).
 */
import {
  type Dsn,
  envelopeUrlWithAuth,
  type Integration,
  type Transport,
  type TransportExecutor,
  type TransportOptions,
} from '@faultline/core';
import { fetchExecutor, isOffline, KEEPALIVE_MAX_BYTES, sendBeacon } from './delivery.js';
import type { OfflineQueue, OfflineQueueFactory } from './offline-queue.js';
import { listen, undoAll } from './patch.js';

/** Queue, retry and report settings of the default delivery: those of every runtime (docs/options.md). */
export type BrowserTransportOptions = Omit<TransportOptions, 'logger' | 'envelopeMeta' | 'now'>;

/**
 * The page's side of delivery: the executor core's transport sends through, and the
 * integration that follows the page's lifecycle (hidden, closing, offline, online).
 */
export function pageDelivery(
  /** The page's own `fetch`, taken before the HTTP integration wraps it: the SDK's requests are never recorded. */
  pageFetch: typeof fetch,
  offlineQueue?: OfflineQueueFactory,
): { createExecutor(dsn: Dsn, sdkClient: string): TransportExecutor; integration: Integration } {
  let hidden = false;
  let url: string | undefined;
  let queue: OfflineQueue | undefined;
  let transport: Transport | undefined;
  const delivered = { status: 200, headers: {} };

  /** Envelopes the offline queue dropped (beyond its bounds, or expired) are lost events too. */
  const countEvicted = () => {
    const lost = queue?.takeDropped?.();
    if (lost) transport?.recordDroppedEvent('queue_overflow', 'error', lost);
  };

  /**
   * Hands a body to the browser to deliver after the page is gone, or keeps it for later: a
   * beacon sent offline would be lost. False if neither took it.
   */
  const rescue = (body: Uint8Array) => {
    if (url && !isOffline() && sendBeacon(url, body)) return true;
    // No beacon: the offline queue is the last resort.
    const kept = !!queue?.push(body);
    countEvicted();
    return kept;
  };

  /**
   * The page is going away: every envelope not on its way leaves now (beacon or offline queue),
   * then the drop counts, including those of envelopes neither would take.
   */
  const hide = (value: boolean) => {
    hidden = value;
    if (value) transport?.takePending(rescue);
  };
  /** Envelopes kept by an earlier page (offline, or closed mid-send) go out now. */
  const drain = () => {
    if (!isOffline()) for (const body of queue?.takeAll() ?? []) transport?.send(body as never);
    countEvicted();
  };
  const onPage = (event: Event) =>
    event.type === 'online' ? drain() : hide(event.type === 'pagehide' || document.hidden);

  let undo: Array<() => void> = [];
  return {
    createExecutor(dsn, sdkClient) {
      url = envelopeUrlWithAuth(dsn, sdkClient);
      const post = fetchExecutor(url, pageFetch);
      queue = offlineQueue?.(`faultline:offline:${dsn.host}:${dsn.projectId}`);
      return {
        send(body, written) {
          // A fetch started from a hidden page may never run; a beacon does.
          if (hidden && rescue(body)) {
            written?.();
            return Promise.resolve(delivered);
          }
          const keepalive = body.length <= KEEPALIVE_MAX_BYTES;
          const request = post(body, keepalive);
          // A keepalive request completes on its own, even after the page is gone.
          if (keepalive) written?.();
          return request.catch((error: unknown) => {
            // Offline: kept for when the browser is back online.
            if (isOffline() && rescue(body)) return delivered;
            // A keepalive request the page left while it was on its way: the browser completes
            // it on its own (Chromium rejects its promise at page hide even so); sending it
            // again by beacon would deliver it twice.
            if (keepalive && hidden) return delivered;
            throw error;
          });
        },
      };
    },
    integration: {
      name: 'Delivery',
      setup(client) {
        transport = client.getTransport();
        undo = 'pagehide pageshow online visibilitychange'
          .split(' ')
          .map((type) => listen(type[0] === 'v' ? document : window, type, onPage));
        drain();
      },
      teardown: () => undoAll(undo),
    },
  };
}
