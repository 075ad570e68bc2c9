/**
 * Rate limits announced by the server, per data category.
 *
 * Rules (https://develop.sentry.dev/sdk/expected-features/rate-limiting/): parse
 * `X-Sentry-Rate-Limits` on every response that carries it, whatever the status (Relay may
 * announce limits on a 200); otherwise a 429 applies `Retry-After` to every category, and a
 * 429 with neither header means 60 seconds for every category. Overlapping limits keep the
 * later deadline.
 */

/** Category (or `all`) → the time in ms (epoch) until which it is limited. */
export type RateLimits = Map<string, number>;

/** The response facts rate limiting needs; header names are lower-case. */
export interface RateLimitResponse {
  status: number;
  headers: { 'x-sentry-rate-limits'?: string | null; 'retry-after'?: string | null };
}

/** The key under which a limit for every category is stored. */
export const ALL_CATEGORIES = 'all';

/** What a 429 without any usable header means (protocol default). */
export const DEFAULT_RETRY_AFTER_MS = 60_000;

/**
 * Categories a limit may name (Relay's `DataCategory`). `internal` is absent on purpose:
 * client reports are never limited by name, only by an empty ("all") category list.
 */
const KNOWN_CATEGORIES = new Set([
  'default',
  'error',
  'transaction',
  'span',
  'security',
  'attachment',
  'session',
  'monitor',
  'profile',
  'profile_chunk',
  'replay',
  'feedback',
  'log_item',
  'log_byte',
  'trace_metric',
  'metric_bucket',
]);

/**
 * `Retry-After` as a delay in ms: delta-seconds or an HTTP date (RFC 9110 § 10.2.3).
 * Missing or unreadable values mean the protocol default of 60 s; past dates mean 0.
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number {
  if (typeof header !== 'string' || header.trim() === '') return DEFAULT_RETRY_AFTER_MS;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // An HTTP date always names the weekday or month; this keeps `-3` from parsing as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) return DEFAULT_RETRY_AFTER_MS;
  return Math.max(0, date - now);
}

/** Parses the delta-seconds of one `X-Sentry-Rate-Limits` entry (integer or float). */
function parseSeconds(value: string): number {
  const seconds = Number(value.trim());
  return Number.isFinite(seconds) && seconds >= 0 && value.trim() !== ''
    ? seconds
    : DEFAULT_RETRY_AFTER_MS / 1000;
}

function raise(limits: RateLimits, category: string, until: number): void {
  const current = limits.get(category);
  if (current === undefined || until > current) limits.set(category, until);
}

/**
 * Applies `X-Sentry-Rate-Limits` entries (`secs:cat1;cat2:scope[:reason[:namespaces]]`).
 * Unknown categories are ignored, and so is an entry naming only unknown ones; an empty
 * category list limits everything.
 */
function applyRateLimitHeader(limits: RateLimits, header: string, now: number): void {
  for (const entry of header.split(',')) {
    const fields = entry.trim().split(':');
    const seconds = fields[0];
    if (seconds === undefined || seconds.trim() === '') continue;
    const until = now + parseSeconds(seconds) * 1000;
    const categories = (fields[1] ?? '')
      .split(';')
      .map((c) => c.trim())
      .filter((c) => c !== '');
    if (categories.length === 0) {
      raise(limits, ALL_CATEGORIES, until);
      continue;
    }
    for (const category of categories) {
      if (KNOWN_CATEGORIES.has(category)) raise(limits, category, until);
    }
  }
}

/**
 * Returns new limits after a response (the input map is not modified). Never throws.
 *
 * @example
 * limits = updateRateLimits(limits, { status: 429, headers: { 'retry-after': '30' } });
 */
export function updateRateLimits(
  limits: RateLimits,
  response: RateLimitResponse,
  now: number = Date.now(),
): RateLimits {
  const next: RateLimits = new Map(limits);
  const header = response.headers['x-sentry-rate-limits'];
  if (typeof header === 'string' && header.trim() !== '') {
    applyRateLimitHeader(next, header, now);
  } else if (response.status === 429) {
    raise(next, ALL_CATEGORIES, now + parseRetryAfter(response.headers['retry-after'], now));
  }
  return next;
}

/** The time (ms epoch) until which `category` is limited, or 0. */
export function disabledUntil(limits: RateLimits, category: string): number {
  return Math.max(limits.get(category) ?? 0, limits.get(ALL_CATEGORIES) ?? 0);
}

/** Whether items of `category` must be dropped locally right now. */
export function isRateLimited(limits: RateLimits, category: string, now: number = Date.now()): boolean {
  return disabledUntil(limits, category) > now;
}
