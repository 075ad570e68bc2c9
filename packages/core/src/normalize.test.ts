import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize, truncate } from './normalize.js';
import { truncateUtf8, utf8Length } from './sanitize-fit.js';
import { truncateWords } from './strings.js';

const roundTrips = (value: unknown) => expect(JSON.parse(JSON.stringify(value))).toEqual(value);

describe('normalize', () => {
  it('keeps plain JSON as it is', () => {
    const value = { a: 1, b: 'x', c: [true, null, { d: 2.5 }] };
    expect(normalize(value)).toEqual(value);
  });

  it('maps non-JSON primitives to strings', () => {
    expect(
      normalize({
        big: 12345678901234567890n,
        sym: Symbol('tag'),
        fn: function namedFn() {},
        arrow: () => {},
        nan: Number.NaN,
        inf: Number.POSITIVE_INFINITY,
        ninf: Number.NEGATIVE_INFINITY,
        negZero: -0,
        undef: undefined,
      }),
    ).toEqual({
      big: '12345678901234567890',
      sym: 'Symbol(tag)',
      fn: '[Function: namedFn]',
      arrow: '[Function: arrow]',
      nan: '[NaN]',
      inf: '[Infinity]',
      ninf: '[-Infinity]',
      negZero: 0,
      undef: '[undefined]',
    });
  });

  it('handles dates, invalid dates, errors, maps, sets, binary data, regexps, boxed values', () => {
    const error = Object.assign(new TypeError('boom'), { code: 'E_BOOM' });
    const out = normalize({
      date: new Date(Date.UTC(2024, 0, 15, 12, 30)),
      invalid: new Date('nope'),
      error,
      map: new Map<unknown, unknown>([
        ['k', 1],
        [{ o: 1 }, 2],
      ]),
      set: new Set([1, 'two']),
      u8: new Uint8Array(4),
      f64: new Float64Array(2),
      buf: new ArrayBuffer(8),
      view: new DataView(new ArrayBuffer(3)),
      re: /ab+c/gi,
      boxed: Object('str'),
      promise: Promise.resolve(1),
    }) as Record<string, unknown>;
    expect(out.date).toBe('2024-01-15T12:30:00.000Z');
    expect(out.invalid).toBe('[Invalid Date]');
    expect(out.error).toMatchObject({ name: 'TypeError', message: 'boom', code: 'E_BOOM' });
    expect(typeof (out.error as Record<string, unknown>).stack).toBe('string');
    expect(out.map).toEqual({ k: 1, '[Object]': 2 });
    expect(out.set).toEqual([1, 'two']);
    expect(out.u8).toBe('[Uint8Array(4)]');
    expect(out.f64).toBe('[Float64Array(2)]');
    expect(out.buf).toBe('[ArrayBuffer(8)]');
    expect(out.view).toBe('[DataView(3)]');
    expect(out.re).toBe('/ab+c/gi');
    expect(out.boxed).toBe('str');
    expect(out.promise).toBe('[Promise]');
    roundTrips(out);
  });

  it('marks cycles but copies shared references', () => {
    const shared = { s: 1 };
    const a: Record<string, unknown> = { shared, again: shared };
    a.self = a;
    a.list = [a];
    expect(normalize(a)).toEqual({
      shared: { s: 1 },
      again: { s: 1 },
      self: '[Circular]',
      list: ['[Circular]'],
    });
  });

  it('survives throwing getters and toJSON', () => {
    const value = {
      ok: 1,
      get bad(): unknown {
        throw new Error('getter');
      },
      nested: {
        toJSON() {
          throw new Error('toJSON');
        },
      },
      viaToJSON: { toJSON: () => ({ shown: true }) },
    };
    expect(normalize(value)).toEqual({
      ok: 1,
      bad: '[Threw: Error]',
      nested: '[Unserializable]',
      viaToJSON: { shown: true },
    });
  });

  it("reads no getter of an object's prototype while looking for members that name others", () => {
    let calls = 0;
    class Order {
      name = 'Ada Lovelace';
      email = 'ada@example.org';
      get customer() {
        calls += 1;
        return 'Ada Lovelace';
      }
      get address() {
        calls += 1;
        return '12 Main St';
      }
      get pk() {
        calls += 1;
        return 'a'.repeat(64);
      }
      get type() {
        calls += 1;
        return 'Point';
      }
    }
    expect(normalize(new Order(), { filterKey: (key) => key === 'phone' })).toEqual({
      name: '[Filtered]',
      email: 'ada@example.org',
    });
    expect(calls).toBe(0);
  });

  it('survives hostile Proxies', () => {
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const throwingTraps = new Proxy(
      {},
      {
        get() {
          throw new Error('get');
        },
        ownKeys() {
          throw new Error('ownKeys');
        },
        getPrototypeOf() {
          throw new Error('proto');
        },
        has() {
          throw new Error('has');
        },
      },
    );
    const throwingGet = new Proxy(
      { a: 1, b: 2 },
      {
        get() {
          throw new Error('get');
        },
      },
    );
    // A Map's entries are read for a naming member as an object's are, with the filter on.
    expect(
      normalize(new Map<string, unknown>([['name', revoked]]), { filterKey: (key) => key === 'password' }),
    ).toEqual({ name: '[Proxy]' });
    const arrayProxy = new Proxy([1, 2, 3], {});
    const out = normalize({ revoked, throwingTraps, throwingGet, arrayProxy, list: [revoked] });
    expect(out).toEqual({
      revoked: '[Proxy]',
      throwingTraps: '[Proxy]',
      throwingGet: '[Proxy]',
      arrayProxy: [1, 2, 3],
      list: ['[Proxy]'],
    });
    expect(normalize(revoked)).toBe('[Proxy]');
  });

  it('limits depth, breadth and string length', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10_000; i++) deep = { deep, arr: [] };
    const out = normalize(deep, { maxDepth: 3 });
    expect(out).toEqual({ deep: { deep: { deep: '[Object]', arr: '[Array]' }, arr: [] }, arr: [] });

    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    const narrowed = normalize(wide, { maxBreadth: 10 }) as Record<string, unknown>;
    expect(Object.keys(narrowed)).toHaveLength(11);
    expect(narrowed['…']).toBe('[490 more keys]');
    expect(
      normalize(
        Array.from({ length: 50 }, () => 0),
        { maxBreadth: 3 },
      ),
    ).toEqual([0, 0, 0, '[47 more items]']);

    const huge = 'x'.repeat(10 * 1024 * 1024);
    const cut = normalize(huge, { maxStringLength: 100 }) as string;
    expect(cut).toHaveLength(100);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('bounds work on structures that share subtrees exponentially', () => {
    let node: unknown = 'leaf';
    for (let i = 0; i < 40; i++) node = [node, node];
    const out = normalize(node, { maxDepth: 50 });
    expect(JSON.stringify(out).length).toBeLessThan(2_000_000);
  });

  it('filters sensitive keys without reading them further, even when the key is too long to keep', () => {
    const longKey = `${'x'.repeat(300)}password`;
    const out = normalize(
      { [longKey]: 'hunter2', password: { deep: 'secret' }, flag: true },
      { filterKey: (key) => key.includes('password') },
    ) as Record<string, unknown>;
    expect(JSON.stringify(out)).not.toContain('hunter2');
    expect(out.password).toBe('[Filtered]');
  });

  it('keeps __proto__ keys as data', () => {
    const out = normalize(JSON.parse('{"__proto__": {"polluted": 1}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
  });
});

describe('string helpers', () => {
  it('never cut a surrogate pair', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(utf8Length('a€😀')).toBe(1 + 3 + 4);
    expect(truncateUtf8('a€😀', 5)).toBe('a€');
    expect(truncateUtf8('a€😀', 8)).toBe('a€😀');
  });
});

describe('normalize properties', () => {
  const anything = fc.anything({
    maxDepth: 4,
    maxKeys: 6,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withTypedArray: true,
    withSparseArray: true,
    withUnicodeString: true,
  });

  it('never throws, returns JSON that round-trips, within bounds', () => {
    fc.assert(
      fc.property(
        anything,
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 8 }),
        (value, depth, breadth) => {
          const out = normalize(value, { maxDepth: depth, maxBreadth: breadth, maxStringLength: 64 });
          const json = JSON.stringify(out);
          expect(typeof json).toBe('string');
          expect(JSON.parse(json)).toEqual(out);
          expect(json.length).toBeLessThan(Math.max(1, breadth + 1) ** (depth + 1) * 80 + 200);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('truncateWords', () => {
  it('drops the word a cut would split, so no part of an address or token is kept', () => {
    expect(truncateWords('Remove member ottoline.k4fan7@example.com', 32)).toBe('Remove member …');
    expect(truncateWords('session Qw7eRt2YuI9oPa4SdF6gHj1KlZ', 20)).toBe('session …');
    expect(truncateWords('key="Qw7eRt2YuI9oPa4SdF6gHj1KlZ"', 20)).toBe('key="…');
    expect(truncateWords('short enough', 32)).toBe('short enough');
    expect(truncateWords('Qw7eRt2YuI9oPa4SdF6gHj1KlZ', 10)).toBe('…');
  });
});
