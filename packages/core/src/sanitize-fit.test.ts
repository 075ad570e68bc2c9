import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitEvent, jsonBytes, jsonBytesBound } from './sanitize-fit.js';
import type { WireEvent } from './types.js';

describe('jsonBytesBound', () => {
  it('is never below the exact size, for any JSON value and any limit', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.oneof(fc.nat(10_000), fc.constant(Number.POSITIVE_INFINITY)),
        (value, limit) => {
          const bound = jsonBytesBound(value, limit);
          expect(bound).toBeGreaterThanOrEqual(jsonBytes(value));
          if (bound !== Number.POSITIVE_INFINITY) expect(bound).toBeLessThanOrEqual(Math.max(limit, bound));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('holds for the strings that grow most in JSON', () => {
    for (const text of ['\u0000\u001f', '"\\', '\ud800', '😀', 'é€']) {
      expect(jsonBytesBound(text, Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(jsonBytes(text));
    }
  });

  it('gives up on anything but plain data, so it is measured exactly', () => {
    const infinite = Number.POSITIVE_INFINITY;
    expect(jsonBytesBound({ at: new Date(0) }, infinite)).toBe(infinite);
    expect(jsonBytesBound({ toJSON: () => 'x'.repeat(100) }, infinite)).toBe(infinite);
    expect(jsonBytesBound([10n], infinite)).toBe(infinite);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(jsonBytesBound(cyclic, infinite)).toBe(infinite);
    expect(jsonBytesBound({ a: 'x'.repeat(100) }, 50)).toBe(infinite);
  });
});

describe('fitEvent', () => {
  it('returns events that fit unchanged, and trims the others under the limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 200 }), { maxLength: 40 }),
        fc.integer({ min: 512, max: 8192 }),
        (messages, max) => {
          const make = (): WireEvent => ({
            event_id: 'a'.repeat(32),
            timestamp: 1,
            platform: 'node',
            level: 'error',
            sdk: { name: 'faultline.test', version: '0.0.0' },
            breadcrumbs: { values: messages.map((message) => ({ message })) },
          });
          const fitted = fitEvent(make(), max);
          expect(jsonBytes(fitted)).toBeLessThanOrEqual(max);
          if (jsonBytes(make()) <= max) expect(fitted).toEqual(make());
        },
      ),
      { numRuns: 300 },
    );
  });
});
