/**
 * Delivery from the page: core's transport (bounded queue, retries with backoff, rate limits,
 * client reports) around the page's executor. What only a page has is here: requests that
 * outlive the page (`keepalive`, `sendBeacon`), sending everything when the page is hidden or
 * closing, and the offline queue (`delivery.ts` says how and why).
 */
import {
  createTransport as createCoreTransport,
  type DataCategory,
  type DiscardReason,
  type Envelope,
  type EnvelopeMeta,
  type Logger,
  type TransportOptions,
} from '@faultline/core';
import { type Executor, isOffline, KEEPALIVE_MAX_BYTES, sendBeacon } from './delivery.js';
import type { OfflineQueue } from './offline-queue.js';
import type { Integration } from './options.js';
import { listen, undoAll } from './patch.js';

/** Queue, retry and report settings of the default delivery: those of every runtime (docs/options.md). */
export type BrowserTransportOptions = Omit<TransportOptions, 'logger' | 'envelopeMeta' | 'now'>;

/** The part of a transport the client uses; a custom `transport` option provides the same. */
export interface ClientTransport {
  /** Enqueues an envelope. Should not throw: the client counts what it throws as `internal_sdk_error`. */
  send(envelope: Envelope): void;
  recordDroppedEvent(reason: DiscardReason, category: DataCategory, quantity?: number): void;
  /** Resolves true once everything queued is done; false on timeout. Never rejects. */
  flush(timeoutMs?: number): Promise<boolean>;
  close(timeoutMs?: number): Promise<boolean>;
  /** Why an event would be dropped if sent now, so the client can skip building it. */
  wouldDrop?(category: DataCategory): DiscardReason | undefined;
}

export interface BrowserTransport extends ClientTransport {
  /** Page lifecycle: page hide, visibility and connectivity. */
  integration: Integration;
}

export function createTransport(
  send: Executor,
  options: BrowserTransportOptions,
  meta: EnvelopeMeta,
  logger: Logger,
  /** Where `sendBeacon` posts; without it, nothing is beaconed. */
  beaconUrl?: string,
  queue?: OfflineQueue,
): BrowserTransport {
  let hidden = false;
  const delivered = { status: 200, headers: {} };

  /** Envelopes the offline queue dropped (beyond its bounds, or expired) are lost events too. */
  const countEvicted = () => {
    const lost = queue?.takeDropped?.();
    if (lost) transport.recordDroppedEvent('queue_overflow', 'error', lost);
  };

  /**
   * Hands a body to the browser to deliver after the page is gone, or keeps it for later: a
   * beacon sent offline would be lost. False if neither took it.
   */
  const rescue = (body: Uint8Array) => {
    if (beaconUrl && !isOffline() && sendBeacon(beaconUrl, body)) return true;
    // No beacon: the offline queue is the last resort.
    const kept = !!queue?.push(body);
    logger.debug('kept offline:', kept);
    countEvicted();
    return kept;
  };

  const transport = createCoreTransport(
    { ...options, logger, envelopeMeta: meta },
    {
      send(body, written) {
        // A fetch started from a hidden page may never run; a beacon does.
        if (hidden && rescue(body)) {
          written?.();
          return Promise.resolve(delivered);
        }
        const keepalive = body.length <= KEEPALIVE_MAX_BYTES;
        const request = send(body, keepalive);
        // A keepalive request completes on its own, even after the page is gone.
        if (keepalive) written?.();
        // Offline: kept for when the browser is back online.
        return request.catch((error: unknown) => {
          if (isOffline() && rescue(body)) return delivered;
          throw error;
        });
      },
    },
  );

  /**
   * The page is going away: every envelope not on its way leaves now (beacon or offline queue),
   * then the drop counts, including those of envelopes neither would take.
   */
  const hide = (value: boolean) => {
    hidden = value;
    if (value) transport.takePending(rescue);
  };
  /** Envelopes kept by an earlier page (offline, or closed mid-send) go out now. */
  const drain = () => {
    if (!isOffline()) for (const body of queue?.takeAll() ?? []) transport.send(body);
    countEvicted();
  };
  const onPage = (event: Event) =>
    event.type === 'online' ? drain() : hide(event.type === 'pagehide' || document.hidden);

  let undo: Array<() => void> = [];
  return {
    ...transport,
    integration: {
      name: 'Delivery',
      setup() {
        undo = 'pagehide pageshow online visibilitychange'
          .split(' ')
          .map((type) => listen(type[0] === 'v' ? document : window, type, onPage));
        drain();
      },
      teardown: () => undoAll(undo),
    },
  };
}
