import { describe, expect, it } from 'vitest';
import { boundedCopy, boundedKeys, MAX_COPIED_KEYS, MAX_COPIED_STRING, merged } from './bounded.js';
import { exceptionFromValue } from './exception.js';

describe('boundedKeys', () => {
  it('begins like Object.keys(value).sort() for up to 1,000 keys', () => {
    for (const size of [0, 3, 999, 1000]) {
      const value: Record<string, number> = {};
      for (let i = 0; i < size; i++) value[`key-${(i * 7919) % 10007}`] = i;
      expect(boundedKeys(value, 11)).toEqual(Object.keys(value).sort().slice(0, 11));
    }
  });

  it('sorts only the first 1,000 keys of a longer list, and reads no value', () => {
    const value: Record<string, number> = {};
    for (let i = 0; i < 5000; i++) value[`key-${(i * 7919) % 10007}`] = i;
    let reads = 0;
    const counted = new Proxy(value, {
      get(target, key, receiver) {
        reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    expect(boundedKeys(counted, 11)).toEqual(Object.keys(value).slice(0, 1000).sort().slice(0, 11));
    expect(reads).toBe(0);
  });

  it('lists indexes of arrays and typed arrays without enumerating them', () => {
    expect(boundedKeys(new Uint8Array(16 * 1024 * 1024), 3)).toEqual(['0', '1', '2']);
    expect(boundedKeys(new Array(1_000_000), 2)).toEqual(['0', '1']);
  });

  it('keeps the thrown-object message short for a huge typed array', () => {
    const [value] = exceptionFromValue(new Float64Array(8 * 1024 * 1024), {
      mechanism: { type: 'generic' },
    }).values;
    expect(value?.value).toBe(
      "'Float64Array' captured as exception with keys: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, …",
    );
  });
});

describe('boundedCopy', () => {
  it('keeps at most the key limit, says how many more, and cuts strings', () => {
    const value: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) value[`k${i}`] = 'y'.repeat(i === 0 ? 100_000 : 1);
    const copy = boundedCopy(value);
    expect(Object.keys(copy)).toHaveLength(MAX_COPIED_KEYS);
    expect(copy['…']).toBe('[1001+ more keys]');
    expect((copy.k0 as string).length).toBe(MAX_COPIED_STRING);
  });

  it('copies plain objects one level down, and keeps other values as they are', () => {
    const inner: Record<string, number> = {};
    for (let i = 0; i < 1000; i++) inner[`i${i}`] = i;
    const date = new Date(0);
    const copy = boundedCopy({ inner, date });
    expect(Object.keys(copy.inner as object)).toHaveLength(MAX_COPIED_KEYS);
    expect((copy.inner as Record<string, unknown>)['…']).toBe(`[${1000 - MAX_COPIED_KEYS + 1} more keys]`);
    expect(copy.date).toBe(date);
  });

  it('never splits a string or typed array into one key per character or element', () => {
    expect(boundedCopy('x'.repeat(1_000_000))).toEqual({ value: `${'x'.repeat(MAX_COPIED_STRING - 1)}…` });
    const typed = new Uint8Array(1_000_000);
    const copy = boundedCopy(typed);
    expect(Object.keys(copy)).toEqual(['value']);
    expect(copy.value).toBe(typed);
  });

  it('keeps a __proto__ key as data', () => {
    const copy = boundedCopy(JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__']);
  });
});

describe('merged', () => {
  it('merges like a spread: later sources win, missing ones are skipped, `__proto__` stays a key', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "b": 3}');
    const out = merged<Record<string, unknown>>({ a: 1, b: 2 }, undefined, false, hostile);
    expect(out).toEqual({ ...{ a: 1, b: 2 }, ...hostile });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['a', 'b', '__proto__']);
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
