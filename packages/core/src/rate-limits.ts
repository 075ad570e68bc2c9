/**
 * Rate limits announced by the server, per data category.
 *
 * Rules (https://develop.sentry.dev/sdk/expected-features/rate-limiting/): parse
 * `X-Sentry-Rate-Limits` (`secs:cat1;cat2:scope[:reason[:namespaces]], …`) on every response
 * that carries it, whatever the status (Relay may announce limits on a 200); otherwise a 429
 * applies `Retry-After` to every category, and a 429 with neither header means 60 seconds for
 * every category. Overlapping limits keep the later deadline.
 */

/** Category (or `all`) → the time in ms (epoch) until which it is limited. */
export type RateLimits = Map<string, number>;

/**
 * The response facts rate limiting needs: headers by lower-case name, or anything with `get`
 * (a `fetch` Response's headers).
 */
export interface RateLimitResponse {
  status: number;
  headers:
    | { 'x-sentry-rate-limits'?: string | null; 'retry-after'?: string | null }
    | { get(name: string): string | null };
}

/** What a 429 without any usable header means (protocol default). */
export const DEFAULT_RETRY_AFTER_MS = 60_000;

/** A header value trimmed, or `''` when there is none (or it is not a string). */
const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const header = (headers: any, name: string) =>
  text(typeof headers?.get === 'function' ? headers.get(name) : headers?.[name]);

/**
 * `Retry-After` as a delay in ms: delta-seconds or an HTTP date (RFC 9110 § 10.2.3).
 * Missing or unreadable values mean the protocol default of 60 s; past dates mean 0.
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number {
  const value = text(header);
  // An HTTP date always names the weekday or month; this keeps `-3` from parsing as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return /^\d+(\.\d+)?$/.test(value)
    ? Math.round(+value * 1000)
    : date >= 0
      ? Math.max(0, date - now)
      : DEFAULT_RETRY_AFTER_MS;
}

/**
 * Returns new limits after a response (the input map is not modified). Never throws. An empty
 * category list limits everything; client reports (`internal`) are limited only that way.
 *
 * @example
 * limits = updateRateLimits(limits, { status: 429, headers: { 'retry-after': '30' } });
 */
export function updateRateLimits(
  limits: RateLimits,
  { status, headers }: RateLimitResponse,
  now: number = Date.now(),
): RateLimits {
  const next: RateLimits = new Map(limits);
  const raise = (category: string, ms: number) => {
    if (!(next.get(category)! >= now + ms)) next.set(category, now + ms);
  };
  const limitsHeader = header(headers, 'x-sentry-rate-limits');
  if (limitsHeader)
    for (const entry of limitsHeader.split(',')) {
      const [seconds = '', list = ''] = entry.trim().split(':');
      const names = list
        .split(';')
        .map((name) => name.trim())
        .filter(Boolean);
      // Unreadable seconds mean the default; no seconds at all, no limit. Names other than
      // the protocol's are stored but never asked for; `all` and `internal` are not names.
      if (seconds)
        for (const name of names[0] ? names.filter((n) => n !== 'all' && n !== 'internal') : ['all'])
          raise(name, +seconds >= 0 ? +seconds * 1000 : DEFAULT_RETRY_AFTER_MS);
    }
  else if (status === 429) raise('all', parseRetryAfter(header(headers, 'retry-after'), now));
  return next;
}

/** The time (ms epoch) until which `category` is limited, or 0. */
export const disabledUntil = (limits: RateLimits, category: string): number =>
  Math.max(limits.get(category) ?? 0, limits.get('all') ?? 0);

/** Whether items of `category` must be dropped locally right now. */
export const isRateLimited = (limits: RateLimits, category: string, now: number = Date.now()): boolean =>
  disabledUntil(limits, category) > now;
