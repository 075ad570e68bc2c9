/**
 * Rate limits announced by the server (https://develop.sentry.dev/sdk/expected-features/rate-limiting/):
 * `X-Sentry-Rate-Limits: secs:cat1;cat2:scope[:reason[:namespaces]], …` on any response,
 * even a 200; otherwise a 429 limits every category for `Retry-After` (delta-seconds or an
 * HTTP date), or for 60 s without one. An empty category list means every category.
 */

import type { SendResult } from './delivery.js';

/** Category (or `all`) → the time in ms (epoch) until which it is limited. */
export type RateLimits = Record<string, number>;

/**
 * Applies the limits a response announces to `limits` (later deadlines win). `Retry-After` is
 * delta-seconds or an HTTP date (RFC 9110 § 10.2.3), and means 60 s when unreadable.
 */
export const updateRateLimits = (
  limits: RateLimits,
  { status, headers }: SendResult,
  now = Date.now(),
): RateLimits => {
  const header = headers.get('x-sentry-rate-limits');
  const retryAfter = headers.get('retry-after')?.trim() ?? '';
  const date = Date.parse(retryAfter);
  const raise = (category: string, seconds: number) => {
    const until = now + seconds * 1000;
    if (!(limits[category]! >= until)) limits[category] = until;
  };
  if (header?.trim()) {
    for (const entry of header.split(',')) {
      const [seconds, categories = ''] = entry.split(':');
      // Category names hold no blanks; none at all means every category. An empty entry
      // (`+'' === 0`) limits nothing.
      for (const name of categories.match(/[^;\s]+/g) ?? ['all'])
        raise(name, +seconds! >= 0 ? +seconds! : 60);
    }
  } else if (status === 429)
    raise(
      'all',
      /^\d+(\.\d+)?$/.test(retryAfter)
        ? +retryAfter
        : // An HTTP date always names the weekday or month; this keeps `-3` from reading as a year.
          /[a-z]/i.test(retryAfter) && date >= 0
          ? (date - now) / 1000
          : 60,
    );
  return limits;
};

/** Whether items of `category` must be dropped locally now. */
export const isRateLimited = (limits: RateLimits, category: string, now = Date.now()) =>
  limits[category]! > now || limits.all! > now;
