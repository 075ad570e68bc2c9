/**
 * The pure rules of delivery: what an answer means, how long to wait before a retry, and the
 * defaults of the transport options. The transport applies them; nothing here keeps state.
 */
import type { Logger } from './logger.js';
import type { RateLimitResponse } from './rate-limits.js';
import type { TransportOptions } from './transport.js';
import type { DiscardReason } from './types.js';

/** What to do with an envelope after an answer (or a failure to get one). */
export type Outcome =
  | { kind: 'delivered' }
  /** 429: not retried and not reported; the server counted the items (client reports spec). */
  | { kind: 'rate_limited' }
  | { kind: 'rejected'; reason: DiscardReason };

/**
 * 2xx delivered; 429 rate limited; every other status, 5xx and 413 included, rejected for good
 * as `send_error`: an SDK must discard an envelope a 4xx or 5xx answered, and may retry only when
 * no answer came (https://develop.sentry.dev/sdk/expected-features/#dealing-with-network-failures).
 * A retried 5xx would send again what the ingest may have taken (a check-in, a client report
 * counted twice) and hits an ingest that is recovering with every client's backlog at once.
 */
export const outcomeOf = (status: number): Outcome =>
  status > 199 && status < 300
    ? { kind: 'delivered' }
    : status === 429
      ? { kind: 'rate_limited' }
      : { kind: 'rejected', reason: 'send_error' };

/** The executor's answer, if it is one: a finite `status` and `headers` as rate limiting reads them. */
export const readResponse = (value: unknown): RateLimitResponse | undefined =>
  Number.isFinite((value as RateLimitResponse)?.status) ? (value as RateLimitResponse) : undefined;

/**
 * Exponential backoff with full jitter: a random delay in [0, base × 2^(attempt − 1)), capped
 * at 30 s (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */
export const backoffDelay = (attempt: number, baseMs: number, random: () => number = Math.random): number =>
  Math.floor(random() * Math.min(30_000, baseMs * 2 ** Math.max(0, attempt - 1)));

export interface ResolvedTransportOptions {
  logger: Logger;
  maxQueueSize: number;
  maxQueueBytes: number;
  concurrency: number;
  maxRetries: number;
  retryBaseMs: number;
  sendClientReports: boolean;
  now: () => number;
}

/** `value` rounded down if it is a finite number of at least `min`, else `fallback`. */
const whole = (value: unknown, fallback: number, min = 1) =>
  (value as number) >= min && Number.isFinite(value) ? Math.floor(value as number) : fallback;

const silent = () => {};

/** Fills in defaults; out-of-range numbers (and `maxQueueSize: 0`) fall back to them. */
export const resolveTransportOptions = (options: TransportOptions): ResolvedTransportOptions => ({
  logger: options.logger ?? { enabled: false, debug: silent, warn: silent, error: silent },
  maxQueueSize: whole(options.maxQueueSize, 64),
  maxQueueBytes: whole(options.maxQueueBytes, 5 * 1024 * 1024),
  concurrency: whole(options.concurrency, 2),
  maxRetries: whole(options.maxRetries, 3, 0),
  retryBaseMs: whole(options.retryBaseMs, 500, 0),
  sendClientReports: options.sendClientReports !== false,
  // A broken injected clock must not break delivery.
  now() {
    try {
      const value = options.now?.();
      return Number.isFinite(value) ? (value as number) : Date.now();
    } catch {
      return Date.now();
    }
  },
});
