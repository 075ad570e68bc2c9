/**
 * A random UUID v4 as 32 lowercase hex digits, the form Sentry expects (works on http pages
 * too): each `0` and `1` of the template becomes a random digit, the `8` one of 8, 9, a, b.
 */
export const uuid = (): string =>
  '10000000100040008000100000000000'.replace(/[018]/g, (c) =>
    (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+c / 4)))).toString(16),
  );

/** Whether `value` is an id in the 32-lowercase-hex form. */
export const isId = (value: unknown): value is string =>
  typeof value === 'string' && /^[\da-f]{32}$/.test(value);
