/**
 * Small helpers of every walk over app data (normalize, scrub, bounded copies), in a module
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

/**
 * Cuts a string as {@link truncate} does, and drops the word the cut would split (`…member
 * ada@exam`): a part of an address or a token is no longer recognized by the scrubber, so none is
 * kept. For cuts made before the scrubber runs.
 */
export function truncateWords(value: string, max: number): string {
  const cut = truncate(value, max);
  return cut === value ? cut : cut.replace(/[^\s"'<>,;=]*…$/, '…');
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

/** Keys counted (never read) past a breadth limit, for the `…` marker; beyond, it says `N+`. */
const MAX_COUNTED = 1000;

/**
 * Up to `max` own enumerable string keys of `value`, in `Object.keys` order, and how many more
 * there are (counted up to `count`, their values never read). A `for...in` that
 * stops early, where `Object.keys` would ask a Proxy for the descriptor of every key it lists.
 * V8 gives own keys before inherited ones, so the first inherited key ends the list. (Listing
 * a dictionary-mode object still costs time linear in its size, whichever way: the engine
 * orders all its keys before giving the first.) May throw (Proxies).
 */
export function firstKeys(value: object, max: number, count = MAX_COUNTED): [keys: string[], more: number] {
  const keys: string[] = [];
  let more = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) break;
    if (keys.length < max) keys.push(key);
    else if (more === count) break;
    else more++;
  }
  return [keys, more];
}

/** The value of the `…` key that stands for `more` keys left out. */
export const moreKeys = (more: number): string => `[${more}${more >= MAX_COUNTED ? '+' : ''} more keys]`;
