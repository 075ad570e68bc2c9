/** A random UUID v4 as 32 lowercase hex digits, the form Sentry expects (works on http pages too). */
export function uuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join('');
}

/** Whether `value` is an id in the 32-lowercase-hex form. */
export const isId = (value: unknown): value is string =>
  typeof value === 'string' && /^[\da-f]{32}$/.test(value);
