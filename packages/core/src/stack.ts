import type { RawFrame } from './stack-parse.js';
import type { FaultlineEvent, StackFrame } from './types.js';

/**
 * The V8 frame test error-stack-parser itself uses to pick V8 lines
 * (https://github.com/stacktracejs/error-stack-parser, `CHROME_IE_STACK_REGEXP`): a V8 line it
 * accepts maps to exactly one parsed frame, which lets frames it skips be put back in order.
 */
const V8_PARSEABLE = /^\s*at .*(\S+:\d+|\(native\))/;
const V8_LINE = /^\s*at /;

/**
 * What is used of error-stack-parser, which the runtime supplies (core loads no module itself,
 * and does not depend on it: the runtime that loads it declares it).
 */
export type StackLibrary = { parse(error: Error): LibraryFrame[] };
/** The fields read of an error-stack-parser frame. */
type LibraryFrame = { functionName?: string; fileName?: string; lineNumber?: number; columnNumber?: number };

/**
 * Stack lines (newest first) to raw frames with error-stack-parser; `parseLine` reads the V8
 * lines it skips. Throws when the library does. Used by `libraryStackParser`.
 */
export function parseLinesWithLibrary(
  lines: string[],
  parseLine: (line: string) => RawFrame,
  library: StackLibrary,
): RawFrame[] {
  const isV8 = lines.length > 0 && lines.every((line) => V8_LINE.test(line));
  if (!isV8) return library.parse({ stack: lines.join('\n') } as Error).map(fromLibrary);
  // error-stack-parser drops V8 frames without a file position (native builtins such as
  // `Array.map`, `Promise.all`); parse those with the line parser and keep them in place.
  const parseable = lines.filter((line) => V8_PARSEABLE.test(line));
  const parsed = parseable.length > 0 ? library.parse({ stack: parseable.join('\n') } as Error) : [];
  if (parsed.length !== parseable.length) throw new Error('unexpected frame count');
  let next = 0;
  return lines.map((line) => (V8_PARSEABLE.test(line) ? fromLibrary(parsed[next++]!) : parseLine(line)));
}

function fromLibrary(frame: LibraryFrame): RawFrame {
  const raw: RawFrame = { fn: frame.functionName, file: frame.fileName };
  if (typeof frame.lineNumber === 'number') raw.line = frame.lineNumber;
  if (typeof frame.columnNumber === 'number') raw.col = frame.columnNumber;
  return raw;
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

// Local on purpose: importing another core module here would put that module in this file's
// chunk, and error-stack-parser would then ride along wherever it is needed (see tsup.config.ts).
function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
