/**
 * Delivery policy shared by every runtime: a bounded queue, limited concurrency, retries with
 * backoff, rate limits and drop accounting. Runtimes only supply an executor that sends bytes
 * (the shape of Sentry's `createTransport(options, makeRequest)`).
 */
import { createDropCounter } from './client-reports.js';
import {
  addItemToEnvelope,
  createClientReportEnvelope,
  type Envelope,
  type EnvelopeMeta,
  itemCategory,
  serializeEnvelope,
} from './envelope.js';
import { cancelTimer, keepAliveTimer, unrefTimer } from './globals.js';
import type { Logger } from './logger.js';
import { isRateLimited, type RateLimits, updateRateLimits } from './rate-limits.js';
import { backoffDelay, outcomeOf, readResponse, resolveTransportOptions } from './transport-policy.js';
import type { ClientReport, DataCategory, DiscardReason } from './types.js';

export interface TransportResponse {
  status: number;
  /** Header values by lower-case name; null or absent when the response had none. */
  headers: { 'x-sentry-rate-limits'?: string | null; 'retry-after'?: string | null };
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
  /** Enqueues an envelope; never throws. Ignored after `close`. */
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
   * runtimes that must deliver synchronously at process exit.
   */
  takePending(): Uint8Array[];
  /**
   * Why an item of this category would be dropped if sent now (queue full, rate limited), so
   * the client can skip building it: an error storm then costs a counter increment per event.
   */
  wouldDrop?(category: DataCategory): DiscardReason | undefined;
}

