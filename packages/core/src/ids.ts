/**
 * The runtime's own UUID source, when it has a cheaper one than the global `crypto`. In Node the
 * global's first use loads Web Crypto (about 2 ms of a first error), while `node:crypto`, which
 * most apps and every web framework have loaded by then, makes the same ids directly.
 */
let runtimeUUID: (() => string) | undefined;

/** Sets where {@link uuid4} draws its ids from (a function that returns a UUID v4); undefined: the platform's. */
export function useUUIDSource(source: (() => string) | undefined): void {
  runtimeUUID = source;
}

/**
 * A random UUID v4 as 32 lowercase hex characters, the form Sentry expects for ids. The
 * runtime's source or the platform's `randomUUID` where there is one (Node draws its random bytes
 * in batches, so an id costs well under a microsecond, against ~10 µs for one `getRandomValues`
 * call per id); else each hex digit of the UUID template is drawn from `getRandomValues` (or
 * `Math.random`), with the version (4) and variant (8–b) digits fixed.
 */
export function uuid4(): string {
  // The runtime's source first: reading the global `crypto` is what loads Web Crypto in Node.
  const c = !runtimeUUID && typeof crypto === 'object' ? crypto : undefined;
  return (
    (runtimeUUID?.() ?? c?.randomUUID?.())?.replace(/-/g, '') ??
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
