import { createTestTransport } from '@faultline/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { captureException, close, init } from './index.js';

afterEach(() => close());

describe('captureException of a value that is not an Error', () => {
  it.each([
    ['null', null],
    ['a string', 'plain failure'],
    ['an object', { code: 'E_BROKEN' }],
  ])('%s carries the stack of the line that captured it', (_name, value) => {
    const transport = createTestTransport();
    init({ dsn: 'https://public@example.invalid/1', transport: () => transport });
    captureException(value);
    const exception = transport.events()[0]?.exception?.values.at(-1);
    expect(exception?.mechanism?.synthetic).toBe(true);
    const top = exception?.stacktrace?.frames.at(-1);
    expect(top?.filename).toMatch(/api\.test\.ts$/);
    expect(top?.lineno).toBe(15);
  });
});
