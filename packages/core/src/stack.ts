import { merged } from './bounded.js';
import type { FaultlineEvent, StackFrame } from './types.js';

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
  const build = (resolved: Array<StackFrame[] | undefined>): FaultlineEvent =>
    merged(event, {
      exception: merged(event.exception, {
        values: values.map((value, i) => {
          const frames = resolved[i];
          return frames && value.stacktrace
            ? merged(value, { stacktrace: merged(value.stacktrace, { frames }) })
            : value;
        }),
      }),
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
