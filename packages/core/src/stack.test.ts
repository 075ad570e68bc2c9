import ErrorStackParser from 'error-stack-parser';
import { describe, expect, it, vi } from 'vitest';
import { applyFrameResolver, type FrameResolver } from './stack.js';
import { libraryStackParser, parseStack, type StackParser } from './stack-parse.js';
import type { FaultlineEvent, StackFrame } from './types.js';

const parseStackFrames = libraryStackParser(() => ErrorStackParser);

const V8_STACK = [
  'TypeError: Cannot read properties of undefined (reading "id")',
  '    at getUser (/app/src/users.js:10:15)',
  '    at async Promise.all (index 0)',
  '    at async loadAll (file:///app/src/load.mjs:4:3)',
  '    at new Repo (/app/src/repo.js:7:9)',
  '    at Array.map (<anonymous>)',
  '    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)',
  '    at Object.<anonymous> (/app/src/main.js:1:1)',
  '    at Module._compile (node:internal/modules/cjs/loader:1256:14)',
  '    at internal/main/run_main_module.js:17:47',
  '    at /app/src/anon.js:3:4',
  '    at eval (eval at run (/app/src/dyn.js:5:10), <anonymous>:1:7)',
].join('\n');

const FIREFOX_STACK = [
  'getUser@http://localhost:8080/assets/app.js:10:15',
  'loadAll/<@http://localhost:8080/assets/app.js:20:7',
  'async*loadAll@http://localhost:8080/assets/app.js:18:3',
  'evaluated@http://localhost:8080/assets/app.js line 40 > eval:1:5',
  'lib@http://localhost:8080/node_modules/lib/index.js:2:2',
  '@http://localhost:8080/assets/app.js:50:1',
  '',
].join('\n');

const SAFARI_STACK = [
  'getUser@http://localhost:8080/assets/app.js:10:15',
  'eval code',
  'eval@[native code]',
  'global code@http://localhost:8080/assets/app.js:50:1',
].join('\n');

