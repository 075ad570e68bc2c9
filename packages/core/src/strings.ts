/**
 * Two small helpers of every walk over app data (normalize, scrub, bounded copies), in a module
 * of their own so a bundle that needs only the bounded copies of scopes does not take normalize.
 */

/** Cuts a string to at most `max` UTF-16 units (ellipsis included), never inside a surrogate pair. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  if (max <= 1) return '…';
  let end = max - 1;
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${value.slice(0, end)}…`;
}

/** Assigns an own data property, so a `__proto__` key stays data and never changes a prototype. */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  // Assignment would set the prototype for `__proto__`; defining is safe but slow, so only there.
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
