import { describe, expect, it } from 'vitest';
import { createStatusPolicy, statusMessage } from './status-policy.js';

describe('status policy', () => {
  it('captures 5xx and nothing else by default', () => {
    const policy = createStatusPolicy();
    expect([500, 502, 503, 599].map((s) => policy.shouldCapture(s))).toEqual([true, true, true, true]);
    expect([200, 301, 400, 401, 403, 404, 429].map((s) => policy.shouldCapture(s))).toEqual(
      Array(7).fill(false),
    );
  });

  it('captures opted-in 4xx only for requests that matched a route', () => {
    const policy = createStatusPolicy([[500, 599], 401, 403]);
    expect(policy.shouldCapture(401, { routeMatched: true })).toBe(true);
    expect(policy.shouldCapture(403, { routeMatched: true })).toBe(true);
    expect(policy.shouldCapture(401, { routeMatched: false })).toBe(false);
    expect(policy.shouldCapture(400, { routeMatched: true })).toBe(false);
  });

  it('never captures 404 through a range, only when listed by itself', () => {
    expect(createStatusPolicy([[400, 499]]).shouldCapture(404, { routeMatched: true })).toBe(false);
    expect(createStatusPolicy([[400, 499]]).shouldCapture(422, { routeMatched: true })).toBe(true);
    expect(createStatusPolicy([404]).shouldCapture(404, { routeMatched: true })).toBe(true);
  });

  it('ignores values that are not HTTP error statuses', () => {
    const policy = createStatusPolicy([[0, 1000]]);
    expect(policy.shouldCapture(Number.NaN)).toBe(false);
    expect(policy.shouldCapture(200)).toBe(false);
    expect(policy.shouldCapture(700)).toBe(false);
  });

  it('names status and route in the message', () => {
    expect(statusMessage(503, 'get', 'GET /users/:id')).toBe('HTTP 503 response for GET /users/:id');
    expect(statusMessage(502, 'post', '/orders')).toBe('HTTP 502 response for POST /orders');
    expect(statusMessage(500)).toBe('HTTP 500 response');
  });
});
