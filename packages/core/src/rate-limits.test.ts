import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_AFTER_MS,
  disabledUntil,
  isRateLimited,
  parseRetryAfter,
  type RateLimits,
  updateRateLimits,
} from './rate-limits.js';

const NOW = 1_700_000_000_000;

function limitsAfter(
  status: number,
  headers: { 'x-sentry-rate-limits'?: string | null; 'retry-after'?: string | null },
  start: RateLimits = new Map(),
): RateLimits {
  return updateRateLimits(start, { status, headers }, NOW);
}

describe('parseRetryAfter', () => {
  it('reads delta-seconds, integer or float', () => {
    expect(parseRetryAfter('30', NOW)).toBe(30_000);
    expect(parseRetryAfter(' 1.5 ', NOW)).toBe(1_500);
    expect(parseRetryAfter('0', NOW)).toBe(0);
  });

  it('reads an HTTP date relative to now', () => {
    const date = new Date(NOW + 120_000).toUTCString();
    expect(parseRetryAfter(date, NOW)).toBe(120_000);
    expect(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(0);
  });

  it('falls back to 60 s for missing or unreadable values', () => {
    expect(parseRetryAfter(undefined, NOW)).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(parseRetryAfter(null, NOW)).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(parseRetryAfter('', NOW)).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(parseRetryAfter('soon', NOW)).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(parseRetryAfter('-3', NOW)).toBe(DEFAULT_RETRY_AFTER_MS);
  });
});

describe('updateRateLimits', () => {
  it('leaves limits alone on a plain 200', () => {
    expect(limitsAfter(200, {}).size).toBe(0);
  });

  it('applies Retry-After of a 429 to every category', () => {
    const limits = limitsAfter(429, { 'retry-after': '30' });
    expect(limits.get('all')).toBe(NOW + 30_000);
    expect(isRateLimited(limits, 'error', NOW + 29_999)).toBe(true);
    expect(isRateLimited(limits, 'monitor', NOW + 29_999)).toBe(true);
    expect(isRateLimited(limits, 'error', NOW + 30_000)).toBe(false);
  });

  it('treats a bare 429 as 60 s for every category', () => {
    const limits = limitsAfter(429, {});
    expect(disabledUntil(limits, 'error')).toBe(NOW + 60_000);
    expect(disabledUntil(limits, 'internal')).toBe(NOW + 60_000);
  });

  it('reads X-Sentry-Rate-Limits per category, on any status', () => {
    const limits = limitsAfter(200, { 'x-sentry-rate-limits': '50:error;monitor:key' });
    expect(limits.get('error')).toBe(NOW + 50_000);
    expect(limits.get('monitor')).toBe(NOW + 50_000);
    expect(isRateLimited(limits, 'session', NOW)).toBe(false);
  });

  it('prefers X-Sentry-Rate-Limits over Retry-After on a 429', () => {
    const limits = limitsAfter(429, { 'x-sentry-rate-limits': '10:error:key', 'retry-after': '999' });
    expect(limits.get('error')).toBe(NOW + 10_000);
    expect(limits.has('all')).toBe(false);
    expect(isRateLimited(limits, 'monitor', NOW)).toBe(false);
  });

  it('parses several entries, spaces, extra fields and float seconds', () => {
    const limits = limitsAfter(429, {
      'x-sentry-rate-limits':
        '60:error;transaction:key, 2700::organization:quota_exceeded, 1.5:session:project:r:ns:future',
    });
    expect(Object.fromEntries(limits)).toEqual({
      error: NOW + 60_000,
      transaction: NOW + 60_000,
      all: NOW + 2_700_000,
      session: NOW + 1_500,
    });
  });

  it('lets unknown category names limit nothing else, and never reads "all" as a name', () => {
    const limits = limitsAfter(200, {
      'x-sentry-rate-limits': '30:bogus;error:key, 90:nope:org, 40:all:key',
    });
    expect(isRateLimited(limits, 'error', NOW + 29_000)).toBe(true);
    expect(isRateLimited(limits, 'error', NOW + 31_000)).toBe(false);
    expect(isRateLimited(limits, 'monitor', NOW)).toBe(false);
    expect(limits.has('all')).toBe(false);
  });

  it('limits client reports only through an empty ("all") category list', () => {
    expect(
      isRateLimited(limitsAfter(200, { 'x-sentry-rate-limits': '30:internal:key' }), 'internal', NOW),
    ).toBe(false);
    expect(isRateLimited(limitsAfter(200, { 'x-sentry-rate-limits': '30::key' }), 'internal', NOW)).toBe(
      true,
    );
  });

  it('keeps the later deadline when limits overlap', () => {
    const first = limitsAfter(200, { 'x-sentry-rate-limits': '100:error:key' });
    const second = limitsAfter(200, { 'x-sentry-rate-limits': '10:error:key, 20:monitor:key' }, first);
    expect(second.get('error')).toBe(NOW + 100_000);
    expect(second.get('monitor')).toBe(NOW + 20_000);
  });

  it('does not modify its input', () => {
    const start: RateLimits = new Map([['error', NOW + 5]]);
    limitsAfter(429, {}, start);
    expect(Object.fromEntries(start)).toEqual({ error: NOW + 5 });
  });

  it('reads headers through get(), as a fetch Response has them', () => {
    const headers = new Map([['x-sentry-rate-limits', '30:error:key']]);
    const limits = updateRateLimits(
      new Map(),
      { status: 200, headers: { get: (name) => headers.get(name) ?? null } },
      NOW,
    );
    expect(isRateLimited(limits, 'error', NOW + 29_000)).toBe(true);
    expect(isRateLimited(limits, 'monitor', NOW)).toBe(false);
  });

  it('survives garbage header values', () => {
    const limits = limitsAfter(200, { 'x-sentry-rate-limits': ',,:;:, abc:error, :monitor' });
    expect(limits.get('error')).toBe(NOW + 60_000);
    expect(limits.has('monitor')).toBe(false);
  });
});
