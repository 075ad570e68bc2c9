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
  EnvelopeHeaders,
  EnvelopeItem,
  EnvelopeMeta,
  Logger,
} from '@faultline/core';
import { type Executor, isOffline, KEEPALIVE_MAX_BYTES, sendBeacon } from './delivery.js';
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

/**
 * Drop counts: the JSON of a `discarded_events` entry up to its quantity
 * (`{"reason":"…","category":"…","quantity":`) → the quantity.
 */
type Counts = Record<string, number>;

/** One envelope to deliver (short keys: they are in the bundle as written). */
interface Entry {
  /** The serialized envelope. */
  b: Uint8Array;
  /** Category of the item whose loss must be counted (none for a standalone report). */
  c?: DataCategory | undefined;
  /** Drop counts riding along (none when falsy), restored if delivery fails. */
  r?: Counts | false | '' | undefined;
  /** Attempts so far. */
  n: number;
  /** Busy: in flight or waiting for a retry (else waiting to be sent). */
  w?: boolean;
  /** A keepalive request is on its way: the browser completes it on its own, even after the page. */
  k?: boolean;
}

/** `value` if it is a whole number (below 2^32), else `fallback`. */
const whole = (value: number | undefined, fallback: number) => (value! >>> 0 === value ? value : fallback);

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
  /** Entries not done yet, oldest first. */
  const pending = new Set<Entry>();
  const limits: RateLimits = {};
  /** Drops not yet reported. */
  let drops: Counts = {};
  let inflight = 0;
  let closed = false;
  let hidden = false;
  const { debug } = logger;

  const restore = (counts: Entry['r']) => {
    for (const key in counts as Counts) drops[key] = (drops[key] ?? 0) + (counts as Counts)[key]!;
  };
  const record = (reason: DiscardReason, category: DataCategory, quantity = 1) => {
    debug('dropped', quantity, category, reason);
    restore({ [`{"reason":"${reason}","category":"${category}","quantity":`]: quantity });
  };

  const wouldDrop = (category: DataCategory) =>
    isRateLimited(limits, category)
      ? 'ratelimit_backoff'
      : pending.size < maxQueue
        ? undefined
        : 'queue_overflow';

  /** Queues an envelope body; `c` and `r` as in {@link Entry}. */
  const add = (b: Uint8Array, c?: DataCategory, r?: Entry['r']) => {
    pending.add({ b, c, r, n: 0 });
    pump();
  };

  /**
   * Queues an envelope with the drops not yet reported added as a `client_report` item (unless
   * reports are rate limited), if that leaves anything to send; true if it took drops. Throws
   * only for a payload JSON cannot hold, and then takes nothing.
   */
  const pack = (
    headers: EnvelopeHeaders | EnvelopeMeta = meta,
    items: EnvelopeItem[] = [],
    c?: DataCategory,
  ) => {
    const keys = Object.keys(drops);
    const r = keys[0] && !isRateLimited(limits, 'internal') && drops;
    if (r)
      items = [
        ...items,
        [
          { type: 'client_report' },
          {
            timestamp: Math.floor(Date.now() / 1000),
            discarded_events: keys.map((key) => JSON.parse(key + r[key] + '}')),
          },
        ],
      ];
    if (items[0]) {
      const body = serializeEnvelope({ headers: headers as EnvelopeHeaders, items });
      if (r) drops = {};
      add(body, c, r);
    }
    return !!r;
  };

  /** Envelopes the offline queue dropped (beyond its bounds, or expired) are lost events too. */
  const countEvicted = () => {
    const lost = queue?.takeDropped?.();
    if (lost) record('queue_overflow', 'error', lost);
  };

  /**
   * Hands a body to the browser to deliver after the page is gone, or keeps it for later: a
   * beacon sent offline would be lost.
   */
  const rescue = (body: Uint8Array) => {
    if (beaconUrl && !isOffline() && sendBeacon(beaconUrl, body)) return true;
    // No beacon: the offline queue is the last resort.
    const kept = !!queue?.push(body);
    debug('kept offline:', kept);
    countEvicted();
    return kept;
  };

  /** Done with an entry (delivered, dropped or handed on): a `failure` counts its loss. */
  const finish = (entry: Entry, failure?: DiscardReason | false) => {
    if (pending.delete(entry) && failure) {
      restore(entry.r);
      if (entry.c) record(failure, entry.c);
    }
  };

  /** A request is over: the response's status, or 0 for a network error. */
  const settle = (entry: Entry, status: number) => {
    const reason = status ? 'send_error' : 'network_error';
    entry.k = false;
    inflight--;
    if (!pending.has(entry)) return;
    // After a 429 the server has counted the items itself (client reports spec): only the
    // report is kept. 413 and the other 4xx are not retried.
    if (status && status < 500) {
      if (status === 429) restore(entry.r);
      finish(entry, status > 299 && status !== 429 && reason);
    } else {
      debug(`attempt ${entry.n} failed:`, reason);
      // Offline: kept for when the browser is back online.
      if (isOffline() && rescue(entry.b)) finish(entry);
      else if (entry.n > maxRetries) finish(entry, reason);
      // Full jitter: a random delay up to 500 ms × 2^(attempt - 1), at most 30 s.
      else
        setTimeout(
          () => {
            entry.w = false;
            pump();
          },
          Math.random() * Math.min(30_000, 250 * 2 ** entry.n),
        );
    }
  };

  function pump(): void {
    for (const entry of pending)
      if (!entry.w && inflight < concurrency) {
        entry.w = true;
        // A limit may have arrived while this waited: the server would only answer 429.
        if (entry.c && isRateLimited(limits, entry.c)) finish(entry, 'ratelimit_backoff');
        // A fetch started from a hidden page may never run; a beacon does. (Offline, the fetch
        // fails at once and `settle` keeps the envelope.)
        else if (hidden && rescue(entry.b)) finish(entry);
        else {
          entry.n++;
          inflight++;
          entry.k = entry.b.length <= KEEPALIVE_MAX_BYTES;
          send(entry.b, entry.k)
            .then(
              (result) => settle(entry, updateRateLimits(limits, result) && result.status),
              () => settle(entry, 0),
            )
            .catch(logger.error)
            .then(pump);
        }
      }
  }

  /** Polls until nothing is pending, then sends what was dropped meanwhile, until the deadline. */
  const flush = (timeoutMs = 2000) =>
    new Promise<boolean>((resolve) => {
      const deadline = Date.now() + timeoutMs;
      const check = (): unknown =>
        pending.size
          ? Date.now() < deadline
            ? setTimeout(check, 50)
            : resolve(false)
          : pack()
            ? check()
            : resolve(true);
      check();
    });

  /**
   * The page is going away: every envelope not on its way leaves now, then the drop counts,
   * including those of envelopes neither a beacon nor the offline queue would take.
   */
  const hide = (value: boolean) => {
    hidden = value;
    if (value) {
      for (const entry of pending) finish(entry, !entry.k && !rescue(entry.b) && 'network_error');
      pack();
    }
  };
  /** Envelopes kept by an earlier page (offline, or closed mid-send) go out now. */
  const drain = () => {
    if (!isOffline()) for (const body of queue?.takeAll() ?? []) add(body);
    countEvicted();
  };
  const onPage = (event: Event) =>
    event.type === 'online' ? drain() : hide(event.type === 'pagehide' || document.hidden);

  let undo: Array<() => void> = [];
  return {
    // The client sends events only, so every envelope counts as one `error` when lost. It sends
    // sanitized events, which JSON can hold; were serializing to throw anyway, the client's
    // catch counts the event (`internal_sdk_error`).
    send(envelope) {
      if (closed) return;
      const reason = wouldDrop('error');
      if (reason) record(reason, 'error');
      else pack(envelope.headers, envelope.items, 'error');
    },
    recordDroppedEvent: record,
    flush,
    close: (timeoutMs) =>
      flush(timeoutMs).finally(() => {
        closed = true;
      }),
    wouldDrop,
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