describe.each<[string, StackParser]>([
  ['parseStackFrames (error-stack-parser)', parseStackFrames],
  ['parseStack (built-in)', parseStack],
])('%s', (_name, parse) => {
  const framesOf = (stack: unknown) => parse({ stack, message: '' });

  describe('V8', () => {
    const frames = framesOf(V8_STACK);

    it('returns frames oldest first', () => {
      expect(frames.map((f) => f.function)).toEqual([
        'eval',
        '?',
        '?',
        'Module._compile',
        '<anonymous>',
        'Layer.handle [as handle_request]',
        'Array.map',
        'Repo',
        'loadAll',
        'Promise.all',
        'getUser',
      ]);
    });

    it('keeps positions, strips file:// from filename and keeps abs_path raw', () => {
      expect(frames.at(-1)).toEqual({
        function: 'getUser',
        filename: '/app/src/users.js',
        abs_path: '/app/src/users.js',
        lineno: 10,
        colno: 15,
        in_app: true,
      });
      expect(frames.find((f) => f.function === 'loadAll')).toMatchObject({
        filename: '/app/src/load.mjs',
        abs_path: 'file:///app/src/load.mjs',
        lineno: 4,
        colno: 3,
      });
    });

    it('classifies in_app', () => {
      const inApp = Object.fromEntries(frames.map((f) => [`${f.function}@${f.filename}`, f.in_app]));
      expect(inApp).toEqual({
        'eval@/app/src/dyn.js': true,
        '?@/app/src/anon.js': true,
        '?@internal/main/run_main_module.js': false,
        'Module._compile@node:internal/modules/cjs/loader': false,
        '<anonymous>@/app/src/main.js': true,
        'Layer.handle [as handle_request]@/app/node_modules/express/lib/router/layer.js': false,
        'Array.map@<anonymous>': false,
        'Repo@/app/src/repo.js': true,
        'loadAll@/app/src/load.mjs': true,
        'Promise.all@index 0': false,
        'getUser@/app/src/users.js': true,
      });
    });

    it('gives eval frames the position of the eval call', () => {
      expect(frames[0]).toMatchObject({
        function: 'eval',
        filename: '/app/src/dyn.js',
        lineno: 5,
        colno: 10,
      });
    });

    it('ignores frame-like lines inside a multi-line message', () => {
      const error = new Error('bad input\n    at fake (/evil.js:1:1)');
      error.stack = `Error: ${error.message}\n    at real (/app/real.js:2:3)`;
      expect(parse(error).map((f) => f.function)).toEqual(['real']);
    });

    it('handles Windows file URLs and escaped characters', () => {
      const [frame] = framesOf('Error: x\n    at run (file:///C:/my%20app/index.mjs:1:2)');
      expect(frame).toMatchObject({
        filename: 'C:/my app/index.mjs',
        abs_path: 'file:///C:/my%20app/index.mjs',
      });
    });

    it('parses a real stack from this runtime', () => {
      function throwingFunction(): Error {
        return new Error('real');
      }
      const frames = parse(throwingFunction());
      const last = frames.at(-1)!;
      expect(last.function).toBe('throwingFunction');
      expect(last.filename).toMatch(/stack\.test\.ts$/);
      expect(last.in_app).toBe(true);
      expect(last.lineno).toBeGreaterThan(0);
    });
  });

  describe('Firefox and Safari', () => {
    it('parses Firefox stacks, including async and eval frames', () => {
      expect(framesOf(FIREFOX_STACK)).toEqual([
        {
          function: '?',
          filename: 'http://localhost:8080/assets/app.js',
          abs_path: 'http://localhost:8080/assets/app.js',
          lineno: 50,
          colno: 1,
          in_app: true,
        },
        {
          function: 'lib',
          filename: 'http://localhost:8080/node_modules/lib/index.js',
          abs_path: 'http://localhost:8080/node_modules/lib/index.js',
          lineno: 2,
          colno: 2,
          in_app: false,
        },
        {
          function: 'evaluated',
          filename: 'http://localhost:8080/assets/app.js',
          abs_path: 'http://localhost:8080/assets/app.js',
          lineno: 40,
          in_app: true,
        },
        {
          function: 'loadAll',
          filename: 'http://localhost:8080/assets/app.js',
          abs_path: 'http://localhost:8080/assets/app.js',
          lineno: 18,
          colno: 3,
          in_app: true,
        },
        {
          function: 'loadAll/<',
          filename: 'http://localhost:8080/assets/app.js',
          abs_path: 'http://localhost:8080/assets/app.js',
          lineno: 20,
          colno: 7,
          in_app: true,
        },
        {
          function: 'getUser',
          filename: 'http://localhost:8080/assets/app.js',
          abs_path: 'http://localhost:8080/assets/app.js',
          lineno: 10,
          colno: 15,
          in_app: true,
        },
      ]);
    });

    it('parses Safari stacks and marks native frames', () => {
      const frames = framesOf(SAFARI_STACK);
      expect(frames.map((f) => [f.function, f.lineno, f.in_app])).toEqual([
        ['global code', 50, true],
        ['eval code', undefined, false],
        ['getUser', 10, true],
      ]);
    });
  });

  describe('limits and hostile input', () => {
    it('keeps the 25 oldest and 25 newest of a deep recursion', () => {
      const previous = Error.stackTraceLimit;
      Error.stackTraceLimit = Number.POSITIVE_INFINITY;
      try {
        const recurse = (n: number): Error => (n === 0 ? new Error('deep') : recurse(n - 1));
        const error = recurse(200);
        const all = parse(error, { maxFrames: 10_000 });
        expect(all.length).toBeGreaterThan(200);
        const frames = parse(error);
        expect(frames).toHaveLength(50);
        expect(frames.slice(0, 25)).toEqual(all.slice(0, 25));
        expect(frames.slice(25)).toEqual(all.slice(-25));
      } finally {
        Error.stackTraceLimit = previous;
      }
    });

    it('honours a custom maxFrames', () => {
      const lines = Array.from({ length: 9 }, (_, i) => `    at f${i} (/app/a.js:${i + 1}:1)`);
      const frames = framesOf(['Error: x', ...lines].join('\n'));
      expect(frames.map((f) => f.function)).toHaveLength(9);
      const capped = parse({ stack: ['Error: x', ...lines].join('\n') }, { maxFrames: 3 });
      expect(capped.map((f) => f.function)).toEqual(['f8', 'f1', 'f0']);
    });

    it.each([
      ['no stack', {}],
      ['empty stack', { stack: '' }],
      ['non-string stack', { stack: 42 }],
      ['a header only', { stack: 'Error: nothing here' }],
      ['garbage', { stack: 'just some text\nmore text\nword' }],
      ['a name-only header', { stack: 'TypeError' }],
      ['null', null],
      ['a string', 'Error: x\n    at f (/a.js:1:1)'],
      ['a number', 7],
    ])('returns [] for %s', (_, value) => {
      expect(parse(value)).toEqual([]);
    });

    it('survives throwing stack getters and Proxies', () => {
      const getter = Object.defineProperty({}, 'stack', {
        get() {
          throw new Error('no');
        },
      });
      const proxy = new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
        },
      );
      const revocable = Proxy.revocable({}, {});
      revocable.revoke();
      expect(parse(getter)).toEqual([]);
      expect(parse(proxy)).toEqual([]);
      expect(parse(revocable.proxy)).toEqual([]);
    });
  });
});

