/**
 * A random UUID v4 as 32 lowercase hex characters, the form Sentry expects for ids. The
 * platform's `randomUUID` where there is one (Node draws its random bytes in batches, so an id
 * costs well under a microsecond, against ~10 µs for one `getRandomValues` call per id); else
 * each hex digit of the UUID template is drawn from `getRandomValues` (or `Math.random`), with
 * the version (4) and variant (8–b) digits fixed.
 */
export function uuid4(): string {
  const c = typeof crypto === 'object' ? crypto : undefined;
  return (
    c?.randomUUID?.().replace(/-/g, '') ??
    '10000000100040008000100000000000'.replace(/[018]/g, (d) =>
      (+d ^ ((c?.getRandomValues?.(new Uint8Array(1))[0] ?? Math.random() * 16) & (15 >> (+d / 4)))).toString(
        16,
      ),
    )
  );
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
