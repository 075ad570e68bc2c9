import { describe, expect, it } from 'vitest';
import { parseStack } from './stack-parse.js';
import type { StackFrame } from './types.js';

const framesOf = (stack: string, extra: object = {}) => parseStack({ stack, message: '', ...extra });
/** The newest frame first, as `[function, file, line, column]`, to read like the stack itself. */
const rows = (frames: StackFrame[]) =>
  frames.map((f) => [f.function, f.filename, f.lineno, f.colno]).reverse();
const rowsOf = (stack: string, extra?: object) => rows(framesOf(stack, extra));

describe('parseStack: V8 (Chrome, Edge, Node, Deno, Bun)', () => {
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

  it('reads names, files and positions, oldest first, and classifies in_app', () => {
    expect(framesOf(V8_STACK).map((f) => [f.function, f.filename, f.lineno, f.colno, f.in_app])).toEqual([
      ['eval', '/app/src/dyn.js', 5, 10, true],
      ['?', '/app/src/anon.js', 3, 4, true],
      ['?', 'internal/main/run_main_module.js', 17, 47, false],
      ['Module._compile', 'node:internal/modules/cjs/loader', 1256, 14, false],
      ['<anonymous>', '/app/src/main.js', 1, 1, true],
      ['Layer.handle [as handle_request]', '/app/node_modules/express/lib/router/layer.js', 95, 5, false],
      ['Array.map', '<anonymous>', undefined, undefined, false],
      ['Repo', '/app/src/repo.js', 7, 9, true],
      ['loadAll', 'file:///app/src/load.mjs', 4, 3, true],
      ['Promise.all', 'index 0', undefined, undefined, false],
      ['getUser', '/app/src/users.js', 10, 15, true],
    ]);
  });

  it('names a module top level the same whether V8 marks it async or not', () => {
    expect(
      rowsOf(
        [
          'Error: x',
          '    at async Object.<anonymous> (/app/src/main.js:3:1)',
          '    at Object.<anonymous> (/app/src/main.js:1:1)',
        ].join('\n'),
      ),
    ).toEqual([
      ['<anonymous>', '/app/src/main.js', 3, 1],
      ['<anonymous>', '/app/src/main.js', 1, 1],
    ]);
  });

  it('keeps file:// URLs as given, in filename and abs_path', () => {
    const [frame] = framesOf('Error: x\n    at run (file:///C:/my%20app/index.mjs:1:2)');
    expect(frame).toMatchObject({
      filename: 'file:///C:/my%20app/index.mjs',
      abs_path: 'file:///C:/my%20app/index.mjs',
    });
  });

  it('reads `at fn(url:l:c)` without the space', () => {
    expect(rowsOf('Error: x\n    at fn(http://h/app.js:1:2)')).toEqual([['fn', 'http://h/app.js', 1, 2]]);
  });

  it('keeps `async ` and Hermes `address at ` out of file names', () => {
    expect(
      rowsOf(
        [
          'Error: inner async',
          '    at innerAsync2 (http://h/stacks.js:39:10)',
          '    at async http://h/stacks.js:43:70',
          '    at anonymous (address at index.android.bundle:1:12345)',
        ].join('\n'),
      ),
    ).toEqual([
      ['innerAsync2', 'http://h/stacks.js', 39, 10],
      ['?', 'http://h/stacks.js', 43, 70],
      ['anonymous', 'index.android.bundle', 1, 12345],
    ]);
  });

  it('unwraps eval frames, nested ones too, to the eval call in the real file', () => {
    expect(
      rowsOf(
        [
          'Error: eval',
          '    at eval (eval at stackSamples (http://h/stacks.js:24:14), <anonymous>:2:23)',
          '    at eval (eval at foo (eval at bar (http://h/app.js:7:3), <anonymous>:1:2), <anonymous>:3:4)',
          '    at eval code (eval code:1:1)',
          '    at eval (eval at render (/app/(shop)/[slug]/page.js:3:9), <anonymous>:1:7)',
          '    at eval (eval at Foo.(anonymous function) (http://h/old.js:4:2), <anonymous>:1:1)',
          '    at eval (eval at f (eval at g (/srv/a (copy)/x.js:9:8), <anonymous>:1:2), <anonymous>:3:4)',
        ].join('\n'),
      ),
    ).toEqual([
      ['eval', 'http://h/stacks.js', 24, 14],
      ['eval', 'http://h/app.js', 7, 3],
      ['eval code', 'eval code', 1, 1],
      ['eval', '/app/(shop)/[slug]/page.js', 3, 9],
      ['eval', 'http://h/old.js', 4, 2],
      ['eval', '/srv/a (copy)/x.js', 9, 8],
    ]);
  });

  it('reads an eval call without a position as its file alone, never as an app line', () => {
    const frames = framesOf(
      [
        'Error: hot reload',
        '    at Layout (eval at proxyClass (webpack:///./node_modules/react-hot-loader/dist/a.js?), <anonymous>:4:17)',
        '    at eval (eval at <anonymous> (native), <anonymous>:1:1)',
      ].join('\n'),
    );
    expect(frames.map((f) => [f.function, f.filename, f.lineno, f.colno, f.in_app]).reverse()).toEqual([
      ['Layout', 'webpack:///./node_modules/react-hot-loader/dist/a.js?', undefined, undefined, false],
      ['eval', 'native', undefined, undefined, false],
    ]);
  });

  it('names the unnamed script of an eval origin `<anonymous>`, not the app (Chromium 156, Node 20)', () => {
    // Chromium: eval in a script injected without a URL (devtools, automation, extensions);
    // Node: eval inside vm.runInNewContext(code, {}, { filename: '' }).
    const frames = framesOf(
      [
        'Error: vmEmptyName',
        '    at eval (eval at inVm (:1:26), <anonymous>:1:1)',
        '    at inVm (<anonymous>:1:26)',
        '    at <anonymous>:1:62',
        '    at Script.runInContext (node:vm:149:12)',
        '    at /srv/app/a.js:17:29',
      ].join('\n'),
    );
    expect(frames.map((f) => [f.function, f.filename, f.lineno, f.colno, f.in_app]).reverse()).toEqual([
      ['eval', '<anonymous>', 1, 26, false],
      ['inVm', '<anonymous>', 1, 26, false],
      ['?', '<anonymous>', 1, 62, false],
      ['Script.runInContext', 'node:vm', 149, 12, false],
      ['?', '/srv/app/a.js', 17, 29, true],
    ]);
    // No frame without a file is an app frame.
    expect(framesOf('Error: x\n    at eval (eval at evaluate (:370:30), <anonymous>:1:1)')[0]).toMatchObject({
      filename: '<anonymous>',
      in_app: false,
    });
  });

  it('skips the old header of a message changed after the stack was written (Chromium 156)', () => {
    const frames = (stack: string, message: string) =>
      parseStack({ stack, message }).map((f) => `${f.function} ${f.filename}:${f.lineno}`);
    const stack = [
      'Error: orig',
      '    at notAFrame (http://evil.test:81/x.js:5:6)',
      '    at http://127.0.0.1:8080/js/samples.js:45:41',
      '    at rec (http://127.0.0.1:8080/js/samples.js:2:60)',
    ].join('\n');
    const real = ['rec http://127.0.0.1:8080/js/samples.js:2', '? http://127.0.0.1:8080/js/samples.js:45'];
    const old = 'orig\n    at notAFrame (http://evil.test:81/x.js:5:6)';
    expect(frames(stack, `wrapped: ${old}`)).toEqual(real);
    expect(frames(stack, `${old}\n(while loading the cart)`)).toEqual(real);
    // A message that holds the frames too (a stack pasted into it) proves nothing: all are read.
    expect(frames(stack, `${stack.slice(7)} (retried)`)).toHaveLength(3);
    // A message replaced by another has no part in common with the header: all are read.
    expect(frames(stack, 'another\nmessage')).toHaveLength(3);
  });

  it('counts code Node was handed as text as no app file: -e, vm, worker eval, the REPL (Node 20)', () => {
    const frames = framesOf(
      [
        'Error: w',
        '    at w ([worker eval]:1:20)',
        '    at g (evalmachine.<anonymous>:1:20)',
        '    at r (REPL1:1:21)',
        '    at f ([eval]:1:20)',
        '    at node:internal/process/execution:118:14',
        '    at [eval]-wrapper:6:24',
        '    at handler (/srv/app/src/jobs.js:12:5)',
        '    at worker.js:12:5',
      ].join('\n'),
    );
    expect(frames.map((f) => [f.filename, f.in_app]).reverse()).toEqual([
      ['[worker eval]', false],
      ['evalmachine.<anonymous>', false],
      ['REPL1', false],
      ['[eval]', false],
      ['node:internal/process/execution', false],
      ['[eval]-wrapper', false],
      ['/srv/app/src/jobs.js', true],
      ['worker.js', true],
    ]);
  });

  it('reads a line cut short and a Safari extension frame behind `at `; drops message lines', () => {
    expect(
      rowsOf(
        [
          'SecurityError: Blocked a frame',
          '    at Error: Blocked a frame with origin "(https://a.io" from accessing a cross-origin frame.)',
          '    at ClipperError@safari-extension:(//3284871F-A480-4FFC-8BC4-3F362C752446/2665fee0/commons.js:223036:10)',
          '    at new <anonymous> (http://www.example.com/test.js:2:1',
        ].join('\n'),
      ),
    ).toEqual([
      [
        'ClipperError',
        'safari-extension://3284871F-A480-4FFC-8BC4-3F362C752446/2665fee0/commons.js',
        223036,
        10,
      ],
      ['<anonymous>', 'http://www.example.com/test.js', 2, 1],
    ]);
  });

  it('names a data: URL module by its media type, not by its source', () => {
    const [frame] = framesOf(
      "Error: x\n    at f (data:text/javascript,const%20token%3D'abc';export%20function%20f(){throw%20new%20Error('x')}:1:70)",
    );
    expect([frame?.filename, frame?.abs_path, frame?.lineno, frame?.colno]).toEqual([
      '<data:text/javascript>',
      '<data:text/javascript>',
      1,
      70,
    ]);
  });

  it('keeps parentheses inside paths (Next.js route groups) and in function names', () => {
    expect(
      rowsOf(
        [
          'Error: x',
          '    at Page (/app/(group)/page.js:3:9)',
          '    at /app/(shop)/(cart)/layout.js:8:1',
          '    at Object.foo.(anonymous function) [as bar] (http://h/old.js:2:5)',
          '    at Foo.(anonymous function) (http://h/old.js:3:6)',
        ].join('\n'),
      ),
    ).toEqual([
      ['Page', '/app/(group)/page.js', 3, 9],
      ['?', '/app/(shop)/(cart)/layout.js', 8, 1],
      ['Object.foo.(anonymous function) [as bar]', 'http://h/old.js', 2, 5],
      ['Foo.(anonymous function)', 'http://h/old.js', 3, 6],
    ]);
  });

  it('reads a lone parenthesis in a path, with names that hold parentheses too', () => {
    expect(
      rowsOf(
        [
          'Error: x',
          '    at fn (/srv/app (old/index.js:10:5)',
          '    at fn(C:\\srv\\a (b\\x.js:1:2)',
          '    at x (y) (/srv/a (b/c (d).js:4:6)',
          '    at Foo.(anonymous function) (http://h/a)b/x.js:7:8)',
          '    at eval (eval at <anonymous> (eval at f (/srv/a (copy/x.js:1:9)), <anonymous>:1:1)',
          '    at Object.<anonymous> (/tmp/we(ird/x.js:1:2)',
          '    at /srv/a)b/index.js:3:7',
        ].join('\n'),
      ),
    ).toEqual([
      ['fn', '/srv/app (old/index.js', 10, 5],
      ['fn', 'C:\\srv\\a (b\\x.js', 1, 2],
      ['x (y)', '/srv/a (b/c (d).js', 4, 6],
      ['Foo.(anonymous function)', 'http://h/a)b/x.js', 7, 8],
      ['eval', '/srv/a (copy/x.js', 1, 9],
      ['<anonymous>', '/tmp/we(ird/x.js', 1, 2],
      ['?', '/srv/a)b/index.js', 3, 7],
    ]);
  });

  it('reads wasm frames as the module URL', () => {
    expect(
      framesOf(
        'Error: x\n    at $add (http://h/calc.wasm:wasm-function[3]:0x1a4)\n    at run (http://h/a.js:1:1)',
      ).at(-1),
    ).toEqual({
      function: '$add',
      filename: 'http://h/calc.wasm',
      abs_path: 'http://h/calc.wasm',
      in_app: false,
    });
  });

  it('never turns frame-like lines of a multi-line message into frames', () => {
    const error = new Error('bad input\n    at fake (/evil.js:1:1)');
    error.stack = `Error: ${error.message}\n    at real (/app/real.js:2:3)`;
    expect(parseStack(error).map((f) => f.function)).toEqual(['real']);
  });

  it('reads a line over 1,024 characters', () => {
    const url = `http://h/${'a'.repeat(2000)}.js`;
    expect(rowsOf(`Error: x\n    at long (${url}:1:99999)`)).toEqual([['long', url, 1, 99999]]);
  });

  it('counts the package caches Bun and Deno run dependencies from, and Bower and jspm folders, as no app code', () => {
    const stack = [
      'Error: x',
      '    at Layer.handle (/home/u/.bun/install/cache/express@4.18.2@@@1/lib/router/layer.js:95:5)',
      '    at run (file:///home/u/.cache/deno/npm/registry.npmjs.org/express/4.18.2/lib/router/index.js:284:7)',
      '    at dispatch (C:\\Users\\u\\AppData\\Local\\deno\\npm\\registry.npmjs.org\\hono\\4.6.0\\dist\\hono.js:9:9)',
      '    at widget (https://shop.example/bower_components/select2/select2.js:4:4)',
      '    at load (https://shop.example/jspm_packages/npm/lodash@4.17.21/lodash.js:3:3)',
      '    at handler (/home/u/app/deno/server.ts:5:11)',
    ].join('\n');
    expect(
      framesOf(stack)
        .map((f) => f.in_app)
        .reverse(),
    ).toEqual([false, false, false, false, false, true]);
  });

  it('parses a real stack from this runtime', () => {
    function throwingFunction(): Error {
      return new Error('real');
    }
    const last = parseStack(throwingFunction()).at(-1)!;
    expect(last.function).toBe('throwingFunction');
    expect(last.filename).toMatch(/stack-parse\.test\.ts$/);
    expect(last.in_app).toBe(true);
    expect(last.lineno).toBeGreaterThan(0);
  });

  it("honours React's framesToPop", () => {
    const stack = 'Error: x\n    at invariant (http://h/react.js:1:1)\n    at render (http://h/app.js:2:2)';
    expect(rowsOf(stack, { framesToPop: 1 })).toEqual([['render', 'http://h/app.js', 2, 2]]);
  });

  it('reads a function name with line breaks, which V8 prints as they are, as one frame (Node 20)', () => {
    // A name computed at run time (a query's text, a route) may hold line breaks.
    const named = {
      'select\nfrom users': () => new Error('broken name'),
      plain: () => new Error('plain name'),
    };
    const broken = named['select\nfrom users']();
    const plain = named.plain();
    expect(broken.stack).toContain('at Object.select\nfrom users (');
    const frames = parseStack(broken);
    const top = frames.at(-1)!;
    expect(top.function).toBe('Object.select from users');
    expect(top.filename).toMatch(/stack-parse\.test\.ts$/);
    expect(top.lineno).toBe(parseStack(plain).at(-1)!.lineno! - 1);
    // The frames below the throw site are all there.
    expect(frames.length).toBe(parseStack(plain).length);
    expect(rowsOf('Error: x\n    at a\nb\nc (/app/q.js:3:4)\n    at main (/app/m.js:1:1)')).toEqual([
      ['a b c', '/app/q.js', 3, 4],
      ['main', '/app/m.js', 1, 1],
    ]);
  });

  it("reads an error's own frames, not those of an error whose stack was appended after a blank line (ono)", () => {
    // ono joins the new error's stack and the original's with a blank line between them.
    function makeOriginal(): Error {
      return new ReferenceError('original');
    }
    function makeOuter(original: Error): Error {
      const outer = new Error('Oops, an error happened.');
      outer.stack = `${outer.stack}\n\n${original.stack}`;
      return outer;
    }
    const frames = parseStack(makeOuter(makeOriginal()));
    expect(frames.at(-1)!.function).toBe('makeOuter');
    expect(frames.map((f) => f.function)).not.toContain('makeOriginal');
    // A message replaced after the stack was written still starts the frames below it.
    expect(rowsOf('Error: old\n    at old (/app/o.js:1:1)\nnew message\n    at now (/app/n.js:2:2)')).toEqual(
      [['now', '/app/n.js', 2, 2]],
    );
  });
});

