import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addContextLines, lineIndex, readFileBytes, readTextFile, splitLines } from './context-lines.js';

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

describe('lineIndex', () => {
  /** Every line of `text` read through the index in `order`, beside what splitLines gives. */
  const readAll = (text: string, order: number[]) => {
    const index = lineIndex(text);
    const split = splitLines(text);
    return order.map((i) => [i, index.at(i), split[i]]);
  };
  const agree = (rows: Array<Array<number | string | undefined>>) => {
    for (const [i, got, want] of rows) expect(got, `line ${i}`).toBe(want);
  };

  it('reads every line as splitLines cuts it, in any order, past the end as undefined', () => {
    // A bundle-sized text: thousands of lines of varied length, some empty, a trailing newline.
    const text = `${Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? '' : `l${i} ${'x'.repeat(i % 97)}`)).join('\n')}\n`;
    const count = splitLines(text).length;
    const forward = Array.from({ length: count + 3 }, (_, i) => i);
    agree(readAll(text, forward));
    agree(readAll(text, [...forward].reverse()));
    // Jumps across strides both ways, and a frame's context in a row far into the file.
    agree(
      readAll(text, [2999, 5, 1024, 255, 256, 257, 511, 512, 2995, 2996, 2997, 2998, 3000, 3001, 0, 770]),
    );
  });

  it('keeps what splitLines does for short texts, missing final newlines and CRs', () => {
    for (const text of ['', 'a', 'a\n', '\n\n', 'a\nb\n\nc', 'a\r\nb\rc\nd\r\n']) {
      agree(readAll(text, [0, 1, 2, 3, 4, 5, 6]));
    }
    const index = lineIndex('a\nb');
    expect([index.at(-1), index.at(0.5), index.at(Number.NaN)]).toEqual([undefined, undefined, undefined]);
  });

  it('serves context lines the same as the split lines', () => {
    const text = Array.from({ length: 900 }, (_, i) => `line ${i + 1}`).join('\n');
    for (const lineno of [1, 3, 256, 257, 600, 896, 900, 901]) {
      const frame = { filename: '/app/bundle.js', lineno, colno: 1 };
      expect(addContextLines(frame, lineIndex(text))).toEqual(addContextLines(frame, splitLines(text)));
    }
  });
});

describe('readTextFile', () => {
  it('reads a regular file within the limit as UTF-8, and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'context-lines-'));
    try {
      const file = join(dir, 'a.js');
      // Multi-byte characters (3 and 4 bytes in UTF-8), a BOM-less file with CRLF line ends.
      const text = 'const a = "é€😀";\r\nthrow new Error(a);\r\n';
      writeFileSync(file, text);
      const bytes = Buffer.byteLength(text);
      expect(readTextFile(file)).toBe(text);
      expect(readTextFile(file, bytes)).toBe(text);
      expect(readFileBytes(file, bytes)?.toString('utf8')).toBe(text);
      // One byte over the limit, a folder, a missing file: undefined, never a throw.
      expect(readTextFile(file, bytes - 1)).toBeUndefined();
      expect(readFileBytes(file, bytes - 1)).toBeUndefined();
      mkdirSync(join(dir, 'folder'));
      expect(readTextFile(join(dir, 'folder'))).toBeUndefined();
      expect(readTextFile(join(dir, 'missing.js'))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
