import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MAX_COPIED_STRING } from './bounded.js';
import { exceptionFromValue } from './exception.js';
import type { ExceptionValue, Mechanism } from './types.js';

const mechanism: Mechanism = { type: 'generic', handled: true };
const convert = (value: unknown, extra: { maxCauseDepth?: number; syntheticException?: Error } = {}) =>
  exceptionFromValue(value, { mechanism, ...extra }).values;
const only = (value: unknown, extra: { syntheticException?: Error } = {}): ExceptionValue => {
  const values = convert(value, extra);
  expect(values).toHaveLength(1);
  return values[0]!;
};
const summary = (values: ExceptionValue[]) =>
  values.map((v) => ({
    value: v.value,
    source: v.mechanism?.source,
    id: v.mechanism?.exception_id,
    parent: v.mechanism?.parent_id,
  }));

class ValidationError extends Error {}

describe('exceptionFromValue: thrown values', () => {
  it.each<[string, unknown, string, string]>([
    ['Error', new Error('boom'), 'Error', 'boom'],
    ['TypeError', new TypeError('bad type'), 'TypeError', 'bad type'],
    ['empty message', new RangeError(), 'RangeError', ''],
    ['subclass without a name', new ValidationError('invalid'), 'Error', 'invalid'],
    ['string', 'something broke', 'Error', 'something broke'],
    ['null', null, 'Error', 'Non-Error exception captured with value: null'],
    ['undefined', undefined, 'Error', 'Non-Error exception captured with value: undefined'],
    ['number', 42, 'Error', 'Non-Error exception captured with value: 42'],
    ['boolean', false, 'Error', 'Non-Error exception captured with value: false'],
    ['Symbol', Symbol('s'), 'Error', 'Non-Error exception captured with value: Symbol(s)'],
    ['BigInt', 10n, 'Error', 'Non-Error exception captured with value: 10n'],
    [
      'function',
      function handler() {},
      'Error',
      'Non-Error exception captured with value: [Function: handler]',
    ],
    ['plain object', { b: 1, a: 2 }, 'Error', 'Object captured as exception with keys: a, b'],
    ['empty object', {}, 'Error', 'Object captured as exception with keys: [object has no keys]'],
    ['object with message and name', { name: 'ApiError', message: 'quota', code: 7 }, 'ApiError', 'quota'],
    [
      'class instance',
      new (class Failure {})(),
      'Error',
      "'Failure' captured as exception with keys: [object has no keys]",
    ],
  ])('%s', (_, value, type, text) => {
    const exception = only(value);
    expect(exception.type).toBe(type);
    expect(exception.value).toBe(text);
    expect(exception.mechanism).toEqual(mechanism);
  });

  it('uses the constructor name when name is not a usable string', () => {
    class Custom extends Error {}
    const error = new Custom('x');
    Object.defineProperty(error, 'name', { value: '' });
    expect(only(error).type).toBe('Custom');
  });

  it('lists at most ten keys of a plain object', () => {
    const big = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`k${String(i).padStart(2, '0')}`, i]),
    );
    expect(only(big).value).toBe(
      'Object captured as exception with keys: k00, k01, k02, k03, k04, k05, k06, k07, k08, k09, …',
    );
  });

  it('gives an Error its own frames, newest last', () => {
    function failing(): Error {
      return new Error('with stack');
    }
    const exception = only(failing());
    expect(exception.stacktrace!.frames.at(-1)!.function).toBe('failing');
    expect(exception.mechanism!.synthetic).toBeUndefined();
  });

  it('takes the stack of syntheticException for non-errors and marks it synthetic', () => {
    function captureSite(): Error {
      return new Error('synthetic');
    }
    const syntheticException = captureSite();
    for (const value of ['text', { a: 1 }, 5]) {
      const exception = only(value, { syntheticException });
      expect(exception.mechanism).toEqual({ ...mechanism, synthetic: true });
      expect(exception.stacktrace!.frames.at(-1)!.function).toBe('captureSite');
    }
    // Real errors keep their own stack.
    expect(only(new Error('real'), { syntheticException }).mechanism!.synthetic).toBeUndefined();
    // Without usable frames nothing is marked synthetic.
    expect(only('text', { syntheticException: { stack: undefined } as Error }).mechanism).toEqual(mechanism);
  });

  it('handles errors from another realm like native ones', () => {
    const foreign = runInNewContext('(function thrower() { return new TypeError("x"); })()') as Error;
    expect(foreign instanceof Error).toBe(false);
    const exception = only(foreign);
    expect(exception.type).toBe('TypeError');
    expect(exception.value).toBe('x');
    expect(exception.stacktrace!.frames.at(-1)!.function).toBe('thrower');
  });

  it('treats objects with string stack and message as errors', () => {
    const errorLike = {
      name: 'RemoteError',
      message: 'from worker',
      stack: 'RemoteError: from worker\n    at work (/app/w.js:1:2)',
    };
    const exception = only(errorLike);
    expect(exception).toMatchObject({ type: 'RemoteError', value: 'from worker' });
    expect(exception.stacktrace!.frames).toHaveLength(1);
  });

  it('cuts a huge message, name or thrown string to the copy limit, still parsing the stack', () => {
    const message = 'x'.repeat(10 * 1024 * 1024);
    const exception = only(new Error(message));
    expect(exception.value).toBe(`${'x'.repeat(MAX_COPIED_STRING - 1)}…`);
    expect(exception.stacktrace!.frames.length).toBeGreaterThan(0);
    expect(only(message).value).toHaveLength(MAX_COPIED_STRING);
    expect(only({ name: message, message: 'm' }).type).toHaveLength(MAX_COPIED_STRING);
    // Never half a surrogate pair at the cut.
    const emoji = only('😀'.repeat(MAX_COPIED_STRING)).value!;
    expect(emoji.length).toBeLessThanOrEqual(MAX_COPIED_STRING);
    expect(/\p{Cs}/u.test(emoji)).toBe(false);
  });
});

