import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { cachedStackParser } from './stack-cache.js';
import { parseStack, type StackParser } from './stack-parse.js';

const frameLine = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('getUser', 'async loadAll', 'new Repo', 'Object.<anonymous>', 'Array.map'),
      fc.constantFrom('/app/src/a.js', 'file:///app/b.mjs', 'node:internal/x', '/app/node_modules/l/i.js'),
      fc.nat(500),
      fc.nat(80),
    )
    .map(([fn, file, line, col]) => `    at ${fn} (${file}:${line}:${col})`),
  fc.constantFrom(
    '    at /app/anon.js:3:4',
    '    at Array.map (<anonymous>)',
    '    at async Promise.all (index 0)',
  ),
  fc.string({ maxLength: 40 }),
);

const stackOf = (message: string, lines: string[]) => [`Error: ${message}`, ...lines].join('\n');

describe.each<[string, StackParser]>([['parseStack', parseStack]])(
  'cachedStackParser over %s',
  (_name, parse) => {
    it('returns what the parser returns, first time and from the cache', () => {
      const cached = cachedStackParser(parse);
      fc.assert(
        fc.property(
          fc.string({ maxLength: 30 }),
          fc.array(frameLine, { maxLength: 12 }),
          (message, lines) => {
            const error = { message, stack: stackOf(message, lines) };
            const expected = parse(error);
            expect(cached(error)).toEqual(expected);
            expect(cached({ ...error })).toEqual(expected);
          },
        ),
      );
    });

    it('gives the same frames for errors thrown at one place with different messages', () => {
      const cached = cachedStackParser(parse);
      const make = (n: number) => {
        const error = new Error(`attempt ${n}`);
        return error;
      };
      const errors = [make(1), make(2)];
      expect(cached(errors[1])).toEqual(parse(errors[1]));
      expect(cached(errors[0])).toEqual(parse(errors[0]));
    });
  },
);

describe('cachedStackParser', () => {
  const error = { message: 'x', stack: 'Error: x\n    at f (/app/a.js:1:2)\n    at g (/app/b.js:3:4)' };

  it('parses each distinct stack once and hands out fresh frames', () => {
    const parse = vi.fn(parseStack);
    const cached = cachedStackParser(parse);
    const first = cached(error);
    first[0]!.function = 'changed by beforeSend';
    const second = cached({ ...error, message: 'y', stack: error.stack.replace('Error: x', 'Error: y') });
    expect(parse).toHaveBeenCalledTimes(1);
    expect(second).toEqual(parseStack(error));
    expect(second[0]).not.toBe(first[0]);
  });

  it('passes calls with options, unreadable values and values without a stack straight through', () => {
    const parse = vi.fn(parseStack);
    const cached = cachedStackParser(parse);
    cached(error, { maxFrames: 1 });
    cached(error, { maxFrames: 1 });
    const throwing = Object.defineProperty({}, 'stack', {
      get() {
        throw new Error('no');
      },
    });
    expect(cached(throwing)).toEqual([]);
    expect(cached('a string')).toEqual([]);
    expect(cached({ stack: '' })).toEqual([]);
    expect(parse).toHaveBeenCalledTimes(5);
  });

  it('reads stack and message once and parses exactly those values', () => {
    let reads = 0;
    const shifting = {
      message: 'x',
      get stack() {
        reads += 1;
        return reads === 1 ? error.stack : 'Error: x\n    at other (/app/c.js:9:9)';
      },
    };
    const cached = cachedStackParser(parseStack);
    expect(cached(shifting)).toEqual(parseStack(error));
    expect(reads).toBe(1);
    expect(cached(error)).toEqual(parseStack(error));
  });

  it('stays bounded, keeping the stacks in use', () => {
    const parse = vi.fn(parseStack);
    const cached = cachedStackParser(parse);
    const at = (i: number) => ({ message: 'm', stack: `Error: m\n    at f${i} (/app/a.js:${i}:1)` });
    for (let i = 0; i < 1000; i++) {
      cached(at(i));
      cached(at(0));
    }
    expect(parse).toHaveBeenCalledTimes(1000);
    cached(at(999));
    expect(parse).toHaveBeenCalledTimes(1000);
    cached(at(1));
    expect(parse).toHaveBeenCalledTimes(1001);
  });

  it('gives each stack its own frames when more stacks than it compares first come in turn', () => {
    const parse = vi.fn(parseStack);
    const cached = cachedStackParser(parse);
    const at = (i: number, n: number) => ({
      message: `m${n}`,
      stack: `Error: m${n}\n    at f${i} (/app/a.js:${i}:1)\n    at g (/app/b.js:2:2)`,
    });
    for (let round = 0; round < 5; round++)
      for (let i = 0; i < 9; i++) expect(cached(at(i, round))).toEqual(parseStack(at(i, round)));
    expect(parse).toHaveBeenCalledTimes(9);
  });

  it('does not keep very long stacks', () => {
    const parse = vi.fn(parseStack);
    const cached = cachedStackParser(parse);
    const long = { message: 'm', stack: `Error: m\n${'    at f (/app/a.js:1:1)\n'.repeat(1000)}` };
    expect(cached(long)).toEqual(parseStack(long));
    cached(long);
    expect(parse).toHaveBeenCalledTimes(2);
  });
});

describe('cachedStackParser and the fields the parser reads besides stack and message', () => {
  it("honours React's framesToPop, and does not share frames with the same stack without it", () => {
    const cached = cachedStackParser(parseStack);
    const stack = 'Error: x\n    at invariant (/app/a.js:1:2)\n    at caller (/app/a.js:3:4)';
    expect(cached({ stack, message: 'x' }).map((f) => f.function)).toEqual(['caller', 'invariant']);
    expect(cached({ stack, message: 'x', framesToPop: 1 }).map((f) => f.function)).toEqual(['caller']);
    expect(cached({ stack, message: 'x', framesToPop: 1 }).map((f) => f.function)).toEqual(['caller']);
  });
});
