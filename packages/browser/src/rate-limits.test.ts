import { describe, expect, it } from 'vitest';
import type { SendResult } from './delivery.js';
import { isRateLimited, updateRateLimits } from './rate-limits.js';

const NOW = 1_700_000_000_000;

/** A response with the status, `X-Sentry-Rate-Limits` and `Retry-After` given. */
const response = (status: number, limits: string | null, retryAfter: string | null): SendResult => ({
  status,
  headers: {
    get: (name) =>
      ({ 'x-sentry-rate-limits': limits, 'retry-after': retryAfter })[name.toLowerCase()] ?? null,
  },
});

describe('rate limits', () => {
  it('reads X-Sentry-Rate-Limits per category, on any status', () => {
    const limits = updateRateLimits(
      {},
      response(200, '60:error;default:organization:quota, 5:monitor::,, ', null),
      NOW,
    );
    expect(isRateLimited(limits, 'error', NOW + 59_000)).toBe(true);
    expect(isRateLimited(limits, 'error', NOW + 60_000)).toBe(false);
    expect(isRateLimited(limits, 'default', NOW + 1000)).toBe(true);
    expect(isRateLimited(limits, 'monitor', NOW + 4000)).toBe(true);
    // The empty entries limit nothing.
    expect(isRateLimited(limits, 'internal', NOW)).toBe(false);
    expect(isRateLimited(limits, 'internal', NOW + 1)).toBe(false);
  });

  it('treats an empty category list as every category, and keeps the later deadline', () => {
    const limits = updateRateLimits({}, response(429, '10::organization', '999'), NOW);
    expect(isRateLimited(limits, 'error', NOW + 9000)).toBe(true);
    expect(isRateLimited(limits, 'internal', NOW + 9000)).toBe(true);
    updateRateLimits(limits, response(200, '2::organization', null), NOW);
    expect(isRateLimited(limits, 'error', NOW + 9000)).toBe(true);
  });

  it('applies Retry-After (seconds or HTTP date) to everything on a 429 without the header', () => {
    expect(isRateLimited(updateRateLimits({}, response(429, null, '30'), NOW), 'error', NOW + 29_000)).toBe(
      true,
    );
    expect(isRateLimited(updateRateLimits({}, response(429, null, '30'), NOW), 'error', NOW + 30_000)).toBe(
      false,
    );
    const date = new Date(NOW + 120_000).toUTCString();
    expect(updateRateLimits({}, response(429, null, date), NOW).all).toBe(NOW + 120_000);
    const past = updateRateLimits({}, response(429, null, new Date(NOW - 5000).toUTCString()), NOW);
    expect(isRateLimited(past, 'error', NOW)).toBe(false);
  });

  it('means 60 s for a bare 429 or an unreadable value, and nothing for a 200 without the header', () => {
    for (const retryAfter of [null, '', '-3', 'soon', '1e3'])
      expect(updateRateLimits({}, response(429, null, retryAfter), NOW).all).toBe(NOW + 60_000);
    const limits = updateRateLimits({}, response(429, null, null), NOW);
    expect(isRateLimited(limits, 'error', NOW + 59_000)).toBe(true);
    expect(isRateLimited(limits, 'error', NOW + 61_000)).toBe(false);
    expect(updateRateLimits({}, response(200, null, '30'), NOW)).toEqual({});
    expect(
      isRateLimited(updateRateLimits({}, response(200, 'junk:error', null), NOW), 'error', NOW + 59_000),
    ).toBe(true);
  });
});
