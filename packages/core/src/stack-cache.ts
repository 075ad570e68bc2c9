/**
 * Parsed stacks, remembered per client. Errors thrown from the same place have the same frames
 * below their `Name: message` header, so an app that fails repeatedly (an error storm, a
 * failing endpoint) parses each distinct stack once; every call still gets frames of its own.
 */
import { type StackParser, stripHeader } from './stack-parse.js';
import type { StackFrame } from './types.js';

/** Distinct stacks kept; when full, the least recently used goes. */
const MAX_ENTRIES = 64;
/** Stacks compared before the map is looked up. */
const RECENT = 4;
/** Longer stacks (deep recursion) are parsed every time, so the cache stays under about 1 MB. */
const MAX_KEY_LENGTH = 8192;

/**
 * Wraps `parse` (a parser that reads `stack` and `message` only, as the built-in ones do) with a
 * bounded cache keyed by the stack text without its header. `stack` and `message` are read once
 * and `parse` sees exactly those values, so the frames are the ones `parse` would return, as
 * fresh objects each time (`beforeSend` and integrations may change frames in place). Calls
 * with options, and values whose `stack` or `message` cannot be read, go straight to `parse`.
 */
export function cachedStackParser(parse: StackParser): StackParser {
  const cache = new Map<string, StackFrame[]>();
  // The stacks found last, compared first: a stack is a new string each time, and comparing it
  // with an equal one costs far less than hashing it for the map (an error and its cause, thrown
  // again and again, are found here).
  const recent: Array<[string, StackFrame[]]> = [];
  const parser: StackParser = (error, options) => {
    const read = options === undefined ? readStack(error) : undefined;
    if (read === undefined) return parse(error, options);
    const key = stripHeader(read.stack, read.message);
    if (key.length > MAX_KEY_LENGTH) return parse(read);
    const index = recent.findIndex((entry) => entry[0] === key);
    let frames: StackFrame[] | undefined;
    if (index >= 0) {
      const entry = recent[index] as [string, StackFrame[]];
      frames = entry[1];
      // One place forward, so a stack in steady use stays here.
      if (index > 0) {
        recent[index] = recent[index - 1] as [string, StackFrame[]];
        recent[index - 1] = entry;
      }
    } else {
      frames = cache.get(key);
      if (frames === undefined) {
        frames = parse(read);
        if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
      } else {
        cache.delete(key);
      }
      cache.set(key, frames);
      if (recent.unshift([key, frames]) > RECENT) recent.pop();
    }
    return frames.map((frame) => ({ ...frame }));
  };
  return parser;
}

function readStack(error: unknown): { stack: string; message: unknown } | undefined {
  try {
    if (typeof error !== 'object' || error === null) return undefined;
    const { stack, message, framesToPop, stacktrace } = error as {
      stack?: unknown;
      message?: unknown;
      framesToPop?: unknown;
      stacktrace?: unknown;
    };
    // The parser reads React's `framesToPop` and Opera's `stacktrace` too: such an error is
    // parsed whole, not from a cache keyed by its stack alone (nor with those fields dropped).
    if (framesToPop !== undefined || stacktrace !== undefined) return undefined;
    return typeof stack === 'string' && stack !== '' ? { stack, message } : undefined;
  } catch {
    return undefined;
  }
}