describe('parseStack: SpiderMonkey (Firefox)', () => {
  it('reads named, anonymous, async and native-less frames', () => {
    expect(
      rowsOf(
        [
          'getUser@http://h/assets/app.js:10:15',
          'loadAll/<@http://h/assets/app.js:20:7',
          'async*loadAll@http://h/assets/app.js:18:3',
          'lib@http://h/node_modules/lib/index.js:2:2',
          '@http://h/assets/app.js:50:1',
          '',
        ].join('\n'),
      ),
    ).toEqual([
      ['getUser', 'http://h/assets/app.js', 10, 15],
      ['loadAll/<', 'http://h/assets/app.js', 20, 7],
      ['loadAll', 'http://h/assets/app.js', 18, 3],
      ['lib', 'http://h/node_modules/lib/index.js', 2, 2],
      ['?', 'http://h/assets/app.js', 50, 1],
    ]);
  });

  it('strips every async-cause prefix, so devtools being open does not change grouping', () => {
    expect(
      rowsOf(
        [
          'timeoutCb@http://h/stacks.js:49:47',
          'setTimeout handler*stackSamples2/out.setTimeoutCallback<@http://h/stacks.js:49:15',
          'promise callback*stackSamples@http://h/stacks.js:29:49',
          'async*stackSamples2@http://h/stacks.js:43:93',
        ].join('\n'),
      ).map((r) => r[0]),
    ).toEqual(['timeoutCb', 'stackSamples2/out.setTimeoutCallback<', 'stackSamples', 'stackSamples2']);
  });

  it('unwraps eval and new Function frames to the calling line of the outer file, without a column', () => {
    expect(
      rowsOf(
        [
          '@http://h/stacks.js line 24 > eval:2:23',
          'anonymous@http://h/app.js line 37 > Function:4:7',
          'evaluated@http://h/app.js line 40 > eval line 2 > eval:1:5',
          'stackSamples@http://h/stacks.js:24:14',
        ].join('\n'),
      ),
    ).toEqual([
      ['eval', 'http://h/stacks.js', 24, undefined],
      ['anonymous', 'http://h/app.js', 37, undefined],
      ['evaluated', 'http://h/app.js', 40, undefined],
      ['stackSamples', 'http://h/stacks.js', 24, 14],
    ]);
  });

  it('splits a function name holding `@` at the URL, and keeps `@` in URLs', () => {
    expect(
      rowsOf(
        ['user@host@http://h/stacks.js:54:47', 'run@http://me@h/a.js:1:2', 'x@y@/abs/b.js:3:4'].join('\n'),
      ),
    ).toEqual([
      ['user@host', 'http://h/stacks.js', 54, 47],
      ['run', 'http://me@h/a.js', 1, 2],
      ['x@y', '/abs/b.js', 3, 4],
    ]);
  });

  it('strips old argument lists from names', () => {
    expect(
      rowsOf('foo(4,5)@http://h/a.js:1\nbar()@http://h/a.js:2\n()@http://h/a.js:3').map((r) => r[0]),
    ).toEqual(['foo', 'bar', '?']);
  });

  it('does not turn a message line holding an e-mail address into a frame', () => {
    const stack = [
      'HTTPClientError: HTTP 500 response for GET http://127.0.0.1:8080/api/500?contact=someone@example.com',
      'fetchStatus@http://127.0.0.1:8080/page.js:20:10',
    ].join('\n');
    expect(rows(parseStack({ stack, message: 'other' }))).toEqual([
      ['fetchStatus', 'http://127.0.0.1:8080/page.js', 20, 10],
    ]);
  });
});

