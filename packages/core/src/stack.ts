import ErrorStackParser from 'error-stack-parser';
import type { FaultlineEvent, StackFrame } from './types.js';

/** Frames kept per stack trace (half from each end). */
export const MAX_STACK_FRAMES = 50;

/** Name used when a frame's function is unknown (same placeholder as the Sentry SDKs). */
const UNKNOWN_FUNCTION = '?';

/**
 * The V8 frame test error-stack-parser itself uses to pick V8 lines
 * (https://github.com/stacktracejs/error-stack-parser, `CHROME_IE_STACK_REGEXP`): a V8 line it
 * accepts maps to exactly one parsed frame, which lets frames it skips be put back in order.
 */
const V8_PARSEABLE = /^\s*at .*(\S+:\d+|\(native\))/;
const V8_LINE = /^\s*at /;
/** `at fn (<anonymous>)`, `at async Promise.all (index 0)`, `at <anonymous>`: no location. */
const V8_NO_LOCATION = /^\s*at (?:(.*?) \(([^()]*)\)|(<anonymous>))$/;
/** Fallback parsers, used only when error-stack-parser throws. */
const V8_FALLBACK = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;
const GECKO_FALLBACK = /^(.*?)@(.+?):(\d+)(?::(\d+))?$/;

const WEBKIT_NAME_ONLY = /^(?:eval|[a-z]+ code)$/;

type RawFrame = { fn?: string | undefined; file?: string | undefined; line?: number; col?: number };

/**
 * Parses an error's `stack` into Sentry frames, oldest first (callee last), as the protocol
 * wants (https://develop.sentry.dev/sdk/foundations/transport/event-payloads/stacktrace/).
 * Understands V8 (Node, Chromium) and Gecko/WebKit (Firefox, Safari) formats. Keeps at most
 * `maxFrames` (default 50): the oldest half and the newest half. Never throws.
 */
export function parseStackFrames(error: unknown, options: { maxFrames?: number } = {}): StackFrame[] {
  try {
    const max = Math.max(0, Math.floor(options.maxFrames ?? MAX_STACK_FRAMES));
    const stack = readStack(error);
    if (stack === undefined || max === 0) return [];
    const lines = frameLines(stripHeader(stack, readMessage(error)));
    // Stack strings are newest first; keep the newest half and oldest half before parsing so a
    // 10,000-frame stack overflow costs no more than a short one.
    const raw = parseLines(capEnds(lines, max, true));
    const frames: StackFrame[] = [];
    for (let i = raw.length - 1; i >= 0; i--) {
      const frame = toFrame(raw[i]!);
      if (frame) frames.push(frame);
    }
    return capEnds(frames, max, false);
  } catch {
    return [];
  }
}

function readStack(error: unknown): string | undefined {
  if ((typeof error !== 'object' && typeof error !== 'function') || error === null) return undefined;
  try {
    const stack = (error as { stack?: unknown }).stack;
    return typeof stack === 'string' && stack.length > 0 ? stack : undefined;
  } catch {
    return undefined;
  }
}

