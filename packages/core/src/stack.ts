import { merged } from './bounded.js';
import type { ExceptionValue, FaultlineEvent, StackFrame } from './types.js';

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
  // A spread copies the event at once (the engine clones its shape) where `merged` sets key by
  // key; `exception`, which it already has, is then replaced (adding a key after a spread would
  // be slow on Node 20).
  const build = (resolved: Array<StackFrame[] | undefined>): FaultlineEvent => {
    const out = { ...event };
    out.exception = merged<{ values: ExceptionValue[] }>(event.exception, {
      values: values.map((value, i) => {
        const frames = resolved[i];
        return frames && value.stacktrace
          ? merged(value, { stacktrace: merged(value.stacktrace, { frames }) })
          : value;
      }),
    });
    return out;
  };
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