describe('parseStack: JavaScriptCore (Safari)', () => {
  it('reads anonymous, native, eval and new Function frames', () => {
    expect(
      framesOf(
        [
          '@http://h/stacks.js:21:21',
          'eval code@',
          'eval@[native code]',
          'anonymous@',
          'map@[native code]',
          'global code@http://h/stacks.js:50:1',
        ].join('\n'),
      ).map((f) => [f.function, f.filename, f.lineno, f.in_app]),
    ).toEqual([
      ['global code', 'http://h/stacks.js', 50, true],
      ['map', '[native code]', undefined, false],
      ['anonymous', undefined, undefined, false],
      ['eval', '[native code]', undefined, false],
      ['eval code', undefined, undefined, false],
      ['?', 'http://h/stacks.js', 21, true],
    ]);
  });

  it('reads the bare `url:line:col` lines of older Safari, indented or not', () => {
    expect(
      rowsOf(
        [
          'http://h/app.js:10:15',
          '    http://h/app.js:20:7',
          'dispatch@http://h/app.js:30:1',
          '[native code]',
        ].join('\n'),
      ),
    ).toEqual([
      ['?', 'http://h/app.js', 10, 15],
      ['?', 'http://h/app.js', 20, 7],
      ['dispatch', 'http://h/app.js', 30, 1],
      ['?', '[native code]', undefined, undefined],
    ]);
  });

  it('reads safari-extension locations as URLs', () => {
    expect(
      rowsOf(
        'ClipperError@safari-extension:(//3284871F-A480-4FFC-8BC4-3F362C752446/2665fee0/commons.js):223036:10',
      ),
    ).toEqual([
      [
        'ClipperError',
        'safari-extension://3284871F-A480-4FFC-8BC4-3F362C752446/2665fee0/commons.js',
        223036,
        10,
      ],
    ]);
  });
});

