/**
 * The pure rules of delivery: what an answer means, how long to wait before a retry, and the
 * defaults of the transport options. The transport applies them; nothing here keeps state.
 */
import { createLogger, type Logger } from './logger.js';
import type { RateLimitResponse } from './rate-limits.js';
import type { TransportOptions } from './transport.js';
import type { DiscardReason } from './types.js';

/** What to do with an envelope after an answer (or a failure to get one). */
export type Outcome =
  | { kind: 'delivered' }
  /** 429: not retried and not reported; the server counted the items (client reports spec). */
  | { kind: 'rate_limited' }
  | { kind: 'retry'; reason: DiscardReason }
  | { kind: 'rejected'; reason: DiscardReason };

/**
 * 2xx delivered; 429 rate limited; 5xx retried (then `send_error`); every other status,
 * 413 included, rejected for good as `send_error`.
 */
export function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 429) return { kind: 'rate_limited' };
  if (status >= 500 && status < 600) return { kind: 'retry', reason: 'send_error' };
  return { kind: 'rejected', reason: 'send_error' };
}

/** The executor's answer reduced to what the policy reads, or undefined if it is not one. */
export function readResponse(value: unknown): RateLimitResponse | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { status, headers } = value as { status?: unknown; headers?: unknown };
  if (typeof status !== 'number' || !Number.isFinite(status)) return undefined;
  const header = (name: string): string | null => {
    if (typeof headers !== 'object' || headers === null) return null;
    const found = (headers as Record<string, unknown>)[name];
    return typeof found === 'string' ? found : null;
  };
  return {
    status,
    headers: { 'x-sentry-rate-limits': header('x-sentry-rate-limits'), 'retry-after': header('retry-after') },
  };
}

const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Exponential backoff with full jitter: a random delay in [0, base × 2^(attempt − 1)), capped
 * at 30 s (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const cap = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

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

function whole(value: number | undefined, fallback: number, min: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min ? Math.floor(value) : fallback;
}

/** Fills in defaults; out-of-range numbers fall back to them. */
export function resolveTransportOptions(options: TransportOptions): ResolvedTransportOptions {
  const clock = options.now;
  return {
    logger: options.logger ?? createLogger(false),
    maxQueueSize: whole(options.maxQueueSize, 30, 1),
    maxQueueBytes: whole(options.maxQueueBytes, 5 * 1024 * 1024, 1),
    concurrency: whole(options.concurrency, 2, 1),
    maxRetries: whole(options.maxRetries, 3, 0),
    retryBaseMs: whole(options.retryBaseMs, 500, 0),
    sendClientReports: options.sendClientReports !== false,
    // A broken injected clock must not break delivery.
    now: () => {
      try {
        const value = clock?.() ?? Date.now();
        return Number.isFinite(value) ? value : Date.now();
      } catch {
        return Date.now();
      }
    },
  };
}
