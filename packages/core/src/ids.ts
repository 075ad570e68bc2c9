/** Random bytes drawn at once, for 16 ids: one call to the platform's generator per 16 ids. */
const pool = new Uint8Array(256);
let used = 256;

/**
 * A random UUID v4 as 32 lowercase hex characters, the form Sentry expects for ids: 16 random
 * bytes from the platform's generator (drawn 256 at a time), with the version and variant bits set.
 */
export function uuid4(): string {
  if (used > 255) {
    used = 0;
    if (typeof crypto === 'object' && crypto?.getRandomValues) crypto.getRandomValues(pool);
    else for (let i = 0; i < 256; i++) pool[i] = Math.random() * 256;
  }
  let out = '';
  for (let i = 0; i < 16; i++) {
    const byte = pool[used++]!;
    // Version 4 in byte 6, variant 10 in byte 8 (RFC 9562).
    out += ((i === 6 ? (byte & 15) | 64 : i === 8 ? (byte & 63) | 128 : byte) + 256).toString(16).slice(1);
  }
  return out;
}

/** Seconds since the epoch, with millisecond precision. */
export function nowSeconds(): number {
  return Date.now() / 1000;
}

/** Whether `value` is an id in the 32-lowercase-hex form. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{32}$/.test(value);
}

/** Whether `value` is a thenable (user hooks may return one). */
export function isPromiseLike<T = unknown>(value: unknown): value is PromiseLike<T> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
