import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileScrub, scrubStringWith } from './scrub.js';
import { SECRET_CASES } from './test-secrets.js';

// A deny pattern that never matches changes no result but turns the cache off: the reference.
const uncached = (pii: boolean) => compileScrub({ sendDefaultPii: pii, denyKeys: [/(?!)/] });

const text = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.constantFrom(...SECRET_CASES.map((c) => c.text)),
  fc
    .tuple(
      fc.constantFrom('token', 'password', 'id', 'Bearer', 'at'),
      fc.constantFrom('=', ': ', ' '),
      fc.string(),
    )
    .map((parts) => parts.join('')),
);

describe('scrubStringWith: cached results', () => {
  it('equal uncached ones, for every PII setting and mode, first time and repeated', () => {
    fc.assert(
      fc.property(
        text,
        fc.boolean(),
        fc.constantFrom('text' as const, 'code' as const),
        (value, pii, mode) => {
          const expected = scrubStringWith(value, uncached(pii), mode);
          const compiled = compileScrub({ sendDefaultPii: pii });
          expect(scrubStringWith(value, compiled, mode)).toBe(expected);
          expect(scrubStringWith(value, compiled, mode)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keep PII settings and modes apart for the same string', () => {
    const line = 'const token = getToken(); mail bob@example.com';
    const results = [false, true].flatMap((pii) =>
      (['text', 'code'] as const).map((mode) =>
        scrubStringWith(line, compileScrub({ sendDefaultPii: pii }), mode),
      ),
    );
    const reference = [false, true].flatMap((pii) =>
      (['text', 'code'] as const).map((mode) => scrubStringWith(line, uncached(pii), mode)),
    );
    expect(results).toEqual(reference);
    expect(new Set(results).size).toBeGreaterThan(1);
  });
});
