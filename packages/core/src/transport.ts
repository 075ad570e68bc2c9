/**
 * Delivery policy shared by every runtime: a bounded queue, limited concurrency, retries with
 * backoff, rate limits and drop accounting. Runtimes only supply an executor that sends bytes
 * (the shape of Sentry's `createTransport(options, makeRequest)`).
 */
import { createDropCounter } from './client-reports.js';
import {
  createClientReportEnvelope,
  type Envelope,
  type EnvelopeMeta,
  itemCategory,
  serializeEnvelope,
  stampSentAt,
} from './envelope.js';
import { cancelTimer, keepAliveTimer, type Timer, unrefTimer } from './globals.js';
import type { Logger } from './logger.js';
import { isRateLimited, type RateLimits, updateRateLimits } from './rate-limits.js';
import { backoffDelay, outcomeOf, readResponse, resolveTransportOptions } from './transport-policy.js';
import type { ClientReport, DataCategory, DiscardReason } from './types.js';

export interface TransportResponse {
  status: number;
  /**
   * Header values by lower-case name (null or absent when the response had none), or a
   * `fetch` Response's headers.
   */
  headers:
    | { 'x-sentry-rate-limits'?: string | null; 'retry-after'?: string | null }
    | { get(name: string): string | null };
}

/** Runtime-specific "send these bytes" part. Rejects on network errors. */
export interface TransportExecutor {
  /**
   * `written`, when the executor can tell, is called once every byte of the body has been
   * handed to the network: from then on the receiver may have it, so delivery at exit does not
   * send it a second time.
   */
  send(body: Uint8Array, written?: () => void): Promise<TransportResponse>;
  close?(): Promise<void>;
}

export interface Transport {
  /**
   * Enqueues an envelope; never throws. Ignored after `close`. The envelope is read-only: parts
   * that did not change between events are shared by them and frozen, so copy what you change.
   */
  send(envelope: Envelope): void;
  recordDroppedEvent(reason: DiscardReason, category: DataCategory, quantity?: number): void;
  /** Resolves true once everything queued (and retries in progress) is done; false on timeout. Never rejects. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Flushes, then ignores further sends. Never rejects. */
  close(timeoutMs?: number): Promise<boolean>;
  /**
   * Serialized envelopes not yet acknowledged and not yet written to the network (queued,
   * waiting for a retry, or in flight but unwritten), plus a report of pending drops unless
   * reports are rate limited; marks them taken so late completions neither retry nor count
   * them. Envelopes whose items are all rate limited are dropped and counted instead. Used by
   * runtimes that must deliver synchronously at process exit, or before a page goes away.
   * `handOver`, when given, is offered each body first: a body it refuses (returns false for)
   * is counted as lost (`network_error`), and a refused report is kept for later.
   */
  takePending(handOver?: (body: Uint8Array) => boolean): Uint8Array[];
  /**
   * Why an item of this category would be dropped if sent now (queue full, rate limited), so
   * the client can skip building it: an error storm then costs a counter increment per event.
   */
  wouldDrop?(category: DataCategory): DiscardReason | undefined;
}

export interface TransportOptions {
  /** @default a silent logger */
  logger?: Logger;
  /** Envelopes waiting or in flight at most; more are dropped (`queue_overflow`). @default 64 */
  maxQueueSize?: number;
  /** Serialized bytes waiting or in flight at most. @default 5 MiB */
  maxQueueBytes?: number;
  /** Requests in flight at once. @default 2 */
  concurrency?: number;
  /** Retries after the first attempt, when no answer came (network errors). @default 3 */
  maxRetries?: number;
  /** Base of the exponential backoff (full jitter: a random delay up to base × 2^attempt). @default 500 */
  retryBaseMs?: number;
  /** Send counts of dropped events as `client_report` items. @default true */
  sendClientReports?: boolean;
  /** `dsn` and `sdk` for the envelopes the transport builds itself (client reports). */
  envelopeMeta?: EnvelopeMeta;
  /** Clock in ms, for rate limits and report timestamps. @default Date.now */
  now?: () => number;
}

