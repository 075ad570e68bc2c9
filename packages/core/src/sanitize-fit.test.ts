import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitEvent, jsonBytes, jsonBytesBound, readArray } from './sanitize-fit.js';
import type { WireEvent } from './types.js';

describe('jsonBytesBound', () => {
  it('bounds the longest number texts JSON has', () => {
    for (const n of [
      -0.0000014404097205278221,
      -1.2345678901234567e-100,
      -Number.MAX_VALUE,
      -Number.MIN_VALUE,
    ]) {
      expect(jsonBytesBound(n, Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(jsonBytes(n));
    }
  });

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

describe('readArray', () => {
  it('keeps the head, the tail or both ends, in order', () => {
    const items = [0, 1, 2, 3, 4, 5, 6];
    expect(readArray(items, 3, 'head')).toEqual([0, 1, 2]);
    expect(readArray(items, 3, 'tail')).toEqual([4, 5, 6]);
    expect(readArray(items, 4, 'ends')).toEqual([0, 1, 5, 6]);
    expect(readArray(items, 10, 'ends')).toEqual(items);
    expect(readArray('not an array', 3, 'head')).toEqual([]);
  });

  it('reads an item that throws as undefined and keeps the others', () => {
    const items: unknown[] = ['a', 'b', 'c'];
    Object.defineProperty(items, 1, {
      get() {
        throw new Error('no');
      },
    });
    expect(readArray(items, 10, 'head')).toEqual(['a', undefined, 'c']);
  });

  it('reads a proxied array through its get trap, with the same keys as a plain read', () => {
    const seen: unknown[] = [];
    const proxy = new Proxy([10, 20, 30], {
      get(target, key, receiver) {
        seen.push(key);
        return Reflect.get(target, key, receiver);
      },
    });
    expect(readArray(proxy, 2, 'tail')).toEqual([20, 30]);
    expect(seen).toEqual(['length', '1', '2']);
  });

  it('returns an empty list for an array whose length cannot be read', () => {
    const proxy = new Proxy([1, 2], {
      get(target, key, receiver) {
        if (key === 'length') throw new Error('no');
        return Reflect.get(target, key, receiver);
      },
    });
    expect(readArray(proxy, 5, 'head')).toEqual([]);
  });
});