describe('exceptionFromValue: hostile values', () => {
  const throwing = () => {
    throw new Error('getter');
  };

  it('survives an error whose name, message, stack and cause getters throw', () => {
    const error = new Error('hidden');
    // `stack` first: redefining it makes V8 format the lazy stack, which reads `name`.
    for (const key of ['stack', 'name', 'message', 'cause', 'errors', 'constructor']) {
      Object.defineProperty(error, key, { get: throwing });
    }
    const exception = only(error);
    expect(exception).toEqual({ type: 'Error', value: '', mechanism });
  });

  it('survives an object whose getters throw', () => {
    const object = Object.defineProperties(
      {},
      { message: { get: throwing, enumerable: true }, name: { get: throwing } },
    );
    expect(only(object).value).toBe('Object captured as exception with keys: message');
  });

  it('survives a Proxy whose every trap throws, and a revoked Proxy', () => {
    const traps = ['get', 'has', 'ownKeys', 'getPrototypeOf', 'getOwnPropertyDescriptor'];
    const hostile = new Proxy({}, Object.fromEntries(traps.map((trap) => [trap, throwing])));
    expect(only(hostile)).toEqual({
      type: 'Error',
      value: 'Object captured as exception with keys: [unreadable keys]',
      mechanism,
    });
    const revocable = Proxy.revocable(new Error('revoked'), {});
    revocable.revoke();
    expect(only(revocable.proxy).type).toBe('Error');
  });

  it('reads an Error through a transparent Proxy', () => {
    const exception = only(new Proxy(new SyntaxError('proxied'), {}));
    expect(exception).toMatchObject({ type: 'SyntaxError', value: 'proxied' });
  });

  it('survives a message whose toString throws', () => {
    const error = new Error('x');
    Object.defineProperty(error, 'message', { value: { toString: throwing } });
    expect(only(error).value).toBe('object');
  });

  it('survives an AggregateError whose errors array is a throwing Proxy', () => {
    const group = new AggregateError([], 'group');
    Object.defineProperty(group, 'errors', { value: new Proxy([new Error('a')], { get: throwing }) });
    const values = convert(group);
    expect(values.at(-1)).toMatchObject({ type: 'AggregateError', value: 'group' });
  });
});