describe('parseStack: Opera 10–12 `stacktrace`', () => {
  it('reads Opera 10 lines', () => {
    const stacktrace = [
      '  Line 42 of linked script http://path/to/file.js',
      '                this.undef();',
      '  Line 18 of linked script http://path/to/file.js: In function printStackTrace',
      '        var p = new printStackTrace.implementation();',
      '  Line 4 of inline#1 script in http://path/to/file.js',
    ].join('\n');
    expect(rows(parseStack({ message: 'x', stack: undefined, stacktrace }))).toEqual([
      ['?', 'http://path/to/file.js', 42, undefined],
      ['printStackTrace', 'http://path/to/file.js', 18, undefined],
      ['?', 'http://path/to/file.js', 4, undefined],
    ]);
  });

  it('reads Opera 11 lines, preferring `stacktrace` to `stack`', () => {
    const stacktrace = [
      'Error thrown at line 42, column 12 in <anonymous function: createException>() in http://path/to/file.js:',
      '    this.undef();',
      'called from line 27, column 8 in <anonymous function: run>(ex) in http://path/to/file.js:',
      '    ex = ex || this.createException();',
      'called from line 15, column 3 in http://path/to/file.js:',
      '    foo();',
    ].join('\n');
    const stack = '<anonymous function: run>([arguments not available])@http://path/to/file.js:27';
    expect(rows(parseStack({ message: 'x', stack, stacktrace }))).toEqual([
      ['createException', 'http://path/to/file.js', 42, 12],
      ['run', 'http://path/to/file.js', 27, 8],
      ['?', 'http://path/to/file.js', 15, 3],
    ]);
    expect(rowsOf(stack)).toEqual([['run', 'http://path/to/file.js', 27, undefined]]);
  });

  it('keeps the own stack of an error that carries a `stacktrace` of another kind', () => {
    const error = {
      message: 'upstream failed',
      stack: 'Error: upstream failed\n    at call (http://h/api.js:3:9)',
      stacktrace: 'java.lang.IllegalStateException: boom\n\tat com.shop.Cart.total(Cart.java:42)',
    };
    expect(rows(parseStack(error))).toEqual([['call', 'http://h/api.js', 3, 9]]);
    // A Python traceback says `line 42, in handler`: not Opera's `line 42, column 3`.
    const python = [
      'Traceback (most recent call last):',
      '  File "/srv/api/views.py", line 42, in handler',
      'ValueError: boom',
    ].join('\n');
    expect(rows(parseStack({ ...error, stacktrace: python }))).toEqual([['call', 'http://h/api.js', 3, 9]]);
  });
});