function readMessage(error: unknown): string | undefined {
  try {
    const message = (error as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * V8 starts a stack with `Name: message`. A multi-line message could contain lines that look
 * like frames, and a huge one should not be split into lines, so skip past it.
 */
function stripHeader(stack: string, message: string | undefined): string {
  if (!message) return stack;
  const at = stack.indexOf(message);
  // The header is `Name: message`; a name longer than this is not a header match.
  if (at < 0 || at > 256) return stack;
  const rest = stack.slice(at + message.length);
  return rest.startsWith('\n') || rest === '' ? rest : stack;
}

function frameLines(stack: string): string[] {
  const lines = stack.split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines.some((line) => V8_LINE.test(line))) return lines.filter((line) => V8_LINE.test(line));
  return lines.filter((line) => line.trim() !== '');
}

/** Keeps `max` items: the first and last halves. `newestFirst` keeps the extra item at the front. */
function capEnds<T>(items: T[], max: number, newestFirst: boolean): T[] {
  if (items.length <= max) return items;
  const front = newestFirst ? Math.ceil(max / 2) : Math.floor(max / 2);
  return [...items.slice(0, front), ...items.slice(items.length - (max - front))];
}

function parseLines(lines: string[]): RawFrame[] {
  try {
    return parseWithLibrary(lines);
  } catch {
    return lines.map(parseFallback).filter((frame): frame is RawFrame => frame !== undefined);
  }
}

function parseWithLibrary(lines: string[]): RawFrame[] {
  const isV8 = lines.length > 0 && lines.every((line) => V8_LINE.test(line));
  if (!isV8) return ErrorStackParser.parse({ stack: lines.join('\n') } as Error).map(fromLibrary);
  // error-stack-parser drops V8 frames without a file position (native builtins such as
  // `Array.map`, `Promise.all`); parse those here and keep them in place.
  const parseable = lines.filter((line) => V8_PARSEABLE.test(line));
  const parsed = parseable.length > 0 ? ErrorStackParser.parse({ stack: parseable.join('\n') } as Error) : [];
  if (parsed.length !== parseable.length) throw new Error('unexpected frame count');
  let next = 0;
  const frames: RawFrame[] = [];
  for (const line of lines) {
    if (V8_PARSEABLE.test(line)) {
      frames.push(fromLibrary(parsed[next++]!));
      continue;
    }
    const match = V8_NO_LOCATION.exec(line);
    if (match) frames.push({ fn: match[1] ?? match[3], file: match[2] ?? '<anonymous>' });
  }
  return frames;
}

function fromLibrary(frame: ErrorStackParser.StackFrame): RawFrame {
  const raw: RawFrame = { fn: frame.functionName, file: frame.fileName };
  if (typeof frame.lineNumber === 'number') raw.line = frame.lineNumber;
  if (typeof frame.columnNumber === 'number') raw.col = frame.columnNumber;
  return raw;
}

function parseFallback(line: string): RawFrame | undefined {
  // Eval frames report the eval call site: V8 `at fn (eval at caller (/app/x.js:5:10), <anonymous>:1:7)`,
  // Gecko `fn@http://host/app.js line 40 > eval:1:5`.
  const evalFree = line
    .replace(/\(eval at [^()]*(\([^()]*\)).*$/, '$1')
    .replace(/ line (\d+)(?: > eval line \d+)* > eval:\d+:\d+$/, ':$1');
  const match = V8_FALLBACK.exec(evalFree) ?? GECKO_FALLBACK.exec(evalFree);
  if (match) {
    const frame: RawFrame = { fn: match[1], file: match[2], line: Number(match[3]) };
    if (match[4]) frame.col = Number(match[4]);
    return frame;
  }
  const native = V8_NO_LOCATION.exec(line);
  return native ? { fn: native[1] ?? native[3], file: native[2] ?? '<anonymous>' } : undefined;
}

function toFrame(raw: RawFrame): StackFrame | undefined {
  const file = raw.file?.replace(/^\((.*)\)$/, '$1');
  const fn = cleanFunctionName(raw.fn);
  const hasLine = typeof raw.line === 'number' && raw.line > 0;
  // A line with neither a function nor a position is not a frame (e.g. a message line); of
  // lines with a name only, WebKit writes just `eval code`, `global code` and the like.
  if (!hasLine && (fn === undefined || (file === undefined && !WEBKIT_NAME_ONLY.test(fn)))) return undefined;
  const frame: StackFrame = { function: fn ?? UNKNOWN_FUNCTION };
  if (file) {
    frame.filename = fileNameOf(file);
    frame.abs_path = file;
  }
  if (hasLine) frame.lineno = raw.line!;
  if (typeof raw.col === 'number' && raw.col > 0) frame.colno = raw.col;
  frame.in_app = isInApp(file);
  return frame;
}

/** Function names as the user wrote them: no `async`/`new` prefixes, no `Object.` receiver. */
function cleanFunctionName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  let cleaned = name.trim().replace(/^async\*/, '');
  cleaned = cleaned.replace(/^(?:async|new) /, '');
  if (cleaned === 'Object.<anonymous>') cleaned = '<anonymous>';
  return cleaned === '' ? undefined : cleaned;
}

function fileNameOf(file: string): string {
  if (!file.startsWith('file://')) return file;
  let path = file.slice('file://'.length);
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape stays as written.
  }
  // file:///C:/app/x.js → C:/app/x.js
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

function isNativeFile(file: string | undefined): boolean {
  return (
    file === undefined ||
    file === '<anonymous>' ||
    file === 'native' ||
    file === '[native code]' ||
    file.startsWith('index ')
  );
}

/** Library, runtime-internal and native frames are not the app's own code. */
function isInApp(file: string | undefined): boolean {
  if (isNativeFile(file)) return false;
  const path = file!;
  if (path.startsWith('node:') || path.startsWith('internal/')) return false;
  return !/[\\/]node_modules[\\/]/.test(path);
}

/**
 * Rewrites frames after parsing, e.g. to apply source maps and add context lines. Runtimes
 * pass one to {@link applyFrameResolver}.
 */
export type FrameResolver = (frames: StackFrame[]) => StackFrame[] | Promise<StackFrame[]>;

/**
 * Runs `resolver` over the frames of every exception value in `event`. Synchronous when the
 * resolver is; otherwise returns a promise that never rejects. A resolver that throws, rejects
 * or returns something other than an array leaves that value's frames unchanged.
 */
export function applyFrameResolver(
  event: FaultlineEvent,
  resolver: FrameResolver,
): FaultlineEvent | Promise<FaultlineEvent> {
  const values = event.exception?.values;
  if (!values || values.length === 0) return event;
  const results = values.map((value): StackFrame[] | Promise<StackFrame[]> | undefined => {
    const frames = value.stacktrace?.frames;
    if (!frames || frames.length === 0) return undefined;
    try {
      const result = resolver(frames);
      if (isPromiseLike(result)) return Promise.resolve(result).then(orOriginal(frames), () => frames);
      return orOriginal(frames)(result);
    } catch {
      return frames;
    }
  });
  const build = (resolved: Array<StackFrame[] | undefined>): FaultlineEvent => ({
    ...event,
    exception: {
      ...event.exception,
      values: values.map((value, i) => {
        const frames = resolved[i];
        return frames && value.stacktrace ? { ...value, stacktrace: { ...value.stacktrace, frames } } : value;
      }),
    },
  });
  if (!results.some(isPromiseLike)) return build(results as Array<StackFrame[] | undefined>);
  return Promise.all(results).then(build);
}

function orOriginal(frames: StackFrame[]): (result: unknown) => StackFrame[] {
  return (result) => (Array.isArray(result) ? (result as StackFrame[]) : frames);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