describe('parseStackFrames: fallback', () => {
  const framesOf = (stack: unknown) => parseStackFrames({ stack, message: '' });

  it('falls back to a line parser when error-stack-parser throws', () => {
    const spy = vi.spyOn(ErrorStackParser, 'parse').mockImplementation(() => {
      throw new Error('parser bug');
    });
    try {
      expect(framesOf(V8_STACK).map((f) => [f.function, f.filename, f.lineno, f.in_app])).toEqual([
        ['eval', '/app/src/dyn.js', 5, true],
        ['?', '/app/src/anon.js', 3, true],
        ['?', 'internal/main/run_main_module.js', 17, false],
        ['Module._compile', 'node:internal/modules/cjs/loader', 1256, false],
        ['<anonymous>', '/app/src/main.js', 1, true],
        ['Layer.handle [as handle_request]', '/app/node_modules/express/lib/router/layer.js', 95, false],
        ['Array.map', '<anonymous>', undefined, false],
        ['Repo', '/app/src/repo.js', 7, true],
        ['loadAll', '/app/src/load.mjs', 4, true],
        ['Promise.all', 'index 0', undefined, false],
        ['getUser', '/app/src/users.js', 10, true],
      ]);
      expect(framesOf(FIREFOX_STACK).map((f) => f.function)).toEqual([
        '?',
        'lib',
        'evaluated',
        'loadAll',
        'loadAll/<',
        'getUser',
      ]);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('applyFrameResolver', () => {
  const frame = (fn: string): StackFrame => ({ function: fn, filename: '/app/a.js', lineno: 1 });
  const event = (): FaultlineEvent => ({
    event_id: 'a'.repeat(32),
    timestamp: 1,
    platform: 'node',
    level: 'error',
    contexts: {},
    tags: {},
    extra: {},
    breadcrumbs: [],
    sdk: { name: 'faultline.test', version: '0.0.0' },
    exception: {
      values: [
        { type: 'Error', value: 'cause', stacktrace: { frames: [frame('a'), frame('b')] } },
        { type: 'Error', value: 'no stack' },
        { type: 'Error', value: 'top', stacktrace: { frames: [frame('c')] } },
      ],
    },
  });
  const mark: FrameResolver = (frames) =>
    frames.map((f) => ({ ...f, context_line: `line of ${f.function}` }));

  it('is synchronous for a synchronous resolver and maps every value', () => {
    const input = event();
    const result = applyFrameResolver(input, mark);
    expect(result).not.toBeInstanceOf(Promise);
    const values = (result as FaultlineEvent).exception!.values;
    expect(values[0]!.stacktrace!.frames.map((f) => f.context_line)).toEqual(['line of a', 'line of b']);
    expect(values[1]).toEqual({ type: 'Error', value: 'no stack' });
    expect(values[2]!.stacktrace!.frames[0]!.context_line).toBe('line of c');
    expect(input.exception!.values[0]!.stacktrace!.frames[0]!.context_line).toBeUndefined();
  });

  it('returns a promise for an async resolver', async () => {
    const result = applyFrameResolver(event(), async (frames) => mark(frames));
    expect(result).toBeInstanceOf(Promise);
    const values = (await result).exception!.values;
    expect(values[2]!.stacktrace!.frames[0]!.context_line).toBe('line of c');
  });

  it('leaves frames unchanged when the resolver throws or rejects', async () => {
    const original = event();
    const thrown = applyFrameResolver(original, () => {
      throw new Error('resolver bug');
    }) as FaultlineEvent;
    expect(thrown.exception).toEqual(original.exception);
    const rejected = await applyFrameResolver(original, () => Promise.reject(new Error('async bug')));
    expect(rejected.exception).toEqual(original.exception);
    const bad = applyFrameResolver(original, () => 'nope' as unknown as StackFrame[]) as FaultlineEvent;
    expect(bad.exception).toEqual(original.exception);
  });

  it('returns events without exceptions as they are', () => {
    const plain = { ...event(), exception: undefined } as unknown as FaultlineEvent;
    expect(applyFrameResolver(plain, mark)).toBe(plain);
  });
});
