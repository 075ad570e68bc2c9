import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
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
 */
export function readTextFile(path: string, maxBytes = DEFAULT_MAX_FILE_BYTES): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    const buffer = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.toString('utf8', 0, read);
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

type Context = [pre: string[], line: string, post: string[], count: number];

/**
 * Context of a file's lines (an array the caller caches per file), by line, then column (numbers:
 * no key string to build and hash per frame); each with the count of lines it was cut for.
 */
const contexts = new WeakMap<readonly string[], Map<number, Map<number, Context>>>();

/**
 * `frame` with `pre_context`, `context_line` and `post_context` taken from `lines` around its
 * 1-based `lineno`; unchanged when the line is out of range. The lines of one place are cut
 * once per file (the same frames come back with every event); each frame gets its own arrays.
 */
export function addContextLines(
  frame: StackFrame,
  lines: readonly string[],
  count = CONTEXT_LINES,
): StackFrame {
  const lineno = frame.lineno;
  if (lineno === undefined || lineno < 1 || lineno > lines.length) return frame;
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
    context = [
      lines.slice(Math.max(0, index - count), index).map(snip),
      snip(lines[index] ?? ''),
      lines.slice(index + 1, index + 1 + count).map(snip),
      count,
    ];
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
