/**
 * Delivery policy: a bounded queue, limited concurrency, retries with backoff for network
 * errors and 5xx, rate limits, and a count of every dropped event by reason, sent as a
 * `client_report` item (https://develop.sentry.dev/sdk/telemetry/client-reports/) with the next
 * envelope or on flush. The executor only sends bytes (`delivery.ts`).
 */
import type {
  DataCategory,
  DiscardReason,
  Envelope,
  EnvelopeItem,
  EnvelopeMeta,
  Logger,
  Transport,
} from '@faultline/core';
import { serializeEnvelope } from './envelope.js';
import { isRateLimited, type RateLimits, updateRateLimits } from './rate-limits.js';

/** What the executor answers: a `fetch` Response, or a stand-in for a beacon. */
export interface SendResult {
  status: number;
  headers: { get(name: string): string | null };
}

export type Executor = (body: Uint8Array) => Promise<SendResult>;

export interface BrowserTransportOptions {
  /** Envelopes waiting or in flight at most; more are dropped and counted (`queue_overflow`). @default 30 */
  maxQueueSize?: number;
  /** Requests in flight at once. @default 2 */
  concurrency?: number;
  /** Retries after the first attempt, on network errors and 5xx. @default 3 */
  maxRetries?: number;
}

/** Serialized bytes waiting or in flight at most. */
const MAX_QUEUE_BYTES = 5 * 1024 * 1024;
const MAX_RETRY_DELAY_MS = 30_000;

interface Entry {
  body: Uint8Array;
  /** Category of the item whose loss must be counted (none for a standalone report). */
  category: DataCategory | undefined;
  /** Drop counts riding along, restored if delivery fails. */
  report: Record<string, number> | undefined;
  attempts: number;
  done?: boolean;
}

const whole = (value: number | undefined, fallback: number) =>
  Number.isInteger(value) && value! >= 0 ? value! : fallback;

export function createTransport(
  send: Executor,
  options: BrowserTransportOptions,
  meta: EnvelopeMeta,
  logger: Logger,
): Transport {
  const maxQueue = whole(options.maxQueueSize, 30) || 1;
  const concurrency = whole(options.concurrency, 2) || 1;
  const maxRetries = whole(options.maxRetries, 3);
  const ready: Entry[] = [];
  const pending = new Set<Entry>();
  const idle: Array<() => void> = [];
  const limits: RateLimits = {};
  /** `reason:category` → count, not yet reported. */
  let drops: Record<string, number> = {};
  let bytes = 0;
  let inflight = 0;
  let closed = false;

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

  const enqueue = (envelope: Envelope, category?: DataCategory) => {
    if (category && isRateLimited(limits, category)) return record('ratelimit_backoff', category);
    if (category && pending.size >= maxQueue) return record('queue_overflow', category);
    const report = takeReport();
    let body: Uint8Array;
    try {
      body = serializeEnvelope(
        report ? { ...envelope, items: [...envelope.items, reportItem(report)] } : envelope,
      );
    } catch (error) {
      logger.error('cannot serialize envelope', error);
      restore(report);
      return category && record('internal_sdk_error', category);
    }
    if (bytes + body.length > MAX_QUEUE_BYTES) {
      restore(report);
      return category && record('queue_overflow', category);
    }
    const entry: Entry = { body, category, report, attempts: 0 };
    bytes += body.length;
    pending.add(entry);
    ready.push(entry);
    pump();
  };

  const finish = (entry: Entry, failure?: DiscardReason) => {
    if (entry.done) return;
    entry.done = true;
    pending.delete(entry);
    bytes -= entry.body.length;
    if (failure) {
      restore(entry.report);
      if (entry.category) record(failure, entry.category);
    }
    if (!pending.size) for (const wake of idle.splice(0)) wake();
  };

  const retry = (entry: Entry, reason: DiscardReason) => {
    if (entry.attempts > maxRetries) return finish(entry, reason);
    // Full jitter: a random delay up to 500 ms × 2^attempt, at most 30 s.
    const delay = Math.random() * Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** (entry.attempts - 1));
    logger.debug(`attempt ${entry.attempts} failed (${reason}); retrying in ${Math.round(delay)} ms`);
    setTimeout(() => {
      ready.unshift(entry);
      pump();
    }, delay);
  };

  const onResponse = (entry: Entry, { status, headers }: SendResult) => {
    updateRateLimits(limits, status, headers.get('x-sentry-rate-limits'), headers.get('retry-after'));
    if (status === 429) {
      // The server counted the items itself (client reports spec); only the report is kept.
      logger.debug('rate limited by the server (429)');
      restore(entry.report);
      entry.report = undefined;
    }
    if (status >= 500) retry(entry, 'send_error');
    // 413 and the other 4xx are not retried.
    else finish(entry, status < 300 || status === 429 ? undefined : 'send_error');
  };

  function pump(): void {
    while (inflight < concurrency && ready.length) {
      const entry = ready.shift()!;
      if (entry.done) continue;
      // A limit may have arrived while this waited: the server would only answer 429.
      if (entry.category && isRateLimited(limits, entry.category)) {
        finish(entry, 'ratelimit_backoff');
        continue;
      }
      entry.attempts++;
      inflight++;
      send(entry.body)
        .then(
          (response) => entry.done || onResponse(entry, response),
          (error) => {
            logger.debug('envelope not sent', error);
            if (!entry.done) retry(entry, 'network_error');
          },
        )
        .catch((error) => logger.error('transport bookkeeping failed', error))
        .then(() => {
          inflight--;
          pump();
        });
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
    takePending() {
      const out: Uint8Array[] = [];
      for (const entry of pending) {
        out.push(entry.body);
        entry.report = undefined;
        finish(entry);
      }
      const report = takeReport();
      if (report) out.push(serializeEnvelope({ headers: { ...meta }, items: [reportItem(report)] }));
      return out;
    },
  };
}
