/**
 * Rate limits announced by the server (https://develop.sentry.dev/sdk/expected-features/rate-limiting/):
 * `X-Sentry-Rate-Limits: secs:cat1;cat2:scope[:reason[:namespaces]], …` on any response,
 * even a 200; otherwise a 429 limits every category for `Retry-After` (delta-seconds or an
 * HTTP date), or for 60 s without one. An empty category list means every category.
 */

/** Category (or `all`) → the time in ms (epoch) until which it is limited. */
export type RateLimits = Record<string, number>;

const DEFAULT_SECONDS = 60;

function raise(limits: RateLimits, category: string, until: number): void {
  if (!(limits[category]! >= until)) limits[category] = until;
}

/** `Retry-After` in seconds: delta-seconds or an HTTP date (RFC 9110 § 10.2.3); 60 when unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number {
  const value = header?.trim() ?? '';
  if (/^\d+(?:\.\d+)?$/.test(value)) return +value;
  // An HTTP date always names the weekday or month; this keeps `-3` from parsing as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? DEFAULT_SECONDS : Math.max(0, (date - now) / 1000);
}

/** Applies the limits a response announces to `limits` (later deadlines win). */
export function updateRateLimits(
  limits: RateLimits,
  status: number,
  header: string | null,
  retryAfter: string | null,
  now = Date.now(),
): RateLimits {
  if (header?.trim()) {
    for (const entry of header.split(',')) {
      const [seconds = '', categories = ''] = entry.trim().split(':');
      if (!seconds.trim()) continue;
      const secs = Number(seconds);
      const until = now + (secs >= 0 ? secs : DEFAULT_SECONDS) * 1000;
      const names = categories.split(';').filter((c) => c.trim());
      for (const name of names.length ? names : ['all']) raise(limits, name.trim(), until);
    }
  } else if (status === 429) {
    raise(limits, 'all', now + retryAfterSeconds(retryAfter, now) * 1000);
  }
  return limits;
}

/** Whether items of `category` must be dropped locally now. */
export const isRateLimited = (limits: RateLimits, category: string, now = Date.now()) =>
  Math.max(limits[category] ?? 0, limits.all ?? 0) > now;
