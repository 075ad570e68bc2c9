import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import type { StackFrame } from '@faultline/core';

/** Lines of source shown before and after the line of a frame. */
export const CONTEXT_LINES = 5;
/** Source files and maps larger than this are never read (minified vendor bundles, generated code). */
export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Longest line kept in context; minified code is cut to a window around the column. */
const MAX_LINE_LENGTH = 140;

/**
 * Reads a UTF-8 file synchronously if it is a regular file no larger than `maxBytes`;
 * `undefined` otherwise or on any error. Synchronous on purpose: the event pipeline stays
 * synchronous, so an event captured right before `process.exit` is still delivered.
 * Decoded by Node's own UTF-8 file reader: a bundle's first error reads the whole bundle for
 * its context lines, and `Buffer#toString` takes several times as long over the same bytes
 * (1.4 ms more for a 228 KB action bundle in a fresh process).
 */
export function readTextFile(path: string, maxBytes = DEFAULT_MAX_FILE_BYTES): string | undefined {
  return readRegularFile(path, maxBytes, (fd) => readFileSync(fd, 'utf8'));
}

/** The bytes of a regular file no larger than `maxBytes`, read as {@link readTextFile} reads. */
export function readFileBytes(path: string, maxBytes = DEFAULT_MAX_FILE_BYTES): Buffer | undefined {
  return readRegularFile(path, maxBytes, (fd, size) => {
    const buffer = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  });
}

/** `read(fd, size)` on the file if it is a regular file no larger than `maxBytes`; undefined otherwise or on any error. */
function readRegularFile<T>(
  path: string,
  maxBytes: number,
  read: (fd: number, size: number) => T,
): T | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    return read(fd, stat.size);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Closing a file we opened read-only cannot lose data.
      }
    }
  }
}

/**
 * The lines of a file, ended by LF, CRLF or a lone CR as the engine counts them. A string
 * separator takes the engine's fast path (a bundle's first error splits the whole file): the
 * regular expression only for text that has a CR at all.
 */
export function splitLines(text: string): string[] {
  return text.includes('\r') ? text.split(/\r\n|\r|\n/) : text.split('\n');
}

/** Lines of a text by 0-based number: an array of lines, or a {@link lineIndex} over the text. */
export interface Lines {
  /** The line at `index` (0-based, not negative), undefined past the last line. */
  at(index: number): string | undefined;
}

/** Lines skipped at once by {@link lineIndex}, and between the offsets it remembers. */
const STRIDE = 256;
const STRIDE_LINES = /(?:[^\n]*\n){256}/y;

/**
 * The lines of `text` as {@link splitLines} cuts them, each cut when it is asked for. The first
 * error of a bundled app or action wants a few lines of one large file: splitting all of it
 * leaves thousands of strings for the garbage collector to copy, at a point of a fresh process
 * where that costs the capture a whole extra collection. Lines are counted by the regular
 * expression engine a stride at a time (a loop over lines in a cold process is slower than
 * the split), and the start of every stride found is kept for the next lookups.
 */
export function lineIndex(text: string): Lines {
  // Three kinds of line end: rare, and split at once.
  if (text.includes('\r')) return splitLines(text);
  /** Offsets where lines 0, STRIDE, 2 × STRIDE, … start, as far as found. */
  const marks = [0];
  // Where the last line asked for starts: context lines are asked for in a row.
  let line = 0;
  let offset = 0;
  return {
    at(index) {
      if (!Number.isInteger(index) || index < 0) return undefined;
      if (index < line || index - line >= STRIDE) {
        const mark = Math.min(Math.floor(index / STRIDE), marks.length - 1);
        line = mark * STRIDE;
        offset = marks[mark]!;
      }
      while (index - line >= STRIDE && line === (marks.length - 1) * STRIDE) {
        STRIDE_LINES.lastIndex = offset;
        if (!STRIDE_LINES.test(text)) break;
        offset = STRIDE_LINES.lastIndex;
        line += STRIDE;
        marks.push(offset);
      }
      while (line < index) {
        const end = text.indexOf('\n', offset);
        if (end < 0) return undefined;
        offset = end + 1;
        line += 1;
      }
      const end = text.indexOf('\n', offset);
      return text.slice(offset, end < 0 ? text.length : end);
    },
  };
}

type Context = [pre: string[], line: string, post: string[], count: number];

/**
 * Context of a file's lines (an object the caller caches per file), by line, then column (numbers:
 * no key string to build and hash per frame); each with the count of lines it was cut for.
 */
const contexts = new WeakMap<Lines, Map<number, Map<number, Context>>>();

/**
 * `frame` with `pre_context`, `context_line` and `post_context` taken from `lines` around its
 * 1-based `lineno`; unchanged when the line is out of range. The lines of one place are cut
 * once per file (the same frames come back with every event); each frame gets its own arrays.
 */
export function addContextLines(frame: StackFrame, lines: Lines, count = CONTEXT_LINES): StackFrame {
  const lineno = frame.lineno;
  if (lineno === undefined || lineno < 1) return frame;
  let byPlace = contexts.get(lines);
  if (!byPlace) {
    byPlace = new Map();
    contexts.set(lines, byPlace);
  }
  // A missing column cuts long lines as column 1 does.
  const column = typeof frame.colno === 'number' ? frame.colno : 1;
  let byColumn = byPlace.get(lineno);
  let context = byColumn?.get(column);
  if (context?.[3] !== count) {
    const index = lineno - 1;
    const snip = (line: string) => snipLine(line, column);
    // In file order: a line index walks forward from the line it read last.
    const pre: string[] = [];
    for (let i = Math.max(0, index - count); i < index; i++) pre.push(snip(lines.at(i) ?? ''));
    const own = lines.at(index);
    if (own === undefined) return frame;
    const post: string[] = [];
    for (let i = index + 1; i <= index + count; i++) {
      const line = lines.at(i);
      if (line === undefined) break;
      post.push(snip(line));
    }
    context = [pre, snip(own), post, count];
    // A file's places are bounded by its lines; a bound on top for very long files.
    if (!byColumn && byPlace.size < 1000) {
      byColumn = new Map();
      byPlace.set(lineno, byColumn);
    }
    if (byColumn && byColumn.size < 64) byColumn.set(column, context);
  }
  // Not `{ ...frame, pre_context }`: on Node 20, properties added after a spread take a slow
  // path (microseconds per object); after Object.assign they do not, and setting them one by
  // one spares an object per frame.
  const out = Object.assign({}, frame);
  out.pre_context = context[0].slice();
  out.context_line = context[1];
  out.post_context = context[2].slice();
  return out;
}

/** Cuts a long line to a window around `colno` (1-based), marking the cuts with `{snip}` as Sentry does. */
export function snipLine(line: string, colno?: number): string {
  if (line.length <= MAX_LINE_LENGTH) return line;
  const center = Math.min(Math.max((colno ?? 1) - 1, 0), line.length);
  let start = Math.max(0, center - MAX_LINE_LENGTH / 2);
  const end = Math.min(line.length, start + MAX_LINE_LENGTH);
  start = Math.max(0, end - MAX_LINE_LENGTH);
  return `${start > 0 ? '{snip} ' : ''}${line.slice(start, end)}${end < line.length ? ' {snip}' : ''}`;
}
