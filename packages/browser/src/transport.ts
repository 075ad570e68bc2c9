/**
 * Delivery policy: a bounded queue, limited concurrency, retries with backoff for network errors
 * and 5xx, rate limits, and a count of every dropped event by reason, sent as a `client_report`
 * item (https://develop.sentry.dev/sdk/telemetry/client-reports/) with the next envelope or on
 * flush. When the page is hidden or closing, or the browser is offline, envelopes go out with
 * `sendBeacon` or into the offline queue instead (`delivery.ts` says how and why).
 */
import type {
  DataCategory,
  DiscardReason,
  Envelope,
  EnvelopeItem,
  EnvelopeMeta,
  Logger,
} from '@faultline/core';
import { type Executor, isOffline, KEEPALIVE_MAX_BYTES, type SendResult, sendBeacon } from './delivery.js';
import { serializeEnvelope } from './envelope.js';
import type { OfflineQueue } from './offline-queue.js';
import type { Integration } from './options.js';
import { listen, undoAll } from './patch.js';
import { isRateLimited, type RateLimits, updateRateLimits } from './rate-limits.js';

export interface BrowserTransportOptions {
  /** Envelopes waiting or in flight at most; more are dropped and counted (`queue_overflow`). @default 30 */
  maxQueueSize?: number;
  /** Requests in flight at once. @default 2 */
  concurrency?: number;
  /** Retries after the first attempt, on network errors and 5xx. @default 3 */
  maxRetries?: number;
}

/** The part of a transport the client uses; a custom `transport` option provides the same. */
export interface ClientTransport {
  /** Enqueues an envelope; never throws. */
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

const MAX_RETRY_DELAY_MS = 30_000;

interface Entry {
  body: Uint8Array;
  /** Category of the item whose loss must be counted (none for a standalone report). */
  category: DataCategory | undefined;
  /** Drop counts riding along, restored if delivery fails. */
  report: Record<string, number> | undefined;
  attempts: number;
  done?: boolean;
  /** A keepalive request is on its way: the browser completes it on its own, even after the page. */
  keepalive?: boolean;
}

const whole = (value: number | undefined, fallback: number) =>
  Number.isInteger(value) && value! >= 0 ? value! : fallback;

export function createTransport(
  send: Executor,
  options: BrowserTransportOptions,
  meta: EnvelopeMeta,
  logger: Logger,
  /** Where `sendBeacon` posts; without it, nothing is beaconed. */
  beaconUrl?: string,
  queue?: OfflineQueue,
): BrowserTransport {
  const maxQueue = whole(options.maxQueueSize, 30) || 1;
  const concurrency = whole(options.concurrency, 2) || 1;
  const maxRetries = whole(options.maxRetries, 3);
  const ready: Entry[] = [];
  const pending = new Set<Entry>();
  const idle: Array<() => void> = [];
  const limits: RateLimits = {};
  /** `reason:category` → count, not yet reported. */
  let drops: Record<string, number> = {};
  let inflight = 0;
  let closed = false;
  let hidden = false;

  const record = (reason: DiscardReason, category: DataCategory, quantity = 1) => {
    logger.debug(`dropped ${quantity} ${category} (${reason})`);
    drops[`${reason}:${category}`] = (drops[`${reason}:${category}`] ?? 0) + quantity;
  };
  const restore = (report: Record<string, number> | undefined) => {
    for (const key in report) drops[key] = (drops[key] ?? 0) + report[key]!;
  };

  /** Takes the pending counts, unless there are none or reports are rate limited. */
  const takeReport = () => {
    const taken = drops;
    if (!Object.keys(taken).length || isRateLimited(limits, 'internal')) return undefined;
    drops = {};
    return taken;
  };
  const reportItem = (report: Record<string, number>): EnvelopeItem => [
    { type: 'client_report' },
    {
      timestamp: Math.floor(Date.now() / 1000),
      discarded_events: Object.keys(report).map((key) => {
        const [reason, category] = key.split(':');
        return { reason, category, quantity: report[key] };
      }),
    },
  ];

  /** Hands a body to the browser to deliver after the page is gone (`beacon`), or keeps it for later. */
  const rescue = (body: Uint8Array, beacon = true) => {
    if (beacon && beaconUrl && sendBeacon(beaconUrl, body)) return true;
    // No beacon: the offline queue is the last resort.
    const kept = queue?.push(body) === true;
    logger.debug(kept ? 'kept the envelope in the offline queue' : 'could not keep the envelope');
    return kept;
  };

  const add = (body: Uint8Array, category?: DataCategory, report?: Record<string, number>) => {
    const entry: Entry = { body, category, report, attempts: 0 };
    pending.add(entry);
    ready.push(entry);
    pump();
  };

  const enqueue = (envelope: Envelope, category?: DataCategory) => {
    if (category && (isRateLimited(limits, category) || pending.size >= maxQueue))
      return record(isRateLimited(limits, category) ? 'ratelimit_backoff' : 'queue_overflow', category);
    const report = takeReport();
    try {
      add(
        serializeEnvelope(
          report ? { ...envelope, items: [...envelope.items, reportItem(report)] } : envelope,
        ),
        category,
        report,
      );
    } catch (error) {
      logger.error('cannot serialize envelope', error);
      restore(report);
      if (category) record('internal_sdk_error', category);
    }
  };

  const finish = (entry: Entry, failure?: DiscardReason) => {
    if (entry.done) return;
    entry.done = true;
    pending.delete(entry);
    if (failure) {
      restore(entry.report);
      if (entry.category) record(failure, entry.category);
    }
    if (!pending.size) for (const wake of idle.splice(0)) wake();
  };

  const retry = (entry: Entry, reason: DiscardReason, error?: unknown) => {
    logger.debug(`attempt ${entry.attempts} failed`, reason, error);
    // Offline: kept for when the browser is back online.
    if (isOffline() && rescue(entry.body, false)) return finish(entry);
    if (entry.attempts > maxRetries) return finish(entry, reason);
    // Full jitter: a random delay up to 500 ms × 2^attempt, at most 30 s.
    const delay = Math.random() * Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** (entry.attempts - 1));
    setTimeout(() => {
      ready.unshift(entry);
      pump();
    }, delay);
  };

