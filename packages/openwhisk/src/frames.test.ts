import type { StackFrame } from '@faultline/core';
import { describe, expect, it } from 'vitest';
import { INLINE_FILE, inlineFrames, placeInlineFrames, rewriteFrames } from './frames.js';

const frame = (filename: string, in_app = true): StackFrame => ({
  filename,
  abs_path: filename,
  function: 'f',
  lineno: 1,
  colno: 1,
  in_app,
});

describe('rewriteFrames', () => {
  it('rewrites the random unpack folder to app:///', () => {
    const [f] = rewriteFrames([frame('/nodejsAction/9ONLWGb2/lib/handler.js')]);
    expect(f).toMatchObject({
      filename: 'app:///lib/handler.js',
      abs_path: 'app:///lib/handler.js',
      in_app: true,
    });
  });

  it('matches a nodejsAction folder anywhere in the path, and keeps bundled node_modules out of the app', () => {
    const [a, b] = rewriteFrames([
      frame('/tmp/ow-harness-x/nodejsAction/AbCd1234/index.js'),
      frame('/nodejsAction/AbCd1234/node_modules/lib/x.js', false),
    ]);
    expect(a?.filename).toBe('app:///index.js');
    expect(b).toMatchObject({ filename: 'app:///node_modules/lib/x.js', in_app: false });
  });

  it('marks the runtime’s own files as not in-app and leaves the rest alone', () => {
    const frames = rewriteFrames([
      frame('/nodejsAction/runner.js'),
      frame('/nodejsAction/src/service.js'),
      frame('/nodejsAction/platform/platform.js'),
      frame('/srv/app/handler.js'),
      frame('/nodejsAction/short/x.js'),
    ]);
    expect(frames.map((f) => f.in_app)).toEqual([false, false, false, true, true]);
    expect(frames[3]?.filename).toBe('/srv/app/handler.js');
  });

  it("names a bundle's mapped sources, which resolve just below the runtime's folder, as the action's own", () => {
    // esbuild src/index.ts --outfile=dist/index.js --sourcemap: the map names `../src/index.ts`,
    // which from /nodejsAction/<unpack>/index.js.map is /nodejsAction/src/index.ts.
    const [mapped, lib, runtime] = rewriteFrames([
      frame('/nodejsAction/src/index.ts', false),
      frame('/nodejsAction/node_modules/sharp/lib/index.js', false),
      frame('/nodejsAction/src/service.js'),
    ]);
    expect(mapped).toMatchObject({
      filename: 'app:///src/index.ts',
      abs_path: 'app:///src/index.ts',
      in_app: true,
    });
    expect(lib?.in_app).toBe(false);
    expect(runtime).toMatchObject({ filename: '/nodejsAction/src/service.js', in_app: false });
  });

  it('takes another unpack root when configured', () => {
    const [f] = rewriteFrames([frame('/action/abc/main.js')], { unpackRoot: /\/action\/[a-z]{3}\// });
    expect(f?.filename).toBe('app:///main.js');
  });
});

describe('inline actions', () => {
  // Stack lines as the real runtime (core/nodejsActionBase 1.23.0) prints them for plain code:
  // the code is evaluated from line 2 of the runner's template, after 15 spaces.
  const at = (fn: string, line: number, col: number) =>
    `    at ${fn} (eval at initializeActionHandler (/nodejsAction/runner.js:79:23), <anonymous>:${line}:${col})`;
  const inline = (stack: string, message = 'x') => inlineFrames({ stack, message }) ?? [];

  it('places frames of evaluated code at their line and column in the action', () => {
    const frames = inline(
      [
        'Error: y',
        at('eval', 7, 49),
        '    at Array.map (<anonymous>)',
        at('nested', 7, 31),
        at('main', 5, 10),
        '    at NodeActionRunner.run (/nodejsAction/runner.js:120:33)',
      ].join('\n'),
      'y',
    );
    expect(frames.map((f) => [f.function, f.filename, f.lineno, f.colno])).toEqual([
      ['NodeActionRunner.run', '/nodejsAction/runner.js', 120, 33],
      ['main', INLINE_FILE, 4, 10],
      ['nested', INLINE_FILE, 6, 31],
      ['Array.map', '<anonymous>', undefined, undefined],
      ['eval', INLINE_FILE, 6, 49],
    ]);
  });

  it('takes the indentation off the first line of the code, where minified code sits', () => {
    // `function main(){ throw new Error("x") }` thrown at 1:24.
    expect(inline(`Error: x\n${at('main', 2, 39)}`)[0]).toMatchObject({ lineno: 1, colno: 24 });
  });

  it('leaves stacks without evaluated code alone', () => {
    expect(inlineFrames({ stack: 'Error: x\n    at f (/app/a.js:1:2)', message: 'x' })).toBeUndefined();
  });

  it('replaces the runner position and context of those frames, and keeps the others', () => {
    const stack = `Error: x\n${at('main', 3, 5)}\n    at NodeActionRunner.run (/nodejsAction/runner.js:120:33)`;
    const runner = (fn: string, lineno: number): StackFrame => ({
      function: fn,
      filename: '/nodejsAction/runner.js',
      abs_path: '/nodejsAction/runner.js',
      lineno,
      colno: 23,
      in_app: false,
      context_line: '        let handler = eval(',
      pre_context: ['    } else try {'],
    });
    const event = [runner('NodeActionRunner.run', 120), runner('main', 79)];
    const placed = placeInlineFrames(event, inline(stack));
    expect(placed?.[0]).toBe(event[0]);
    expect(placed?.[1]).toEqual({
      function: 'main',
      filename: INLINE_FILE,
      abs_path: INLINE_FILE,
      lineno: 2,
      colno: 5,
      in_app: true,
    });
    // Another error's frames (a different list) are not touched.
    expect(placeInlineFrames([event[1]!], inline(stack))).toBeUndefined();
    expect(placeInlineFrames([runner('other', 79), runner('x', 1)], inline(stack))).toBeUndefined();
  });
});
