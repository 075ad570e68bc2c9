import { describe, expect, it } from 'vitest';
import { applyFrameResolver, type FrameResolver } from './stack.js';
import { testEvent } from './test-events.js';
import type { FaultlineEvent, StackFrame } from './types.js';

describe('applyFrameResolver', () => {
  const frame = (fn: string): StackFrame => ({ function: fn, filename: '/app/a.js', lineno: 1 });
  const event = (): FaultlineEvent =>
    testEvent({
      exception: {
        values: [
          { type: 'Error', value: 'cause', stacktrace: { frames: [frame('a'), frame('b')] } },
          { type: 'Error', value: 'no stack' },
          { type: 'Error', value: 'top', stacktrace: { frames: [frame('c')] } },
        ],
      },
    });
  const mark: FrameResolver = (frames) =>
    frames.map((f) => ({ ...f, context_line: `line of ${f.function}` }));

  it('is synchronous for a synchronous resolver and maps every value', () => {
    const input = event();
    const result = applyFrameResolver(input, mark);
    expect(result).not.toBeInstanceOf(Promise);
    const values = (result as FaultlineEvent).exception!.values;
    expect(values[0]!.stacktrace!.frames.map((f) => f.context_line)).toEqual(['line of a', 'line of b']);
    expect(values[1]).toEqual({ type: 'Error', value: 'no stack' });
    expect(values[2]!.stacktrace!.frames[0]!.context_line).toBe('line of c');
    expect(input.exception!.values[0]!.stacktrace!.frames[0]!.context_line).toBeUndefined();
  });

  it('returns a promise for an async resolver', async () => {
    const result = applyFrameResolver(event(), async (frames) => mark(frames));
    expect(result).toBeInstanceOf(Promise);
    const values = (await result).exception!.values;
    expect(values[2]!.stacktrace!.frames[0]!.context_line).toBe('line of c');
  });

  it('leaves frames unchanged when the resolver throws or rejects', async () => {
    const original = event();
    const thrown = applyFrameResolver(original, () => {
      throw new Error('resolver bug');
    }) as FaultlineEvent;
    expect(thrown.exception).toEqual(original.exception);
    const rejected = await applyFrameResolver(original, () => Promise.reject(new Error('async bug')));
    expect(rejected.exception).toEqual(original.exception);
    const bad = applyFrameResolver(original, () => 'nope' as unknown as StackFrame[]) as FaultlineEvent;
    expect(bad.exception).toEqual(original.exception);
  });

  it('returns events without exceptions as they are', () => {
    const plain = { ...event(), exception: undefined } as unknown as FaultlineEvent;
    expect(applyFrameResolver(plain, mark)).toBe(plain);
  });
});