interface Entry {
  /** The serialized envelope. */
  b: Uint8Array;
  /** Categories of the items whose loss must be counted (client reports excluded). */
  c: DataCategory[];
  /** The drop report riding along, restored to the counter if delivery fails. */
  r?: ClientReport | undefined;
  /** Attempts so far. */
  n: number;
  /** Busy: in flight or waiting for a retry (else waiting to be sent). */
  w?: boolean;
  /** The retry timer. */
  t?: Timer;
  /** The current attempt's bytes are all on the network (the executor said so). */
  k?: boolean;
  /** When `b` got its `sent_at`, in ms; undefined for bytes serialized elsewhere (kept offline). */
  s?: number | undefined;
}

/** Bytes that wait longer than this before leaving get a new `sent_at`. */
const STALE_SENT_AT_MS = 1000;

/**
 * Builds a transport around `executor`. Its `send` also takes an envelope serialized earlier
 * (kept while offline), sent as it is; its loss is not counted.
 */
export function createTransport(
  options: TransportOptions,
  executor: TransportExecutor,
): Transport & { send(envelope: Envelope | Uint8Array): void } {
  const {
    logger,
    maxQueueSize,
    maxQueueBytes,
    concurrency,
    maxRetries,
    retryBaseMs,
    now,
    sendClientReports,
  } = resolveTransportOptions(options);
  const meta = options.envelopeMeta ?? {};
  const drops = createDropCounter();
  /** Entries not done yet, oldest first. */
  const entries = new Set<Entry>();
  /** Flushes waiting for the queue to empty. */
  const waiters = new Set<() => void>();
  let limits: RateLimits = new Map();
  let queuedBytes = 0;
  let inflight = 0;
  let closed = false;
  let pumpTimer: Timer | undefined;
  /**
   * A send got no answer (connection refused or reset, timeout): until one gets an answer, one
   * envelope at a time (`probe`) tries the receiver, and the others wait without spending their
   * retries. While the receiver is unreachable, each backoff then costs one connection attempt
   * rather than one per queued envelope.
   */
  let down = false;
  let probe: Entry | undefined;

  /** Tells waiting flushes, once nothing is left. */
  const wake = () => {
    if (!entries.size) for (const waiter of [...waiters]) waiter();
  };
  // Asked before every capture is built: without a limit there is nothing to look up.
  const limited = (category: DataCategory) => limits.size > 0 && isRateLimited(limits, category, now());
  /** Every item of the entry is limited now (a standalone report is not an item). */
  const allLimited = (entry: Entry) => entry.c[0] && entry.c.every(limited);
  const drop = (reason: DiscardReason, categories: DataCategory[]) => {
    for (const category of categories) {
      logger.debug(`dropped ${category}: ${reason}`);
      drops.record(reason, category);
    }
  };
  /** Pending counts as a report, when one may be sent now. */
  const takeReport = () => (sendClientReports && !limited('internal') ? drops.take(now()) : undefined);
  const serialize = (envelope: Envelope) => serializeEnvelope(envelope, new Date(now()));

  /** Queues an envelope (`c` and `r` as in {@link Entry}); false if it could not be. */
  function enqueue(envelope: Envelope | Uint8Array, c: DataCategory[] = [], r?: ClientReport): boolean {
    let b: Uint8Array;
    try {
      b = envelope instanceof Uint8Array ? envelope : serialize(envelope);
    } catch (error) {
      logger.error(error);
      drops.restore(r);
      drop('internal_sdk_error', c);
      return false;
    }
    if (queuedBytes + b.length > maxQueueBytes) {
      drops.restore(r);
      drop('queue_overflow', c);
      return false;
    }
    entries.add({ b, c, r, n: 0, s: envelope instanceof Uint8Array ? undefined : now() });
    queuedBytes += b.length;
    schedulePump();
    return true;
  }

  /**
   * Sends what was queued once the app's current task is done, not inside its capture call:
   * opening a connection (and, the first time, loading the HTTP client) is no work for the
   * code that failed, and a loop of captures reaches the network once. What is still queued
   * when the process exits or the page hides is handed over by `takePending`.
   */
  function schedulePump(): void {
    if (pumpTimer === undefined)
      pumpTimer = unrefTimer(() => {
        pumpTimer = undefined;
        pump();
      }, 0);
  }

  /** Done with an entry: a `failure` counts its loss; `tell` wakes waiting flushes when all is done. */
  function finish(entry: Entry, failure?: DiscardReason, tell = true): void {
    if (!entries.delete(entry)) return;
    if (probe === entry) probe = undefined;
    queuedBytes -= entry.b.length;
    cancelTimer(entry.t);
    if (failure) {
      // The report riding along was not delivered: keep its counts for the next one.
      drops.restore(entry.r);
      drop(failure, entry.c);
    }
    if (tell) wake();
  }

  function pump(): void {
    let sent = false;
    for (const entry of entries) {
      if (down && probe && probe !== entry) continue;
      if (inflight < concurrency && !entry.w) {
        // One send per macrotask: a request (the first loads the HTTP client and opens a
        // connection) is work the app's event loop feels; the next goes in the next one.
        if (sent) {
          schedulePump();
          return;
        }
        if (down) probe = entry;
        entry.w = true;
        // A limit may have arrived while this waited: then the server would only answer 429.
        if (allLimited(entry)) finish(entry, 'ratelimit_backoff');
        else {
          dispatch(entry);
          sent = true;
        }
      }
    }
  }

  /** A failed attempt: retried after a backoff, or counted once the retries are spent. */
  function retry(entry: Entry, reason: DiscardReason, error: unknown): void {
    if (!entries.has(entry)) return;
    // This attempt did not arrive: until the retry is on the wire, exit delivery may send it.
    entry.k = false;
    if (entry.n > maxRetries) {
      logger.debug('gave up:', error);
      finish(entry, reason);
      return;
    }
    const delay = backoffDelay(entry.n, retryBaseMs);
    if (reason === 'network_error') {
      down = true;
      probe ??= entry;
    }
    logger.debug(`retry in ${delay} ms:`, error);
    entry.t = unrefTimer(() => {
      entry.w = false;
      pump();
    }, delay);
  }

  /**
   * The entry's bytes, saying when they leave: the server corrects the event's clock by
   * `sent_at`, so a retry or an envelope kept offline must not carry the time it was serialized.
   */
  function leaving(entry: Entry): Uint8Array {
    const at = now();
    if (entry.s === undefined || at - entry.s >= STALE_SENT_AT_MS) {
      const b = stampSentAt(entry.b, new Date(at));
      queuedBytes += b.length - entry.b.length;
      entry.b = b;
      entry.s = at;
    }
    return entry.b;
  }

  function dispatch(entry: Entry): void {
    const bytes = leaving(entry);
    entry.n++;
    inflight++;
    entry.k = false;
    new Promise((resolve) =>
      resolve(
        executor.send(bytes, () => {
          entry.k = true;
        }),
      ),
    )
      .then(
        (value) => {
          const response = readResponse(value);
          if (!response) return retry(entry, 'network_error', 'no response');
          // An answer, whatever it says: the receiver is reachable again.
          down = false;
          probe = undefined;
          // Limits apply even when this envelope was taken meanwhile.
          limits = updateRateLimits(limits, response, now());
          const { kind, reason } = outcomeOf(response.status) as { kind: string; reason?: DiscardReason };
          if (!entries.has(entry)) return;
          if (kind !== 'delivered') logger.debug(`HTTP ${response.status}`);
          // A report on its own that the receiver refused (a 4xx: a wrong key, a project that
          // is gone) would be refused again, at every flush: its counts go with it.
          if (kind === 'rejected' && response.status < 500 && !entry.c.length) entry.r = undefined;
          if (kind === 'rate_limited') {
            // The server counted the items itself (client reports spec): only the report is kept.
            drops.restore(entry.r);
            entry.r = undefined;
          }
          finish(entry, reason);
        },
        (error: unknown) => retry(entry, 'network_error', error),
      )
      .finally(() => {
        inflight--;
        pump();
      })
      .catch(logger.error);
  }

  /** Queues a standalone report of pending drops; false when there is none to send. */
  function enqueueReport(): boolean {
    const report = takeReport();
    return !!report && enqueue(createClientReportEnvelope(report, meta), [], report);
  }

  const flush = (timeoutMs?: number) =>
    new Promise<boolean>((resolve) => {
      // Flush sends at most two standalone reports, so a failing report cannot loop.
      let reports = 0;
      let timer: Timer | undefined;
      const settle = (result: boolean): void => {
        waiters.delete(check);
        cancelTimer(timer);
        resolve(result);
      };
      // Runs now and whenever the queue empties: once idle, send what was dropped meanwhile.
      const check = () => {
        try {
          if (!entries.size && !(reports++ < 2 && enqueueReport())) settle(true);
        } catch (error) {
          logger.debug('flush:', error);
          settle(false);
        }
      };
      waiters.add(check);
      if (Number.isFinite(timeoutMs)) timer = keepAliveTimer(() => settle(false), Math.max(0, timeoutMs!));
      check();
    });

  return {
    send(envelope) {
      if (closed) return logger.debug('transport closed');
      try {
        if (envelope instanceof Uint8Array) return void enqueue(envelope);
        const c: DataCategory[] = [];
        const items = envelope.items.filter(([headers, payload]) => {
          const category = itemCategory(headers.type);
          const report = headers.type === 'client_report';
          if (limited(category)) {
            if (report) drops.restore(payload as ClientReport);
            else drop('ratelimit_backoff', [category]);
            return false;
          }
          if (!report) c.push(category);
          return true;
        });
        if (!items[0]) return;
        // Checked before serializing, so an error storm costs no serialization.
        if (entries.size >= maxQueueSize) return drop('queue_overflow', c);
        const report = takeReport();
        enqueue(
          {
            headers: envelope.headers,
            items: report ? [...items, [{ type: 'client_report' }, report]] : items,
          },
          c,
          report,
        );
      } catch (error) {
        logger.error(error);
        try {
          drop(
            'internal_sdk_error',
            (envelope as Envelope).items.map(([headers]) => itemCategory(headers.type)),
          );
        } catch {
          // Not even the items could be read; nothing to count.
        }
      }
    },
    // Counted only: the caller (the client) decided the drop and logged it.
    recordDroppedEvent: (reason, category, quantity) => drops.record(reason, category, quantity),
    flush,
    async close(timeoutMs) {
      const started = Date.now();
      const ok = await flush(timeoutMs);
      closed = true;
      // The app awaits this bound: an unref'd timer would let the process end with the close
      // unsettled (code after `await close()` never runs) when a send hangs.
      let bound: Timer | undefined;
      await Promise.race([
        new Promise((resolve) => resolve(executor.close?.())),
        new Promise((resolve) => {
          if (Number.isFinite(timeoutMs))
            bound = keepAliveTimer(() => resolve(0), Math.max(0, timeoutMs! - Date.now() + started));
        }),
      ]).catch(logger.debug);
      cancelTimer(bound);
      return ok;
    },
    wouldDrop: (category) =>
      limited(category) ? 'ratelimit_backoff' : entries.size >= maxQueueSize ? 'queue_overflow' : undefined,
    takePending(handOver) {
      const out: Uint8Array[] = [];
      const give = (body: Uint8Array) => (!handOver || handOver(body)) && out.push(body);
      try {
        for (const entry of entries)
          if (allLimited(entry)) finish(entry, 'ratelimit_backoff', false);
          // Already on the wire: the receiver has it, and a second copy would count it twice.
          else if (!entry.k) {
            const given = give(leaving(entry));
            if (given) entry.r = undefined;
            finish(entry, given ? undefined : 'network_error', false);
          }
        for (let report = takeReport(); report; report = drops.take(now()))
          if (!give(serialize(createClientReportEnvelope(report, meta)))) {
            drops.restore(report);
            break;
          }
      } catch (error) {
        logger.debug(error);
      }
      // Flushes still waiting are done now: everything was handed over.
      wake();
      return out;
    },
  };
}
