import { describe, expect, it } from 'vitest';
import { backoffDelay, outcomeOf, readResponse, resolveTransportOptions } from './transport-policy.js';

describe('outcomeOf', () => {
  it('maps statuses to what happens to the envelope', () => {
    expect(outcomeOf(200)).toEqual({ kind: 'delivered' });
    expect(outcomeOf(202)).toEqual({ kind: 'delivered' });
    expect(outcomeOf(429)).toEqual({ kind: 'rate_limited' });
    expect(outcomeOf(500)).toEqual({ kind: 'rejected', reason: 'send_error' });
    expect(outcomeOf(503)).toEqual({ kind: 'rejected', reason: 'send_error' });
    expect(outcomeOf(413)).toEqual({ kind: 'rejected', reason: 'send_error' });
    expect(outcomeOf(400)).toEqual({ kind: 'rejected', reason: 'send_error' });
    expect(outcomeOf(302)).toEqual({ kind: 'rejected', reason: 'send_error' });
  });
});

describe('readResponse', () => {
  it('takes an answer with a finite status, and rejects what is not one', () => {
    const answer = { status: 429, headers: { 'retry-after': '5' } };
    expect(readResponse(answer)).toBe(answer);
    for (const value of [undefined, null, 42, 'ok', {}, { status: '200' }, { status: Number.NaN }]) {
      expect(readResponse(value)).toBeUndefined();
    }
  });
});

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt, with full jitter', () => {
    expect(backoffDelay(1, 100, () => 0.999)).toBe(99);
    expect(backoffDelay(2, 100, () => 0.999)).toBe(199);
    expect(backoffDelay(3, 100, () => 0.5)).toBe(200);
    expect(backoffDelay(3, 100, () => 0)).toBe(0);
  });

  it('caps the delay at 30 s', () => {
    expect(backoffDelay(30, 500, () => 0.999)).toBeLessThan(30_000);
  });
});

describe('resolveTransportOptions', () => {
  it('fills in defaults and ignores nonsense', () => {
    const resolved = resolveTransportOptions({ maxQueueSize: -1, concurrency: Number.NaN, maxRetries: 0 });
    expect(resolved).toMatchObject({
      maxQueueSize: 64,
      maxQueueBytes: 5 * 1024 * 1024,
      concurrency: 2,
      maxRetries: 0,
      retryBaseMs: 500,
      sendClientReports: true,
    });
  });

  it('survives a throwing clock', () => {
    const { now } = resolveTransportOptions({
      now: () => {
        throw new Error('clock');
      },
    });
    expect(typeof now()).toBe('number');
  });
});
