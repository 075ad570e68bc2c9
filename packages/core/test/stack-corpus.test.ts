/**
 * The stack parser against a corpus of traces (fixtures/stack-corpus.json): printed here by
 * Node 20, Chromium, Firefox ESR and WebKitGTK (re-recorded by
 * packages/browser/scripts/record-corpus.mjs), or written from the public descriptions of
 * formats no engine here prints (Internet Explorer and EdgeHTML, old Chrome, Firefox and Safari,
 * Opera 12, Node 8 and 14, Bun, Deno, Cloudflare Workers, Hermes, React Native on JavaScriptCore). Every frame of
 * every trace must come out as expected: function, file, line, column and in_app.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStack } from '../src/stack-parse.js';

type Row = [fn: string, file: string | null, line: number | null, col: number | null, inApp: boolean];
interface Trace {
  name: string;
  engine: string;
  recorded?: string;
  /** Why a frame is expected the way it is, where that is a choice. */
  note?: string;
  message?: string;
  stack: string[];
  frames: Row[];
}

const { traces } = JSON.parse(
  readFileSync(new URL('fixtures/stack-corpus.json', import.meta.url), 'utf8'),
) as { traces: Trace[] };

const framesOf = (trace: Trace) =>
  parseStack({ stack: trace.stack.join('\n'), message: trace.message ?? '' });

describe('stack corpus', () => {
  it('covers every engine family, recorded and written', () => {
    const families = new Set(traces.map((t) => t.engine));
    for (const engine of ['v8', 'spidermonkey', 'jsc', 'hermes', 'chakra', 'presto', 'jsc-bun'])
      expect(families).toContain(engine);
    for (const runtime of ['node/', 'chromium/', 'firefox/', 'webkitgtk/'])
      expect(traces.some((t) => t.recorded?.startsWith(runtime))).toBe(true);
    expect(traces.some((t) => !t.recorded)).toBe(true);
  });

  it.each(traces.map((t) => [`${t.recorded ?? 'written'}: ${t.name}`, t] as const))('%s', (_, trace) => {
    const frames = framesOf(trace);
    // Newest first, as the stack reads.
    const rows = frames
      .map((f): Row => [f.function ?? '', f.filename ?? null, f.lineno ?? null, f.colno ?? null, !!f.in_app])
      .reverse();
    expect(rows).toEqual(trace.frames);
    for (const frame of frames) expect(frame.abs_path).toBe(frame.filename);
  });
});

describe('hostile lines', () => {
  // One line of 1 MB built from a piece that makes a backtracking regular expression retry at
  // every position. A parser that is linear in the line's length reads each in milliseconds;
  // a quadratic one needs minutes and fails by the test's timeout.
  const PIECES = [
    ':(//',
    '@',
    '(',
    ')',
    'a@',
    '@/',
    ' line 1 > ',
    ':1',
    'eval at f (',
    '(:1:1',
    'a (',
    'line 1, column 2 in ',
    '(/',
    '(a:',
    ')(',
    ' (eval at ',
  ];
  const WRAPS: Array<[string, string]> = [
    ['', ''],
    ['    at ', ''],
    ['    at f (', ':1:2)'],
    ['@', ':1:2'],
  ];
  it.each(PIECES)('reads a 1 MB line of %j', (piece) => {
    const body = piece.repeat(Math.ceil(2 ** 20 / piece.length));
    for (const [before, after] of WRAPS) {
      const frames = parseStack({ stack: `Error: x\n${before}${body}${after}`, message: 'x' });
      expect(frames.length).toBeLessThanOrEqual(1);
    }
  });
});