describe('parseStack: Hermes (React Native)', () => {
  it('reads bytecode addresses, native frames and bundle positions', () => {
    expect(
      framesOf(
        [
          'TypeError: undefined is not a function',
          '    at onPress (address at index.android.bundle:1:452701)',
          '    at apply (native)',
          '    at global (http://10.0.2.2:8081/index.bundle?platform=android&dev=true:1:209)',
        ].join('\n'),
      ).map((f) => [f.function, f.filename, f.lineno, f.colno, f.in_app]),
    ).toEqual([
      ['global', 'http://10.0.2.2:8081/index.bundle?platform=android&dev=true', 1, 209, true],
      ['apply', 'native', undefined, undefined, false],
      ['onPress', 'index.android.bundle', 1, 452701, true],
    ]);
  });
});

describe('parseStack: what is no frame of this error', () => {
  it("stops at a cause's stack the app appended (`Caused by:`, Bluebird's `From previous event:`)", () => {
    const v8 = [
      'Error: outer',
      '    at save (/srv/app/db.js:81:49)',
      '    at main (/srv/app/index.js:3:9)',
      'Caused by: Error: inner',
      '    at connect (/srv/app/db.js:12:19)',
    ].join('\n');
    expect(rowsOf(v8, { message: 'outer' })).toEqual([
      ['save', '/srv/app/db.js', 81, 49],
      ['main', '/srv/app/index.js', 3, 9],
    ]);
    const bluebird = 'Error: x\n    at a (/app/a.js:1:2)\nFrom previous event:\n    at b (/app/b.js:3:4)';
    expect(rowsOf(bluebird, { message: 'x' })).toEqual([['a', '/app/a.js', 1, 2]]);
    // Firefox and Safari: no `at`, the cause's first frame on the `Caused by:` line itself.
    const firefox =
      'run/<@http://h/page.js:17:53\nrun@http://h/page.js:17:6\n\nCaused by: rec@http://h/page.js:4:47';
    expect(rowsOf(firefox)).toEqual([
      ['run/<', 'http://h/page.js', 17, 53],
      ['run', 'http://h/page.js', 17, 6],
    ]);
    const safari =
      '@http://h/page.js:17:92\nrec@http://h/page.js:4:49\nCaused by: @http://h/page.js:17:62\nrec@http://h/page.js:4:49';
    expect(rowsOf(safari)).toHaveLength(2);
  });

  it('takes the last run of `at` lines in V8: an old header replaced after the stack was written goes', () => {
    // Chromium: the message was replaced; the old one held a frame-like line, then another kind of line.
    const stack = [
      'Error: remote',
      '    at remoteFn (http://evil.test/r.js:10:5)',
      'remoteFn@http://evil.test/r.js:10:5',
      '    at http://h/page.js:18:62',
      '    at rec (http://h/page.js:4:47)',
    ].join('\n');
    expect(rowsOf(stack, { message: 'request failed' })).toEqual([
      ['?', 'http://h/page.js', 18, 62],
      ['rec', 'http://h/page.js', 4, 47],
    ]);
  });

  it("reads Firefox's script element added with its text as a script without a file, no eval", () => {
    const stack = [
      'inl@http://h/ line 26 > injectedScript:3:24',
      '@http://h/ line 26 > injectedScript:4:1',
      'run/<@http://h/page.js:26:203',
    ].join('\n');
    expect(
      parseStack({ stack })
        .reverse()
        .map((f) => [f.function, f.filename, f.lineno, f.colno, f.in_app]),
    ).toEqual([
      ['inl', '<anonymous>', 3, 24, false],
      ['?', '<anonymous>', 4, 1, false],
      ['run/<', 'http://h/page.js', 26, 203, true],
    ]);
  });
});

