/**
 * A random UUID v4 as 32 lowercase hex characters, the form Sentry expects for ids: 16 random
 * bytes from the platform's generator (one call per id), with the version and variant bits set.
 */
export function uuid4(): string {
  const bytes = new Uint8Array(16);
  if (typeof crypto === 'object' && crypto?.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.random() * 256;
  bytes[6] = (bytes[6]! & 15) | 64;
  bytes[8] = (bytes[8]! & 63) | 128;
  let out = '';
  for (const byte of bytes) out += (byte + 256).toString(16).slice(1);
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