export interface TransportOptions {
  /** @default a silent logger */
  logger?: Logger;
  /** Envelopes waiting or in flight at most; more are dropped (`queue_overflow`). @default 30 */
  maxQueueSize?: number;
  /** Serialized bytes waiting or in flight at most. @default 5 MiB */
  maxQueueBytes?: number;
  /** Requests in flight at once. @default 2 */
  concurrency?: number;
  /** Retries after the first attempt, on network errors and 5xx. @default 3 */
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

/** Flush sends at most this many standalone reports, so a failing report cannot loop. */
const MAX_REPORT_ROUNDS = 2;

interface Entry {
  bytes: Uint8Array;
  /** Categories of the items whose loss must be counted (client reports excluded). */
  categories: DataCategory[];
  /** The drop report riding along, restored to the counter if delivery fails. */
  report: ClientReport | undefined;
  attempts: number;
  retryTimer: ReturnType<typeof unrefTimer> | undefined;
  done: boolean;
  /** The current attempt's bytes are all on the network (the executor said so). */
  written?: boolean;
}

/** Builds a transport around `executor`. */
export function createTransport(options: TransportOptions, executor: TransportExecutor): Transport {
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
  const entries = new Set<Entry>();
  const ready: Entry[] = [];
  const idleWaiters = new Set<() => void>();
  let limits: RateLimits = new Map();
  let queuedBytes = 0;
  let inflight = 0;
  let closed = false;

  function recordDrop(reason: DiscardReason, category: DataCategory, quantity = 1): void {
    logger.debug(`dropped ${quantity} ${category} item(s): ${reason}`);
    drops.record(reason, category, quantity);
  }

  function recordAll(reason: DiscardReason, categories: DataCategory[]): void {
    for (const category of categories) recordDrop(reason, category);
  }

  /** Serializes, or counts the items as an internal error and returns undefined. */
  function serialize(envelope: Envelope, categories: DataCategory[]): Uint8Array | undefined {
    try {
      return serializeEnvelope(envelope, new Date(now()));
    } catch (error) {
      logger.error('cannot serialize envelope', error);
      recordAll('internal_sdk_error', categories);
      return undefined;
    }
  }

  /** Removes rate-limited items (counting them); undefined when nothing is left. */
  function withoutLimited(envelope: Envelope): Envelope | undefined {
    const items = envelope.items.filter(([headers, payload]) => {
      const category = itemCategory(headers.type);
      if (!isRateLimited(limits, category, now())) return true;
      if (headers.type === 'client_report') drops.restore(payload as ClientReport);
      else recordDrop('ratelimit_backoff', category);
      return false;
    });
    return items.length > 0 ? { headers: envelope.headers, items } : undefined;
  }

  /** Takes pending counts into a report when one may be sent now. */
  function takeReport(): ClientReport | undefined {
    if (!sendClientReports || !drops.hasPending() || isRateLimited(limits, 'internal', now()))
      return undefined;
    return drops.take(now());
  }

  function enqueue(envelope: Envelope): void {
    const filtered = withoutLimited(envelope);
    if (!filtered) return;
    const categories = filtered.items
      .filter(([headers]) => headers.type !== 'client_report')
      .map(([headers]) => itemCategory(headers.type));
    // Checked before serializing, so an error storm costs no serialization.
    if (entries.size >= maxQueueSize) {
      recordAll('queue_overflow', categories);
      return;
    }
    const report = takeReport();
    const full = report ? addItemToEnvelope(filtered, [{ type: 'client_report' }, report]) : filtered;
    const bytes = serialize(full, categories);
    if (!bytes) {
      if (report) drops.restore(report);
      return;
    }
    if (queuedBytes + bytes.length > maxQueueBytes) {
      if (report) drops.restore(report);
      recordAll('queue_overflow', categories);
      return;
    }
    const entry: Entry = { bytes, categories, report, attempts: 0, retryTimer: undefined, done: false };
    entries.add(entry);
    queuedBytes += bytes.length;
    ready.push(entry);
    pump();
  }

  function wakeIfIdle(): void {
    if (entries.size === 0) for (const wake of [...idleWaiters]) wake();
  }

  function finish(entry: Entry, failure?: DiscardReason, wake = true): void {
    if (entry.done) return;
    entry.done = true;
    entries.delete(entry);
    queuedBytes -= entry.bytes.length;
    cancelTimer(entry.retryTimer);
    if (failure !== undefined) {
      // The report riding along was not delivered: keep its counts for the next one.
      if (entry.report) drops.restore(entry.report);
      recordAll(failure, entry.categories);
    }
    if (wake) wakeIfIdle();
  }

  function pump(): void {
    while (inflight < concurrency && ready.length > 0) {
      const entry = ready.shift();
      if (entry && !entry.done) dispatch(entry);
    }
  }

  function dispatch(entry: Entry): void {
    // A limit may have arrived while this waited: then the server would only answer 429.
    const t = now();
    if (entry.categories.length > 0 && entry.categories.every((c) => isRateLimited(limits, c, t))) {
      finish(entry, 'ratelimit_backoff');
      return;
    }
    entry.attempts += 1;
    inflight += 1;
    entry.written = false;
    let request: Promise<unknown>;
    try {
      request = Promise.resolve(
        executor.send(entry.bytes, () => {
          entry.written = true;
        }),
      );
    } catch (error) {
      request = Promise.reject(error);
    }
    request
      .then(
        (response) => onResponse(entry, response),
        (error: unknown) => onFailure(entry, 'network_error', error),
      )
      .catch((error: unknown) => logger.error('transport bookkeeping failed', error))
      .then(() => {
        inflight -= 1;
        pump();
      })
      .catch((error: unknown) => logger.error('transport bookkeeping failed', error));
  }

  function onResponse(entry: Entry, value: unknown): void {
    const response = readResponse(value);
    if (!response) {
      onFailure(entry, 'network_error', new Error('executor returned no response'));
      return;
    }
    // Limits apply even when this envelope was taken meanwhile.
    limits = updateRateLimits(limits, response, now());
    if (entry.done) return;
    const outcome = outcomeOf(response.status);
    if (outcome.kind === 'delivered') {
      finish(entry);
    } else if (outcome.kind === 'rate_limited') {
      logger.debug('rate limited by the server (429)');
      if (entry.report) drops.restore(entry.report);
      entry.report = undefined;
      finish(entry);
    } else if (outcome.kind === 'retry') {
      onFailure(entry, outcome.reason, new Error(`HTTP ${response.status}`));
    } else {
      logger.debug(`envelope rejected with HTTP ${response.status}`);
      finish(entry, outcome.reason);
    }
  }

  function onFailure(entry: Entry, reason: DiscardReason, error: unknown): void {
    if (entry.done) return;
    // This attempt did not arrive: until the retry is on the wire, exit delivery may send it.
    entry.written = false;
    if (entry.attempts > maxRetries) {
      logger.debug(`giving up after ${entry.attempts} attempt(s)`, error);
      finish(entry, reason);
      return;
    }
    const delay = backoffDelay(entry.attempts, retryBaseMs);
    logger.debug(`attempt ${entry.attempts} failed; retrying in ${delay} ms`, error);
    entry.retryTimer = unrefTimer(() => {
      entry.retryTimer = undefined;
      if (entry.done) return;
      ready.unshift(entry);
      pump();
    }, delay);
  }

  /** Queues a standalone report of pending drops; false when there is none to send. */
  function enqueueReport(): boolean {
    const report = takeReport();
    if (!report) return false;
    const bytes = serialize(createClientReportEnvelope(report, meta), []);
    if (!bytes) {
      drops.restore(report);
      return false;
    }
    const entry: Entry = { bytes, categories: [], report, attempts: 0, retryTimer: undefined, done: false };
    entries.add(entry);
    queuedBytes += bytes.length;
    ready.push(entry);
    pump();
    return true;
  }

  function flush(timeoutMs?: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let reportRounds = 0;
      let timer: ReturnType<typeof unrefTimer> | undefined;
      const settle = (result: boolean): void => {
        idleWaiters.delete(check);
        cancelTimer(timer);
        resolve(result);
      };
      // Runs now and whenever the queue empties: once idle, send what was dropped meanwhile.
      function check(): void {
        try {
          if (entries.size > 0) return;
          if (reportRounds < MAX_REPORT_ROUNDS) {
            reportRounds += 1;
            if (enqueueReport()) return;
          }
          settle(entries.size === 0);
        } catch (error) {
          logger.debug('flush failed', error);
          settle(false);
        }
      }
      idleWaiters.add(check);
      if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
        timer = keepAliveTimer(() => settle(false), Math.max(0, timeoutMs));
      }
      check();
    });
  }

  return {
    send(envelope) {
      if (closed) {
        logger.debug('transport is closed; envelope ignored');
        return;
      }
      try {
        enqueue(envelope);
      } catch (error) {
        logger.error('cannot queue envelope', error);
        try {
          for (const [headers] of envelope.items)
            recordDrop('internal_sdk_error', itemCategory(headers.type));
        } catch {
          // Not even the items could be read; nothing to count.
        }
      }
    },
    recordDroppedEvent(reason, category, quantity = 1) {
      // Counted only: the caller (the client) decided the drop and logged it.
      drops.record(reason, category, quantity);
    },
    flush,
    async close(timeoutMs) {
      const started = Date.now();
      const ok = await flush(timeoutMs);
      closed = true;
      try {
        if (executor.close) {
          const left = timeoutMs === undefined ? undefined : Math.max(0, timeoutMs - (Date.now() - started));
          // The app awaits this bound: an unref'd timer would let the process end with the close
          // unsettled (code after `await close()` never runs) when a send hangs.
          let bound: ReturnType<typeof keepAliveTimer> | undefined;
          try {
            await Promise.race([
              Promise.resolve(executor.close()),
              new Promise<void>((resolve) => {
                if (left !== undefined) bound = keepAliveTimer(resolve, left);
              }),
            ]);
          } finally {
            cancelTimer(bound);
          }
        }
      } catch (error) {
        logger.debug('executor close failed', error);
      }
      return ok;
    },
    wouldDrop(category) {
      if (isRateLimited(limits, category, now())) return 'ratelimit_backoff';
      return entries.size >= maxQueueSize ? 'queue_overflow' : undefined;
    },
    takePending() {
      const out: Uint8Array[] = [];
      try {
        const t = now();
        for (const entry of [...entries]) {
          // Already on the wire: the receiver has it, and a second copy would count it twice.
          if (entry.written) continue;
          if (entry.categories.length > 0 && entry.categories.every((c) => isRateLimited(limits, c, t))) {
            finish(entry, 'ratelimit_backoff', false);
            continue;
          }
          out.push(entry.bytes);
          entry.report = undefined;
          finish(entry, undefined, false);
        }
        ready.length = 0;
        for (
          let report = sendClientReports && !isRateLimited(limits, 'internal', t) ? drops.take(t) : undefined;
          report;
          report = drops.take(t)
        ) {
          const bytes = serialize(createClientReportEnvelope(report, meta), []);
          if (!bytes) break;
          out.push(bytes);
        }
      } catch (error) {
        logger.debug('takePending failed', error);
      }
      // Flushes still waiting are done now: everything was handed over.
      wakeIfIdle();
      return out;
    },
  };
}