describe('parseStack: limits and hostile input', () => {
  it('keeps the 25 oldest and 25 newest of a deep recursion', () => {
    const previous = Error.stackTraceLimit;
    Error.stackTraceLimit = Number.POSITIVE_INFINITY;
    try {
      const recurse = (n: number): Error => (n === 0 ? new Error('deep') : recurse(n - 1));
      const error = recurse(200);
      const all = parseStack(error, { maxFrames: 10_000 });
      expect(all.length).toBeGreaterThan(200);
      const frames = parseStack(error);
      expect(frames).toHaveLength(50);
      expect(frames.slice(0, 25)).toEqual(all.slice(0, 25));
      expect(frames.slice(25)).toEqual(all.slice(-25));
    } finally {
      Error.stackTraceLimit = previous;
    }
  });

  it('honours a custom maxFrames', () => {
    const lines = Array.from({ length: 9 }, (_, i) => `    at f${i} (/app/a.js:${i + 1}:1)`);
    const stack = ['Error: x', ...lines].join('\n');
    expect(framesOf(stack)).toHaveLength(9);
    expect(parseStack({ stack }, { maxFrames: 3 }).map((f) => f.function)).toEqual(['f8', 'f1', 'f0']);
  });

  it('skips a huge multi-line message that holds frame-like lines, and only that', () => {
    const message = `${'x'.repeat(5_000_000)}\n    at fake (/fake.js:1:1)\n${'y'.repeat(5_000_000)}`;
    const stack = `Error: ${message}\n    at real (/app/real.js:2:3)`;
    expect(rows(parseStack({ stack, message }))).toEqual([['real', '/app/real.js', 2, 3]]);
    // A message changed after the stack was made, that starts with the header's lines: they go.
    const other = `${'x'.repeat(5_000_000)}\n    at fake (/fake.js:1:1)\n${'z'.repeat(5_000_000)}`;
    expect(rows(parseStack({ stack, message: other }))).toEqual([['real', '/app/real.js', 2, 3]]);
    // One that has nothing in common with it strips no header, but the old header's `at` line
    // is followed by a line of another kind: the frames are the last run of `at` lines.
    const unrelated = `${'z'.repeat(5_000_000)}\n    at fake (/fake.js:1:1)`;
    expect(rows(parseStack({ stack, message: unrelated }))).toEqual([['real', '/app/real.js', 2, 3]]);
    // With nothing between them, an old header's last `at` line cannot be told from a frame.
    const endsInFrame = {
      stack: 'Error: remote failed\n    at remoteFn (/remote/server.js:10:5)\n    at real (/app/real.js:2:3)',
      message: 'request failed',
    };
    expect(rows(parseStack(endsInFrame))).toHaveLength(2);
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
    expect(parseStack(value)).toEqual([]);
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
    expect(parseStack(getter)).toEqual([]);
    expect(parseStack(proxy)).toEqual([]);
    expect(parseStack(revocable.proxy)).toEqual([]);
  });
});