describe('exceptionFromValue: linked errors', () => {
  it('puts causes first and the thrown error last with exception_id 0', () => {
    const root = new Error('root');
    const middle = new Error('middle', { cause: root });
    const top = new Error('top', { cause: middle });
    const values = convert(top);
    expect(summary(values)).toEqual([
      { value: 'root', source: 'cause', id: 2, parent: 1 },
      { value: 'middle', source: 'cause', id: 1, parent: 0 },
      { value: 'top', source: undefined, id: 0, parent: undefined },
    ]);
    expect(values[0]!.mechanism).toEqual({
      type: 'chained',
      handled: true,
      source: 'cause',
      exception_id: 2,
      parent_id: 1,
    });
    expect(values[2]!.mechanism).toEqual({ ...mechanism, exception_id: 0 });
    expect(values[0]!.stacktrace!.frames.length).toBeGreaterThan(0);
  });

  it('keeps only maxCauseDepth links of a long chain', () => {
    let error = new Error('e0');
    for (let i = 1; i <= 10; i++) error = new Error(`e${i}`, { cause: error });
    expect(convert(error).map((v) => v.value)).toEqual(['e5', 'e6', 'e7', 'e8', 'e9', 'e10']);
    expect(convert(error, { maxCauseDepth: 2 }).map((v) => v.value)).toEqual(['e8', 'e9', 'e10']);
    const alone = convert(error, { maxCauseDepth: 0 });
    expect(alone.map((v) => v.value)).toEqual(['e10']);
    expect(alone[0]!.mechanism).toEqual(mechanism);
  });

  it('caps the total number of values for wide groups', () => {
    const wide = new AggregateError(
      Array.from({ length: 100 }, (_, i) => new Error(`child ${i}`)),
      'wide',
    );
    const values = convert(wide);
    expect(values).toHaveLength(20);
    expect(values.at(-1)!.value).toBe('wide');
    expect(values[0]!.value).toBe('child 18');
    // A deeper maxCauseDepth still bounds the members taken from one group.
    expect(convert(wide, { maxCauseDepth: 50 })).toHaveLength(21);
  });

  it('links an AggregateError and nested causes with exception group fields', () => {
    const inner = new Error('inner cause');
    const group = new AggregateError(
      [new Error('first'), new TypeError('second', { cause: inner }), new RangeError('third')],
      'all failed',
    );
    const values = convert(group);
    expect(summary(values)).toEqual([
      { value: 'third', source: 'errors[2]', id: 4, parent: 0 },
      { value: 'inner cause', source: 'cause', id: 3, parent: 2 },
      { value: 'second', source: 'errors[1]', id: 2, parent: 0 },
      { value: 'first', source: 'errors[0]', id: 1, parent: 0 },
      { value: 'all failed', source: undefined, id: 0, parent: undefined },
    ]);
    expect(values.at(-1)!.mechanism).toEqual({ ...mechanism, exception_id: 0, is_exception_group: true });
    expect(values.at(-1)!.type).toBe('AggregateError');
    expect(values.filter((v) => v.mechanism?.type === 'chained')).toHaveLength(4);
  });

  it('marks nested AggregateErrors as groups and links non-error members', () => {
    const nested = new AggregateError([new Error('deep')], 'nested');
    const outer = new AggregateError([nested, 'plain reason'], 'outer');
    const values = convert(outer);
    expect(summary(values)).toEqual([
      { value: 'plain reason', source: 'errors[1]', id: 3, parent: 0 },
      { value: 'deep', source: 'errors[0]', id: 2, parent: 1 },
      { value: 'nested', source: 'errors[0]', id: 1, parent: 0 },
      { value: 'outer', source: undefined, id: 0, parent: undefined },
    ]);
    expect(values[2]!.mechanism!.is_exception_group).toBe(true);
    expect(values[2]!.mechanism!.type).toBe('chained');
  });

  it('is safe with an error whose cause is itself', () => {
    const error = new Error('self');
    error.cause = error;
    const values = convert(error);
    expect(values.map((v) => v.value)).toEqual(['self']);
  });

  it('is safe with a cycle a → b → a', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(summary(convert(a))).toEqual([
      { value: 'b', source: 'cause', id: 1, parent: 0 },
      { value: 'a', source: undefined, id: 0, parent: undefined },
    ]);
  });

  it('links a non-error cause and ignores null ones', () => {
    expect(convert(new Error('top', { cause: 'timeout' })).map((v) => v.value)).toEqual(['timeout', 'top']);
    expect(convert(new Error('top', { cause: null })).map((v) => v.value)).toEqual(['top']);
  });

  it('passes handled: false on to linked values', () => {
    const values = exceptionFromValue(new Error('top', { cause: new Error('cause') }), {
      mechanism: { type: 'onuncaughtexception', handled: false },
    }).values;
    expect(values.map((v) => v.mechanism?.handled)).toEqual([false, false]);
    expect(values[1]!.mechanism!.type).toBe('onuncaughtexception');
  });
});