  const onResponse = (entry: Entry, { status, headers }: SendResult) => {
    updateRateLimits(limits, status, headers.get('x-sentry-rate-limits'), headers.get('retry-after'));
    if (status === 429) {
      // The server counted the items itself (client reports spec); only the report is kept.
      restore(entry.report);
      entry.report = undefined;
    }
    if (status > 499) retry(entry, 'send_error');
    // 413 and the other 4xx are not retried.
    else finish(entry, status < 300 || status === 429 ? undefined : 'send_error');
  };

  function pump(): void {
    while (inflight < concurrency && ready.length) {
      const entry = ready.shift()!;
      if (entry.done) continue;
      // A limit may have arrived while this waited: the server would only answer 429.
      if (entry.category && isRateLimited(limits, entry.category)) finish(entry, 'ratelimit_backoff');
      // A fetch started from a hidden page may never run; a beacon does.
      else if ((hidden || isOffline()) && rescue(entry.body, hidden)) finish(entry);
      else {
        entry.attempts++;
        inflight++;
        entry.keepalive = entry.body.length <= KEEPALIVE_MAX_BYTES;
        send(entry.body)
          .then(
            (response) => entry.done || onResponse(entry, response),
            (error) => entry.done || retry(entry, 'network_error', error),
          )
          .catch((error) => logger.error(error))
          .then(() => {
            entry.keepalive = false;
            inflight--;
            pump();
          });
      }
    }
  }

  const flush = (timeoutMs = 2000) =>
    new Promise<boolean>((resolve) => {
      let rounds = 0;
      const timer = setTimeout(() => resolve(false), timeoutMs);
      // Runs now and whenever the queue empties: once idle, send what was dropped meanwhile.
      const check = () => {
        if (pending.size) return idle.push(check);
        const report = rounds++ < 2 && takeReport();
        if (report) {
          enqueue({ headers: { ...meta }, items: [reportItem(report)] });
          return check();
        }
        clearTimeout(timer);
        resolve(true);
      };
      check();
    });

  /** The page is going away: every envelope not on its way, and the drop counts, leave now. */
  const hide = (value: boolean) => {
    hidden = value;
    if (!value) return;
    for (const entry of pending) {
      if (!entry.keepalive) rescue(entry.body);
      entry.report = undefined;
      finish(entry);
    }
    const report = takeReport();
    if (report) rescue(serializeEnvelope({ headers: { ...meta }, items: [reportItem(report)] }));
  };
  /** Envelopes kept by an earlier page (offline, or closed mid-send) go out now. */
  const drain = () => {
    if (!isOffline()) for (const body of queue?.takeAll() ?? []) add(body);
  };

  const undo: Array<() => void> = [];
  return {
    send(envelope) {
      if (closed) return;
      try {
        enqueue(envelope, envelope.items[0]?.[0].type === 'event' ? 'error' : undefined);
      } catch (error) {
        logger.error('cannot queue envelope', error);
      }
    },
    recordDroppedEvent: record,
    flush,
    async close(timeoutMs) {
      const ok = await flush(timeoutMs);
      closed = true;
      return ok;
    },
    wouldDrop: (category) =>
      isRateLimited(limits, category)
        ? 'ratelimit_backoff'
        : pending.size >= maxQueue
          ? 'queue_overflow'
          : undefined,
    integration: {
      name: 'Delivery',
      setup() {
        undo.push(
          listen(window, 'pagehide', () => hide(true)),
          listen(window, 'pageshow', () => hide(false)),
          listen(window, 'online', drain),
          listen(document, 'visibilitychange', () => hide(document.visibilityState === 'hidden')),
        );
        drain();
      },
      teardown: () => undoAll(undo),
    },
  };
}
