import { describe, expect, it } from 'vitest';
import { addContextLines, splitLines } from './context-lines.js';

const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);

describe('addContextLines', () => {
  it('takes five lines either side of the frame’s line, fewer at the ends of the file', () => {
    const frame = addContextLines({ filename: '/app/a.js', lineno: 10, colno: 3 }, lines);
    expect(frame).toMatchObject({
      filename: '/app/a.js',
      lineno: 10,
      pre_context: ['line 5', 'line 6', 'line 7', 'line 8', 'line 9'],
      context_line: 'line 10',
      post_context: ['line 11', 'line 12', 'line 13', 'line 14', 'line 15'],
    });
    const first = addContextLines({ lineno: 1 }, lines);
    expect(first.pre_context).toEqual([]);
    expect(first.post_context).toHaveLength(5);
    const outside = { lineno: 21 };
    expect(addContextLines(outside, lines)).toBe(outside);
  });

  it('gives every frame arrays of its own, when the same place comes back', () => {
    const a = addContextLines({ lineno: 10, colno: 1 }, lines);
    a.pre_context?.push('changed by beforeSend');
    a.post_context?.splice(0);
    const b = addContextLines({ lineno: 10, colno: 1 }, lines);
    expect(b.pre_context).toEqual(['line 5', 'line 6', 'line 7', 'line 8', 'line 9']);
    expect(b.post_context).toHaveLength(5);
  });

  it('takes as many lines as each call asks for at a place seen before', () => {
    expect(addContextLines({ lineno: 12, colno: 4 }, lines).pre_context).toHaveLength(5);
    const two = addContextLines({ lineno: 12, colno: 4 }, lines, 2);
    expect(two.pre_context).toEqual(['line 10', 'line 11']);
    expect(two.post_context).toEqual(['line 13', 'line 14']);
    expect(addContextLines({ lineno: 12, colno: 4 }, lines).post_context).toHaveLength(5);
  });

  it('cuts a long line around the column of each frame', () => {
    const long = [`${'a'.repeat(200)}${'b'.repeat(200)}`];
    const left = addContextLines({ lineno: 1, colno: 1 }, long);
    const right = addContextLines({ lineno: 1, colno: 390 }, long);
    expect(left.context_line).toMatch(/^a+ \{snip\}$/);
    expect(right.context_line).toMatch(/^\{snip\} b+/);
    // Other files, other lines: the cache is per file.
    expect(addContextLines({ lineno: 1, colno: 1 }, ['short']).context_line).toBe('short');
  });
});

describe('splitLines', () => {
  it('ends lines at LF, CRLF and a lone CR, as the engine numbers them', () => {
    expect(splitLines('a\nb\n\nc')).toEqual(['a', 'b', '', 'c']);
    expect(splitLines('a\r\nb\rc\nd\r\n')).toEqual(['a', 'b', 'c', 'd', '']);
    expect(splitLines('')).toEqual(['']);
    // The line a frame's number points at, in a file with CRLF line ends.
    const lines = splitLines('const a = 1;\r\nthrow new Error("x");\r\n');
    expect(addContextLines({ lineno: 2, colno: 1 }, lines).context_line).toBe('throw new Error("x");');
  });
});
