/**
 * Stack parsers. `parseStack` is built in: a few regular expressions for the V8 (Node, Chromium)
 * and Gecko/WebKit (Firefox, Safari) formats, small enough for a browser bundle; the client uses
 * it unless the runtime injects another one. `libraryStackParser` runs error-stack-parser
 * (`stack.ts`), which the runtime loads and hands in; Node injects it.
 */
import { parseLinesWithLibrary, type StackLibrary } from './stack.js';
import type { StackFrame } from './types.js';

/** Turns a thrown value's `stack` into frames, oldest first; never throws. */
export type StackParser = (error: unknown, options?: { maxFrames?: number }) => StackFrame[];

/** Frames kept per stack trace (half from each end). */
export const MAX_STACK_FRAMES = 50;

export type RawFrame = { fn?: string | undefined; file?: string | undefined; line?: number; col?: number };

const V8_LINE = /^\s*at /;

/**
 * Parses an error's `stack` into Sentry frames, oldest first (callee last), as the protocol
 * wants (https://develop.sentry.dev/sdk/foundations/transport/event-payloads/stacktrace/).
 * Keeps at most `maxFrames` (default 50): the oldest half and the newest half. Never throws.
 */
export const parseStack: StackParser = (error, options) => parseWith(error, options, (l) => l.map(parseLine));

/**
 * A parser that turns an error's `stack` into Sentry frames with error-stack-parser, oldest
 * first (callee last). `library` is asked for the library at each parse that has lines to
 * read, so a runtime can load it on first use; when it gives none, or the library throws, the
 * built-in line parser reads the lines. Keeps at most `maxFrames` (default 50): the oldest half
 * and the newest half. Never throws.
 */
export function libraryStackParser(library: () => StackLibrary | undefined): StackParser {
  return (error, options) =>
    parseWith(error, options, (lines) => {
      try {
        const loaded = library();
        if (loaded) return parseLinesWithLibrary(lines, parseLine, loaded);
      } catch {
        // The library failed on these lines: the line parser reads them.
      }
      return lines.map(parseLine);
    });
}

/** Shared frame of both parsers: reads the stack, cuts it to size, and turns raw frames into Sentry frames. */
export function parseWith(
  error: unknown,
  options: { maxFrames?: number } | undefined,
  parseLines: (lines: string[]) => Array<RawFrame | undefined>,
): StackFrame[] {
  try {
    const max = Math.max(0, Math.floor(options?.maxFrames ?? MAX_STACK_FRAMES));
    const stack = (error as { stack?: unknown }).stack;
    if (typeof stack !== 'string' || !stack || !max) return [];
    let message: unknown;
    try {
      message = (error as { message?: unknown }).message;
    } catch {
      // A throwing getter: parse the whole stack.
    }
    const lines = frameLines(stripHeader(stack, message));
    // Stack strings are newest first; keep the newest half and oldest half before parsing so a
    // 10,000-frame stack overflow costs no more than a short one.
    const frames: StackFrame[] = [];
    for (const raw of parseLines(capEnds(lines, max, true)).reverse()) {
      const frame = raw && toFrame(raw);
      if (frame) frames.push(frame);
    }
    return capEnds(frames, max, false);
  } catch {
    return [];
  }
}

/**
 * V8 starts a stack with `Name: message`. A multi-line message could contain lines that look
 * like frames, and a huge one should not be split into lines, so skip past it.
 */
export function stripHeader(stack: string, message: unknown): string {
  if (typeof message !== 'string' || !message) return stack;
  const at = stack.indexOf(message);
  const rest = stack.slice(at + message.length);
  // The header is `Name: message`; a name longer than 256 is not a header match.
  return at >= 0 && at <= 256 && (rest === '' || rest[0] === '\n') ? rest : stack;
}

function frameLines(stack: string): string[] {
  const lines = stack.split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines.some((line) => V8_LINE.test(line))) return lines.filter((line) => V8_LINE.test(line));
  // Safari lists `eval@[native code]` (and bare `[native code]`) for the eval builtin itself.
  return lines.filter((line) => !/^(?:eval@)?(?:\[native code\])?$/.test(line.trim()));
}

/** Keeps `max` items: the first and last halves. `newestFirst` keeps the extra item at the front. */
function capEnds<T>(items: T[], max: number, newestFirst: boolean): T[] {
  if (items.length <= max) return items;
  const front = newestFirst ? Math.ceil(max / 2) : Math.floor(max / 2);
  return [...items.slice(0, front), ...items.slice(items.length - (max - front))];
}

/** One stack line: `at fn (file:line:col)`, `at file:line:col`, `fn@file:line:col`, or a name only. */
export function parseLine(line: string): RawFrame {
  // Eval frames report the eval call site: V8 `at fn (eval at caller (/app/x.js:5:10), <anonymous>:1:7)`,
  // Gecko `fn@http://host/app.js line 40 > eval:1:5`.
  const text = line
    .replace(/\(eval at [^()]*(\([^()]*\)).*$/, '$1')
    .replace(/ line (\d+)(?: > eval line \d+)* > eval:\d+:\d+$/, ':$1');
  const m = /^\s*at (?:(.+?) \((.*)\)|(.*))$/.exec(text) ?? /^(.*?)@(.*)$/.exec(text);
  if (!m) return { fn: line };
  const location = (m[3] ?? m[2]) as string;
  const at = /^(.*?):(\d+)(?::(\d+))?$/.exec(location);
  const frame: RawFrame = { fn: m[1], file: at ? at[1] : location };
  if (at) frame.line = +(at[2] as string);
  if (at?.[3]) frame.col = +at[3];
  return frame;
}

/** Of lines with a name only, WebKit writes just `eval code`, `global code` and the like. */
const WEBKIT_NAME_ONLY = /^(?:eval|[a-z]+ code)$/;

function toFrame(raw: RawFrame): StackFrame | undefined {
  const file = raw.file?.replace(/^\((.*)\)$/, '$1');
  const fn = cleanFunctionName(raw.fn);
  const hasLine = (raw.line as number) > 0;
  // A line with neither a function nor a position is not a frame (e.g. a message line).
  if (!hasLine && (!fn || (file === undefined && !WEBKIT_NAME_ONLY.test(fn)))) return undefined;
  // `?` for an unknown function, the placeholder of the Sentry SDKs.
  const frame: StackFrame = { function: fn || '?' };
  if (file) {
    frame.filename = fileNameOf(file);
    frame.abs_path = file;
  }
  if (hasLine) frame.lineno = raw.line as number;
  if ((raw.col as number) > 0) frame.colno = raw.col as number;
  frame.in_app = isInApp(file);
  return frame;
}

/** Function names as the user wrote them: no `async`/`new` prefixes, no `Object.` receiver. */
function cleanFunctionName(name: string | undefined): string | undefined {
  const cleaned = name
    ?.trim()
    .replace(/^async\*/, '')
    .replace(/^(?:async|new) /, '');
  return cleaned === 'Object.<anonymous>' ? '<anonymous>' : cleaned;
}

function fileNameOf(file: string): string {
  if (!file.startsWith('file://')) return file;
  let path = file.slice(7);
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape stays as written.
  }
  // file:///C:/app/x.js → C:/app/x.js
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

/** Library, runtime-internal and native frames are not the app's own code. */
export function isInApp(file: string | undefined): boolean {
  return (
    !!file &&
    !/^(?:(?:<anonymous>|native|\[native code\])$|index |node:|internal\/)/.test(file) &&
    !/[\\/]node_modules[\\/]/.test(file)
  );
}
