/**
 * Parsed stacks, remembered per client. Errors thrown from the same place have the same frames
 * below their `Name: message` header, so an app that fails repeatedly (an error storm, a
 * failing endpoint) parses each distinct stack once; every call still gets frames of its own.
 */
import { type StackParser, stripHeader } from './stack-parse.js';
import type { StackFrame } from './types.js';

/** Distinct stacks kept; when full, the least recently used goes. */
const MAX_ENTRIES = 64;
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
  return (error, options) => {
    const read = options === undefined ? readStack(error) : undefined;
    if (read === undefined) return parse(error, options);
    const key = stripHeader(read.stack, read.message);
    if (key.length > MAX_KEY_LENGTH) return parse(read);
    let frames = cache.get(key);
    if (frames === undefined) {
      frames = parse(read);
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    } else {
      cache.delete(key);
    }
    cache.set(key, frames);
    return frames.map((frame) => ({ ...frame }));
  };
}

function readStack(error: unknown): { stack: string; message: unknown } | undefined {
  try {
    if (typeof error !== 'object' || error === null) return undefined;
    const stack = (error as { stack?: unknown }).stack;
    const message = (error as { message?: unknown }).message;
    return typeof stack === 'string' && stack !== '' ? { stack, message } : undefined;
  } catch {
    return undefined;
  }
}
